"""One treaty: its record, members and phases, provisions and sources."""

from __future__ import annotations

import json

import pandas as pd

from foedus.errors import FoedusError
from foedus.query.commitments import _date, condition_list, obligation_list, source_record


def normalise_treaty_id(text: str | int) -> str:
    """'3440', 'ATOP 3440' or 'atop:3440' -> 'atop:3440'; 'reg:...' kept."""
    raw = str(text).strip()
    if raw.isdigit():
        return f"atop:{raw}"
    lowered = raw.lower().replace(" ", ":")
    if lowered.startswith("atop:") and lowered[5:].isdigit():
        return lowered
    return raw


def treaty(con, treaty_id: str | int) -> dict:
    """The treaty record with members by phase; raises FoedusError when unknown."""
    tid = normalise_treaty_id(treaty_id)
    frame = con.execute(
        "SELECT t.*, s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, "
        "s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation "
        "FROM treaties t JOIN sources s USING (source_id) WHERE treaty_id = ?",
        [tid],
    ).df()
    if frame.empty:
        raise FoedusError(f"Unknown treaty '{treaty_id}' (looked for {tid})")
    row = frame.iloc[0].to_dict()
    members = con.execute(
        "SELECT c.*, s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, "
        "s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation "
        "FROM commitments c JOIN sources s USING (source_id) WHERE treaty_id = ? ORDER BY phase, entry_date, member",
        [tid],
    ).df()
    attributes = json.loads(row["attributes"]) if isinstance(row.get("attributes"), str) else {}
    return {
        "treaty_id": tid,
        "name": row["name"] if isinstance(row["name"], str) else None,
        "dataset": row["dataset"],
        "version": row["version"],
        "begin": _date(row["begin_date"]),
        "begin_precision": row["begin_precision"],
        "end": _date(row["end_date"]),
        "end_precision": row["end_precision"] if isinstance(row["end_precision"], str) else None,
        "coverage_end": _date(row["coverage_end"]),
        "bilateral": bool(row["bilateral"]),
        "obligations": obligation_list(row),
        "conditional": bool(row["conditio"]) if not pd.isna(row["conditio"]) else None,
        "asymmetric": bool(row["asymm"]) if not pd.isna(row["asymm"]) else None,
        "threat": {
            "specthrt": _int(row["specthrt"]),
            "statthr1": _int(row["statthr1"]),
            "statthr2": _int(row["statthr2"]),
        },
        "attributes": attributes,
        "source": source_record(row),
        "members": [
            {
                "ccode": int(m["member"]),
                "phase": int(m["phase"]),
                "entry": _date(m["entry_date"]),
                "entry_precision": m["entry_precision"],
                "exit": _date(m["exit_date"]),
                "exit_precision": m["exit_precision"] if isinstance(m["exit_precision"], str) else None,
                "obligations": obligation_list(m),
                "conditions": condition_list(m),
                "source": source_record(m),
            }
            for m in members.to_dict("records")
        ],
    }


def _int(value):
    return None if value is None or pd.isna(value) else int(value)
