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

from foedus.naming import StateNames
from foedus.query.asof import Plain, dyad_payload, obligations_payload, parse_obligation_types
from foedus.results import Record, Result
from foedus.source import Source

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


def _strength(commitment: Commitment) -> int:
    return min((STRENGTH.index(o) for o in commitment.obligations), default=len(STRENGTH))


class _Commitments(Result):
    _importance: dict[int, tuple[bool, float]] | None = PrivateAttr(default_factory=dict)
    _notes: list[str] = PrivateAttr(default_factory=list)

    def _partner(self, c: Commitment) -> int:
        raise NotImplementedError

    def ranked(self) -> list[Commitment]:
        """The commitments by strength of obligation, then partner importance (module docstring)."""
        if self._importance is None:
            raise RuntimeError("this answer was made without partner importance (importance=False): it cannot rank")

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


def _importance(con, on: dt.date, partners) -> dict[int, tuple[bool, float]]:
    from foedus.query.capability import cinc_scores, major_powers

    majors = major_powers(con, on)
    cinc, _ = cinc_scores(con, on.year)
    return {int(p): (int(p) in majors, cinc.get(int(p), 0.0)) for p in partners}


def obligations_typed(con, found: Plain, importance: bool = True) -> Obligations:
    """The typed answer of an :func:`foedus.query.asof.obligations_payload` (partner importance read for
    :meth:`Obligations.ranked`; `importance=False` skips it, for a caller that only wants the JSON, which does
    not hold it: the answer then cannot rank)."""
    result = Obligations.model_validate(found.payload)
    if importance:
        code = result.state
        partners = {c.to_ccode if c.from_ccode == code else c.from_ccode for c in result.commitments}
        result._importance = _importance(con, dt.date.fromisoformat(result.on), partners)
    else:
        result._importance = None
    result._notes = found.notes
    return result


def dyad_typed(found: Plain) -> Dyad:
    """The typed answer of a :func:`foedus.query.asof.dyad_payload`."""
    result = Dyad.model_validate(found.payload)
    result._notes = found.notes
    return result


def obligations_answer(con, state: str | int, on: str | dt.date | None = None, types=None,
                       names: StateNames | None = None, frame=None, status: str | None = None, table=None,
                       importance: bool = True) -> Obligations:
    """Every commitment in force for `state` (a name or code) on `on` (default today) whose status tier `status`
    counts (confirmed, presumed — the default — or any); `warning` when the date is a projection.

    `frame`: the directed commitments of that date (every tier), when the caller already has them; `table`: the
    store's interval table (:func:`foedus.query.intervals.build`), when the caller holds it; `importance`:
    read partner importance for :meth:`Obligations.ranked` (not part of the JSON).
    """
    found = obligations_payload(con, state, on, types, names, frame, status, table=table)
    return obligations_typed(con, found, importance=importance)


def dyad_answer(con, a: str | int, b: str | int, on: str | dt.date | None = None, types=None,
                names: StateNames | None = None, frame=None, status: str | None = None, table=None) -> Dyad:
    """What A owes B and B owes A on `on` (names or codes; a state paired with itself is an error); `status`,
    `table` and `warning` as in :func:`obligations_answer`."""
    return dyad_typed(dyad_payload(con, a, b, on, types, names, frame, status, table=table))


def directed_commitments(con, on=None, status: str | None = None):
    """Every directed commitment in force on `on` (:func:`foedus.query.commitments.directed_commitments`)."""
    from foedus.query.commitments import directed_commitments as frame

    return frame(con, on, status)


__all__ = ["Commitment", "Dyad", "Obligations", "directed_commitments", "dyad_answer", "dyad_typed",
           "obligations_answer", "obligations_typed", "parse_obligation_types"]
