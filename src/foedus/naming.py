"""Resolve what users type (a COW code, COW abbreviation, ISO code or a name) to a COW state code.

One resolver for every command and endpoint: :meth:`StateNames.resolve` against the store, and
:func:`resolve_offline` (the sanctions tools, no database) with the same rules:

* A text longer than :data:`MAX_NAME_LENGTH` characters is refused at once (a
  :class:`~foedus.errors.BadInputError` naming the argument); every step below is linear in the
  length of the text, so resolution time is bounded.
* ``cow:AUS``, ``cow:305``, ``iso:AUS``, ``iso:AU``, ``iso:036`` (M49 numeric) and ``gw:260`` choose the
  code system explicitly.
* A bare three-letter code that is both an ISO 3166-1 alpha-3 code and a COW abbreviation of
  *different* states (AUS: ISO3 Australia, COW Austria; also SLV, SWZ, MNG, KOR, CZE) is read as ISO3,
  and the resolution says so (``ambiguous``); MAC (ISO3 Macao, not a state) is read as COW Macedonia.
* A name that means different states at different times (``Korea`` 730/731/732, ``Congo`` 484/490,
  ``Germany`` 255/260/265, ``Yemen`` 678/679/680, ``Vietnam`` 816/817; ``data/state_ambiguous_names.csv``)
  is an :class:`AmbiguousStateError` listing the candidates with their codes and membership dates,
  unless the date (``on``) settles it: exactly one candidate is a COW system member on that date.
* Otherwise: aliases (``data/state_aliases.csv``, cited), COW and GW names, the ISO 3166 / UN M49 table
  (``data/iso_codes.csv``, see ``data/iso_codes.md``), and for an unknown text the closest names
  (rapidfuzz) in the :class:`~foedus.errors.UnknownStateError`.

:func:`membership_note` says when a state is not a COW system member on a date and which of its
predecessors or successors (``data/state_successions.csv``) are; :func:`check_pair` refuses a state
paired with itself; :func:`code_for` is what library functions call on a state argument (int or name).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from foedus.errors import BadInputError, NotImportedError, UnknownStateError
from foedus.store.schema import ATOP_EXTRA_CODES

MAX_NAME_LENGTH = 100
"""Longest state text read at all (characters); longer text is refused before any lookup."""
DATA_START = dt.date(1816, 1, 1)
"""First day of the COW state system list."""

_DIGITS = re.compile(r"[0-9]{1,4}", re.ASCII)
_ALPHA3 = re.compile(r"[A-Za-z]{3}", re.ASCII)
_ALPHA2 = re.compile(r"[A-Za-z]{2}", re.ASCII)
_PREFIXES = ("cow", "iso", "gw")
# Succession kinds after which the predecessor is gone (its successors stand in for it); the others
# (independence, secession, restoration, separation) leave the predecessor in place and are only
# followed backward, from the new state to what came before it.
_FORWARD_KINDS = {"dissolution", "partition", "unification", "annexation", "union", "conquest",
                  "confederation", "occupation"}


class AmbiguousStateError(BadInputError):
    """A name that means several states; ``candidates`` lists them (code, name, membership)."""

    def __init__(self, parameter: str, text: str, candidates: list[dict], on: dt.date | None = None):
        self.query, self.candidates, self.on = text, candidates, on
        listed = "; ".join(f"{c['name']} ({c['ccode']}, COW member {c['member']})" for c in candidates)
        codes = ", ".join(str(c["ccode"]) for c in candidates)
        if on is None:
            message = f"'{text}' is ambiguous: {listed}"
            fix = f"write one of the COW codes {codes} or a fuller name, or give a date that settles it"
        else:
            members = [c for c in candidates if c["member_on"]]
            said = ("none of them is a COW system member on that date" if not members
                    else f"{len(members)} of them are COW system members on that date")
            message = f"'{text}' is ambiguous on {on.isoformat()} ({said}): {listed}"
            fix = f"write one of the COW codes {codes} or a fuller name"
        super().__init__(parameter, message, fix=fix, query=text, candidates=candidates)


class NotAStateError(UnknownStateError):
    """A name of a territory that has an ISO code but no COW state code (Hong Kong, Greenland …)."""

    def __init__(self, query: str, entry: dict):
        super().__init__(query, [])
        self.entry = entry
        self.args = (
            f"'{query}' is {entry['name']} (ISO {entry['alpha3']}), which has no COW state code: "
            "it is not an independent state in the Correlates of War state system",
        )


@dataclass(frozen=True)
class Resolution:
    code: int          # COW code
    name: str
    how: str           # how the text was read, e.g. "ISO3 code AUS (Australia)"
    ambiguous: str | None = None  # what else the text could have meant
    note: str | None = None       # e.g. not a system member on the date asked about


# --------------------------------------------------------------------------------------------- tables


def _read_csv(name: str) -> list[dict]:
    with resources.files("foedus.data").joinpath(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def fold(text: str) -> str:
    """The form names are compared in: NFKC, case-folded, accents and punctuation variants removed,
    '&' read as 'and', whitespace collapsed. Linear in the length of `text`."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("&", " and ")
    return " ".join(text.casefold().split())


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def _aliases() -> dict[str, int]:
    return {fold(row["alias"]): int(row["ccode"]) for row in _read_csv("state_aliases.csv")}


