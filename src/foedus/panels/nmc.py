"""COW National Material Capabilities (NMC): milex, milper, irst, pec, tpop, upop, cinc.

As peacesciencer's `add_nmc()`: state-years get the seven columns, dyad-years get them for each
side (milex1 … cinc1, then milex2 … cinc2). A state-year NMC lacks (including every year after
its coverage, and -9 in the file) is NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.panels.frames import (
    check_new,
    cow_kind,
    extend,
    frame_keys,
    imported,
    lookup,
    meta,
    set_meta,
    store,
)

NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
DATASET = "COW NMC"
SQL = f"""
SELECT code::BIGINT * 10000 + year AS key, {", ".join(NMC_COLUMNS)}
FROM capabilities WHERE code BETWEEN 0 AND 9999 ORDER BY key
"""


def add_nmc(df: pd.DataFrame, con=None) -> pd.DataFrame:
    """A copy of a COW state-year or dyad-year frame with the NMC columns of each state."""
    kind = cow_kind(df, "add_nmc")
    suffixes = [""] if kind.unit == "state_year" else ["1", "2"]
    columns = [f"{name}{suffix}" for suffix in suffixes for name in NMC_COLUMNS]
    check_new(df, columns)
    new = {}
    with store(con) as db:
        nmc = imported(db, DATASET)
        table = db.execute(SQL).df()
    keys = table["key"].to_numpy()
    padded = {name: np.append(table[name].to_numpy(dtype=np.float64), np.nan) for name in NMC_COLUMNS}
    for code, suffix in zip(kind.codes, suffixes, strict=True):
        at, found = lookup(keys, frame_keys(df, code))
        at[~found] = len(keys)  # the NaN row
        for name in NMC_COLUMNS:
            new[f"{name}{suffix}"] = padded[name][at]
    source = nmc.source(missing="NaN where NMC has no value (-9 or blank), or no row for the state-year")
    return set_meta(extend(df, new), meta(df), columns, source)
