"""Write a panel to CSV, Parquet or Stata .dta, chosen by the file's extension.

Every format is written through `foedus.atomic.atomic_path`: the file appears whole or not at all.

A panel is a DataFrame or `build_panel`'s `Columns` (named numpy arrays): those become an Arrow table
without pandas (numbers shared, 0/1-with-NA columns as int8 plus a validity bitmap) and with the same
schema metadata pandas would write, so Parquet and plain CSV are written straight from Arrow and
`pd.read_parquet` gives back the same dtypes and attrs. Stata, compressed CSV and panels with text
columns (state names) go through a DataFrame.

- CSV (.csv, .csv.gz …): NA is an empty field. Plain .csv is written by Arrow's CSV writer straight
  from the panel's Arrow form (strings and the header quoted); compressed CSV by pandas.
- Parquet (.parquet, .pq): written from the frame's Arrow table; nullable columns stay nullable;
  `df.attrs` (the provenance) is kept in the file's metadata, so `pd.read_parquet(path).attrs` and
  `foedus panel cite FILE` find it.
- Stata (.dta, format 118): Stata's integer types hold no missing value pandas can write, so
  nullable integer columns become float (Int8/Int16 → float, exact; wider → double) with NA as
  Stata's missing `.`; each variable's label names the dataset and version that filled it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from foedus.atomic import atomic_path
from foedus.errors import BadInputError
from foedus.panels.frames import ATTRS_KEY, Columns, Nullable, sources

if TYPE_CHECKING:
    import pandas as pd

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".dta": "stata"}
COMPRESSED = {".gz", ".bz2", ".zip", ".xz", ".zst"}


def file_format(path: str | Path) -> str:
    """'csv', 'parquet' or 'stata', from the extension (a compression suffix after .csv is allowed)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] in COMPRESSED and suffixes[-2] == ".csv":
        return "csv"
    if suffixes and suffixes[-1] in FORMATS:
        return FORMATS[suffixes[-1]]
    raise BadInputError("", f"cannot tell the format of {path}: use .csv, .parquet (.pq) or .dta")


def write_panel(df: pd.DataFrame | Columns, path: str | Path) -> Path:
    """Write `df` (a DataFrame or `Columns`) to `path` in the format its extension names, atomically;
    returns the path."""
    path = Path(path)
    kind = file_format(path)
    if isinstance(df, Columns) and (kind == "stata" or path.suffix.lower() != ".csv" and kind == "csv"):
        df = df.to_frame()
    with atomic_path(path) as tmp:
        if kind == "parquet":
            _write_parquet(df, tmp)
        elif kind == "csv" and path.suffix.lower() == ".csv":
            _write_csv(df, tmp)
        elif kind == "csv":
            df.to_csv(tmp, index=False, compression={"method": _compression(path)})
        else:
            _write_stata(df, tmp)
    return path


