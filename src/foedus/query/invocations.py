"""Invocation events from the register: a state invoking a treaty article (or asking for help under it),
what it asked and what each party did.

`invocations(con, state=None, treaty=None)` lists them, oldest first, filtered by a state (it invoked,
or it answered) and/or a treaty (`atop:3180`, `reg:<id>`, `org:nato`, or a name such as `NATO`,
`CSTO`, `ANZUS`, `Rio Treaty`). `dyad_invocations(con, a, b)` gives the events that concern both states
of a dyad (one invoked, the other invoked with it, answered, or is a party to the treaty invoked); the
dyad history shows them. Every event carries its register `Source` (entry and citations).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from foedus.dates import format_partial
from foedus.errors import BadInputError
from foedus.query.rows import missing
from foedus.source import Source

_EVENTS = """
SELECT i.*, s.dataset AS source_dataset, s.version AS source_version, s.entry AS source_entry,
       s.citation AS source_citation
FROM invocations i JOIN sources s USING (source_id)
ORDER BY i.event_date, i.event_id
"""


@lru_cache(maxsize=1)
def atop_names() -> dict[int, dict]:
    """ATOP id -> {short_name, formal_title, aliases, citation} from `foedus/data/atop_names.csv`."""
    with resources.files("foedus.data").joinpath("atop_names.csv").open(encoding="utf-8") as handle:
        return {
            int(row["atop_id"]): {
                "short_name": row["short_name"],
                "formal_title": row["formal_title"] or None,
                "aliases": [a.strip() for a in (row["aliases"] or "").split(";") if a.strip()],
                "citation": row["citation"],
            }
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Response:
    """What one party did: `action` is forces sent, assistance sent, consultation held, support declared,
    measures taken, refused, deferred, no answer or other."""

    action: str
    text: str
    ccode: int | None = None
    party: str | None = None
    date: str | None = None

    def to_json(self) -> dict:
        return {"ccode": self.ccode, "party": self.party, "action": self.action, "date": self.date,
                "text": self.text}


@dataclass(frozen=True)
class InvocationEvent:
    id: str
    treaty_id: str
    treaty_name: str | None
    article: str
    invoked_by: tuple[int, ...]
    date: str
    request: str
    asked: str
    responses: tuple[Response, ...]
    source: Source
    end: str | None = None
    outcome: str | None = None
    uncertain: bool = False
    readings: tuple[dict, ...] = ()
    note: str | None = None
    checked: str | None = None

    def parties(self) -> set[int]:
        """Every state named in the event: those invoking and those answering."""
        return set(self.invoked_by) | {r.ccode for r in self.responses if r.ccode is not None}

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "treaty_id": self.treaty_id,
            "treaty_name": self.treaty_name,
            "article": self.article,
            "invoked_by": list(self.invoked_by),
            "date": self.date,
            "end": self.end,
            "request": self.request,
            "asked": self.asked,
            "outcome": self.outcome,
            "responses": [r.to_json() for r in self.responses],
            "uncertain": self.uncertain,
            "readings": list(self.readings),
            "note": self.note,
            "checked": self.checked,
            "source": self.source.to_json(),
        }


@dataclass(frozen=True)
class Invocations:
    """The answer of `invocations()`: the filters applied and the events, oldest first."""

    events: tuple[InvocationEvent, ...]
    state: int | None = None
    treaty: str | None = None
    treaty_ids: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "state": self.state,
            "treaty": self.treaty,
            "treaty_ids": list(self.treaty_ids),
            "count": len(self.events),
            "events": [e.to_json() for e in self.events],
        }


def _clean(value):
    if hasattr(value, "__len__") and not isinstance(value, str):  # a list or array is a value, never missing
        return value
    return None if missing(value) else value


def _when(value, precision) -> str | None:
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # pandas.Timestamp too
        value = value.date()
    elif not isinstance(value, dt.date):
        import pandas as pd  # numpy datetime64 or text

        value = pd.Timestamp(value).date()
    return format_partial(value, precision)


def _treaty_names(con) -> dict[str, str]:
    """treaty id -> display name: register treaties and organizations, ATOP names from the names table."""
    names = {f"atop:{k}": v["short_name"] for k, v in atop_names().items()}
    for tid, name in con.execute("SELECT treaty_id, name FROM treaties WHERE dataset = 'register'").fetchall():
        names[tid] = name
    for oid, short in con.execute("SELECT org_id, short_name FROM organizations").fetchall():
        names[f"org:{oid}"] = short
    return names


def _event(row: dict, names: dict[str, str]) -> InvocationEvent:
    raw = row["responses"]
    responses = tuple(
        Response(r["action"], r["text"], r.get("ccode"), r.get("party"), r.get("date"))
        for r in (json.loads(raw) if isinstance(raw, str) else raw or [])
    )
    readings = _clean(row.get("readings"))
    checked = _clean(row.get("checked"))
    if isinstance(checked, dt.datetime):  # pandas.Timestamp too
        checked = checked.date()
    checked_text = checked.isoformat() if isinstance(checked, dt.date) else checked
    source = Source.register(row["source_dataset"], row["source_entry"], row["source_citation"],
                             version=row["source_version"], checked=checked_text)
    return InvocationEvent(
        id=row["event_id"],
        treaty_id=row["treaty_id"],
        treaty_name=names.get(row["treaty_id"]),
        article=row["article"],
        invoked_by=tuple(int(c) for c in row["invoked_by"]),
        date=_when(row["event_date"], row["event_precision"]),
        end=_when(row["end_date"], row["end_precision"]),
        request=row["request"],
        asked=row["asked"],
        outcome=_clean(row["outcome"]),
        responses=responses,
        uncertain=bool(row["uncertain"]),
        readings=tuple(json.loads(readings)) if isinstance(readings, str) else (),
        note=_clean(row["note"]),
        checked=checked_text,
        source=source,
    )


def all_events(con) -> list[InvocationEvent]:
    names = _treaty_names(con)
    return [_event(row, names) for row in con.execute(_EVENTS).df().to_dict("records")]


def treaty_ids_for(con, text: str) -> tuple[str, ...] | None:
    """The treaty ids a treaty query names (an id, an organization, a register treaty or an ATOP name);
    None when it names none."""
    raw = str(text).strip()
    folded = raw.casefold()
    prefixed = folded.startswith(("atop:", "reg:", "org:"))
    ids = {raw[: raw.index(":")].lower() + raw[raw.index(":"):]} if prefixed else set()
    _add_organizations(con, folded, ids)
    _add_register_treaties(con, folded, ids)
    _add_atop_treaties(folded, ids)
    if any(i.startswith("atop:") for i in ids):
        _add_organizations_on(con, ids)
    return tuple(sorted(ids)) or None


def _names(folded: str, keys) -> bool:
    """Whether `folded` (case-folded text) is one of `keys` (empty keys ignored), case-insensitively."""
    return folded in {str(k).casefold() for k in keys if k}


def _add_organizations(con, folded: str, ids: set[str]) -> None:
    """Organizations named by id, short name, name or alias, or already in `ids`, with their treaties."""
    for oid, short, name, aliases, tid in con.execute(
        "SELECT org_id, short_name, name, aliases, treaty_id FROM organizations"
    ).fetchall():
        if _names(folded, {oid, short, name, *(aliases or [])}) or f"org:{oid}" in ids:
            ids |= {f"org:{oid}"} | ({tid} if tid else set())


def _add_register_treaties(con, folded: str, ids: set[str]) -> None:
    """Register treaties named by id (with or without `reg:`), name or short name."""
    for tid, name, attributes in con.execute(
        "SELECT treaty_id, name, attributes FROM treaties WHERE dataset = 'register'"
    ).fetchall():
        short = (json.loads(attributes) or {}).get("short_name") if attributes else None
        if _names(folded, (tid, tid.removeprefix("reg:"), name, short)):
            ids.add(tid)


def _add_atop_treaties(folded: str, ids: set[str]) -> None:
    """ATOP alliances named by short name, formal title or alias."""
    for atopid, info in atop_names().items():
        if _names(folded, {info["short_name"], info["formal_title"], *info["aliases"]}):
            ids.add(f"atop:{atopid}")


def _add_organizations_on(con, ids: set[str]) -> None:
    """Organizations built on a treaty in `ids` (e.g. 'atop:3180' -> org:nato)."""
    for oid, tid in con.execute("SELECT org_id, treaty_id FROM organizations").fetchall():
        if tid in ids:
            ids.add(f"org:{oid}")


def known_treaties(con) -> list[str]:
    """Treaty names the register's events use (for hints)."""
    return sorted({e.treaty_name or e.treaty_id for e in all_events(con)})


