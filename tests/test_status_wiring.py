"""One status rule for every command and endpoint (issue 15.1): every consumer counts the tiers its `status`
keeps (confirmed, presumed — the default — or any), and a projected date carries a warning (issue 15 done-when)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api import create_app
from foedus.cli import app
from foedus.network.answers import blocs, triads
from foedus.network.blocs import defense_graph
from foedus.network.snapshot import commitment_graph, commitments_on
from foedus.network.view import network
from foedus.query.answers import dyad_answer
from foedus.query.commitments import directed_commitments
from foedus.query.intervals import DEFAULT_STATUS
from foedus.query.organizations import organization_answer
from foedus.scenario import ScenarioContext
from foedus.scenario.request import ScenarioRequest

RUS, CHN, PRK, USA, UKG, JPN = 365, 710, 731, 2, 200, 740
TRIANGLE = (RUS, CHN, PRK)
TODAY = "2026-06-01"
SCENARIO_DAY = "2024-12-05"
runner = CliRunner()


def _nato(con, on: str) -> set[int]:
    members = {m.ccode for m in organization_answer(con, "NATO", on).members}
    assert len(members) == 32  # Sweden joined on 2024-03-07
    return members


def test_the_default_is_presumed():
    assert DEFAULT_STATUS == "presumed"


def test_no_nato_or_triangle_commitment_reads_unknown_on_2026_06_01(real_store):
    """Done-when: every NATO member → NATO member commitment, and every one inside Russia–China–DPRK, counts
    under the default status (none is `unknown`), and the default keeps every one of them."""
    nato = _nato(real_store, TODAY)
    every = directed_commitments(real_store, TODAY, status="any")
    default = directed_commitments(real_store, TODAY)
    for group in (nato, set(TRIANGLE)):
        inside = every[every.from_ccode.isin(group) & every.to_ccode.isin(group)]
        assert len(inside), group
        assert "unknown" not in set(inside.tier), inside[inside.tier == "unknown"][["from_ccode", "to_ccode",
                                                                                      "treaty_id"]]
        kept = default[default.from_ccode.isin(group) & default.to_ccode.isin(group)]
        assert len(kept) == len(inside)
    # NATO's defence pledge itself is there between every ordered pair of members
    defence = default[default.defense & default.from_ccode.isin(nato) & default.to_ccode.isin(nato)]
    assert len(set(zip(defence.from_ccode, defence.to_ccode, strict=True))) == 32 * 31


@pytest.mark.parametrize("a, b", [(USA, UKG), (USA, JPN), (CHN, PRK), (RUS, PRK)])
def test_key_dyads_say_confirmed_or_presumed_and_why(real_store, a, b):
    result = dyad_answer(real_store, a, b, TODAY)
    assert result.status == "presumed"
    defence = [c for c in result.commitments if "defense" in c.obligations]
    assert defence, (a, b)
    for c in result.commitments:
        extra = c.model_extra
        assert extra["tier"] in ("confirmed", "presumed") and extra["status_reason"], c
    assert any(c.from_ccode == a for c in defence)  # USA owes Japan defence, China and Russia owe the DPRK


def _scenario(con, status=None, assume=False):
    request = ScenarioRequest(attackers=["USA"], targets=["Russia"], on=SCENARIO_DAY, status=status,
                              assume_in_force=assume)
    from foedus.naming import StateNames

    plan = request.plan(StateNames(con))
    return request.run(ScenarioContext(con, plan.scenario.on), plan)


def test_scenario_counts_presumed_and_lists_only_the_unknown_tier(real_store):
    """An attack on Russia on 2024-12-05: 723 commitments were 'not counted' before the tiers were wired; now
    only the unknown tier is (one: ATOP 6050, USA–Afghanistan, whose fixed term ended on 2024-05-02)."""
    default = _scenario(real_store)
    confirmed = _scenario(real_store, "confirmed")
    every = _scenario(real_store, "any")
    assert default.facts.status == "presumed" and confirmed.facts.status == "confirmed"
    assert {u["tier"] for u in default.unknown} <= {"unknown"}
    assert len(default.unknown) <= 5
    assert len(confirmed.unknown) > 500 and {u["tier"] for u in confirmed.unknown} == {"presumed", "unknown"}
    assert every.unknown == [] and every.facts.assume_in_force
    # presumed commitments bind: more states are reached, none fewer
    assert len(confirmed.states) < len(default.states) <= len(every.states)
    obliged = {s.ccode for s in default.states if s.status == "obliged"}
    assert {s.ccode for s in confirmed.states if s.status == "obliged"} <= obliged
    assert _scenario(real_store, assume=True).to_json() == every.to_json()


def test_assume_in_force_conflicting_with_a_status_is_an_error(real_store):
    from foedus.errors import BadInputError
    from foedus.naming import StateNames

    with pytest.raises(BadInputError) as caught:
        ScenarioRequest(attackers=["USA"], targets=["Russia"], status="confirmed", assume_in_force=True).plan(
            StateNames(real_store), cli=True)
    assert caught.value.parameter == "--assume-in-force"
    with pytest.raises(BadInputError) as caught:
        ScenarioRequest(attackers=["USA"], targets=["Russia"], status="maybe").check(cli=True)
    assert caught.value.parameter == "--status"


@pytest.mark.parametrize("status", [None, "confirmed", "any"])
def test_triads_blocs_and_scenarios_count_the_same_ties(real_store, status):
    """The scenario context, the commitment graph (triads) and the defence graph (blocs) count the same directed
    defence ties under every status (the disagreement of issue 15: scenarios dropped, triads counted)."""
    context = ScenarioContext(real_store, SCENARIO_DAY, status=status)
    counted = {(link.from_ccode, link.to_ccode) for state in list(context.toward)
               for link in context.links_toward(state, False) if "defense" in link.obligations}
    graph = commitment_graph(real_store, SCENARIO_DAY, multi=False, status=status)
    in_graph = {(a, b) for a, b, d in graph.edges(data=True) if d["defense"]}
    assert counted == in_graph
    undirected = {tuple(sorted(p)) for p in counted if p[0] != p[1]}
    assert {tuple(sorted(e)) for e in defense_graph(real_store, SCENARIO_DAY, status=status).edges} == undirected


def test_status_changes_counts_in_the_expected_direction(real_store):
    sizes = {s: len(commitments_on(real_store, TODAY, status=s)) for s in ("confirmed", "presumed", "any")}
    assert sizes["confirmed"] < sizes["presumed"] < sizes["any"]
    edges = {s: network(real_store, TODAY, status=s)[1].number_of_edges() for s in ("confirmed", "presumed", "any")}
    assert edges["confirmed"] < edges["presumed"] <= edges["any"]
    closed = {s: triads(real_store, TODAY, top=0, status=s).counts["closed"] for s in ("confirmed", "presumed")}
    assert closed["confirmed"] < closed["presumed"]
    aligned = {s: blocs(real_store, TODAY, status=s).polarization["aligned_share"] for s in ("confirmed", "presumed")}
    assert aligned["confirmed"] < aligned["presumed"]


def test_inside_coverage_the_status_changes_nothing(real_store):
    day = "1990-06-01"
    confirmed, every = (commitments_on(real_store, day, status=s) for s in ("confirmed", "any"))
    assert len(confirmed) == len(every)
    first = triads(real_store, day, top=5, status="confirmed").to_json()
    second = triads(real_store, day, top=5).to_json()
    assert [{k: v for k, v in t.items() if k != "status"} for t in first] == \
        [{k: v for k, v in t.items() if k != "status"} for t in second]


def _cli(real_db_file, *args):
    result = runner.invoke(app, [*args, "--db", real_db_file])
    assert result.exit_code == 0, result.output
    return result


def test_cli_status_option_on_every_command(real_db_file, monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", "2026-12-01")
    counts = {}
    for status in ("confirmed", "presumed", "any"):
        payload = json.loads(_cli(real_db_file, "network", "--on", TODAY, "--status", status, "--json").stdout)
        assert payload["status"] == status
        counts[status] = len(payload["graph"]["links"])
    assert counts["confirmed"] < counts["presumed"] <= counts["any"]
    dyad = json.loads(_cli(real_db_file, "dyad", "USA", "Japan", "--on", TODAY, "--json").stdout)
    assert dyad["status"] == "presumed" and "warning" not in dyad
    unknown = {}
    for status in ("confirmed", "presumed", "any"):
        payload = json.loads(_cli(real_db_file, "scenario", "--attack", "USA", "--target", "Russia", "--on",
                                  SCENARIO_DAY, "--status", status, "--json").stdout)
        unknown[status] = len(payload["unknown"])
    assert unknown["confirmed"] > unknown["presumed"] > unknown["any"] == 0
    for args in (("obligations", "PRK"), ("triads", "--among", "RUS,CHN,PRK"), ("blocs",), ("diff", "--from",
                 "2016-01-01", "--to"), ("sweep", "--top", "1")):
        args = (*args, TODAY) if args[-1] == "--to" else (*args, "--on", TODAY)
        _cli(real_db_file, *args, "--status", "confirmed", "--json")
    bad = runner.invoke(app, ["triads", "--status", "maybe", "--db", real_db_file])
    assert bad.exit_code == 2 and "--status" in bad.stderr


def test_2030_is_answered_as_a_projection_with_the_term_rule(real_db_file, monkeypatch):
    """Done-when: `dyad Russia China --on 2030-01-01 --json` warns that the date is a projection, and the 2001
    treaty (ATOP 4980) is presumed under its automatic five-year extension after 2027-02-28."""
    monkeypatch.setenv("FOEDUS_TODAY", "2026-12-01")
    result = _cli(real_db_file, "dyad", "Russia", "China", "--on", "2030-01-01", "--json")
    payload = json.loads(result.stdout)
    assert "projection" in payload["warning"] and "after today (2026-12-01)" in payload["warning"]
    assert "warning:" in result.stderr
    treaty = [c for c in payload["commitments"] if c["treaty_id"] == "atop:4980"]
    assert len(treaty) == 2
    for c in treaty:
        assert c["tier"] == "presumed"
        assert "term ended 2027-02-28" in c["status_reason"] and "renews automatically every 60 months" in \
            c["status_reason"] and "current term to 2032-02-28" in c["status_reason"]
        assert "confirmed by register" not in c["note"]
    for args in (("network",), ("triads", "--among", "RUS,CHN,PRK"), ("obligations", "PRK"),
                 ("scenario", "--attack", "USA", "--target", "Russia")):
        shown = _cli(real_db_file, *args, "--on", "2030-01-01", "--json")
        payload = json.loads(shown.stdout)
        warning = payload[0]["warning"] if isinstance(payload, list) else payload["warning"]
        assert "projection" in warning and "warning:" in shown.stderr
    quiet = _cli(real_db_file, "dyad", "Russia", "China", "--on", "2010-01-01", "--json")
    assert "warning" not in json.loads(quiet.stdout) and "warning:" not in quiet.stderr


def test_api_status_parameter_and_warning(real_db_file, monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", "2026-12-01")
    with TestClient(create_app(real_db_file, token="")) as client:
        counts = {}
        for status in ("confirmed", "presumed", "any"):
            body = client.get("/api/network", params={"on": TODAY, "status": status}).json()
            assert body["status"] == status
            counts[status] = len(body["graph"]["links"])
        assert counts["confirmed"] < counts["presumed"] <= counts["any"]
        assert client.get("/api/network", params={"on": TODAY}).json()["status"] == "presumed"
        every = client.get("/api/dyad", params={"a": "USA", "b": "AFG", "on": TODAY, "status": "any"}).json()
        default = client.get("/api/dyad", params={"a": "USA", "b": "AFG", "on": TODAY}).json()
        assert "atop:6050" in {c["treaty_id"] for c in every["commitments"]}
        assert "atop:6050" not in {c["treaty_id"] for c in default["commitments"]}
        future = client.get("/api/dyad", params={"a": "Russia", "b": "China", "on": "2030-01-01"}).json()
        assert "projection" in future["warning"]
        assert "projection" in client.get("/api/triads", params={"on": "2030-01-01"}).json()[0]["warning"]
        scenario = client.post("/api/scenario", json={"attackers": ["USA"], "targets": ["Russia"],
                                                      "on": SCENARIO_DAY, "status": "confirmed"}).json()
        assert scenario["facts"]["status"] == "confirmed" and len(scenario["unknown"]) > 500
        bad = client.get("/api/blocs", params={"status": "maybe"})
        assert bad.status_code == 422 and "status" in bad.text
