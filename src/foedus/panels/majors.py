"""COW major powers: cowmaj (state-years) or cowmaj1, cowmaj2 (dyad-years).

1 if the state is a major power on at least one day of the year, else 0, as in peacesciencer's
`add_cow_majors()`; but NA (pandas nullable Int8) after the list's coverage end, where
peacesciencer writes 0 (e.g. the United States in 2017-2024 with the 2016 list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.frames import (
    Added,
    check_new,
    cow_kind,
    expand_years,
    grid_positions,
    imported,
    nullable_int8,
    past_coverage,
    store,
    with_added,
)

DATASET = "COW major powers"
SQL = "SELECT code::BIGINT AS code, year(start_date)::BIGINT AS first_year, year(end_date)::BIGINT AS last_year " \
    "FROM major_powers"


def add_majors(df: pd.DataFrame, con=None) -> pd.DataFrame:
    """A new frame: a COW state-year or dyad-year frame with the major-power flag of each state."""
    return with_added(df, majors_added(df, con))


def majors_added(df: pd.DataFrame, con=None) -> Added:
    """The major-power flags of `df`'s rows (a gather from a dense state × year grid)."""
    kind = cow_kind(df, "add_majors")
    suffixes = [""] if kind.unit == "state_year" else ["1", "2"]
    columns = [f"cowmaj{suffix}" for suffix in suffixes]
    check_new(df, columns)
    with store(con) as db:
        majors = imported(db, DATASET)
        spells = db.execute(SQL).fetchnumpy()
    rows, years = expand_years(spells["first_year"], spells["last_year"])
    codes = np.asarray(spells["code"])[rows]
    frame_years = df["year"].to_numpy()
    size, table_at, frame_at = grid_positions(codes, years, [df[c].to_numpy() for c in kind.codes], frame_years)
    grid = np.zeros(size, dtype=bool)
    grid[table_at] = True
    missing = past_coverage(frame_years, majors.coverage_end)
    new = {column: nullable_int8(grid[at], missing.copy()) for column, at in zip(columns, frame_at, strict=True)}
    end = majors.coverage_end.year if majors.coverage_end is not None else None
    source = majors.source(missing=f"NA after {end} (past the list's coverage)") if end else majors.source()
    return Added(new, source)