@lru_cache(maxsize=1)
def _iso_rows() -> tuple[dict, ...]:
    rows = []
    for row in _read_csv("iso_codes.csv"):
        rows.append({**row, "cow": int(row["cow"]) if row["cow"] else None,
                     "gw": int(row["gw"]) if row["gw"] else None})
    return tuple(rows)


@lru_cache(maxsize=1)
def _iso_index() -> dict[str, dict[str, dict]]:
    """ISO rows by alpha-3, alpha-2, M49 and folded name; current entries win over former ones."""
    index: dict[str, dict[str, dict]] = {"alpha3": {}, "alpha2": {}, "m49": {}, "name": {}}
    ordered = sorted(_iso_rows(), key=lambda r: r["status"] == "former")
    for row in ordered:
        index["alpha3"].setdefault(row["alpha3"].upper(), row)
        index["alpha2"].setdefault(row["alpha2"].upper(), row)
        if row["m49"]:
            index["m49"].setdefault(int(row["m49"]), row)
        for name in (row["name"], row["official_name"]):
            index["name"].setdefault(fold(name), row)
    return index


@lru_cache(maxsize=1)
def _ambiguous() -> dict[str, list[dict]]:
    table: dict[str, list[dict]] = {}
    for row in _read_csv("state_ambiguous_names.csv"):
        spells = []
        for spell in row["member"].split(";"):
            start, _, end = spell.partition("/")
            spells.append((_day(start), _day(end)))
        table.setdefault(fold(row["name"]), []).append({"ccode": int(row["ccode"]), "label": row["note"],
                                                        "spells": tuple(spells)})
    return table


@lru_cache(maxsize=1)
def _successions() -> tuple[dict, ...]:
    return tuple({"from": int(r["predecessor"]), "to": int(r["successor"]), "date": _day(r["date"]),
                  "kind": r["kind"], "note": r["note"]} for r in _read_csv("state_successions.csv"))


@lru_cache(maxsize=1)
def _gw_rows() -> tuple[dict, ...]:
    return tuple({"gw": int(r["gwcode"]), "cow": int(r["ccode"]), "from": _day(r["valid_from"]),
                  "to": _day(r["valid_to"])} for r in _read_csv("gw_cow_codes.csv"))


def gw_to_cow(gw: int, on: dt.date | None = None) -> int:
    """The COW code of a Gleditsch–Ward code (on a date where the mapping changed; latest without)."""
    rows = [r for r in _gw_rows() if r["gw"] == gw]
    if not rows:
        return gw
    if on is not None:
        for row in rows:
            if (row["from"] is None or row["from"] <= on) and (row["to"] is None or on <= row["to"]):
                return row["cow"]
    return next((r["cow"] for r in rows if r["to"] is None), rows[-1]["cow"])


