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

The merged view is read from its interval table (`foedus.query.intervals`, built once per store
build and cached): its rows with the merged view's `status == "in_force"` are cut into segments on
which the answer is constant, so "in force on some day of year Y" is "a segment [start, end) meets
year Y" — exact, with no date sampled. (`reading_dates` lists the dates on which the answer can
change within years; the interval table is cut at every one of them.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from foedus.panels.alliance import OBLIGATIONS, alliance_added, alliance_columns
from foedus.panels.atop_alliance import PREFIX as ATOP_PREFIX
from foedus.panels.atop_alliance import TREATIES as ATOP_TREATIES
from foedus.panels.cite import ATOP
from foedus.panels.frames import (
    KEY_BASE,
    Added,
    Nullable,
    check_new,
    column,
    covered,
    cow_kind,
    is_directed,
    nullable_int8,
    pair_keys,
    state_keys,
    store,
    with_added,
)

PREFIX = "alliance_"
_OBLIGATIONS = list(OBLIGATIONS.values())
_RANGE_COLUMNS = ("from_ccode", "to_ccode", "first_year", "last_year", *_OBLIGATIONS)

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


def _years(days: np.ndarray) -> np.ndarray:
    return (np.datetime64("1970-01-01", "D") + days.astype("timedelta64[D]")).astype("datetime64[Y]").astype(
        np.int64) + 1970


def _confirmed(db, first: int, last: int, status: str | None = None) -> tuple[dict[str, np.ndarray], list[str]]:
    """Directed obligations counted under `status` (the one rule of every command: 'confirmed', 'presumed' —
    the default — or 'any') on some day of years `first` … `last`, as year ranges (from, to, first_year,
    last_year, obligations), and the register entries behind them."""
    from foedus.query.intervals import build, check_status

    merged = build(db)
    table = merged.table
    low = (dt.date(first, 1, 1) - dt.date(1970, 1, 1)).days
    high = (dt.date(last + 1, 1, 1) - dt.date(1970, 1, 1)).days
    status = check_status(status)
    tier = table["tier"].to_numpy()
    counted = np.ones(len(table), bool) if status == "any" else (
        tier == "confirmed" if status == "confirmed" else tier != "unknown")
    keep = counted & (merged.start < high) & (merged.end > low)
    for side in ("from_ccode", "to_ccode"):  # codes a panel can carry
        codes = table[side].to_numpy()
        keep &= (codes >= 0) & (codes < KEY_BASE)
    rows = table[keep]
    ranges = {
        "from_ccode": rows["from_ccode"].to_numpy(dtype=np.int64),
        "to_ccode": rows["to_ccode"].to_numpy(dtype=np.int64),
        "first_year": _years(np.maximum(merged.start[keep], low)),
        "last_year": _years(np.minimum(merged.end[keep], high) - 1),
        **{o: rows[o].to_numpy(dtype=bool) for o in _OBLIGATIONS},
    }
    entries = set(rows["confirmed_by"].dropna().astype(str))
    entries.update(rows["source_entry"][rows["source_kind"] == "register"].dropna().astype(str))
    return ranges, sorted(entries)


def add_register_alliance(df: pd.DataFrame, con=None, directed: bool | None = None,
                          status: str | None = None) -> pd.DataFrame:
    """A new frame: a COW state-year or dyad-year frame with `alliance_*` columns: ATOP within its
    coverage, the merged view after it (1 where a commitment `status` counts — confirmed and presumed by
    default, as in every command — else NA).

    Args:
        df: A COW state-year or dyad-year frame (`create_stateyears`, `create_dyadyears`).
        con (duckdb.DuckDBPyConnection): An open store connection; None opens the default store read-only.
        directed: Whether the dyads are directed; None reads it from the rows.
        status: The tiers that count after ATOP's coverage: `confirmed`, `presumed` (default) or `any`.

    Returns:
        A copy of `df` with the five `alliance_*` obligation columns added; `df` itself is not changed.

    Raises:
        BadInputError: `df` is not a COW panel, already has those columns, or `status` is not a choice.

    Examples:
        >>> from foedus.panels.dyadyears import create_dyadyears
        >>> from foedus.panels.register_alliance import add_register_alliance
        >>> df = add_register_alliance(create_dyadyears(con, since=2020, through=2020), con)
        >>> "alliance_defense" in df.columns
        True

    References:
        Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002.
        "Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: 237-260.
    """
    return with_added(df, register_added(df, con, directed, status=status))


def register_added(df: pd.DataFrame, con=None, directed: bool | None = None, atop: Added | None = None,
                   status: str | None = None) -> Added:
    """The `alliance_*` columns of `df`'s rows; `atop`: the ATOP columns already computed for them."""
    kind = cow_kind(df, "add_register_alliance")
    columns = alliance_columns(PREFIX)
    check_new(df, columns)
    with store(con) as db:
        if atop is None:
            atop = alliance_added(df, db, treaties=ATOP_TREATIES, prefix=ATOP_PREFIX, verb="add_register_alliance",
                                  directed=directed)
        coverage_year = int(atop.source["coverage_end"][:4])
        years = column(df, "year")
        after = years > coverage_year
        rows = np.flatnonzero(after)  # only the years past ATOP's coverage are looked up
        if len(rows):
            table, entries = _confirmed(db, coverage_year + 1, int(years[rows].max()), status)
        else:
            table, entries = {c: np.array([], dtype=np.int64) for c in _RANGE_COLUMNS}, []
        register = db.execute("SELECT version, file FROM imports WHERE dataset = 'register'").fetchone()
    flags = np.column_stack([table[o] for o in _OBLIGATIONS]) if len(table["from_ccode"]) else np.zeros((0, 5), bool)
    code1, code2, first, last = (table[c] for c in ("from_ccode", "to_ccode", "first_year", "last_year"))
    codes = [column(df, c)[rows] for c in kind.codes]  # the keys of the rows past ATOP's coverage only
    keys = state_keys(codes[0], years[rows]) if kind.unit == "state_year" else pair_keys(*codes, years[rows])
    if kind.unit == "state_year":
        starts, ends = state_keys(code1, first), state_keys(code1, last)
    else:
        starts, ends = pair_keys(code1, code2, first), pair_keys(code1, code2, last)
        if not is_directed(df, kind, directed):
            starts = np.concatenate([starts, pair_keys(code2, code1, first)])
            ends = np.concatenate([ends, pair_keys(code2, code1, last)])
            flags = np.concatenate([flags, flags])
    confirmed = covered(keys, starts, ends, flags)
    new = {}
    for j, (name, atop_column) in enumerate(zip(columns, alliance_columns(ATOP_PREFIX), strict=True)):
        values = _filled(atop.columns[atop_column])  # a copy: ATOP's stays as it is
        values[rows] = confirmed[j]
        missing = after.copy()
        missing[rows] = ~confirmed[j]
        new[name] = nullable_int8(values, missing)
    return Added(new, _source(atop.source, coverage_year, register, entries))


def _filled(values) -> np.ndarray:
    """A new int8 array of ATOP's 0/1 values with 0 where NA (`Nullable`, or a pandas Int8 array)."""
    if isinstance(values, Nullable):
        return values.filled()
    return values.to_numpy(dtype=np.int8, na_value=0)


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
