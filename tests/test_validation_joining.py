"""The joining model: features, evaluation on a few wars, JSON round trip, predictions for a scenario."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from foedus.errors import BadInputError
from foedus.scenario import Scenario, ScenarioContext
from foedus.validation import joining

# Italian unification 1859, Seven Weeks, Franco-Prussian, Russo-Turkish 1877, the world wars, Korea, Vietnam-
# Cambodia, Aouzou Strip (ids of the revised file)
WARS = {10, 19, 20, 22, 38, 53, 56, 74, 80}


@pytest.fixture(scope="module")
def dataset(real_store):
    return joining.build_dataset(real_store, war_ids=WARS)


def test_dataset_rows_and_labels(dataset):
    frame = dataset.frame
    assert set(frame.war_id) <= WARS and len(set(frame.war_id)) >= 6
    assert set(frame.side) == {"attacker", "target"}
    assert frame.joined.sum() > 10
    # every candidate appears once per side
    assert (frame.groupby(["war_id", "ccode"]).size() == 2).all()
    # no state joins both sides
    assert (frame.groupby(["war_id", "ccode"]).joined.sum() <= 1).all()
    assert not frame[list(joining.FEATURES)].isna().any().any()
    assert dataset.versions.get("COW contiguity")


def test_evaluate_and_roundtrip(dataset, tmp_path):
    result = joining.evaluate(dataset, bootstrap=20, seed=3)
    lowo = result.scheme("leave one war out")
    names = [m.predictor for m in lowo.metrics]
    assert names == ["model", "model, no offset (scikit-learn)", "base rate", "base rate x 1/N", "naive rule",
                     "engine rule"]
    base = next(m for m in lowo.metrics if m.predictor == "base rate")
    assert base.auc == 0.5
    for m in lowo.metrics:
        assert 0 <= m.brier <= 1 and m.brier_ci[0] <= m.brier_ci[1]
    model = joining.fit(dataset)
    path = joining.save_model(model, tmp_path / "m.json")
    loaded = joining.load_model(path)
    np.testing.assert_allclose(loaded.predict(dataset.frame), model.predict(dataset.frame))
    assert json.loads(path.read_text())["features"] == list(joining.MODEL_FEATURES)
    plot = tmp_path / "cal.png"
    joining.calibration_plot(result, plot)
    assert plot.stat().st_size > 1000


def test_bad_model_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{\"features\": 1}")
    with pytest.raises(BadInputError) as info:
        joining.load_model(path)
    assert info.value.parameter == "--model"
    with pytest.raises(BadInputError):
        joining.load_model(tmp_path / "missing.json")


def test_predict_join_probabilities(real_store, dataset):
    model = joining.fit(dataset)
    on = dt.date(1914, 8, 1)
    context = ScenarioContext(real_store, on)
    probs = joining.predict_join_probabilities(context, Scenario(on=on, attackers=(255,), targets=(365,)),
                                               con=real_store, model=model)
    assert 255 not in probs and 365 not in probs
    assert set(probs[220]) == {"attacker", "target"}
    # France (allied to Russia) is likelier to join Russia's side than Germany's; Austria the reverse
    assert probs[220]["target"] > probs[220]["attacker"]
    assert probs[300]["attacker"] > probs[300]["target"]
    assert all(0 < p < 1 for v in probs.values() for p in v.values())


def test_cli_explain_packaged_model(tmp_path):
    from typer.testing import CliRunner

    from foedus.cli import app

    out = CliRunner().invoke(app, ["model", "explain", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert payload["features"] == list(joining.MODEL_FEATURES) and payload["offset"] == joining.OFFSET
    assert len(payload["coefficients"]) == len(payload["features"])
    assert "ATOP" in payload["data_versions"] and payload["rows"] > 10000
    bad = CliRunner().invoke(app, ["model", "explain", "--model", str(tmp_path / "none.json")])
    assert bad.exit_code == 2 and "--model" in bad.output