def iso_entry(code: str | int) -> dict | None:
    """The ISO 3166 / M49 row for an alpha-3, alpha-2 or M49 numeric code (``None`` if unknown)."""
    index = _iso_index()
    text = str(code).strip()
    if text.isascii() and text.isdigit():
        return index["m49"].get(int(text))
    return index["alpha3"].get(text.upper()) if len(text) == 3 else index["alpha2"].get(text.upper())


def m49_to_alpha3(code: int | str) -> str | None:
    """The ISO alpha-3 code of a UN M49 numeric code (current entries first), or ``None``."""
    text = str(code).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    row = _iso_index()["m49"].get(int(text))
    return row["alpha3"] if row else None


def _check_length(text: str, parameter: str) -> None:
    if len(text) > MAX_NAME_LENGTH:
        raise BadInputError(
            parameter, f"a state name of {len(text):,} characters is longer than the limit of {MAX_NAME_LENGTH}",
            fix="write a state name, a COW code or an ISO3 code", limit=MAX_NAME_LENGTH,
        )


def _member(spells, on: dt.date, data_end: dt.date | None = None) -> bool:
    for start, end, *rest in spells:
        censored = rest[0] if rest else end is None
        if start <= on and (end is None or on <= end or (censored and data_end is not None and on > data_end)):
            return True
    return False


def _spell_text(spells) -> str:
    parts = []
    for start, end, *rest in spells:
        censored = rest[0] if rest else end is None
        parts.append(f"{start.isoformat()}–{'' if censored or end is None else end.isoformat()}")
    return ", ".join(parts) if parts else "never"


def _prefixed(raw: str) -> tuple[str, str] | None:
    prefix, sep, rest = raw.partition(":")
    if sep and prefix.strip().lower() in _PREFIXES:
        return prefix.strip().lower(), rest.strip()
    return None


def _suggest(text: str, choices: dict[str, int], n: int = 5) -> list[str]:
    """Closest names (rapidfuzz WRatio; the text is at most MAX_NAME_LENGTH long)."""
    from rapidfuzz import fuzz, process  # only on a miss: a resolved name never pays for the import

    found = process.extract(fold(text), list(choices), scorer=fuzz.WRatio, limit=n, score_cutoff=60)
    return [f"{name} ({choices[name]})" for name, _score, _ in found]


# ------------------------------------------------------------------------------------------- resolver


