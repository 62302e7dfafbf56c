"""Reliability figures recomputed from the store against the published ones."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from foedus.validation.reliability import reliability


def test_published_comparisons(real_store, tmp_path):
    result = reliability(real_store)
    keys = {r.key for r in result.rows}
    assert {"sabrosky", "llm_wars", "llm_mids", "bf_overall", "bf_before_1945", "bf_1945-2003", "bf_defense",
            "jgb_revised", "jgb_cow"} <= keys
    sabrosky = result.row("sabrosky")
    assert sabrosky.n > 300
    assert abs(sabrosky.gap) <= 0.05          # the target
    assert abs(result.row("llm_wars").gap) <= 0.10
    jgb = result.row("jgb_revised")
    assert jgb.n == 88 and 0.2 < jgb.foedus < 0.35
    for row in result.rows:
        assert row.citation and row.difference and row.n >= row.honoured >= 0
    before, after = result.row("bf_before_1945"), result.row("bf_1945-2003")
    assert before.n + after.n == result.row("bf_overall").n


def test_cli_json_and_plot(real_db_file, tmp_path):
    from foedus.cli import app

    plot = tmp_path / "rel.png"
    out = CliRunner().invoke(app, ["reliability", "--json", "--plot", str(plot), "--db", real_db_file])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rows"]
    assert {"published", "foedus", "n", "difference", "gap"} <= set(rows[0])
    assert plot.stat().st_size > 1000
    bad = CliRunner().invoke(app, ["reliability", "--plot", str(tmp_path / "x.gif"), "--db", real_db_file])
    assert bad.exit_code == 2 and "--plot" in bad.output
