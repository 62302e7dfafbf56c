"""Response and request shapes: the `--json` contracts of the CLI, as pydantic models.

The routers answer with the library's own dictionaries (the bytes the CLI prints, less the
indentation); these models document them in the OpenAPI schema, and the tests check that every
answer validates against its model. Extra keys are allowed where the library may add some.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Source(Open):
    kind: Literal["dataset", "register"]
    dataset: str
    version: str | None = None
    file: str | None = None
    line: int | None = None
    entry: str | None = None
    citation: str | None = None


class Commitment(Open):
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
    from_name: str | None = None
    to_name: str | None = None
    coverage_end: str | None = None
    note: str | None = None


class Obligations(Open):
    on: str
    state: int
    commitments: list[Commitment]


class Dyad(Open):
    on: str
    a: int
    b: int
    commitments: list[Commitment]


class TreatyMember(Open):
    ccode: int
    phase: int
    entry: str | None
    entry_precision: str | None
    exit: str | None
    exit_precision: str | None
    obligations: list[str]
    conditions: list[str]
    source: Source


class Treaty(Open):
    treaty_id: str
    name: str | None
    dataset: str
    version: str | None
    begin: str | None
    end: str | None
    coverage_end: str | None
    bilateral: bool
    obligations: list[str]
    conditional: bool | None
    asymmetric: bool | None
    threat: dict
    attributes: dict
    source: Source
    members: list[TreatyMember]


class Network(Open):
    """`foedus network --json`: node-link data (networkx), edges under ``links``."""

    on: str
    types: list[str]
    graph: dict


class ViewNode(Open):
    code: int
    abbr: str
    name: str
    major: bool
    system_member: bool
    cinc: float | None = None
    x: float
    y: float
    partners: int


class ViewEdge(Open):
    a: int
    b: int
    a_to_b: list[str]
    b_to_a: list[str]
    strongest: str
    direction: Literal["mutual", "one_way"]
    treaties: list[str]
    status: Literal["in_force", "unknown_after_coverage"]


class NetworkView(Open):
    """The compact network the web page draws: one edge per pair of states, strongest obligation first."""

    on: str
    types: list[str]
    coverage: str
    colors: dict[str, str]
    nodes: list[ViewNode]
    edges: list[ViewEdge]


class TriadSide(Open):
    pair: list[int]
    obligations: list[str]
    a_to_b: list[str]
    b_to_a: list[str]
    defense: str
    treaties: list[str]
    status: str | None
    commitments: list[dict]


class Triad(Open):
    on: str
    members: list[int]
    kind: str
    score: int
    sides: list[TriadSide]
    explanation: str
    pivot: int | None = None
    open_pair: list[int] | None = None


class PairState(Open):
    a_to_b: list[str]
    b_to_a: list[str]
    treaties: list[str]


class Change(Open):
    pair: list[int]
    change: str
    directions: dict[str, str]
    before: PairState
    after: PairState
    treaties_added: list[dict]
    treaties_removed: list[dict]
    names: list[str] | None = None
    coverage_note: str | None = None


class Diff(Open):
    from_: str = Field(alias="from")
    to: str
    around: int | None
    changes: list[Change]


class ScenarioRequest(BaseModel):
    """A scenario: attackers, targets, date and the facts that settle conditions (see README)."""

    model_config = ConfigDict(extra="forbid")

    attackers: list[str] = Field(min_length=1, max_length=20, description="Names or codes of the attacker(s)")
    targets: list[str] = Field(min_length=1, max_length=20, description="Names or codes of the target(s)")
    on: str | None = Field(None, description="Date YYYY-MM-DD (default: today)")
    rounds: int = Field(1, ge=1, le=10, description="Escalation rounds")
    mode: Literal["legal", "chain"] = "legal"
    where: str | None = Field(None, description="Where the fighting is: a state, or region:NAME")
    provoked: bool | None = None
    requested: bool | None = None
    assume_in_force: bool = False
    reliability: float | None = Field(None, ge=0, le=1, description="Monte Carlo: probability an obligation holds")
    draws: int = Field(10_000, ge=100, le=200_000, description="Monte Carlo draws")
    seed: int = Field(0, ge=0, description="Monte Carlo seed")


class Step(Open):
    from_ccode: int
    to_ccode: int
    obligation: str
    treaty_id: str
    treaty_name: str | None
    article: str | None
    source: Source
    round: int


class ScenarioState(Open):
    ccode: int
    name: str
    side: Literal["attacker", "target"]
    status: str
    round: int
    joins: bool
    conditions: list[dict]
    path: list[Step]
    conflicts: list[str]
    explanation: str


class Party(Open):
    ccode: int
    name: str


class ScenarioResult(Open):
    on: str
    mode: str
    rounds: int
    facts: dict
    attackers: list[Party]
    targets: list[Party]
    states: list[ScenarioState]
    released: list[ScenarioState]
    unknown: list[dict]
    sides: dict
    monte_carlo: dict | None = None


class StateEntry(Open):
    ccode: int
    abbr: str
    name: str
    system_member: bool | None = None


class StateLookup(Open):
    query: str | None
    resolved: dict | None
    states: list[StateEntry]


class Dataset(Open):
    dataset: str
    version: str | None
    file: str | None
    rows: int | None
    coverage_end: str | None
    imported_at: str | None


class Meta(Open):
    version: str
    schema_version: int
    database: str
    writable: bool
    datasets: list[Dataset]
    dates: dict[str, str | None]
    endpoints: dict[str, bool]


class Error(Open):
    detail: str


ERRORS = {422: {"model": Error, "description": "Bad input: unknown state, bad date or bad parameter"},
          503: {"model": Error, "description": "The database lacks the data"}}


class Period(Open):
    """One period of a dyad's history in one direction (``status`` ``none`` for a stretch without commitment)."""

    from_ccode: int
    to_ccode: int
    start: str | None
    end: str | None
    obligations: list[str]
    status: str
    change: str | None = None
    treaty_id: str | None = None
    treaty_name: str | None = None
    source: dict | None = None
    uncertain: bool = False


class Membership(Open):
    ccode: int
    role: str | None = None
    status: str
    since: str | None
    uncertain: bool
    status_notes: list[dict]


class Organization(Open):
    on: str
    org_id: str
    name: str
    short_name: str
    kind: str
    founded: str | None
    mutual_defence: bool
    defence_article: str | None
    members: list[Membership]
    source: dict


class Memberships(Open):
    on: str
    state: int
    memberships: list[Membership]
