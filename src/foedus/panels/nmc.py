"""COW National Material Capabilities (NMC): milex, milper, irst, pec, tpop, upop, cinc.

As peacesciencer's `add_nmc()`: state-years get the seven columns, dyad-years get them for each
side (milex1 … cinc1, then milex2 … cinc2). A state-year NMC lacks (including every year after
its coverage, and -9 in the file) is NaN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from foedus.panels.frames import Added, check_new, column, cow_kind, grid_positions, imported, store, with_added

if TYPE_CHECKING:
    import pandas as pd

NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
DATASET = "COW NMC"
SQL = f"""
SELECT code::BIGINT AS code, year::BIGINT AS year, {", ".join(f"{c}::DOUBLE AS {c}" for c in NMC_COLUMNS)}
FROM capabilities WHERE code BETWEEN 0 AND 9999
"""  # no ORDER BY: (code, year) is the table's primary key, so no state-year has two rows


def add_nmc(df: pd.DataFrame, con=None) -> pd.DataFrame:
    """A new frame: a COW state-year or dyad-year frame with the NMC columns of each state."""
    return with_added(df, nmc_added(df, con))


def nmc_added(df: pd.DataFrame, con=None) -> Added:
    """The NMC columns of `df`'s rows: one gather per side from a dense (7 × state × year) grid."""
    kind = cow_kind(df, "add_nmc")
    suffixes = [""] if kind.unit == "state_year" else ["1", "2"]
    columns = [f"{name}{suffix}" for suffix in suffixes for name in NMC_COLUMNS]
    check_new(df, columns)
    with store(con) as db:
        nmc = imported(db, DATASET)
        table = db.execute(SQL).fetchnumpy()
    years = column(df, "year")
    size, kept, table_at, frame_at = grid_positions(table["code"], table["year"], df, kind)
    grid = np.full((len(NMC_COLUMNS), size), np.nan)  # NaN: no value for that state-year
    for i, name in enumerate(NMC_COLUMNS):
        grid[i, table_at] = np.ma.filled(np.ma.asarray(table[name], dtype=np.float64), np.nan)[kept]
    # every column one contiguous row of a single block, gathered in place: one allocation for all of them
    block = np.empty((len(columns), len(years)))
    new = {}
    for side, (at, suffix) in enumerate(zip(frame_at, suffixes, strict=True)):
        part = block[side * len(NMC_COLUMNS):(side + 1) * len(NMC_COLUMNS)]
        np.take(grid, at, axis=1, out=part, mode="clip")  # "clip": "raise" would buffer `out`
        for i, name in enumerate(NMC_COLUMNS):
            new[f"{name}{suffix}"] = part[i]
    source = nmc.source(missing="NaN where NMC has no value (-9 or blank), or no row for the state-year")
    return Added(new, source)
