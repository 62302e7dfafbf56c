"""COW major powers: cowmaj (state-years) or cowmaj1, cowmaj2 (dyad-years).

1 if the state is a major power on at least one day of the year, else 0, as in peacesciencer's
`add_cow_majors()`; but NA (pandas nullable Int8) after the list's coverage end, where
peacesciencer writes 0 (e.g. the United States in 2017-2024 with the 2016 list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from foedus.panels.frames import (
    Added,
    check_new,
    column,
    cow_kind,
    expand_years,
    grid_positions,
    imported,
    nullable_int8,
    past_coverage,
    store,
    with_added,
)

if TYPE_CHECKING:
    import pandas as pd

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
    frame_years = column(df, "year")
    size, _, table_at, frame_at = grid_positions(codes, years, df, kind)
    grid = np.zeros(size, dtype=np.int8)
    grid[table_at] = 1
    missing = past_coverage(frame_years, majors.coverage_end)
    shape = (len(columns), len(frame_years))
    values, masks = np.empty(shape, np.int8), np.empty(shape, bool)
    new = {}
    for i, (name, at) in enumerate(zip(columns, frame_at, strict=True)):
        np.take(grid, at, out=values[i], mode="clip")  # positions lie in the grid
        masks[i] = missing
        new[name] = nullable_int8(values[i], masks[i])
    end = majors.coverage_end.year if majors.coverage_end is not None else None
    source = majors.source(missing=f"NA after {end} (past the list's coverage)") if end else majors.source()
    return Added(new, source)
