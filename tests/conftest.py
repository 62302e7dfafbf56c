"""Shared fixtures: the real datasets in ../shared/data (required: tests fail, not skip, without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.store import connect


@pytest.fixture(scope="session")
def shared_data() -> Path:
    try:
        directory = data_dir()
    except FileNotFoundError as exc:
        pytest.fail(f"the real datasets are required: {exc}")
    if not (directory / "atop4_01_member_level.csv").exists():
        pytest.fail(f"{directory} lacks the ATOP files")
    return directory


@pytest.fixture(scope="session")
def real_store(shared_data):
    """An in-memory store with every shared dataset imported (read-only use, please)."""
    con = connect(":memory:")
    import_directory(con, shared_data)
    yield con
    con.close()


@pytest.fixture(scope="session")
def real_db_file(shared_data, tmp_path_factory) -> str:
    """A DuckDB file with the shared datasets, for CLI tests."""
    path = str(tmp_path_factory.mktemp("db") / "foedus.duckdb")
    con = connect(path)
    import_directory(con, shared_data)
    con.close()
    return path
