"""Open the DuckDB store."""

from __future__ import annotations

from pathlib import Path

import duckdb

from foedus.config import db_path
from foedus.store.schema import ensure_schema


def connect(path: str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path`, FOEDUS_DB or the default; ':memory:' for tests."""
    target = db_path(path)
    if target != ":memory:" and not read_only:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only)
    if not read_only:
        ensure_schema(con)
    return con
