"""Resolve what users type (a COW code, COW abbreviation, ISO3 code or a name) to a COW state code.

Rule for a bare three-letter code that is both an ISO3 code and a COW abbreviation of
*different* states (AUS: ISO3 Australia, COW Austria; also SLV, SWZ, MNG, KOR, CZE, MAC):
the ISO3 reading wins, and the resolution says so. Write `cow:AUS` or `iso:AUS` to choose.
`gw:260` reads a Gleditsch–Ward code. Modern names go through country_converter; historical
states and common aliases come from `data/state_aliases.csv` (cited), GW↔COW code differences
from `data/gw_cow_codes.csv`.
"""

from __future__ import annotations

import csv
import difflib
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from foedus.errors import NotImportedError, UnknownStateError
from foedus.ingest.atop import ATOP_EXTRA_CODES


@dataclass(frozen=True)
class Resolution:
    code: int          # COW code
    name: str
    how: str           # how the text was read, e.g. "ISO3 code AUS (Australia)"
    ambiguous: str | None = None  # what else the text could have meant


def _read_csv(name: str) -> list[dict]:
    with resources.files("foedus.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, int]:
    return {row["alias"].casefold(): int(row["ccode"]) for row in _read_csv("state_aliases.csv")}


@lru_cache(maxsize=1)
def _gw_to_cow() -> dict[int, int]:
    return {int(row["gwcode"]): int(row["ccode"]) for row in _read_csv("gw_cow_codes.csv")}


@lru_cache(maxsize=1)
def _converter():
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    return coco.CountryConverter()


def _iso3_table() -> dict[str, tuple[float, str]]:
    data = _converter().data
    return {iso: (gw, name) for iso, gw, name in zip(data["ISO3"], data["GWcode"], data["name_short"], strict=True)}


class StateNames:
    """State lookup against the states stored in a foedus database."""

    def __init__(self, con):
        rows = con.execute("SELECT system, code, abbr, name FROM states").fetchall()
        if not rows:
            raise NotImportedError("No state list in the database; run `foedus data import` first.")
        self.cow = {code: (abbr, name) for system, code, abbr, name in rows if system == "cow"}
        self.gw = {code: (abbr, name) for system, code, abbr, name in rows if system == "gw"}
        self.cow_abbr = {abbr.upper(): code for code, (abbr, _) in self.cow.items() if abbr}
        self.by_name = {name.casefold(): code for code, (_, name) in self.cow.items()}
        for code, (_, name) in self.gw.items():
            self.by_name.setdefault(name.casefold(), self._gw_code_to_cow(code))
        self.iso = _iso3_table()
        # Codes a dataset uses that neither state list has (ATOP's 8152, Annam).
        self.extra = {code: (str(code), label.split(" (")[0]) for code, label in ATOP_EXTRA_CODES.items()}

    def name(self, code: int) -> str:
        for table in (self.cow, self.gw, self.extra):
            if code in table:
                return table[code][1]
        return str(code)

    def abbr(self, code: int) -> str:
        return (self.cow.get(code) or self.gw.get(code) or self.extra.get(code) or (str(code), ""))[0]

    def _gw_code_to_cow(self, gw: int) -> int:
        return _gw_to_cow().get(gw, gw)

    def _from_iso(self, iso: str) -> int | None:
        entry = self.iso.get(iso.upper())
        if entry is None or entry[0] != entry[0]:  # NaN GW code: no state
            return None
        code = self._gw_code_to_cow(int(entry[0]))
        return code if code in self.cow or code in self.gw else None

    def resolve(self, text: str | int) -> Resolution:
        raw = str(text).strip()
        if not raw:
            raise UnknownStateError(raw, [])
        prefix, _, rest = raw.partition(":")
        if rest and prefix.lower() in {"cow", "iso", "gw"}:
            return self._explicit(prefix.lower(), rest.strip(), raw)
        if re.fullmatch(r"\d{1,4}", raw):
            code = int(raw)
            if code in self.cow or code in self.gw or code in self.extra:
                return Resolution(code, self.name(code), f"COW code {code}")
            raise UnknownStateError(raw, [])
        folded = raw.casefold()
        if folded in _aliases():
            code = _aliases()[folded]
            return Resolution(code, self.name(code), f"alias '{raw}'")
        if folded in self.by_name:
            code = self.by_name[folded]
            return Resolution(code, self.name(code), f"name '{raw}'")
        if re.fullmatch(r"[A-Za-z]{3}", raw):
            iso_code = self._from_iso(raw)
            cow_code = self.cow_abbr.get(raw.upper())
            if iso_code is not None:
                other = None
                if cow_code is not None and cow_code != iso_code:
                    other = (
                        f"COW abbreviation {raw.upper()} is {self.name(cow_code)} ({cow_code}); "
                        f"write cow:{raw.upper()}"
                    )
                return Resolution(iso_code, self.name(iso_code), f"ISO3 code {raw.upper()}", other)
            if cow_code is not None:
                return Resolution(cow_code, self.name(cow_code), f"COW abbreviation {raw.upper()}")
        iso = _converter().convert(raw, to="ISO3", not_found=None)
        if isinstance(iso, str):
            code = self._from_iso(iso)
            if code is not None:
                return Resolution(code, self.name(code), f"name '{raw}' (country_converter: {iso})")
        raise UnknownStateError(raw, self.suggest(raw))

    def _explicit(self, system: str, rest: str, raw: str) -> Resolution:
        if system == "cow":
            code = int(rest) if rest.isdigit() else self.cow_abbr.get(rest.upper())
            if code in self.cow:
                return Resolution(code, self.name(code), f"COW {rest}")
        elif system == "gw":
            gw = int(rest) if rest.isdigit() else None
            if gw is not None and gw in self.gw:
                code = self._gw_code_to_cow(gw)
                return Resolution(code, self.name(code), f"GW code {gw}")
        else:
            code = self._from_iso(rest)
            if code is not None:
                return Resolution(code, self.name(code), f"ISO3 code {rest.upper()}")
        raise UnknownStateError(raw, self.suggest(rest))

    def suggest(self, text: str, n: int = 5) -> list[str]:
        choices = {name: code for name, code in self.by_name.items()}
        choices.update(_aliases())
        matches = difflib.get_close_matches(text.casefold(), list(choices), n=n, cutoff=0.5)
        return [f"{m} ({choices[m]})" for m in matches]


def resolve_state(con, text: str | int) -> int:
    """The COW code for `text`; raises UnknownStateError with the closest matches."""
    return StateNames(con).resolve(text).code


@lru_cache(maxsize=1)
def _iso3_to_cow() -> dict[str, tuple[int, str]]:
    table = {}
    for iso, (gw, name) in _iso3_table().items():
        if gw == gw:  # NaN: no state
            code = int(gw)
            table[str(iso).upper()] = (_gw_to_cow().get(code, code), name)
    return table


@lru_cache(maxsize=4096)
def resolve_offline(text: str | int) -> int:
    """The COW code for `text` without a database (codes, aliases, ISO3 codes, modern names).

    For tools that must work before any import (the sanctions checker); it knows no COW
    abbreviations or historical names beyond `data/state_aliases.csv`.
    """
    raw = str(text).strip()
    if re.fullmatch(r"\d{1,4}", raw):
        return int(raw)
    if not raw:
        raise UnknownStateError(raw, [])
    folded = raw.casefold()
    if folded in _aliases():
        return _aliases()[folded]
    table = _iso3_to_cow()
    if raw.upper() in table:
        return table[raw.upper()][0]
    iso = _converter().convert(raw, to="ISO3", not_found=None)
    if isinstance(iso, str) and iso.upper() in table:
        return table[iso.upper()][0]
    names = {name.casefold(): code for code, name in table.values()} | _aliases()
    matches = difflib.get_close_matches(folded, list(names), n=5, cutoff=0.6)
    raise UnknownStateError(raw, [f"{m} ({names[m]})" for m in matches])


@lru_cache(maxsize=512)
def offline_name(code: int) -> str:
    """A short English name for a COW code without a database (the code itself if unknown)."""
    for cow, name in _iso3_to_cow().values():
        if cow == int(code):
            return name
    return str(code)
