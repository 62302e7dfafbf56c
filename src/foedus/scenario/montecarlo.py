"""Probabilistic mode: each obligation is honoured with a probability; many draws, vectorised.

Default reliability 0.75 for every obligation type, after Leeds, Long and Mitchell (2000),
"Reevaluating Alliance Reliability: Specific Threats, Specific Promises", Journal of Conflict
Resolution 44(5): 686-699, who found alliance commitments honoured about 75% of the time.
An obligation whose conditions the scenario leaves unsettled is honoured with probability
reliability × `condition_probability` (default 0.5); one whose condition fails, never.
Conditions are checked against the original parties.
"""

from __future__ import annotations

import numpy as np

from foedus.scenario.cascade import CascadeInput, run_cascade
from foedus.scenario.conditions import check, verdict
from foedus.scenario.context import ScenarioContext
from foedus.scenario.model import Scenario

DEFAULT_RELIABILITY = {"defense": 0.75, "offense": 0.75}
RELIABILITY_SOURCE = (
    "Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000. \"Reevaluating Alliance "
    "Reliability: Specific Threats, Specific Promises.\" Journal of Conflict Resolution 44(5): 686-699."
)


def reachable_states(context: ScenarioContext, scenario: Scenario) -> list[int]:
    """States within `rounds` hops of the parties through defense or offense links (plus one, for conflicts)."""
    seen = set(scenario.attackers) | set(scenario.targets)
    frontier = set(seen)
    for _ in range(scenario.rounds):
        nxt = set()
        for state in frontier:
            for link in context.links_toward(state, scenario.assume_in_force):
                if link.obligations & {"defense", "offense"} and link.from_ccode not in seen:
                    nxt.add(link.from_ccode)
        seen |= nxt
        frontier = nxt
    return sorted(seen)


def probability_matrices(context, scenario, states, reliability, condition_probability):
    """log(1 - p) matrices [dst, src] for defense and offense among `states`."""
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    keep = {"defense": np.ones((n, n)), "offense": np.ones((n, n))}
    ally = np.zeros((n, n), dtype=bool)
    nonaggression = np.zeros((n, n), dtype=bool)
    parties = set(scenario.attackers) | set(scenario.targets)
    for dst in states:
        for link in context.links_toward(dst, scenario.assume_in_force):
            src = index.get(link.from_ccode)
            if src is None:
                continue
            ally[index[dst], src] |= bool(link.obligations & {"defense", "offense"})
            nonaggression[index[dst], src] |= "nonaggression" in link.obligations
            for kind in ("defense", "offense"):
                if kind not in link.obligations:
                    continue
                result = verdict(check(link, kind, scenario, dst, parties - {dst}, context.names))
                p = reliability[kind] * {"binding": 1.0, "conditional": condition_probability, "released": 0.0}[result]
                keep[kind][index[dst], src] *= 1 - p
    with np.errstate(divide="ignore"):
        logs = {k: np.maximum(np.log(v), -50).astype(np.float32) for k, v in keep.items()}
    return logs | {"ally": ally, "nonaggression": nonaggression}


def monte_carlo(
    context: ScenarioContext,
    scenario: Scenario,
    draws: int = 10_000,
    reliability: float | dict | None = None,
    condition_probability: float = 0.5,
    seed: int = 0,
) -> dict:
    """Distribution of coalition sizes and each state's probability of joining each side."""
    if isinstance(reliability, (int, float)):
        reliability = {"defense": float(reliability), "offense": float(reliability)}
    reliability = {**DEFAULT_RELIABILITY, **(reliability or {})}
    for kind, p in reliability.items():
        if not 0 <= p <= 1:
            raise ValueError(f"reliability for {kind} must be between 0 and 1, not {p}")
    states = reachable_states(context, scenario)
    logs = probability_matrices(context, scenario, states, reliability, condition_probability)
    index = {s: i for i, s in enumerate(states)}
    attackers = np.zeros((draws, len(states)), dtype=bool)
    targets = np.zeros_like(attackers)
    attackers[:, [index[a] for a in scenario.attackers]] = True
    targets[:, [index[t] for t in scenario.targets]] = True
    rng = np.random.default_rng(seed)
    result = run_cascade(
        CascadeInput(logs["defense"], logs["offense"], attackers, targets, logs["ally"], logs["nonaggression"]),
        scenario.rounds, scenario.mode, rng,
    )
    joiners = result.joined_round > 0
    size_attacker = result.attacker_side.sum(axis=1)
    size_target = result.target_side.sum(axis=1)
    p_target = (result.target_side & joiners).mean(axis=0)
    p_attacker = (result.attacker_side & joiners).mean(axis=0)
    per_state = [
        {"ccode": s, "name": context.names.name(s), "p_join_target": float(p_target[i]),
         "p_join_attacker": float(p_attacker[i])}
        for i, s in enumerate(states)
        if p_target[i] > 0 or p_attacker[i] > 0
    ]
    per_state.sort(key=lambda r: -(r["p_join_target"] + r["p_join_attacker"]))
    return {
        "draws": draws,
        "seed": seed,
        "reliability": reliability,
        "condition_probability": condition_probability,
        "reliability_source": RELIABILITY_SOURCE,
        "coalition_size": {
            "attacker": _distribution(size_attacker),
            "target": _distribution(size_target),
        },
        "states": per_state,
    }


def _distribution(sizes: np.ndarray) -> dict:
    values, counts = np.unique(sizes, return_counts=True)
    return {
        "mean": float(sizes.mean()),
        "p5": float(np.percentile(sizes, 5)),
        "p50": float(np.percentile(sizes, 50)),
        "p95": float(np.percentile(sizes, 95)),
        "histogram": {int(v): int(c) for v, c in zip(values, counts, strict=True)},
    }
