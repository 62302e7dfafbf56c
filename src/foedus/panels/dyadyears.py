"""Dyad-years: one row per pair of states per year in which both are system members on at least
one common day (peacesciencer's `create_dyadyears()`, false dyads removed).

Built from pairs of membership spells: two spells overlap on the days [max(starts), min(ends)],
and the pair is a dyad in every year that interval touches. A few hundred spells give a few
tens of thousands of overlapping spell pairs in DuckDB; numpy merges a dyad's year ranges that touch
and expands them to years (no sort, no search for repeats).
Directed panels hold A→B and B→A; non-directed ones keep ccode1 < ccode2. Rows are sorted by
code1, code2, year. GW panels carry GW codes (gwcode1, gwcode2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.frames import (
    ATTRS_KEY,
    KEY_BASE,
    SYSTEMS,
    check_system,
    expand_ranges,
    merged_ranges,
    state_keys,
    store,
)
from foedus.panels.spells import membership, panel_meta

PAIRS = """
SELECT a.code AS code1, b.code AS code2,
       year(greatest(a.start_date, b.start_date)) AS first_year,
       year(least(a.end_date, b.end_date)) AS last_year
FROM spells a JOIN spells b ON a.code {relation} b.code
WHERE greatest(a.start_date, b.start_date) <= least(a.end_date, b.end_date)
ORDER BY code1, code2, first_year
"""


def create_dyadyears(
    con=None, system: str = "cow", directed: bool = True, through: int | None = None, since: int | None = None
) -> pd.DataFrame:
    """Directed (default) or non-directed dyad-years of the COW or GW list, `since` (default 1816)
    to `through` (default: the list's last year; later years keep the members alive at its end).

    Args:
        con (duckdb.DuckDBPyConnection): An open store connection; None opens the default store read-only.
        system: The state list: `cow` (columns `ccode1`, `ccode2`) or `gw` (`gwcode1`, `gwcode2`).
        directed: True for both orders of each pair, False for one row per pair (code1 < code2).
        through: The last year (default: the list's last year).
        since: The first year (default: 1816).

    Returns:
        A frame with the two codes and `year`, one row per dyad-year in which both states are members;
        `df.attrs["foedus"]` records the sources (see `cite`).

    Raises:
        BadInputError: `system` is not `cow` or `gw`.

    Examples:
        >>> from foedus.panels.dyadyears import create_dyadyears
        >>> df = create_dyadyears(con, directed=False, since=1990, through=1990)
        >>> list(df.columns)
        ['ccode1', 'ccode2', 'year']

    References:
        Correlates of War Project. 2017. "State System Membership List, v2016." correlatesofwar.org.

        Gleditsch, Kristian S. and Michael D. Ward. 1999. "Interstate System Membership: A Revised List of
        the Independent States since 1816." International Interactions 25: 393-413.
    """
    system = check_system(system)
    with store(con) as db:
        query = PAIRS.format(relation="<>" if directed else "<")
        pairs, state_list, window = membership(db, system, since, through, query)
    code1, code2 = (pairs[c].to_numpy(dtype=np.int64) for c in ("code1", "code2"))
    pair = state_keys(code1, code2)  # code1 * 10_000 + code2, checked; sorted with first_year by the query
    pair, first, last = merged_ranges(  # two spell pairs may touch the same year
        pair, pairs["first_year"].to_numpy(), pairs["last_year"].to_numpy())
    years, (code1, code2) = expand_ranges(first, last, *np.divmod(pair, KEY_BASE))
    code = SYSTEMS[system][0]
    out = pd.DataFrame({f"{code}1": code1, f"{code}2": code2, "year": years}, copy=False)
    source = state_list.source()
    out.attrs[ATTRS_KEY] = {
        **panel_meta("dyad_year", system, state_list, window, directed=bool(directed)),
        "sources": {column: source for column in out.columns},
    }
    return out

