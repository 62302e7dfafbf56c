"""Directed commitments in force on a date.

A commitment row says what one member owes the other members of the same treaty phase
(ATOP's member-level convention). Pairing members of a phase gives directed commitments
A→B: A's obligations toward B. A commitment is in force on day D when entry <= D < exit.
A commitment still in force at the end of its dataset's coverage is reported for later
dates only with `status = "unknown_after_coverage"` and its `coverage_end`: the data end
there and no later status is assumed.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from foedus.dates import parse_date
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

_FLAG_SELECT = ", ".join(f"a.{flag}" for flag in CONDITION_FLAGS)
_OBLIGATION_SELECT = ", ".join(f"a.{name}" for name in OBLIGATIONS)

SQL = f"""
WITH live AS (
    SELECT * FROM commitments
    WHERE entry_date <= $on AND (exit_date IS NULL OR $on < exit_date)
)
SELECT
    a.member AS from_ccode, b.member AS to_ccode, a.treaty_id, a.phase,
    {_OBLIGATION_SELECT}, {_FLAG_SELECT}, a.obvary,
    greatest(a.entry_date, b.entry_date) AS since,
    least(a.exit_date, b.exit_date) AS until,
    a.coverage_end,
    CASE WHEN (a.exit_date IS NULL OR b.exit_date IS NULL) AND a.coverage_end < $on
         THEN 'unknown_after_coverage' ELSE 'in_force' END AS status,
    t.name AS treaty_name, t.dataset AS treaty_dataset,
    s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version,
    s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation
FROM live a
JOIN live b ON a.treaty_id = b.treaty_id AND a.phase = b.phase AND a.member <> b.member
LEFT JOIN treaties t ON t.treaty_id = a.treaty_id
JOIN sources s ON s.source_id = a.source_id
ORDER BY from_ccode, to_ccode, a.treaty_id, a.phase
"""


def directed_commitments(con, on: str | dt.date | None = None) -> pd.DataFrame:
    """Every directed commitment A→B in force on `on` (default today), one row per treaty phase."""
    day = parse_date(on, "on")
    return con.execute(SQL, {"on": day}).df()


def _for_state(frame: pd.DataFrame, code: int) -> pd.DataFrame:
    return frame[(frame.from_ccode == code) | (frame.to_ccode == code)].reset_index(drop=True)


def obligations(con, state: int, on: str | dt.date | None = None) -> pd.DataFrame:
    """Commitments in force on `on` that `state` owes or is owed, by partner."""
    frame = _for_state(directed_commitments(con, on), int(state))
    partner = frame.to_ccode.where(frame.from_ccode == int(state), frame.from_ccode)
    return frame.assign(_p=partner).sort_values(["_p", "from_ccode", "treaty_id"]).drop(columns="_p")


def dyad(con, a: int, b: int, on: str | dt.date | None = None) -> pd.DataFrame:
    """What A owes B and what B owes A on `on` (directed rows, A→B first)."""
    frame = directed_commitments(con, on)
    pair = frame[
        ((frame.from_ccode == int(a)) & (frame.to_ccode == int(b)))
        | ((frame.from_ccode == int(b)) & (frame.to_ccode == int(a)))
    ]
    return pair.assign(_first=pair.from_ccode != int(a)).sort_values(["_first", "treaty_id"]).drop(
        columns="_first"
    ).reset_index(drop=True)


def obligation_list(row) -> list[str]:
    return [name for name in OBLIGATIONS if bool(row[name])]


def condition_list(row) -> list[str]:
    out = []
    for flag, (obligation, condition) in CONDITION_FLAGS.items():
        value = row[flag]
        if value is not None and not pd.isna(value) and bool(value):
            out.append(f"{obligation}:{condition}")
    return out


def source_record(row) -> dict:
    record = {"kind": row["source_kind"], "dataset": row["source_dataset"], "version": row["source_version"]}
    if row["source_kind"] == "dataset":
        record.update(file=row["source_file"], line=int(row["source_line"]))
    else:
        record.update(entry=row["source_entry"], citation=row["source_citation"])
    return record


def source_text(source: dict) -> str:
    if source["kind"] == "dataset":
        return f"{source['dataset']} {source['version']}, {source['file']} line {source['line']}"
    return f"register {source['entry']}: {source.get('citation') or ''}".strip()


def _date(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date().isoformat()


def records(frame: pd.DataFrame, names=None) -> list[dict]:
    """The stable JSON records of directed commitments (see README, `--json`)."""
    out = []
    for row in frame.to_dict("records"):
        record = {
            "from_ccode": int(row["from_ccode"]),
            "to_ccode": int(row["to_ccode"]),
            "obligations": obligation_list(row),
            "conditions": condition_list(row),
            "treaty_id": row["treaty_id"],
            "treaty_name": row["treaty_name"] if isinstance(row["treaty_name"], str) else None,
            "phase": int(row["phase"]),
            "since": _date(row["since"]),
            "until": _date(row["until"]),
            "status": row["status"],
            "source": source_record(row),
        }
        if names is not None:
            record["from_name"] = names.name(record["from_ccode"])
            record["to_name"] = names.name(record["to_ccode"])
        if row["obvary"] is True:
            record["note"] = "ATOP obvary=1: this member's obligations vary by partner; the row may overstate them"
        if row["status"] == "unknown_after_coverage":
            record["coverage_end"] = _date(row["coverage_end"])
            record["note"] = (
                f"in force at end of {row['source_dataset']} {row['source_version']} coverage, "
                f"{record['coverage_end']}; later status unknown"
            )
        out.append(record)
    return out
