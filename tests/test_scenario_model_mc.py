"""The Monte Carlo with the joining model's probabilities (reliability 'model')."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus.errors import BadInputError
from foedus.scenario.context import ScenarioContext
from foedus.scenario.model import Scenario
from foedus.scenario.montecarlo import is_model, monte_carlo
from foedus.validation.joining import load_model

pytestmark = pytest.mark.realdata

ON = dt.date(1990, 8, 2)


@pytest.fixture(scope="module")
def runs(real_store):
    context = ScenarioContext(real_store, ON)
    scenario = Scenario(on=ON, attackers=(645,), targets=(690,), assume_in_force=True)  # Iraq attacks Kuwait
    first = monte_carlo(context, scenario, draws=3000, reliability="model", seed=7, con=real_store)
    again = monte_carlo(context, scenario, draws=3000, reliability="Model", seed=7, con=real_store)
    other = monte_carlo(context, scenario, draws=3000, reliability="model", seed=8, con=real_store)
    return first, again, other


def test_probabilities_are_probabilities(runs, real_store):
    result, _, _ = runs
    assert len(result.states) > 100  # every COW member but the parties, not only treaty partners
    codes = {s.ccode for s in result.states}
    assert not codes & {645, 690}
    for s in result.states:
        assert 0.0 <= s.p_join_attacker <= 1.0 and 0.0 <= s.p_join_target <= 1.0
        assert s.p_join_attacker + s.p_join_target <= 1.0 + 1e-12
    totals = [s.p_join_attacker + s.p_join_target for s in result.states]
    assert totals == sorted(totals, reverse=True)
    assert result.reliability == {} and "joining model" in result.reliability_source


def test_draws_follow_the_probabilities_and_the_seed(runs):
    first, again, other = runs
    assert first.coalition_size == again.coalition_size  # same seed, same draws
    assert first.states == again.states
    expected = 1 + sum(s.p_join_target for s in first.states)  # Kuwait plus the expected target-side joiners
    assert first.coalition_size["target"].mean == pytest.approx(expected, abs=0.1)
    assert first.coalition_size["target"].p5 >= 1 and first.coalition_size["attacker"].p5 >= 1
    assert sum(first.coalition_size["target"].histogram.values()) == 3000
    assert first.coalition_size != other.coalition_size or first.coalition_size["target"].p95 == 1


def test_model_versions_reported(runs):
    result, _, _ = runs
    model = load_model()
    assert result.model["data_versions"] == model.data_versions and "ATOP" in result.model["data_versions"]
    assert result.model["rows"] == model.rows and result.model["file"] == "joining_model.json"
    assert result.to_json()["model"]["kind"] == model.kind


def test_model_needs_the_store(real_store):
    assert is_model("model") and is_model(" MODEL ") and not is_model(0.75) and not is_model("0.75")
    context = ScenarioContext(real_store, ON)
    with pytest.raises(BadInputError) as err:
        monte_carlo(context, Scenario(on=ON, attackers=(645,), targets=(690,)), draws=10, reliability="model")
    assert err.value.parameter == "reliability"


def test_cli_and_api_accept_reliability_model(real_db_file):
    import json

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from foedus.api import create_app
    from foedus.cli import app

    args = ["scenario", "--attack", "Iraq", "--target", "Kuwait", "--on", "1990-08-02", "--reliability", "model",
            "--draws", "500", "--seed", "3", "--json", "--db", real_db_file]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    mc = json.loads(out.stdout)["monte_carlo"]
    assert mc["model"]["data_versions"]["ATOP"] and mc["draws"] == 500
    assert all(s["p_join_target"] + s["p_join_attacker"] <= 1 for s in mc["states"])
    body = {"attackers": ["Iraq"], "targets": ["Kuwait"], "on": "1990-08-02", "reliability": "model", "draws": 500,
            "seed": 3}
    with TestClient(create_app(real_db_file, token="")) as client:
        answer = client.post("/api/scenario", json=body)
        assert answer.status_code == 200, answer.text
        api_mc = answer.json()["monte_carlo"]
        assert api_mc["coalition_size"] == mc["coalition_size"]  # same seed, same draws as the CLI
        bad = client.post("/api/scenario", json=body | {"reliability": "modle"})
        assert bad.status_code == 422 and "reliability" in bad.text
