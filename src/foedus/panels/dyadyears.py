"""Dyad-years: one row per pair of states per year in which both are system members on at least
one common day (peacesciencer's `create_dyadyears()`, false dyads removed).

Built from pairs of membership spells: two spells overlap on the days [max(starts), min(ends)],
and the pair is a dyad in every year that interval touches. A few hundred spells give a few
tens of thousands of overlapping spell pairs, found by numpy broadcasting (spells × spells); a dyad's
year ranges that touch are merged and expanded to years (no search for repeats). `dyadyear_columns`
builds the arrays (no pandas; `build_panel` and the CLI use it), `create_dyadyears` the DataFrame.
Directed panels hold A→B and B→A; non-directed ones keep ccode1 < ccode2. Rows are sorted by
code1, code2, year. GW panels carry GW codes (gwcode1, gwcode2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from foedus.panels.frames import (
    ATTRS_KEY,
    KEY_BASE,
    SYSTEMS,
    Columns,
    check_system,
    merged_ranges,
    state_keys,
    store,
)
from foedus.panels.spells import day_years, membership, panel_meta

if TYPE_CHECKING:
    import pandas as pd


def spell_pairs(spells: dict[str, np.ndarray], directed: bool) -> tuple[np.ndarray, ...]:
    """(code1, code2, first year, last year) of every two spells of different states (code1 < code2 unless
    `directed`) that share a day, sorted by code1, code2 and first year."""
    code, start, end = (np.asarray(spells[c], dtype=np.int64) for c in ("code", "start_date", "end_date"))
    first = np.maximum(start[:, None], start[None, :])
    last = np.minimum(end[:, None], end[None, :])
    keep = (first <= last) & ((code[:, None] != code[None, :]) if directed else (code[:, None] < code[None, :]))
    a, b = np.nonzero(keep)
    code1, code2 = code[a], code[b]
    first_year, last_year = day_years(first[a, b]), day_years(last[a, b])
    # one int64 key sorts like (code1, code2, first year): codes and years lie below 10_000 (else the keys
    # checked later refuse them), and a stable sort of it is faster than a three-key lexsort
    if len(a) and max(int(code.max()), int(last_year.max())) < KEY_BASE and int(code.min()) >= 0:
        order = np.argsort((code1 * KEY_BASE + code2) * KEY_BASE + first_year, kind="stable")
    else:
        order = np.lexsort((first_year, code2, code1))
    return code1[order], code2[order], first_year[order], last_year[order]


def dyadyear_columns(
    con=None, system: str = "cow", directed: bool = True, through: int | None = None, since: int | None = None
) -> Columns:
    """The dyad-years of `create_dyadyears` as arrays (`Columns`), their row keys computed on the way."""
    system = check_system(system)
    with store(con) as db:
        spells, state_list, window = membership(db, system, since, through)
    code1, code2, first, last = spell_pairs(spells, bool(directed))
    pair = state_keys(code1, code2)  # code1 * 10_000 + code2, checked; sorted with the first year
    pair, first, last = merged_ranges(pair, first, last)  # two spell pairs may touch the same year
    counts = last - first + 1
    offsets = np.cumsum(counts) - counts
    # each range's years: 1 per row after its first, which steps from the previous range's last year; summed
    # in place (no index array)
    years = np.ones(int(counts.sum()), dtype=np.int64)
    if len(first):
        years[offsets] = first - np.concatenate([[0], last[:-1]])
    np.cumsum(years, out=years)
    code1, code2 = np.divmod(pair, KEY_BASE)
    code = SYSTEMS[system][0]
    names = (f"{code}1", f"{code}2", "year")
    out = Columns({names[0]: np.repeat(code1, counts), names[1]: np.repeat(code2, counts), "year": years})
    if window[1] < KEY_BASE:  # otherwise the steps refuse the years (frames.frame_keys), as for any frame
        # the ranges the rows were made from: the steps find rows and grid positions from them (frames)
        out.cache["runs"] = {"codes": names[:2], "window": window, "code_runs": (code1, code2), "counts": counts,
                             "offsets": offsets, "first_keys": pair * KEY_BASE + first,
                             "last_keys": pair * KEY_BASE + last}
    source = state_list.source()
    out.attrs[ATTRS_KEY] = {
        **panel_meta("dyad_year", system, state_list, window, directed=bool(directed)),
        "sources": {column: source for column in out.columns},
    }
    return out


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
    return dyadyear_columns(con, system, directed, through, since).to_frame()

