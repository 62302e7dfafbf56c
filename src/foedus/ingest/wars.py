"""Importer for the revised interstate wars with joiners (Reiter, Stam and Horowitz 2016).

One row per dyadic war and year; `joiner` marks dyads that joined an ongoing war.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from foedus.ingest.table import Table
from foedus.ingest.write import DatasetWrite, write_dataset

WAR_COLUMNS = [
    "larger_war_id", "larger_war_name", "init_war_id", "init_war_name", "year",
    "init_ccode", "target_ccode", "month_entry", "day_entry", "joiner",
]


def read_wars(path: Path) -> DatasetWrite:
    table = Table(path, WAR_COLUMNS)
    entry, precision = table.partial_dates("year", "month_entry", "day_entry")
    frame = pd.DataFrame(
        {
            "war_id": table.numbers("larger_war_id").astype("int64"),
            "war_name": table.text("larger_war_name"),
            "dyad_war_id": table.numbers("init_war_id").astype("int64"),
            "dyad_war_name": table.text("init_war_name"),
            "year": table.numbers("year").astype("int64"),
            "side_a": table.numbers("init_ccode").astype("int64"),
            "side_b": table.numbers("target_ccode").astype("int64"),
            "entry_date": entry,
            "entry_precision": precision,
            "joiner": (table.numbers("joiner") > 0).to_numpy(),
            "_line": table.line,
        }
    )
    version = table.text("version").iloc[0] if "version" in table.frame.columns and len(table) else "1"
    return DatasetWrite(
        dataset="Interstate wars (revised)", version=str(version), files=[Path(path)],
        coverage_end=pd.Timestamp(f"{int(frame['year'].max())}-12-31").date(),
        tables=[("war_dyads", frame, Path(path))],
    )


def import_wars(con, path: Path) -> int:
    return write_dataset(con, read_wars(path))
