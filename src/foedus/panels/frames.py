"""Pieces every panel verb shares: the store connection, what kind of panel a frame is,
provenance in `df.attrs`, and joins by sorted integer keys.

Provenance lives in `df.attrs["foedus"]`: the panel's unit, system, direction and years, and
under "sources" one entry per column naming the dataset and version that filled it.

Keys encode (code, year) as code * 10_000 + year and (code1, code2, year) as
(code1 * 10_000 + code2) * 10_000 + year. Two joins, both vectorised, no pandas merge, no loop per row:

- `grid_positions`: a (code, year) table (NMC, major powers) laid out on a dense code × year grid,
  so each frame row's value is one gather (no search);
- `covered`: year ranges (allied member pairs, register-confirmed segments) as key intervals; two
  binary searches per interval in the frame's sorted keys and one cumulative sum per column mark the
  rows they cover (no expansion of intervals into years, no sort of the frame).

Steps compute their columns as `Added` (arrays and the source that filled them): the verbs wrap
them into a new frame (`with_added`), `build_panel` assembles every step's at once (`assemble`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from foedus.config import db_path
from foedus.errors import BadInputError, NotImportedError
from foedus.store import connect

ATTRS_KEY = "foedus"
FIRST_YEAR = 1816
SYSTEMS = {"cow": ("ccode", "COW states"), "gw": ("gwcode", "GW states")}
KEY_BASE = 10_000  # codes and years must lie in [0, KEY_BASE)


@contextmanager
def store(con=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection passed in, or the default store opened read-only for the duration."""
    if con is not None:
        yield con
        return
    path = db_path()
    try:
        own = connect(path, read_only=True)
    except duckdb.Error as exc:
        raise NotImportedError(
            f"cannot open the foedus store {path} ({exc}); build it with `foedus data import`"
        ) from exc
    try:
        yield own
    finally:
        own.close()


@dataclass(frozen=True)
class Import:
    dataset: str
    version: str
    coverage_end: pd.Timestamp | None

    def source(self, **extra) -> dict:
        entry = {"dataset": self.dataset, "version": self.version}
        if self.coverage_end is not None:
            entry["coverage_end"] = self.coverage_end.date().isoformat()
        return {**entry, **extra}


def imported(con, dataset: str) -> Import:
    """The version and coverage end of an imported dataset, or NotImportedError."""
    row = con.execute("SELECT version, coverage_end FROM imports WHERE dataset = ?", [dataset]).fetchone()
    if row is None:
        raise NotImportedError(f"{dataset} is not in the store; import it with `foedus data import`")
    return Import(dataset, str(row[0]), None if row[1] is None else pd.Timestamp(row[1]))


def check_system(system: str) -> str:
    key = str(system).lower()
    if key not in SYSTEMS:
        raise BadInputError("", f"system must be 'cow' or 'gw', not {system!r}")
    return key


@dataclass(frozen=True)
class Kind:
    unit: str                 # "state_year" or "dyad_year"
    system: str               # "cow" or "gw": which codes the frame carries
    codes: tuple[str, ...]    # ("ccode",) or ("ccode1", "ccode2"), or the gwcode names


def frame_kind(df: pd.DataFrame) -> Kind:
    """Tell a state-year from a dyad-year frame by its columns (COW codes preferred when both)."""
    columns = set(df.columns)
    if "year" not in columns:
        raise BadInputError("", "not a panel: the frame has no 'year' column")
    for system, (code, _) in SYSTEMS.items():
        if {f"{code}1", f"{code}2"} <= columns:
            return Kind("dyad_year", system, (f"{code}1", f"{code}2"))
    for system, (code, _) in SYSTEMS.items():
        if code in columns:
            return Kind("state_year", system, (code,))
    raise BadInputError("", "not a panel: expected ccode or gwcode (state-years), ccode1/ccode2 or gwcode1/gwcode2")


def cow_kind(df: pd.DataFrame, verb: str) -> Kind:
    """The frame's kind, which must carry COW codes: the datasets joined by COW code need them."""
    kind = frame_kind(df)
    if kind.system != "cow":
        raise BadInputError("",
            f"{verb}() joins on COW codes (ccode, or ccode1/ccode2), and this frame carries "
            f"Gleditsch–Ward codes ({', '.join(kind.codes)}); add COW code columns first"
        )
    return kind


def is_directed(df: pd.DataFrame, kind: Kind, directed: bool | None = None) -> bool:
    """Directed unless said otherwise: the argument, then the frame's metadata, then peacesciencer's
    test (a frame with no row where code1 > code2 is non-directed)."""
    if directed is not None:
        return bool(directed)
    recorded = df.attrs.get(ATTRS_KEY, {}).get("directed")
    if recorded is not None:
        return bool(recorded)
    first, second = kind.codes
    return bool((df[first].to_numpy() > df[second].to_numpy()).any())


def meta(df: pd.DataFrame) -> dict:
    """A copy of the frame's foedus metadata (empty if it has none)."""
    return copy.deepcopy(df.attrs.get(ATTRS_KEY, {}))


