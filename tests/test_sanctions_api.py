"""The sanctions endpoints (no database needed): same JSON as the CLI, bad input is a 422 naming the parameter."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api.app import create_app
from foedus.cli.sanctions import app as cli


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    missing = tmp_path_factory.mktemp("nodb") / "absent.duckdb"  # the sanctions answers never open it
    with TestClient(create_app(str(missing))) as c:
        yield c


def cli_json(*args):
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_check_matches_the_cli(client):
    params = {"item": "artillery shells", "from": "PRK", "to": "RUS", "on": "2024-06-01"}
    answer = client.get("/api/sanctions/check", params=params)
    assert answer.status_code == 200
    payload = answer.json()
    assert payload["verdict"] == "prohibited"
    assert {m["id"] for m in payload["measures"]} == {"arms-heavy-1718", "arms-from-dprk-1874", "arms-2270"}
    assert payload == cli_json("check", "--item", "artillery shells", "--from", "PRK", "--to", "RUS", "--on",
                               "2024-06-01")


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"hs": "99999999", "from": "PRK", "to": "CHN", "on": "2018-01-01"}, "hs"),
        ({"hs": "2701", "from": "Korea", "to": "CHN", "on": "2018-01-01"}, "from"),
        ({"hs": "2701", "from": "Atlantis", "to": "CHN", "on": "2018-01-01"}, "from"),
        ({"hs": "2701", "from": "PRK", "to": "CHN", "on": "2018-01"}, "on"),
        ({"hs": "2701", "from": "PRK", "on": "2018-01-01"}, "to"),
        ({"item": "unobtainium", "from": "PRK", "to": "CHN", "on": "2018-01-01"}, "item"),
    ],
)
def test_check_bad_input_is_422_naming_the_parameter(client, params, parameter):
    answer = client.get("/api/sanctions/check", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["parameter"] == parameter
    assert "Traceback" not in answer.text


def test_on_history_permitted_trade(client):
    on = client.get("/api/sanctions/on", params={"on": "1990-01-01"}).json()
    assert on["regime_in_force"] is False and "2006-10-14" in on["regime_note"]
    history = client.get("/api/sanctions/history").json()
    assert history == cli_json("history")
    permitted = client.get("/api/sanctions/permitted", params={"on": "2024-06-01", "direction": "to"}).json()
    assert permitted["directions"] == ["to_dprk"]
    bad = client.get("/api/sanctions/permitted", params={"on": "2024-06-01", "direction": "sideways"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "direction"
    rows = client.get("/api/sanctions/trade", params={"reporter": "Russia"}).json()
    assert rows == cli_json("trade", "--reporter", "Russia")
    claim = client.get("/api/sanctions/trade", params={"assess": "26 million", "reporter": "Russia", "year": 2024})
    assert claim.status_code == 200 and claim.json()["verdict"].startswith("off by")
    no_year = client.get("/api/sanctions/trade", params={"assess": "26 million", "reporter": "Russia"})
    assert no_year.status_code == 422 and no_year.json()["parameter"] == "year"
