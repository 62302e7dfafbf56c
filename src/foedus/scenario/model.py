"""What a scenario is and what the engine says about each state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

MODES = ("legal", "chain")
STATUSES = ("conflicted", "obliged", "offense", "conditional", "consultation", "neutrality", "nonaggression")


@dataclass(frozen=True)
class Scenario:
    """A date, attackers and targets, and optional facts.

    `where`: COW code of the state on whose territory the fighting is (or a region name);
    `provoked`: whether the target provoked the attack; `requested`: whether it asked for help.
    `mode`: 'legal' — only an armed attack triggers defence pacts (joiners acting in collective
    self-defence do not trigger the attacker's pacts); 'chain' — every state attacked by a new
    belligerent triggers its defence partners (1914 chain-ganging).
    `assume_in_force`: treat commitments the data last saw in force (past a dataset's coverage)
    as still binding; by default they are reported as unknown and bind no one.
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

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode: '{self.mode}' is not one of {', '.join(MODES)}")
        if self.rounds < 1:
            raise ValueError("rounds: must be at least 1")
        if not self.attackers or not self.targets:
            raise ValueError("a scenario needs at least one attacker and one target")
        overlap = set(self.attackers) & set(self.targets)
        if overlap:
            raise ValueError(f"states cannot be both attacker and target: {sorted(overlap)}")


@dataclass
class Condition:
    obligation: str
    name: str
    status: str  # 'satisfied', 'failed' or 'unsettled'
    reason: str

    def as_dict(self) -> dict:
        return {"obligation": self.obligation, "name": self.name, "status": self.status, "reason": self.reason}


@dataclass
class Step:
    """One link in the chain of obligations that brought a state in."""

    from_ccode: int
    to_ccode: int
    obligation: str
    treaty_id: str
    treaty_name: str | None
    article: str | None
    source: dict
    round: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class StateOutcome:
    ccode: int
    name: str
    side: str  # 'attacker' or 'target'
    status: str
    round: int
    joins: bool
    conditions: list[Condition] = field(default_factory=list)
    path: list[Step] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    explanation: str = ""

    def as_dict(self) -> dict:
        return {
            "ccode": self.ccode,
            "name": self.name,
            "side": self.side,
            "status": self.status,
            "round": self.round,
            "joins": self.joins,
            "conditions": [c.as_dict() for c in self.conditions],
            "path": [s.as_dict() for s in self.path],
            "conflicts": self.conflicts,
            "commitments": self.commitments,
            "explanation": self.explanation,
        }
