"""The as-of answers without pandas: a date's slice of the stored interval table read by DuckDB alone.

:mod:`foedus.query.intervals` builds the interval table of directed commitments and keeps it in the store file
(``asof_intervals``); its pandas form answers in microseconds once loaded, but loading pandas, numpy and pyarrow
costs a command-line process most of its start-up (issue 13.3). This module holds the rules a slice follows, for
both readers (one rule set):

- the status tiers a ``status`` choice counts (:data:`LEAST_RANK`, :func:`check_status`);
- a row is in force on day D when ``_start <= D < _end`` (days since 1970-01-01; ``_end`` open while in force);
- register status notes in force on D attach to the rows of their treaty (and member), joined in note order
  (:class:`Notes`);
- the projection warning of a date after the register's check date or after today (:func:`projection_text`);
- the order of a dyad (A→B rows first, each in table order) and of a state (by partner, then direction, then
  treaty, then table order).

:func:`stored_rows` reads a slice straight from ``asof_intervals`` when the file's table belongs to this store
build and this code (:func:`stored_table`); :func:`dyad_payload` and :func:`obligations_payload` give the
``--json`` answers from it in a process without pandas, or from the pandas path (:mod:`foedus.query.commitments`)
when pandas is loaded anyway (the server, a notebook: its in-memory table is faster per query), a frame is given,
or the file holds none (an in-memory or supposed store). ``tests/test_startup_imports.py``
shows the two readers give the same JSON on the real store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.query.rows import commitment_record, has_types, in_contract_order
from foedus.store.schema import OBLIGATIONS

TIERS = ("unknown", "presumed", "confirmed")
"""Status tiers, weakest first (the index is the tier's rank)."""
STATUS_CHOICES = ("confirmed", "presumed", "any")
DEFAULT_STATUS = "presumed"
"""The one default of every command and endpoint: count confirmed and presumed, leave out unknown."""
LEAST_RANK = {"any": 0, "presumed": 1, "confirmed": 2}
"""The weakest tier rank each ``status`` choice counts."""

OPEN = 2**63 - 1
"""The ``_end`` of a row still in force (int64 max)."""
EPOCH = dt.date(1970, 1, 1)

TABLE = "asof_intervals"
BUILD_TABLE = "asof_build"
FORMAT = "1"
DERIVED_FROM = ("intervals.py", "commitments.py", "merge.py", "treaty_names.py")
_CODE: str | None = None

NOTES_SQL = """SELECT n.note_id, n.text, n.member, n.start_date, n.end_date,
       coalesce(o.treaty_id, n.subject) AS treaty_id
FROM status_notes n LEFT JOIN organizations o ON n.subject = 'org:' || o.org_id
ORDER BY n.note_id"""


def check_status(status: str | None) -> str:
    if status is None:
        return DEFAULT_STATUS
    value = str(status).strip().lower()
    if value not in STATUS_CHOICES:
        raise BadInputError(
            "status", f"'{status}' is not a status choice", fix="use --status confirmed, presumed or any"
        )
    return value


def days(value: dt.date | None) -> int | None:
    """Days since 1970-01-01 of a date or datetime (None stays None)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return (value - EPOCH).days


# --- the store build and the code that derived its table -------------------------------------------------


def fingerprint(con) -> str:
    """What identifies a store build: its imports (every dataset import and register write adds or replaces
    a row stamped with its time), in one cheap query."""
    row = con.execute("SELECT count(*), max(imported_at), sum(rows) FROM imports").fetchone()
    return f"{row[0]}|{row[1]}|{row[2]}"


def code_version() -> str:
    """A digest of the code that derives the table (the interval build, the merge's SQL, treaty names) and of the
    stored format: a file written by another version of them is not read."""
    global _CODE
    if _CODE is None:
        digest = hashlib.sha256(FORMAT.encode())
        for name in DERIVED_FROM:
            digest.update((Path(__file__).with_name(name)).read_bytes())
        _CODE = digest.hexdigest()[:16]
    return _CODE


def register_checked(con) -> dt.date | None:
    """The register's check date (its import's version), None when unknown."""
    row = con.execute("SELECT version FROM imports WHERE dataset = 'register'").fetchone()
    if not row or not row[0]:
        return None
    try:
        return dt.date.fromisoformat(str(row[0])[:10])
    except ValueError:
        return None


def stored_table(con, key: str | None = None) -> bool:
    """The file on `con` holds the interval table of its own build (fingerprint), written by this code, whole."""
    import duckdb

    key = key if key is not None else fingerprint(con)
    try:
        found = con.execute(f"SELECT fingerprint, code, row_count FROM {BUILD_TABLE}").fetchone()
        if found is None or found[0] != key or found[1] != code_version():
            return False
        return con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == found[2]
    except duckdb.CatalogException:
        return False


def _in_memory(key: str) -> bool:
    """This process already holds the table of build `key` in pandas form (then that reader answers)."""
    intervals = sys.modules.get("foedus.query.intervals")
    return intervals is not None and intervals.cached(key)


# --- rules shared by both readers ------------------------------------------------------------------------


class Notes:
    """Register status notes (``status_notes``), to attach those in force on a date to a slice's rows."""

    def __init__(self, rows: list[tuple]):
        self.size = len(rows)
        self.text = [r[1] for r in rows]
        self.member = [-1 if r[2] is None or r[2] != r[2] else int(r[2]) for r in rows]
        self.start = [days(_date(r[3])) for r in rows]
        self.end = [OPEN if _date(r[4]) is None else days(_date(r[4])) for r in rows]
        self.treaty = [r[5] for r in rows]

    @classmethod
    def read(cls, con) -> Notes:
        return cls(con.execute(NOTES_SQL).fetchall())

    def live(self, day: int) -> list[int]:
        """The notes in force on `day` (days since 1970-01-01), in note order."""
        return [n for n in range(self.size) if self.start[n] <= day < self.end[n]]

    def text_for(self, live: list[int], treaty_id: str, a: int, b: int) -> str | None:
        """The texts of the `live` notes on treaty `treaty_id` that concern A→B (or every member), joined."""
        out = None
        for n in live:
            if self.treaty[n] == treaty_id and (self.member[n] < 0 or self.member[n] in (a, b)):
                out = self.text[n] if out is None else f"{out} | {self.text[n]}"
        return out


def _date(value):
    """A stored date as datetime.date (None for a missing value; pandas Timestamps are datetimes)."""
    if value is None or value != value:
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def projection_text(checked: dt.date | None, day: dt.date, today: dt.date | None = None) -> str | None:
    """A warning when `day` lies after the register's check date `checked` or after today (a projection)."""
    if today is None:
        from foedus.dates import today as clock

        today = clock()
    reasons = []
    if checked is not None and day > checked:
        reasons.append(f"after the register's check date ({checked.isoformat()})")
    if day > today:
        reasons.append(f"after today ({today.isoformat()})")
    if not reasons:
        return None
    return (
        f"{day.isoformat()} is {' and '.join(reasons)}: the answer is a projection of the last known status "
        "(confirmed facts stop at the check date; terms are applied by their rules), not an observation"
    )


def warning_for(con, on: str | dt.date | None = None, today: dt.date | None = None) -> str | None:
    """The projection warning of a date (after the register's check date or after today), else None."""
    return projection_text(register_checked(con), parse_date(on, "on"), today=today)


# --- the slice, read by DuckDB -----------------------------------------------------------------------------

# Values are written into the SQL as integer literals (foedus.store.connection.literal: binding a parameter would
# import pandas); every one is an int the code below made. One direction per query: with a conjunction of equalities
# DuckDB filters inside the scan and reads the wide columns of the matching rows only (an OR reads every row).
_SLICE_SQL = ("SELECT rowid AS _row, * EXCLUDE (_start, _end, _rank) FROM " + TABLE + " WHERE {where} "
              "AND _start <= {day} AND {day} < _end AND _rank >= {least}")


def _select(con, where: str, day: int, least: int) -> list[dict]:
    cursor = con.execute(_SLICE_SQL.format(where=where, day=int(day), least=int(least)))
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def stored_rows(con, day: dt.date, status: str, pair: tuple[int, int] | None = None,
                state: int | None = None) -> list[dict]:
    """The rows of ``asof_intervals`` in force on `day` whose tier `status` counts, for the dyad `pair` (A→B rows
    first, each direction in table order) or the state `state` (by partner, then direction, then treaty, then table
    order), as dicts with the status notes of the day. The caller checks :func:`stored_table` first."""
    d, least = days(day), LEAST_RANK[check_status(status)]
    if pair is not None:
        a, b = int(pair[0]), int(pair[1])
        rows = sorted(_select(con, f"from_ccode = {a} AND to_ccode = {b}", d, least), key=lambda r: r["_row"])
        rows += sorted(_select(con, f"from_ccode = {b} AND to_ccode = {a}", d, least), key=lambda r: r["_row"])
    else:
        s = int(state)
        rows = _select(con, f"from_ccode = {s}", d, least) + _select(con, f"to_ccode = {s} AND from_ccode <> {s}",
                                                                      d, least)
        rows.sort(key=lambda r: (r["to_ccode"] if r["from_ccode"] == s else r["from_ccode"], r["from_ccode"],
                                 r["treaty_id"], r["_row"]))
    for row in rows:
        del row["_row"]
    if rows:
        notes = Notes.read(con)
        live = notes.live(d) if notes.size else []
        if live:
            for row in rows:
                row["status_notes"] = notes.text_for(live, row["treaty_id"], row["from_ccode"], row["to_ccode"])
    return rows


# --- the answers as plain JSON -------------------------------------------------------------------------------


def parse_obligation_types(types, parameter: str = "types") -> tuple[str, ...]:
    """'defense,consultation' or a list → the types, validated (None: every type)."""
    from foedus.query.capability import parse_types

    try:
        return parse_types(types)
    except ValueError as exc:
        raise BadInputError(parameter, str(exc), fix=f"choose from {', '.join(OBLIGATIONS)}") from None


@dataclass
class Plain:
    """An as-of answer as its ``--json`` payload (`payload`, the typed answer's JSON) and the notes on how names
    were read (`notes`)."""

    payload: dict
    notes: list[str] = field(default_factory=list)


def _pandas_loaded() -> bool:
    return "pandas" in sys.modules


def _rows(con, day: dt.date, status: str, frame, pair=None, state=None, table=None) -> list[dict]:
    """The slice's rows (the same rules either way): read by DuckDB from the stored table in a process that has not
    loaded pandas (a command-line start: a few ms per query, no import); else from the in-memory interval table
    (`table`, or the store's, :func:`foedus.query.intervals.build`), which a long-running process (the server, a
    notebook) loads once and then answers from in well under a millisecond: positions from its indexes, values
    from its plain columns (no pandas frame per query); or from `frame`, the date's directed commitments."""
    if table is None and frame is None and not _pandas_loaded():
        key = fingerprint(con)
        if not _in_memory(key) and stored_table(con, key):
            return stored_rows(con, day, status, pair=pair, state=state)
    if frame is None:
        iv = _table(con, table)
        found = iv.pair_rows(pair[0], pair[1], day, status) if pair is not None else iv.state_rows(state, day, status)
        return iv.plain_rows(found, day)
    from foedus.query import commitments

    if pair is not None:
        found = commitments.dyad(con, pair[0], pair[1], day, frame=frame, status=status)
    else:
        found = commitments.obligations(con, state, day, frame=frame, status=status)
    return found.to_dict("records")


def _table(con, table=None):
    from foedus.query import intervals

    return table if table is not None else intervals.build(con)


def _records(rows: list[dict], wanted: tuple[str, ...], names) -> list[dict]:
    return [in_contract_order(commitment_record(row, names)) for row in rows if has_types(row, wanted)]


def _commitments(con, day: dt.date, status: str, frame, wanted: tuple[str, ...], names, pair=None, state=None,
                 table=None) -> list[dict]:
    """The records of the slice (:func:`_rows`); from the in-memory interval table, its kept records
    (:meth:`foedus.query.intervals.Intervals.records`: the same records, each made once)."""
    if frame is None and (table is not None or _pandas_loaded()):
        iv = _table(con, table)
        found = iv.pair_rows(pair[0], pair[1], day, status) if pair is not None else iv.state_rows(state, day, status)
        return iv.records(found, day, wanted, names)
    return _records(_rows(con, day, status, frame, pair=pair, state=state, table=table), wanted, names)


def _warning(con, day: dt.date, table=None) -> dict:
    """``{"warning": ...}`` for a projected date; the register's check date from `table` (the interval table of
    this store build, which read it) when given, else from the store."""
    warning = projection_text(table.register_checked, day) if table is not None else warning_for(con, day)
    return {"warning": warning} if warning else {}


def obligations_payload(con, state: str | int, on: str | dt.date | None = None, types=None, names=None,
                        frame=None, status: str | None = None, table=None) -> Plain:
    """Every commitment in force for `state` on `on` whose tier `status` counts (:func:`foedus.query.answers.
    obligations_answer`, which validates this payload into its typed answer). `table`: the store's interval table
    (:func:`foedus.query.intervals.build`) when the caller holds it (the server, per store generation)."""
    from foedus.naming import names_for, state_code

    day = parse_date(on, "on")
    names = names_for(con, names)
    notes: list[str] = []
    code = state_code(names, state, "state", day, notes)
    wanted = parse_obligation_types(types)
    status = check_status(status)
    found = _commitments(con, day, status, frame, wanted, names, state=code, table=table)
    payload = {"on": day.isoformat(), "state": code, "status": status, **_warning(con, day, table),
               "commitments": found}
    return Plain(payload, notes)


def dyad_payload(con, a: str | int, b: str | int, on: str | dt.date | None = None, types=None, names=None,
                 frame=None, status: str | None = None, table=None) -> Plain:
    """What A owes B and B owes A on `on` (:func:`foedus.query.answers.dyad_answer`, which validates this payload
    into its typed answer); a state paired with itself is an error; `table` as in :func:`obligations_payload`."""
    from foedus.naming import names_for, state_code

    day = parse_date(on, "on")
    names = names_for(con, names)
    notes: list[str] = []
    code_a, code_b = state_code(names, a, "a", day, notes), state_code(names, b, "b", day, notes)
    if code_a == code_b:
        raise BadInputError("b", f"{names.name(code_a)} ({code_a}) is paired with itself",
                            fix="name two different states")
    wanted = parse_obligation_types(types)
    status = check_status(status)
    found = _commitments(con, day, status, frame, wanted, names, pair=(code_a, code_b), table=table)
    payload = {"on": day.isoformat(), "a": code_a, "b": code_b, "status": status, **_warning(con, day, table),
               "commitments": found}
    return Plain(payload, notes)
