"""Pieces every panel verb shares: the store connection, what kind of panel a frame is,
provenance in `df.attrs`, and joins by sorted integer keys.

Provenance lives in `df.attrs["foedus"]`: the panel's unit, system, direction and years, and
under "sources" one entry per column naming the dataset and version that filled it.

Keys encode (code, year) as code * 10_000 + year and (code1, code2, year) as
(code1 * 10_000 + code2) * 10_000 + year. Two joins, both vectorised, no pandas merge, no loop per row:

- `grid_positions`: a (code, year) table (NMC, major powers) laid out on a dense code × year grid,
  so each frame row's value is one gather (no search);
- `covered`: year ranges (allied member pairs, register-confirmed segments) as key intervals; two
  binary searches per interval in the frame's sorted keys give the rows each covers, merged per column
  into disjoint runs that one `np.repeat` writes (no expansion of intervals into years, no pass per
  interval, no sort of the frame).

A panel `build_panel` makes keeps its row keys and grid positions in `Columns.cache`, computed once
for every step (for a dyad-year panel straight from the year ranges it was built from).

Steps compute their columns as `Added` (numpy arrays, `Nullable` for 0/1 columns with NA, and the
source that filled them): the verbs wrap them into a new frame (`with_added`); `build_panel` keeps
them as `Columns` (named arrays, no DataFrame) and makes a frame only when asked (`assemble`). The
steps read their input through `column(df, name)`, a DataFrame or `Columns` alike, and nothing here
imports pandas until a DataFrame is made: the CLI builds and writes a panel without it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from foedus.errors import BadInputError, NotImportedError

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

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
    import duckdb

    from foedus.config import db_path
    from foedus.store import connect

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


_FIRST_BUILD = [True]


@contextmanager
def first_build_pages() -> Iterator[None]:
    """Around the first panel build of a process, numpy's advice to back large arrays with huge pages
    (MADV_HUGEPAGE, numpy's default on Linux) is turned off, and restored after.

    Measured on this project's machines (2-core VMs, issue 13): a new huge page the process has not used
    before costs about 3 ms per MB to fault in (the host backs it lazily), small pages about 0.9 ms,
    and a huge page freed and taken again about 0.2 ms. The full 2024 dyad-year panel is 317 MB of
    arrays: the first build took 1.0 s of system time with huge pages, 0.3 s without; later builds
    reuse the memory the earlier ones freed, where huge pages are the cheaper (0.06 s against 0.35 s),
    so they keep numpy's default. The setting only changes how memory is mapped, never a value.

    What it buys: a process that builds one panel (a script, every `foedus panel` run) never pays for fresh
    huge pages. What it does not: a process that builds several pays them on its second build instead
    (measured 0.4-0.7 s CPU for that call, then 0.12-0.17 s), so over a notebook session it moves the
    cost rather than removing it."""
    toggle = None
    if _FIRST_BUILD[0]:
        _FIRST_BUILD[0] = False
        core = getattr(np, "_core", None) or np.core
        toggle = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    previous = toggle(False) if toggle else None
    try:
        yield
    finally:
        if toggle:
            toggle(previous)


@dataclass(frozen=True)
class Import:
    dataset: str
    version: str
    coverage_end: dt.date | None

    def source(self, **extra) -> dict:
        entry = {"dataset": self.dataset, "version": self.version}
        if self.coverage_end is not None:
            entry["coverage_end"] = self.coverage_end.isoformat()
        return {**entry, **extra}


def literal(value) -> str:
    """A SQL literal for an int, a date or a string (quotes doubled). The panels' few queries inline their
    values rather than bind them: DuckDB's Python binding imports pandas (about 0.3 s) on the first query
    with parameters, which a CLI run that otherwise never needs pandas would pay."""
    if isinstance(value, bool) or not isinstance(value, int | str | dt.date):
        raise TypeError(f"no SQL literal for {value!r}")
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


def imported(con, dataset: str) -> Import:
    """The version and coverage end of an imported dataset, or NotImportedError."""
    row = con.execute(f"SELECT version, coverage_end FROM imports WHERE dataset = {literal(dataset)}").fetchone()
    if row is None:
        raise NotImportedError(f"{dataset} is not in the store; import it with `foedus data import`")
    return Import(dataset, str(row[0]), None if row[1] is None else _day(row[1]))


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


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


class Columns:
    """A panel as named arrays (numpy, or `Nullable`) and its metadata, before any DataFrame is made:
    `columns`, `attrs` and `len()` as a DataFrame has them, `column(panel, name)` for a column."""

    def __init__(self, data: dict[str, Any], attrs: dict | None = None):
        self.data = data
        self.attrs = attrs if attrs is not None else {}
        self.cache: dict = {}  # row keys computed once for every step (`frame_keys`)

    @property
    def columns(self) -> list[str]:
        return list(self.data)

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame sharing every array (no copy); nullable columns become pandas Int8."""
        import pandas as pd

        out = pd.DataFrame({name: to_pandas(values) for name, values in self.data.items()}, copy=False)
        out.attrs = copy.deepcopy(self.attrs)
        return out


@dataclass
class Nullable:
    """A 0/1 (or small integer) column with NA where `mask` is set: pandas Int8 or Arrow int8 without a copy."""

    values: np.ndarray  # int8
    mask: np.ndarray    # bool, True = NA

    def __len__(self) -> int:
        return len(self.values)

    def filled(self, value: int = 0) -> np.ndarray:
        """The values with `value` where NA (a new array)."""
        return np.where(self.mask, np.int8(value), self.values)


def to_pandas(values):
    """A column for a DataFrame: `Nullable` as pandas' IntegerArray (shared, not copied), others as they are."""
    if isinstance(values, Nullable):
        import pandas as pd

        return pd.arrays.IntegerArray(values.values, values.mask)
    return values


def column(df, name: str) -> np.ndarray:
    """A column of a DataFrame or of `Columns` as a numpy array (no copy when it is one)."""
    if isinstance(df, Columns):
        values = df.data[name]
        return values.filled() if isinstance(values, Nullable) else np.asarray(values)
    return df[name].to_numpy()


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
    return bool((column(df, first) > column(df, second)).any())


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
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 3:
        return True
    return pd.options.mode.copy_on_write is True


def extend(df: pd.DataFrame, new: dict[str, Any]) -> pd.DataFrame:
    """A new frame: `df`'s columns, then the `new` ones. `df` is left as it was.

    With pandas copy-on-write (pandas 3, or `pd.options.mode.copy_on_write = True`) the existing
    columns are shared, not copied, and pandas copies one only if either frame writes to it.
    Without it (pandas 2's default) sharing would let a write to one frame change the other, so each
    existing column is copied once and the frame built with `copy=False`, one block per column (no
    `df.copy()`: on a fragmented frame pandas first merges its blocks). `build_panel` (plan.py)
    never copies: it computes every column first and assembles the frame once.
    """
    import pandas as pd
    from pandas.api.extensions import ExtensionDtype

    check_new(df, new)
    new = {name: to_pandas(values) for name, values in new.items()}
    if copy_on_write():
        out = pd.concat([df, pd.DataFrame(new, index=df.index, copy=False)], axis=1)  # new arrays: not stacked
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

    columns: dict[str, Any]  # numpy arrays, `Nullable`, or pandas extension arrays
    source: dict


def with_added(df: pd.DataFrame, added: Added) -> pd.DataFrame:
    """The verbs' result: `df` extended with `added`'s columns and their source in the metadata."""
    return set_meta(extend(df, added.columns), meta(df), list(added.columns), added.source)


def assemble(df: Columns, steps: list[Added]) -> Columns:
    """One panel with `df`'s columns and every step's, sharing every array (no copy)."""
    data = dict(df.data)
    entry = meta(df)
    known = entry.setdefault("sources", {})
    for added in steps:
        clash = [c for c in added.columns if c in data]
        if clash:
            raise BadInputError("", f"the frame already has {', '.join(clash)}; drop them first")
        data.update(added.columns)
        for name in added.columns:
            known[name] = dict(added.source)
    attrs = {k: copy.deepcopy(v) for k, v in df.attrs.items() if k != ATTRS_KEY}
    attrs[ATTRS_KEY] = entry
    return Columns(data, attrs)


def _bounds(values: np.ndarray, what: str) -> tuple[int, int]:
    """The smallest and largest value, which must lie in 0..KEY_BASE-1 to be joined ((0, -1) when empty)."""
    if not len(values):
        return 0, -1
    low, high = int(values.min()), int(values.max())
    if low < 0 or high >= KEY_BASE:
        raise BadInputError("", f"{what} outside 0..{KEY_BASE - 1} cannot be joined")
    return low, high


def _checked(values, what: str) -> np.ndarray:
    """`values` as int64, which must lie in 0..KEY_BASE-1: one pass (as unsigned, a negative value is huge)."""
    values = np.asarray(values, dtype=np.int64)
    if len(values) and int(values.view(np.uint64).max()) >= KEY_BASE:
        raise BadInputError("", f"{what} outside 0..{KEY_BASE - 1} cannot be joined")
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


def sorted_unique(keys: np.ndarray) -> np.ndarray | None:
    """The keys sorted without repeats, or None when they already are (the usual case)."""
    if len(keys) < 2 or (np.diff(keys) > 0).all():
        return None
    return np.unique(keys)


def past_coverage(years: np.ndarray, coverage_end: dt.date | None) -> np.ndarray:
    """True for years after the year a dataset's coverage ends (those values are NA, never 0)."""
    if coverage_end is None:
        return np.zeros(len(years), dtype=bool)
    return np.asarray(years) > coverage_end.year


def nullable_int8(values: np.ndarray, missing: np.ndarray) -> Nullable:
    """0/1 values (bool or integer) with NA where `missing`; booleans are viewed as int8, not copied."""
    values = np.asarray(values)
    values = values.view(np.int8) if values.dtype == np.bool_ else values.astype(np.int8, copy=False)
    return Nullable(values, np.asarray(missing, dtype=bool))


def grid_positions(table_codes, table_years, df, kind: Kind) -> tuple[int, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Positions in one dense code × year grid (code * width + year - the frame's first year) of a
    (code, year) table's rows and of a frame's rows (one array per code column): joins become gathers,
    no search. The grid spans the frame's codes and years (computed once per `Columns`, shared by every
    step); table rows outside it can match no row and are left out.
    Returns (grid size, the table rows kept, their positions, the frame's positions)."""
    size, low, width, limit, frame_at = _frame_grid(df, kind)
    table_codes = np.asarray(table_codes, dtype=np.int64)
    table_years = np.asarray(table_years, dtype=np.int64)
    rows = np.flatnonzero((table_codes >= 0) & (table_codes < limit) & (table_years >= low)
                          & (table_years < low + width))
    return size, rows, table_codes[rows] * width + table_years[rows] - low, frame_at


def _frame_grid(df, kind: Kind) -> tuple[int, int, int, int, list[np.ndarray]]:
    cache = getattr(df, "cache", None)
    if cache is not None and ("grid", kind.codes) in cache:
        return cache[("grid", kind.codes)]
    runs = cache.get("runs") if cache is not None else None
    if runs is not None and runs["codes"] == kind.codes:
        found = _run_grid(runs, column(df, "year"))
        cache[("grid", kind.codes)] = found
        return found
    years = np.asarray(column(df, "year"), dtype=np.int64)
    low, high = _bounds(years, "years")
    codes = [np.asarray(column(df, c), dtype=np.int64) for c in kind.codes]
    limit = max((_bounds(c, "state codes")[1] for c in codes), default=-1) + 1
    width = max(high - low + 1, 1)
    at = []
    for code in codes:
        position = code * width  # one new array, then in place
        position += years
        position -= low
        at.append(position)
    found = (max(limit, 1) * width, low, width, limit, at)
    if cache is not None:
        cache[("grid", kind.codes)] = found
    return found


def _run_grid(runs: dict, years: np.ndarray) -> tuple[int, int, int, int, list[np.ndarray]]:
    """`_frame_grid` of a dyad-year panel from the year ranges it was built from (`dyadyear_columns`): each
    range's rows lie at one code's position plus the year, one repeat and one sum per side. The grid spans
    the panel's window (the years it could hold), the codes up to the largest."""
    low, high = runs["window"]
    width = high - low + 1
    codes = runs["code_runs"]
    limit = max((int(c.max()) for c in codes if len(c)), default=-1) + 1
    at = []
    for code in codes:
        position = np.repeat(code * width - low, runs["counts"])
        position += years
        at.append(position)
    return max(limit, 1) * width, low, width, limit, at


def frame_keys(df, kind: Kind) -> np.ndarray:
    """The frame's row keys ((code, year) or (code1, code2, year), see above); kept on `Columns`, which
    every step of one `build_panel` shares."""
    cache = getattr(df, "cache", None)
    if cache is not None and kind.codes in cache:
        return cache[kind.codes]
    years = column(df, "year")
    if kind.unit == "state_year":
        keys = state_keys(column(df, kind.codes[0]), years)
    else:
        keys = pair_keys(column(df, kind.codes[0]), column(df, kind.codes[1]), years)
    if cache is not None:
        cache[kind.codes] = keys
    return keys


def _disjoint(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row ranges [low, high) merged where they overlap or touch: sorted, disjoint, not touching."""
    keep = high > low
    low, high = low[keep], high[keep]
    if len(low) < 2:
        return low, high
    order = np.argsort(low, kind="stable")
    low, high = low[order], high[order]
    reach = np.maximum.accumulate(high)
    begins = np.ones(len(low), dtype=bool)
    begins[1:] = low[1:] > reach[:-1]
    first = np.flatnonzero(begins)
    return low[first], reach[np.append(first[1:], len(low)) - 1]


def _search(keys: np.ndarray, needles: np.ndarray, side: str) -> np.ndarray:
    """`np.searchsorted` with the needles sorted first: each search starts where the last ended, which
    keeps a large `keys` array in cache (several times faster than random needles)."""
    order = np.argsort(needles, kind="stable")
    found = np.empty(len(needles), dtype=np.int64)
    found[order] = np.searchsorted(keys, needles[order], side=side)
    return found


def covered(frame_keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, flags: np.ndarray) -> list[np.ndarray]:
    """For each frame key, whether some interval [starts[i], ends[i]] (keys, both inclusive) with
    flags[i] set contains it. `flags` is (intervals × columns); returns one boolean array per column.

    Two binary searches per interval in the sorted keys give the rows it covers, [low, high); per
    column those row ranges are merged into disjoint ones (a few thousand, sorted once) and the column
    is written by one `np.repeat` of alternating False/True runs: no expansion of intervals into years,
    no cumulative sum over the frame, no sort of the frame (unless its keys come unsorted)."""
    flags = _flags(flags, len(starts))
    n = len(frame_keys)
    if n == 0 or len(starts) == 0:
        return [np.zeros(n, dtype=bool) for _ in range(flags.shape[1])]
    ordered = n < 2 or bool((frame_keys[1:] >= frame_keys[:-1]).all())
    order = None if ordered else np.argsort(frame_keys, kind="stable")
    keys = frame_keys if ordered else frame_keys[order]
    return _paint(n, _search(keys, starts, "left"), _search(keys, ends, "right"), flags, order)


def covered_in(df, kind: Kind, starts: np.ndarray, ends: np.ndarray, flags: np.ndarray) -> list[np.ndarray]:
    """`covered` for the rows of a panel: for a dyad-year panel `build_panel` made, the rows an interval
    covers come from the few thousand year ranges it was built from (searched instead of every row key)."""
    runs = getattr(df, "cache", {}).get("runs")
    if runs is None or runs["codes"] != kind.codes:
        return covered(frame_keys(df, kind), starts, ends, flags)
    flags = _flags(flags, len(starts))
    n = len(df)
    if n == 0 or len(starts) == 0:
        return [np.zeros(n, dtype=bool) for _ in range(flags.shape[1])]
    return _paint(n, _run_rows(runs, starts, 0), _run_rows(runs, ends, 1), flags, None)


def _run_rows(runs: dict, needles: np.ndarray, after: int) -> np.ndarray:
    """The number of panel rows whose key is below each needle (`after` 0), or at most it (`after` 1), from
    the panel's year ranges: the range a key falls in gives its row; a key between ranges, the next range's
    first row."""
    first_keys, last_keys, offsets, counts = runs["first_keys"], runs["last_keys"], runs["offsets"], runs["counts"]
    needles = np.asarray(needles, dtype=np.int64)
    at = np.searchsorted(first_keys, needles, side="right") - 1
    rows = np.zeros(len(needles), dtype=np.int64)
    found = at >= 0
    run = at[found]
    inside = needles[found] <= last_keys[run]
    rows[found] = np.where(inside, offsets[run] + (needles[found] - first_keys[run]) + after,
                           offsets[run] + counts[run])
    return rows


def _flags(flags, intervals: int) -> np.ndarray:
    flags = np.asarray(flags, dtype=bool)
    return flags.reshape(intervals, -1) if flags.size else flags.reshape(intervals, flags.shape[-1])


def _paint(n: int, low: np.ndarray, high: np.ndarray, flags: np.ndarray, order) -> list[np.ndarray]:
    """Per column, the rows [low, high) of the intervals it flags set True (`order`: the rows' positions when
    the ranges index the frame sorted)."""
    out = []
    for j in range(flags.shape[1]):
        first, after = _disjoint(low[flags[:, j]], high[flags[:, j]])
        bounds = np.empty(2 * len(first) + 2, dtype=np.int64)
        bounds[0], bounds[-1] = 0, n
        bounds[1:-1:2], bounds[2:-1:2] = first, after
        runs = np.zeros(len(bounds) - 1, dtype=bool)
        runs[1::2] = True  # rows before the first range, in it, between it and the next, ...
        painted = np.repeat(runs, np.diff(bounds))
        if order is not None:
            unsorted = np.empty(n, dtype=bool)
            unsorted[order] = painted
            painted = unsorted
        out.append(painted)
    return out
