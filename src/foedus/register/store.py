"""Write the register into the store, in one transaction, replacing any earlier register write.

- A `treaty` entry becomes a `treaties` row `reg:<id>` (dataset 'register') and one `commitments`
  row per member, running from the member's accession, else entry into force, else signature, to
  its exit or the treaty's end. Treaties not (known to be) in force get no commitments.
- A `dataset_update` becomes a `treaty_events` row on the dataset treaty (`atop:<id>`); one that
  adds members (accessions after the dataset's coverage) also becomes a `treaties` row
  `reg:<id>` whose attributes say `"extends": "atop:<id>"` and whose commitments pair with the
  dataset treaty's members (see `foedus.query.commitments`).
- Organizations go to `organizations` and `org_memberships`; status notes and membership
  suspensions to `status_notes`; invocation events to `invocations` (responses as JSON).

Every row has its own `sources` row: kind 'register', dataset = the register file name,
version = the file's `checked` date, entry = the entry id, citation = the entry's citations.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from foedus.register.load import Register, load_register
from foedus.register.model import (
    DatasetUpdate,
    Invocation,
    Organization,
    StatusNote,
    Treaty,
    day,
    parse_partial,
)
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS, SUMMARY_FLAGS

REGISTER_TABLES = (
    "treaties",
    "commitments",
    "treaty_events",
    "organizations",
    "org_memberships",
    "status_notes",
    "invocations",
)
_FLAG_BY_CONDITION = {(ob, cond): flag for flag, (ob, cond) in CONDITION_FLAGS.items() if ob != "any"}
_SUMMARY = {"defense": "defcon", "offense": "offcon", "neutrality": "neucon", "consultation": "concon"}


def _when(text: str | None) -> tuple[dt.date | None, str | None]:
    return parse_partial(text) if text is not None else (None, None)


def _readings(entry) -> str | None:
    if not entry.readings:
        return None
    return json.dumps([r.model_dump() for r in entry.readings], ensure_ascii=False)


class _Rows:
    """Rows for each table plus their sources, numbered from `next_id`."""

    def __init__(self, next_id: int):
        self.next_id = next_id
        self.tables: dict[str, list[dict]] = {name: [] for name in REGISTER_TABLES}
        self.sources: list[dict] = []

    def add(self, table: str, row: dict, file: str, version: str, entry) -> None:
        self.sources.append(
            {
                "source_id": self.next_id,
                "kind": "register",
                "dataset": file,
                "version": version,
                "file": file,
                "line": None,
                "entry": entry.id,
                "citation": entry.citation_text(),
            }
        )
        self.tables[table].append({**row, "source_id": self.next_id})
        self.next_id += 1


def _flags(obligations) -> dict:
    """ATOP condition and summary flags for one member's obligations (`Obligation` models)."""
    flags = {flag: False for flag in (*SUMMARY_FLAGS, *CONDITION_FLAGS)}
    for ob in obligations:
        for condition in ob.conditions:
            flag = _FLAG_BY_CONDITION.get((ob.type, condition), "olimob")
            flags[flag] = True
            flags["conditio"] = True
            if ob.type in _SUMMARY:
                flags[_SUMMARY[ob.type]] = True
    return flags


def _treaty_row(
    tid: str, version: str, name, atopid, begin, end, kinds: list[set], flags: dict, **extra
) -> dict:
    """A `treaties` row; `kinds` are the obligation types of each member."""
    return {
        "treaty_id": tid,
        "dataset": "register",
        "version": version,
        "atopid": atopid,
        "name": name,
        "begin_date": begin[0],
        "begin_precision": begin[1],
        "end_date": end[0],
        "end_precision": end[1],
        "coverage_end": None,
        **{ob: any(ob in k for k in kinds) for ob in OBLIGATIONS},
        "active": any({"defense", "offense"} & k for k in kinds),
        **{flag: flags.get(flag, False) for flag in SUMMARY_FLAGS},
        "specthrt": None,
        "statthr1": None,
        "statthr2": None,
        **extra,
    }


