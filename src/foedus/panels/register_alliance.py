"""Alliance columns that continue past ATOP's coverage with the curated register.

`alliance_defense … alliance_consul` equal the `atop_*` columns (same rules) up to the year ATOP's
coverage ends. After it they come from the merged view (`foedus.query.directed_commitments`, the one
place ATOP and the register meet): 1 when a commitment with that obligation is in force at some point
of the year and is either a register treaty or an ATOP commitment the register confirms; otherwise NA,
because past the datasets nothing else is known (never 0, never extrapolated). "At some point of the
year" is read on 1 January and 31 December: a commitment that both begins and ends inside one year
after 2016 would be missed (none does in the register today).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.panels.alliance import OBLIGATIONS, alliance_columns
from foedus.panels.atop_alliance import add_atop_alliance
from foedus.panels.frames import (
    check_new,
    cow_kind,
    extend,
    is_directed,
    lookup,
    meta,
    nullable_int8,
    pair_keys,
    set_meta,
    sources,
    state_keys,
    store,
)
from foedus.query.commitments import directed_commitments

PREFIX = "alliance_"


def _confirmed(db, years: list[int]) -> pd.DataFrame:
    """Directed obligations known to be in force on 1 Jan or 31 Dec of each year (register-backed)."""
    parts = []
    for year in years:
        for day in (dt.date(year, 1, 1), dt.date(year, 12, 31)):
            frame = directed_commitments(db, day)
            frame = frame[frame.status == "in_force"]
            parts.append(frame[["from_ccode", "to_ccode", *OBLIGATIONS.values()]].assign(year=year))
    if not parts:
        return pd.DataFrame(columns=["from_ccode", "to_ccode", "year", *OBLIGATIONS.values()])
    table = pd.concat(parts, ignore_index=True)
    return table.groupby(["from_ccode", "to_ccode", "year"], as_index=False)[list(OBLIGATIONS.values())].max()


def add_register_alliance(df: pd.DataFrame, con=None, directed: bool | None = None) -> pd.DataFrame:
    """A copy of a COW state-year or dyad-year frame with `alliance_*` columns: ATOP within its
    coverage, the register-confirmed merged view after it (1 or NA)."""
    kind = cow_kind(df, "add_register_alliance")
    columns = alliance_columns(PREFIX)
    check_new(df, columns)
    with_atop = add_atop_alliance(df, con, directed=directed)
    atop_source = sources(with_atop)[alliance_columns("atop_")[0]]
    coverage_year = int(atop_source["coverage_end"][:4])
    years = df["year"].to_numpy()
    later = sorted(int(y) for y in np.unique(years) if y > coverage_year)
    with store(con) as db:
        table = _confirmed(db, later)
        register = db.execute("SELECT version, file FROM imports WHERE dataset = 'register'").fetchone()
    if kind.unit == "state_year":
        by_state = table.groupby(["from_ccode", "year"], as_index=False)[list(OBLIGATIONS.values())].max()
        keys = state_keys(by_state.from_ccode.to_numpy(), by_state.year.to_numpy())
        values = by_state
        found = [lookup(keys, state_keys(df[kind.codes[0]].to_numpy(), years))]
    else:
        keys = pair_keys(table.from_ccode.to_numpy(), table.to_ccode.to_numpy(), table.year.to_numpy())
        order = np.argsort(keys)
        keys, values = keys[order], table.iloc[order]
        code1, code2 = (df[c].to_numpy() for c in kind.codes)
        found = [lookup(keys, pair_keys(code1, code2, years))]
        if not is_directed(df, kind, directed):
            found.append(lookup(keys, pair_keys(code2, code1, years)))
    after = years > coverage_year
    new = {}
    for column, atop_column, obligation in zip(columns, alliance_columns("atop_"), OBLIGATIONS.values(),
                                               strict=True):
        confirmed = np.zeros(len(df), dtype=bool)
        column_values = values[obligation].to_numpy().astype(bool)
        for at, hit in found:
            if len(column_values):
                confirmed |= hit & column_values[at]
        within = with_atop[atop_column].fillna(0).to_numpy(dtype=np.int8)
        result = np.where(after, confirmed.astype(np.int8), within)
        new[column] = nullable_int8(result, after & ~confirmed)
    checked, files = register if register else (None, None)
    source = {
        "dataset": f"ATOP {atop_source.get('version')} to {coverage_year}; foedus register after",
        "version": f"{atop_source.get('version')}; register checked {checked}",
        "rule": atop_source.get("rule", "") + f"; after {coverage_year}: 1 when the register confirms a commitment "
                "in force that year (read on 1 January and 31 December), NA otherwise",
        "register_files": files,
    }
    return set_meta(extend(df, new), meta(df), columns, source)
