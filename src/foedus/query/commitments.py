"""Directed commitments in force on a date: the merge of the datasets and the curated register.

A commitment row says what one member owes the other members of the same treaty phase
(ATOP's member-level convention). Pairing members of a phase gives directed commitments
A→B: A's obligations toward B. A commitment is in force on day D when entry <= D < exit.

Merge of datasets and register (`foedus.register`), in this order of precedence:

1. Dataset facts stand within the dataset's coverage: the register never moves a date the
   dataset codes (a disputed date is kept, and the register's competing readings are shown as
   `uncertain`).
2. Register treaties (`reg:<id>`) are read on their own dates (entry into force, accession,
   end); they have no coverage end.
3. After a dataset's coverage ends, a commitment it last saw in force is
   - ended on the date of a register `termination` of its treaty (e.g. ATOP 4940 on 2024-12-04,
     replaced by the 2024 treaty): exit = that date;
   - in force, `confirmed_by` the register entry, on dates a register `confirmation`,
     `extension` or `termination` covers (in_force_from <= D < in_force_until);
   - otherwise reported with `status = "unknown_after_coverage"` and its `coverage_end`: the data
     end there and no later status is assumed.
4. Register accessions to a dataset treaty (rows of a `reg:` treaty whose attributes say
   `"extends": "atop:<id>"`) pair with the dataset treaty's members and are reported under the
   dataset treaty's id; a pair is in force only when both sides are known to be.

Every row names its source (the obliged state's dataset line or register entry), the register
entry that confirms it past coverage (`confirmed_by`), a register accession of the partner
(`partner_entry`), the articles (register) and any register status note (`status_notes`).
`SQL` is the single merge point: one query, parameter `$on`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.dates import parse_date
from foedus.query import intervals
from foedus.query.intervals import check_status, select_status, slice_on
from foedus.query.merge import BASE
from foedus.query.rows import commitment_record, condition_list, obligation_list, source_record
from foedus.source import source_text as _source_text
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

__all__ = ["BASE", "SQL", "condition_list", "directed_commitments", "dyad", "obligation_list", "obligations",
           "records", "source_record", "source_text", "warning_for"]

_EMPTY = np.array([], dtype=np.int64)

_FLAG_SELECT = ", ".join(f"a.{flag}" for flag in CONDITION_FLAGS)
_OBLIGATION_SELECT = ", ".join(f"a.{name}" for name in OBLIGATIONS)

SQL = BASE + f"""
, live AS (
    SELECT r.*, coalesce(r.exit_date, r.register_exit) AS effective_exit,
        (r.exit_date IS NULL AND r.coverage_end < $on) AS past_coverage,
        (SELECT min(e.event_id) FROM treaty_events e
         WHERE e.treaty_id = r.pair_id AND e.action IN ('confirmation', 'extension', 'termination')
           AND (e.members IS NULL OR list_contains(e.members, r.member))
           AND (e.in_force_from IS NULL OR e.in_force_from <= $on)
           AND (e.in_force_until IS NULL OR $on < e.in_force_until)) AS confirmed_entry
    FROM base r
    WHERE r.entry_date <= $on AND (coalesce(r.exit_date, r.register_exit) IS NULL
                                   OR $on < coalesce(r.exit_date, r.register_exit))
), pairs AS (
    SELECT a.member AS from_ccode, b.member AS to_ccode, a.pair_id AS treaty_id, a.phase,
        {_OBLIGATION_SELECT}, {_FLAG_SELECT}, a.obvary,
        greatest(a.entry_date, b.entry_date) AS since,
        least(a.effective_exit, b.effective_exit) AS until,
        coalesce(a.coverage_end, b.coverage_end) AS coverage_end,
        CASE WHEN (a.past_coverage AND a.confirmed_entry IS NULL)
                  OR (b.past_coverage AND b.confirmed_entry IS NULL)
             THEN 'unknown_after_coverage' ELSE 'in_force' END AS status,
        CASE WHEN a.past_coverage OR b.past_coverage
             THEN coalesce(a.confirmed_entry, b.confirmed_entry) END AS confirmed_by,
        a.source_id AS a_source, b.source_id AS b_source, a.past_coverage AS a_past
    FROM live a
    JOIN live b ON a.pair_id = b.pair_id AND a.phase = b.phase AND a.member <> b.member
)
SELECT p.* EXCLUDE (a_source, b_source, a_past),
    coalesce(t.name, (SELECT min(e.name) FROM treaty_events e
                      WHERE e.treaty_id = p.treaty_id AND e.name IS NOT NULL)) AS treaty_name,
    t.dataset AS treaty_dataset,
    s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version,
    s.file AS source_file, s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation,
    CASE WHEN sb.kind = 'register' AND s.kind <> 'register' THEN sb.entry END AS partner_entry,
    CASE WHEN sb.kind = 'register' AND s.kind <> 'register' THEN sb.citation END AS partner_citation,
    CASE WHEN p.status = 'unknown_after_coverage' AND NOT p.a_past THEN sb.dataset || ' ' || sb.version
         ELSE s.dataset || ' ' || s.version END AS coverage_source,
    cs.dataset AS confirmed_file, cs.citation AS confirmed_citation, ce.checked AS confirmed_checked,
    coalesce(json_extract_string(t.attributes, '$.articles'),
             (SELECT min(e.articles) FROM treaty_events e
              WHERE e.treaty_id = p.treaty_id AND e.articles IS NOT NULL)) AS articles,
    (SELECT string_agg(n.text, ' | ' ORDER BY n.note_id) FROM status_notes n
     LEFT JOIN organizations o ON n.subject = 'org:' || o.org_id
     WHERE (n.subject = p.treaty_id OR o.treaty_id = p.treaty_id)
       AND (n.member IS NULL OR n.member = p.from_ccode OR n.member = p.to_ccode)
       AND n.start_date <= $on AND (n.end_date IS NULL OR $on < n.end_date)) AS status_notes
