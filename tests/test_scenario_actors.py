"""Actors beyond states (issue 16.2): organizations as attackers or targets, supporters judged against the
treaty's wording, and the attacker's own defence partners explained."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from foedus.cli import app

pytestmark = pytest.mark.realdata
runner = CliRunner()


def scenario(real_db_file, *args):
    result = runner.invoke(app, ["scenario", *args, "--on", "2025-01-01", "--json", "--db", real_db_file])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_code(payload):
    return {s["ccode"]: s for s in payload["states"]}


def test_supporters_are_not_attackers_under_the_2024_treaty(real_db_file):
    payload = scenario(real_db_file, "--attack", "Ukraine", "--supporters", "USA,GBR", "--target", "Russia")
    dprk = by_code(payload)[731]
    assert dprk["status"] == "obliged" and dprk["path"][-1]["article"] == "Art. 4"
    assert [s["ccode"] for s in payload["supporters"]] == [2, 200]
    members = payload["sides"]["attacker"]["members"] + payload["sides"]["target"]["members"]
    assert 2 not in members and 200 not in members
    findings = payload["supporters"][0]["findings"]
    art4 = [f for f in findings if "Art. 4" in f and "Russia–DPRK" in f]
    assert art4 and "not an attack under its wording" in art4[0] and "state of war" in art4[0]
    assert "not an attacker" in findings[-1]


def test_a_supporter_cannot_also_fight(real_db_file):
    result = runner.invoke(app, ["scenario", "--attack", "Ukraine", "--supporters", "Ukraine", "--target", "Russia",
                                 "--db", real_db_file])
    assert result.exit_code == 2 and "supporter" in result.output


def test_attack_by_an_organization_lists_its_members(real_db_file):
    payload = scenario(real_db_file, "--attack", "NATO", "--target", "Russia")
    attackers = {a["ccode"] for a in payload["attackers"]}
    assert len(attackers) == 32 and {2, 200, 375, 380} <= attackers  # Finland and Sweden by 2025
    note = [n for n in payload["notes"] if n.startswith("NATO stands for")]
    assert note and "32 members" in note[0] and "[register" in note[0]
    assert by_code(payload)[731]["status"] == "obliged"


def test_attackers_own_allies_are_told_why_their_pledges_do_not_apply(real_db_file):
    payload = scenario(real_db_file, "--attack", "Russia", "--target", "Ukraine")
    dprk = by_code(payload)[731]
    assert dprk["status"] != "obliged" and "does not apply: RUS is the attacker" in dprk["explanation"]
    note = [n for n in payload["notes"] if n.startswith("Russia is the attacker")]
    assert note and "North Korea" in note[0] and "Art. 4" in note[0]
