"""Batch checks from CSV: validate every row first (a bad row is named by line and column), then write
the verdicts to a temporary file renamed into place, so no half-written output is ever left behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.errors import InputFileError, UnknownStateError
from foedus.sanctions.check import UNITS, check_frame
from foedus.sanctions.hs import normalize_series
from foedus.sanctions.model import Regime
from foedus.sanctions.states import resolve_state

REQUIRED = ("from", "to", "date")
OPTIONAL = ("hs", "purpose", "quantity", "unit", "labour", "joint_venture", "origin")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}


def _column_name(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _first(bad: np.ndarray) -> int | None:
    return int(np.argmax(bad)) if bad.any() else None


def _states(values: pd.Series, allow_empty: bool) -> tuple[np.ndarray, int | None, str]:
    """COW codes for a column of state names (resolved once per distinct value), and the first bad row."""
    uniques = pd.unique(values)
    codes, failures = {}, {}
    for text in uniques:
        if text.strip() == "" and allow_empty:
            codes[text] = -1
            continue
        try:
            codes[text] = resolve_state(text)
        except UnknownStateError as exc:
            failures[text] = str(exc)
    if failures:
        row = _first(values.isin(list(failures)).to_numpy())
        return np.empty(0), row, failures[values.iloc[row]]
    return values.map(codes).to_numpy(np.int64), None, ""


def _flags(values: pd.Series) -> tuple[np.ndarray, int | None]:
    lowered = values.str.strip().str.lower()
    return lowered.isin(_TRUE).to_numpy(), _first(~lowered.isin(_TRUE | _FALSE).to_numpy())


def read_shipments(path: str | Path, regime: Regime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the file as read, the shipment frame for `check_frame`); InputFileError names the first bad line."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read as CSV ({exc})") from None
    columns = {_column_name(c): c for c in raw.columns}
    for name in REQUIRED:
        if name not in columns:
            raise InputFileError(str(path), f"missing column '{name}' (need {', '.join(REQUIRED)})", line=1)
    get = {
        name: raw[columns[name]] if name in columns else pd.Series("", index=raw.index)
        for name in REQUIRED + OPTIONAL
    }
    problems: list[tuple[int, str, str]] = []

    def problem(row: int | None, column: str, message: str):
        if row is not None:
            problems.append((row, column, message))

    states = {}
    for name in ("from", "to", "origin"):
        codes, row, message = _states(get[name], allow_empty=name == "origin")
        states[name] = codes
        problem(row, name, message)
    dates = pd.to_datetime(get["date"], format="%Y-%m-%d", errors="coerce")
    row = _first(dates.isna().to_numpy())
    problem(row, "date", f"'{get['date'].iloc[row]}' is not a date (YYYY-MM-DD)" if row is not None else "")
    hs, bad_hs = normalize_series(get["hs"])
    row = _first(bad_hs.to_numpy())
    problem(row, "hs", f"'{get['hs'].iloc[row]}' is not an HS code (2-10 digits)" if row is not None else "")
    labour, row = _flags(get["labour"])
    problem(row, "labour", "use true or false")
    joint_venture, row = _flags(get["joint_venture"])
    problem(row, "joint_venture", "use true or false")
    nothing = (hs == "").to_numpy() & ~labour & ~joint_venture
    problem(_first(nothing), "hs", "empty: give an HS code, or labour / joint_venture = true")
    purpose = get["purpose"].str.strip().str.lower()
    row = _first(~purpose.isin(list(regime.purposes) + [""]).to_numpy())
    problem(
        row,
        "purpose",
        f"'{get['purpose'].iloc[row] if row is not None else ''}' is not one of: "
        + ", ".join(regime.purposes),
    )
    quantity = pd.to_numeric(get["quantity"].str.strip(), errors="coerce")
    row = _first(((get["quantity"].str.strip() != "") & (quantity.isna() | (quantity < 0))).to_numpy())
    problem(row, "quantity", "not a non-negative number")
    unit = get["unit"].str.strip().str.lower()
    row = _first(~unit.isin(list(UNITS) + [""]).to_numpy())
    problem(row, "unit", "use bbl, t or usd (or barrels, tonnes, US$)")
    if problems:
        row, column, message = min(problems, key=lambda p: p[0])
        raise InputFileError(str(path), message, line=row + 2, column=column)
    frame = pd.DataFrame(
        {
            "from_state": states["from"],
            "to_state": states["to"],
            "hs": hs.to_numpy(object),
            "date": dates,
            "purpose": purpose.to_numpy(object),
            "quantity": quantity.to_numpy(np.float64),
            "unit": unit.map(lambda u: UNITS.get(u, "")).to_numpy(object),
            "labour": labour,
            "joint_venture": joint_venture,
            "origin": states["origin"],
        },
        index=raw.index,
    )
    return raw, frame


def write_atomic(frame: pd.DataFrame, out: str | Path) -> None:
    """Write CSV to a temporary file beside `out`, then rename it into place."""
    out = Path(out)
    handle = tempfile.NamedTemporaryFile(
        "w", dir=out.parent, prefix=f".{out.name}.", suffix=".tmp", delete=False, newline="", encoding="utf-8"
    )
    try:
        with handle:
            frame.to_csv(handle, index=False)
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def check_file(regime: Regime, path: str | Path, out: str | Path) -> dict[str, int]:
    """Check every shipment in `path`, write them with verdict, measures and citations to `out`; counts."""
    raw, frame = read_shipments(path, regime)
    verdicts = check_frame(regime, frame)
    write_atomic(pd.concat([raw, verdicts], axis=1), out)
    counts = verdicts["verdict"].value_counts()
    return {name: int(counts.get(name, 0)) for name in ("prohibited", "conditional", "exempt", "permitted")}