FROM pairs p
LEFT JOIN treaties t ON t.treaty_id = p.treaty_id
JOIN sources s ON s.source_id = p.a_source
JOIN sources sb ON sb.source_id = p.b_source
LEFT JOIN treaty_events ce ON ce.event_id = p.confirmed_by
LEFT JOIN sources cs ON cs.source_id = ce.source_id
ORDER BY from_ccode, to_ccode, treaty_id, phase
"""


def directed_commitments_sql(con, on: str | dt.date | None = None) -> pd.DataFrame:
    """The merge evaluated by one query for one date (`SQL`): the reference the interval table reproduces."""
    day = parse_date(on, "on")
    return con.execute(SQL, {"on": day}).df()


def directed_commitments(
    con, on: str | dt.date | None = None, status: str | None = None
) -> pd.DataFrame:
    """Every directed commitment A→B in force on `on` (default today), one row per treaty phase.

    A slice of the interval table (`foedus.query.intervals`, built once per store build). `status` keeps the
    tiers counted: 'confirmed', 'presumed' (confirmed and presumed, the default) or 'any'.
    """
    day = parse_date(on, "on")
    return slice_on(intervals.build(con), day, status=check_status(status))


def _for_state(frame: pd.DataFrame, code: int) -> pd.DataFrame:
    return frame[(frame.from_ccode == code) | (frame.to_ccode == code)].reset_index(drop=True)


def obligations(
    con,
    state: int,
    on: str | dt.date | None = None,
    frame: pd.DataFrame | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """Commitments in force on `on` that `state` owes or is owed, by partner.

    `frame`: the directed commitments of that date, when the caller already has them (any status: the
    `status` filter is applied here). Without it, only the state's rows of the interval table are read.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection (`foedus.store.open_reader`).
        state: The state's COW code.
        on: The date (ISO text or a date); None means today.
        frame: The directed commitments of `on` (every status), when already computed.
        status: The tiers that count: `confirmed`, `presumed` (default: confirmed and presumed) or `any`.

    Returns:
        One row per directed commitment (`from_ccode`, `to_ccode`, `treaty_id`, `phase`, one column per
        obligation, ...), sorted by partner, then direction, then treaty. Pass it to `records` for JSON.

    Raises:
        BadInputError: `on` is not a date or `status` is not one of the choices.

    Examples:
        >>> from foedus.query import obligations
        >>> frame = obligations(con, 365, "1990-01-01")  # what Russia owes and is owed
        >>> bool(((frame.from_ccode == 365) | (frame.to_ccode == 365)).all())
        True

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    status = check_status(status)
    code = int(state)
    if frame is None:
        table, day = intervals.build(con), parse_date(on, "on")
        return slice_on(table, day, table.state_rows(code, day, status), status)
    frame = select_status(_for_state(frame, code), status)
    partner = frame.to_ccode.where(frame.from_ccode == code, frame.from_ccode)
    return frame.assign(_p=partner).sort_values(["_p", "from_ccode", "treaty_id"], kind="stable").drop(columns="_p")