def _commitment_row(tid: str, phase: int, ccode: int, entry, exit_, kinds: set, flags: dict, asymm) -> dict:
    """A `commitments` row for one member; `entry` and `exit_` are (date, precision)."""
    return {
        "commitment_id": f"{tid}:{phase}:{ccode}",
        "treaty_id": tid,
        "phase": phase,
        "member": ccode,
        "entry_date": entry[0],
        "entry_precision": entry[1],
        "exit_date": exit_[0],
        "exit_precision": exit_[1],
        "coverage_end": None,
        **{ob: ob in kinds for ob in OBLIGATIONS},
        **{flag: flags.get(flag, False) for flag in (*SUMMARY_FLAGS, *CONDITION_FLAGS)},
        "asymm": asymm,
        "obvary": False,
        "termmode": None,
        "termcaus": None,
    }


def _treaty_rows(rows: _Rows, file: str, version: str, t: Treaty) -> None:
    tid = f"reg:{t.id}"
    codes = [m.ccode for m in t.members]
    owed = {code: [ob for ob in t.obligations if ob.by is None or code in ob.by] for code in codes}
    kinds = {code: {ob.type for ob in owed[code]} for code in codes}
    attributes = {
        "short_name": t.short_name,
        "instrument": t.instrument,
        "signed": t.signed,
        "in_force": t.in_force,
        "in_force_status": t.in_force_status,
        "term": t.term,
        "term_end": t.term_end,
        "renewal": t.renewal,
        "renewal_months": t.renewal_months,
        "replaces": t.replaces,
        "articles": {ob.type: ob.article for ob in t.obligations},
        "conditions": {ob.type: ob.conditions for ob in t.obligations if ob.conditions},
        "condition_text": {ob.type: ob.condition_text for ob in t.obligations if ob.condition_text},
        "end_reason": t.end_reason,
        "notes": t.notes,
        "uncertain": t.uncertain,
        "readings": json.loads(_readings(t)) if t.readings else [],
        "checked": t.checked,
    }
    asymm = len({frozenset(k) for k in kinds.values()}) > 1
    treaty = _treaty_row(
        tid,
        version,
        t.name,
        None,
        _when(t.signed),
        _when(t.end),
        list(kinds.values()),
        _flags(t.obligations),
        bilateral=len(codes) == 2,
        maxphase=0,
        asymm=asymm,
        members=codes,
        attributes=json.dumps(attributes, ensure_ascii=False),
    )
    rows.add("treaties", treaty, file, version, t)
    if t.in_force_status != "in force":
        return
    for m in t.members:
        row = _commitment_row(
            tid,
            0,
            m.ccode,
            _when(m.joined or t.start()),
            _when(m.left or t.end),
            kinds[m.ccode],
            _flags(owed[m.ccode]),
            asymm,
        )
        rows.add("commitments", row, file, version, t)


def _update_rows(rows: _Rows, file: str, version: str, u: DatasetUpdate) -> None:
    date, date_prec = _when(u.date)
    start = u.in_force_from or (u.date if u.action == "extension" else None)
    until = u.date if u.action == "termination" else u.in_force_until
    rows.add(
        "treaty_events",
        {
            "event_id": u.id,
            "treaty_id": u.treaty_id,
            "action": u.action,
            "members": u.members,
            "event_date": date,
            "event_precision": date_prec,
            "in_force_from": day(start),
            "in_force_until": day(until),
            "term_end": day(u.term_end),
            "ended_by": u.ended_by,
            "name": u.name,
            "articles": json.dumps(u.articles) if u.articles else None,
            "uncertain": u.uncertain,
            "readings": _readings(u),
            "note": u.notes,
            "checked": day(u.checked),
        },
        file,
        version,
        u,
    )
    if not u.add_members:
        return
    tid = f"reg:{u.id}"
    first = min(day(m.joined) for m in u.add_members)
    attributes = {"extends": u.treaty_id, "articles": u.articles, "notes": u.notes, "checked": u.checked}
    treaty = _treaty_row(
        tid,
        version,
        u.name,
        u.atopid,
        (first, "day"),
        (None, None),
        [set(m.obligations) for m in u.add_members],
        {},
        bilateral=False,
        maxphase=max(m.phase for m in u.add_members),
        asymm=False,
        members=[m.ccode for m in u.add_members],
        attributes=json.dumps(attributes, ensure_ascii=False),
    )
    rows.add("treaties", treaty, file, version, u)
    for m in u.add_members:
        row = _commitment_row(
            tid, m.phase, m.ccode, _when(m.joined), _when(m.left), set(m.obligations), {}, False
        )
        rows.add("commitments", row, file, version, u)


