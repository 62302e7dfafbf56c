"""State-years: one row per state per year it is a system member on at least one day.

Same rows and columns as peacesciencer's `create_stateyears()`: COW gives (ccode, statenme, year),
Gleditsch–Ward gives (gwcode, statename, year), sorted by code and year.
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
    expand_years,
    literal,
    sorted_unique,
    state_keys,
    store,
)
from foedus.panels.spells import day_years, membership, panel_meta

if TYPE_CHECKING:
    import pandas as pd

NAME_COLUMN = {"cow": "statenme", "gw": "statename"}


def create_stateyears(
    con=None, system: str = "cow", through: int | None = None, since: int | None = None
) -> pd.DataFrame:
    """State-years of the COW or GW list, `since` (default 1816) to `through` (default: the list's
    last year; later years keep the members alive at its end)."""
    return stateyear_columns(con, system, through, since).to_frame()


def stateyear_columns(con=None, system: str = "cow", through: int | None = None, since: int | None = None) -> Columns:
    """The state-years of `create_stateyears` as arrays (`Columns`); names an object array of str."""
    system = check_system(system)
    with store(con) as db:
        spells, state_list, window = membership(db, system, since, through)
        names = db.execute(f"SELECT code, name FROM states WHERE system = {literal(system)} ORDER BY code").fetchnumpy()
    rows, years = expand_years(day_years(spells["start_date"]), day_years(spells["end_date"]))
    codes = np.asarray(spells["code"], dtype=np.int64)[rows]
    keys = sorted_unique(state_keys(codes, years))  # two spells may touch the same year
    if keys is not None:
        codes, years = keys // KEY_BASE, keys % KEY_BASE
    code_column = SYSTEMS[system][0]
    known = np.asarray(names["code"], dtype=np.int64)  # sorted by the query
    labels = np.asarray(names["name"], dtype=object)
    at = np.minimum(np.searchsorted(known, codes), max(len(known) - 1, 0))
    found = known[at] == codes if len(known) else np.zeros(len(codes), dtype=bool)
    label = np.where(found, labels[at] if len(known) else None, None).astype(object)
    out = Columns({code_column: codes, NAME_COLUMN[system]: label, "year": years})
    source = state_list.source()
    out.attrs[ATTRS_KEY] = {
        **panel_meta("state_year", system, state_list, window),
        "sources": {column: source for column in out.columns},
    }
    return out