def dyad(
    con,
    a: int,
    b: int,
    on: str | dt.date | None = None,
    frame: pd.DataFrame | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """What A owes B and what B owes A on `on` (directed rows, A→B first); `frame` and `status` as in `obligations`.

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection (`foedus.store.open_reader`).
        a: State A's COW code.
        b: State B's COW code.
        on: The date (ISO text or a date); None means today.
        frame: The directed commitments of `on` (every status), when already computed.
        status: The tiers that count: `confirmed`, `presumed` (default: confirmed and presumed) or `any`.

    Returns:
        The directed commitments between A and B in force on `on`: A→B rows first, each direction by treaty.
        Empty when the two states owe each other nothing that day.

    Raises:
        BadInputError: `on` is not a date or `status` is not one of the choices.

    Examples:
        >>> from foedus.query import dyad, records
        >>> [(r["from_ccode"], r["to_ccode"], r["obligations"]) for r in records(dyad(con, 365, 731, "1990-01-01"))]
        [(365, 731, ['defense', 'nonaggression']), (731, 365, ['defense', 'nonaggression'])]

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    status = check_status(status)
    a, b = int(a), int(b)
    if frame is None:
        table, day = intervals.build(con), parse_date(on, "on")
        return slice_on(table, day, table.pair_rows(a, b, day, status), status)
    pair = frame[((frame.from_ccode == a) & (frame.to_ccode == b)) | ((frame.from_ccode == b) & (frame.to_ccode == a))]
    pair = select_status(pair.reset_index(drop=True), status)
    return pair.assign(_first=pair.from_ccode != a).sort_values(["_first", "treaty_id"], kind="stable").drop(
        columns="_first"
    ).reset_index(drop=True)


def warning_for(con, on: str | dt.date | None = None, today: dt.date | None = None) -> str | None:
    """The projection warning of a date (after the register's check date or after today), else None."""
    from foedus.query.asof import warning_for as plain_warning_for

    return plain_warning_for(con, on, today)


def source_text(source) -> str:
    """The one text form of a source (see :meth:`foedus.source.Source.text`)."""
    return _source_text(source)


def records(frame: pd.DataFrame, names=None, warning: str | None = None) -> list[dict]:
    """The stable JSON records of directed commitments (see README, `--json`; one record per row,
    :func:`foedus.query.rows.commitment_record`).

    `warning`: the date's projection warning (`warning_for`), repeated on every record when given.

    Args:
        frame: Directed commitments, as `obligations` or `dyad` return them.
        names (StateNames | None): State names (`from_name`, `to_name`) to add to each record, when given.
        warning: The date's projection warning, repeated on every record when given.

    Returns:
        One dict per row: `from_ccode`, `to_ccode`, `obligations`, `conditions`, `treaty_id`, `treaty_name`,
        `phase`, `since`, `until` and the row's source.

    Examples:
        >>> from foedus.query import dyad, records
        >>> [r["treaty_id"] for r in records(dyad(con, 365, 731, "1990-01-01"))]
        ['atop:3440', 'atop:3440']
    """
    return [commitment_record(row, names, warning) for row in frame.to_dict("records")]
