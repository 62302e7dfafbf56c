"""S-scores of alliance-portfolio similarity (Signorino and Ritter 1999).

Signorino, Curtis S. and Jeffrey M. Ritter. 1999. "Tau-b or Not Tau-b: Measuring the Similarity
of Foreign Policy Positions." International Studies Quarterly 43(1): 115–144.

A state's alliance portfolio is its vector of ties to every state of the system (itself included,
at the top of the scale, as is conventional). The tie of i to k is the strongest obligation between
them in either direction on the ordinal scale of Signorino and Ritter's COW alliance coding,
applied to ATOP obligations: defense (or offense) 3, neutrality or non-aggression 2, consultation
(entente) 1, none 0. For states x and y,

    S(x, y) = 1 − 2 · Σ_k w_k |x_k − y_k| / Δ  /  Σ_k w_k,        Δ = 3 (the scale's range)

with w_k = 1 (unweighted) or w_k = CINC_k (capability-weighted: a tie to a strong state weighs more).
S is 1 for identical portfolios (so S(x, x) = 1), −1 for opposite ones, and symmetric.

Year matrices: the portfolio of year Y is read on a reference day, 31 December of Y unless `on`
says otherwise, among the COW system members on that day; commitments count by the status rule every
command shares (``status``: confirmed, presumed — the default: a commitment past its dataset's coverage
counts when presumed in force — or any; the result's ``attrs`` carry the coverage and the status). CINC comes
from NMC for Y, or the latest NMC year before Y (``attrs["cinc_year"]``). The full matrix is one
scipy ``cdist`` city-block distance over the n×n tie matrix, scaled by the weights.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from foedus.dates import parse_date
from foedus.errors import BadInputError
from foedus.network.snapshot import LEVEL, cinc_scores, commitments_on, coverage_text, system_members
from foedus.query.intervals import check_status

SCALE = 3  # Δ: the range of the tie scale


def reference_day(year: int, on: str | dt.date | None = None) -> dt.date:
    return parse_date(on, "on") if on is not None else dt.date(int(year), 12, 31)


def tie_matrix(con, year: int, on: str | dt.date | None = None,
               status: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(codes, ties): the system members on the reference day and their n×n tie levels (diagonal 3)."""
    day = reference_day(year, on)
    codes = np.array(system_members(con, day), dtype=np.int64)
    frame = commitments_on(con, day, status=status)
    position = pd.Series(np.arange(len(codes)), index=codes)
    i = position.reindex(frame.from_ccode.to_numpy()).to_numpy()
    j = position.reindex(frame.to_ccode.to_numpy()).to_numpy()
    level = np.zeros(len(frame), dtype=np.int64)
    for name, value in LEVEL.items():
        level = np.where(frame[name].to_numpy(dtype=bool), np.maximum(level, value), level)
    keep = ~(np.isnan(i) | np.isnan(j))
    i, j, level = i[keep].astype(int), j[keep].astype(int), level[keep]
    ties = np.zeros((len(codes), len(codes)), dtype=np.int64)
    np.maximum.at(ties, (i, j), level)
    ties = np.maximum(ties, ties.T)
    np.fill_diagonal(ties, SCALE)
    return codes, ties


def weights(con, codes: np.ndarray, year: int, weighted: bool) -> tuple[np.ndarray, int | None]:
    if not weighted:
        return np.ones(len(codes)), None
    cinc, used = cinc_scores(con, year)
    if used is None:
        raise BadInputError("", f"no NMC capability data for {year} or earlier: capability-weighted S is unavailable")
    return np.array([cinc.get(int(c), 0.0) for c in codes]), used


def s_matrix(ties: np.ndarray, w: np.ndarray) -> np.ndarray:
    """S for every pair of rows of `ties` (n×n levels) under column weights `w` (vectorised)."""
    scaled = ties.astype(float) / SCALE * w
    distance = cdist(scaled, scaled, metric="cityblock")
    return 1.0 - 2.0 * distance / w.sum()


def sscore_matrix(con, year: int, weighted: bool = False, on: str | dt.date | None = None,
                  status: str | None = None) -> pd.DataFrame:
    """The S-score of every pair of system members in `year`, as a DataFrame indexed by COW code."""
    codes, ties = tie_matrix(con, year, on, status)
    w, cinc_year = weights(con, codes, year, weighted)
    out = pd.DataFrame(s_matrix(ties, w), index=codes, columns=codes)
    out.index.name, out.columns.name = "ccode1", "ccode2"
    out.attrs.update(year=int(year), on=reference_day(year, on).isoformat(), weighted=weighted, cinc_year=cinc_year,
                     coverage=coverage_text(con), status=check_status(status))
    return out


def sscore(con, a: int, b: int, year: int, weighted: bool = False, on: str | dt.date | None = None,
           status: str | None = None) -> float:
    """S-score of one dyad in `year` (NaN when either state is not a system member that day)."""
    codes, ties = tie_matrix(con, year, on, status)
    index = {int(c): n for n, c in enumerate(codes)}
    if int(a) not in index or int(b) not in index:
        return float("nan")
    w, _ = weights(con, codes, year, weighted)
    x, y = ties[index[int(a)]] / SCALE, ties[index[int(b)]] / SCALE
    return float(1.0 - 2.0 * np.sum(w * np.abs(x - y)) / w.sum())


def add_sscore(
    frame: pd.DataFrame,
    con,
    weighted: bool | str = "both",
    ccode1: str = "ccode1",
    ccode2: str = "ccode2",
    year: str = "year",
    status: str | None = None,
) -> pd.DataFrame:
    """A copy of a dyad-year panel with S-score columns added (``s_unweighted``, ``s_weighted``).

    `weighted`: False, True or "both". One matrix per distinct year; lookups are vectorised.
    NaN where a state is not a system member on that year's reference day.
    """
    flavours = {"both": (False, True), True: (True,), False: (False,)}[weighted]
    out = frame.copy()
    columns = {flavour: np.full(len(out), np.nan) for flavour in flavours}
    first, second = out[ccode1].to_numpy(), out[ccode2].to_numpy()
    for y, rows in out.groupby(year).indices.items():
        codes, ties = tie_matrix(con, int(y), status=status)
        position = pd.Series(np.arange(len(codes)), index=codes)
        i = position.reindex(first[rows]).to_numpy()
        j = position.reindex(second[rows]).to_numpy()
        ok = ~(np.isnan(i) | np.isnan(j))
        i, j = i[ok].astype(int), j[ok].astype(int)
        for flavour in flavours:
            w, _ = weights(con, codes, int(y), flavour)
            scaled = ties / SCALE * w
            found = np.full(len(rows), np.nan)
            found[ok] = 1.0 - 2.0 * np.abs(scaled[i] - scaled[j]).sum(axis=1) / w.sum()
            columns[flavour][rows] = found
    for flavour, values in columns.items():
        out["s_weighted" if flavour else "s_unweighted"] = values
    return out
