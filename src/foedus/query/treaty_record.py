"""One treaty's record: members and phases, provisions, what the register says, sources (plain dicts, no pandas
or pydantic: the command line prints them as they are; :mod:`foedus.query.treaty` types them)."""

from __future__ import annotations

import json

from foedus.errors import FoedusError
from foedus.query.rows import condition_list, missing, obligation_list, source_record
from foedus.query.rows import iso_date as _date
from foedus.source import Source
from foedus.store.connection import literal


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
    found = _dicts(con.execute(
        "SELECT t.*, s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, "
        "s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation "
        f"FROM treaties t JOIN sources s USING (source_id) WHERE treaty_id = {literal(tid)}"
    ))
    if not found:
        raise FoedusError(f"Unknown treaty '{treaty_id}' (looked for {tid})")
    row = found[0]
    members = _dicts(con.execute(
        "SELECT c.*, s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, "
        "s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation "
        f"FROM commitments c JOIN sources s USING (source_id) WHERE treaty_id = {literal(tid)} OR treaty_id IN "
        f"(SELECT treaty_id FROM treaties WHERE json_extract_string(attributes, '$.extends') = {literal(tid)}) "
        "ORDER BY phase, entry_date, member"
    ))
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
        "conditional": bool(row["conditio"]) if not missing(row["conditio"]) else None,
        "asymmetric": bool(row["asymm"]) if not missing(row["asymm"]) else None,
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
            for m in members
        ],
        "register": register,
    }


def register_events(con, tid: str) -> list[dict]:
    """What the register says about a dataset treaty: amendments, extensions, terminations, confirmations."""
    rows = _dicts(con.execute(
        "SELECT e.*, s.dataset AS file, s.citation FROM treaty_events e JOIN sources s USING (source_id) "
        f"WHERE e.treaty_id = {literal(tid)} ORDER BY e.event_id"
    ))
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
        for r in rows
    ]


def _int(value):
    return None if missing(value) else int(value)


def _dicts(cursor) -> list[dict]:
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def find_treaty(con, text: str | int, limit: int = 5) -> str:
    """The treaty id `text` names: an ATOP id ('3180', 'atop:3180', 'ATOP 3180'), a register id with or
    without 'reg:', or a short name, formal title or alias (case-insensitive; curated names in
    `data/atop_names.csv`, register names and generated labels, see `foedus.query.treaty_names`).

    On a miss raises FoedusError("Unknown treaty ...") listing the closest names (rapidfuzz).
    """
    from foedus.query.treaty_names import treaty_catalogue

    raw = str(text).strip()
    direct = normalise_treaty_id(raw)
    if con.execute(f"SELECT count(*) FROM treaties WHERE treaty_id = {literal(direct)}").fetchone()[0]:
        return direct  # the catalogue (every treaty's names) is built only for a name
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