def sources(df: pd.DataFrame) -> dict[str, dict]:
    """Column -> {dataset, version, ...} for the columns foedus filled."""
    return meta(df).get("sources", {})


def set_meta(out: pd.DataFrame, base: dict, columns, source: dict) -> pd.DataFrame:
    """Record in `out.attrs` that `source` filled `columns`, on top of the metadata `base`."""
    entry = copy.deepcopy(base)
    known = entry.setdefault("sources", {})
    for column in columns:
        known[column] = dict(source)
    out.attrs[ATTRS_KEY] = entry
    return out


def check_new(df: pd.DataFrame, columns) -> None:
    """Refuse to overwrite columns the frame already has."""
    clash = [c for c in columns if c in df.columns]
    if clash:
        raise BadInputError("", f"the frame already has {', '.join(clash)}; drop them first")


def copy_on_write() -> bool:
    """Whether pandas shares columns between frames until one is written (always from pandas 3)."""
    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.options.mode.copy_on_write is True


def extend(df: pd.DataFrame, new: dict[str, np.ndarray | pd.api.extensions.ExtensionArray]) -> pd.DataFrame:
    """A new frame: `df`'s columns, then the `new` ones. `df` is left as it was.

    With pandas copy-on-write (pandas 3, or `pd.options.mode.copy_on_write = True`) the existing
    columns are shared, not copied, and pandas copies one only if either frame writes to it.
    Without it (pandas 2's default) sharing would let a write to one frame change the other, so each
    existing column is copied once and the frame built with `copy=False`, one block per column (no
    `df.copy()`: on a fragmented frame pandas first merges its blocks). `build_panel` (plan.py)
    never copies: it computes every column first and assembles the frame once.
    """
    check_new(df, new)
    if copy_on_write():
        out = pd.concat([df, pd.DataFrame(new, index=df.index)], axis=1)
    else:
        data = {}
        for column in df.columns:
            values = df[column].array
            extension = isinstance(df[column].dtype, ExtensionDtype)
            data[column] = values.copy() if extension else values.to_numpy().copy()
        data.update(new)
        out = pd.DataFrame(data, index=df.index.copy(), copy=False)
    out.attrs = {k: copy.deepcopy(v) for k, v in df.attrs.items() if k != ATTRS_KEY}
    return out


@dataclass
class Added:
    """What one panel step adds: its columns (arrays, in order) and the source that filled them."""

    columns: dict[str, np.ndarray | pd.api.extensions.ExtensionArray]
    source: dict


def with_added(df: pd.DataFrame, added: Added) -> pd.DataFrame:
    """The verbs' result: `df` extended with `added`'s columns and their source in the metadata."""
    return set_meta(extend(df, added.columns), meta(df), list(added.columns), added.source)


def assemble(df: pd.DataFrame, steps: list[Added]) -> pd.DataFrame:
    """One frame with `df`'s columns and every step's, built once, sharing every array (no copy)."""
    data = {column: df[column].array if isinstance(df[column].dtype, ExtensionDtype) else df[column].to_numpy()
            for column in df.columns}
    entry = meta(df)
    known = entry.setdefault("sources", {})
    for added in steps:
        clash = [c for c in added.columns if c in data]
        if clash:
            raise BadInputError("", f"the frame already has {', '.join(clash)}; drop them first")
        data.update(added.columns)
        for column in added.columns:
            known[column] = dict(added.source)
    out = pd.DataFrame(data, index=df.index, copy=False)
    out.attrs = {k: copy.deepcopy(v) for k, v in df.attrs.items() if k != ATTRS_KEY}
    out.attrs[ATTRS_KEY] = entry
    return out


def _bounds(values: np.ndarray, what: str) -> tuple[int, int]:
    """The smallest and largest value, which must lie in 0..KEY_BASE-1 to be joined ((0, -1) when empty)."""
    if not len(values):
        return 0, -1
    low, high = int(values.min()), int(values.max())
    if low < 0 or high >= KEY_BASE:
        raise BadInputError("", f"{what} outside 0..{KEY_BASE - 1} cannot be joined")
    return low, high