class StateNames:
    """State lookup against the states stored in a foedus database."""

    def __init__(self, con):
        rows = con.execute("SELECT system, code, abbr, name FROM states").fetchall()
        if not rows:
            raise NotImportedError("No state list in the database; run `foedus data import` first.")
        self.con = con
        self.cow = {code: (abbr, name) for system, code, abbr, name in rows if system == "cow"}
        self.gw = {code: (abbr, name) for system, code, abbr, name in rows if system == "gw"}
        self.cow_abbr = {abbr.upper(): code for code, (abbr, _) in self.cow.items() if abbr}
        self.by_name = {fold(name): code for code, (_, name) in self.cow.items()}
        for code, (_, name) in self.gw.items():
            self.by_name.setdefault(fold(name), gw_to_cow(code))
        # Codes a dataset uses that neither state list has (ATOP's 8152, Annam).
        self.extra = {code: (str(code), label.split(" (")[0]) for code, label in ATOP_EXTRA_CODES.items()}
        self._spells: dict[int, list[tuple]] | None = None
        self._data_end: dt.date | None = None
        # Read the (small) membership table now and keep no connection: a StateNames outlives the cursor it
        # was built from (the server caches one per store generation).
        self.spells()
        self.con = None

    # -- names and codes

    def name(self, code: int) -> str:
        for table in (self.cow, self.gw, self.extra):
            if code in table:
                return table[code][1]
        return str(code)

    def abbr(self, code: int) -> str:
        return (self.cow.get(code) or self.gw.get(code) or self.extra.get(code) or (str(code), ""))[0]

    def known(self, code: int) -> bool:
        return code in self.cow or code in self.gw or code in self.extra

    def _from_iso(self, iso: str) -> int | None:
        entry = iso_entry(iso)
        if entry is None or entry["cow"] is None:
            return None
        return entry["cow"] if self.known(entry["cow"]) else None

    # -- membership

    def spells(self) -> dict[int, list[tuple]]:
        """COW membership spells by code: (start, end, censored), from the store."""
        if self._spells is None:
            rows = self.con.execute(
                "SELECT code, start_date, end_date, censored FROM state_spells WHERE system = 'cow' "
                "ORDER BY code, start_date"
            ).fetchall()
            spells: dict[int, list[tuple]] = {}
            for code, start, end, censored in rows:
                spells.setdefault(int(code), []).append((start, end, bool(censored)))
            self._spells = spells
            self._data_end = max((end for rows_ in spells.values() for _, end, _ in rows_), default=None)
        return self._spells

    @property
    def data_end(self) -> dt.date | None:
        """Last day of the COW state list in the store."""
        self.spells()
        return self._data_end

    def is_member(self, code: int, on: dt.date) -> bool:
        return _member(self.spells().get(code, []), on, self.data_end)

    def membership(self, code: int) -> str:
        return _spell_text(self.spells().get(code, []))

    # -- resolution

    def resolve(self, text: str | int, on: dt.date | None = None, parameter: str = "state") -> Resolution:
        """The state `text` means (on `on`, if given); raises AmbiguousStateError, UnknownStateError or
        BadInputError (too long), naming `parameter`; an empty text is an UnknownStateError."""
        found = self._resolve(text, on, parameter)
        if on is not None and found.note is None:
            note = self.membership_note(found.code, on)
            if note:
                found = Resolution(found.code, found.name, found.how, found.ambiguous, note)
        return found

    def _resolve(self, text: str | int, on: dt.date | None, parameter: str) -> Resolution:
        if isinstance(text, int) and not isinstance(text, bool):
            return self._by_code(text, str(text))
        raw = str(text)
        _check_length(raw, parameter)
        raw = raw.strip()
        if not raw:
            raise UnknownStateError(raw, [])
        explicit = _prefixed(raw)
        if explicit:
            return self._explicit(*explicit, raw, on)
        if _DIGITS.fullmatch(raw):
            return self._by_code(int(raw), raw)
        folded = fold(raw)
        if folded in _ambiguous():
            return self._settle(raw, _ambiguous()[folded], on, parameter)
        for step in (self._by_alias, self._by_store_name, self._by_three_letters, self._by_iso_name):
            found = step(raw, folded)
            if found is not None:
                return found
        raise UnknownStateError(raw, self.suggest(raw))

    def _by_code(self, code: int, raw: str) -> Resolution:
        if self.known(code):
            return Resolution(code, self.name(code), f"COW code {code}")
        raise UnknownStateError(raw, [])

    # the ways a name is read, tried in this order by _resolve: (raw text, folded text) -> Resolution or None

    def _by_alias(self, raw: str, folded: str) -> Resolution | None:
        code = _aliases().get(folded)
        return None if code is None else Resolution(code, self.name(code), f"alias '{raw}'")

    def _by_store_name(self, raw: str, folded: str) -> Resolution | None:
        code = self.by_name.get(folded)
        return None if code is None else Resolution(code, self.name(code), f"name '{raw}'")

    def _by_three_letters(self, raw: str, folded: str) -> Resolution | None:
        return self._three_letters(raw) if _ALPHA3.fullmatch(raw) else None

    def _by_iso_name(self, raw: str, folded: str) -> Resolution | None:
        entry = _iso_index()["name"].get(folded)
        if entry is None:
            return None
        if entry["cow"] is None:
            raise NotAStateError(raw, entry)
        if not self.known(entry["cow"]):
            return None
        code = entry["cow"]
        return Resolution(code, self.name(code), f"ISO 3166 name '{raw}' ({entry['alpha3']})")

    def _three_letters(self, raw: str) -> Resolution | None:
        upper = raw.upper()
        iso_code = self._from_iso(upper)
        cow_code = self.cow_abbr.get(upper)
        if iso_code is not None:
            other = None
            if cow_code is not None and cow_code != iso_code:
                other = f"COW abbreviation {upper} is {self.name(cow_code)} ({cow_code}); write cow:{upper}"
            return Resolution(iso_code, self.name(iso_code), f"ISO3 code {upper}", other)
        if cow_code is not None:
            entry = iso_entry(upper)
            other = None
            if entry is not None:
                other = f"ISO3 code {upper} is {entry['name']}, which has no COW code; write iso:{upper}"
            return Resolution(cow_code, self.name(cow_code), f"COW abbreviation {upper}", other)
        return None

    def _settle(self, raw: str, group: list[dict], on: dt.date | None, parameter: str) -> Resolution:
        candidates = []
        for entry in group:
            code = entry["ccode"]
            spells = self.spells().get(code) or list(entry["spells"])
            candidates.append({
                "ccode": code, "name": self.name(code) if self.known(code) else entry["label"],
                "member": _spell_text(spells),
                "member_on": on is not None and _member(spells, on, self.data_end),
            })
        if on is not None:
            members = [c for c in candidates if c["member_on"]]
            if len(members) == 1:
                chosen = members[0]
                others = ", ".join(f"{c['name']} ({c['ccode']})" for c in candidates if c is not chosen)
                return Resolution(
                    chosen["ccode"], chosen["name"],
                    f"name '{raw}': the only one of its states that is a COW system member on {on.isoformat()}",
                    f"'{raw}' can also mean {others}",
                )
        raise AmbiguousStateError(parameter, raw, candidates, on)

    def _explicit(self, system: str, rest: str, raw: str, on: dt.date | None = None) -> Resolution:
        if system == "cow":
            code = int(rest) if _DIGITS.fullmatch(rest) else self.cow_abbr.get(rest.upper())
            if code is not None and code in self.cow:
                return Resolution(code, self.name(code), f"COW {rest}")
        elif system == "gw":
            gw = int(rest) if _DIGITS.fullmatch(rest) else None
            if gw is not None and gw in self.gw:
                code = gw_to_cow(gw, on)
                return Resolution(code, self.name(code), f"GW code {gw}")
        else:
            entry = iso_entry(rest) if (_ALPHA3.fullmatch(rest) or _ALPHA2.fullmatch(rest)
                                        or _DIGITS.fullmatch(rest)) else None
            if entry is not None and entry["cow"] is None:
                raise NotAStateError(raw, entry)
            if entry is not None and self.known(entry["cow"]):
                code = entry["cow"]
                return Resolution(code, self.name(code), f"ISO code {rest.upper()} ({entry['alpha3']})")
        raise UnknownStateError(raw, self.suggest(rest))

    def suggest(self, text: str, n: int = 5) -> list[str]:
        choices = dict(self.by_name)
        choices.update(_aliases())
        return _suggest(text[:MAX_NAME_LENGTH], choices, n)

    # -- notes

    def membership_note(self, code: int, on: dt.date) -> str | None:
        """Why `code` is not a COW system member on `on`, naming its predecessors/successors that are;
        ``None`` when it is a member (after the end of the list, states still members then count)."""
        label = f"{self.name(code)} ({code})"
        spells = self.spells()
        if not spells:
            return None
        if on < DATA_START:
            first = spells.get(code)
            since = f"; {label} is a member from {first[0][0].isoformat()}" if first else ""
            return (f"{on.isoformat()} is before {DATA_START.isoformat()}, when the COW state system data "
                    f"start{since}")
        if self.is_member(code, on):
            return None
        where = f"member {self.membership(code)}" if code in spells else "never a member"
        text = f"{label} is not a COW system member on {on.isoformat()} ({where})"
        members, others = related_states(code, on, self.is_member)
        if members:
            listed = "; ".join(f"{self.name(c)} ({c}) — {how}" for c, how in members)
            return f"{text}. Members then: {listed}"
        if others:
            listed = "; ".join(f"{self.name(c)} ({c}, member {self.membership(c)}) — {how}" for c, how in others)
            return f"{text}; none of its predecessors or successors is a member then: {listed}"
        return text


