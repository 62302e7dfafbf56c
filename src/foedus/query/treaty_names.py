"""Readable treaty names: curated for the well-known alliances, generated from ATOP's own fields otherwise.

1. `src/foedus/data/atop_names.csv` (columns ``atop_id,short_name,formal_title,aliases,citation``; aliases
   separated by ``;``), curated with citations, gives the short name, formal title and aliases of an ATOP
   alliance when present.
   The register's organizations (NATO, CSTO, ANZUS, ...) add their short names and aliases to the treaty
   that carries their obligations, so "NATO" finds ATOP 3180 before the curated table exists.
2. A register treaty is named by its entry (``short_name``, else ``name``); an ATOP treaty the register
   names (a ``dataset_update`` with ``name``) takes that name.
3. Every other ATOP alliance gets a descriptive label built from ATOP's fields: its strongest obligation,
   bilateral (with the two founders' COW abbreviations) or multilateral (with its member count), and the
   year it began, e.g. "bilateral defence pact, USA–ROK, 1953" or "multilateral consultation pact, 7
   members, 1947".

:func:`treaty_names` returns ``{treaty_id: name}`` for every treaty of the store; :func:`treaty_catalogue`
returns the full rows (name, formal title, aliases, how the name was found), which `find_treaty` searches.
"""

from __future__ import annotations

import csv
import threading
from dataclasses import dataclass, field
from importlib import resources

from foedus.query.rows import missing

_KIND = (
    ("defense", "defence pact"),
    ("offense", "offensive alliance"),
    ("neutrality", "neutrality pact"),
    ("nonaggression", "non-aggression pact"),
    ("consultation", "consultation pact"),
)


@dataclass(frozen=True)
class TreatyName:
    treaty_id: str
    name: str
    how: str  # 'curated', 'register', 'generated'
    formal_title: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    citation: str | None = None


def curated_names() -> dict[int, dict]:
    """The rows of `atop_names.csv` by ATOP id ({} while the file is absent)."""
    try:
        handle = resources.files("foedus.data").joinpath("atop_names.csv").open(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    out = {}
    with handle:
        for row in csv.DictReader(handle):
            try:
                out[int(str(row.get("atop_id", "")).strip())] = row
            except ValueError:
                continue
    return out


def generated_label(row: dict, abbr: dict[int, str]) -> str:
    """'bilateral defence pact, USA–ROK, 1953' from a `treaties` row (obligations, members, begin)."""
    kind = next((label for ob, label in _KIND if row.get(ob)), "alliance")
    raw = row.get("members")
    members = [] if raw is None else [int(m) for m in list(raw)]
    begin = row.get("begin_date")
    year = None if missing(begin) else begin.year
    if row.get("bilateral") and len(members) >= 2:
        who = "–".join(abbr.get(m, str(m)) for m in members[:2])
        label = f"bilateral {kind}, {who}"
    else:
        label = f"multilateral {kind}, {len(members)} members"
    return f"{label}, {year}" if year else label


_LOCK = threading.Lock()
_CACHE: dict[str, dict[str, TreatyName]] = {}


def treaty_catalogue(con) -> dict[str, TreatyName]:
    """Every treaty's name (cached per store build, see `foedus.query.asof.fingerprint`)."""
    from foedus.query.asof import fingerprint

    key = fingerprint(con)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    built = _build(con)
    with _LOCK:
        _CACHE.clear()
        _CACHE[key] = built
    return built


def treaty_names(con) -> dict[str, str]:
    return {tid: entry.name for tid, entry in treaty_catalogue(con).items()}


def _build(con) -> dict[str, TreatyName]:
    abbr = dict(con.execute("SELECT code, abbr FROM states WHERE system = 'cow' AND abbr IS NOT NULL").fetchall())
    register = dict(
        con.execute(
            "SELECT treaty_id, min(name) FROM treaty_events WHERE name IS NOT NULL GROUP BY treaty_id"
        ).fetchall()
    )
    cursor = con.execute(
        "SELECT treaty_id, dataset, atopid, name, begin_date, bilateral, members, defense, offense, neutrality, "
        "nonaggression, consultation, json_extract_string(attributes, '$.short_name') AS short_name, "
        "json_extract_string(attributes, '$.extends') AS extends FROM treaties"
    )
    columns = [c[0] for c in cursor.description]
    rows = cursor.fetchall()  # now: the next execute on `con` replaces the pending result
    curated = curated_names()
    org_aliases: dict[str, list[str]] = {}
    for tid, short, aliases in con.execute(
        "SELECT treaty_id, short_name, aliases FROM organizations WHERE treaty_id IS NOT NULL ORDER BY org_id"
    ).fetchall():
        org_aliases.setdefault(tid, []).extend(a for a in (short, *(aliases or [])) if a)
    out: dict[str, TreatyName] = {}
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        tid = row["treaty_id"]
        atopid = _atop_id(tid)
        if atopid is not None and atopid in curated:
            c = curated[atopid]
            aliases = tuple(a.strip() for a in (c.get("aliases") or "").split(";") if a.strip())
            out[tid] = TreatyName(
                tid, c.get("short_name") or c.get("formal_title") or tid, "curated",
                c.get("formal_title") or None, aliases, c.get("citation") or None,
            )
        elif row["dataset"] == "register" and isinstance(row["extends"], str):
            out[tid] = TreatyName(tid, row["name"] or tid, "accession")
        elif row["dataset"] == "register":
            name = row["short_name"] if isinstance(row["short_name"], str) else row["name"]
            formal = row["name"] if isinstance(row["name"], str) else None
            out[tid] = TreatyName(tid, name or tid, "register", formal)
        elif isinstance(register.get(tid), str):
            out[tid] = TreatyName(tid, register[tid], "register", register[tid])
        elif isinstance(row["name"], str) and row["name"]:
            out[tid] = TreatyName(tid, row["name"], "dataset")
        else:
            out[tid] = TreatyName(tid, generated_label(row, abbr), "generated")
        if org_aliases.get(tid):
            entry = out[tid]
            extra = tuple(a for a in org_aliases[tid] if a not in entry.aliases)
            out[tid] = TreatyName(tid, entry.name, entry.how, entry.formal_title, entry.aliases + extra, entry.citation)
    return out


def _atop_id(tid: str) -> int | None:
    if tid.startswith("atop:") and tid[5:].isdigit():
        return int(tid[5:])
    return None
