"""Pieces every panel verb shares: the store connection, what kind of panel a frame is,
provenance in `df.attrs`, and joins by sorted integer keys.

Provenance lives in `df.attrs["foedus"]`: the panel's unit, system, direction and years, and
under "sources" one entry per column naming the dataset and version that filled it.

Joins encode (code, year) as code * 10_000 + year and (code1, code2, year) as
(code1 * 10_000 + code2) * 10_000 + year, then look the frame's keys up in a table's sorted
keys with `numpy.searchsorted`: one vectorised pass, no pandas merge, no Python loop.
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
from foedus.errors import NotImportedError
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
        raise ValueError(f"system must be 'cow' or 'gw', not {system!r}")
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
        raise ValueError("not a panel: the frame has no 'year' column")
    for system, (code, _) in SYSTEMS.items():
        if {f"{code}1", f"{code}2"} <= columns:
            return Kind("dyad_year", system, (f"{code}1", f"{code}2"))
    for system, (code, _) in SYSTEMS.items():
        if code in columns:
            return Kind("state_year", system, (code,))
    raise ValueError("not a panel: expected ccode or gwcode (state-years), ccode1/ccode2 or gwcode1/gwcode2")


def cow_kind(df: pd.DataFrame, verb: str) -> Kind:
    """The frame's kind, which must carry COW codes: the datasets joined by COW code need them."""
    kind = frame_kind(df)
    if kind.system != "cow":
        raise ValueError(
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
        raise ValueError(f"the frame already has {', '.join(clash)}; drop them first")


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
            raise ValueError(f"the frame already has {', '.join(clash)}; drop them first")
        data.update(added.columns)
        for column in added.columns:
            known[column] = dict(added.source)
    out = pd.DataFrame(data, index=df.index, copy=False)
    out.attrs = {k: copy.deepcopy(v) for k, v in df.attrs.items() if k != ATTRS_KEY}
    out.attrs[ATTRS_KEY] = entry
    return out


def _checked(values: np.ndarray, what: str) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    if len(values) and (values.min() < 0 or values.max() >= KEY_BASE):
        raise ValueError(f"{what} outside 0..{KEY_BASE - 1} cannot be joined")
    return values


def state_keys(code, year) -> np.ndarray:
    return _checked(code, "state codes") * KEY_BASE + _checked(year, "years")


def pair_keys(code1, code2, year) -> np.ndarray:
    pair = _checked(code1, "state codes") * KEY_BASE + _checked(code2, "state codes")
    return pair * KEY_BASE + _checked(year, "years")


def lookup(table_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each key, its row in the sorted unique `table_keys` and whether it is there at all."""
    if len(table_keys) == 0:
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    at = np.searchsorted(table_keys, keys)
    np.minimum(at, len(table_keys) - 1, out=at)
    return at, table_keys[at] == keys


def frame_keys(df: pd.DataFrame, code_column: str) -> np.ndarray:
    return state_keys(df[code_column].to_numpy(), df["year"].to_numpy())


def expand_years(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row i of a table of year ranges repeated once per year: (row index, year) per output row."""
    first = np.asarray(first, dtype=np.int64)
    counts = np.maximum(np.asarray(last, dtype=np.int64) - first + 1, 0)
    rows = np.repeat(np.arange(len(first)), counts)
    starts = np.cumsum(counts) - counts
    years = first[rows] + (np.arange(int(counts.sum())) - starts[rows])
    return rows, years


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
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int8), np.asarray(missing, dtype=bool))


def dense_rows(table_codes, table_years, pairs: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """For each (codes, years) of a frame, the row of a (code, year) table holding each of them, or
    len(table) where it has none: a gather from a dense code × year grid (no search). The first of
    repeated table rows wins, as with `lookup`."""
    table_codes = _checked(table_codes, "state codes")
    table_years = _checked(table_years, "years")
    size = len(table_codes)
    checked = [(_checked(codes, "state codes"), _checked(years, "years")) for codes, years in pairs]
    found = [c for c, _ in checked if len(c)] + ([table_codes] if size else [])
    if not found:
        return [np.full(len(c), size, dtype=np.int64) for c, _ in checked]
    low = min(int(y.min()) for _, y in checked + [(table_codes, table_years)] if len(y))
    high = max(int(y.max()) for _, y in checked + [(table_codes, table_years)] if len(y))
    width = high - low + 1
    codes_max = max(int(c.max()) for c in found)
    grid = np.full((codes_max + 1) * width, size, dtype=np.int64)
    grid[(table_codes * width + (table_years - low))[::-1]] = np.arange(size)[::-1]
    return [grid[codes * width + (years - low)] for codes, years in checked]


def covered(frame_keys: np.ndarray, starts: np.ndarray, ends: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """For each frame key, whether some interval [starts[i], ends[i]] (keys, both inclusive) with
    flags[i] set contains it: difference counts at the intervals' ends in the sorted keys, summed once.
    `flags` is (intervals × columns); returns (columns × frame rows) booleans."""
    flags = np.asarray(flags, dtype=bool)
    n = len(frame_keys)
    if n == 0 or len(starts) == 0:
        return np.zeros((flags.shape[1] if flags.ndim == 2 else 1, n), dtype=bool)
    ordered = bool((frame_keys[1:] >= frame_keys[:-1]).all()) if n > 1 else True
    order = None if ordered else np.argsort(frame_keys, kind="stable")
    keys = frame_keys if ordered else frame_keys[order]
    low = np.searchsorted(keys, starts, side="left")
    high = np.searchsorted(keys, ends, side="right")
    out = np.empty((flags.shape[1], n), dtype=bool)
    for j in range(flags.shape[1]):
        on = flags[:, j]
        counts = np.zeros(n + 1, dtype=np.int32)
        np.add.at(counts, low[on], 1)
        np.add.at(counts, high[on], -1)
        hit = np.cumsum(counts[:n], dtype=np.int32) > 0
        if order is None:
            out[j] = hit
        else:
            out[j, order] = hit
    return out
