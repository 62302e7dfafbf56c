"""COW major powers: cowmaj (state-years) or cowmaj1, cowmaj2 (dyad-years).

1 if the state is a major power on at least one day of the year, else 0, as in peacesciencer's
`add_cow_majors()`; but NA (pandas nullable Int8) after the list's coverage end, where
peacesciencer writes 0 (e.g. the United States in 2017-2024 with the 2016 list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.frames import (
    check_new,
    cow_kind,
    expand_years,
    extend,
    frame_keys,
    imported,
    lookup,
    meta,
    nullable_int8,
    past_coverage,
    set_meta,
    state_keys,
    store,
)

DATASET = "COW major powers"
SQL = "SELECT code, year(start_date) AS first_year, year(end_date) AS last_year FROM major_powers"


def add_majors(df: pd.DataFrame, con=None) -> pd.DataFrame:
    """A copy of a COW state-year or dyad-year frame with the major-power flag of each state."""
    kind = cow_kind(df, "add_majors")
    suffixes = [""] if kind.unit == "state_year" else ["1", "2"]
    columns = [f"cowmaj{suffix}" for suffix in suffixes]
    check_new(df, columns)
    new = {}
    with store(con) as db:
        majors = imported(db, DATASET)
        spells = db.execute(SQL).df()
    rows, years = expand_years(spells["first_year"].to_numpy(), spells["last_year"].to_numpy())
    keys = np.unique(state_keys(spells["code"].to_numpy()[rows], years))
    missing = past_coverage(df["year"].to_numpy(), majors.coverage_end)
    for code, column in zip(kind.codes, columns, strict=True):
        _, found = lookup(keys, frame_keys(df, code))
        new[column] = nullable_int8(found, missing)
    end = majors.coverage_end.year if majors.coverage_end is not None else None
    source = majors.source(missing=f"NA after {end} (past the list's coverage)") if end else majors.source()
    return set_meta(extend(df, new), meta(df), columns, source)
