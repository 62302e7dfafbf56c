"""Write a panel to CSV, Parquet or Stata .dta, chosen by the file's extension.

- CSV (.csv, .csv.gz …): NA is an empty field.
- Parquet (.parquet, .pq): nullable columns stay nullable; `df.attrs` (the provenance) is kept in
  the file's metadata, so `pd.read_parquet(path).attrs` and `foedus panel cite FILE` find it.
- Stata (.dta, format 118): Stata's integer types hold no missing value pandas can write, so
  nullable integer columns become float (Int8/Int16 → float, exact; wider → double) with NA as
  Stata's missing `.`; each variable's label names the dataset and version that filled it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype
from pandas.api.types import is_bool_dtype, is_integer_dtype

from foedus.panels.frames import ATTRS_KEY, sources

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".dta": "stata"}
COMPRESSED = {".gz", ".bz2", ".zip", ".xz", ".zst"}


def file_format(path: str | Path) -> str:
    """'csv', 'parquet' or 'stata', from the extension (a compression suffix after .csv is allowed)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if len(suffixes) >= 2 and suffixes[-1] in COMPRESSED and suffixes[-2] == ".csv":
        return "csv"
    if suffixes and suffixes[-1] in FORMATS:
        return FORMATS[suffixes[-1]]
    raise ValueError(f"cannot tell the format of {path}: use .csv, .parquet (.pq) or .dta")


def write_panel(df: pd.DataFrame, path: str | Path) -> Path:
    """Write `df` to `path` in the format its extension names; returns the path."""
    path = Path(path)
    kind = file_format(path)
    if kind == "csv":
        df.to_csv(path, index=False)
    elif kind == "parquet":
        df.to_parquet(path, index=False)
    else:
        _write_stata(df, path)
    return path


def stata_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with nullable integer and boolean columns as floats (NA → NaN, Stata's missing)."""
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
