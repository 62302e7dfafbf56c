"""The scenario engine and Monte Carlo on the real data, and the CLI contract (backtest: test_validation_backtest)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.scenario import Scenario, ScenarioContext, run_scenario

STATUSES = {"obliged", "conditional", "consultation", "neutrality", "nonaggression", "offense", "conflicted"}


@pytest.fixture(scope="module")
def context_2010(real_store):
    return ScenarioContext(real_store, "2010-06-01")


def by_code(result):
    return {s["ccode"]: s for s in result["states"]}


def test_attack_on_dprk_in_2010_obliges_china(context_2010):
    result = run_scenario(context_2010, Scenario(on=dt.date(2010, 6, 1), attackers=(2,), targets=(731,)))
    states = by_code(result)
    assert states[710]["status"] == "obliged" and states[710]["side"] == "target"
    assert states[710]["path"][0]["treaty_id"] == "atop:3445"
    assert "PRK ← CHN: defense" in states[710]["explanation"] and "[ATOP 3445]" in states[710]["explanation"]
    assert states[365]["status"] == "consultation"  # the 2000 treaty: consultation only


def test_attack_on_japan_obliges_the_us_not_the_reverse(context_2010):
    on = dt.date(2010, 6, 1)
    states = by_code(run_scenario(context_2010, Scenario(on=on, attackers=(731,), targets=(740,), where=740)))
    assert states[2]["status"] == "obliged" and states[2]["path"][0]["treaty_id"] == "atop:3375"
    states = by_code(run_scenario(context_2010, Scenario(on=on, attackers=(731,), targets=(2,), where=2)))
    assert states.get(740, {}).get("status") != "obliged"


def test_capability_is_flagged_when_older_than_the_date(real_store):
    context = ScenarioContext(real_store, "2024-06-01")
    result = run_scenario(context, Scenario(on=dt.date(2024, 6, 1), attackers=(2,), targets=(731,)))
    capability = result["sides"]["attacker"]["capability"]
    assert capability["year"] <= 2022 and capability["stale"] is True and capability["cinc"] > 0.05


def test_cli_scenario_json_contract(real_db_file):
    result = CliRunner().invoke(app, ["scenario", "--attack", "USA", "--target", "PRK", "--on", "2010-06-01",
                                      "--rounds", "2", "--mode", "chain", "--json", "--db", real_db_file])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["states"]
    for state in payload["states"]:
        assert {"ccode", "side", "status", "round", "conditions", "path"} <= set(state)
        assert state["side"] in ("attacker", "target") and state["status"] in STATUSES
        for step in state["path"]:
            assert {"treaty_id", "article", "from_ccode", "to_ccode"} <= set(step)


def test_cli_scenario_table_and_monte_carlo(real_db_file):
    result = CliRunner().invoke(app, ["scenario", "--attack", "USA", "--target", "North Korea", "--on", "2010-06-01",
                                      "--reliability", "0.75", "--draws", "2000", "--db", real_db_file])
    assert result.exit_code == 0, result.output
    assert "China" in result.stdout and "Monte Carlo" in result.stdout and "CINC" in result.stdout


def test_cli_scenario_bad_input(real_db_file):
    bad_mode = CliRunner().invoke(app, ["scenario", "--attack", "USA", "--target", "PRK", "--mode", "domino",
                                        "--db", real_db_file])
    assert bad_mode.exit_code == 2 and "mode" in bad_mode.output
    unknown = CliRunner().invoke(app, ["scenario", "--attack", "Atlantis", "--target", "PRK", "--db", real_db_file])
    assert unknown.exit_code == 2 and "Unknown state" in unknown.output


@pytest.fixture(scope="module")
def context_2025(real_store):
    return ScenarioContext(real_store, "2025-01-01")


def test_attack_on_dprk_in_2025_obliges_china_and_russia(context_2025):
    result = run_scenario(context_2025, Scenario(on=dt.date(2025, 1, 1), attackers=(2,), targets=(731,)))
    states = by_code(result)
    china, russia = states[710], states[365]
    assert china["status"] == "obliged" and china["path"][0]["treaty_id"] == "atop:3445"
    assert china["path"][0]["article"] == "Art. II"
    assert russia["status"] == "obliged" and russia["path"][0]["treaty_id"] == "reg:russia-dprk-2024"
    assert russia["path"][0]["article"] == "Art. 4"
    assert russia["path"][0]["source"]["kind"] == "register"


def test_attack_on_russia_in_2025_obliges_dprk_china_only_consults(context_2025):
    states = by_code(run_scenario(context_2025, Scenario(on=dt.date(2025, 1, 1), attackers=(2,), targets=(365,))))
    assert states[731]["status"] == "obliged"
    assert states[710]["status"] == "consultation"
    assert any(c["treaty_id"] == "atop:4980" for c in states[710]["commitments"])


def test_armenia_freeze_is_shown_on_its_csto_obligation(context_2025):
    states = by_code(run_scenario(context_2025, Scenario(on=dt.date(2025, 1, 1), attackers=(2,), targets=(365,))))
    assert "frozen" in states[371]["explanation"].lower()


def test_cli_reliability_per_obligation_type(real_db_file):
    result = CliRunner().invoke(app, ["scenario", "--attack", "USA", "--target", "PRK", "--on", "2010-06-01",
                                      "--reliability", "defense=0.5,offense=0.9", "--draws", "4000", "--json",
                                      "--db", real_db_file])
    assert result.exit_code == 0, result.output
    mc = json.loads(result.stdout)["monte_carlo"]
    assert mc["reliability"] == {"defense": 0.5, "offense": 0.9}
    china = [s for s in mc["states"] if s["ccode"] == 710][0]
    assert abs(china["p_join_target"] - 0.5) < 0.05
    bad = CliRunner().invoke(app, ["scenario", "--attack", "USA", "--target", "PRK", "--reliability", "loyalty=1",
                                   "--db", real_db_file])
    assert bad.exit_code == 2 and "--reliability" in bad.output
