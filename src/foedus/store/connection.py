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
    except duckdb.Error as exc:
        raise _classify(exc, shown) from None
    try:
        check_schema(con, shown)
    except BaseException:
        con.close()
        raise
    return con


def literal(value) -> str:
    """`value` (None, bool, int, float, date, or text) as a SQL literal, for the few queries the command line runs
    at start-up: DuckDB imports pandas and numpy the first time it binds a Python parameter (about 0.4 s CPU), so
    those queries carry their values inline. Text is quoted with its quotes doubled (no other character is special
    in a SQL string); anything else is refused."""
    import datetime as dt
    import math

    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, dt.datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


ATTACHED = "foedus"
"""The catalog name of the file in an isolated reader (:func:`open_isolated_reader`)."""


def _classify(exc: Exception, shown: str) -> Exception:
    if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
        return DatabaseBusyError(shown)
    return DatabaseDamagedError(shown, damaged_reason(exc))


def open_isolated_reader(path: str, shown: str | None = None) -> duckdb.DuckDBPyConnection:
    """Like :func:`open_reader`, in a DuckDB instance of its own (an in-memory one with the file attached
    read-only as ``foedus`` and made the default catalog).

    ``duckdb.connect(path)`` hands out the instance this process already has open for `path`, so after the
    file was replaced it would still read the old one. The server opens each new file this way; cursors of
    the connection must run ``USE foedus`` first (:func:`use_attached`).
    """
    shown = shown or path
    if not Path(path).is_file():
        raise DatabaseMissingError(shown)
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS {ATTACHED} (READ_ONLY)")
        use_attached(con)
        check_schema(con, shown)
    except duckdb.Error as exc:
        con.close()
        raise _classify(exc, shown) from None
    except BaseException:
        con.close()
        raise
    return con


def use_attached(cur) -> None:
    """Make the attached file the default catalog of `cur` (a cursor of an isolated reader)."""
    cur.execute(f"USE {ATTACHED}")


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
    except duckdb.Error as exc:
        raise _classify(exc, shown or target) from None
    ensure_schema(con, shown or target)
    return con
