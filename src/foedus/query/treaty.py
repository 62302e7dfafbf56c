"""One treaty: its record, members and phases, provisions and sources."""

from __future__ import annotations

from pydantic import Field

from foedus.query.treaty_record import find_treaty, normalise_treaty_id, register_events, treaty
from foedus.results import Record, Result
from foedus.source import Source

__all__ = ["RegisterEvent", "Treaty", "TreatyMember", "find_treaty", "normalise_treaty_id", "register_events",
           "treaty", "treaty_answer"]


class TreatyMember(Record):
    ccode: int
    phase: int
    entry: str | None
    entry_precision: str | None
    exit: str | None
    exit_precision: str | None
    obligations: list[str]
    conditions: list[str]
    source: Source


class RegisterEvent(Record):
    entry: str
    action: str
    name: str | None
    date: str | None
    in_force_from: str | None
    in_force_until: str | None
    term_end: str | None
    ended_by: str | None
    articles: dict[str, str]
    uncertain: bool
    readings: list[dict]
    note: str | None
    source: Source


class Treaty(Result):
    """One treaty: record, members by phase, what the register says (`foedus treaty --json`)."""

    treaty_id: str
    name: str | None
    dataset: str
    version: str | None
    begin: str | None
    begin_precision: str | None
    end: str | None
    end_precision: str | None
    coverage_end: str | None
    bilateral: bool
    obligations: list[str]
    conditional: bool | None
    asymmetric: bool | None
    threat: dict[str, int | None]
    attributes: dict
    source: Source
    members: list[TreatyMember]
    register_: list[RegisterEvent] = Field(alias="register")


def treaty_answer(con, treaty_id: str | int) -> Treaty:
    """The typed treaty record (:func:`treaty`); raises FoedusError when unknown."""
    return Treaty.model_validate(treaty(con, treaty_id))
