"""The deterministic casus foederis engine, with escalation rounds and explanations.

The rules (who is attacked in each mode, which conditions hold, what holds a state back) are in
`foedus.scenario.rules`; the vectorised cascade (`cascade.py`) applies the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from foedus.scenario.conditions import check, verdict
from foedus.scenario.context import Link, ScenarioContext
from foedus.scenario.model import STATUSES, Condition, Scenario, StateOutcome, Step
from foedus.scenario.result import Capability, Party, ScenarioFacts, ScenarioResult, Side
from foedus.scenario.rules import ALLIANCE, LESSER, OTHER, SIDES, Mode, Reliability, best, mode

__all__ = ["OTHER", "explain", "run_scenario", "source_label"]


@dataclass
class Belligerent:
    side: str
    round: int
    path: list[Step]


@dataclass
class War:
    """Who is fighting on which side, and who counts as attacked, at the start of a round."""

    scenario: Scenario
    mode: Mode
    belligerents: dict[int, Belligerent] = field(default_factory=dict)
    attacked: set[int] = field(default_factory=set)
    _sides: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def start(cls, scenario: Scenario, fighting: dict[int, str] | None = None) -> War:
        """Round 0: the attackers and targets, plus `fighting` (state -> side): states already at war on that
        side when the scenario starts (a backtest replaying a real war on a later date). They are belligerents —
        named threats, conflicts and offence pledges see them — but not attacked unless the mode says so."""
        war = cls(scenario, mode(scenario.mode))
        war.belligerents = {s: Belligerent(side, 0, []) for s, side in (fighting or {}).items()
                            if s not in scenario.parties}
        war.belligerents.update({a: Belligerent("attacker", 0, []) for a in scenario.attackers})
        war.belligerents.update({t: Belligerent("target", 0, []) for t in scenario.targets})
        war.attacked = set(scenario.targets)
        return war

    def side(self, name: str) -> frozenset[int]:
        if name not in self._sides:
            self._sides[name] = frozenset(s for s, b in self.belligerents.items() if b.side == name)
        return self._sides[name]

    def join(self, outcomes: list[StateOutcome], r: int) -> None:
        for outcome in outcomes:
            self.belligerents[outcome.ccode] = Belligerent(outcome.side, r, outcome.path)
        self._sides.clear()
        has_joiner = {side: any(b.side == side and b.round > 0 for b in self.belligerents.values()) for side in SIDES}
        for state, who in self.belligerents.items():
            if self.mode.attacked(state in self.scenario.targets, has_joiner[OTHER[who.side]]):
                self.attacked.add(state)


@dataclass
class Claim:
    """One reason a state might act: an obligation toward a belligerent, with its verdict.

    `tie`: the link's verdict as an alliance (its best defense/offense verdict, called on or not);
    only a binding tie toward the side a state would fight holds it back.
    """

    kind: str  # 'defense', 'offense', 'ally' (an alliance not called on), 'consultation', 'neutrality', 'nonaggression'
    side: str
    link: Link
    conditions: list[Condition]
    verdict: str  # 'binding', 'conditional', 'released'
    tie: str | None = None


def source_label(link: Link) -> str:
    source = link.source
    if source["kind"] == "dataset":
        number = link.treaty_id.split(":", 1)[-1]
        return f"{source['dataset']} {number}" if source["dataset"] == "ATOP" else link.treaty_id
    if source["kind"] == "supposition":  # a what-if overlay's fact (foedus.suppose)
        return f"HYPOTHETICAL: {source.get('text') or source.get('entry')}"
    return f"register {source.get('entry') or link.treaty_id}"


def explain(names, step: Step, link: Link, conditions: list[Condition]) -> str:
    """E.g. 'PRK ← CHN: defense, 1961 PRC–DPRK treaty Art. II, unconditional [ATOP 3445]'."""
    held = [c for c in conditions if c.status == "satisfied"]
    terms = "unconditional" if not conditions else "conditions met: " + "; ".join(c.reason for c in held)
    treaty = ", ".join(x for x in (link.treaty_name, step.article) if x)
    middle = f", {treaty}" if treaty else ""
    return f"{names.abbr(step.to_ccode)} ← {names.abbr(step.from_ccode)}: {step.obligation}{middle}, {terms} " \
        f"[{source_label(link)}]"


# ------------------------------------------------------------------------------------------------ claims


def _link_claims(link: Link, state: int, who: Belligerent, war: War, names) -> list[Claim]:
    """The claims one link toward the belligerent `state` makes on its owner."""
    opponents = war.side(OTHER[who.side])
    facts = war.scenario.facts
    conditions = {kind: check(link, kind, facts, state, opponents, names)
                  for kind in (*ALLIANCE, *LESSER) if kind in link.obligations}
    verdicts = {kind: verdict(conds) for kind, conds in conditions.items()}
    tie = best(verdicts[k] for k in ALLIANCE if k in verdicts) if link.obligations & set(ALLIANCE) else None
    out = []
    if "defense" in link.obligations and state in war.attacked:
        out.append(Claim("defense", who.side, link, conditions["defense"], verdicts["defense"], tie))
    if "offense" in link.obligations and war.mode.offense_toward(who.side, who.round == 0):
        out.append(Claim("offense", "attacker", link, conditions["offense"], verdicts["offense"], tie))
    if not out and tie is not None:
        out.append(Claim("ally", who.side, link, [], tie, tie))
    out += [Claim(kind, who.side, link, conditions[kind], verdicts[kind], tie) for kind in LESSER if kind in conditions]
    return out


def _claims(context: ScenarioContext, war: War) -> dict[int, list[Claim]]:
    claims: dict[int, list[Claim]] = defaultdict(list)
    for state, who in war.belligerents.items():
        for link in context.links_toward(state, war.scenario.assume_in_force):
            if link.from_ccode not in war.belligerents:
                claims[link.from_ccode] += _link_claims(link, state, who, war, context.names)
    return claims


def _conflicts(claims: list[Claim], side: str, war: War, names) -> list[str]:
    """Binding commitments toward states on the side `side` would fight: alliances and non-aggression pledges.

    Whether a defender's non-aggression pledge toward the attacker side counts is the mode's rule.
    """
    opponents = war.side(OTHER[side])
    out = []
    for c in claims:
        if c.link.to_ccode not in opponents:
            continue
        if c.kind in ("defense", "offense", "ally") and c.tie == "binding":
            obligations = "/".join(sorted(c.link.obligations & set(ALLIANCE)))
            out.append(f"bound to the other side: {obligations} toward {names.name(c.link.to_ccode)} "
                       f"({c.link.label()})")
        elif c.kind == "nonaggression" and c.verdict == "binding" and war.mode.nonaggression_conflicts(side):
            out.append(f"pledged non-aggression toward {names.name(c.link.to_ccode)} ({c.link.label()}), a state "
                       "it would have to fight")
    return list(dict.fromkeys(out))


# ------------------------------------------------------------------------------------------------- judge


@dataclass
class Judge:
    """Classifies one state from its claims in one round."""

    context: ScenarioContext
    war: War
    round: int
    reliability: Reliability

    def __call__(self, state: int, claims: list[Claim]) -> StateOutcome | None:
        if not claims or all(c.kind == "ally" for c in claims):
            return None
        active = [c for c in claims if c.kind in ALLIANCE]
        binding = [c for c in active if c.verdict == "binding"]
        outcome = StateOutcome(
            ccode=state, name=self.context.names.name(state), side="target", status="", round=self.round,
            joins=False, conditions=[cond for c in claims for cond in c.conditions],
            commitments=[c.link.as_dict() | {"toward_side": c.side, "as": c.kind, "verdict": c.verdict}
                         for c in claims],
        )
        if len({c.side for c in binding}) == 2:
            return self._both_sides(outcome, binding)
        if binding:
            return self._obliged(outcome, binding, claims)
        conditional = [c for c in active if c.verdict == "conditional"]
        if conditional:
            return self._conditional(outcome, conditional[0])
        return self._lesser(outcome, claims, active) or self._released(outcome, active[0] if active else claims[0])

    def _both_sides(self, outcome: StateOutcome, binding: list[Claim]) -> StateOutcome:
        names = self.context.names
        outcome.status, outcome.side = "conflicted", binding[0].side
        outcome.conflicts = [
            f"bound to the {c.side} side: {c.kind} toward {names.name(c.link.to_ccode)} ({c.link.label()})"
            for c in binding
        ]
        outcome.explanation = f"{names.abbr(outcome.ccode)} is bound to both sides; " + "; ".join(outcome.conflicts)
        return outcome

    def _obliged(self, outcome: StateOutcome, binding: list[Claim], claims: list[Claim]) -> StateOutcome:
        names, belligerents = self.context.names, self.war.belligerents
        top = sorted(binding, key=lambda c: (c.kind != "defense", belligerents[c.link.to_ccode].round))[0]
        outcome.side = top.side
        outcome.status = "obliged" if top.kind == "defense" else "offense"
        outcome.joins = True
        outcome.probability = self.reliability.probability(top.kind, "binding")
        step = Step(from_ccode=outcome.ccode, to_ccode=top.link.to_ccode, obligation=top.kind,
                    treaty_id=top.link.treaty_id, treaty_name=top.link.treaty_name,
                    article=top.link.article(top.kind), source=top.link.source, round=self.round)
        outcome.path = [*belligerents[top.link.to_ccode].path, step]
        outcome.explanation = explain(names, step, top.link, top.conditions)
        if top.link.notes:
            outcome.explanation += " — status note: " + "; ".join(top.link.notes)
        outcome.conflicts = _conflicts(claims, top.side, self.war, names)
        if outcome.conflicts:
            outcome.status = "conflicted"
            outcome.explanation += "; but " + "; ".join(outcome.conflicts)
        return outcome

    def _conditional(self, outcome: StateOutcome, claim: Claim) -> StateOutcome:
        names = self.context.names
        outcome.side, outcome.status = claim.side, "conditional"
        outcome.probability = self.reliability.probability(claim.kind, "conditional")
        unsettled = [c for c in claim.conditions if c.status == "unsettled"]
        outcome.explanation = (
            f"{names.abbr(claim.link.to_ccode)} ← {names.abbr(outcome.ccode)}: {claim.kind} only if "
            + "; ".join(c.reason.removeprefix("only if ") for c in unsettled) + f" [{source_label(claim.link)}]"
        )
        return outcome

    def _lesser(self, outcome: StateOutcome, claims: list[Claim], active: list[Claim]) -> StateOutcome | None:
        names = self.context.names
        for kind in LESSER:
            found = [c for c in claims if c.kind == kind and c.verdict != "released"]
            if found:
                outcome.side, outcome.status = found[0].side, kind
                targets = ", ".join(sorted({names.abbr(c.link.to_ccode) for c in found}))
                outcome.explanation = f"{names.abbr(outcome.ccode)} owes {kind} to {targets} " \
                    f"[{source_label(found[0].link)}]"
                if any(c.verdict == "released" for c in active):
                    outcome.explanation += "; its military obligations do not apply here (a condition fails)"
                outcome.explanation += self._own_attack(claims)
                return outcome
        return None

    def _own_attack(self, claims: list[Claim]) -> str:
        """Why a defence pledge toward an attacker is not called on: it answers an attack on the ally."""
        attackers = self.war.scenario.attackers
        pledges = [c for c in claims if c.kind == "ally" and "defense" in c.link.obligations
                   and c.link.to_ccode in attackers]
        if not pledges:
            return ""
        names = self.context.names
        c = pledges[0]
        label = ", ".join(x for x in (c.link.treaty_name or c.link.treaty_id, c.link.article("defense")) if x)
        return f"; its defence pledge to {names.abbr(c.link.to_ccode)} ({label}) does not apply: " \
            f"{names.abbr(c.link.to_ccode)} is the attacker, and the pledge answers an attack on it"

    def _released(self, outcome: StateOutcome, claim: Claim) -> StateOutcome:
        outcome.side, outcome.status = claim.side, "released"
        failed = [c for c in claim.conditions if c.status == "failed"]
        outcome.explanation = f"{self.context.names.abbr(outcome.ccode)}: {claim.kind} does not apply — " + \
            "; ".join(c.reason for c in failed)
        return outcome


# -------------------------------------------------------------------------------------------------- run


def _rank(outcome: StateOutcome) -> int:
    return [*STATUSES, "released"].index(outcome.status)


def escalate(context: ScenarioContext, scenario: Scenario, reliability: Reliability,
             fighting: dict[int, str] | None = None) -> tuple[War, dict]:
    """Run the rounds: the war at the end and each state's strongest outcome (`fighting`: see `War.start`)."""
    war = War.start(scenario, fighting)
    outcomes: dict[int, StateOutcome] = {}
    for r in range(1, scenario.rounds + 1):
        judge = Judge(context, war, r, reliability)
        joined = []
        for state, state_claims in _claims(context, war).items():
            if state in war.belligerents:
                continue
            outcome = judge(state, state_claims)
            if outcome is None:
                continue
            previous = outcomes.get(state)
            if previous is None or _rank(outcome) < _rank(previous):
                outcomes[state] = outcome
            if outcome.joins and outcome.status != "conflicted":
                joined.append(outcome)
        war.join(joined, r)
        if not joined:
            break
    return war, outcomes


