"""What the as-of answers need to know about states and obligation types, without the network stack.

`foedus.network.snapshot` re-exports these (it imports networkx; the dyad, obligations, treaty and history
commands must not): COW major-power status (:func:`major_powers`), CINC scores (:func:`cinc_scores`), system
members (:func:`system_members`), and the parsing of an obligation-type list (:func:`parse_types`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from foedus.store.schema import OBLIGATIONS


def parse_types(types: str | Iterable[str] | None) -> tuple[str, ...]:
    """'defense,consultation' or a list -> validated tuple; None means every type."""
    if types is None:
        return OBLIGATIONS
    items = [t.strip().lower() for t in (types.split(",") if isinstance(types, str) else types) if t.strip()]
    aliases = {"non-aggression": "nonaggression", "nonagg": "nonaggression", "defence": "defense", "all": "*"}
    items = [aliases.get(t, t) for t in items]
    if "*" in items:
        return OBLIGATIONS
    unknown = [t for t in items if t not in OBLIGATIONS]
    if unknown or not items:
        raise ValueError(f"unknown obligation type(s) {unknown or types!r}; choose from {', '.join(OBLIGATIONS)}")
    return tuple(t for t in OBLIGATIONS if t in items)


def system_members(con, on: dt.date) -> list[int]:
    """COW system members on `on` (a censored last spell counts as continuing after the list ends)."""
    rows = con.execute(
        "SELECT DISTINCT code FROM state_spells WHERE system = 'cow' AND start_date <= $on "
        "AND (end_date >= $on OR censored) ORDER BY code",
        {"on": on},
    ).fetchall()
    return [int(r[0]) for r in rows]


def major_powers(con, on: dt.date) -> set[int]:
    """COW major powers on `on`; a censored spell is taken to continue after the list ends."""
    rows = con.execute(
        "SELECT DISTINCT code FROM major_powers WHERE start_date <= $on AND (end_date >= $on OR censored)",
        {"on": on},
    ).fetchall()
    return {int(r[0]) for r in rows}


def cinc_scores(con, year: int) -> tuple[dict[int, float], int | None]:
    """CINC by state for `year`, or for the latest NMC year before it (returned as the second value)."""
    row = con.execute("SELECT max(year) FROM capabilities WHERE year <= ?", [int(year)]).fetchone()
    used = row[0] if row else None
    if used is None:
        return {}, None
    rows = con.execute("SELECT code, cinc FROM capabilities WHERE year = ? AND cinc IS NOT NULL", [used]).fetchall()
    return {int(code): float(cinc) for code, cinc in rows}, int(used)