def related_states(code: int, on: dt.date, is_member) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Predecessors and successors of `code` as of `on` (data/state_successions.csv).

    Walks the succession graph from `code`: forward along a change that has happened by `on` after which the
    predecessor is gone (and that was not undone by a change back before `on`), backward along a change still
    to come (a restoration only undoes an annexation, so it is not walked backward). Stops at states
    that are members on `on`. Returns (members found, non-members passed), each as (code, how related).
    """
    edges = _successions()
    found: list[tuple[int, str]] = []
    passed: list[tuple[int, str]] = []
    seen = {code}
    frontier = [code]
    while frontier:
        current = frontier.pop(0)
        steps = []
        for edge in edges:
            if edge["from"] == current and edge["date"] <= on and edge["kind"] in _FORWARD_KINDS:
                undone = any(e["from"] == edge["to"] and e["to"] == current and edge["date"] < e["date"] <= on
                             for e in edges)
                if not undone:
                    steps.append((edge["to"], f"successor ({edge['kind']} {edge['date'].isoformat()}: "
                                              f"{edge['note']})"))
            elif edge["to"] == current and edge["date"] > on and edge["kind"] != "restoration":
                steps.append((edge["from"], f"predecessor ({edge['kind']} {edge['date'].isoformat()}: "
                                            f"{edge['note']})"))
        for other, how in steps:
            if other in seen:
                continue
            seen.add(other)
            if is_member(other, on):
                found.append((other, how))
            else:
                passed.append((other, how))
                frontier.append(other)
    return found, passed


def names_for(con, names: StateNames | None = None) -> StateNames:
    """`names`, or the store's state names when none are given."""
    return names if names is not None else StateNames(con)