def _org_rows(rows: _Rows, file: str, version: str, o: Organization) -> None:
    founded, founded_prec = _when(o.founded)
    rows.add(
        "organizations",
        {
            "org_id": o.id,
            "name": o.name,
            "short_name": o.short_name,
            "aliases": o.aliases,
            "kind": o.org_kind,
            "founded": founded,
            "founded_precision": founded_prec,
            "mutual_defence": o.mutual_defence,
            "defence_article": o.defence_article,
            "treaty_id": o.treaty,
            "uncertain": o.uncertain,
            "readings": _readings(o),
            "note": o.notes,
        },
        file,
        version,
        o,
    )
    for m in o.members:
        start, start_prec = _when(m.joined)
        end, end_prec = _when(m.left)
        rows.add(
            "org_memberships",
            {
                "org_id": o.id,
                "member": m.ccode,
                "role": m.role,
                "start_date": start,
                "start_precision": start_prec,
                "end_date": end,
                "end_precision": end_prec,
                "uncertain": m.uncertain,
                "note": m.note,
            },
            file,
            version,
            o,
        )
        for i, s in enumerate(m.suspensions):
            s_start, s_prec = _when(s.start)
            s_end, s_end_prec = _when(s.end)
            rows.add(
                "status_notes",
                {
                    "note_id": f"{o.id}:{m.ccode}:{m.joined}:suspension{i + 1}",
                    "subject": f"org:{o.id}",
                    "member": m.ccode,
                    "status": s.status,
                    "start_date": s_start,
                    "start_precision": s_prec,
                    "end_date": s_end,
                    "end_precision": s_end_prec,
                    "text": s.text,
                },
                file,
                version,
                o,
            )


def _note_rows(rows: _Rows, file: str, version: str, n: StatusNote) -> None:
    start, start_prec = _when(n.start)
    end, end_prec = _when(n.end)
    rows.add(
        "status_notes",
        {
            "note_id": n.id,
            "subject": n.subject,
            "member": n.member,
            "status": n.status,
            "start_date": start,
            "start_precision": start_prec,
            "end_date": end,
            "end_precision": end_prec,
            "text": n.text,
        },
        file,
        version,
        n,
    )


def _invocation_rows(rows: _Rows, file: str, version: str, e: Invocation) -> None:
    date, date_prec = _when(e.date)
    end, end_prec = _when(e.end)
    rows.add(
        "invocations",
        {
            "event_id": e.id,
            "treaty_id": e.treaty,
            "article": e.article,
            "invoked_by": e.invoked_by,
            "event_date": date,
            "event_precision": date_prec,
            "end_date": end,
            "end_precision": end_prec,
            "request": e.request,
            "asked": e.asked,
            "outcome": e.outcome,
            "responses": json.dumps([r.model_dump() for r in e.responses], ensure_ascii=False),
            "uncertain": e.uncertain,
            "readings": _readings(e),
            "note": e.notes,
            "checked": day(e.checked),
        },
        file,
        version,
        e,
    )


_WRITERS = {
    Treaty: _treaty_rows,
    DatasetUpdate: _update_rows,
    Organization: _org_rows,
    StatusNote: _note_rows,
    Invocation: _invocation_rows,
}


def _insert(con, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows)
    con.register("_register_rows", frame)
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _register_rows")
    con.unregister("_register_rows")


def clear_register(con) -> None:
    """Delete every row the register wrote (inside the caller's transaction)."""
    old = "SELECT source_id FROM sources WHERE kind = 'register'"
    for table in REGISTER_TABLES:
        con.execute(f"DELETE FROM {table} WHERE source_id IN ({old})")
    con.execute("DELETE FROM sources WHERE kind = 'register'")
    con.execute("DELETE FROM imports WHERE dataset = 'register'")


def write_register(con, register: Register | None = None) -> int:
    """Store the register atomically (re-running replaces the earlier write); returns the rows written."""
    register = register if register is not None else load_register()
    con.execute("BEGIN TRANSACTION")
    try:
        clear_register(con)
        next_id = con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()[0]
        rows = _Rows(next_id)
        for file, entry in register.entries():
            version = register.files[file].checked
            _WRITERS[type(entry)](rows, file, version, entry)
        _insert(con, "sources", rows.sources)
        total = 0
        for table, table_rows in rows.tables.items():
            _insert(con, table, table_rows)
            total += len(table_rows)
        con.execute(
            "INSERT INTO imports VALUES ('register', ?, ?, ?, ?, NULL, now())",
            [register.checked, ", ".join(register.files), register.digest(), total],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total
