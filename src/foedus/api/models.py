"""Request shapes, the errors, and the API's names for the library's typed answers.

The query, register and network answers are the library's own result types (:mod:`foedus.results`):
the routers declare them as ``response_model`` and return their ``to_json()`` (the bytes the CLI prints
with ``--json``, less the indentation). They are re-exported here under the API's names; the scenario
and meta shapes below are still described here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

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
from foedus.scenario.request import ScenarioRequest  # the library's own request and result types
from foedus.scenario.result import ScenarioResult


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