def state_code(names: StateNames, value: str | int, parameter: str, on: dt.date | None = None,
               notes: list[str] | None = None) -> int:
    """The COW code for `value` (an int code, a name, an abbreviation …) on `on` (a date settles an ambiguous
    name when exactly one of its states is a system member then); what every query function calls on a state
    argument. Errors name `parameter`. `notes` collects what an ambiguous reading was taken to mean and, on a
    date, that the state is not a system member then (with its predecessors or successors that are)."""
    text = str(value)
    try:
        found = names.resolve(text, on, parameter)
    except UnknownStateError as exc:
        raise BadInputError(parameter, str(exc), query=exc.query, suggestions=exc.suggestions) from None
    if notes is not None:
        if found.ambiguous:
            notes.append(f"'{text}' read as {found.how} = {found.name} ({found.code}); {found.ambiguous}")
        if found.note:
            notes.append(found.note)
    return found.code


def resolve_state(con, text: str | int, on: dt.date | None = None, parameter: str = "state") -> int:
    """The COW code for `text`; raises UnknownStateError with the closest matches."""
    return StateNames(con).resolve(text, on, parameter).code


def code_for(con_or_names, value: str | int, on: dt.date | None = None, parameter: str = "state") -> int:
    """The COW code for an int code or any text a user may type; what library functions call on a state
    argument so the Python API accepts names wherever the CLI does. `con_or_names`: a connection or a
    :class:`StateNames`. Raises BadInputError (AmbiguousStateError, too long) or UnknownStateError (unknown, empty)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    names = con_or_names if isinstance(con_or_names, StateNames) else StateNames(con_or_names)
    return names.resolve(value, on, parameter).code


def membership_note(con_or_names, code: int, on: dt.date) -> str | None:
    """Says when `code` is not a COW system member on `on` and names its predecessors/successors that
    are members then (or that the date is before 1816); ``None`` for a member."""
    names = con_or_names if isinstance(con_or_names, StateNames) else StateNames(con_or_names)
    return names.membership_note(int(code), on)


def coverage_note(con_or_names, on: dt.date) -> str | None:
    """A note when `on` is after the end of the COW state list (memberships are carried forward)."""
    names = con_or_names if isinstance(con_or_names, StateNames) else StateNames(con_or_names)
    end = names.data_end
    if end is not None and on > end:
        return (f"the COW state list ends on {end.isoformat()}; states that were members then are taken "
                f"to be members on {on.isoformat()}")
    return None


def check_pair(a: int, b: int, parameters: tuple[str, str] = ("a", "b"), names: StateNames | None = None) -> None:
    """Raise BadInputError when a state is paired with itself."""
    if int(a) == int(b):
        label = f"{names.name(int(a))} ({a})" if names is not None else f"state {a}"
        raise BadInputError(parameters[1], f"{label} is the same state as {parameters[0]}",
                            fix="name two different states")


# ------------------------------------------------------------------------------------ without a store


@lru_cache(maxsize=1)
def _offline_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for row in _iso_rows():
        if row["cow"] is not None:
            for name in (row["name"], row["official_name"]):
                names.setdefault(fold(name), row["cow"])
    names.update(_aliases())
    return names


@lru_cache(maxsize=1)
def _offline_labels() -> dict[int, str]:
    labels: dict[int, str] = {}
    for row in sorted(_iso_rows(), key=lambda r: r["status"] == "former"):
        if row["cow"] is not None:
            labels.setdefault(row["cow"], row["name"])
    for group in _ambiguous().values():
        for entry in group:
            labels.setdefault(entry["ccode"], entry["label"])
    return labels


@lru_cache(maxsize=4096)
def _resolve_offline(raw: str, on: dt.date | None, parameter: str) -> int:
    explicit = _prefixed(raw)
    if explicit:
        return _offline_explicit(raw, *explicit, on)
    if _DIGITS.fullmatch(raw):
        return int(raw)
    folded = fold(raw)
    if folded in _ambiguous():
        return _offline_settle(raw, _ambiguous()[folded], on, parameter)
    names = _offline_names()
    if folded in names:
        return names[folded]
    if _ALPHA3.fullmatch(raw):
        entry = iso_entry(raw)
        if entry is not None and entry["cow"] is not None:
            return entry["cow"]
    entry = _iso_index()["name"].get(folded)
    if entry is not None and entry["cow"] is None:
        raise NotAStateError(raw, entry)
    raise UnknownStateError(raw, _suggest(raw, names))


def _offline_explicit(raw: str, system: str, rest: str, on: dt.date | None) -> int:
    """``cow:NNN``, ``gw:NNN`` or ``iso:XXX`` without a store (COW abbreviations are not known offline)."""
    if system == "cow" and _DIGITS.fullmatch(rest):
        return int(rest)
    if system == "gw" and _DIGITS.fullmatch(rest):
        return gw_to_cow(int(rest), on)
    if system == "iso":
        entry = iso_entry(rest) if (_ALPHA3.fullmatch(rest) or _ALPHA2.fullmatch(rest)
                                    or _DIGITS.fullmatch(rest)) else None
        if entry is not None and entry["cow"] is None:
            raise NotAStateError(raw, entry)
        if entry is not None:
            return entry["cow"]
    raise UnknownStateError(raw, [] if system != "iso" else _suggest(rest, _offline_names()))


def _offline_settle(raw: str, group: list[dict], on: dt.date | None, parameter: str) -> int:
    """An ambiguous name's state: the only one of its states that is a member on `on`, else refused."""
    candidates = [{"ccode": e["ccode"], "name": e["label"], "member": _spell_text(e["spells"]),
                   "member_on": on is not None and _member(e["spells"], on)} for e in group]
    members = [c for c in candidates if c["member_on"]]
    if on is not None and len(members) == 1:
        return members[0]["ccode"]
    raise AmbiguousStateError(parameter, raw, candidates, on)


def resolve_offline(text: str | int, on: dt.date | None = None, parameter: str = "state") -> int:
    """The COW code for `text` without a database (codes, aliases, ISO codes, modern names).

    For tools that must work before any import (the sanctions checker). Same rules as
    :meth:`StateNames.resolve`: ``cow:``/``iso:``/``gw:`` prefixes, the length bound, and ambiguous names
    (``Korea``) refused unless `on` settles them (membership dates from data/state_ambiguous_names.csv).
    It knows no COW abbreviations or historical names beyond data/state_aliases.csv.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    raw = str(text)
    _check_length(raw, parameter)
    raw = raw.strip()
    if not raw:
        raise UnknownStateError(raw, [])
    return _resolve_offline(raw, on, parameter)


@lru_cache(maxsize=512)
def offline_name(code: int) -> str:
    """A short English name for a COW code without a database (the code itself if unknown)."""
    return _offline_labels().get(int(code), str(code))
