"""The root command: lazy sub-commands (start-up), one line per error, --debug for the traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import foedus.store
from foedus.cli import COMMANDS, all_commands
from foedus.cli import app as cli_app
from foedus.store.build import rebuild
from tests.fixture_files import write_dataset_dir

runner = CliRunner()


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("cli")
    db = tmp / "foedus.duckdb"
    rebuild(db, write_dataset_dir(tmp / "data"), register=False)
    return str(db)


def test_the_lazy_table_lists_every_command():
    listed = {name for names in COMMANDS.values() for name in names}
    real = all_commands()
    assert set(real) == listed, "update COMMANDS in src/foedus/cli/__init__.py"
    assert all(text and len(text) < 110 for names in COMMANDS.values() for text in names.values())


def _modules_after(*args: str) -> list[str]:
    code = ("import sys; from foedus.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    return done.stderr.split()


def test_help_imports_no_sub_command_and_nothing_heavy():
    modules = _modules_after("--help")
    assert "foedus.cli" in modules
    assert not [m for m in modules if m.startswith("foedus.cli.")]
    assert not {"pandas", "numpy", "duckdb", "scipy", "matplotlib", "networkx", "pydantic"} & set(modules)


def test_a_command_imports_only_its_own_module(small_db):
    modules = _modules_after("dyad", "365", "731", "--on", "1990-01-01", "--json", "--db", small_db)
    own = {m for m in modules if m.startswith("foedus.cli.")}
    assert "foedus.cli.queries" in own
    assert not own & {"foedus.cli.network", "foedus.cli.panel", "foedus.cli.sanctions", "foedus.cli.serve"}
    assert not {"scipy", "matplotlib", "fastapi", "uvicorn"} & set(modules)


def test_a_sub_command_runs_after_lazy_loading(small_db):
    result = runner.invoke(cli_app, ["dyad", "365", "731", "--on", "1990-01-01", "--json", "--db", small_db])
    assert result.exit_code == 0, result.output
    assert [c["treaty_id"] for c in json.loads(result.stdout)["commitments"]] == ["atop:3440", "atop:3440"]
    help_text = runner.invoke(cli_app, ["dyad", "--help"])
    assert help_text.exit_code == 0 and "--json" in help_text.output


def test_bad_input_is_one_line_exit_2(small_db):
    result = runner.invoke(cli_app, ["dyad", "365", "731", "--on", "99999999999999999999", "--db", small_db])
    assert result.exit_code == 2
    assert result.output.count("error:") == 1 and "--on" in result.output and "Traceback" not in result.output


def test_a_bug_is_one_line_exit_1_and_debug_shows_the_traceback(small_db, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("an internal slip")

    monkeypatch.setattr(foedus.store, "connect", broken)
    args = ["dyad", "365", "731", "--db", small_db]
    result = runner.invoke(cli_app, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "bug in foedus" in lines[0] and "--debug" in lines[0]
    assert "RuntimeError: an internal slip" in lines[0] and "Traceback" not in result.output
    debug = runner.invoke(cli_app, ["--debug", *args])
    assert debug.exit_code == 1 and "Traceback" in debug.output and debug.output.count("error:") == 1


def test_a_missing_database_is_one_line(tmp_path):
    result = runner.invoke(cli_app, ["data", "status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and result.output.count("error:") == 1
    assert "foedus data import" in result.output and not (tmp_path / "none.duckdb").exists()
