"""The casus foederis engine on a hand-made alliance system (ATOP-layout fixture files)."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.ingest.discover import import_directory
from foedus.scenario import Scenario, ScenarioContext, run_scenario
from foedus.scenario.montecarlo import monte_carlo
from foedus.scenario.sweep import sweep, sweep_result
from foedus.store import connect
from tests.fixture_files import alliance_rows, member_rows

CODES = [2, 20, 200, 220, 230, 365, 500, 600, 650, 660, 710, 731, 740, 900, 920]
US, PRK, CHN = 2, 731, 710
ON = dt.date(2010, 1, 1)

# atopid: (members, member-row fields shared by both members, alliance fields)
TREATIES = {
    1001: ((CHN, PRK), {"defense": 1}, {}),
    1002: ((365, PRK), {"defense": 1, "defcon": 1, "defconpr": 1, "conditio": 1}, {}),
    1003: ((20, PRK), {"defense": 1, "defcon": 1, "defcoadv": 1, "conditio": 1}, {"statthr1": US, "specthrt": 1}),
    1004: ((200, PRK), {"defense": 1, "defcon": 1, "defcoadv": 1, "conditio": 1}, {"statthr1": 740, "specthrt": 1}),
    1005: ((220, PRK), {"defense": 1, "defcon": 1, "defcoloc": 1, "conditio": 1}, {}),
    1006: ((230, US), {"offense": 1}, {}),
    1007: ((740, PRK), {"consul": 1, "concon": 1, "concoreq": 1, "conditio": 1}, {}),
    1008: ((900, US), {"neutral": 1}, {}),
    1009: ((920, PRK), {"nonagg": 1}, {}),
    1010: ((500, PRK), {"defense": 1}, {}),
    1011: ((500, US), {"defense": 1}, {}),
    1012: ((600, CHN), {"defense": 1}, {}),
    1013: ((650, US), {"defense": 1}, {}),
    1014: ((660, US), {"defense": 1}, {}),
    1015: ((660, PRK), {"nonagg": 1}, {}),
}


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scenario")
    states = ["stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version"]
    states += [f"S{c},{c},State {c},1950,1,1,2016,12,31,2016" for c in CODES]
    (directory / "states2016.csv").write_text("\n".join(states) + "\n")
    members, alliances = [], []
    for atopid, (pair, fields, alliance) in TREATIES.items():
        for member in pair:
            members.append({"atopid": atopid, "member": member, "yrent": 2000, "moent": 1, "dayent": 1, **fields})
        alliances.append({"atopid": atopid, "begyr": 2000, "begmo": 1, "begday": 1, "bilat": 1,
                          "mem1": min(pair), "mem2": max(pair), **fields, **alliance})
    (directory / "atop4_01m.csv").write_text(member_rows(members))
    (directory / "atop4_01a.csv").write_text(alliance_rows(alliances))
    con = connect(":memory:")
    import_directory(con, directory, register=False)
    context = ScenarioContext(con, ON)
    context.con = con
    return context


def run(context, **kwargs):
    scenario = Scenario(on=ON, attackers=kwargs.pop("attackers", (US,)), targets=kwargs.pop("targets", (PRK,)),
                        **kwargs)
    result = run_scenario(context, scenario)
    return {s["ccode"]: s for s in result["states"]}, result


def test_unconditional_defense_obliges_with_path(context):
    states, _ = run(context)
    china = states[CHN]
    assert (china["status"], china["side"], china["round"], china["joins"]) == ("obliged", "target", 1, True)
    assert [step["treaty_id"] for step in china["path"]] == ["atop:1001"]
    assert china["explanation"].startswith("S731 ← S710: defense") and "unconditional" in china["explanation"]


def test_non_provocation_condition(context):
    assert run(context)[0][365]["status"] == "conditional"
    unsettled = [c for c in run(context)[0][365]["conditions"] if c["name"] == "non_provocation"]
    assert unsettled[0]["status"] == "unsettled"
    assert run(context, provoked=False)[0][365]["status"] == "obliged"
    states, result = run(context, provoked=True)
    assert 365 not in states
    assert any(r["ccode"] == 365 for r in result["released"])


def test_specific_adversary_from_threat_identities(context):
    states, result = run(context)
    assert states[20]["status"] == "obliged"  # the treaty names the US as the threat
    assert 200 not in states  # names Japan only: released
    released = {r["ccode"]: r for r in result["released"]}
    assert "Japan" in released[200]["explanation"] or "740" in released[200]["explanation"] or \
        "State 740" in released[200]["explanation"]
    states, _ = run(context, attackers=(740,), targets=(PRK,))
    assert states[200]["status"] == "obliged" and 20 not in states


def test_location_condition(context):
    assert run(context)[0][220]["status"] == "conditional"
    assert run(context, where=PRK)[0][220]["status"] == "obliged"
    assert run(context, where=CHN)[0][220]["status"] == "conditional"


def test_offense_neutrality_nonaggression_consultation(context):
    states, _ = run(context)
    assert (states[230]["status"], states[230]["side"], states[230]["joins"]) == ("offense", "attacker", True)
    assert states[900]["status"] == "neutrality" and states[900]["side"] == "attacker"
    assert states[920]["status"] == "nonaggression"
    assert states[740]["status"] == "consultation"
    request = [c for c in states[740]["conditions"] if c["name"] == "ally_request"][0]
    assert request["status"] == "unsettled"
    assert [c for c in run(context, requested=True)[0][740]["conditions"]][0]["status"] == "satisfied"


def test_allied_with_both_sides_is_conflicted(context):
    states, result = run(context)
    assert states[500]["status"] == "conflicted"
    assert "bound to the other side" in states[500]["conflicts"][0]
    assert 500 not in result["sides"]["target"]["members"]


def test_legal_mode_does_not_cascade_through_defenders(context):
    states, _ = run(context, rounds=3, mode="legal")
    assert 650 not in states and 600 not in states  # neither the US nor China is attacked by a new belligerent


def test_chain_mode_cascades_with_paths(context):
    states, _ = run(context, rounds=3, mode="chain")
    assert states[650]["status"] == "obliged" and states[650]["side"] == "attacker" and states[650]["round"] == 2
    assert states[600]["side"] == "target" and states[600]["round"] >= 2
    assert [s["treaty_id"] for s in states[600]["path"]] == ["atop:1001", "atop:1012"]
    # 660 must defend the US but pledged non-aggression toward North Korea, which it would have to fight
    assert states[660]["status"] == "conflicted" and "non-aggression" in states[660]["conflicts"][0]


def test_rounds_limit_escalation(context):
    one, _ = run(context, rounds=1, mode="chain")
    assert 650 not in one


def test_capabilities_reported_per_side(context):
    _, result = run(context)
    assert set(result["sides"]) == {"attacker", "target"}
    assert US in result["sides"]["attacker"]["members"] and CHN in result["sides"]["target"]["members"]


def test_monte_carlo_reproducible_and_bounded(context):
    scenario = Scenario(on=ON, attackers=(US,), targets=(PRK,), rounds=3, mode="chain")
    first = monte_carlo(context, scenario, draws=5000, seed=7)
    assert first == monte_carlo(context, scenario, draws=5000, seed=7)
    assert first != monte_carlo(context, scenario, draws=5000, seed=8)
    total = len(CODES)
    for side in ("attacker", "target"):
        dist = first["coalition_size"][side]
        assert 1 <= dist["p5"] <= dist["mean"] <= dist["p95"] <= total
    china = [s for s in first["states"] if s["ccode"] == CHN][0]
    assert abs(china["p_join_target"] - 0.75) < 0.03  # unconditional, honoured 75% of the time


def test_monte_carlo_with_certain_reliability_matches_deterministic(context):
    scenario = Scenario(on=ON, attackers=(US,), targets=(PRK,), rounds=1, mode="legal")
    mc = monte_carlo(context, scenario, draws=200, reliability=1.0, condition_probability=0.0)
    joined = {s["ccode"] for s in mc["states"] if max(s["p_join_target"], s["p_join_attacker"]) == 1.0}
    states, _ = run(context)
    expected = {c for c, s in states.items() if s["joins"] and s["status"] != "conflicted"}
    assert joined == expected


def test_bad_scenarios_are_rejected():
    with pytest.raises(ValueError, match="mode"):
        Scenario(on=ON, attackers=(US,), targets=(PRK,), mode="domino")
    with pytest.raises(ValueError, match="both attacker and target"):
        Scenario(on=ON, attackers=(US,), targets=(US,))


def test_sweep_counts_binding_defenders(context):
    frame = sweep(context.con, ON, context=context).set_index(["attacker", "target"])
    n = len(CODES)
    assert len(frame) == n * (n - 1)
    us_prk = frame.loc[(US, PRK)]
    # China, and 20 (whose treaty names the US as the threat); 500 is allied with the US too; the rest conditional
    assert us_prk.joiners_target_side == 2
    assert us_prk.joiners_attacker_side == 1  # 230's offensive pledge
    # China, 200 (its treaty names 740) and 500 (its tie to the US does not hold it back: the US is not fighting)
    assert frame.loc[(740, PRK)].joiners_target_side == 3
    assert frame.loc[(PRK, CHN)].joiners_target_side == 1  # 600 defends China


def test_sweep_result_orders_and_breaks_ties(context):
    result = sweep_result(context.con, ON, context=context)
    payload = result.to_json()
    assert (payload["on"], payload["mode"], payload["rounds"]) == (ON.isoformat(), "legal", 1)
    keys = [(-p["joiners_target_side"], p["joiners_attacker_side"], p["attacker"], p["target"])
            for p in payload["pairs"]]
    assert keys == sorted(keys) and len(keys) == len(CODES) * (len(CODES) - 1)
    assert result.ties_at_top() == sum(1 for k in keys if k[0] == keys[0][0])
