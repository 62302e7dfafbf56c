"""Importers for COW major powers (majors2016.csv) and National Material Capabilities (NMC)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.ingest.table import Table
from foedus.ingest.write import DatasetWrite, write_dataset

MAJORS_COLUMNS = ["ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
NMC_COLUMNS = ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def read_majors(path: Path) -> DatasetWrite:
    table = Table(path, MAJORS_COLUMNS)
    start, _ = table.partial_dates("styear", "stmonth", "stday")
    end, _ = table.partial_dates("endyear", "endmonth", "endday")
    bad = (pd.to_datetime(end) < pd.to_datetime(start)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(i, "endyear", "major-power spell ends before it starts")
    end_ts = pd.to_datetime(end)
    frame = pd.DataFrame(
        {
            "code": table.numbers("ccode").astype("int64"),
            "start_date": start,
            "end_date": end,
            "censored": (end_ts == end_ts.max()).to_numpy(),
            "_line": table.line,
        }
    )
    version = table.text("version").iloc[0] if "version" in table.frame.columns and len(table) else "2016"
    return DatasetWrite(
        dataset="COW major powers", version=str(version), files=[Path(path)], coverage_end=max(end),
        tables=[("major_powers", frame, Path(path))],
    )


def read_nmc(path: Path) -> DatasetWrite:
    table = Table(path, NMC_COLUMNS)
    frame = pd.DataFrame({"code": table.numbers("ccode").astype("int64"), "year": table.numbers("year")})
    for column in NMC_COLUMNS[2:]:
        values = table.numbers(column, missing=True, integer=False)
        frame[column] = values.where(values != -9).astype("float64")
    duplicated = frame.duplicated(["code", "year"]).to_numpy()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise table.error(i, "year", f"state {frame['code'].iloc[i]} has two rows for {frame['year'].iloc[i]}")
    frame["_line"] = table.line
    version = "7.0"
    if "version" in table.frame.columns and len(table):
        version = table.text("version").iloc[0] or version
    return DatasetWrite(
        dataset="COW NMC", version=str(version), files=[Path(path)],
        coverage_end=dt.date(int(frame["year"].max()), 12, 31),
        tables=[("capabilities", frame, Path(path))],
    )


def import_majors(con, path: Path) -> int:
    return write_dataset(con, read_majors(path))


def import_nmc(con, path: Path) -> int:
    return write_dataset(con, read_nmc(path))
