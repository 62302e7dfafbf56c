"""The escalation rules, defined once: modes, condition rules and reliability.

The per-scenario engine (`engine.py`) and the vectorised cascade (`cascade.py`, used by the Monte
Carlo and the all-pairs sweep) both read these; `tests/test_scenario_property.py` checks on random
small worlds that the two give the same joiners.

Conditions are ATOP's condition flags (codebook v5.0 pp. 23-26). Each condition name has one rule
saying how the scenario's facts settle it: 'satisfied', 'failed' or 'unsettled' with the reason.
Only `specific_adversary` depends on who is fighting: it is checked against every state on the other
side of the protected state at the round the obligation is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from foedus.store.schema import CONDITION_FLAGS

SIDES = ("attacker", "target")
OTHER = {"attacker": "target", "target": "attacker"}
ALLIANCE = ("defense", "offense")  # the obligations that bring a state into a war
LESSER = ("consultation", "neutrality", "nonaggression")


# ----------------------------------------------------------------------------------------------- modes


@dataclass(frozen=True)
class Mode:
    """Who counts as attacked each round, which pledges cascade, and what counts as a conflict."""

    name: str
    attack_all_belligerents: bool  # False: only the original targets are attacked
    offense_cascades: bool  # offense pledges toward attacker-side joiners (not only the original attackers) count
    defender_nonaggression_conflicts: bool  # a defender's non-aggression pledge toward the aggressor side
    description: str

    def attacked(self, original_target: bool, other_side_has_joiner: bool) -> bool:
        """Whether a belligerent counts as attacked (its defence partners are called on)."""
        return original_target or (self.attack_all_belligerents and other_side_has_joiner)

    def offense_toward(self, side: str, original: bool) -> bool:
        """Whether an offense pledge toward a belligerent on `side` is called on."""
        return side == "attacker" and (original or self.offense_cascades)

    def nonaggression_conflicts(self, joining_side: str) -> bool:
        """Whether a non-aggression pledge toward the side a state would fight holds it back."""
        return joining_side == "attacker" or self.defender_nonaggression_conflicts


MODES: dict[str, Mode] = {
    "legal": Mode(
        "legal", attack_all_belligerents=False, offense_cascades=True, defender_nonaggression_conflicts=False,
        description="only an armed attack triggers defence pacts: the original targets are the only attacked "
        "states; a defender's non-aggression pledge toward the aggressor is no conflict (UN Charter Art. 51)",
    ),
    "chain": Mode(
        "chain", attack_all_belligerents=True, offense_cascades=True, defender_nonaggression_conflicts=True,
        description="every belligerent counts as attacked once the other side has a joiner (1914 chain-ganging)",
    ),
}


def mode(name: str) -> Mode:
    try:
        return MODES[name]
    except KeyError:
        from foedus.errors import BadInputError

        raise BadInputError("mode", f"'{name}' is not one of {', '.join(MODES)}") from None


# ------------------------------------------------------------------------------------------ conditions


@dataclass(frozen=True)
class Facts:
    """What the scenario says beyond the parties: where the fighting is, provocation, a request for help."""

    where: int | str | None = None
    provoked: bool | None = None
    requested: bool | None = None


@dataclass(frozen=True)
class Case:
    """One condition to settle: the obligation it qualifies, owed to `protected`, against `opponents`.

    `opponents` is None where the caller settles named threats itself (the vectorised cascade).
    """

    facts: Facts
    protected: int
    threats: tuple[int, ...]
    specthrt: int | None
    opponents: frozenset[int] | None
    names: object


Settle = Callable[[Case], tuple[str, str]]


@dataclass(frozen=True)
class ConditionRule:
    name: str
    settle: Settle
    depends_on_opponents: bool = False


def _adversary(case: Case) -> tuple[str, str]:
    if not case.threats:
        return "unsettled", f"the treaty limits the adversary but ATOP names no threat state (specthrt {case.specthrt})"
    named = ", ".join(case.names.name(t) for t in case.threats)
    if case.opponents is not None and case.opponents & set(case.threats):
        return "satisfied", f"the treaty names {named} as the threat, and it is on the other side"
    return "failed", f"the treaty names only {named} as the threat"


def _location(case: Case) -> tuple[str, str]:
    where = case.facts.where
    if where is None:
        return "unsettled", "limited to a location; the scenario does not say where the fighting is"
    if where == case.protected:
        return "satisfied", f"the fighting is on {case.names.name(case.protected)}'s own territory"
    text = case.names.name(where) if isinstance(where, int) else where
    return "unsettled", f"limited to a location; fighting in {text}, and the treaty area is not coded"


def _provocation(case: Case) -> tuple[str, str]:
    if case.facts.provoked is None:
        return "unsettled", "only if the ally did not provoke the attack; the scenario does not say"
    if case.facts.provoked:
        return "failed", "only if the ally did not provoke the attack, and it did"
    return "satisfied", "the ally did not provoke the attack"


def _request(case: Case) -> tuple[str, str]:
    if case.facts.requested is None:
        return "unsettled", "only at the ally's request; the scenario does not say"
    if case.facts.requested:
        return "satisfied", "the ally requested help"
    return "failed", "the ally did not request help"


def _fixed(status: str, reason: str) -> Settle:
    return lambda _case: (status, reason)


def _number(case: Case) -> tuple[str, str]:
    count = f" ({len(case.opponents)} here)" if case.opponents is not None else ""
    return "unsettled", f"limited by the number of adversaries{count}; ATOP does not code which number"


RULES: dict[str, ConditionRule] = {rule.name: rule for rule in (
    ConditionRule("specific_adversary", _adversary, depends_on_opponents=True),
    ConditionRule("location", _location),
    ConditionRule("non_provocation", _provocation),
    ConditionRule("ally_request", _request),
    ConditionRule("ally_attacked", _fixed("satisfied", "the ally was attacked")),
    ConditionRule("number_of_adversaries", _number),
    ConditionRule("specific_conflict", _fixed("unsettled", "limited to a particular conflict the scenario cannot "
                                                             "identify")),
    ConditionRule("demands_met", _fixed("unsettled", "only if demands set out in the treaty are met")),
    ConditionRule("other_condition", _fixed("unsettled", "depends on a condition ATOP codes only as 'other' "
                                                          "(olimob)")),
)}
assert {name for _, name in CONDITION_FLAGS.values()} <= set(RULES), "a condition flag without a rule"


@lru_cache(maxsize=4096)
def flags_for(flags: frozenset, obligation: str) -> tuple[str, ...]:
    """The condition names among `flags` that qualify `obligation` (sorted by flag, as reported)."""
    return tuple(CONDITION_FLAGS[flag][1] for flag in sorted(flags)
                 if CONDITION_FLAGS[flag][0] in (obligation, "any"))


def verdict(statuses) -> str:
    """'binding' when every condition holds, 'released' when one fails, else 'conditional'."""
    statuses = list(statuses)
    if "failed" in statuses:
        return "released"
    if all(s == "satisfied" for s in statuses):
        return "binding"
    return "conditional"


def best(verdicts) -> str:
    """The strongest of several verdicts (an alliance with two obligations binds if either does)."""
    verdicts = set(verdicts)
    for v in ("binding", "conditional"):
        if v in verdicts:
            return v
    return "released"


@dataclass(frozen=True)
class StaticVerdict:
    """An obligation's verdict without knowing who fights: `threats` (when not None) must meet the other side.

    The full verdict is `verdict` when some state of `threats` is on the other side, else 'released'.
    """

    verdict: str
    threats: frozenset[int] | None = None

    def given(self, other_side) -> str:
        if self.threats is None or self.threats & set(other_side):
            return self.verdict
        return "released"


def static_verdict(link, obligation: str, facts: Facts, protected: int, names=None) -> StaticVerdict:
    """The verdict of `obligation` of `link` from the conditions the facts settle, named threats left open."""
    statuses, threats = [], None
    for name in flags_for(link.flags, obligation):
        rule = RULES[name]
        if rule.depends_on_opponents and link.threats:
            threats = frozenset(link.threats)
            continue
        case = Case(facts, protected, link.threats, link.specthrt, None, names)
        statuses.append(rule.settle(case)[0])
    return StaticVerdict(verdict(statuses), threats)


# ----------------------------------------------------------------------------------------- reliability

RELIABILITY_SOURCE = (
    "Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000. \"Reevaluating Alliance "
    "Reliability: Specific Threats, Specific Promises.\" Journal of Conflict Resolution 44(5): 686-699."
)


@dataclass(frozen=True)
class Reliability:
    """How likely an obligation is honoured: per type when binding, times `condition_probability` when conditional.

    Default 0.75 for every type, after Leeds, Long and Mitchell (2000), who found alliance commitments
    honoured about 75% of the time; an obligation whose conditions the scenario leaves unsettled is
    honoured with probability reliability × `condition_probability` (default 0.5); a released one never.
    """

    by_type: dict = field(default_factory=lambda: {"defense": 0.75, "offense": 0.75})
    condition_probability: float = 0.5
    source: str = RELIABILITY_SOURCE

    def probability(self, kind: str, verdict_: str) -> float:
        factor = {"binding": 1.0, "conditional": self.condition_probability, "released": 0.0}[verdict_]
        return self.by_type.get(kind, 0.0) * factor

    @classmethod
    def certain(cls) -> Reliability:
        """Every binding obligation honoured, no conditional one: the deterministic engine's rule."""
        return cls({"defense": 1.0, "offense": 1.0}, 0.0)
