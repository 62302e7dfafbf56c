"""The deterministic casus foederis engine, with escalation rounds and explanations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from foedus.scenario.conditions import check, verdict
from foedus.scenario.context import Link, ScenarioContext
from foedus.scenario.model import STATUSES, Condition, Scenario, StateOutcome, Step

OTHER = {"attacker": "target", "target": "attacker"}


@dataclass
class Belligerent:
    side: str
    round: int
    path: list[Step]


@dataclass
class Claim:
    """One reason a state might act: an obligation toward a belligerent, with its verdict."""

    kind: str  # 'defense', 'offense', 'consultation', 'neutrality', 'nonaggression'
    side: str
    link: Link
    conditions: list[Condition]
    verdict: str  # 'binding', 'conditional', 'released'


def source_label(link: Link) -> str:
    source = link.source
    if source["kind"] == "dataset":
        number = link.treaty_id.split(":", 1)[-1]
        return f"{source['dataset']} {number}" if source["dataset"] == "ATOP" else link.treaty_id
    return f"register {source.get('entry') or link.treaty_id}"


def explain(names, step: Step, link: Link, conditions: list[Condition]) -> str:
    """E.g. 'PRK ← CHN: defense, 1961 PRC–DPRK treaty Art. II, unconditional [ATOP 3445]'."""
    held = [c for c in conditions if c.status == "satisfied"]
    terms = "unconditional" if not conditions else "conditions met: " + "; ".join(c.reason for c in held)
    treaty = ", ".join(x for x in (link.treaty_name, step.article) if x)
    middle = f", {treaty}" if treaty else ""
    return f"{names.abbr(step.to_ccode)} ← {names.abbr(step.from_ccode)}: {step.obligation}{middle}, {terms} " \
        f"[{source_label(link)}]"


def _claims(context: ScenarioContext, scenario: Scenario, belligerents, attacked_by) -> dict[int, list[Claim]]:
    claims: dict[int, list[Claim]] = defaultdict(list)
    for state, who in belligerents.items():
        opponents = attacked_by.get(state) or {s for s, b in belligerents.items() if b.side == OTHER[who.side]}
        for link in context.links_toward(state, scenario.assume_in_force):
            if link.from_ccode in scenario.attackers or link.from_ccode in scenario.targets:
                continue
            triggered = False
            if "defense" in link.obligations and state in attacked_by:
                conditions = check(link, "defense", scenario, state, attacked_by[state], context.names)
                claims[link.from_ccode].append(Claim("defense", who.side, link, conditions, verdict(conditions)))
                triggered = True
            if "offense" in link.obligations and who.side == "attacker":
                conditions = check(link, "offense", scenario, state, opponents, context.names)
                claims[link.from_ccode].append(Claim("offense", "attacker", link, conditions, verdict(conditions)))
                triggered = True
            if not triggered and link.obligations & {"defense", "offense"}:
                claims[link.from_ccode].append(Claim("ally", who.side, link, [], "binding"))
            for kind in ("consultation", "neutrality", "nonaggression"):
                if kind in link.obligations:
                    conditions = check(link, kind, scenario, state, opponents, context.names)
                    claims[link.from_ccode].append(Claim(kind, who.side, link, conditions, verdict(conditions)))
    return claims


def _conflicts(claims: list[Claim], side: str, belligerents, names, mode: str) -> list[str]:
    """Commitments toward states on the side `side` would fight: alliances, and non-aggression pledges.

    In legal mode a defender's non-aggression pledge toward the attacker side does not count:
    collective self-defence against an aggressor is not aggression (UN Charter Art. 51).
    """
    opponents = {s for s, b in belligerents.items() if b.side == OTHER[side]}
    out = []
    for c in claims:
        if c.link.to_ccode not in opponents:
            continue
        if c.kind in ("defense", "offense", "ally"):
            obligations = "/".join(sorted(c.link.obligations & {"defense", "offense"}))
            out.append(f"bound to the other side: {obligations} toward {names.name(c.link.to_ccode)} "
                       f"({c.link.label()})")
        elif c.kind == "nonaggression" and not (mode == "legal" and side == "target"):
            out.append(f"pledged non-aggression toward {names.name(c.link.to_ccode)} ({c.link.label()}), a state "
                       "it would have to fight")
    return list(dict.fromkeys(out))


def _judge(state: int, claims: list[Claim], belligerents, context, r: int, mode: str) -> StateOutcome | None:
    names = context.names
    active = [c for c in claims if c.kind in ("defense", "offense")]
    binding = [c for c in active if c.verdict == "binding"]
    sides = {c.side for c in binding}
    if not claims or all(c.kind == "ally" for c in claims):
        return None
    conditions = [cond for c in claims for cond in c.conditions]
    commitments = [c.link.as_dict() | {"toward_side": c.side, "as": c.kind, "verdict": c.verdict} for c in claims]
    outcome = StateOutcome(ccode=state, name=names.name(state), side="target", status="", round=r, joins=False,
                           conditions=conditions, commitments=commitments)
    if len(sides) == 2:
        outcome.status, outcome.side = "conflicted", binding[0].side
        outcome.conflicts = [
            f"bound to the {c.side} side: {c.kind} toward {names.name(c.link.to_ccode)} ({c.link.label()})"
            for c in binding
        ]
        outcome.explanation = f"{names.abbr(state)} is bound to both sides; " + "; ".join(outcome.conflicts)
        return outcome
    if binding:
        best = sorted(binding, key=lambda c: (c.kind != "defense", belligerents[c.link.to_ccode].round))[0]
        outcome.side = best.side
        outcome.status = "obliged" if best.kind == "defense" else "offense"
        outcome.joins = True
        article = best.link.article(best.kind)
        step = Step(state, best.link.to_ccode, best.kind, best.link.treaty_id, best.link.treaty_name, article,
                    best.link.source, r)
        outcome.path = [*belligerents[best.link.to_ccode].path, step]
        outcome.explanation = explain(names, step, best.link, best.conditions)
        if best.link.notes:
            outcome.explanation += " — status note: " + "; ".join(best.link.notes)
        outcome.conflicts = _conflicts(claims, best.side, belligerents, names, mode)
        if outcome.conflicts:
            outcome.status = "conflicted"
            outcome.explanation += "; but " + "; ".join(outcome.conflicts)
        return outcome
    conditional = [c for c in active if c.verdict == "conditional"]
    if conditional:
        best = conditional[0]
        outcome.side, outcome.status = best.side, "conditional"
        unsettled = [c for c in best.conditions if c.status == "unsettled"]
        outcome.explanation = (
            f"{names.abbr(best.link.to_ccode)} ← {names.abbr(state)}: {best.kind} only if "
            + "; ".join(c.reason for c in unsettled) + f" [{source_label(best.link)}]"
        )
        return outcome
    for kind in ("consultation", "neutrality", "nonaggression"):
        found = [c for c in claims if c.kind == kind and c.verdict != "released"]
        if found:
            outcome.side, outcome.status = found[0].side, kind
            targets = ", ".join(sorted({names.abbr(c.link.to_ccode) for c in found}))
            outcome.explanation = f"{names.abbr(state)} owes {kind} to {targets} [{source_label(found[0].link)}]"
            if any(c.verdict == "released" for c in active):
                outcome.explanation += "; its military obligations do not apply here (a condition fails)"
            return outcome
    released = active[0] if active else claims[0]
    outcome.side = released.side
    failed = [c for c in released.conditions if c.status == "failed"]
    outcome.explanation = f"{names.abbr(state)}: {released.kind} does not apply — " + "; ".join(
        c.reason for c in failed
    )
    outcome.status = "released"
    return outcome


def run_scenario(context: ScenarioContext, scenario: Scenario) -> dict:
    """Classify every state with a commitment toward a party; cascade for `scenario.rounds` rounds."""
    names = context.names
    belligerents = {a: Belligerent("attacker", 0, []) for a in scenario.attackers}
    belligerents.update({t: Belligerent("target", 0, []) for t in scenario.targets})
    attacked_by = {t: set(scenario.attackers) for t in scenario.targets}
    outcomes: dict[int, StateOutcome] = {}
    for r in range(1, scenario.rounds + 1):
        claims = _claims(context, scenario, belligerents, attacked_by)
        joined = []
        for state, state_claims in claims.items():
            if state in belligerents:
                continue
            outcome = _judge(state, state_claims, belligerents, context, r, scenario.mode)
            if outcome is None:
                continue
            previous = outcomes.get(state)
            if previous is None or _rank(outcome) < _rank(previous):
                outcomes[state] = outcome
            if outcome.joins and outcome.status != "conflicted":
                joined.append(outcome)
        for outcome in joined:
            belligerents[outcome.ccode] = Belligerent(outcome.side, r, outcome.path)
        _update_attacked(scenario, belligerents, attacked_by)
        if not joined:
            break
    ordered = sorted(outcomes.values(), key=lambda o: (o.round, _rank(o), o.ccode))
    states = [o for o in ordered if o.status != "released"]
    released = [o for o in ordered if o.status == "released"]
    unknown = [] if scenario.assume_in_force else [
        link.as_dict() for state in belligerents for link in context.unknown_toward(state)
    ]
    sides = {
        side: sorted({s for s, b in belligerents.items() if b.side == side}) for side in ("attacker", "target")
    }
    return {
        "on": scenario.on.isoformat(),
        "mode": scenario.mode,
        "rounds": scenario.rounds,
        "facts": {"where": scenario.where, "provoked": scenario.provoked, "requested": scenario.requested,
                  "assume_in_force": scenario.assume_in_force},
        "attackers": [{"ccode": a, "name": names.name(a)} for a in scenario.attackers],
        "targets": [{"ccode": t, "name": names.name(t)} for t in scenario.targets],
        "states": [o.as_dict() for o in states],
        "released": [o.as_dict() for o in released],
        "unknown": unknown,
        "sides": {side: {"members": members, "capability": context.cinc(members)} for side, members in sides.items()},
    }


def _update_attacked(scenario: Scenario, belligerents: dict, attacked_by: dict) -> None:
    """Who counts as attacked after a round.

    legal: only the original targets (their opponents grow as attacker-side states join);
    chain: every belligerent is attacked once the opposite side has a joiner (a new belligerent).
    """
    joiners = {side: {s for s, b in belligerents.items() if b.side == side and b.round > 0}
               for side in ("attacker", "target")}
    for state, who in belligerents.items():
        if scenario.mode == "legal" and state not in scenario.targets:
            continue
        if joiners[OTHER[who.side]]:
            attacked_by.setdefault(state, set()).update(joiners[OTHER[who.side]])


def _rank(outcome: StateOutcome) -> int:
    order = [*STATUSES, "released"]
    return order.index(outcome.status)
