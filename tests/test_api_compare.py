"""POST /api/compare: the what-if overlay in a request body, the same answer as the CLI's --compare --json."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.api import create_app
from foedus.cli import app as cli_app

JOIN = "PRK joins CSTO from 2025-01-01"
PACT = "defense RUS CHN from 2026-01-01"
LEAVE = "ARM leaves CSTO 2026-01-01"


@pytest.fixture(scope="module")
def client(real_db_file):
    with TestClient(create_app(real_db_file, token="")) as test_client:
        yield test_client


def cli_json(db: str, *args: str) -> dict:
    result = CliRunner().invoke(cli_app, [*args, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_org_compare_matches_the_cli(client, real_db_file):
    body = {"question": "org", "name": "CSTO", "on": "2025-06-01", "suppose": [JOIN]}
    response = client.post("/api/compare", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == cli_json(real_db_file, "org", "CSTO", "--on", "2025-06-01", "--suppose", JOIN, "--compare")
    assert answer["suppositions"][0]["label"].startswith("HYPOTHETICAL")
    assert answer["difference"]  # the DPRK is a member only in the supposed world


def test_org_compare_of_a_leaving_member(client):
    body = {"question": "org", "name": "CSTO", "on": "2026-06-01", "suppose": [LEAVE]}
    answer = client.post("/api/compare", json=body).json()
    assert any("ARM" in line for line in answer["summary"])


def test_dyad_compare_of_a_supposed_pact(client, real_db_file):
    body = {"question": "dyad", "a": "RUS", "b": "CHN", "on": "2026-06-01", "suppose": [PACT]}
    answer = client.post("/api/compare", json=body).json()
    assert answer == cli_json(real_db_file, "dyad", "RUS", "CHN", "--on", "2026-06-01", "--suppose", PACT,
                              "--compare")
    assert "defense" in json.dumps(answer["supposed"]) and answer["baseline"] != answer["supposed"]


@pytest.mark.parametrize(("body", "parameter"), [
    ({"question": "dyad", "a": "RUS", "suppose": [PACT]}, "b"),
    ({"question": "org", "suppose": [JOIN]}, "name"),
    ({"question": "org", "name": "CSTO", "suppose": ["PRK maybe joins CSTO"]}, "suppose"),
    ({"question": "org", "name": "CSTO", "suppose": ["x" * 600]}, "suppose"),
])
def test_bad_bodies_are_422_naming_the_field(client, body, parameter):
    response = client.post("/api/compare", json=body)
    assert response.status_code == 422, response.text
    assert parameter in response.text


def test_an_empty_list_or_an_unknown_question_is_refused(client):
    assert client.post("/api/compare", json={"question": "org", "name": "CSTO", "suppose": []}).status_code == 422
    assert client.post("/api/compare", json={"question": "history", "suppose": [JOIN]}).status_code == 422
