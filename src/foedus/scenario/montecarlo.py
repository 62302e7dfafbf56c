"""Probabilistic mode: each obligation is honoured with a probability; many draws, vectorised.

Default reliability 0.75 for every obligation type, after Leeds, Long and Mitchell (2000),
"Reevaluating Alliance Reliability: Specific Threats, Specific Promises", Journal of Conflict
Resolution 44(5): 686-699, who found alliance commitments honoured about 75% of the time.
An obligation whose conditions the scenario leaves unsettled is honoured with probability
reliability × `condition_probability` (default 0.5); one whose condition fails, never (see
`foedus.scenario.rules.Reliability`). Named threats are checked each round against the other side.

With reliability 'model' (`model_monte_carlo`), each COW member's probabilities of joining the attacker's and
the target's side come from the fitted joining model (`foedus.validation.joining.predict_join_probabilities`),
and each draw gives every state one of three outcomes — attacker side, target side, neither — with those
probabilities (no cascade: the model already weighs the ties toward each side). The model's own data versions
are reported with the result.
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
MODEL = "model"
CHUNK = 8192  # draws per block of the model Monte Carlo (memory bound; fixed, so a seed gives the same draws)
__all__ = ["DEFAULT_RELIABILITY", "MODEL", "RELIABILITY_SOURCE", "cascade", "is_model", "model_monte_carlo",
           "monte_carlo", "reachable_states"]


def is_model(reliability) -> bool:
    """Whether a reliability setting asks for the joining model ('model', any case)."""
    return isinstance(reliability, str) and reliability.strip().lower() == MODEL


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
    con=None,
) -> MonteCarloResult:
    """Distribution of coalition sizes and each state's probability of joining each side.

    `reliability` 'model': the joining model's probabilities (`model_monte_carlo`; needs the store, `con`)."""
    if is_model(reliability):
        return model_monte_carlo(context, scenario, draws=draws, seed=seed, con=con)
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


def model_monte_carlo(context: ScenarioContext, scenario: Scenario, draws: int = 10_000, seed: int = 0, con=None,
                      model=None) -> MonteCarloResult:
    """The Monte Carlo with the joining model's probabilities: each draw gives every state the attacker side
    with probability p_attacker, the target side with p_target, neither otherwise.

    The model scores each side separately (two logistic rows per state); where the two sum above 1 they are
    scaled to sum to 1 (reported in the notes; it does not happen at the model's small probabilities).
    `states` holds the probabilities the draws use; `coalition_size` counts the parties and the drawn joiners.
    """
    from foedus.validation.joining import MODEL_FILE, FeatureData, load_model, predict_join_probabilities

    if con is None:
        raise BadInputError("reliability", "the joining model needs the store for its features",
                            fix="pass con= (the connection the context was built from)")
    model = model or load_model()
    data = FeatureData(con)
    probabilities = predict_join_probabilities(context, scenario, con=con, model=model, data=data)
    features_on = data.feature_day(context.on)
    states = sorted(probabilities)
    p_attacker = np.array([probabilities[s].get("attacker", 0.0) for s in states], dtype=float)
    p_target = np.array([probabilities[s].get("target", 0.0) for s in states], dtype=float)
    total = p_attacker + p_target
    scaled = total > 1.0
    if scaled.any():
        p_attacker[scaled] /= total[scaled]
        p_target[scaled] /= total[scaled]
    rng = np.random.default_rng(seed)
    sizes = {"attacker": [], "target": []}
    for start in range(0, draws, CHUNK):
        u = rng.random((min(CHUNK, draws - start), len(states)))
        to_attacker = u < p_attacker
        to_target = ~to_attacker & (u < p_attacker + p_target)
        sizes["attacker"].append(to_attacker.sum(axis=1) + len(scenario.attackers))
        sizes["target"].append(to_target.sum(axis=1) + len(scenario.targets))
    per_state = [
        JoinProbability(ccode=s, name=context.names.name(s), p_join_target=float(p_target[i]),
                        p_join_attacker=float(p_attacker[i]))
        for i, s in enumerate(states) if p_target[i] > 0 or p_attacker[i] > 0
    ]
    per_state.sort(key=lambda r: (-(r.p_join_target + r.p_join_attacker), r.ccode))
    notes = [f"{int(scaled.sum())} states' two probabilities summed above 1 and were scaled to 1"] if scaled.any() \
        else []
    if features_on != context.on:
        notes.append(f"features read on {features_on.isoformat()}, the COW state list's last day: system members, "
                     "borders and capitals carried forward to the scenario date")
    info = {"kind": model.kind, "file": MODEL_FILE.name, "rows": model.rows, "positives": model.positives,
            "wars": model.wars, "c": model.c, "data_versions": dict(model.data_versions),
            "features_on": features_on.isoformat(), "notes": notes}
    return MonteCarloResult(
        draws=draws, seed=seed, reliability={}, condition_probability=0.0,
        reliability_source=f"joining model (foedus.validation.joining, {MODEL_FILE.name}): {model.kind}, fitted on "
        f"{model.rows} rows ({model.positives} joins) from {model.wars} wars",
        coalition_size={side: _distribution(np.concatenate(chunks)) for side, chunks in sizes.items()},
        states=per_state, model=info,
    )
