"""What a scenario is and what the engine says about each state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from foedus.errors import BadInputError
from foedus.scenario.rules import MODES, Facts

STATUSES = ("conflicted", "obliged", "offense", "conditional", "consultation", "neutrality", "nonaggression")


@dataclass(frozen=True)
class Scenario:
    """A date, attackers and targets, and optional facts.

    `where`: COW code of the state on whose territory the fighting is (or a region name);
    `provoked`: whether the target provoked the attack; `requested`: whether it asked for help.
    `mode`: see `foedus.scenario.rules.MODES` — 'legal' (only an armed attack triggers defence pacts)
    or 'chain' (every belligerent is attacked once the other side has a joiner; 1914 chain-ganging).
    `assume_in_force`: treat commitments the data last saw in force (past a dataset's coverage)
    as still binding; by default they are reported as unknown and bind no one.
    `supporters`: states arming or funding a belligerent without fighting (reported, never belligerents).
    """

    on: dt.date
    attackers: tuple[int, ...]
    targets: tuple[int, ...]
    where: int | str | None = None
    provoked: bool | None = None
    requested: bool | None = None
    rounds: int = 1
    mode: str = "legal"
    assume_in_force: bool = False
    supporters: tuple[int, ...] = ()

    def __post_init__(self):
        if self.mode not in MODES:
            raise BadInputError("mode", f"'{self.mode}' is not one of {', '.join(MODES)}")
        if self.rounds < 1:
            raise BadInputError("rounds", "must be at least 1")
        if not self.attackers or not self.targets:
            raise BadInputError("scenario", "a scenario needs at least one attacker and one target")
        overlap = set(self.attackers) & set(self.targets)
        if overlap:
            raise BadInputError("scenario", f"states cannot be both attacker and target: {sorted(overlap)}")
        fighting = set(self.supporters) & (set(self.attackers) | set(self.targets))
        if fighting:
            raise BadInputError("supporters", f"a supporter cannot also be an attacker or target: {sorted(fighting)}")

    @property
    def facts(self) -> Facts:
        return Facts(self.where, self.provoked, self.requested)

    @property
    def parties(self) -> set[int]:
        return set(self.attackers) | set(self.targets)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def as_dict(self) -> dict:
        return self.model_dump(mode="json")

    def __getitem__(self, key: str):
        """Read access by JSON key (``result["states"]``), for callers written against the old dicts."""
        return self.as_dict()[key]


class Condition(Record):
    obligation: str
    name: str
    status: str  # 'satisfied', 'failed' or 'unsettled'
    reason: str


class Step(Record):
    """One link in the chain of obligations that brought a state in."""

    from_ccode: int
    to_ccode: int
    obligation: str
    treaty_id: str
    treaty_name: str | None
    article: str | None
    source: dict
    round: int


class StateOutcome(Record):
    """What the engine says about one state: status, side, conditions, the path that brought it in.

    `probability`: the odds it acts under the reliability setting (binding obligations: the type's
    reliability; conditional ones: times the condition probability); None when it owes no military help.
    """

    ccode: int
    name: str
    side: str  # 'attacker' or 'target'
    status: str
    round: int
    joins: bool
    conditions: list[Condition] = []
    path: list[Step] = []
    conflicts: list[str] = []
    commitments: list[dict] = []
    explanation: str = ""
    probability: float | None = None
