"""State names to COW codes for the sanctions tools, without a database.

`foedus.naming.resolve_state` resolves against the states in a foedus store (it takes a connection).
Sanctions checks must work without a store, so until naming offers a store-free `resolve_state(text)`, this
module reads the same package data (foedus/data/state_aliases.csv, gw_cow_codes.csv) and country_converter.
When naming's resolver takes the text alone, it is used instead.
"""

from __future__ import annotations

import csv
import difflib
import inspect
import logging
import re
from functools import lru_cache
from importlib import resources

from foedus.errors import UnknownStateError

# Names the sanctions data and tests rely on, so they resolve without country_converter.
_BUILTIN = {
    "dprk": 731,
    "prk": 731,
    "north korea": 731,
    "korea, north": 731,
    "democratic people's republic of korea": 731,
    "china": 710,
    "chn": 710,
    "prc": 710,
    "people's republic of china": 710,
    "russia": 365,
    "rus": 365,
    "russian federation": 365,
    "ussr": 365,
    "rok": 732,
    "kor": 732,
    "south korea": 732,
    "republic of korea": 732,
    "japan": 740,
    "jpn": 740,
    "united states": 2,
    "usa": 2,
    "us": 2,
    "mongolia": 712,
    "mng": 712,
}
_NAMES = {
    731: "North Korea",
    710: "China",
    365: "Russia",
    732: "South Korea",
    740: "Japan",
    2: "United States",
    712: "Mongolia",
}


def _naming_resolver():
    """foedus.naming.resolve_state if it takes the text alone, else None."""
    try:
        from foedus.naming import resolve_state
    except ImportError:
        return None
    params = [p for p in inspect.signature(resolve_state).parameters.values() if p.default is p.empty]
    return resolve_state if len(params) == 1 else None


def _package_csv(name: str) -> list[dict]:
    with resources.files("foedus.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, int]:
    table = dict(_BUILTIN)
    try:
        table.update(
            {row["alias"].casefold(): int(row["ccode"]) for row in _package_csv("state_aliases.csv")}
        )
    except (FileNotFoundError, ModuleNotFoundError, KeyError, ValueError):
        pass
    return table


@lru_cache(maxsize=1)
def _converter():
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    return coco.CountryConverter()


@lru_cache(maxsize=1)
def _gw_to_cow() -> dict[int, int]:
    try:
        return {int(row["gwcode"]): int(row["ccode"]) for row in _package_csv("gw_cow_codes.csv")}
    except (FileNotFoundError, ModuleNotFoundError, KeyError, ValueError):
        return {}


@lru_cache(maxsize=1)
def _iso3_to_cow() -> dict[str, tuple[int, str]]:
    data = _converter().data
    table = {}
    for iso, gw, name in zip(data["ISO3"], data["GWcode"], data["name_short"], strict=True):
        if gw == gw and str(gw).strip() not in ("", "nan"):
            code = int(float(gw))
            table[str(iso).upper()] = (_gw_to_cow().get(code, code), name)
    return table


@lru_cache(maxsize=4096)
def resolve_state(text: str | int) -> int:
    """The COW code for a COW code, ISO3 code or name; raises UnknownStateError with suggestions."""
    raw = str(text).strip()
    if re.fullmatch(r"\d{1,4}", raw):
        return int(raw)
    if not raw:
        raise UnknownStateError(raw, [])
    naming = _naming_resolver()
    if naming is not None:
        return int(naming(raw))
    folded = raw.casefold()
    if folded in _aliases():
        return _aliases()[folded]
    table = _iso3_to_cow()
    if raw.upper() in table:
        return table[raw.upper()][0]
    iso = _converter().convert(raw, to="ISO3", not_found=None)
    if isinstance(iso, str) and iso.upper() in table:
        return table[iso.upper()][0]
    choices = list(_aliases())
    raise UnknownStateError(raw, difflib.get_close_matches(folded, choices, n=5, cutoff=0.6))


@lru_cache(maxsize=512)
def state_name(code: int) -> str:
    """A short English name for a COW code (the code itself if unknown)."""
    if code in _NAMES:
        return _NAMES[code]
    for cow, name in _iso3_to_cow().values():
        if cow == code:
            return name
    return str(code)
