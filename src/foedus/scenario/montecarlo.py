"""Probabilistic mode: each obligation is honoured with a probability; many draws, vectorised.

Default reliability 0.75 for every obligation type, after Leeds, Long and Mitchell (2000),
"Reevaluating Alliance Reliability: Specific Threats, Specific Promises", Journal of Conflict
Resolution 44(5): 686-699, who found alliance commitments honoured about 75% of the time.
An obligation whose conditions the scenario leaves unsettled is honoured with probability
reliability × `condition_probability` (default 0.5); one whose condition fails, never (see
`foedus.scenario.rules.Reliability`). Named threats are checked each round against the other side.
"""

from __future__ import annotations

import numpy as np

from foedus.errors import BadInputError
from foedus.scenario.cascade import CascadeInput, CascadeResult, build_matrices, run_cascade
from foedus.scenario.context import ScenarioContext
from foedus.scenario.model import Scenario
from foedus.scenario.result import Distribution, JoinProbability, MonteCarloResult
from foedus.scenario.rules import ALLIANCE, RELIABILITY_SOURCE, Reliability

DEFAULT_RELIABILITY = dict(Reliability().by_type)
__all__ = ["DEFAULT_RELIABILITY", "RELIABILITY_SOURCE", "cascade", "monte_carlo", "reachable_states"]


def reachable_states(context: ScenarioContext, scenario: Scenario) -> list[int]:
    """States within `rounds` hops of the parties through defense or offense links."""
    seen = set(scenario.attackers) | set(scenario.targets)
    frontier = set(seen)
    for _ in range(scenario.rounds):
        nxt = set()
        for state in frontier:
            for link in context.links_toward(state, scenario.assume_in_force):
                if link.obligations & set(ALLIANCE) and link.from_ccode not in seen:
                    nxt.add(link.from_ccode)
        seen |= nxt
        frontier = nxt
    return sorted(seen)


def as_reliability(reliability: float | dict | Reliability | None, condition_probability: float = 0.5
                   ) -> Reliability:
    """A Reliability from a probability, a per-type table or None (the default), each in [0, 1]."""
    if isinstance(reliability, Reliability):
        return reliability
    if isinstance(reliability, (int, float)):
        reliability = {"defense": float(reliability), "offense": float(reliability)}
    table = {**DEFAULT_RELIABILITY, **(reliability or {})}
    for kind, p in table.items():
        if not 0 <= p <= 1:
            raise BadInputError("reliability", f"the probability for {kind} must be between 0 and 1, not {p}")
    if not 0 <= condition_probability <= 1:
        raise BadInputError("condition_probability", f"must be between 0 and 1, not {condition_probability}")
    return Reliability(table, condition_probability)


def cascade(context: ScenarioContext, scenario: Scenario, reliability: Reliability, draws: int = 1,
            rng: np.random.Generator | None = None) -> tuple[list[int], CascadeResult]:
    """The vectorised cascade for one scenario: `draws` rows (deterministic when `rng` is None)."""
    states = reachable_states(context, scenario)
    matrices = build_matrices(context, states, scenario.facts, reliability, scenario.assume_in_force)
    index = {s: i for i, s in enumerate(states)}
    attackers = np.zeros((draws, len(states)), dtype=bool)
    targets = np.zeros_like(attackers)
    attackers[:, [index[a] for a in scenario.attackers]] = True
    targets[:, [index[t] for t in scenario.targets]] = True
    result = run_cascade(CascadeInput(attackers=attackers, targets=targets, **matrices), scenario.rounds,
                         scenario.mode, rng)
    return states, result


def monte_carlo(
    context: ScenarioContext,
    scenario: Scenario,
    draws: int = 10_000,
    reliability: float | dict | Reliability | None = None,
    condition_probability: float = 0.5,
    seed: int = 0,
) -> MonteCarloResult:
    """Distribution of coalition sizes and each state's probability of joining each side."""
    rule = as_reliability(reliability, condition_probability)
    states, result = cascade(context, scenario, rule, draws, np.random.default_rng(seed))
    joiners = result.joined_round > 0
    p_target = (result.target_side & joiners).mean(axis=0)
    p_attacker = (result.attacker_side & joiners).mean(axis=0)
    per_state = [
        JoinProbability(ccode=s, name=context.names.name(s), p_join_target=float(p_target[i]),
                        p_join_attacker=float(p_attacker[i]))
        for i, s in enumerate(states)
        if p_target[i] > 0 or p_attacker[i] > 0
    ]
    per_state.sort(key=lambda r: -(r.p_join_target + r.p_join_attacker))
    return MonteCarloResult(
        draws=draws, seed=seed, reliability=rule.by_type, condition_probability=rule.condition_probability,
        reliability_source=rule.source,
        coalition_size={"attacker": _distribution(result.attacker_side.sum(axis=1)),
                        "target": _distribution(result.target_side.sum(axis=1))},
        states=per_state,
    )


def _distribution(sizes: np.ndarray) -> Distribution:
    values, counts = np.unique(sizes, return_counts=True)
    return Distribution(
        mean=float(sizes.mean()), p5=float(np.percentile(sizes, 5)), p50=float(np.percentile(sizes, 50)),
        p95=float(np.percentile(sizes, 95)),
        histogram={int(v): int(c) for v, c in zip(values, counts, strict=True)},
    )
