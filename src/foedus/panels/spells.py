"""System-membership spells of one state list, cut or extended to the panel's years.

`through` (peacesciencer's "most recent year"): states still members at the end of the list
(right-censored spells) are assumed to stay members through 31 December of `through`; every
spell is cut at that day. Without `through` the panel ends where the list ends. `since`
(peacesciencer's `subset_years`, as a first year) cuts spells at 1 January of that year, which
changes no row of the later years.
"""

from __future__ import annotations

import numpy as np

from foedus.errors import BadInputError
from foedus.panels.frames import FIRST_YEAR, SYSTEMS, Import, check_system, imported, literal

SPELLS = """
WITH extended AS (
    SELECT code, start_date,
           CASE WHEN censored AND $through > year(end_date) THEN make_date($through, 12, 31)
                ELSE end_date END AS end_date
    FROM state_spells
    WHERE system = $system
), spells AS (
    SELECT code, greatest(start_date, make_date($since, 1, 1)) AS start_date,
           least(end_date, make_date($through, 12, 31)) AS end_date
    FROM extended
    WHERE year(start_date) <= $through AND year(end_date) >= $since
)
"""
ALL_SPELLS = "SELECT * FROM spells ORDER BY code, start_date"


def years(state_list: Import, since: int | None, through: int | None) -> tuple[int, int]:
    """The panel's first and last years: `since` (default 1816) and `through` (default the list's end)."""
    if through is None:
        if state_list.coverage_end is None:
            raise BadInputError("", f"{state_list.dataset} has no coverage end: pass through=YEAR")
        through = state_list.coverage_end.year
    through = int(through)
    since = FIRST_YEAR if since is None else max(int(since), FIRST_YEAR)
    if through < FIRST_YEAR:
        raise BadInputError("", f"through must be {FIRST_YEAR} or later, not {through}")
    if since > through:
        raise BadInputError("", f"since ({since}) is after through ({through})")
    return since, through


def membership(
    con, system: str, since: int | None, through: int | None, query: str = ALL_SPELLS
) -> tuple[dict[str, np.ndarray], Import, tuple[int, int]]:
    """`query` over the table `spells` (code, start_date, end_date; both days inclusive) of `system` as
    numpy arrays (dates as days since 1970), with the list's import and the panel's first and last years."""
    system = check_system(system)
    state_list = imported(con, SYSTEMS[system][1])
    first, last = years(state_list, since, through)
    values = {"$system": literal(system), "$since": literal(first), "$through": literal(last)}
    sql = SPELLS + query
    for name, value in values.items():  # inlined, not bound: see frames.literal
        sql = sql.replace(name, value)
    found = con.execute(sql).fetchnumpy()
    arrays = {}
    for name, values in found.items():
        values = np.asarray(values)
        if np.issubdtype(values.dtype, np.datetime64):
            values = values.astype("datetime64[D]").astype(np.int64)
        arrays[name] = values
    return arrays, state_list, (first, last)


def day_years(days: np.ndarray) -> np.ndarray:
    """The calendar year of each day (days since 1970-01-01)."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def panel_meta(unit: str, system: str, state_list: Import, window: tuple[int, int], **extra) -> dict:
    """The metadata a new panel starts with."""
    return {
        "unit": unit,
        "system": system,
        **extra,
        "first_year": window[0],
        "through": window[1],
        "rule": _rule(unit, state_list, window[1]),
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
