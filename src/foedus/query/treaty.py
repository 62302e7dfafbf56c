"""One treaty: its record, members and phases, provisions and sources."""

from __future__ import annotations

import json

import pandas as pd
from pydantic import Field

from foedus.errors import FoedusError
from foedus.query.commitments import _date, condition_list, obligation_list, source_record
from foedus.results import Record, Result
from foedus.source import Source


class TreatyMember(Record):
    ccode: int
    phase: int
    entry: str | None
    entry_precision: str | None
    exit: str | None
    exit_precision: str | None
    obligations: list[str]
    conditions: list[str]
    source: Source


class RegisterEvent(Record):
    entry: str
    action: str
    name: str | None
    date: str | None
    in_force_from: str | None
    in_force_until: str | None
    term_end: str | None
    ended_by: str | None
    articles: dict[str, str]
    uncertain: bool
    readings: list[dict]
    note: str | None
    source: Source


class Treaty(Result):
    """One treaty: record, members by phase, what the register says (`foedus treaty --json`)."""

    treaty_id: str
    name: str | None
    dataset: str
    version: str | None
    begin: str | None
    begin_precision: str | None
    end: str | None
    end_precision: str | None
    coverage_end: str | None
    bilateral: bool
    obligations: list[str]
    conditional: bool | None
    asymmetric: bool | None
    threat: dict[str, int | None]
    attributes: dict
    source: Source
    members: list[TreatyMember]
    register_: list[RegisterEvent] = Field(alias="register")


def treaty_answer(con, treaty_id: str | int) -> Treaty:
    """The typed treaty record (:func:`treaty`); raises FoedusError when unknown."""
    return Treaty.model_validate(treaty(con, treaty_id))


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
    """The treaty record with members by phase; raises FoedusError when unknown.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection (`foedus.store.open_reader`).
        treaty_id: The treaty's id (`atop:3440`), its ATOP number (3440) or another form `find_treaty` accepts.

    Returns:
        A dict with `treaty_id`, `name`, `dataset`, `version`, `begin`, `end`, `bilateral`, `obligations`,
        the members by phase and the sources of each fact.

    Raises:
        FoedusError: No treaty has that id.

    Examples:
        >>> from foedus.query import treaty
        >>> treaty(con, 3440)["treaty_id"]
        'atop:3440'

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    tid = find_treaty(con, treaty_id)
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
        "FROM commitments c JOIN sources s USING (source_id) WHERE treaty_id = ? OR treaty_id IN "
        "(SELECT treaty_id FROM treaties WHERE json_extract_string(attributes, '$.extends') = ?) "
        "ORDER BY phase, entry_date, member",
        [tid, tid],
    ).df()
    register = register_events(con, tid)
    attributes = json.loads(row["attributes"]) if isinstance(row.get("attributes"), str) else {}
    return {
        "treaty_id": tid,
        "name": row["name"] if isinstance(row["name"], str) else next(
            (e["name"] for e in register if e["name"]), None
        ),
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
        "register": register,
    }


def register_events(con, tid: str) -> list[dict]:
    """What the register says about a dataset treaty: amendments, extensions, terminations, confirmations."""
    rows = con.execute(
        "SELECT e.*, s.dataset AS file, s.citation FROM treaty_events e JOIN sources s USING (source_id) "
        "WHERE e.treaty_id = ? ORDER BY e.event_id",
        [tid],
    ).df()
    return [
        {
            "entry": r["event_id"],
            "action": r["action"],
            "name": r["name"] if isinstance(r["name"], str) else None,
            "date": _date(r["event_date"]),
            "in_force_from": _date(r["in_force_from"]),
            "in_force_until": _date(r["in_force_until"]),
            "term_end": _date(r["term_end"]),
            "ended_by": r["ended_by"] if isinstance(r["ended_by"], str) else None,
            "articles": json.loads(r["articles"]) if isinstance(r["articles"], str) else {},
            "uncertain": bool(r["uncertain"]),
            "readings": json.loads(r["readings"]) if isinstance(r["readings"], str) else [],
            "note": r["note"] if isinstance(r["note"], str) else None,
            "source": Source.register(r["file"], r["event_id"], r["citation"]).to_json(),
        }
        for r in rows.to_dict("records")
    ]


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def find_treaty(con, text: str | int, limit: int = 5) -> str:
    """The treaty id `text` names: an ATOP id ('3180', 'atop:3180', 'ATOP 3180'), a register id with or
    without 'reg:', or a short name, formal title or alias (case-insensitive; curated names in
    `data/atop_names.csv`, register names and generated labels, see `foedus.query.treaty_names`).

    On a miss raises FoedusError("Unknown treaty ...") listing the closest names (rapidfuzz).
    """
    from foedus.query.treaty_names import treaty_catalogue

    raw = str(text).strip()
    catalogue = treaty_catalogue(con)
    for candidate in (normalise_treaty_id(raw), raw.lower(), f"reg:{raw.lower().removeprefix('reg:')}"):
        if candidate in catalogue:
            return candidate
    folded = raw.casefold()
    labels: dict[str, str] = {}
    # dataset treaties first: a register accession entry repeats its dataset treaty's name
    for tid, entry in sorted(catalogue.items(), key=lambda item: (item[0].startswith("reg:"), item[0])):
        if entry.how == "accession":
            continue
        for label in (entry.name, entry.formal_title, *entry.aliases):
            if label:
                labels.setdefault(label.casefold(), tid)
    if folded in labels:
        return labels[folded]
    from rapidfuzz import fuzz, process, utils

    close = process.extract(folded, list(labels), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit)
    shown = []
    for label, _score, _ in close:
        tid = labels[label]
        shown.append(f"{tid} ({catalogue[tid].name})")
    hint = f"; closest: {', '.join(dict.fromkeys(shown))}" if shown else ""
    raise FoedusError(f"Unknown treaty '{raw}' (give an ATOP id, a register id or a treaty name{hint})")
