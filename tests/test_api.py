"""The HTTP API on the real data: every endpoint, its bad input, the CLI's --json contracts, the token rule."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api import create_app, models
from foedus.cli import app as cli_app
from foedus.panels import create_dyadyears
from foedus.store import connect
from tests.fixture_files import write_dataset_dir

runner = CliRunner()

CLI = {
    "obligations": ("obligations", "North Korea", "--on", "1990-01-01"),
    "dyad": ("dyad", "USA", "Japan", "--on", "2000-01-01"),
    "treaty": ("treaty", "3440"),
    "network": ("network", "--on", "1914-06-01", "--types", "defense"),
    "triads": ("triads", "--on", "2010-06-01", "--top", "3"),
    "diff": ("diff", "--from", "1990-01-01", "--to", "2000-01-01", "--around", "PRK"),
    "scenario": ("scenario", "--attack", "USA", "--target", "PRK", "--on", "2010-06-01", "--rounds", "2"),
    "history": ("history", "RUS", "PRK"),
    "organization": ("org", "NATO", "--on", "2024-06-01"),
    "memberships": ("memberships", "Iran", "--on", "2025-01-01"),
}


@pytest.fixture(scope="module")
def cli_json(real_db_file) -> dict:
    """What the CLI prints with --json (the server may hold the file open meanwhile: both read it read-only)."""
    out = {}
    for key, args in CLI.items():
        result = runner.invoke(cli_app, [*args, "--json", "--db", real_db_file])
        assert result.exit_code == 0, result.output
        out[key] = json.loads(result.stdout)
    return out


@pytest.fixture(scope="module")
def client(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as test_client:  # the context closes the store
        yield test_client


def ok(client, path, model=None, **params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text[:500]
    payload = response.json()
    if model is not None:
        model.model_validate(payload)
    return payload


def bad(client, path, status=422, **params):
    response = client.get(path, params=params)
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert isinstance(body["detail"], str) and "Traceback" not in response.text
    return body


# ---------------------------------------------------------------------------------- the CLI's contracts


@pytest.mark.parametrize(
    "key, path, params",
    [
        ("obligations", "/api/obligations", {"state": "North Korea", "on": "1990-01-01"}),
        ("dyad", "/api/dyad", {"a": "USA", "b": "Japan", "on": "2000-01-01"}),
        ("treaty", "/api/treaty/3440", {}),
        ("network", "/api/network", {"on": "1914-06-01", "types": "defense"}),
        ("triads", "/api/triads", {"on": "2010-06-01", "top": 3}),
        ("diff", "/api/diff", {"from": "1990-01-01", "to": "2000-01-01", "around": "PRK"}),
        ("history", "/api/history", {"a": "RUS", "b": "PRK"}),
        ("organization", "/api/organizations/NATO", {"on": "2024-06-01"}),
        ("memberships", "/api/memberships", {"state": "Iran", "on": "2025-01-01"}),
    ],
)
def test_answers_are_the_cli_json(client, cli_json, key, path, params):
    assert ok(client, path, **params) == cli_json[key]


def test_answers_validate_against_their_models(client):
    ok(client, "/api/obligations", models.Obligations, state="731", on="1990-01-01")
    ok(client, "/api/dyad", models.Dyad, a="RUS", b="PRK", on="1990-01-01")
    ok(client, "/api/treaty/atop:3440", models.Treaty)
    ok(client, "/api/network", models.Network, on="1914-06-01")
    ok(client, "/api/diff", models.Diff, **{"from": "1913-01-01", "to": "1915-01-01"})
    for triad in ok(client, "/api/triads", on="1914-06-01", top=5):
        models.Triad.model_validate(triad)
    for period in ok(client, "/api/history", a="USA", b="Japan"):
        models.Period.model_validate(period)
    ok(client, "/api/organizations/csto", models.Organization, on="2020-01-01")
    ok(client, "/api/memberships", models.Memberships, state="Russia", on="2020-01-01")


def test_history_spans_the_datasets_and_the_register(client):
    periods = ok(client, "/api/history", a="Russia", b="North Korea")
    russia = [p for p in periods if p["from_ccode"] == 365 and p["status"] != "none"]
    assert russia[0]["treaty_id"] == "atop:3440" and russia[0]["start"] == "1961-07-06"
    last = russia[-1]
    assert last["treaty_id"] == "reg:russia-dprk-2024" and "defense" in last["obligations"]
    assert last["source"]["kind"] == "register" and last["source"]["citation"]


def test_dyad_after_coverage_says_so(client):
    payload = ok(client, "/api/dyad", a="Russia", b="North Korea", on="1990-01-01")  # ATOP 3440, inside coverage
    atop = [c for c in payload["commitments"] if c["treaty_id"].startswith("atop:")]
    later = ok(client, "/api/dyad", a="Cuba", b="North Korea", on="2020-01-01")  # ATOP 3975, no register entry
    assert atop and all(c["status"] == "in_force" for c in atop)  # non-empty: all() of nothing proves nothing
    unknown = [c for c in later["commitments"] if c["status"] == "unknown_after_coverage"]
    assert unknown and all(c["coverage_end"] and c["note"] and c["tier"] == "presumed" for c in unknown)


def test_scenario_is_the_cli_json_and_monte_carlo_is_reproducible(client, cli_json):
    body = {"attackers": ["USA"], "targets": ["PRK"], "on": "2010-06-01", "rounds": 2}
    response = client.post("/api/scenario", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == cli_json["scenario"]
    models.ScenarioResult.model_validate(response.json())
    joiners = [s for s in response.json()["states"] if s["joins"]]
    assert joiners and all(s["explanation"] and s["path"] for s in joiners)
    mc = {**body, "reliability": 0.75, "draws": 2000, "seed": 7}
    first, second = (client.post("/api/scenario", json=mc).json() for _ in range(2))
    assert first["monte_carlo"]["draws"] == 2000 and first["monte_carlo"] == second["monte_carlo"]
    assert first["monte_carlo"]["states"]


def test_scenario_bad_input(client):
    base = {"attackers": ["USA"], "targets": ["PRK"], "on": "2010-06-01"}
    cases = [
        ({**base, "attackers": ["Atlantis"]}, "attackers: Unknown state 'Atlantis'"),
        ({**base, "targets": ["USA"]}, "both attacker and target"),
        ({**base, "on": "2010-02-30"}, "on: '2010-02-30' is not a valid date"),
        ({**base, "rounds": 0}, "rounds"),
        ({**base, "mode": "total"}, "mode"),
        ({**base, "reliability": 1.5}, "reliability"),
        ({**base, "draws": 10_000_000}, "draws"),
        ({**base, "targets": []}, "targets"),
        ({**base, "surprise": True}, "surprise"),
    ]
    for body, message in cases:
        response = client.post("/api/scenario", json=body)
        assert response.status_code == 422, (body, response.text)
        assert message in response.json()["detail"], response.json()


# ---------------------------------------------------------------------------------- the page's endpoints


def test_network_view_is_the_network_by_pair(client, cli_json):
    view = ok(client, "/api/network/view", models.NetworkView, on="1914-06-01", types="defense")
    links = cli_json["network"]["graph"]["links"]
    pairs = {(min(x["source"], x["target"]), max(x["source"], x["target"])) for x in links}
    assert {(e["a"], e["b"]) for e in view["edges"]} == pairs
    edge = next(e for e in view["edges"] if (e["a"], e["b"]) == (255, 300))  # Germany–Austria-Hungary
    assert edge["strongest"] == "defense" and edge["direction"] == "mutual"
    assert view["colors"]["defense"].startswith("#")
    assert {n["code"] for n in view["nodes"]} >= {2, 200, 255, 300, 365}
    assert all(-1.01 <= n["x"] <= 1.01 and -1.01 <= n["y"] <= 1.01 for n in view["nodes"])
    russia = next(n for n in view["nodes"] if n["code"] == 365)
    again = ok(client, "/api/network/view", on="1990-01-01")
    assert next(n for n in again["nodes"] if n["code"] == 365)[("x")] == russia["x"]  # a state keeps its place


def test_states_lookup(client):
    found = ok(client, "/api/states", models.StateLookup, q="DPRK")
    assert found["resolved"]["ccode"] == 731 and found["states"][0]["ccode"] == 731
    korea = ok(client, "/api/states", q="kor", on="1990-01-01")
    assert korea["resolved"]["ambiguous"]  # ISO3 KOR is South Korea, COW KOR is Korea (730)
    codes = [s["ccode"] for s in korea["states"]]
    assert {730, 731, 732} <= set(codes)
    assert {s["ccode"]: s["system_member"] for s in korea["states"]}[730] is False
    everyone = ok(client, "/api/states")
    assert everyone["resolved"] is None and len(everyone["states"]) > 200
    assert ok(client, "/api/states", q="Narnia")["resolved"] is None


def test_meta_lists_coverage(client):
    meta = ok(client, "/api/meta", models.Meta)
    atop = next(d for d in meta["datasets"] if d["dataset"] == "ATOP")
    assert atop["coverage_end"] == "2016-12-31" and atop["version"]
    assert meta["dates"]["first"] == "1816-01-01" and meta["dates"]["commitments_coverage_end"] == "2016-12-31"
    assert meta["writable"] is False and meta["endpoints"] == {"history": True, "organizations": True,
                                                               "memberships": True}


def test_panel_downloads(client, real_db_file):
    response = client.get("/api/panel/dyad-years", params={"since": 2000, "through": 2001})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    got = pd.read_csv(io.StringIO(response.text))
    parquet = client.get("/api/panel/dyad-years", params={"since": 2000, "through": 2001, "format": "parquet",
                                                          "directed": False, "add": "atop"})
    assert parquet.status_code == 200, parquet.text
    table = pd.read_parquet(io.BytesIO(parquet.content))
    assert "foedus" in table.attrs and len(table) * 2 == len(got)
    states = client.get("/api/panel/state-years", params={"through": 1820, "format": "dta"})
    assert states.status_code == 200 and pd.read_stata(io.BytesIO(states.content)).year.max() == 1820
    con = connect(real_db_file, read_only=True)  # while the server holds it open
    try:
        expected = create_dyadyears(con, since=2000, through=2001)
    finally:
        con.close()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_page_and_docs_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # offline: nothing from elsewhere
    assets = re.findall(r'(?:src|href)="([^"#?]+\.(?:js|css))"', page.text)
    assert assets  # the page's scripts and style sheets, whatever the web app calls them, are all served
    for asset in assets:
        assert client.get("/" + asset.lstrip("./")).status_code == 200, asset
    spec = client.get("/openapi.json").json()
    for path in ("/api/obligations", "/api/dyad", "/api/treaty/{treaty_id}", "/api/network", "/api/network/view",
                 "/api/triads", "/api/diff", "/api/scenario", "/api/panel/dyad-years", "/api/states", "/api/meta",
                 "/api/data/import", "/api/history", "/api/organizations/{name}", "/api/memberships"):
        assert path in spec["paths"], path


def test_big_answers_are_gzipped(client):
    response = client.get("/api/network/view", params={"on": "2000-01-01"}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip" and response.json()["edges"]
    plain = client.get("/api/network/view", params={"on": "2000-01-01"}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == response.json()


# ---------------------------------------------------------------------------------- bad input


def test_unknown_state_gives_closest_matches(client):
    body = bad(client, "/api/dyad", a="Narnia", b="Japan")
    assert body["detail"].startswith("a: Unknown state 'Narnia'") and body["suggestions"]
    body = bad(client, "/api/obligations", state="Sovit Union")
    assert "soviet union (365)" in body["suggestions"]
    assert bad(client, "/api/diff", **{"from": "1990", "to": "2000", "around": "Oz"})["parameter"] == "around"
    assert bad(client, "/api/triads", among="USA,Oz")["parameter"] == "among"
    assert bad(client, "/api/history", a="USA", b="Prusia")["suggestions"][0] == "prussia (255)"
    assert bad(client, "/api/memberships", state="Atlantis")["parameter"] == "state"


def test_bad_dates_and_parameters(client):
    assert bad(client, "/api/dyad", a="USA", b="JPN", on="2000-13-01")["detail"].startswith("on: '2000-13-01'")
    assert bad(client, "/api/obligations", state="USA", on="yesterday")["parameter"] == "on"
    assert bad(client, "/api/diff", **{"from": "1990-01-01", "to": "nope"})["parameter"] == "to"
    assert "to" in bad(client, "/api/diff", **{"from": "1990-01-01"})["detail"]  # missing
    assert "unknown obligation type" in bad(client, "/api/network", types="friendship")["detail"]
    assert "unknown triad kind" in bad(client, "/api/triads", kind="square")["detail"]
    assert "top" in bad(client, "/api/triads", top=-1)["detail"]
    assert "state" in bad(client, "/api/obligations")["detail"]
    assert bad(client, "/api/panel/dyad-years", since=2001, through=2000)["parameter"] == "since"
    assert bad(client, "/api/panel/dyad-years", add="gdp")["parameter"] == "add"
    assert bad(client, "/api/panel/dyad-years", system="gw", add="atop")["parameter"] == "add"
    assert "format" in bad(client, "/api/panel/state-years", format="xlsx")["detail"]
    assert "through" in bad(client, "/api/panel/state-years", through=1700)["detail"]
    assert bad(client, "/api/treaty/999999", status=404)["detail"].startswith("Unknown treaty")
    assert "known: " in bad(client, "/api/organizations/Hansa", status=404)["detail"]
    assert bad(client, "/api/memberships", state="RUS", on="2025-02-30")["parameter"] == "on"
    assert "b" in bad(client, "/api/history", a="RUS")["detail"]


def test_missing_database_is_503(tmp_path):
    with TestClient(create_app(str(tmp_path / "none.duckdb"))) as missing:
        body = bad(missing, "/api/meta", status=503)
        assert "foedus data import" in body["detail"]


def test_unexpected_errors_leak_no_trace(real_db_file):
    app = create_app(real_db_file)

    def broken():
        raise RuntimeError("secret internals at /srv/foedus/thing.py line 12")

    app.state.store.names = broken
    with TestClient(app, raise_server_exceptions=False) as broken_client:
        response = broken_client.get("/api/dyad", params={"a": "USA", "b": "Japan"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error; the server log has the details"}
    assert "secret" not in response.text and "Traceback" not in response.text


# ---------------------------------------------------------------------------------- the token rule


@pytest.fixture()
def small_world(tmp_path):
    return write_dataset_dir(tmp_path / "data"), str(tmp_path / "small.duckdb")


def test_import_needs_the_token(small_world):
    data, db = small_world
    with TestClient(create_app(db, token="s3cret", data_dir=data)) as writable:
        assert writable.post("/api/data/import").status_code == 401
        assert writable.post("/api/data/import").headers["www-authenticate"] == "Bearer"
        wrong = writable.post("/api/data/import", headers={"Authorization": "Bearer guess"})
        assert wrong.status_code == 403 and wrong.json()["detail"] == "wrong token"
        assert writable.post("/api/data/import", headers={"Authorization": "Basic s3cret"}).status_code == 401
        before = writable.get("/api/meta")
        assert before.status_code == 503 and "foedus data import" in before.json()["detail"]
        done = writable.post("/api/data/import", headers={"Authorization": "Bearer s3cret"})
        assert done.status_code == 200, done.text
        assert done.json()["imported"]["ATOP"] > 0
        after = writable.get("/api/meta").json()  # the new file, read at once
        assert after["writable"] is True and {d["dataset"] for d in after["datasets"]} >= {"ATOP", "COW states"}
        assert after["build"]["build_id"] == done.json()["build_id"] and after["database"] == "small.duckdb"
        dyad = writable.get("/api/dyad", params={"a": "365", "b": "731", "on": "1990-01-01"}).json()
        assert [c["treaty_id"] for c in dyad["commitments"]] == ["atop:3440", "atop:3440"]


def test_read_only_server_refuses_changes(small_world, monkeypatch):
    data, db = small_world
    connect(db).close()
    monkeypatch.delenv("FOEDUS_API_TOKEN", raising=False)
    with TestClient(create_app(db, data_dir=data)) as read_only:
        refused = read_only.post("/api/data/import", headers={"Authorization": "Bearer anything"})
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"]
        assert read_only.get("/api/meta").json()["writable"] is False
        assert read_only.put("/api/meta").status_code == 405


def test_token_from_the_environment(small_world, monkeypatch):
    data, db = small_world
    monkeypatch.setenv("FOEDUS_API_TOKEN", "from-env")
    with TestClient(create_app(db, data_dir=data)) as writable:
        assert writable.post("/api/data/import", headers={"Authorization": "Bearer from-env"}).status_code == 200
