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

All reading dates are answered by one query (`CONFIRMED`): the merged view's rules for `live`,
`past_coverage`, `confirmed_entry` and `status` (`foedus.query.commitments.SQL`, on its `BASE`)
evaluated for a table of dates at once instead of once per date, keeping only what the columns need.
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
    Added,
    check_new,
    covered,
    cow_kind,
    is_directed,
    nullable_int8,
    pair_keys,
    state_keys,
    store,
    with_added,
)
from foedus.query.commitments import BASE

PREFIX = "alliance_"
_OBLIGATIONS = list(OBLIGATIONS.values())

# dates on which a commitment can begin to be in force (and confirmed) in the merged view
CHANGE_DATES = """
SELECT DISTINCT d FROM (
    SELECT entry_date AS d FROM commitments
    UNION ALL SELECT in_force_from FROM treaty_events WHERE in_force_from IS NOT NULL
) WHERE year(d) BETWEEN $first AND $last ORDER BY d
"""

# the merged view's status rules (query/commitments.SQL: live, pairs) on every date of $days at once
CONFIRMED = BASE + f"""
, days AS (SELECT unnest($days::DATE[]) AS day)
, live AS (
    SELECT d.day, r.pair_id, r.phase, r.member, r.source_id, {", ".join(f"r.{o}" for o in _OBLIGATIONS)},
        (r.exit_date IS NULL AND r.coverage_end < d.day) AS past_coverage,
        (SELECT min(e.event_id) FROM treaty_events e
         WHERE e.treaty_id = r.pair_id AND e.action IN ('confirmation', 'extension', 'termination')
           AND (e.members IS NULL OR list_contains(e.members, r.member))
           AND (e.in_force_from IS NULL OR e.in_force_from <= d.day)
           AND (e.in_force_until IS NULL OR d.day < e.in_force_until)) AS confirmed_entry
    FROM base r JOIN days d
      ON r.entry_date <= d.day AND (coalesce(r.exit_date, r.register_exit) IS NULL
                                    OR d.day < coalesce(r.exit_date, r.register_exit))
), pairs AS (
    SELECT a.day, a.member AS from_ccode, b.member AS to_ccode, {", ".join(f"a.{o}" for o in _OBLIGATIONS)},
        CASE WHEN a.past_coverage OR b.past_coverage
             THEN coalesce(a.confirmed_entry, b.confirmed_entry) END AS confirmed_by,
        a.source_id
    FROM live a
    JOIN live b ON a.day = b.day AND a.pair_id = b.pair_id AND a.phase = b.phase AND a.member <> b.member
    WHERE NOT coalesce((a.past_coverage AND a.confirmed_entry IS NULL)
                       OR (b.past_coverage AND b.confirmed_entry IS NULL), false)
)
"""
CONFIRMED_YEARS = CONFIRMED + f"""
SELECT from_ccode::BIGINT AS from_ccode, to_ccode::BIGINT AS to_ccode, year(day)::BIGINT AS year,
       {", ".join(f"bool_or({o}) AS {o}" for o in _OBLIGATIONS)}
FROM pairs GROUP BY ALL
"""
CONFIRMED_ENTRIES = CONFIRMED + """
SELECT confirmed_by AS entry FROM pairs WHERE confirmed_by IS NOT NULL
UNION SELECT s.entry FROM pairs p JOIN sources s USING (source_id) WHERE s.kind = 'register' AND s.entry IS NOT NULL
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


def _confirmed(db, years: list[int]) -> tuple[dict[str, np.ndarray], list[str]]:
    """Directed obligations known to be in force at some point of each year (register-backed), and the
    register entries behind them."""
    days = reading_dates(db, years)
    if not days:
        empty = np.array([], dtype=np.int64)
        return {"from_ccode": empty, "to_ccode": empty, "year": empty,
                **{o: np.array([], dtype=bool) for o in _OBLIGATIONS}}, []
    table = db.execute(CONFIRMED_YEARS, {"days": days}).fetchnumpy()
    entries = sorted(str(e) for (e,) in db.execute(CONFIRMED_ENTRIES, {"days": days}).fetchall())
    return {name: np.asarray(values) for name, values in table.items()}, entries


def add_register_alliance(df: pd.DataFrame, con=None, directed: bool | None = None) -> pd.DataFrame:
    """A new frame: a COW state-year or dyad-year frame with `alliance_*` columns: ATOP within its
    coverage, the register-confirmed merged view after it (1 or NA)."""
    return with_added(df, register_added(df, con, directed))


def register_added(df: pd.DataFrame, con=None, directed: bool | None = None, atop: Added | None = None) -> Added:
    """The `alliance_*` columns of `df`'s rows; `atop`: the ATOP columns already computed for them."""
    kind = cow_kind(df, "add_register_alliance")
    columns = alliance_columns(PREFIX)
    check_new(df, columns)
    with store(con) as db:
        if atop is None:
            atop = alliance_added(df, db, treaties=ATOP_TREATIES, prefix=ATOP_PREFIX, verb="add_register_alliance",
                                  directed=directed)
        coverage_year = int(atop.source["coverage_end"][:4])
        years = df["year"].to_numpy()
        later = sorted(int(y) for y in np.unique(years[years > coverage_year]))
        table, entries = _confirmed(db, later)
        register = db.execute("SELECT version, file FROM imports WHERE dataset = 'register'").fetchone()
    flags = np.column_stack([table[o] for o in _OBLIGATIONS]) if len(table["year"]) else np.zeros((0, 5), bool)
    if kind.unit == "state_year":
        keys = state_keys(df[kind.codes[0]].to_numpy(), years)
        found = state_keys(table["from_ccode"], table["year"])
    else:
        keys = pair_keys(df[kind.codes[0]].to_numpy(), df[kind.codes[1]].to_numpy(), years)
        found = pair_keys(table["from_ccode"], table["to_ccode"], table["year"])
        if not is_directed(df, kind, directed):
            found = np.concatenate([found, pair_keys(table["to_ccode"], table["from_ccode"], table["year"])])
            flags = np.concatenate([flags, flags])
    confirmed = covered(keys, found, found, flags)
    after = years > coverage_year
    new = {}
    for j, (column, atop_column) in enumerate(zip(columns, alliance_columns(ATOP_PREFIX), strict=True)):
        within = np.asarray(atop.columns[atop_column].to_numpy(dtype=np.int8, na_value=0))
        new[column] = nullable_int8(np.where(after, confirmed[j], within), after & ~confirmed[j])
    return Added(new, _source(atop.source, coverage_year, register, entries))


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