def run_scenario(context: ScenarioContext, scenario: Scenario, reliability: Reliability | None = None,
                 fighting: dict[int, str] | None = None) -> ScenarioResult:
    """Classify every state with a commitment toward a party; cascade for `scenario.rounds` rounds.

    `reliability` only sets the `probability` reported for each obliged or conditional state;
    `fighting` (state -> side) adds states already at war when the scenario starts (see `War.start`).

    Args:
        context: The commitments and capabilities of the scenario's date (`ScenarioContext(con, on)`).
        scenario: The date, attackers, targets and facts (`foedus.scenario.model.Scenario`).
        reliability: How likely each obligation is honoured (default: 0.75 per type, conditional × 0.5).
        fighting: States already at war when the scenario starts, as COW code -> side.

    Returns:
        Every state's status (obliged, conditional, released, ...) by round, the two sides with their
        capabilities, the commitments whose status is unknown, and notes.

    Examples:
        >>> import datetime as dt
        >>> from foedus.scenario.context import ScenarioContext
        >>> from foedus.scenario.engine import run_scenario
        >>> from foedus.scenario.model import Scenario
        >>> day = dt.date(1990, 1, 1)
        >>> result = run_scenario(ScenarioContext(con, day), Scenario(on=day, attackers=(2,), targets=(731,)))
        >>> (result.on, result.mode, result.rounds)
        ('1990-01-01', 'legal', 1)

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.

        Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000. "Reevaluating Alliance
        Reliability: Specific Threats, Specific Promises." Journal of Conflict Resolution 44(5): 686-699.
    """
    from foedus.scenario.actors import attacker_notes, judge_supporters

    names = context.names
    war, outcomes = escalate(context, scenario, reliability or Reliability(), fighting)
    ordered = sorted(outcomes.values(), key=lambda o: (o.round, _rank(o), o.ccode))
    unknown = [] if scenario.assume_in_force else [
        link.as_dict() for state in war.belligerents for link in context.unknown_toward(state)
    ]
    sides = {}
    for side in SIDES:
        members = sorted(war.side(side))
        sides[side] = Side(members=members, capability=Capability(**context.cinc(members)))
    joined = {s for s, b in war.belligerents.items() if b.round > 0}
    notes = attacker_notes(context, scenario, joined)
    return ScenarioResult(
        on=scenario.on.isoformat(), mode=scenario.mode, rounds=scenario.rounds,
        facts=ScenarioFacts(where=scenario.where, provoked=scenario.provoked, requested=scenario.requested,
                            assume_in_force=scenario.assume_in_force),
        attackers=[Party(ccode=a, name=names.name(a)) for a in scenario.attackers],
        targets=[Party(ccode=t, name=names.name(t)) for t in scenario.targets],
        states=[o for o in ordered if o.status != "released"],
        released=[o for o in ordered if o.status == "released"],
        unknown=unknown, sides=sides, notes=notes or None,
        supporters=judge_supporters(context, scenario, ordered) if scenario.supporters else None,
    )
