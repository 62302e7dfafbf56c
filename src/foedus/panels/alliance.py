"""Alliance obligation columns for state-year and dyad-year panels, from the store's commitments.

ATOP's dyad-year convention, computed from member-level commitments (one row per treaty ×
phase × member spell; entry inclusive, exit exclusive):

- Directed A→B in year Y: A's obligations (defense, offense, neutrality, nonaggression,
  consultation) from A's member row in a treaty phase where B is also a member and the two
  memberships share at least one day of Y; the maximum over all such treaties and phases.
  So US→Japan defense 1 and Japan→US defense 0 (ATOPID 3375).
- Non-directed: 1 if either direction has the obligation.
- State-years: 1 if the state owes the obligation to any partner that year (ATOP's state-year file).
- Years with no such commitment are 0; years after the year the dataset's coverage ends are NA
  (pandas nullable Int8), never 0.

Caveat (ATOP codebook §4): for members with `obvary` = 1 (53 rows in 16 ATOP alliances, all before
1960) the member row is the union of what the member owes different partners, so a directed dyad
can show an obligation ATOP's hand-corrected ddyr file does not.

`add_alliance_columns` works for any family of treaties by their `treaty_id` prefix: ATOP uses
"atop:" (see `atop_alliance.py`); a register-based `add_register_alliance(df)` can call it with
its own prefix and column prefix. Treaties whose commitments have no coverage end run open-ended
to the frame's last year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from foedus.errors import NotImportedError
from foedus.panels.frames import (
    check_new,
    cow_kind,
    extend,
    is_directed,
    lookup,
    meta,
    nullable_int8,
    pair_keys,
    past_coverage,
    set_meta,
    state_keys,
    store,
)

# column suffix (peacesciencer's names) -> commitments column
OBLIGATIONS = {
    "defense": "defense",
    "offense": "offense",
    "neutral": "neutrality",
    "nonagg": "nonaggression",
    "consul": "consultation",
}

_CAST = ", ".join(f"{column}::TINYINT AS {column}" for column in OBLIGATIONS.values())
_FROM_A = ", ".join(f"a.{column}" for column in OBLIGATIONS.values())
_MAX = ", ".join(f"max({column}) AS {column}" for column in OBLIGATIONS.values())

ALLIED_YEARS = f"""
WITH spells AS (
    SELECT treaty_id, phase, member, entry_date AS first_day,
           coalesce(exit_date - 1, coverage_end, $open_until) AS last_day,
           {_CAST}
    FROM commitments
    WHERE starts_with(treaty_id, $treaties) AND member BETWEEN 0 AND 9999
), pairs AS (
    SELECT a.member AS code1, b.member AS code2,
           year(greatest(a.first_day, b.first_day)) AS first_year,
           year(least(a.last_day, b.last_day)) AS last_year,
           {_FROM_A}
    FROM spells a JOIN spells b
      ON a.treaty_id = b.treaty_id AND a.phase = b.phase AND a.member <> b.member
    WHERE greatest(a.first_day, b.first_day) <= least(a.last_day, b.last_day)
), years AS (
    SELECT *, unnest(range(first_year, last_year + 1)) AS year FROM pairs
)
"""
DIRECTED = ALLIED_YEARS + f"""
SELECT (code1::BIGINT * 10000 + code2) * 10000 + year AS key, {_MAX}
FROM years GROUP BY code1, code2, year ORDER BY key
"""
BY_STATE = ALLIED_YEARS + f"""
SELECT code1::BIGINT * 10000 + year AS key, {_MAX}
FROM years GROUP BY code1, year ORDER BY key
"""
PROVENANCE = """
SELECT s.dataset, s.version, max(c.coverage_end) AS coverage_end,
       bool_or(c.coverage_end IS NULL) AS open_ended, any_value(s.citation) AS citation
FROM commitments c JOIN sources s USING (source_id)
WHERE starts_with(c.treaty_id, $treaties)
GROUP BY s.dataset, s.version ORDER BY s.dataset, s.version
"""


def alliance_columns(prefix: str) -> list[str]:
    return [f"{prefix}{suffix}" for suffix in OBLIGATIONS]


def add_alliance_columns(
    df: pd.DataFrame,
    con=None,
    *,
    treaties: str,
    prefix: str,
    verb: str = "add_alliance_columns",
    directed: bool | None = None,
) -> pd.DataFrame:
    """A copy of `df` with `<prefix>defense … <prefix>consul` from the commitments of the treaties
    whose id starts with `treaties` (e.g. "atop:"). `directed` overrides how a dyad-year frame is read."""
    kind = cow_kind(df, verb)
    columns = alliance_columns(prefix)
    check_new(df, columns)
    new = {}
    years = df["year"].to_numpy()
    open_until = pd.Timestamp(year=int(years.max()) if len(years) else 1816, month=12, day=31).date()
    parameters = {"treaties": treaties, "open_until": open_until}
    with store(con) as db:
        provenance = db.execute(PROVENANCE, {"treaties": treaties}).df()
        if provenance.empty:
            raise NotImportedError(f"no commitments of treaties '{treaties}…' in the store: import them")
        sql = BY_STATE if kind.unit == "state_year" else DIRECTED
        table = db.execute(sql, parameters).fetchnumpy()
    keys = np.asarray(table.pop("key"))
    directed = kind.unit == "dyad_year" and is_directed(df, kind, directed)
    if kind.unit == "state_year":
        found = [lookup(keys, state_keys(df[kind.codes[0]].to_numpy(), years))]
    else:
        code1, code2 = (df[c].to_numpy() for c in kind.codes)
        found = [lookup(keys, pair_keys(code1, code2, years))]
        if not directed:
            found.append(lookup(keys, pair_keys(code2, code1, years)))
    coverage_end = _coverage_end(provenance)
    missing = past_coverage(years, coverage_end)
    for column, obligation in zip(columns, OBLIGATIONS.values(), strict=True):
        values = np.asarray(table[obligation], dtype=np.int8)
        result = np.zeros(len(df), dtype=np.int8)
        for at, hit in found:
            np.maximum(result, np.where(hit, values[at], 0).astype(np.int8), out=result)
        new[column] = nullable_int8(result, missing)
    return set_meta(extend(df, new), meta(df), columns, _source(provenance, coverage_end, kind, directed))


def _coverage_end(provenance: pd.DataFrame) -> pd.Timestamp | None:
    if provenance["open_ended"].any() or provenance["coverage_end"].isna().all():
        return None
    return pd.Timestamp(provenance["coverage_end"].max())


def _source(provenance: pd.DataFrame, coverage_end, kind, directed: bool) -> dict:
    if kind.unit == "state_year":
        rule = "1 if the state owes the obligation to any ally that year"
    elif directed:
        rule = "A→B: A's obligations toward B in alliances where both are members on a common day that year"
    else:
        rule = "1 if either state owes the obligation to the other that year"
    source = {
        "dataset": "; ".join(provenance["dataset"].astype(str).unique()),
        "version": "; ".join(provenance["version"].astype(str).unique()),
        "rule": rule,
    }
    if coverage_end is not None:
        source["coverage_end"] = coverage_end.date().isoformat()
        source["missing"] = f"NA after {coverage_end.year} (past the dataset's coverage)"
    citations = provenance["citation"].dropna().astype(str).unique()
    if len(citations):
        source["citation"] = "; ".join(citations)
    return source