def invocations(con, state: int | None = None, treaty: str | None = None) -> Invocations:
    """Invocation events, oldest first; `state` (COW code) keeps those it invoked or answered, `treaty`
    (id or name) those under that treaty. Raises BadInputError for a treaty it cannot find."""
    events = all_events(con)
    ids: tuple[str, ...] = ()
    if treaty is not None and str(treaty).strip():
        ids = treaty_ids_for(con, treaty) or ()
        if not ids:
            raise BadInputError(
                "treaty", f"no treaty or organization named '{treaty}'",
                fix=f"give a treaty id (atop:3180, reg:russia-dprk-2024, org:nato) or one of: "
                    f"{', '.join(known_treaties(con))}",
            )
        events = [e for e in events if e.treaty_id in ids]
    if state is not None:
        events = [e for e in events if int(state) in e.parties()]
    return Invocations(tuple(events), state, treaty, ids)


def _members(con, treaty_id: str) -> set[int]:
    if treaty_id.startswith("org:"):
        rows = con.execute("SELECT member FROM org_memberships WHERE org_id = ?", [treaty_id[4:]]).fetchall()
    else:
        rows = con.execute(
            "SELECT member FROM commitments WHERE treaty_id = ? OR treaty_id IN "
            "(SELECT treaty_id FROM treaties WHERE json_extract_string(attributes, '$.extends') = ?)",
            [treaty_id, treaty_id],
        ).fetchall()
    return {int(r[0]) for r in rows}


def dyad_invocations(con, a: int, b: int) -> list[InvocationEvent]:
    """Events that concern both states: one invoked, and the other invoked with it, answered, or is a party
    to the treaty (or organization) invoked. For the dyad history (`foedus history A B`)."""
    out = []
    for event in all_events(con):
        invoked = set(event.invoked_by)
        if not invoked & {a, b}:
            continue
        other = b if a in invoked else a
        if other in event.parties() or other in _members(con, event.treaty_id):
            out.append(event)
    return out
