"""Forecast ledger: rules, validation, scores, the exchange format, resolution from the record, and the
ledger surviving `foedus data import` (which rebuilds the database file)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.errors import BadInputError
from foedus.forecast.ledger import (
    FORMAT,
    Forecast,
    Ledger,
    decide,
    from_exchange,
    ledger_path,
    make,
    parse_rule,
    score,
    to_exchange,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()


def test_rules_parse():
    assert parse_rule("triad RUS,CHN,PRK closed by 2025-06-19") == ("triad", {"states": "RUS,CHN,PRK",
                                                                              "by": "2025-06-19"})
    kind, parts = parse_rule("PRK member of CSTO by 2026-12-01")
    assert (kind, parts["state"], parts["org"]) == ("member", "PRK", "CSTO")
    kind, parts = parse_rule("invocation of reg:russia-dprk-2024 Art. 4 by 2025-12-31")
    assert (kind, parts["treaty"], parts["article"]) == ("invocation", "reg:russia-dprk-2024", "4")
    with pytest.raises(BadInputError) as err:
        parse_rule("the DPRK joins something eventually")
    assert err.value.parameter == "--rule"


def test_make_validates():
    with pytest.raises(BadInputError):
        make("x", "a", "2025-01-01", "2024-01-01", "PRK member of CSTO by 2024-01-01")  # deadline before made
    with pytest.raises(BadInputError):
        make("x", "a", "2025-01-01", "2026-01-01", "PRK member of CSTO by 2026-01-01", probability="1.5")
    f = make("x", "a", "2025-01-01", "2026-01-01", "PRK member of CSTO by 2026-01-01", probability="70%")
    assert f.probability == pytest.approx(0.7) and len(f.id) == 8


def _resolved(p, outcome, author="A"):
    f = make(f"q{p}{outcome}{author}", author, "2024-01-01", "2025-01-01", "PRK member of CSTO by 2025-01-01", p)
    f.resolution = outcome
    return f


def test_scores_by_hand():
    ledger = [_resolved(0.8, "yes"), _resolved(0.3, "no"), _resolved(None, "no", "B"),
              make("open", "B", "2024-01-01", "2030-01-01", "PRK member of CSTO by 2030-01-01", 0.5)]
    result = score(ledger)
    a, b = result["authors"]
    assert a["brier"] == pytest.approx(((0.8 - 1) ** 2 + 0.3 ** 2) / 2, abs=1e-4)
    assert a["log"] == pytest.approx((math.log(0.8) + math.log(0.7)) / 2, abs=1e-4)
    # a plain "will happen" that failed: scored as p=1, Brier 1, log clipped to ln(1e-6)
    assert (b["brier"], b["plain_will_happen"], b["open"]) == (1.0, 1, 1)
    assert b["log"] == pytest.approx(math.log(1e-6), abs=1e-3)
    assert (result["resolved"], result["open"]) == (3, 1)
    top = result["calibration"][-1]
    assert (top["n"], top["observed"]) == (1, 0.0)
    assert any("probability 1" in note for note in result["notes"])


def test_exchange_round_trip_and_errors(tmp_path):
    payload = json.loads((EXAMPLES / "forecasts.json").read_text(encoding="utf-8"))
    rows = [Forecast(**r) for r in from_exchange(payload)]
    assert len(rows) == 4 and rows[0].probability is None
    again = to_exchange(rows)
    assert again["format"] == FORMAT and from_exchange(again) == [r.to_json() for r in rows]
    ledger = Ledger(tmp_path / "l.json")
    ledger.save(rows)
    assert [f.id for f in ledger.load()] == [f.id for f in rows]
    with pytest.raises(BadInputError):
        from_exchange({"forecasts": [{"question": "q", "surprise": 1}]})
    with pytest.raises(BadInputError):
        from_exchange([1, 2])


def test_ledger_sits_beside_the_database(tmp_path):
    assert ledger_path(str(tmp_path / "f.duckdb")) == tmp_path / "f.duckdb.forecasts.json"
    with pytest.raises(BadInputError):
        ledger_path(":memory:")


def test_resolution_of_the_three_rules(real_store):
    day = dt.date(2026, 6, 1)
    outcome, evidence, _ = decide(real_store, "triad RUS,CHN,PRK closed by 2025-06-19", "2024-06-20", day)
    assert outcome == "no" and "RUS and CHN" in evidence[0]["answer"]
    outcome, _, why = decide(real_store, "PRK member of CSTO by 2026-12-01", "2024-07-01", day)
    assert outcome is None and why.startswith("open")  # deadline after the date asked: stays open
    outcome, _, _ = decide(real_store, "PRK member of CSTO by 2026-01-01", "2024-07-01", day)
    assert outcome == "no"
    outcome, evidence, _ = decide(real_store, "invocation of reg:russia-dprk-2024 Art. 4 by 2025-12-31",
                                  "2024-06-25", day)
    assert outcome == "yes" and "Kursk" in evidence[0]["answer"] and evidence[0]["sources"]
    outcome, _, _ = decide(real_store, "invocation of reg:russia-dprk-2024 Art. 4 by 2024-09-01", "2024-06-25", day)
    assert outcome == "no"  # the deployment began in October 2024


def test_ledger_survives_data_import(shared_data, tmp_path):
    from foedus.cli import app

    db = str(tmp_path / "live.duckdb")
    env = {"FOEDUS_TODAY": "2026-06-01", "FOEDUS_FORECASTS": ""}

    def run(*args, **kw):
        result = runner.invoke(app, [*args], env=env, **kw)
        assert result.exit_code == 0, result.output
        return result

    run("data", "import", "--data-dir", str(shared_data), "--db", db)
    run("forecast", "import", str(EXAMPLES / "forecasts.json"), "--db", db)
    resolved = json.loads(run("forecast", "resolve", "--json", "--db", db).stdout)
    states = {r["rule"]: r["resolution"] for r in resolved["results"]}
    assert states["invocation of reg:russia-dprk-2024 Art. 4 by 2025-12-31"] == "yes"
    assert states["triad RUS,CHN,PRK closed by 2025-06-19"] == "no"
    assert states["PRK member of CSTO by 2026-12-01"] is None
    run("data", "import", "--data-dir", str(shared_data), "--db", db)  # rebuilds and swaps the database file
    listed = json.loads(run("forecast", "list", "--json", "--db", db).stdout)
    assert len(listed["forecasts"]) == 4
    assert sum(f["resolution"] is not None for f in listed["forecasts"]) == 2
    scored = json.loads(run("forecast", "score", "--json", "--db", db).stdout)
    assert (scored["resolved"], scored["open"]) == (2, 2)
    a = next(x for x in scored["authors"] if x["author"] == "Commentator A")
    assert a["plain_will_happen"] == 1 and a["brier"] == pytest.approx(1.0)  # p=1 on a triad that stayed open
    exported = json.loads(run("forecast", "export", "--db", db).stdout)
    assert exported["format"] == FORMAT and len(exported["forecasts"]) == 4
    run("forecast", "resolve", "--id", exported["forecasts"][3]["id"], "--outcome", "no", "--source",
        "https://example.org/cited-resolution", "--db", db)
    after = json.loads(run("forecast", "score", "--json", "--db", db).stdout)
    assert (after["resolved"], after["open"]) == (3, 1)
    bad = runner.invoke(app, ["forecast", "resolve", "--id", "x", "--outcome", "yes", "--db", db], env=env)
    assert bad.exit_code == 2 and "--source" in bad.output
