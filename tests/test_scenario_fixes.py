"""Engine fixes (issue 14.2): only binding obligations create conflicts; named threats are checked each round
against the whole other side; conditional obligations carry their odds."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.scenario import Scenario, ScenarioContext, run_scenario
from foedus.scenario.context import Link
from foedus.scenario.montecarlo import monte_carlo
from foedus.scenario.rules import Reliability

ON = dt.date(2000, 1, 1)


class Names:
    def name(self, code):
        return f"State {code}"

    def abbr(self, code):
        return f"S{code}"


def link(src, dst, obligations, flags=(), threats=()):
    return Link(from_ccode=src, to_ccode=dst, treaty_id=f"t:{src}-{dst}", treaty_name=None,
                obligations=frozenset(obligations), flags=frozenset(flags), status="in_force", coverage_end=None,
                source={"kind": "dataset", "dataset": "ATOP"}, threats=tuple(threats), specthrt=1 if threats else None,
                articles={})


# 1 attacks 2; 3 defends 2; 4 pledged offense to 1 against 3 only; 5 defends 2 but has a conditional
# (location) alliance with 1; 6 defends 2 and has an unconditional one with 1.
WORLD = [
    link(3, 2, {"defense"}),
    link(4, 1, {"offense"}, {"offcoadv"}, threats=(3,)),
    link(5, 2, {"defense"}), link(5, 1, {"defense"}, {"defcoloc"}),
    link(6, 2, {"defense"}), link(6, 1, {"defense"}),
]


@pytest.fixture(scope="module")
def world():
    return ScenarioContext.from_links(ON, WORLD, Names())


def by_code(result):
    return {s.ccode: s for s in [*result.states, *result.released]}


def test_named_threat_entering_in_a_later_round_binds_then(world):
    one = by_code(run_scenario(world, Scenario(on=ON, attackers=(1,), targets=(2,), rounds=1)))
    assert one[4].status == "released" and "names only State 3" in one[4].explanation
    two = by_code(run_scenario(world, Scenario(on=ON, attackers=(1,), targets=(2,), rounds=2)))
    assert (two[4].status, two[4].side, two[4].round, two[4].joins) == ("offense", "attacker", 2, True)
    assert [c.status for c in two[4].conditions] == ["satisfied"]
    mc = monte_carlo(world, Scenario(on=ON, attackers=(1,), targets=(2,), rounds=2), draws=50, reliability=1.0)
    assert {s.ccode for s in mc.states if s.p_join_attacker == 1.0} == {4}


def test_only_binding_ties_hold_a_state_back(world):
    states = by_code(run_scenario(world, Scenario(on=ON, attackers=(1,), targets=(2,))))
    assert states[5].status == "obliged" and states[5].joins and not states[5].conflicts
    assert states[6].status == "conflicted" and "bound to the other side" in states[6].conflicts[0]


def test_conditional_obligations_carry_their_odds(world):
    conditional = ScenarioContext.from_links(ON, [link(7, 2, {"defense"}, {"defcoloc"})], Names())
    scenario = Scenario(on=ON, attackers=(1,), targets=(2,))
    state = by_code(run_scenario(conditional, scenario))[7]
    assert state.status == "conditional" and state.probability == pytest.approx(0.375)  # 0.75 × 0.5
    state = by_code(run_scenario(conditional, scenario, Reliability({"defense": 0.6}, 0.25)))[7]
    assert state.probability == pytest.approx(0.15)
    obliged = by_code(run_scenario(world, scenario))[3]
    assert obliged.probability == pytest.approx(0.75)
    assert run_scenario(world, scenario).to_json()["states"][0]["probability"] == pytest.approx(0.75)


@pytest.mark.realdata
def test_france_1859_is_obliged_to_sardinia_not_conflicted(real_store):
    on = dt.date(1859, 4, 29)  # Austria attacks Sardinia (COW 325)
    result = run_scenario(ScenarioContext(real_store, on), Scenario(on=on, attackers=(300,), targets=(325,)))
    france = by_code(result)[220]
    assert (france.status, france.side, france.joins) == ("obliged", "target", True)
    assert france.path[0].treaty_id == "atop:1210" and not france.conflicts
    # the 1856 guarantee (ATOP 1195) ties France to Austria only under a location condition: conditional
    tie = [c for c in france.commitments if c["treaty_id"] == "atop:1195"]
    assert tie and all(c["verdict"] == "conditional" for c in tie)
    assert france.ccode in result.sides["target"].members
    britain = by_code(result)[200]
    assert britain.status == "conditional" and britain.probability == pytest.approx(0.375)


@pytest.mark.realdata
def test_italy_1866_offense_is_judged_against_the_whole_other_side(real_store):
    on = dt.date(1866, 6, 15)  # Prussia attacks Saxony; Austria (300) entered on 23 June
    context = ScenarioContext(real_store, on)
    alone = by_code(run_scenario(context, Scenario(on=on, attackers=(255,), targets=(269,))))[325]
    assert alone.status == "released" and "Austria" in alone.explanation
    both = by_code(run_scenario(context, Scenario(on=on, attackers=(255,), targets=(269, 300), rounds=2)))[325]
    threat = [c for c in both.conditions if c.name == "specific_adversary"]
    assert threat and threat[0].status == "satisfied"
    # the 1866 treaty (ATOP 1265) also needs demands met, which no scenario fact settles: conditional, with odds
    assert both.status == "conditional" and both.side == "attacker" and both.probability == pytest.approx(0.375)
