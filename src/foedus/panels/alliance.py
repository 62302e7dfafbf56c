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

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from foedus.errors import NotImportedError
from foedus.panels.frames import (
    Added,
    column,
    covered_in,
    cow_kind,
    is_directed,
    nullable_int8,
    pair_keys,
    past_coverage,
    state_keys,
    store,
    with_added,
)
from foedus.panels.frames import literal as _literal

if TYPE_CHECKING:
    import pandas as pd

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

# Allied member pairs as year intervals: no expansion to pair-years, no sort (numpy does the rest)
ALLIED_PAIRS = f"""
WITH spells AS (
    SELECT treaty_id, phase, member, entry_date AS first_day,
           coalesce(exit_date - 1, coverage_end, $open_until) AS last_day,
           {_CAST}
    FROM commitments
    WHERE starts_with(treaty_id, $treaties) AND member BETWEEN 0 AND 9999
)
SELECT a.member::BIGINT AS code1, b.member::BIGINT AS code2,
       year(greatest(a.first_day, b.first_day))::BIGINT AS first_year,
       year(least(a.last_day, b.last_day))::BIGINT AS last_year,
       {_FROM_A}
FROM spells a JOIN spells b
  ON a.treaty_id = b.treaty_id AND a.phase = b.phase AND a.member <> b.member
WHERE greatest(a.first_day, b.first_day) <= least(a.last_day, b.last_day)
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
    """A new frame: `df` with `<prefix>defense … <prefix>consul` from the commitments of the treaties
    whose id starts with `treaties` (e.g. "atop:"). `directed` overrides how a dyad-year frame is read."""
    return with_added(df, alliance_added(df, con, treaties=treaties, prefix=prefix, verb=verb, directed=directed))


def alliance_added(
    df: pd.DataFrame, con=None, *, treaties: str, prefix: str, verb: str, directed: bool | None = None
) -> Added:
    """The alliance columns of `df`'s rows and their source, without building a frame.

    Each allied member pair (a, b, first year, last year, a's obligations) covers the frame rows with
    keys from (a, b, first year) to (a, b, last year); `covered` marks them in one pass per obligation.
    """
    kind = cow_kind(df, verb)
    columns = alliance_columns(prefix)  # the verbs refuse clashes (with_added); add_register_alliance needs ATOP's
    years = column(df, "year")
    open_until = dt.date(int(years.max()) if len(years) else 1816, 12, 31)
    with store(con) as db:
        prefix_sql = _literal(str(treaties))  # inlined, not bound: see frames.literal
        provenance = db.execute(PROVENANCE.replace("$treaties", prefix_sql)).fetchall()
        if not provenance:
            raise NotImportedError(f"no commitments of treaties '{treaties}…' in the store: import them")
        pairs = db.execute(ALLIED_PAIRS.replace("$treaties", prefix_sql).replace("$open_until", _literal(open_until))
                           ).fetchnumpy()
    code1, code2 = np.asarray(pairs["code1"]), np.asarray(pairs["code2"])
    first, last = np.asarray(pairs["first_year"]), np.asarray(pairs["last_year"])
    flags = np.column_stack([np.asarray(pairs[o]) > 0 for o in OBLIGATIONS.values()]) if len(code1) else (
        np.zeros((0, len(OBLIGATIONS)), dtype=bool))
    directed = kind.unit == "dyad_year" and is_directed(df, kind, directed)
    if kind.unit == "state_year":
        starts, ends = state_keys(code1, first), state_keys(code1, last)
    else:
        starts, ends = pair_keys(code1, code2, first), pair_keys(code1, code2, last)
        if not directed:  # a row (x, y) counts what x owes y and what y owes x
            starts = np.concatenate([starts, pair_keys(code2, code1, first)])
            ends = np.concatenate([ends, pair_keys(code2, code1, last)])
            flags = np.concatenate([flags, flags])
    hits = covered_in(df, kind, starts, ends, flags)
    coverage_end = _coverage_end(provenance)
    missing = past_coverage(years, coverage_end)
    masks = np.empty((len(columns), len(years)), dtype=bool)  # one block, a row per column (pandas may write each)
    masks[:] = missing
    new = {name: nullable_int8(hits[j], masks[j]) for j, name in enumerate(columns)}
    return Added(new, _source(provenance, coverage_end, kind, directed))


def _coverage_end(provenance: list[tuple]) -> dt.date | None:
    """The latest coverage end of the treaties' sources, or None when one runs open-ended (or none has one)."""
    ends = [row[2] for row in provenance if row[2] is not None]
    if any(row[3] for row in provenance) or not ends:
        return None
    end = max(ends)
    return end.date() if isinstance(end, dt.datetime) else end


def _unique(values) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))


def _source(provenance: list[tuple], coverage_end, kind, directed: bool) -> dict:
    if kind.unit == "state_year":
        rule = "1 if the state owes the obligation to any ally that year"
    elif directed:
        rule = "A→B: A's obligations toward B in alliances where both are members on a common day that year"
    else:
        rule = "1 if either state owes the obligation to the other that year"
    source = {
        "dataset": "; ".join(_unique(row[0] for row in provenance)),
        "version": "; ".join(_unique(row[1] for row in provenance)),
        "rule": rule,
    }
    if coverage_end is not None:
        source["coverage_end"] = coverage_end.isoformat()
        source["missing"] = f"NA after {coverage_end.year} (past the dataset's coverage)"
    citations = _unique(row[4] for row in provenance if row[4] is not None)
    if citations:
        source["citation"] = "; ".join(citations)
    return source
