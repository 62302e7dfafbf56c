"""Shared fixtures: the real datasets in ../shared/data (required: tests fail, not skip, without them).

Markers (pyproject.toml): a test that uses the real datasets (any fixture built on ``shared_data``) is marked
``realdata`` automatically, and the browser tests ``e2e``, so ``pytest -m "not realdata and not e2e"`` runs the
rest. ``make test`` runs every test; a missing data directory fails the real-data tests, never skips them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.config import data_dir
from foedus.ingest.discover import import_directory
from foedus.store import connect


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realdata)
        if item.path.name.startswith("test_web_e2e"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def fixed_console_width(monkeypatch):
    """The CLI's rich consoles render at a fixed width in tests, whatever the terminal (COLUMNS) says:
    tests that read human output see the same wrapping everywhere; contracts are asserted on --json."""
    from foedus.cli import common

    for name in ("console", "errors"):
        target = getattr(common, name, None)
        if target is not None:
            monkeypatch.setattr(target, "width", 160)
    yield


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
