"""The history of a relationship: every commitment between A and B from any source, as periods (the typed
answer: :mod:`foedus.query.history`).

Built on the same merge as the as-of query (`foedus.query.commitments.BASE`): dataset rows,
register treaties and register accessions, with register terminations ending dataset rows.
Each direction (A→B, B→A) gets

- one period per treaty (phase) spell, with the obligations the first state owes the second,
  articles (register), source, and how it ends: a dataset date, a register termination
  (`ended_by`), still in force (`end` null; register treaty or `confirmed_by` a register entry),
  or unknown after the dataset's coverage (`status = "unknown_after_coverage"`);
- a `none` period for every stretch with no commitment at all in that direction;
- `change`: the combined obligations in that direction just before and from the period's start.

A period is `uncertain` when the register records competing readings for its treaty; a `none`
period after an uncertain end inherits it, with the readings.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from foedus.errors import BadInputError
from foedus.naming import names_for, state_code
from foedus.query.merge import BASE
from foedus.query.rows import condition_list, missing, obligation_list
from foedus.query.rows import iso_date as _date
from foedus.source import Source, source_text
from foedus.store.connection import literal
from foedus.store.schema import CONDITION_FLAGS, OBLIGATIONS

# The query's two codes are written in as integer literals ($a, $b; history() makes them ints): binding a parameter
# would import pandas (foedus.store.connection.literal).
_COLUMNS = ", ".join(f"a.{c}" for c in (*OBLIGATIONS, *CONDITION_FLAGS))
SQL = (
    BASE
    + f"""
, rows AS (
    SELECT *, coalesce(exit_date, register_exit) AS effective_exit FROM base WHERE member IN ($a, $b)
)
SELECT a.member AS from_ccode, b.member AS to_ccode, a.pair_id AS treaty_id, a.phase, {_COLUMNS},
    greatest(a.entry_date, b.entry_date) AS start,
    CASE WHEN a.entry_date >= b.entry_date THEN a.entry_precision ELSE b.entry_precision END
        AS start_precision,
    least(a.effective_exit, b.effective_exit) AS "end",
    CASE WHEN a.effective_exit IS NULL OR b.effective_exit < a.effective_exit
         THEN b.exit_precision ELSE a.exit_precision END AS end_precision,
    (a.register_exit IS NOT NULL AND a.exit_date IS NULL)
        OR (b.register_exit IS NOT NULL AND b.exit_date IS NULL)
        AS ended_by_register,
    coalesce(a.coverage_end, b.coverage_end) AS coverage_end,
    t.name AS t_name, t.attributes AS t_attributes,
    s.kind AS source_kind, s.dataset AS source_dataset, s.version AS source_version, s.file AS source_file,
    s.line AS source_line, s.entry AS source_entry, s.citation AS source_citation,
    CASE WHEN sb.kind = 'register' AND s.kind <> 'register' THEN sb.entry END AS partner_entry
FROM rows a
JOIN rows b ON a.pair_id = b.pair_id AND a.phase = b.phase AND a.member <> b.member
LEFT JOIN treaties t ON t.treaty_id = a.pair_id
JOIN sources sb ON sb.source_id = b.source_id
-- a period that exists only because the partner's row is supposed (foedus.suppose) is sourced to the supposition
JOIN sources s ON s.source_id = CASE WHEN sb.dataset = 'supposition' THEN b.source_id ELSE a.source_id END
WHERE greatest(a.entry_date, b.entry_date)
      < coalesce(least(a.effective_exit, b.effective_exit), DATE '9999-12-31')
