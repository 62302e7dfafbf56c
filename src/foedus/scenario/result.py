"""Typed results of the scenario engine, the Monte Carlo and the sweep, each with its published JSON form.

`ScenarioResult.to_json()` is the `foedus scenario --json` contract (README): the CLI prints it, the
API returns it and uses the same class as its response model.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from foedus.scenario.model import Record, StateOutcome


class Party(Record):
    ccode: int
    name: str


class ScenarioFacts(Record):
    where: int | str | None = None
    provoked: bool | None = None
    requested: bool | None = None
    assume_in_force: bool = False
    status: str = "presumed"  # the status rule: which tiers counted (confirmed, presumed, any)


class Capability(Record):
    cinc: float
    states_with_data: int
    states: int
    year: int | None
    oldest_year: int | None
    stale: bool
    source: str | None


class Side(Record):
    members: list[int]
    capability: Capability


class Distribution(Record):
    mean: float
    p5: float
    p50: float
    p95: float
    histogram: dict[int, int]


class JoinProbability(Record):
    ccode: int
    name: str
    p_join_target: float
    p_join_attacker: float


class MonteCarloResult(Record):
    draws: int
    seed: int
    reliability: dict[str, float]
    condition_probability: float
    reliability_source: str
    coalition_size: dict[str, Distribution]
    states: list[JoinProbability]
    model: dict | None = None  # reliability 'model': the joining model (kind, file, fit size, data versions)

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


class Supporter(Record):
    """A state arming or funding a belligerent without fighting, judged against each treaty's wording."""

    ccode: int
    name: str
    supports: str  # 'attacker' or 'target'
    findings: list[str] = []


class ScenarioResult(Record):
    on: str
    mode: str
    rounds: int
    facts: ScenarioFacts
    attackers: list[Party]
    targets: list[Party]
    states: list[StateOutcome]
    released: list[StateOutcome]
    unknown: list[dict]
    sides: dict[str, Side]
    notes: list[str] | None = None
    supporters: list[Supporter] | None = None
    monte_carlo: MonteCarloResult | None = None
    warning: str | None = None  # the date is a projection (after the register's check date or today)

    def to_json(self) -> dict:
        """The published `--json` shape; `notes`, `supporters`, `monte_carlo`, `warning` only when there are any."""
        return self.model_dump(mode="json", exclude_none=False, exclude={
            key for key in ("notes", "supporters", "monte_carlo", "warning") if getattr(self, key) is None
        })

    def joiners(self) -> dict[int, str]:
        """Each state that joins (obliged or offense, not held back), with its side."""
        return {s.ccode: s.side for s in self.states if s.joins and s.status != "conflicted"}

    def __getitem__(self, key: str):
        """Read access by the JSON keys (``result["states"]``), for callers written against the old dict."""
        return self.to_json()[key]


class SweepPair(BaseModel):
    """One ordered pair of the sweep (documents the rows of `SweepResult.to_json()['pairs']`)."""

    model_config = ConfigDict(extra="forbid")

    attacker: int
    target: int
    joiners_target_side: int
    joiners_attacker_side: int


ORDER = ["joiners_target_side", "joiners_attacker_side", "attacker", "target"]


@dataclass
class SweepResult:
    """Every ordered pair on a date (`frame`: one row per pair, columns as SweepPair), ordered by most defenders;
    ties broken by fewest attacker-side joiners, then attacker and target code."""

    on: str
    mode: str
    rounds: int
    frame: object  # pandas DataFrame

    def ordered(self):
        return self.frame.sort_values(ORDER, ascending=[False, True, True, True], kind="stable")

    def ties_at_top(self) -> int:
        """How many pairs share the largest number of target-side joiners."""
        top = self.frame.joiners_target_side.max() if len(self.frame) else 0
        return int((self.frame.joiners_target_side == top).sum())

    def to_json(self) -> dict:
        rows = self.ordered().to_dict("records")
        return {"on": self.on, "mode": self.mode, "rounds": self.rounds, "order": ORDER,
                "pairs": [{k: int(v) for k, v in row.items()} for row in rows]}