def arrow_table(df: pd.DataFrame | Columns):
    """The panel as an Arrow table (pandas' schema metadata and `df.attrs` kept, as `to_parquet` keeps them)."""
    import pyarrow as pa

    if isinstance(df, Columns):
        table = _columns_table(df)
        if table is not None:
            return table
        df = df.to_frame()
    table = pa.Table.from_pandas(df, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    if df.attrs:
        metadata[b"PANDAS_ATTRS"] = json.dumps(df.attrs).encode()
    return table.replace_schema_metadata(metadata)


_NUMERIC = {"i": "int", "f": "float"}


def _columns_table(panel: Columns):
    """`Columns` of numbers and `Nullable` as an Arrow table without pandas, or None when a column is of
    another kind (text: pandas decides its dtype). The schema metadata is what `Table.from_pandas` writes for
    the same frame: the columns' pandas dtypes (nullable columns `Int8`), `attributes` and the versions."""
    import pyarrow as pa

    arrays, described = [], []
    for name, values in panel.data.items():
        if isinstance(values, Nullable):
            data = np.ascontiguousarray(values.values, dtype=np.int8)
            valid = np.packbits(~np.asarray(values.mask, dtype=bool), bitorder="little")
            array = pa.Array.from_buffers(pa.int8(), len(data), [pa.py_buffer(valid), pa.py_buffer(data)],
                                          null_count=int(np.count_nonzero(values.mask)))
            pandas_type, numpy_type = "int8", "Int8"
        else:
            values = np.asarray(values)
            if values.dtype.kind not in _NUMERIC:
                return None
            values = np.ascontiguousarray(values)
            # from the buffer, not pa.array(): that one asks pandas whether the array is a Series (importing it)
            array = pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])
            pandas_type = numpy_type = str(values.dtype)
        arrays.append(array)
        described.append({"name": name, "field_name": name, "pandas_type": pandas_type, "numpy_type": numpy_type,
                          "metadata": None})
    pandas_meta = {"index_columns": [], "column_indexes": [], "columns": described}
    if panel.attrs:
        pandas_meta["attributes"] = panel.attrs
    pandas_meta["creator"] = {"library": "pyarrow", "version": pa.__version__}
    pandas_meta["pandas_version"] = _pandas_version()
    metadata = {b"pandas": json.dumps(pandas_meta).encode()}
    if panel.attrs:
        metadata[b"PANDAS_ATTRS"] = json.dumps(panel.attrs).encode()
    schema = pa.schema([pa.field(name, array.type) for name, array in zip(panel.data, arrays, strict=True)])
    return pa.Table.from_arrays(arrays, schema=schema).replace_schema_metadata(metadata)


def _pandas_version() -> str:
    """The installed pandas' version (read from its metadata: importing pandas takes longer than the write)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pandas")
    except PackageNotFoundError:
        return ""


def _write_parquet(df: pd.DataFrame | Columns, path: Path) -> None:
    """Dictionary encoding for the integer columns only (codes, years, 0/1 flags: small and fast); the
    float columns (NMC) are written plain, which takes a third less time for a file about 2.5× larger."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = arrow_table(df)
    integers = [field.name for field in table.schema if pa.types.is_integer(field.type)]
    pq.write_table(table, path, use_dictionary=integers)


def _write_csv(df: pd.DataFrame | Columns, path: Path) -> None:
    import pyarrow.csv as csv

    csv.write_csv(arrow_table(df), path)


def _compression(path: Path) -> str:
    return {".gz": "gzip", ".bz2": "bz2", ".zip": "zip", ".xz": "xz", ".zst": "zstd"}[path.suffix.lower()]


def stata_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with nullable integer and boolean columns as floats (NA → NaN, Stata's missing)."""
    import pandas as pd
    from pandas.api.extensions import ExtensionDtype
    from pandas.api.types import is_bool_dtype, is_integer_dtype

    out = {}
    for column in df.columns:
        series = df[column]
        dtype = series.dtype
        if isinstance(dtype, ExtensionDtype) and (is_integer_dtype(dtype) or is_bool_dtype(dtype)):
            width = np.float32 if getattr(dtype, "itemsize", 8) <= 2 else np.float64
            out[column] = series.to_numpy(dtype=width, na_value=np.nan)
        else:
            out[column] = series.to_numpy()
    return pd.DataFrame(out, index=df.index, copy=False)


def _write_stata(df: pd.DataFrame, path: Path) -> None:
    known = sources(df)
    labels = {}
    for column in df.columns:
        source = known.get(column)
        if source:
            labels[column] = f"{source.get('dataset', '')} {source.get('version', '')}".strip()[:80]
    panel = df.attrs.get(ATTRS_KEY, {})
    unit, system, through = (panel.get(key, "") for key in ("unit", "system", "through"))
    title = f"foedus {unit or 'panel'} {system} through {through}"
    stata_frame(df).to_stata(
        path, write_index=False, version=118, variable_labels=labels, data_label=title[:80]
    )
