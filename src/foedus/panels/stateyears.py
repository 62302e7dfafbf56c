"""State-years: one row per state per year it is a system member on at least one day.

Same rows and columns as peacesciencer's `create_stateyears()`: COW gives (ccode, statenme, year),
Gleditsch–Ward gives (gwcode, statename, year), sorted by code and year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.frames import (
    ATTRS_KEY,
    KEY_BASE,
    SYSTEMS,
    check_system,
    expand_years,
    sorted_unique,
    state_keys,
    store,
)
from foedus.panels.spells import membership, panel_meta

NAME_COLUMN = {"cow": "statenme", "gw": "statename"}


def create_stateyears(
    con=None, system: str = "cow", through: int | None = None, since: int | None = None
) -> pd.DataFrame:
    """State-years of the COW or GW list, `since` (default 1816) to `through` (default: the list's
    last year; later years keep the members alive at its end)."""
    system = check_system(system)
    with store(con) as db:
        spells, state_list, window = membership(db, system, since, through)
        names = db.execute("SELECT code, name FROM states WHERE system = ? ORDER BY code", [system]).df()
    rows, years = expand_years(spells["start_date"].dt.year.to_numpy(), spells["end_date"].dt.year.to_numpy())
    codes = spells["code"].to_numpy(dtype=np.int64)[rows]
    keys = sorted_unique(state_keys(codes, years))  # two spells may touch the same year
    if keys is not None:
        codes, years = keys // KEY_BASE, keys % KEY_BASE
    code_column = SYSTEMS[system][0]
    name = pd.Series(names["name"].to_numpy(), index=names["code"].to_numpy(dtype=np.int64))
    out = pd.DataFrame(
        {code_column: codes, NAME_COLUMN[system]: name.reindex(codes).to_numpy(), "year": years}
    )
    source = state_list.source()
    out.attrs[ATTRS_KEY] = {
        **panel_meta("state_year", system, state_list, window),
        "sources": {column: source for column in out.columns},
    }
    return out
