"""System-membership spells of one state list, cut or extended to the panel's last year.

`through` (peacesciencer's "most recent year"): states still members at the end of the list
(right-censored spells) are assumed to stay members through 31 December of `through`; every
spell is cut at that day. Without `through` the panel ends where the list ends.
"""

from __future__ import annotations

import pandas as pd

from foedus.panels.frames import FIRST_YEAR, SYSTEMS, Import, check_system, imported

SPELLS = """
WITH extended AS (
    SELECT code, start_date,
           CASE WHEN censored AND $through > year(end_date) THEN make_date($through, 12, 31)
                ELSE end_date END AS end_date
    FROM state_spells
    WHERE system = $system
), spells AS (
    SELECT code, start_date, least(end_date, make_date($through, 12, 31)) AS end_date
    FROM extended
    WHERE year(start_date) <= $through
)
"""
ALL_SPELLS = "SELECT * FROM spells ORDER BY code, start_date"


def last_year(state_list: Import, through: int | None) -> int:
    """The panel's last year: `through`, or the year the state list ends."""
    if through is None:
        if state_list.coverage_end is None:
            raise ValueError(f"{state_list.dataset} has no coverage end: pass through=YEAR")
        return state_list.coverage_end.year
    through = int(through)
    if through < FIRST_YEAR:
        raise ValueError(f"through must be {FIRST_YEAR} or later, not {through}")
    return through


def membership(
    con, system: str, through: int | None, query: str = ALL_SPELLS
) -> tuple[pd.DataFrame, Import, int]:
    """`query` over the table `spells` (code, start_date, end_date; both days inclusive) of `system`,
    with the list's import and the panel's last year."""
    system = check_system(system)
    state_list = imported(con, SYSTEMS[system][1])
    year = last_year(state_list, through)
    frame = con.execute(SPELLS + query, {"system": system, "through": year}).df()
    return frame, state_list, year


def panel_meta(unit: str, system: str, state_list: Import, through: int, **extra) -> dict:
    """The metadata a new panel starts with."""
    return {
        "unit": unit,
        "system": system,
        **extra,
        "first_year": FIRST_YEAR,
        "through": through,
        "rule": _rule(unit, state_list, through),
        "state_list": state_list.source(),
    }


def _rule(unit: str, state_list: Import, through: int) -> str:
    if unit == "dyad_year":
        member = "both states are system members on at least one common day"
    else:
        member = "the state is a system member"
    end = state_list.coverage_end.year if state_list.coverage_end is not None else through
    if through > end:
        tail = f"members still in the list at its end ({end}) assumed to stay members through {through}"
    else:
        tail = f"cut at the end of {through}"
    return f"a row per year in which {member}; {tail}"
