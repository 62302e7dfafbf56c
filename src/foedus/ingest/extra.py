"""Importers for the datasets behind the backtest, the reliability figures and the joining model.

COW Direct Contiguity v3.2, COW capitals (peacesciencer), GML MIDs (participant, dispute and directed
dispute-year levels), COW Inter-State War v4.0 (directed dyad-years), Thompson–Dreyer strategic rivalries
and COW IGO v3 state-years. Each is one transaction (`write_dataset`); bad rows raise `InputFileError`
naming file, line and column; every stored row has a `sources` row (file and line).
Citations: `foedus.ingest.extra.CITATIONS` (dataset name -> reference).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.ingest.schema_extra import EXTRA_TABLES, ensure_extra_schema
from foedus.ingest.table import Table
from foedus.ingest.write import DatasetWrite, write_dataset


def _drop_orphans(con) -> None:
    """Rows of the extra tables whose source went with an earlier import of the same dataset."""
    for table in EXTRA_TABLES:
        con.execute(f"DELETE FROM {table} WHERE source_id NOT IN (SELECT source_id FROM sources)")


def _write(con, write: DatasetWrite) -> int:
    ensure_extra_schema(con)
    write.checks.append(_drop_orphans)
    return write_dataset(con, write)


def _flag(table: Table, column: str, missing: bool = False) -> pd.Series:
    values = table.numbers(column, missing=missing)
    bad = values.notna() & ~values.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise table.error(i, column, f"'{values.iloc[i]}' is not 0 or 1")
    return (values == 1).astype("boolean").where(values.notna(), None)


def _codes(table: Table, column: str) -> pd.Series:
    values = table.numbers(column)
    bad = (values < 1) | (values > 9999)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise table.error(i, column, f"'{values.iloc[i]}' is not a state code")
    return values.astype("int64")


def _in_range(table: Table, column: str, values: pd.Series, low: int, high: int, what: str) -> None:
    bad = values.notna() & ((values < low) | (values > high))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise table.error(i, column, f"'{values.iloc[i]}' is not {what} ({low}-{high})")


def _order(table: Table, start: pd.Series, end: pd.Series, column: str, end_precision=None) -> None:
    """End before start is an error; a coarse end (unknown day or month) is compared at its precision."""
    start_ts, end_ts = pd.to_datetime(start), pd.to_datetime(end)
    if end_precision is not None:
        by_month = start_ts.dt.to_period("M").dt.to_timestamp()
        by_year = start_ts.dt.to_period("Y").dt.to_timestamp()
        start_ts = start_ts.where(end_precision == "day", by_month.where(end_precision == "month", by_year))
    bad = (end_ts < start_ts).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(i, column, f"spell ends ({end.iloc[i]}) before it starts ({start.iloc[i]})")


def _version(table: Table, default: str) -> str:
    if "version" in table.frame.columns and len(table):
        return table.text("version").iloc[0] or default
    return default


def _year_end(years: pd.Series) -> dt.date:
    return dt.date(int(years.max()), 12, 31)


def read_contiguity(path: Path) -> DatasetWrite:
    table = Table(path, ["ccode1", "ccode2", "conttype", "stdate", "enddate"])
    conttype = table.numbers("conttype")
    _in_range(table, "conttype", conttype, 0, 5, "a contiguity type")
    start, end = table.iso_dates("stdate"), table.iso_dates("enddate")
    _order(table, start, end, "enddate")
    frame = pd.DataFrame({
        "code1": _codes(table, "ccode1"), "code2": _codes(table, "ccode2"), "conttype": conttype.astype("int64"),
        "start_date": start, "end_date": end, "_line": table.line,
    })
    return DatasetWrite("COW contiguity", _version(table, "3.2"), [Path(path)], max(end),
                        tables=[("contiguity", frame, Path(path))])


def read_capitals(path: Path) -> DatasetWrite:
    table = Table(path, ["ccode", "capital", "stdate", "enddate", "lat", "lng"])
    start, end = table.iso_dates("stdate"), table.iso_dates("enddate")
    _order(table, start, end, "enddate")
    lat = table.numbers("lat", integer=False)
    lng = table.numbers("lng", integer=False)
    _in_range(table, "lat", lat, -90, 90, "a latitude")
    _in_range(table, "lng", lng, -180, 180, "a longitude")
    names = table.text("statenme") if "statenme" in table.frame.columns else None
    frame = pd.DataFrame({
        "code": _codes(table, "ccode"), "name": names, "capital": table.text("capital"), "start_date": start,
        "end_date": end, "lat": lat.astype("float64"), "lng": lng.astype("float64"), "_line": table.line,
    })
    return DatasetWrite("COW capitals", _version(table, "peacesciencer"), [Path(path)], max(end),
                        tables=[("capitals", frame, Path(path))])


def read_mid_participants(path: Path) -> DatasetWrite:
    table = Table(path, ["dispnum", "ccode", "styear", "stmon", "stday", "endyear", "endmon", "endday", "sidea",
                         "hiact", "orig"])
    start, start_prec = table.partial_dates("styear", "stmon", "stday")
    end, end_prec = table.partial_dates("endyear", "endmon", "endday")
    _order(table, start, end, "endyear", end_prec)
    frame = pd.DataFrame({
        "dispnum": table.numbers("dispnum").astype("int64"), "code": _codes(table, "ccode"),
        "start_date": start, "start_precision": start_prec, "end_date": end, "end_precision": end_prec,
        "side_a": _flag(table, "sidea"), "hiact": table.numbers("hiact", missing=True),
        "originator": _flag(table, "orig"), "_line": table.line,
    })
    return DatasetWrite("GML MID participants", _version(table, "2.2.1"), [Path(path)],
                        _year_end(table.numbers("endyear")), tables=[("mid_participants", frame, Path(path))])


def read_mid_disputes(path: Path) -> DatasetWrite:
    table = Table(path, ["dispnum", "styear", "stmon", "outcome", "settle", "fatality", "mindur", "maxdur",
                         "hiact", "hostlev", "recip"])
    hostlev = table.numbers("hostlev")
    _in_range(table, "hostlev", hostlev, 1, 5, "a hostility level")
    frame = pd.DataFrame({
        "dispnum": table.numbers("dispnum").astype("int64"), "start_year": table.numbers("styear").astype("int64"),
        "start_month": table.numbers("stmon", missing=True),
        **{c: table.numbers(c, missing=True) for c in ("outcome", "settle", "fatality", "mindur", "maxdur",
                                                       "hiact")},
        "hostlev": hostlev, "recip": _flag(table, "recip", missing=True), "_line": table.line,
    })
    duplicated = frame.duplicated("dispnum").to_numpy()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise table.error(i, "dispnum", f"dispute {frame['dispnum'].iloc[i]} has two rows")
    return DatasetWrite("GML MID disputes", _version(table, "2.2.1"), [Path(path)],
                        _year_end(frame["start_year"]), tables=[("mid_disputes", frame, Path(path))])


def read_mid_dyad_years(path: Path) -> DatasetWrite:
    table = Table(path, ["dispnum", "ccode1", "ccode2", "year", "midonset", "sidea1", "sidea2"])
    optional = {c: table.numbers(c, missing=True) if c in table.frame.columns else None
                for c in ("hostlev", "fatality")}
    frame = pd.DataFrame({
        "dispnum": table.numbers("dispnum").astype("int64"), "code1": _codes(table, "ccode1"),
        "code2": _codes(table, "ccode2"), "year": table.numbers("year").astype("int64"),
        "onset": _flag(table, "midonset"), "side_a1": _flag(table, "sidea1"), "side_a2": _flag(table, "sidea2"),
        "orig1": _flag(table, "orig1", missing=True) if "orig1" in table.frame.columns else None,
        "orig2": _flag(table, "orig2", missing=True) if "orig2" in table.frame.columns else None,
        **optional, "_line": table.line,
    })
    version = _version(table, "gml-2.2.1")
    return DatasetWrite("GML MID dyad-years", version, [Path(path)], _year_end(frame["year"]),
                        tables=[("mid_dyad_years", frame, Path(path))])


def read_cow_wars(path: Path) -> DatasetWrite:
    table = Table(path, ["warnum", "ccode1", "ccode2", "year", "cowinteronset", "sidea1", "sidea2", "initiator1",
                         "initiator2", "outcome1", "outcome2", "batdeath1", "batdeath2"])
    sides = {c: table.numbers(c) for c in ("sidea1", "sidea2")}
    for column, values in sides.items():
        _in_range(table, column, values, 1, 2, "a side (1 or 2)")
    same = (sides["sidea1"] == sides["sidea2"]).to_numpy()
    if same.any():
        i = int(np.flatnonzero(same)[0])
        raise table.error(i, "sidea2", "both states of the dyad are on the same side")
    deaths = {}
    for column in ("batdeath1", "batdeath2"):
        values = table.numbers(column, missing=True, integer=False)
        deaths[column] = values.where(values >= 0).astype("float64")
    frame = pd.DataFrame({
        "war_num": table.numbers("warnum").astype("int64"), "code1": _codes(table, "ccode1"),
        "code2": _codes(table, "ccode2"), "year": table.numbers("year").astype("int64"),
        "onset": _flag(table, "cowinteronset"), "side1": sides["sidea1"], "side2": sides["sidea2"],
        "initiator1": _flag(table, "initiator1"), "initiator2": _flag(table, "initiator2"),
        "outcome1": table.numbers("outcome1", missing=True), "outcome2": table.numbers("outcome2", missing=True),
        "batdeath1": deaths["batdeath1"], "batdeath2": deaths["batdeath2"],
        "resume": _flag(table, "resume", missing=True) if "resume" in table.frame.columns else None,
        "_line": table.line,
    })
    return DatasetWrite("COW inter-state wars", _version(table, "4.0"), [Path(path)], _year_end(frame["year"]),
                        tables=[("cow_war_dyad_years", frame, Path(path))])


def read_rivalries(path: Path) -> DatasetWrite:
    table = Table(path, ["rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear"])
    start, end = table.numbers("styear"), table.numbers("endyear")
    bad = (end < start).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(i, "endyear", f"rivalry ends ({end.iloc[i]}) before it starts ({start.iloc[i]})")
    type_columns = [c for c in ("type1", "type2", "type3") if c in table.frame.columns]
    cleaned = {c: table.text(c).where(~table.text(c).isin(["", "NA"]), "") for c in type_columns}
    types = [[t for t in row if t] for row in zip(*cleaned.values(), strict=True)] if type_columns else \
        [[] for _ in range(len(table))]
    frame = pd.DataFrame({
        "rivalry_id": table.numbers("rivalryno").astype("int64"), "name": table.text("rivalryname"),
        "code1": _codes(table, "ccode1"), "code2": _codes(table, "ccode2"), "start_year": start.astype("int64"),
        "end_year": end.astype("int64"),
        "region": table.text("region") if "region" in table.frame.columns else None,
        "types": types, "_line": table.line,
    })
    return DatasetWrite("Thompson-Dreyer rivalries", _version(table, "2012"), [Path(path)], _year_end(end),
                        tables=[("rivalries", frame, Path(path))])


def read_igo(path: Path) -> DatasetWrite:
    columns = ["ccode", "year", "sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype"]
    table = Table(path, columns)
    frame = pd.DataFrame({
        "code": _codes(table, "ccode"), "year": table.numbers("year").astype("int64"),
        "full_members": table.numbers("sum_igo_full", missing=True),
        "associate": table.numbers("sum_igo_associate", missing=True),
        "observer": table.numbers("sum_igo_observer", missing=True),
        "any_type": table.numbers("sum_igo_anytype", missing=True), "_line": table.line,
    })
    duplicated = frame.duplicated(["code", "year"]).to_numpy()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise table.error(i, "year", f"state {frame['code'].iloc[i]} has two rows for {frame['year'].iloc[i]}")
    return DatasetWrite("COW IGO", _version(table, "3.0"), [Path(path)], _year_end(frame["year"]),
                        tables=[("igo_state_years", frame, Path(path))])


def import_contiguity(con, path: Path) -> int:
    return _write(con, read_contiguity(path))


def import_capitals(con, path: Path) -> int:
    return _write(con, read_capitals(path))


def import_mid_participants(con, path: Path) -> int:
    return _write(con, read_mid_participants(path))


def import_mid_disputes(con, path: Path) -> int:
    return _write(con, read_mid_disputes(path))


def import_mid_dyad_years(con, path: Path) -> int:
    return _write(con, read_mid_dyad_years(path))


def import_cow_wars(con, path: Path) -> int:
    return _write(con, read_cow_wars(path))


def import_rivalries(con, path: Path) -> int:
    return _write(con, read_rivalries(path))


def import_igo(con, path: Path) -> int:
    return _write(con, read_igo(path))
