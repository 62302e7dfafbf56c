"""Organizations from the register: members and their status on a date, a state's memberships.

Membership periods are inclusive of the join date and exclusive of the leave date. A member's
status on a date is `member` (or its role: partner, observer), qualified by any register status
note in force then (e.g. `suspended` for Uzbekistan in the CSTO since 2012-12-19, `frozen` for
Armenia since 2024-02-22). Every answer carries the register entry and citation it came from.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from foedus.dates import format_partial, parse_date
from foedus.errors import FoedusError
from foedus.naming import StateNames
from foedus.query.states import names_for, state_code
from foedus.results import Record, Result
from foedus.source import Source

_ORG = """
SELECT o.*, s.dataset AS file, s.citation FROM organizations o JOIN sources s USING (source_id)
"""
_MEMBERS = """
SELECT m.*, o.name AS org_name, o.short_name, o.kind, o.mutual_defence, o.defence_article, o.treaty_id
FROM org_memberships m JOIN organizations o USING (org_id)
WHERE m.start_date <= $on AND (m.end_date IS NULL OR $on < m.end_date) {where}
ORDER BY o.org_id, m.role, m.member
"""
_NOTES = """
SELECT n.*, s.dataset AS file, s.citation FROM status_notes n JOIN sources s USING (source_id)
WHERE n.start_date <= $on AND (n.end_date IS NULL OR $on < n.end_date)
"""


def _when(value, precision) -> str | None:
    if value is None or pd.isna(value):
        return None
    return format_partial(pd.Timestamp(value).date(), precision)


def find_organization(con, name: str) -> dict:
    """The organization whose id, short name, name or alias is `name` (case-insensitive)."""
    wanted = str(name).strip().casefold()
    rows = con.execute(_ORG).df().to_dict("records")
    if not rows:
        raise FoedusError("No organizations in the database; run `foedus register load` first.")
    for row in rows:
        aliases = row["aliases"] if row["aliases"] is not None else []
        names = {row["org_id"], row["short_name"], row["name"], *list(aliases)}
        if wanted in {str(n).casefold() for n in names if isinstance(n, str)}:
            return row
    close = [r["short_name"] for r in rows if wanted in r["name"].casefold() or wanted in r["org_id"]]
    known = ", ".join(sorted(r["short_name"] for r in rows))
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {known}"
    raise FoedusError(f"Unknown organization '{name}'; {hint}")


def _notes(con, day: dt.date) -> dict[tuple[str, int], list[dict]]:
    out: dict[tuple[str, int], list[dict]] = {}
    for n in con.execute(_NOTES, {"on": day}).df().to_dict("records"):
        if n["member"] is None or n["member"] != n["member"]:
            continue
        out.setdefault((n["subject"], int(n["member"])), []).append(
            {
                "status": n["status"],
                "since": _when(n["start_date"], n["start_precision"]),
                "text": n["text"],
                "source": Source.register(n["file"], citation=n["citation"]).to_json(),
            }
        )
    return out


def _status(role: str, notes: list[dict]) -> str:
    return notes[-1]["status"] if notes else role


def _membership(row, notes) -> dict:
    key_notes = notes.get((f"org:{row['org_id']}", int(row["member"])), [])
    if isinstance(row["treaty_id"], str):
        key_notes = key_notes + notes.get((row["treaty_id"], int(row["member"])), [])
    return {
        "ccode": int(row["member"]),
        "role": row["role"],
        "status": _status(row["role"], key_notes),
        "since": _when(row["start_date"], row["start_precision"]),
        "uncertain": bool(row["uncertain"]),
        "note": row["note"] if isinstance(row["note"], str) else None,
        "status_notes": key_notes,
    }


def organization(con, name: str, on: str | dt.date | None = None) -> dict:
    """An organization and its members with their status on `on` (default today)."""
    day = parse_date(on, "on")
    org = find_organization(con, name)
    notes = _notes(con, day)
    rows = con.execute(_MEMBERS.format(where="AND o.org_id = $org"), {"on": day, "org": org["org_id"]}).df()
    return {
        "on": day.isoformat(),
        "org_id": org["org_id"],
        "name": org["name"],
        "short_name": org["short_name"],
        "kind": org["kind"],
        "founded": _when(org["founded"], org["founded_precision"]),
        "mutual_defence": bool(org["mutual_defence"]),
        "defence_article": org["defence_article"] if isinstance(org["defence_article"], str) else None,
        "treaty_id": org["treaty_id"] if isinstance(org["treaty_id"], str) else None,
        "note": org["note"] if isinstance(org["note"], str) else None,
        "members": [_membership(r, notes) for r in rows.to_dict("records")],
        "source": Source.register(org["file"], org["org_id"], org["citation"]).to_json(),
    }


def memberships(con, state: int, on: str | dt.date | None = None) -> dict:
    """Every organization `state` belongs to (any role) on `on`, with its status there."""
    day = parse_date(on, "on")
    if not con.execute("SELECT count(*) FROM organizations").fetchone()[0]:
        raise FoedusError("No organizations in the database; run `foedus register load` first.")
    notes = _notes(con, day)
    rows = con.execute(_MEMBERS.format(where="AND m.member = $state"), {"on": day, "state": int(state)}).df()
    out = []
    for r in rows.to_dict("records"):
        item = _membership(r, notes)
        item.update(
            org_id=r["org_id"],
            name=r["org_name"],
            short_name=r["short_name"],
            kind=r["kind"],
            mutual_defence=bool(r["mutual_defence"]),
            defence_article=r["defence_article"] if isinstance(r["defence_article"], str) else None,
        )
        out.append(item)
    return {"on": day.isoformat(), "state": int(state), "memberships": out}


class StatusNote(Record):
    status: str
    since: str | None
    text: str
    source: Source


class Membership(Record):
    """A state's membership (`role`) and its status on the date."""

    ccode: int
    role: str | None
    status: str
    since: str | None
    uncertain: bool
    note: str | None
    status_notes: list[StatusNote]


class Organization(Result):
    """An organization and its members with their status on `on` (`foedus org --json`)."""

    on: str
    org_id: str
    name: str
    short_name: str
    kind: str
    founded: str | None
    mutual_defence: bool
    defence_article: str | None
    treaty_id: str | None
    note: str | None
    members: list[Membership]
    source: Source


class StateMembership(Membership):
    org_id: str
    name: str
    short_name: str
    kind: str
    mutual_defence: bool
    defence_article: str | None


class Memberships(Result):
    """The organizations `state` belongs to on `on` (`foedus memberships --json`)."""

    on: str
    state: int
    memberships: list[StateMembership]


def organization_answer(con, name: str, on: str | dt.date | None = None) -> Organization:
    return Organization.model_validate(organization(con, name, on))


def memberships_answer(con, state: str | int, on: str | dt.date | None = None,
                       names: StateNames | None = None) -> Memberships:
    """`state` may be a name or a code."""
    code = state_code(names_for(con, names), state, "state", parse_date(on, "on"))
    return Memberships.model_validate(memberships(con, code, on))
