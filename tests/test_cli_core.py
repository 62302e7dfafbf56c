"""The CLI's core commands and their --json contracts, on the real data."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from foedus.cli import app

runner = CliRunner()
REQUIRED = {"from_ccode", "to_ccode", "obligations", "conditions", "treaty_id", "source"}


def run(*args):
    result = runner.invoke(app, list(args))
    return result


def test_dyad_json_contract(real_db_file):
    result = run("dyad", "USA", "Japan", "--on", "1990-01-01", "--json", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["on"] == "1990-01-01"
    assert payload["commitments"]
    for record in payload["commitments"]:
        assert REQUIRED <= set(record)
        assert set(record["obligations"]) <= {"defense", "offense", "neutrality", "nonaggression", "consultation"}
    us = [r for r in payload["commitments"] if r["from_ccode"] == 2 and r["treaty_id"] == "atop:3375"]
    jp = [r for r in payload["commitments"] if r["from_ccode"] == 740 and r["treaty_id"] == "atop:3375"]
    assert "defense" in us[0]["obligations"] and "defense" not in jp[0]["obligations"]


def test_obligations_json_has_coverage_end_after_coverage(real_db_file):
    result = run("obligations", "North Korea", "--on", "2020-01-01", "--json", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    atop = [r for r in payload["commitments"] if r["treaty_id"].startswith("atop:")]
    assert atop and all(r["coverage_end"] == "2016-12-31" for r in atop)


def test_treaty_command(real_db_file):
    result = run("treaty", "3445", "--json", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {m["ccode"] for m in payload["members"]} == {710, 731}
    table = run("treaty", "atop:3445", "--db", real_db_file)
    assert table.exit_code == 0 and "China" in table.stdout


def test_bad_input_is_a_clear_error(real_db_file):
    unknown = run("dyad", "Atlantis", "PRK", "--db", real_db_file)
    assert unknown.exit_code == 2 and "Unknown state 'Atlantis'" in unknown.output
    bad_date = run("obligations", "PRK", "--on", "2010-13-01", "--db", real_db_file)
    assert bad_date.exit_code == 2 and "--on" in bad_date.output
    no_treaty = run("treaty", "99999", "--db", real_db_file)
    assert no_treaty.exit_code == 2 and "Unknown treaty" in no_treaty.output


def test_briefing_runs(real_db_file):
    result = run("briefing", "--on", "2010-06-01", "--db", real_db_file)
    assert result.exit_code == 0, result.output
    assert "North Korea" in result.stdout and "atop:4940" in result.stdout


def test_the_lazy_console_works_as_rich_progress_console():
    """`foedus data import` on a terminal drives a rich Progress, which enters its console as a context manager."""
    import io

    from rich.progress import Progress

    from foedus.cli.common import LazyConsole

    lazy = LazyConsole(file=io.StringIO(), force_terminal=True, width=60)
    with Progress(console=lazy) as bar:
        task = bar.add_task("step", total=2)
        bar.advance(task, 2)
    assert "step" in lazy.file.getvalue()