ORDER BY from_ccode = $b, start, a.pair_id, a.phase
"""
)

_EVENTS = """
SELECT e.*, s.dataset AS file, s.citation FROM treaty_events e JOIN sources s USING (source_id)
WHERE list_contains({ids}, e.treaty_id)
"""


def _dicts(cursor) -> list[dict]:
    """The rows of an executed query as dicts (values as DuckDB gives them: no pandas)."""
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]


def _source(row) -> dict:
    return Source.from_row(row).to_json()


def _event_source(event) -> dict:
    return Source.register(event["file"], event["event_id"], event["citation"], checked=event["checked"]).to_json()


def _covers(event, member_a: int, member_b: int) -> bool:
    members = event["members"]
    return members is None or (member_a in list(members) and member_b in list(members))


def _status(row, events: list) -> tuple[str, dict | None, dict | None]:
    """(status, ended_by, confirmed_by) of one period."""
    if not missing(row["end"]):
        if row["ended_by_register"]:
            pair = (row["from_ccode"], row["to_ccode"])
            term = [e for e in events if e["action"] == "termination" and _covers(e, *pair)]
            ended = None
            if term:
                replaced = term[0]["ended_by"] if isinstance(term[0]["ended_by"], str) else None
                ended = Source.register(term[0]["file"], term[0]["event_id"], term[0]["citation"],
                                        checked=term[0]["checked"], replaced_by=replaced).to_json()
            return "ended", ended, None
        return "ended", None, None
    if missing(row["coverage_end"]):
        return "in_force", None, None
    open_confirmations = [
        e
        for e in events
        if e["action"] in ("confirmation", "extension")
        and _covers(e, row["from_ccode"], row["to_ccode"])
        and missing(e["in_force_until"])
    ]
    if open_confirmations:
        return "in_force", None, _event_source(open_confirmations[0])
    return "unknown_after_coverage", None, None


def _uncertainty(row, events: list) -> list[dict]:
    readings = []
    for e in events:
        if e["uncertain"] and isinstance(e["readings"], str):
            readings += [dict(r, entry=e["event_id"]) for r in json.loads(e["readings"])]
    attributes = json.loads(row["t_attributes"]) if isinstance(row["t_attributes"], str) else {}
    if attributes.get("uncertain"):
        readings += [dict(r, entry=row["treaty_id"][4:]) for r in attributes.get("readings", [])]
    return readings


def _articles(row, events: list) -> dict:
    attributes = json.loads(row["t_attributes"]) if isinstance(row["t_attributes"], str) else {}
    found = dict(attributes.get("articles") or {})
    for e in events:
        if isinstance(e["articles"], str):
            found.update(json.loads(e["articles"]))
    return found


def _name(row, events: list) -> str | None:
    if isinstance(row["t_name"], str):
        return row["t_name"]
    return next((e["name"] for e in events if isinstance(e["name"], str)), None)


def _merge_phases(periods: list[dict]) -> list[dict]:
    """Join consecutive periods of one treaty with the same obligations (ATOP phases, re-entries)."""
    out: list[dict] = []
    for p in periods:
        last = out[-1] if out else None
        if (
            last
            and last["treaty_id"] == p["treaty_id"]
            and last["from_ccode"] == p["from_ccode"]
            and last["obligations"] == p["obligations"]
            and last["end"] == p["start"]
        ):
            last.update(
                end=p["end"],
                end_precision=p["end_precision"],
                status=p["status"],
                ended_by=p["ended_by"],
                confirmed_by=p["confirmed_by"],
            )
        else:
            out.append(p)
    return out


def _combined(periods: list[dict], on: str) -> set[str]:
    return {
        ob
        for p in periods
        if p["start"] <= on and (p["end"] is None or on < p["end"])
        for ob in p["obligations"]
    }


def _describe(obligations: set[str]) -> str:
    return ", ".join(o for o in OBLIGATIONS if o in obligations) or "none"


def _direction(periods: list[dict], a: int, b: int) -> list[dict]:
    """The periods A→B sorted, with `none` gaps and the change at each start."""
    periods = sorted(periods, key=lambda p: (p["start"], p["treaty_id"]))
    out = list(periods)
    reach, reach_period = None, None  # the latest end so far (None = open) and its period
    started = False
    for p in periods:
        if started and reach is not None and p["start"] > reach:
            out.append(_gap(a, b, reach, p["start"], reach_period))
        if not started or reach is not None and (p["end"] is None or p["end"] > reach):
            reach, reach_period = p["end"], p
        started = True
    if started and reach is not None:
        out.append(_gap(a, b, reach, None, reach_period))
    out.sort(key=lambda p: (p["start"], p["treaty_id"] or ""))
    with_obligations = [q for q in out if q["obligations"]]
    for p in out:
        before = _combined(with_obligations, _day_before(p["start"]))
        p["change"] = f"{_describe(before)} → {_describe(_combined(with_obligations, p['start']))}"
    return out


def _day_before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def _gap(a: int, b: int, start: str, end: str | None, previous: dict) -> dict:
    uncertain = previous["uncertain"] and any(r.get("field") == "end" for r in previous["readings"])
    return {
        "from_ccode": a,
        "to_ccode": b,
        "start": start,
        "start_precision": previous["end_precision"],
        "end": end,
        "end_precision": None,
        "obligations": [],
        "conditions": [],
        "articles": {},
        "treaty_id": None,
        "treaty_name": None,
        "phase": None,
        "status": "none",
        "source": previous["ended_by"] or previous["source"],
        "source_text": "",
        "ended_by": None,
        "confirmed_by": None,
        "partner_source": None,
        "coverage_end": None,
        "uncertain": uncertain,
        "readings": [r for r in previous["readings"] if r.get("field") == "end"] if uncertain else [],
        "note": f"no commitment {a}→{b} after {previous['treaty_name'] or previous['treaty_id']} ended",
    }


def history(con, a: int, b: int) -> list[dict]:
    """Every period of the relationship A↔B, A→B first (see the module docstring)."""
    a, b = int(a), int(b)
    frame = _dicts(con.execute(re.sub(r"\$([ab])\b", lambda m: str(a if m.group(1) == "a" else b), SQL)))
    ids = sorted({row["treaty_id"] for row in frame})
    events = _dicts(con.execute(_EVENTS.format(ids="[" + ", ".join(literal(i) for i in ids) + "]"))) if ids else []
    by_treaty: dict[str, list] = {}
    for e in events:
        by_treaty.setdefault(e["treaty_id"], []).append(e)
    periods = []
    for row in frame:
        found = by_treaty.get(row["treaty_id"], [])
        status, ended_by, confirmed_by = _status(row, found)
        readings = _uncertainty(row, found)
        obligations = obligation_list(row)
        articles = _articles(row, found)
        periods.append(
            {
                "from_ccode": int(row["from_ccode"]),
                "to_ccode": int(row["to_ccode"]),
                "start": _date(row["start"]),
                "start_precision": row["start_precision"],
                "end": _date(row["end"]),
                "end_precision": row["end_precision"] if isinstance(row["end_precision"], str) else None,
                "obligations": obligations,
                "conditions": condition_list(row),
                "articles": {ob: articles[ob] for ob in obligations if ob in articles},
                "treaty_id": row["treaty_id"],
                "treaty_name": _name(row, found),
                "phase": int(row["phase"]),
                "status": status,
                "source": _source(row),
                "source_text": "",
                "ended_by": ended_by,
                "confirmed_by": confirmed_by,
                "partner_source": Source.register(entry=row["partner_entry"]).to_json()
                if isinstance(row["partner_entry"], str)
                else None,
                "coverage_end": _date(row["coverage_end"]) if status == "unknown_after_coverage" else None,
                "uncertain": bool(readings),
                "readings": readings,
            }
        )
    out = []
    for first, second in ((a, b), (b, a)):
        mine = _merge_phases([p for p in periods if p["from_ccode"] == first])
        out += _direction(mine, first, second)
    for p in out:
        p["source_text"] = source_text(p["source"])
    return out


def history_payload(con, a: str | int, b: str | int, names=None
                    ) -> tuple[list[dict], int, int, list[str]]:
    """(the periods of A↔B as `foedus history --json` prints them, A's code, B's code, notes on how names were
    read): what :func:`history_answer` validates; the command line prints it as it is (no pydantic)."""
    names = names_for(con, names)
    notes: list[str] = []
    code_a, code_b = state_code(names, a, "a", notes=notes), state_code(names, b, "b", notes=notes)
    if code_a == code_b:
        raise BadInputError("b", f"{names.name(code_a)} ({code_a}) is paired with itself: a history needs two states",
                            fix="name two different states")
    return history(con, code_a, code_b), code_a, code_b, notes
