"""Open the DuckDB store.

Readers open the file read-only (:func:`connect` with ``read_only=True``, or :func:`open_reader`): any
number of processes can read at once, and nothing a reader does can block another reader or an import,
because an import never writes the live file (it builds a new one and renames it over the old, see
:mod:`foedus.store.build`). A read-only open creates nothing: a missing, damaged or foreign file is an error
that says how to rebuild it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from foedus.config import db_path
from foedus.store.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DatabaseMissingError,
    damaged_reason,
)
from foedus.store.schema import check_schema, ensure_schema


def open_reader(path: str, shown: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file at `path`, its schema version checked.

    `shown` is how messages name the file (default: the path). Raises :class:`DatabaseMissingError`,
    :class:`DatabaseDamagedError`, :class:`DatabaseBusyError` or :class:`SchemaMismatchError`.
    """
    shown = shown or path
    if not Path(path).is_file():
        raise DatabaseMissingError(shown)
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(shown) from None
        raise DatabaseDamagedError(shown, damaged_reason(exc)) from None
    except duckdb.Error as exc:
        raise DatabaseDamagedError(shown, damaged_reason(exc)) from None
    try:
        check_schema(con, shown)
    except BaseException:
        con.close()
        raise
    return con


def connect(path: str | None = None, read_only: bool = False, shown: str | None = None
            ) -> duckdb.DuckDBPyConnection:
    """Open the store at `path`, FOEDUS_DB or the default; ':memory:' for tests.

    ``read_only=True``: see :func:`open_reader` (nothing is created). Otherwise the file is opened for
    writing and the schema created when missing: only the import's builder and tests do that.
    """
    target = db_path(path)
    if target == ":memory:":
        con = duckdb.connect(":memory:")
        ensure_schema(con)
        return con
    if read_only:
        return open_reader(target, shown)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusyError(shown or target) from None
        raise DatabaseDamagedError(shown or target, damaged_reason(exc)) from None
    ensure_schema(con, shown or target)
    return con
