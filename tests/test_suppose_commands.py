"""--suppose on the remaining query commands (issue 16: "--suppose on every query command"): treaty, briefing,
sscore, the plots and the one-date sweep answer in the supposed world, and the store file is never written."""

from __future__ import annotations

from tests.test_suppose import JOIN, LEAVE, PACT, digest, run, run_json


def test_treaty_shows_a_supposed_accession_as_hypothetical(real_db_file):
    before = digest(real_db_file)
    real = run_json(real_db_file, "treaty", "4220")
    supposed = run_json(real_db_file, "treaty", "4220", "--suppose", JOIN)
    assert 731 not in {m["ccode"] for m in real["members"]}
    rows = [m for m in supposed["members"] if m["ccode"] == 731]
    assert rows and rows[0]["entry"] == "2025-01-01"
    assert all(m["source"]["hypothetical"] for m in rows)
    assert all(not m["source"].get("hypothetical") for m in supposed["members"] if m["ccode"] != 731)
    assert digest(real_db_file) == before


def test_treaty_of_a_supposed_pact(real_db_file):
    result = run(real_db_file, "treaty", "reg:supposition-1", "--json")
    assert result.exit_code != 0  # no such treaty in the real world
    record = run_json(real_db_file, "treaty", "reg:supposition-1", "--suppose", PACT)
    assert record["source"]["hypothetical"] is True
    assert {m["ccode"] for m in record["members"]} == {365, 710}
    assert record["obligations"] == ["defense"]


def test_treaty_shows_a_supposed_exit(real_db_file):
    real = run_json(real_db_file, "treaty", "4220")
    supposed = run_json(real_db_file, "treaty", "4220", "--suppose", LEAVE)
    ends = [e for e in supposed["register"] if e["action"] == "termination" and e["source"].get("hypothetical")]
    assert not [e for e in real["register"] if e["source"].get("hypothetical")]
    assert len(ends) == 1 and ends[0]["date"] == "2026-01-01" and "ARM leaves CSTO" in ends[0]["note"]


def test_briefing_in_a_supposed_world(real_db_file):
    real = run(real_db_file, "briefing", "--on", "2026-06-01")
    supposed = run(real_db_file, "briefing", "--on", "2026-06-01", "--suppose", JOIN)
    assert real.exit_code == 0 and supposed.exit_code == 0, supposed.output
    assert "HYPOTHETICAL" not in real.stdout
    assert "[HYPOTHETICAL: PRK joins CSTO from 2025-01-01]" in supposed.stdout.replace("\n", " ")


def test_sscore_moves_with_a_supposed_pact(real_db_file):
    real = run_json(real_db_file, "sscore", "RUS", "CHN", "--year", "2026")
    supposed = run_json(real_db_file, "sscore", "RUS", "CHN", "--year", "2026", "--suppose", PACT)
    assert supposed["s"]["unweighted"] > real["s"]["unweighted"]


def test_plot_network_and_dyad_take_suppositions(real_db_file, tmp_path):
    out = tmp_path / "n.svg"
    result = run(real_db_file, "plot", "network", "--on", "2026-06-01", "--out", str(out), "--suppose", PACT)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    out = tmp_path / "d.svg"
    result = run(real_db_file, "plot", "dyad", "RUS", "CHN", "--from", "2020-01-01", "--out", str(out),
                 "--suppose", PACT)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


def test_sweep_on_one_date_takes_suppositions_and_the_range_refuses(real_db_file):
    supposed = run_json(real_db_file, "sweep", "--on", "2026-06-01", "--suppose", JOIN)
    real = run_json(real_db_file, "sweep", "--on", "2026-06-01")

    def defenders(answer, attacker, target):
        return [p["joiners_target_side"] for p in answer["pairs"]
                if p["attacker"] == attacker and p["target"] == target]

    # the DPRK attacked by the USA: its CSTO partners are bound in the supposed world only
    assert defenders(supposed, 2, 731)[0] > defenders(real, 2, 731)[0]
    refused = run(real_db_file, "sweep", "--from", "2020-01-01", "--to", "2021-01-01", "--suppose", JOIN)
    assert refused.exit_code == 2
    assert "--suppose" in refused.output
