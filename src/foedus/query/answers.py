"""The as-of answers: a state's commitments on a date (`obligations`) and a dyad's (`dyad`), typed.

Both are lists of directed commitment records (README, ``--json`` contract), in the contract's order
(by partner, then direction and treaty). ``types`` keeps the commitments carrying at least one of those
obligation types. :meth:`Obligations.ranked` orders them for reading: by the strength of the strongest
obligation (defense > offense > neutrality > nonaggression > consultation), then by the partner's
importance on the date (COW major power first, then CINC, NMC), then by partner code.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import PrivateAttr

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.naming import StateNames
from foedus.query.commitments import directed_commitments, records, warning_for
from foedus.query.commitments import dyad as dyad_frame
from foedus.query.commitments import obligations as obligations_frame
from foedus.query.intervals import check_status
from foedus.query.states import names_for, state_code
from foedus.results import Record, Result
from foedus.source import Source
from foedus.store.schema import OBLIGATIONS

# Strongest first: the reading order of obligations.
STRENGTH = ("defense", "offense", "neutrality", "nonaggression", "consultation")


class Commitment(Record):
    """One directed commitment A→B (what `from_ccode` owes `to_ccode`) under one treaty phase."""

    from_ccode: int
    to_ccode: int
    obligations: list[str]
    conditions: list[str]
    treaty_id: str
    treaty_name: str | None
    phase: int
    since: str | None
    until: str | None
    status: Literal["in_force", "unknown_after_coverage"]
    source: Source
    source_text: str


def parse_obligation_types(types, parameter: str = "types") -> tuple[str, ...]:
    """'defense,consultation' or a list → the types, validated (None: every type)."""
    from foedus.query.capability import parse_types

    try:
        return parse_types(types)
    except ValueError as exc:
        raise BadInputError(parameter, str(exc), fix=f"choose from {', '.join(OBLIGATIONS)}") from None


def _strength(commitment: Commitment) -> int:
    return min((STRENGTH.index(o) for o in commitment.obligations), default=len(STRENGTH))


class _Commitments(Result):
    _importance: dict[int, tuple[bool, float]] = PrivateAttr(default_factory=dict)
    _notes: list[str] = PrivateAttr(default_factory=list)

    def _partner(self, c: Commitment) -> int:
        raise NotImplementedError

    def ranked(self) -> list[Commitment]:
        """The commitments by strength of obligation, then partner importance (module docstring)."""
        def key(c: Commitment):
            partner = self._partner(c)
            major, cinc = self._importance.get(partner, (False, 0.0))
            return (_strength(c), not major, -cinc, partner, c.from_ccode != partner, c.treaty_id)

        return sorted(self.commitments, key=key)  # type: ignore[attr-defined]


class Obligations(_Commitments):
    """Every commitment in force for `state` on `on`, by partner (`foedus obligations --json`)."""

    on: str
    state: int
    status: str
    warning: str | None = None
    commitments: list[Commitment]

    def _partner(self, c: Commitment) -> int:
        return c.to_ccode if c.from_ccode == self.state else c.from_ccode


class Dyad(_Commitments):
    """What `a` owes `b` and `b` owes `a` on `on`, directed (`foedus dyad --json`)."""

    on: str
    a: int
    b: int
    status: str
    warning: str | None = None
    commitments: list[Commitment]

    def _partner(self, c: Commitment) -> int:
        return c.to_ccode


def _keep_types(frame, wanted: tuple[str, ...]):
    if set(wanted) == set(OBLIGATIONS) or frame.empty:
        return frame
    return frame[frame[list(wanted)].any(axis=1)]


def _importance(con, on: dt.date, partners) -> dict[int, tuple[bool, float]]:
    from foedus.query.capability import cinc_scores, major_powers

    majors = major_powers(con, on)
    cinc, _ = cinc_scores(con, on.year)
    return {int(p): (int(p) in majors, cinc.get(int(p), 0.0)) for p in partners}


def _warning(con, day: dt.date) -> dict:
    warning = warning_for(con, day)
    return {"warning": warning} if warning else {}


def obligations_answer(con, state: str | int, on: str | dt.date | None = None, types=None,
                       names: StateNames | None = None, frame=None, status: str | None = None) -> Obligations:
    """Every commitment in force for `state` (a name or code) on `on` (default today) whose status tier `status`
    counts (confirmed, presumed — the default — or any); `warning` when the date is a projection.

    `frame`: the directed commitments of that date (every tier), when the caller already has them.
    """
    day = parse_date(on, "on")
    names = names_for(con, names)
    notes: list[str] = []
    code = state_code(names, state, "state", day, notes)
    wanted = parse_obligation_types(types)
    status = check_status(status)
    rows = _keep_types(obligations_frame(con, code, day, frame=frame, status=status), wanted)
    result = Obligations(on=day.isoformat(), state=code, status=status, **_warning(con, day),
                         commitments=records(rows, names))
    partners = {c.to_ccode if c.from_ccode == code else c.from_ccode for c in result.commitments}
    result._importance = _importance(con, day, partners)
    result._notes = notes
    return result


def dyad_answer(con, a: str | int, b: str | int, on: str | dt.date | None = None, types=None,
                names: StateNames | None = None, frame=None, status: str | None = None) -> Dyad:
    """What A owes B and B owes A on `on` (names or codes; a state paired with itself is an error); `status` and
    `warning` as in :func:`obligations_answer`."""
    day = parse_date(on, "on")
    names = names_for(con, names)
    notes: list[str] = []
    code_a, code_b = state_code(names, a, "a", day, notes), state_code(names, b, "b", day, notes)
    if code_a == code_b:
        raise BadInputError("b", f"{names.name(code_a)} ({code_a}) is paired with itself",
                            fix="name two different states")
    wanted = parse_obligation_types(types)
    status = check_status(status)
    rows = _keep_types(dyad_frame(con, code_a, code_b, day, frame=frame, status=status), wanted)
    result = Dyad(on=day.isoformat(), a=code_a, b=code_b, status=status, **_warning(con, day),
                  commitments=records(rows, names))
    result._notes = notes
    return result


__all__ = ["Commitment", "Dyad", "Obligations", "directed_commitments", "dyad_answer", "obligations_answer"]
