"""Property test: the per-scenario engine and the vectorised cascade apply the same escalation rules.

Random small worlds (a few states, random directed commitments with random obligation types, condition
flags and named threats, random attackers, targets and facts), built in memory without any store.
For every mode and 1-5 rounds, with every binding obligation honoured (reliability 1, conditional ones
never), the engine (`run_scenario`) and the cascade (`montecarlo.cascade`, as the Monte Carlo and the
sweep run it) must give the same joiners on the same sides.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.scenario import Scenario, ScenarioContext, run_scenario
from foedus.scenario.context import Link
from foedus.scenario.montecarlo import cascade, monte_carlo
from foedus.scenario.rules import MODES, Reliability
from foedus.store.schema import CONDITION_FLAGS

ON = dt.date(2000, 1, 1)
KINDS = ("defense", "offense", "consultation", "neutrality", "nonaggression")
FLAGS = sorted(CONDITION_FLAGS)
EXAMPLES = 200
PROFILE = settings(derandomize=True, max_examples=EXAMPLES, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Names:
    def name(self, code: int) -> str:
        return f"State {code}"

    def abbr(self, code: int) -> str:
        return f"S{code}"


@st.composite
def worlds(draw):
    n = draw(st.integers(3, 8))
    states = list(range(1, n + 1))
    links = []
    pairs = [(a, b) for a in states for b in states if a != b]
    for src, dst in draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3 * n)):
        obligations = draw(st.sets(st.sampled_from(KINDS), min_size=1, max_size=3))
        if draw(st.booleans()):
            obligations.add(draw(st.sampled_from(("defense", "offense"))))
        flags = draw(st.one_of(st.just(set()), st.sets(st.sampled_from(FLAGS), max_size=2)))
        threats = tuple(draw(st.lists(st.sampled_from(states), max_size=2, unique=True)))
        links.append(Link(
            from_ccode=src, to_ccode=dst, treaty_id=f"t:{len(links)}", treaty_name=None,
            obligations=frozenset(obligations), flags=frozenset(flags),
            status=draw(st.sampled_from(["in_force", "in_force", "in_force", "unknown_after_coverage"])),
            coverage_end=None, source={"kind": "dataset", "dataset": "ATOP"}, threats=threats,
            specthrt=1 if threats else None, articles={},
        ))
    parties = draw(st.permutations(states))
    attackers = tuple(parties[:draw(st.integers(1, 2))])
    targets = tuple(parties[len(attackers):len(attackers) + draw(st.integers(1, 2))])
    facts = {
        "where": draw(st.one_of(st.none(), st.sampled_from(states), st.just("region"))),
        "provoked": draw(st.sampled_from([None, True, False])),
        "requested": draw(st.sampled_from([None, True, False])),
        "assume_in_force": draw(st.booleans()),
    }
    return ScenarioContext.from_links(ON, links, Names()), attackers, targets, facts


def engine_joiners(context, scenario) -> dict[int, str]:
    result = run_scenario(context, scenario)
    joiners = result.joiners()
    members = {s: side for side, info in result.sides.items() for s in info.members}
    assert joiners == {s: side for s, side in members.items() if s not in scenario.parties}
    return joiners


def cascade_joiners(context, scenario) -> dict[int, str]:
    states, result = cascade(context, scenario, Reliability.certain())
    out = {}
    for i, state in enumerate(states):
        if result.joined_round[0, i] > 0:
            out[state] = "target" if result.target_side[0, i] else "attacker"
        assert not (result.target_side[0, i] and result.attacker_side[0, i])
    return out


@PROFILE
@given(worlds())
def test_engine_and_cascade_give_the_same_joiners(world):
    context, attackers, targets, facts = world
    for mode in MODES:
        for rounds in range(1, 6):
            scenario = Scenario(on=ON, attackers=attackers, targets=targets, rounds=rounds, mode=mode, **facts)
            assert engine_joiners(context, scenario) == cascade_joiners(context, scenario), (mode, rounds)


@PROFILE
@given(worlds())
def test_monte_carlo_with_reliability_one_draws_the_engine_every_time(world):
    context, attackers, targets, facts = world
    for mode in MODES:
        scenario = Scenario(on=ON, attackers=attackers, targets=targets, rounds=5, mode=mode, **facts)
        expected = engine_joiners(context, scenario)
        mc = monte_carlo(context, scenario, draws=20, reliability=1.0, condition_probability=0.0, seed=1)
        got = {s.ccode: "target" if s.p_join_target else "attacker" for s in mc.states}
        assert got == expected
        assert all(max(s.p_join_target, s.p_join_attacker) == 1.0 for s in mc.states)
        assert np.isclose(mc.coalition_size["target"].mean, len(targets) + sum(
            1 for side in expected.values() if side == "target"))
