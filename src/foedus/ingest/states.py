"""Importers for the state-system membership lists: COW (states2016.csv) and Gleditsch–Ward."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from foedus.ingest.table import Table
from foedus.ingest.write import DatasetWrite, write_dataset

COW_COLUMNS = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"]
GW_COLUMNS = ["gwcode", "stateabb", "statename", "startdate", "enddate"]
GW_DAT_NAMES = ["gwcode", "stateabb", "statename", "startdate", "enddate"]


def _check_order(table: Table, start: pd.Series, end: pd.Series, end_column: str) -> None:
    bad = (pd.to_datetime(end) < pd.to_datetime(start)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(i, end_column, f"membership ends ({end.iloc[i]}) before it starts ({start.iloc[i]})")


def _spells(system, codes, table, start, start_prec, end, end_prec) -> pd.DataFrame:
    end_ts = pd.to_datetime(end)
    return pd.DataFrame(
        {
            "system": system,
            "code": codes.astype("int64"),
            "start_date": start,
            "start_precision": start_prec,
            "end_date": end,
            "end_precision": end_prec,
            "censored": (end_ts == end_ts.max()).to_numpy(),
            "_line": table.line,
        }
    )


def _states(system: str, spells: pd.DataFrame, abbr: pd.Series, name: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"system": system, "code": spells["code"], "abbr": abbr, "name": name})
    return frame.drop_duplicates("code", keep="last").reset_index(drop=True)


def read_cow_states(path: Path) -> DatasetWrite:
    table = Table(path, COW_COLUMNS)
    codes = table.numbers("ccode")
    start, start_prec = table.partial_dates("styear", "stmonth", "stday")
    end, end_prec = table.partial_dates("endyear", "endmonth", "endday")
    _check_order(table, start, end, "endyear")
    version = table.text("version").iloc[0] if "version" in table.frame.columns and len(table) else "2016"
    spells = _spells("cow", codes, table, start, start_prec, end, end_prec)
    states = _states("cow", spells, table.text("stateabb"), table.text("statenme"))
    return DatasetWrite(
        dataset="COW states", version=str(version), files=[Path(path)], coverage_end=max(end),
        tables=[("state_spells", spells, Path(path))], plain=[("states", states, "system = ?", ["cow"])],
    )


def read_gw_states(path: Path) -> DatasetWrite:
    path = Path(path)
    if path.suffix == ".dat":  # official iisystem.dat: tab-separated, no header, dd:mm:yyyy dates
        table = Table(path, GW_COLUMNS, sep="\t", names=GW_DAT_NAMES)
        for column in ("startdate", "enddate"):
            parts = table.text(column).str.split(":", expand=True)
            if parts.shape[1] == 3:
                table.frame[column] = parts[2] + "-" + parts[1] + "-" + parts[0]
    else:
        table = Table(path, GW_COLUMNS)
    codes = table.numbers("gwcode")
    start, end = table.iso_dates("startdate"), table.iso_dates("enddate")
    _check_order(table, start, end, "enddate")
    spells = _spells("gw", codes, table, start, "day", end, "day")
    states = _states("gw", spells, table.text("stateabb"), table.text("statename"))
    return DatasetWrite(
        dataset="GW states", version="2017", files=[path], coverage_end=max(end),
        tables=[("state_spells", spells, path)], plain=[("states", states, "system = ?", ["gw"])],
    )


def import_cow_states(con, path: Path) -> int:
    return write_dataset(con, read_cow_states(path))


def import_gw_states(con, path: Path) -> int:
    return write_dataset(con, read_gw_states(path))
