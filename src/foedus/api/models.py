"""Request shapes, the errors, and the API's names for the library's typed answers.

The query, register and network answers are the library's own result types (:mod:`foedus.results`):
the routers declare them as ``response_model`` and return their ``to_json()`` (the bytes the CLI prints
with ``--json``, less the indentation). They are re-exported here under the API's names; the scenario
and meta shapes below are still described here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from foedus.network.answers import ChangeRecord as Change
from foedus.network.answers import Diff, TriadSide
from foedus.network.answers import PairTerms as PairState
from foedus.network.answers import TriadRecord as Triad
from foedus.network.view import Network, NetworkView, ViewEdge, ViewNode
from foedus.query.answers import Commitment, Dyad, Obligations
from foedus.query.history import Period
from foedus.query.organizations import Membership, Memberships, Organization
from foedus.query.states import StateEntry, StateLookup
from foedus.query.treaty import Treaty, TreatyMember


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


__all__ = ["ERRORS", "Change", "Commitment", "Dataset", "Diff", "Dyad", "Error", "Membership", "Memberships", "Meta",
           "Network", "NetworkView", "Obligations", "Organization", "PairState", "Period", "ScenarioRequest",
           "ScenarioResult", "StateEntry", "StateLookup", "Treaty", "TreatyMember", "Triad", "TriadSide",
           "ViewEdge", "ViewNode"]
