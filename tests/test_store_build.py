"""The all-or-nothing import (foedus.store.build), read-only readers, the atomic file writer, damaged files.

These use the small hand-written world of tests/fixture_files.py, never the real data.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.atomic import atomic_path, write_atomic, write_text_atomic
from foedus.cli import app as cli_app
from foedus.errors import BadInputError, FoedusError
from foedus.store import connect
from foedus.store.build import building_path, leftovers, lock_path, read_build, rebuild
from foedus.store.errors import DatabaseDamagedError, DatabaseMissingError, ImportBusyError, SchemaMismatchError
from tests.fixture_files import write_dataset_dir

runner = CliRunner()


@pytest.fixture()
def world(tmp_path) -> tuple[Path, Path]:
    return write_dataset_dir(tmp_path / "data"), tmp_path / "db" / "foedus.duckdb"


def build_id(db: Path) -> str:
    con = connect(str(db), read_only=True)
    try:
        return read_build(con)["build_id"]
    finally:
        con.close()


def test_rebuild_records_the_build_and_leaves_nothing_beside_the_file(world):
    data, db = world
    result = rebuild(db, data)
    assert db.is_file() and result.counts["ATOP"] > 0 and result.counts["register"] > 0
    con = connect(str(db), read_only=True)
    try:
        build = read_build(con)
        datasets = {row[0] for row in con.execute("SELECT dataset FROM imports").fetchall()}
    finally:
        con.close()
    assert build["build_id"] == result.build_id and build["built_at"].endswith("Z")
    assert build["data_dir"] == str(data.resolve()) and build["build_kind"] == "full"
    files = {f["file"]: f["sha256"] for f in build["build_files"]}
    assert {"atop4_01m.csv", "atop4_01a.csv"} <= set(files) and all(len(d) == 64 for d in files.values())
    assert {"ATOP", "COW states", "register"} <= datasets
    assert sorted(p.name for p in db.parent.iterdir()) == ["foedus.duckdb", "foedus.duckdb.lock"]


def test_a_failed_build_leaves_the_old_file_untouched(world, monkeypatch):
    data, db = world
    first = rebuild(db, data, register=False)
    before = db.read_bytes()

    def broken(_building):
        raise RuntimeError("the machine fell over")

    with pytest.raises(RuntimeError):
        rebuild(db, data, register=False, before_swap=broken)
    assert db.read_bytes() == before and build_id(db) == first.build_id
    assert leftovers(db) == []  # the half-built file was removed


def test_leftover_building_files_are_removed_by_the_next_import(world):
    data, db = world
    rebuild(db, data, register=False)
    stale = building_path(db, 999999)
    stale.write_bytes(b"half a database")
    stale.with_name(stale.name + ".wal").write_bytes(b"x")
    second = rebuild(db, data, register=False)
    assert leftovers(db) == [] and build_id(db) == second.build_id


def test_a_second_import_at_once_is_refused_clearly(world):
    data, db = world
    rebuild(db, data, register=False)
    fd = os.open(lock_path(db), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running import holds it
    try:
        with pytest.raises(ImportBusyError) as caught:
            rebuild(db, data, register=False)
        assert isinstance(caught.value, BadInputError) and "is running" in str(caught.value)
        result = runner.invoke(cli_app, ["data", "import", "--db", str(db), "--data-dir", str(data)])
        assert result.exit_code == 2 and "another `foedus data import`" in result.output
        assert result.output.count("error:") == 1
    finally:
        os.close(fd)
    assert rebuild(db, data, register=False).build_id  # free again


def test_bad_directories_name_the_option(world, tmp_path):
    _, db = world
    with pytest.raises(BadInputError) as missing:
        rebuild(db, tmp_path / "nowhere")
    assert missing.value.parameter == "--data-dir"
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInputError, match="no known dataset files"):
        rebuild(db, tmp_path / "empty")
    with pytest.raises(BadInputError, match=":memory:"):
        rebuild(":memory:", tmp_path)
    assert not db.exists()


def test_register_load_keeps_the_datasets_and_swaps(world):
    data, db = world
    first = rebuild(db, data, register=False)
    result = runner.invoke(cli_app, ["register", "load", "--db", str(db)])
    assert result.exit_code == 0, result.output
    con = connect(str(db), read_only=True)
    try:
        build = read_build(con)
        atop = con.execute("SELECT rows FROM imports WHERE dataset = 'ATOP'").fetchone()[0]
    finally:
        con.close()
    assert build["build_id"] != first.build_id and build["build_kind"] == "register"
    assert atop == first.counts["ATOP"] and build["data_dir"] == str(data.resolve())
    assert {f["dataset"] for f in build["build_files"]} >= {"ATOP", "register"}


def test_readers_create_nothing_and_say_what_is_wrong(tmp_path):
    missing = tmp_path / "none.duckdb"
    with pytest.raises(DatabaseMissingError, match="foedus data import"):
        connect(str(missing), read_only=True)
    assert not missing.exists()
    foreign = tmp_path / "foreign.duckdb"
    import duckdb

    duckdb.connect(str(foreign)).close()
    with pytest.raises(SchemaMismatchError, match="rebuild it with `foedus data import`"):
        connect(str(foreign), read_only=True)
    old = tmp_path / "old.duckdb"
    con = connect(str(old))
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(SchemaMismatchError) as caught:
        connect(str(old), read_only=True)
    assert "--fresh" not in str(caught.value) and "version 0" in str(caught.value)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_a_damaged_file_says_so_and_how_to_rebuild(world, damage):
    data, db = world
    rebuild(db, data, register=False)
    content = db.read_bytes()
    if damage == "truncate":
        db.write_bytes(content[: len(content) // 3])
    elif damage == "garbage":
        db.write_bytes(b"not a database " * 100)
    else:
        db.write_bytes(b"")
    with pytest.raises(DatabaseDamagedError) as caught:
        connect(str(db), read_only=True)
    assert isinstance(caught.value, FoedusError) and "damaged" in str(caught.value)
    for args in (["dyad", "365", "731", "--on", "1990-01-01", "--json"], ["data", "status", "--json"]):
        result = runner.invoke(cli_app, [*args, "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert "damaged" in result.output and "foedus data import" in result.output
        assert "Traceback" not in result.output and result.output.count("error:") == 1
    assert rebuild(db, data, register=False).counts["ATOP"] > 0  # and the rebuild replaces it
    assert build_id(db)


def test_data_status_shows_the_build(world):
    data, db = world
    built = rebuild(db, data, register=False)
    result = runner.invoke(cli_app, ["data", "status", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["build"]["build_id"] == built.build_id and status["build"]["built_at"] == built.built_at
    assert status["build"]["data_dir"] == str(data.resolve())
    assert {f["file"] for f in status["build"]["files"]} >= {"atop4_01m.csv", "atop4_01a.csv"}
    atop = next(d for d in status["datasets"] if d["dataset"] == "ATOP")
    assert atop["rows"] == built.counts["ATOP"] and len(atop["sha256"].split(", ")[0]) == 64


def test_cli_import_json(world):
    data, db = world
    result = runner.invoke(cli_app, ["data", "import", "--db", str(db), "--data-dir", str(data), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["counts"]["ATOP"] > 0 and payload["build_id"] == build_id(db)


# ---------------------------------------------------------------------------------- the atomic writer


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out" / "table.csv"
    write_text_atomic(target, "a,b\n1,2\n")
    assert target.read_text() == "a,b\n1,2\n"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # what open() gives, not mkstemp's private 0600

    def half(tmp: Path):
        tmp.write_text("a,b\n3,")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, half)
    assert target.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]  # no .tmp left behind


def test_atomic_path_keeps_the_suffix_for_format_sniffing_writers(tmp_path):
    target = tmp_path / "figure.svg"
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".svg" and tmp.parent == tmp_path and ".tmp" in tmp.name
        tmp.write_text("<svg/>")
    assert target.read_text() == "<svg/>"

    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "never.csv") as tmp:
        tmp.unlink()  # a writer that produced nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.svg"]
