"""Alliance columns that continue past ATOP's coverage with the curated register.

`alliance_defense … alliance_consul` equal the `atop_*` columns (the same rules, computed by
`add_atop_alliance`) up to the year ATOP's coverage ends. After it they come from the merged view
(`foedus.query.directed_commitments`, the one place ATOP and the register meet): 1 when a commitment
with that obligation is in force at some point of the year and is either a register treaty or an ATOP
commitment the register confirms (`status == "in_force"`); otherwise NA, because past the datasets
nothing else is known (never 0, never extrapolated).

"At some point of the year" is exact, not sampled: the merged view is read on 1 January of each
post-coverage year and on every date inside those years on which a commitment can start to count —
a commitment's entry (either side of a pair) or the start of a register confirmation window
(`treaty_events.in_force_from`). Between two such dates commitments only end or lose their
confirmation, so a commitment in force on any day of the year is in force on 1 January or on the
last such date before that day. (Reading only 1 January and 31 December would miss a commitment
that both starts and ends inside one year.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.panels.alliance import OBLIGATIONS, alliance_columns
from foedus.panels.atop_alliance import add_atop_alliance
from foedus.panels.cite import ATOP
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
_OBLIGATIONS = list(OBLIGATIONS.values())

# dates on which a commitment can begin to be in force (and confirmed) in the merged view
CHANGE_DATES = """
SELECT DISTINCT d FROM (
    SELECT entry_date AS d FROM commitments
    UNION ALL SELECT in_force_from FROM treaty_events WHERE in_force_from IS NOT NULL
) WHERE year(d) BETWEEN $first AND $last ORDER BY d
"""


def reading_dates(db, years: list[int]) -> list[dt.date]:
    """1 January of each year and every date inside those years on which a commitment can start to count."""
    if not years:
        return []
    found = db.execute(CHANGE_DATES, {"first": min(years), "last": max(years)}).fetchall()
    wanted = set(years)
    dates = {dt.date(year, 1, 1) for year in years}
    dates.update(pd.Timestamp(d).date() for (d,) in found if pd.Timestamp(d).year in wanted)
    return sorted(dates)


def _confirmed(db, years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """Directed obligations known to be in force at some point of each year (register-backed), and the
    register entries behind them."""
    parts, entries = [], set()
    for day in reading_dates(db, years):
        frame = directed_commitments(db, day)
        frame = frame[frame.status == "in_force"]
        parts.append(frame[["from_ccode", "to_ccode", *_OBLIGATIONS]].assign(year=day.year))
        entries.update(frame.confirmed_by.dropna().astype(str))
        entries.update(frame.source_entry[frame.source_kind == "register"].dropna().astype(str))
    if not parts:
        return pd.DataFrame({c: np.array([], dtype=np.int64) for c in ["from_ccode", "to_ccode", "year",
                                                                      *_OBLIGATIONS]}), []
    table = pd.concat(parts, ignore_index=True)
    table = table.groupby(["from_ccode", "to_ccode", "year"], as_index=False)[_OBLIGATIONS].max()
    return table, sorted(entries)


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
        table, entries = _confirmed(db, later)
        register = db.execute("SELECT version, file FROM imports WHERE dataset = 'register'").fetchone()
    if kind.unit == "state_year":
        table = table.groupby(["from_ccode", "year"], as_index=False)[_OBLIGATIONS].max()
        keys = state_keys(table.from_ccode.to_numpy(), table.year.to_numpy())
        found = [lookup(keys, state_keys(df[kind.codes[0]].to_numpy(), years))]
    else:
        keys = pair_keys(table.from_ccode.to_numpy(), table.to_ccode.to_numpy(), table.year.to_numpy())
        code1, code2 = (df[c].to_numpy() for c in kind.codes)
        found = [lookup(keys, pair_keys(code1, code2, years))]
        if not is_directed(df, kind, directed):
            found.append(lookup(keys, pair_keys(code2, code1, years)))
    after = years > coverage_year
    new = {}
    for column, atop_column, obligation in zip(columns, alliance_columns("atop_"), _OBLIGATIONS, strict=True):
        values = table[obligation].to_numpy().astype(bool)
        confirmed = np.zeros(len(df), dtype=bool)
        for at, hit in found:
            if len(values):
                confirmed |= hit & values[at]
        within = with_atop[atop_column].fillna(0).to_numpy(dtype=np.int8)
        new[column] = nullable_int8(np.where(after, confirmed.astype(np.int8), within), after & ~confirmed)
    return set_meta(extend(df, new), meta(df), columns, _source(atop_source, coverage_year, register, entries))


def _source(atop: dict, coverage_year: int, register, entries: list[str]) -> dict:
    checked, files = register if register else (None, None)
    return {
        "dataset": f"ATOP {atop.get('version')} to {coverage_year}; foedus register after",
        "version": f"{atop.get('version')}; register checked {checked}",
        "rule": f"{atop.get('rule', '')}; after {coverage_year}: 1 when a register treaty or a register-confirmed "
        "ATOP commitment with the obligation is in force on some day of the year, NA otherwise (never 0)",
        "coverage_end": atop.get("coverage_end"),
        "register_checked": checked,
        "register_files": files,
        "register_entries": ", ".join(entries),
        "citation": f"{ATOP} After {coverage_year}: the foedus curated register (src/foedus/register/data: "
        f"{files}; checked {checked}), every entry with its own citations (`foedus history`, `foedus treaty`)"
        + (f"; entries used: {', '.join(entries)}." if entries else "."),
    }
