"""Importer for ATOP member-level and alliance-level files (v4.01 and v5.x layouts).

Columns are selected by name; extra columns are kept in `treaties.attributes`.
Reference: Leeds et al. (2002); ATOP codebook v5.0 (atopdata.org).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.errors import InputFileError
from foedus.ingest.table import Table
from foedus.ingest.write import DatasetWrite, write_dataset
from foedus.store.schema import ATOP_EXTRA_CODES, CONDITION_FLAGS, SUMMARY_FLAGS

OBLIGATION_COLUMNS = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}
MEMBER_COLUMNS = [
    "atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit", "phase",
    *OBLIGATION_COLUMNS, *SUMMARY_FLAGS, *CONDITION_FLAGS, "asymm", "obvary",
]
ALLIANCE_COLUMNS = [
    "atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday", "bilat", "maxphase",
    *OBLIGATION_COLUMNS, "active", *SUMMARY_FLAGS, "asymm", "specthrt", "statthr1", "statthr2",
]
# ATOP admits states independent only by Gleditsch–Ward, and one code outside both lists
# (codebook v5.0 fn. 18: 8152 = Annam, ATOPID 1320): ATOP_EXTRA_CODES, kept in foedus.store.schema.
COVERAGE_END = {"4": dt.date(2016, 12, 31), "5": dt.date(2018, 12, 31)}


def _version(table: Table, path: Path) -> str:
    if "version" in table.frame.columns and len(table):
        raw = table.text("version").iloc[0]
        try:
            return f"{float(raw):.2f}".rstrip("0").rstrip(".") if "." in raw else raw
        except ValueError:
            pass
    match = re.search(r"atop(\d)_?(\d+)", path.name.lower())
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    raise InputFileError(str(path), "cannot tell the ATOP version (no 'version' column, no version in the name)")


def _coverage_end(version: str, path: Path) -> dt.date:
    major = version.split(".")[0]
    if major not in COVERAGE_END:
        raise InputFileError(str(path), f"unsupported ATOP version {version} (known: 4.x, 5.x)")
    return COVERAGE_END[major]


def _flags(table: Table, columns) -> dict[str, pd.Series]:
    out = {}
    for column in columns:
        values = table.numbers(column, missing=True)
        out[column] = (values.fillna(0) > 0).astype(bool).where(values.notna(), None)
    return out


def read_member_level(path: Path) -> tuple[pd.DataFrame, str, dt.date]:
    table = Table(path, MEMBER_COLUMNS)
    version = _version(table, Path(path))
    coverage_end = _coverage_end(version, Path(path))
    atopid = table.numbers("atopid")
    member = table.numbers("member")
    phase = table.numbers("phase")
    entry, entry_prec = table.partial_dates("yrent", "moent", "dayent")
    exit_date, exit_prec = table.partial_dates("yrexit", "moexit", "dayexit", open_ended=True)
    ended = exit_date.notna().to_numpy()
    before = ended & (pd.to_datetime(exit_date) < pd.to_datetime(entry)).to_numpy()
    if before.any():
        i = int(np.flatnonzero(before)[0])
        raise table.error(i, "yrexit", f"exit {exit_date.iloc[i]} is before entry {entry.iloc[i]}")
    frame = pd.DataFrame(
        {
            "treaty_id": "atop:" + atopid.astype(str),
            "phase": phase.astype("int64"),
            "member": member.astype("int64"),
            "entry_date": entry,
            "entry_precision": entry_prec,
            "exit_date": exit_date,
            "exit_precision": exit_prec,
            "coverage_end": coverage_end,
        }
    )
    for column, name in OBLIGATION_COLUMNS.items():
        frame[name] = (table.numbers(column, missing=True).fillna(0) > 0).to_numpy()
    for column, values in _flags(table, [*SUMMARY_FLAGS, *CONDITION_FLAGS, "asymm", "obvary"]).items():
        frame[column] = values.to_numpy()
    for column in ("termmode", "termcaus"):
        frame[column] = table.numbers(column, missing=True).to_numpy() if column in table.frame else None
    key = frame["treaty_id"] + ":" + frame["phase"].astype(str) + ":" + frame["member"].astype(str)
    key = key + ":" + frame["entry_date"].astype(str)
    frame.insert(0, "commitment_id", key + _dup_suffix(key))
    frame["_line"] = table.line
    frame.attrs["table"] = table
    return frame, version, coverage_end


def _dup_suffix(key: pd.Series) -> pd.Series:
    n = key.groupby(key).cumcount()
    return np.where(n > 0, ":" + n.astype(str), "")


def read_alliance_level(path: Path, version: str, coverage_end: dt.date) -> pd.DataFrame:
    table = Table(path, ALLIANCE_COLUMNS)
    atopid = table.numbers("atopid")
    begin, begin_prec = table.partial_dates("begyr", "begmo", "begday")
    end_raw, end_prec = table.partial_dates("endyr", "endmo", "endday", open_ended=True)
    member_columns = sorted(
        (c for c in table.frame.columns if re.fullmatch(r"mem\d+", c)), key=lambda c: int(c[3:])
    )
    members = pd.DataFrame({c: table.numbers(c, missing=True) for c in member_columns})
    member_lists = [
        [int(v) for v in row if not pd.isna(v) and int(v) > 0] for row in members.itertuples(index=False)
    ]
    known = set(ALLIANCE_COLUMNS) | set(member_columns)
    extra = [c for c in table.frame.columns if c not in known]
    attributes = [
        json.dumps({c: _scalar(v) for c, v in zip(extra, row, strict=True)})
        for row in table.frame[extra].itertuples(index=False)
    ]
    frame = pd.DataFrame(
        {
            "treaty_id": "atop:" + atopid.astype(str),
            "dataset": "ATOP",
            "version": version,
            "atopid": atopid.astype("int64"),
            "begin_date": begin,
            "begin_precision": begin_prec,
            "end_date": end_raw,
            "end_precision": end_prec,
            "coverage_end": coverage_end,
            "bilateral": (table.numbers("bilat", missing=True).fillna(0) > 0).to_numpy(),
            "maxphase": table.numbers("maxphase", missing=True),
        }
    )
    for column, name in OBLIGATION_COLUMNS.items():
        frame[name] = (table.numbers(column, missing=True).fillna(0) > 0).to_numpy()
    for column, values in _flags(table, ["active", *SUMMARY_FLAGS, "asymm"]).items():
        frame[column] = values.to_numpy()
    for column in ("specthrt", "statthr1", "statthr2"):
        frame[column] = table.numbers(column, missing=True)
    frame["members"] = member_lists
    frame["attributes"] = attributes
    frame["_line"] = table.line
    frame.attrs["table"] = table
    return frame


def _scalar(text: str):
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _check_members_known(member_frame: pd.DataFrame):
    table: Table = member_frame.attrs["table"]

    def check(con) -> None:
        known = {row[0] for row in con.execute("SELECT DISTINCT code FROM states").fetchall()}
        if not known:
            raise InputFileError(
                str(table.path), "no state list in the database: import COW or GW states before ATOP"
            )
        known |= set(ATOP_EXTRA_CODES)
        unknown = ~member_frame["member"].isin(known).to_numpy()
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise table.error(i, "member", f"unknown state code {member_frame['member'].iloc[i]}")

    return check


def read_atop(member_path: Path, alliance_path: Path) -> DatasetWrite:
    members, version, coverage_end = read_member_level(member_path)
    treaties = read_alliance_level(alliance_path, version, coverage_end)
    missing = ~members["treaty_id"].isin(set(treaties["treaty_id"])).to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise members.attrs["table"].error(
            i, "atopid", f"alliance {members['treaty_id'].iloc[i]} is not in {Path(alliance_path).name}"
        )
    return DatasetWrite(
        dataset="ATOP",
        version=version,
        files=[Path(member_path), Path(alliance_path)],
        coverage_end=coverage_end,
        tables=[("treaties", _plain(treaties), Path(alliance_path)),
                ("commitments", _plain(members), Path(member_path))],
        checks=[_check_members_known(members)],
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {}
    return out


def import_atop(con, member_path: Path, alliance_path: Path) -> int:
    return write_dataset(con, read_atop(member_path, alliance_path))
