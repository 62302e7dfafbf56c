"""System members on a date (COW or GW), honest about the end of the lists."""

from __future__ import annotations

import datetime as dt

from foedus.dates import parse_date


def system_members(con, on: str | dt.date | None = None, system: str = "cow") -> list[int]:
    """Codes of states that are system members on `on`.

    Past the end of a list, states still members at its end (right-censored spells) are
    carried forward: an explicit, documented assumption (peacesciencer's 'through' rule).
    """
    day = parse_date(on, "on")
    rows = con.execute(
        "SELECT DISTINCT code FROM state_spells WHERE system = ? AND start_date <= ? "
        "AND (end_date >= ? OR censored) ORDER BY code",
        [system, day, day],
    ).fetchall()
    return [r[0] for r in rows]
