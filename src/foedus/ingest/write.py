"""The one transactional row writer: rows go into the store in one transaction, or nothing changes.

* :func:`transaction` — ``with transaction(con): ...`` commits when the block ends, rolls back on any
  exception (KeyboardInterrupt included);
* :func:`insert_frame` / :func:`insert_rows` — append a DataFrame or a list of dicts to a table, by column
  name (inside the caller's transaction);
* :func:`record_import` — the ``imports`` row of a dataset (or the register);
* :func:`write_dataset` — one dataset's rows with their sources, replacing any earlier import of it.

``foedus.register.store`` can write the register with the same three pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from foedus.ingest.table import sha256

# Tables whose rows are tied to a source row, and so to a dataset.
FACT_TABLES = ("state_spells", "treaties", "commitments", "major_powers", "capabilities", "war_dyads")


@dataclass
class DatasetWrite:
    """Rows parsed from one dataset's files, ready to be stored."""

    dataset: str
    version: str
    files: list[Path]
    coverage_end: dt.date | None = None
    # table name -> (frame, file it came from); frames carry a `_line` column
    tables: list[tuple[str, pd.DataFrame, Path]] = field(default_factory=list)
    # rows for tables without sources (e.g. `states`): (table, frame, WHERE clause of the rows they replace, params)
    plain: list[tuple[str, pd.DataFrame, str, list]] = field(default_factory=list)
    checks: list = field(default_factory=list)  # callables(con) run before commit; raise to roll back


@contextmanager
def transaction(con) -> Iterator[None]:
    """One transaction on `con`: committed when the block ends, rolled back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


_temp_names = iter(range(1, 1 << 62))


def insert_frame(con, table: str, frame: pd.DataFrame) -> int:
    """Append `frame`'s rows to `table`, matching columns by name; returns the row count."""
    if frame.empty:
        return 0
    view = f"_incoming_{next(_temp_names)}"
    con.register(view, frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
    finally:
        con.unregister(view)
    return len(frame)


def insert_rows(con, table: str, rows: list[dict]) -> int:
    """Append dict rows (all with the same keys) to `table`; returns the row count."""
    return insert_frame(con, table, pd.DataFrame(rows)) if rows else 0


def record_import(con, dataset: str, version: str | None, files: str, digests: str, rows: int,
                  coverage_end: dt.date | None = None) -> None:
    """Replace `dataset`'s row in ``imports`` (inside the caller's transaction)."""
    con.execute("DELETE FROM imports WHERE dataset = ?", [dataset])
    con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, now())",
                [dataset, version, files, digests, rows, coverage_end])


def write_dataset(con, write: DatasetWrite) -> int:
    """Store `write` atomically: old rows of the dataset go, new rows come, or nothing changes."""
    with transaction(con):
        old = "SELECT source_id FROM sources WHERE kind = 'dataset' AND dataset = ?"
        for table in FACT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE source_id IN ({old})", [write.dataset])
        con.execute("DELETE FROM sources WHERE kind = 'dataset' AND dataset = ?", [write.dataset])
        next_id = con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()[0]
        total = 0
        for table, frame, path in write.tables:
            lines = frame["_line"].astype("int64").to_numpy()
            sources = pd.DataFrame(
                {
                    "source_id": range(next_id, next_id + len(frame)),
                    "kind": "dataset",
                    "dataset": write.dataset,
                    "version": write.version,
                    "file": Path(path).name,
                    "line": lines,
                }
            )
            rows = frame.drop(columns=["_line"]).assign(source_id=sources["source_id"].to_numpy())
            next_id += len(frame)
            insert_frame(con, "sources", sources)
            insert_frame(con, table, rows)
            total += len(rows)
        for table, frame, where, params in write.plain:
            con.execute(f"DELETE FROM {table} WHERE {where}", params)
            insert_frame(con, table, frame)
        for check in write.checks:
            check(con)
        record_import(con, write.dataset, write.version, ", ".join(p.name for p in write.files),
                      ", ".join(sha256(p) for p in write.files), total, write.coverage_end)
    return total


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    """Kept for callers of the earlier name: :func:`insert_frame`."""
    insert_frame(con, table, frame)
