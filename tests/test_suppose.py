"""What-if overlays (issue 16.1) on the real data: the three example suppositions verbatim, --compare, the store
file untouched, the grammar's errors, the Python API and the HTTP scenario body."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus import suppose
from foedus.cli import app as cli_app
from foedus.errors import BadInputError

runner = CliRunner()

JOIN = "PRK joins CSTO from 2025-01-01"
PACT = "defense RUS CHN from 2026-01-01"
LEAVE = "ARM leaves CSTO 2026-01-01"
CSTO_OTHERS = {370, 371, 702, 703, 705}  # BLR, ARM, TAJ, KYR, KZK (Russia is obliged anyway)


def run(db: str, *args: str):
    return runner.invoke(cli_app, [*args, "--db", db])


def run_json(db: str, *args: str):
    result = run(db, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------- the grammar


@pytest.mark.parametrize(
    ("text", "kind", "states", "subject", "obligations"),
    [
        (JOIN, "join", ("PRK",), "CSTO", ()),
        (PACT, "treaty", ("RUS", "CHN"), None, ("defense",)),
        (LEAVE, "leave", ("ARM",), "CSTO", ()),
        ("defense,consultation USA 'Saudi Arabia' from 2027 until 2037 one-way", "treaty", ("USA", "Saudi Arabia"),
         None, ("defense", "consultation")),
        ("end NATO on 2030-01-01", "end", (), "NATO", ()),
        ("suspend USA PHL atop:3210 from 2026-01-01 until 2027-01-01", "suspend", ("USA", "PHL"), "atop:3210", ()),
        ("North Korea joins Collective Security Treaty Organization from 2025", "join", ("North Korea",),
         "Collective Security Treaty Organization", ()),
    ],
)
def test_grammar(text, kind, states, subject, obligations):
    s = suppose.parse(text)
    assert (s.kind, s.states, s.subject, s.obligations) == (kind, states, subject, obligations)
    assert s.label == f"HYPOTHETICAL: {' '.join(text.split())}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("PRK joins CSTO", "does not end with a date"),
        ("defense RUS from 2026-01-01", "at least two states"),
        ("attack RUS CHN from 2026", "does not start a supposition"),
        ("PRK joins CSTO from 2025-13-01", "not a valid date"),
        ("defense RUS CHN from 2026 until 2025", "not after"),
        ("defense,alliance RUS CHN from 2026", "unknown obligation type"),
        ("", "empty"),
    ],
)
def test_grammar_errors_name_the_option(text, says):
    with pytest.raises(BadInputError) as caught:
        suppose.parse(text)
    assert caught.value.parameter == "--suppose"
    assert says in str(caught.value)
    assert "PRK joins CSTO from 2025-01-01" in caught.value.fix


def test_file_form(tmp_path):
    path = tmp_path / "what_if.yaml"
    path.write_text(
        f"- {JOIN}\n"
        "- {state: ARM, leaves: CSTO, on: 2026-01-01}\n"
        "- {treaty: [defense, consultation], members: [RUS, 'People''s Republic of China'], from: 2026-01-01}\n"
        "- {end: NATO, on: 2030-01-01}\n"
        "- {suspend: [USA, PHL], from: 2026-01-01, until: 2027-01-01}\n",
        encoding="utf-8",
    )
    found = suppose.load_file(path)
    assert [s.kind for s in found] == ["join", "leave", "treaty", "end", "suspend"]
    assert found[2].states == ("RUS", "People's Republic of China")
    assert found[4].until.isoformat() == "2027-01-01"
    path.write_text("- {state: ARM, leaves: CSTO}\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="no 'from'"):
        suppose.load_file(path)


# --------------------------------------------------------------------------------------------- the CLI


def test_org_lists_the_dprk_marked_hypothetical(real_db_file):
    before = digest(real_db_file)
    found = run_json(real_db_file, "org", "CSTO", "--on", "2025-06-01", "--suppose", JOIN)
    members = {m["ccode"]: m for m in found["members"]}
    assert 731 in members and members[731]["since"] == "2025-01-01"
    assert members[731]["note"] == f"HYPOTHETICAL: {JOIN}"
    real = run_json(real_db_file, "org", "CSTO", "--on", "2025-06-01")
    assert 731 not in {m["ccode"] for m in real["members"]}
    assert digest(real_db_file) == before  # the store file is byte-identical after a supposition run


def test_scenario_obliges_csto_members_and_compare_counts_them(real_db_file):
    before = digest(real_db_file)
    args = ("scenario", "--attack", "USA", "--target", "PRK", "--on", "2025-06-01")
    real = run_json(real_db_file, *args)
    supposed = run_json(real_db_file, *args, "--suppose", JOIN)

    def obliged(result):
        return {s["ccode"] for s in result["states"] if s["side"] == "target" and s["status"] == "obliged"}

    assert CSTO_OTHERS <= obliged(supposed)
    assert not CSTO_OTHERS & obliged(real)
    by_code = {s["ccode"]: s for s in supposed["states"]}
    assert "HYPOTHETICAL: PRK joins CSTO" in by_code[370]["explanation"]
    assert any(step["source"]["kind"] == "supposition" and step["source"]["hypothetical"]
               for step in by_code[370]["path"])
    compared = run_json(real_db_file, *args, "--suppose", JOIN, "--compare")
    diff = compared["difference"]["obliged_target_side"]
    assert set(diff["added"]) == obliged(supposed) - obliged(real)
    assert diff["supposed"] - diff["baseline"] == len(diff["added"]) - len(diff["removed"])
    text = run(real_db_file, *args, "--suppose", JOIN, "--compare")
    assert text.exit_code == 0, text.output
    assert f"{len(diff['added'])} more states obliged to defend North Korea" in text.stdout
    assert digest(real_db_file) == before


def test_dyad_shows_supposed_defence_marked_hypothetical(real_db_file):
    found = run_json(real_db_file, "dyad", "RUS", "CHN", "--on", "2026-06-01", "--suppose", PACT)
    defence = [c for c in found["commitments"] if "defense" in c["obligations"]]
    assert {(c["from_ccode"], c["to_ccode"]) for c in defence} == {(365, 710), (710, 365)}
    for c in defence:
        assert c["source"] == {"kind": "supposition", "hypothetical": True, "entry": "supposition:1", "text": PACT}
        assert c["source_text"] == f"HYPOTHETICAL: {PACT}"
    real = run_json(real_db_file, "dyad", "RUS", "CHN", "--on", "2026-06-01")
    assert not [c for c in real["commitments"] if "defense" in c["obligations"]]
    assert all(c["source"]["kind"] != "supposition" for c in real["commitments"])


def test_org_without_armenia_and_its_treaty_ends_both_ways(real_db_file):
    found = run_json(real_db_file, "org", "CSTO", "--on", "2026-06-01", "--suppose", LEAVE)
    assert 371 not in {m["ccode"] for m in found["members"]}
    assert 365 in {m["ccode"] for m in found["members"]}
    before = run_json(real_db_file, "dyad", "ARM", "RUS", "--on", "2025-06-01", "--suppose", LEAVE)
    after = run_json(real_db_file, "dyad", "ARM", "RUS", "--on", "2026-06-01", "--suppose", LEAVE)
    assert {c["treaty_id"] for c in before["commitments"]} >= {"atop:4220"}
    assert "atop:4220" not in {c["treaty_id"] for c in after["commitments"]}
    compared = run_json(real_db_file, "org", "CSTO", "--on", "2026-06-01", "--suppose", LEAVE, "--compare")
    assert compared["difference"] == {"added": [], "removed": [371]}


def test_triads_compare(real_db_file):
    compared = run_json(real_db_file, "triads", "--on", "2026-06-01", "--among", "RUS,CHN,PRK", "--suppose", PACT,
                        "--compare")
    (triad,) = compared["difference"]["triads"]
    assert triad["members"] == [365, 710, 731]
    assert triad["baseline"]["kind"] == "open" and triad["supposed"]["kind"] == "closed"


def test_every_query_command_takes_suppose(real_db_file, tmp_path):
    what_if = tmp_path / "what_if.yaml"
    what_if.write_text(f"- {JOIN}\n- {PACT}\n", encoding="utf-8")
    commands = [
        ("obligations", "PRK", "--on", "2026-06-01"),
        ("history", "RUS", "PRK"),
        ("memberships", "PRK", "--on", "2026-06-01"),
        ("network", "--on", "2026-06-01", "--types", "defense"),
        ("blocs", "--on", "2026-06-01"),
        ("diff", "--from", "2024-06-01", "--to", "2026-06-01", "--around", "PRK"),
    ]
    for args in commands:
        found = run_json(real_db_file, *args, "--suppose-file", str(what_if))
        assert "supposition" in json.dumps(found) or args[0] in ("blocs", "memberships"), args
    memberships = run_json(real_db_file, "memberships", "PRK", "--on", "2026-06-01", "--suppose-file", str(what_if))
    assert "csto" in {m["org_id"] for m in memberships["memberships"]}
    out = tmp_path / "dyads.csv"
    result = run(real_db_file, "panel", "dyad-years", "--out", str(out), "--since", "2026", "--through", "2026",
                 "--add", "register", "--suppose", PACT)
    assert result.exit_code == 0, result.output
    import pandas as pd

    frame = pd.read_csv(out)
    row = frame[(frame.ccode1 == 365) & (frame.ccode2 == 710) & (frame.year == 2026)]
    assert row.alliance_defense.iloc[0] == 1


def test_bad_supposition_is_exit_2_naming_the_option(real_db_file):
    result = run(real_db_file, "org", "CSTO", "--suppose", "PRK joins CSTO")
    assert result.exit_code == 2
    assert "--suppose" in result.stderr and "does not end with a date" in result.stderr
    result = run(real_db_file, "org", "CSTO", "--suppose", "Atlantis joins CSTO from 2025-01-01")
    assert result.exit_code == 2
    assert "--suppose" in result.stderr and "Atlantis" in result.stderr
    result = run(real_db_file, "org", "CSTO", "--suppose", "PRK joins Nowhere Pact from 2025-01-01")
    assert result.exit_code == 2 and "neither an organization" in result.stderr
    result = run(real_db_file, "org", "CSTO", "--suppose", "RUS joins CSTO from 2025-01-01")
    assert result.exit_code == 2 and "already a member" in result.stderr


# --------------------------------------------------------------------------------------------- the library


def test_end_and_suspend(real_db_file):
    from foedus.query.commitments import dyad, records
    from foedus.store import connect

    con = connect(real_db_file, read_only=True)
    try:
        with suppose.apply(con, ["end atop:3445 on 2026-01-01"]) as world:  # the 1961 PRC–DPRK treaty
            later = {r["treaty_id"] for r in records(dyad(world, 710, 731, "2026-06-01"))}
            earlier = {r["treaty_id"] for r in records(dyad(world, 710, 731, "2025-06-01"))}
        assert "atop:3445" in earlier and "atop:3445" not in later
        with suppose.apply(con, ["suspend USA PHL atop:3210 from 2026-01-01 until 2027-01-01"]) as world:
            during = {r["treaty_id"] for r in records(dyad(world, 2, 840, "2026-06-01"))}
            after = records(dyad(world, 2, 840, "2027-06-01"))
        assert "atop:3210" not in during
        resumed = [r for r in after if r["treaty_id"].startswith("reg:supposition-1-resumed")]
        assert len(resumed) == 2 and all("defense" in r["obligations"] for r in resumed)
        assert all(r["source"]["kind"] == "supposition" for r in resumed)
        real = {r["treaty_id"] for r in records(dyad(con, 2, 840, "2026-06-01"))}
        assert "atop:3210" in real  # the real world is untouched
    finally:
        con.close()


def test_compare_library(real_db_file):
    from foedus.store import connect

    con = connect(real_db_file, read_only=True)
    try:
        result = suppose.compare(con, [JOIN], "org", name="CSTO", on="2025-06-01")
        assert result.difference["added"] == [731]
        assert result.to_json()["suppositions"][0]["label"] == f"HYPOTHETICAL: {JOIN}"
        assert "joined: PRK" in result.text()
    finally:
        con.close()


def test_api_scenario_body_takes_suppose(real_db_file):
    from fastapi.testclient import TestClient

    from foedus.api import create_app

    with TestClient(create_app(real_db_file)) as client:
        body = {"attackers": ["USA"], "targets": ["PRK"], "on": "2025-06-01"}
        real = client.post("/api/scenario", json=body)
        supposed = client.post("/api/scenario", json={**body, "suppose": [JOIN]})
        bad = client.post("/api/scenario", json={**body, "suppose": ["PRK joins CSTO"]})
    assert real.status_code == supposed.status_code == 200
    obliged = {s["ccode"] for s in supposed.json()["states"] if s["status"] == "obliged"}
    assert CSTO_OTHERS <= obliged
    assert not CSTO_OTHERS & {s["ccode"] for s in real.json()["states"] if s["status"] == "obliged"}
    assert bad.status_code == 422
