"""States as the questions name them: one resolution (name, code or alias → COW code) and the lookup.

:func:`state_code` is what every query function calls on a state argument, so the Python API accepts a
name wherever the CLI and the HTTP API do (``dyad(con, "Russia", "DPRK", "1990-01-01")``); an unknown
state is a :class:`foedus.errors.BadInputError` naming the argument, with the closest matches.
:func:`search_states` is the ranked lookup the web page's autocompletion uses.
"""

from __future__ import annotations

import datetime as dt

from pydantic import PrivateAttr

from foedus.errors import BadInputError, UnknownStateError
from foedus.naming import StateNames, names_for, state_code
from foedus.query.members import system_members
from foedus.results import Record, Result

__all__ = ["StateLookup", "names_for", "search_states", "state_code"]


class Resolved(Record):
    ccode: int
    name: str
    how: str
    ambiguous: str | None


class StateEntry(Record):
    ccode: int
    abbr: str
    name: str
    system_member: bool | None = None


class StateLookup(Result):
    """How a typed text resolves and the states matching it, best first."""

    query: str | None
    resolved: Resolved | None
    states: list[StateEntry]
    _notes: list[str] = PrivateAttr(default_factory=list)


def _score(text: str, code: int, abbr: str, name: str) -> int:
    if not text:
        return 0
    folded_name, folded_abbr = name.casefold(), abbr.casefold()
    if text in (folded_name, folded_abbr, str(code)):
        return 3
    if folded_name.startswith(text) or folded_abbr.startswith(text):
        return 2
    return 1 if text in folded_name else -1


def search_states(con, q: str | None = None, on: dt.date | None = None, limit: int = 300,
                  names: StateNames | None = None) -> StateLookup:
    """COW states matching `q` (exact name/abbreviation/code 3, prefix 2, substring 1; the state `q`
    resolves to first), each flagged as a system member on `on` when a date is given."""
    names = names_for(con, names)
    members = set(system_members(con, on)) if on is not None else None
    resolved = None
    if q:
        try:
            found = names.resolve(q)
            resolved = {"ccode": found.code, "name": found.name, "how": found.how, "ambiguous": found.ambiguous}
        except (UnknownStateError, BadInputError):  # unknown or ambiguous ('korea'): the list below answers
            resolved = None
    text = (q or "").strip().casefold()
    entries = []
    for code, (abbr, name) in sorted(names.cow.items()):
        score = 4 if resolved and code == resolved["ccode"] else _score(text, code, abbr or "", name)
        if score < 0:
            continue
        entry = {"ccode": code, "abbr": abbr or "", "name": name}
        if members is not None:
            entry["system_member"] = code in members
        entries.append((-score, name, entry))
    entries.sort(key=lambda e: (e[0], e[1]))
    return StateLookup(query=q, resolved=resolved, states=[e[2] for e in entries[:limit]])
