"""Modern cases: the register's invocation events replayed on the day before each (issue 14.5)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.validation.modern import load_cases, replay, to_json

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def cases(real_store):
    return {c.event_id: c for c in replay(real_store)}


def test_every_listed_event_is_replayed_the_day_before(cases):
    listed = load_cases()
    assert set(cases) == set(listed) and len(cases) >= 15
    assert cases["nato-art5-2001-usa"].on == "2001-09-11"
    assert cases["russia-dprk-2024-art4-kursk"].on == "2024-09-30"  # month-precision date: its first day
    for case in cases.values():
        assert case.summary["source"]["kind"] == "register" and case.basis


def test_engine_and_actions_per_party(cases):
    kazakhstan = {r.ccode: r for r in cases["csto-art4-2022-kazakhstan"].parties}
    assert kazakhstan[365].engine == "obliged" and kazakhstan[365].action == "forces sent"
    assert not kazakhstan[365].collective
    turkey = {r.ccode: r for r in cases["nato-art4-2003-turkey"].parties}
    assert turkey[220].action == "refused" and not turkey[220].collective
    assert 0 < turkey[2].model_p < 1 and turkey[2].model_p > turkey[212].model_p  # the US above Luxembourg
    # the 2024 treaty entered into force in Dec 2024: on 2024-09-30 the engine finds no Art. 4 obligation
    kursk = {r.ccode: r for r in cases["russia-dprk-2024-art4-kursk"].parties}
    assert kursk[731].action == "forces sent" and kursk[731].engine not in ("obliged", "conditional")
    assert not kursk[731].engine_treaty
    usa = cases["nato-art5-2001-usa"]
    assert usa.adversary is None and usa.summary["model_expected_joiners"] is None
    assert usa.summary["parties"] == 18 and usa.summary["engine_obliged"] == 18  # 19 allies less the US


def test_cli_modern_json(real_db_file):
    from foedus.cli import app

    out = CliRunner().invoke(app, ["backtest", "--modern", "--json", "--db", real_db_file])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)["modern"]
    first = payload[0]
    assert {"event_id", "on", "protected", "adversary", "parties", "summary"} <= set(first)
    assert {"ccode", "engine", "model_p", "action", "collective"} <= set(first["parties"][0])


def test_to_json_round_trips(cases):
    assert json.loads(json.dumps(to_json(list(cases.values()))))[0]["event_id"]