def _checked(values, what: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    _bounds(values, what)
    return values


def state_keys(code, year) -> np.ndarray:
    keys = _checked(code, "state codes") * KEY_BASE  # one new array, then in place
    keys += _checked(year, "years")
    return keys


def pair_keys(code1, code2, year) -> np.ndarray:
    keys = _checked(code1, "state codes") * KEY_BASE
    keys += _checked(code2, "state codes")
    keys *= KEY_BASE
    keys += _checked(year, "years")
    return keys


def expand_years(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row i of a table of year ranges repeated once per year: (row index, year) per output row."""
    first = np.asarray(first, dtype=np.int64)
    counts = np.maximum(np.asarray(last, dtype=np.int64) - first + 1, 0)
    rows = np.repeat(np.arange(len(first)), counts)
    starts = np.cumsum(counts) - counts
    years = first[rows] + (np.arange(int(counts.sum())) - starts[rows])
    return rows, years


def merged_ranges(group, first, last) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year ranges (group, first, last), sorted by group then first year, with the ranges of a group that
    touch a common year merged: each (group, year) then comes from exactly one range. O(ranges)."""
    group, first, last = (np.asarray(a, dtype=np.int64) for a in (group, first, last))
    if len(group) < 2:
        return group, first, last
    span = int(last.max()) - int(min(first.min(), last.min())) + 1
    # running maximum of `last` within each group: groups are sorted, so group * span dominates
    reach = np.maximum.accumulate(group * span + (last - int(min(first.min(), last.min()))))
    reach_last = reach - group * span + int(min(first.min(), last.min()))
    starts = np.ones(len(group), dtype=bool)
    starts[1:] = (group[1:] != group[:-1]) | (first[1:] > reach_last[:-1])
    begin = np.flatnonzero(starts)
    end = np.append(begin[1:], len(group)) - 1
    return group[begin], first[begin], reach_last[end]


def expand_ranges(first: np.ndarray, last: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Every year of every range [first, last], in the ranges' order, and `columns` repeated to match."""
    counts = np.maximum(last - first + 1, 0)
    total = int(counts.sum())
    offsets = np.cumsum(counts) - counts
    years = np.repeat(first - offsets, counts)
    years += np.arange(total)
    return years, [np.repeat(column, counts) for column in columns]


def sorted_unique(keys: np.ndarray) -> np.ndarray | None:
    """The keys sorted without repeats, or None when they already are (the usual case)."""
    if len(keys) < 2 or (np.diff(keys) > 0).all():
        return None
    return np.unique(keys)


def past_coverage(years: np.ndarray, coverage_end: pd.Timestamp | None) -> np.ndarray:
    """True for years after the year a dataset's coverage ends (those values are NA, never 0)."""
    if coverage_end is None:
        return np.zeros(len(years), dtype=bool)
    return np.asarray(years) > coverage_end.year


def nullable_int8(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """0/1 values (bool or integer) with NA where `missing`; booleans are viewed as int8, not copied."""
    values = np.asarray(values)
    values = values.view(np.int8) if values.dtype == np.bool_ else values.astype(np.int8, copy=False)
    return pd.arrays.IntegerArray(values, np.asarray(missing, dtype=bool))


def grid_positions(
    table_codes, table_years, frame_codes: list[np.ndarray], frame_years: np.ndarray
) -> tuple[int, np.ndarray, list[np.ndarray]]:
    """Positions in one dense code × year grid (code * width + year - first year) of a (code, year)
    table's rows and of a frame's rows (one array per code column): joins become gathers, no search.
    Returns (grid size, table positions, frame positions)."""
    table_codes = np.asarray(table_codes, dtype=np.int64)
    table_years = np.asarray(table_years, dtype=np.int64)
    frame_years = np.asarray(frame_years, dtype=np.int64)
    years = [_bounds(table_years, "years"), _bounds(frame_years, "years")]
    codes = [_bounds(table_codes, "state codes")]
    frame_codes = [np.asarray(c, dtype=np.int64) for c in frame_codes]
    codes += [_bounds(c, "state codes") for c in frame_codes]
    low = min((lo for lo, hi in years if hi >= lo), default=0)
    high = max((hi for lo, hi in years if hi >= lo), default=0)
    width = high - low + 1
    size = (max((hi for _, hi in codes), default=0) + 1) * width

    def positions(code: np.ndarray, year: np.ndarray) -> np.ndarray:
        at = code * width  # one new array, then in place
        at += year
        at -= low
        return at

    return size, positions(table_codes, table_years), [positions(c, frame_years) for c in frame_codes]


def _search(keys: np.ndarray, needles: np.ndarray, side: str) -> np.ndarray:
    """`np.searchsorted` with the needles sorted first: each search starts where the last ended, which
    keeps a large `keys` array in cache (several times faster than random needles)."""
    order = np.argsort(needles, kind="stable")
    found = np.empty(len(needles), dtype=np.int64)
    found[order] = np.searchsorted(keys, needles[order], side=side)
    return found


def covered(frame_keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """For each frame key, whether some interval [starts[i], ends[i]] (keys, both inclusive) with
    flags[i] set contains it: difference counts at the intervals' ends in the sorted keys, summed once.
    `flags` is (intervals × columns); returns (columns × frame rows) booleans."""
    flags = np.asarray(flags, dtype=bool)
    columns = flags.shape[1] if flags.ndim == 2 else 1
    n = len(frame_keys)
    if n == 0 or len(starts) == 0:
        return np.zeros((columns, n), dtype=bool)
    ordered = n < 2 or bool((frame_keys[1:] >= frame_keys[:-1]).all())
    order = None if ordered else np.argsort(frame_keys, kind="stable")
    keys = frame_keys if ordered else frame_keys[order]
    low = _search(keys, starts, "left")
    high = _search(keys, ends, "right")
    out = np.empty((columns, n), dtype=bool)
    counts = np.empty(n + 1, dtype=np.int32)
    for j in range(columns):
        on = flags[:, j]
        counts.fill(0)
        np.add.at(counts, low[on], 1)
        np.add.at(counts, high[on], -1)
        np.cumsum(counts, out=counts)
        if order is None:
            np.greater(counts[:n], 0, out=out[j])
        else:
            out[j, order] = counts[:n] > 0
    return out
