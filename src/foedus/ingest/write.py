"""Write one dataset into the store as a single transaction, replacing any earlier import of it."""

from __future__ import annotations

import datetime as dt
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


def write_dataset(con, write: DatasetWrite) -> int:
    """Store `write` atomically: old rows of the dataset go, new rows come, or nothing changes."""
    con.execute("BEGIN TRANSACTION")
    try:
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
            con.register("_incoming_sources", sources)
            con.execute(
                "INSERT INTO sources (source_id, kind, dataset, version, file, line) "
                "SELECT source_id, kind, dataset, version, file, line FROM _incoming_sources"
            )
            con.unregister("_incoming_sources")
            _insert(con, table, rows)
            total += len(rows)
        for table, frame, where, params in write.plain:
            con.execute(f"DELETE FROM {table} WHERE {where}", params)
            _insert(con, table, frame)
        for check in write.checks:
            check(con)
        con.execute("DELETE FROM imports WHERE dataset = ?", [write.dataset])
        con.execute(
            "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, now())",
            [
                write.dataset,
                write.version,
                ", ".join(p.name for p in write.files),
                ", ".join(sha256(p) for p in write.files),
                total,
                write.coverage_end,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total


def _insert(con, table: str, frame: pd.DataFrame) -> None:
    con.register("_incoming", frame)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _incoming")
    con.unregister("_incoming")
