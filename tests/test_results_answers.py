"""One answer per question: the library's typed results, the CLI's --json and the API's JSON are the same.

Also the readability of the answers (issue 16.3): obligation-type filters, ranking by strength of
obligation then partner importance, explained triad scores, a state paired with itself refused, and
the one typed Source with its one text form.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api import create_app
from foedus.cli import app as cli_app
from foedus.errors import BadInputError
from foedus.query.answers import dyad_answer, obligations_answer
from foedus.query.history import history_answer
from foedus.query.states import search_states
from foedus.source import Source, source_text

runner = CliRunner()

# question: (CLI arguments, API path, API parameters)
QUESTIONS = {
    "obligations": (["obligations", "PRK", "--on", "2025-01-01"], "/api/obligations",
                    {"state": "PRK", "on": "2025-01-01"}),
    "obligations_types": (["obligations", "USA", "--on", "2010-01-01", "--types", "defense,consultation"],
                          "/api/obligations", {"state": "USA", "on": "2010-01-01", "types": "defense,consultation"}),
    "dyad": (["dyad", "Russia", "PRK", "--on", "2025-01-01"], "/api/dyad", {"a": "Russia", "b": "PRK",
                                                                             "on": "2025-01-01"}),
    "treaty": (["treaty", "3440"], "/api/treaty/3440", {}),
    "history": (["history", "Russia", "PRK"], "/api/history", {"a": "Russia", "b": "PRK"}),
    "org": (["org", "CSTO", "--on", "2025-01-01"], "/api/organizations/CSTO", {"on": "2025-01-01"}),
    "memberships": (["memberships", "Armenia", "--on", "2025-01-01"], "/api/memberships",
                    {"state": "Armenia", "on": "2025-01-01"}),
    "network": (["network", "--on", "2000-01-01", "--types", "defense"], "/api/network",
                {"on": "2000-01-01", "types": "defense"}),
    "triads": (["triads", "--on", "2025-01-01", "--among", "Russia,China,PRK"], "/api/triads",
               {"on": "2025-01-01", "among": "Russia,China,PRK"}),
    "diff": (["diff", "--from", "2024-01-01", "--to", "2025-01-01", "--around", "PRK"], "/api/diff",
             {"from": "2024-01-01", "to": "2025-01-01", "around": "PRK"}),
    "blocs": (["blocs", "--on", "1960-01-01"], "/api/blocs", {"on": "1960-01-01"}),
    "bloc_history": (["blocs", "--from", "1950", "--to", "1970", "--step", "10"], "/api/blocs/history",
                     {"from": "1950", "to": "1970", "step": 10}),
    "sscore_pair": (["sscore", "USA", "Japan", "--year", "2010"], "/api/sscore", {"a": "USA", "b": "Japan",
                                                                                   "year": 2010}),
    "sscore_ranking": (["sscore", "USA", "--year", "2010"], "/api/sscore", {"a": "USA", "year": 2010}),
    "sscore_matrix": (["sscore", "--year", "1900"], "/api/sscore", {"year": 1900}),
}


@pytest.fixture(scope="module")
def client(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as test_client:
        yield test_client


def cli_json(db: str, *args: str):
    result = runner.invoke(cli_app, [*args, "--json", "--db", db])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_cli_json_equals_api_json(real_db_file, client, question):
    args, path, params = QUESTIONS[question]
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text[:300]
    from_api, from_cli = response.json(), cli_json(real_db_file, *args)
    assert from_api == from_cli
    assert json.dumps(from_api) == json.dumps(from_cli)  # the same keys in the same order
    assert from_cli  # a real answer, not an empty one


def test_api_response_models_are_the_library_types(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("Obligations", "Dyad", "Treaty", "Organization", "Memberships", "NetworkView", "Diff", "Triads",
                 "History", "StateLookup", "Blocs", "SScorePair"):
        assert name in schema, name


def test_source_json_and_one_text_form():
    dataset = {"kind": "dataset", "dataset": "ATOP", "version": "4.01", "file": "atop.csv", "line": 12}
    assert Source.coerce(dataset).to_json() == dataset
    assert source_text(dataset) == "ATOP 4.01, atop.csv line 12"
    register = {"kind": "register", "dataset": "dprk.yaml", "version": "2025-12-01", "entry": "russia-dprk-2024",
                "citation": "First source. | Second source. | Third."}
    found = Source.coerce(register)
    assert found.citations == ("First source.", "Second source.", "Third.")
    assert found.to_json() == register and list(found.to_json()) == list(register)
    assert str(found) == "register russia-dprk-2024 (dprk.yaml): First source. (+2 more)"
    with pytest.raises(ValueError):
        Source.coerce({"kind": "rumour"})


def test_every_commitment_carries_its_source_text(real_store):
    result = obligations_answer(real_store, "North Korea", "2025-01-01")
    assert result.commitments
    for c in result.commitments:
        assert c.source_text == c.source.text() and c.source_text


def test_obligations_types_filter_and_ranking(real_store):
    everything = obligations_answer(real_store, "USA", "2010-01-01")
    defense = obligations_answer(real_store, "USA", "2010-01-01", types="defense")
    assert 0 < len(defense.commitments) < len(everything.commitments)
    assert all("defense" in c.obligations for c in defense.commitments)
    ranked = everything.ranked()
    assert sorted(map(id, ranked)) == sorted(map(id, everything.commitments))
    strengths = [min(("defense", "offense", "neutrality", "nonaggression", "consultation").index(o)
                     for o in c.obligations) for c in ranked]
    assert strengths == sorted(strengths)
    # among the defense commitments, major powers come first: the UK (200) before Iceland (395)
    partners = [c.to_ccode if c.from_ccode == 2 else c.from_ccode for c in ranked if strengths[ranked.index(c)] == 0]
    assert partners.index(200) < partners.index(395)
    with pytest.raises(BadInputError) as caught:
        obligations_answer(real_store, "USA", "2010-01-01", types="friendship")
    assert caught.value.parameter == "types"


def test_cli_obligations_shows_the_top_and_counts_the_rest(real_db_file):
    shown = runner.invoke(cli_app, ["obligations", "USA", "--on", "2010-01-01", "--db", real_db_file])
    assert shown.exit_code == 0 and "more" in shown.output and "--all" in shown.output
    narrowed = cli_json(real_db_file, "obligations", "USA", "--on", "2010-01-01", "--types", "neutrality")
    assert all("neutrality" in c["obligations"] for c in narrowed["commitments"])


def test_python_api_takes_names(real_store):
    by_name = dyad_answer(real_store, "Russia", "DPRK", "1990-01-01")
    by_code = dyad_answer(real_store, 365, 731, "1990-01-01")
    assert by_name.to_json() == by_code.to_json() and by_name.commitments


def test_a_state_paired_with_itself_is_refused(real_store, real_db_file, client):
    with pytest.raises(BadInputError) as caught:
        history_answer(real_store, "Russia", "Russia")
    assert caught.value.parameter == "b"
    result = runner.invoke(cli_app, ["history", "Russia", "Russia", "--db", real_db_file])
    assert result.exit_code == 2 and "itself" in result.output
    response = client.get("/api/history", params={"a": "RUS", "b": "Russia"})
    assert response.status_code == 422 and response.json()["parameter"] == "b"


def test_triad_scores_are_explained(real_db_file):
    found = cli_json(real_db_file, "triads", "--on", "2025-01-01", "--top", "3")
    assert found
    for triad in found:
        assert f"score {triad['score']} = " in triad["explanation"]
        if triad["kind"] == "open":
            assert "nearness to closing" in triad["explanation"]
            points = triad["explanation"].split("):", 1)[1].split(".")[0]
            numbers = [int(part.split(" (")[0]) for part in points.split(" + ") if part.strip()[0].isdigit()]
            assert sum(numbers) == triad["score"]


def test_state_lookup_ranks_the_resolved_state_first(real_store):
    found = search_states(real_store, "DPRK", limit=5)
    assert found.resolved.ccode == 731 and found.states[0].ccode == 731
