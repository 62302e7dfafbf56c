"""build_panel / panel_request: every `--add` combination the help, README and `cite` name works in the CLI,
the API and Python, and gives the frame the chained verbs give; `panel cite` defaults."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api import create_app
from foedus.cli import app as cli_app
from foedus.errors import BadInputError
from foedus.panels import ADD_STEPS, build_panel, create_dyadyears, create_stateyears, panel_request
from foedus.panels.plan import parse_add
from foedus.panels.steps import STEPS

runner = CliRunner()
ATOP = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
ALLIANCE = [c.replace("atop_", "alliance_") for c in ATOP]
# every combination named in the CLI help, the README and `panel cite`'s default, and each step alone
COMBINATIONS = ["atop,nmc,majors", "atop,nmc,majors,register", "nmc,majors", "register,atop", *STEPS]
EXPECTED = {
    "atop": ATOP,
    "nmc": [f"{n}{s}" for s in "12" for n in ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")],
    "majors": ["cowmaj1", "cowmaj2"],
    "register": ALLIANCE,
}


def chained(con, add: str, directed: bool = True) -> pd.DataFrame:
    frame = create_dyadyears(con, directed=directed, since=2012, through=2025)
    for step in parse_add(add):
        frame = ADD_STEPS[step](frame, con)
    return frame


def expected_columns(add: str) -> list[str]:
    return ["ccode1", "ccode2", "year", *(c for step in parse_add(add) for c in EXPECTED[step])]


def test_parse_add_and_request_errors():
    assert parse_add(" ATOP, nmc,atop ") == ("atop", "nmc") and parse_add(None) == () and parse_add(["majors"]) == (
        "majors",)
    with pytest.raises(BadInputError) as bad:
        parse_add("atop,polity")
    assert bad.value.parameter == "add" and "polity" in bad.value.message and "register" in bad.value.fix
    for arguments, parameter in [({"system": "gw", "add": "atop"}, "add"), ({"since": 2001, "through": 2000}, "since"),
                                 ({"through": 1700}, "through"), ({"system": "xx"}, "system"),
                                 ({"kind": "monads"}, "kind")]:
        with pytest.raises(BadInputError) as bad:
            panel_request(**arguments)
        assert bad.value.parameter == parameter, arguments
    assert panel_request("state_years", add="nmc").kind == "state-years"


@pytest.mark.realdata
@pytest.mark.parametrize("add", COMBINATIONS)
def test_python_build_panel_equals_the_chained_verbs(real_store, add):
    result = build_panel("dyad-years", since=2012, through=2025, add=add, con=real_store)
    expected = chained(real_store, add)
    assert list(result.frame.columns) == expected_columns(add)
    pd.testing.assert_frame_equal(result.frame, expected)
    assert result.frame.attrs == expected.attrs
    payload = result.to_json()
    assert payload["rows"] == len(expected) and payload["columns"] == expected_columns(add)
    assert set(payload["sources"]) == set(payload["columns"]) and "Correlates of War" in payload["citation"]
    if "register" in add:
        russia_dprk = result.frame[(result.frame.ccode1 == 365) & (result.frame.ccode2 == 731)
                                   & (result.frame.year == 2025)]
        assert russia_dprk.alliance_defense.iloc[0] == 1 and "register" in result.citation


@pytest.mark.realdata
def test_non_directed_and_state_years_with_every_step(real_store):
    add = ",".join(STEPS)
    undirected = build_panel("dyad-years", directed=False, since=2012, through=2025, add=add, con=real_store)
    pd.testing.assert_frame_equal(undirected.frame, chained(real_store, add, directed=False))
    states = build_panel("state-years", since=2012, through=2025, add=add, con=real_store).frame
    expected = create_stateyears(real_store, since=2012, through=2025)
    for step in STEPS:
        expected = ADD_STEPS[step](expected, real_store)
    pd.testing.assert_frame_equal(states, expected)
    assert states.loc[(states.ccode == 365) & (states.year == 2025), "alliance_defense"].iloc[0] == 1


@pytest.mark.realdata
@pytest.mark.parametrize("add", COMBINATIONS)
def test_cli_every_combination(real_db_file, tmp_path, add):
    out = tmp_path / "panel.parquet"
    result = runner.invoke(cli_app, ["panel", "dyad-years", "--since", "2012", "--through", "2025", "--add", add,
                                     "--out", str(out), "--db", real_db_file, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["columns"] == expected_columns(add) and payload["file"] == str(out)
    assert payload["request"]["add"] == list(parse_add(add))
    written = pd.read_parquet(out)
    assert list(written.columns) == expected_columns(add) and len(written) == payload["rows"] > 0
    assert [p.name for p in tmp_path.iterdir()] == ["panel.parquet"]  # no temporary file left


@pytest.mark.realdata
def test_api_every_step(real_db_file):
    add = ",".join(STEPS)
    with TestClient(create_app(real_db_file, token="")) as client:
        response = client.get("/api/panel/dyad-years", params={"since": 2015, "through": 2025, "add": add,
                                                               "format": "parquet"})
        assert response.status_code == 200, response.text[:300]
        frame = pd.read_parquet(io.BytesIO(response.content))
        assert list(frame.columns) == expected_columns(add)
        bad = client.get("/api/panel/state-years", params={"add": "atop,gdp"})
        assert bad.status_code == 422 and bad.json()["parameter"] == "add" and "gdp" in bad.json()["detail"]


def test_cite_defaults_name_every_step():
    result = runner.invoke(cli_app, ["panel", "cite"])
    assert result.exit_code == 0, result.output
    for reference in ("Correlates of War", "Leeds", "Singer", "foedus curated register"):
        assert reference in result.stdout
    assert runner.invoke(cli_app, ["panel", "cite", "--add", "register"]).stdout.count("Leeds") == 1
    wrong = runner.invoke(cli_app, ["panel", "cite", "--add", "atop,gdp"])
    assert wrong.exit_code == 2 and "gdp" in wrong.output


def test_cite_file_errors(tmp_path):
    missing = runner.invoke(cli_app, ["panel", "cite", str(tmp_path / "none.parquet")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    (tmp_path / "x.parquet").write_text("not parquet")
    broken = runner.invoke(cli_app, ["panel", "cite", str(tmp_path / "x.parquet")])
    assert broken.exit_code == 2 and "not a Parquet file" in broken.output


def test_the_panel_commands_import_no_pandas_until_run():
    """Start-up: `foedus panel --help` and the other commands load neither pandas, numpy nor DuckDB through it."""
    import subprocess
    import sys

    code = "import sys, foedus.cli.panel; print(sorted(m for m in ('pandas', 'numpy', 'duckdb') if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert found.strip() == "[]"
