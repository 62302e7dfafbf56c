"""Coalitions and treaty memberships as actors (issue 16.2): cited presets, a --coalitions YAML file with
located errors, treaty ids standing for their members on the date, inline coalitions in the API body, and
coalition names that clash with a state or an organization refused."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from foedus.cli import app
from foedus.scenario.coalitions import presets

pytestmark = pytest.mark.realdata
runner = CliRunner()
G7_2025 = {2, 20, 200, 220, 255, 325, 740}
FIVE_EYES = {2, 20, 200, 900, 920}


def invoke(real_db_file, *args, on="2025-01-01"):
    return runner.invoke(app, ["scenario", *args, "--on", on, "--json", "--db", real_db_file])


def scenario(real_db_file, *args, on="2025-01-01"):
    result = invoke(real_db_file, *args, on=on)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def codes(group):
    return {p["ccode"] for p in group}


def test_a_preset_as_attackers_expands_to_its_members_on_the_date(real_db_file):
    payload = scenario(real_db_file, "--attack", "G7", "--target", "Russia")
    assert codes(payload["attackers"]) == G7_2025
    note = [n for n in payload["notes"] if n.startswith("G7 (Group of Seven) is a coalition, preset")]
    assert note and "7 members" in note[0] and "source:" in note[0] and "consilium.europa.eu" in note[0]
    # the same preset in 1980 holds the German Federal Republic (260), not Germany (255)
    older = scenario(real_db_file, "--attack", "g7", "--target", "Russia", on="1980-01-01")
    assert codes(older["attackers"]) == (G7_2025 - {255}) | {260}


def test_a_preset_as_supporters_stays_out_of_the_fighting(real_db_file):
    payload = scenario(real_db_file, "--attack", "Ukraine", "--supporters", "Five Eyes", "--target", "Russia")
    assert codes(payload["supporters"]) == FIVE_EYES
    fighting = set(payload["sides"]["attacker"]["members"]) | set(payload["sides"]["target"]["members"])
    assert not fighting & FIVE_EYES
    assert any(n.startswith("Five Eyes") and "National Security Agency" in n for n in payload["notes"])
    assert {s["ccode"]: s["status"] for s in payload["states"]}[731] == "obliged"


def test_the_west_is_labelled_as_a_working_definition(real_db_file):
    payload = scenario(real_db_file, "--attack", "the West", "--target", "Russia")
    attackers = codes(payload["attackers"])
    assert len(attackers) == 40 and {2, 205, 305, 352, 338, 740, 732, 900, 920} <= attackers
    note = next(n for n in payload["notes"] if n.startswith("the West"))
    assert "working definition, no source claimed" in note and "NATO (32 members)" in note
    # before Austria's EU accession the definition does not hold it
    assert 305 not in codes(scenario(real_db_file, "--attack", "the West", "--target", "Russia",
                                     on="1990-01-01")["attackers"])


def test_every_preset_is_sourced_or_labelled():
    assert {c.name for c in presets()} >= {"G7", "Five Eyes", "the West"}
    for c in presets():
        assert c.source or (c.definition and "no source claimed" in c.definition), c.name


def test_a_preset_outside_its_span_is_an_error(real_db_file):
    result = invoke(real_db_file, "--attack", "G7", "--target", "Russia", on="1950-01-01")
    assert result.exit_code == 2 and "--attack" in result.output and "1976-06-27" in result.output


def test_a_coalition_file_usable_anywhere_an_actor_is(real_db_file, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("Baltics: [Estonia, Latvia, Lithuania]\n"
                    "coalitions:\n"
                    "  - name: Axis of upheaval\n"
                    "    members: [Russia, China, Iran, 'Korea, North']\n"
                    "    from: 2022-02-24\n"
                    "    source: my reading\n", encoding="utf-8")
    payload = scenario(real_db_file, "--coalitions", str(path), "--attack", "Baltics", "--target",
                       "Axis of upheaval", "--supporters", "G7")
    assert codes(payload["attackers"]) == {366, 367, 368}
    assert codes(payload["targets"]) == {365, 710, 630, 731}
    assert codes(payload["supporters"]) == G7_2025
    assert any(n.startswith("Baltics is a coalition, defined in mine.yaml") for n in payload["notes"])
    assert any("Axis of upheaval" in n and "source: my reading" in n for n in payload["notes"])


def test_a_bad_coalition_file_names_file_line_entry_and_field(real_db_file, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("Baltics: [Estonia, Latvia, Lithuania]\n"
                    "Nordics:\n"
                    "  members: [Denmark, Norway, Sweden]\n"
                    "  from: 2025-13-01\n", encoding="utf-8")
    result = invoke(real_db_file, "--coalitions", str(path), "--attack", "Nordics", "--target", "Russia")
    assert result.exit_code == 2
    assert "--coalitions: bad.yaml, line 4, entry 'Nordics', field 'from'" in result.output
    path.write_text("Baltics: [Estonia, Latvia, Lithuania]\n"
                    "Nordics:\n"
                    "  members: [Denmark, Norway, Swden]\n", encoding="utf-8")
    result = invoke(real_db_file, "--coalitions", str(path), "--attack", "Baltics", "--target", "Russia")
    assert result.exit_code == 2
    assert "bad.yaml, line 3, entry 'Nordics', field 'members[2]': Unknown state 'Swden'" in result.output
    assert "Traceback" not in result.output


def test_a_coalition_named_like_a_state_or_organization_is_refused(real_db_file, tmp_path):
    path = tmp_path / "clash.yaml"
    path.write_text("Baltics: [Estonia, Latvia, Lithuania]\nGeorgia: [Armenia, Azerbaijan]\n", encoding="utf-8")
    result = invoke(real_db_file, "--coalitions", str(path), "--attack", "Baltics", "--target", "Russia")
    assert result.exit_code == 2
    assert "clash.yaml, line 2, entry 'Georgia'" in result.output and "state Georgia (372)" in result.output
    path.write_text("nato: [Armenia, Azerbaijan]\n", encoding="utf-8")
    result = invoke(real_db_file, "--coalitions", str(path), "--attack", "Armenia", "--target", "Russia")
    assert result.exit_code == 2 and "organization North Atlantic Treaty Organization" in result.output


def test_treaty_ids_stand_for_their_members_on_the_date(real_db_file):
    payload = scenario(real_db_file, "--attack", "atop:3180", "--target", "reg:russia-dprk-2024")
    attackers = codes(payload["attackers"])
    assert len(attackers) == 32 and {375, 380} <= attackers  # accessions through the register
    assert codes(payload["targets"]) == {365, 731}
    note = next(n for n in payload["notes"] if n.startswith("atop:3180 stands for the 32 states"))
    assert "in force on 2025-01-01" in note and "status presumed" in note
    # in 2000 NATO had 19 members; the 2024 treaty had none
    assert len(codes(scenario(real_db_file, "--attack", "atop:3180", "--target", "Russia",
                              on="2000-01-01")["attackers"])) == 19
    early = invoke(real_db_file, "--attack", "USA", "--target", "reg:russia-dprk-2024", on="2000-01-01")
    assert early.exit_code == 2 and "--target" in early.output and "no member in force" in early.output
    unknown = invoke(real_db_file, "--attack", "atop:999999", "--target", "Russia")
    assert unknown.exit_code == 2 and "--attack" in unknown.output and "Unknown treaty" in unknown.output


def test_the_api_body_takes_presets_and_inline_coalitions_within_bounds(real_db_file):
    from foedus.api import create_app

    base = {"on": "2025-01-01", "targets": ["Russia"]}
    with TestClient(create_app(real_db_file, token="")) as client:
        answer = client.post("/api/scenario", json={**base, "attackers": ["Ukraine"], "supporters": ["Five Eyes"]})
        assert answer.status_code == 200, answer.text
        assert codes(answer.json()["supporters"]) == FIVE_EYES
        defined = {"Baltics": ["Estonia", "Latvia", "Lithuania"],
                   "Helpers": {"members": ["Japan", "atop:3180"], "source": "test"}}
        answer = client.post("/api/scenario", json={**base, "attackers": ["Ukraine"], "supporters": ["Helpers"],
                                                    "coalitions": defined})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(codes(body["supporters"])) == 33 and {740, 2, 366} <= codes(body["supporters"])
        assert any(n.startswith("Helpers is a coalition, defined in the request body") and "source: test" in n
                   for n in body["notes"])
        answer = client.post("/api/scenario", json={**base, "attackers": ["Baltics"], "coalitions": defined})
        assert answer.status_code == 200, answer.text
        assert codes(answer.json()["attackers"]) == {366, 367, 368}
        too_many = {**base, "attackers": ["USA"], "coalitions": {f"c{i}": ["USA"] for i in range(21)}}
        bad = client.post("/api/scenario", json=too_many)
        assert bad.status_code == 422 and bad.json()["parameter"] == "coalitions", bad.text
        too_large = {**base, "attackers": ["USA"], "coalitions": {"big": ["USA"] * 61}}
        bad = client.post("/api/scenario", json=too_large)
        assert bad.status_code == 422 and "at most 60" in bad.text, bad.text
        clash = {**base, "attackers": ["CSTO"], "coalitions": {"csto": ["Armenia"]}}
        bad = client.post("/api/scenario", json=clash)
        assert bad.status_code == 422 and "refused" in bad.text and bad.json()["parameter"] == "coalitions"
        typo = {**base, "attackers": ["Mine"], "coalitions": {"Mine": ["Estonia", "Narnia"]}}
        bad = client.post("/api/scenario", json=typo)
        assert bad.status_code == 422 and "coalitions.Mine[1]" in bad.text and "Narnia" in bad.text
