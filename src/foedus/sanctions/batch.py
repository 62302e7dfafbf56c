"""Batch checks from CSV: validate every row first (a bad row is named by line and column), then write
the verdicts to a temporary file renamed into place, so no half-written output is ever left behind."""

from __future__ import annotations

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


class _Distinct:
    """A text column factorised once: work on its distinct values, then spread the results to every row."""

    def __init__(self, values: pd.Series):
        self.raw = values
        self.codes, uniques = pd.factorize(values, sort=False)
        self.values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
        self.clean = self.values.str.strip().str.lower()

    def spread(self, per_value) -> np.ndarray:
        return np.asarray(per_value)[self.codes] if len(self.codes) else np.asarray(per_value)[:0]

    def first_bad(self, bad_value) -> tuple[int | None, str]:
        row = _first(self.spread(bad_value))
        return row, ("" if row is None else str(self.raw.iloc[row]))


def _states(column: _Distinct, allow_empty: bool) -> tuple[np.ndarray, int | None, str]:
    """COW codes for a column of state names (resolved once per distinct value), and the first bad row."""
    codes = np.full(len(column.values), -1, dtype=np.int64)
    failures = {}
    for i, text in enumerate(column.values):
        if allow_empty and text.strip() == "":
            continue
        try:
            codes[i] = resolve_state(text)
        except UnknownStateError as exc:
            failures[i] = str(exc)
    if failures:
        row = _first(np.isin(column.codes, list(failures)))
        return codes[:0], row, failures[int(column.codes[row])]
    return column.spread(codes), None, ""


def _flags(column: _Distinct) -> tuple[np.ndarray, int | None]:
    return column.spread(column.clean.isin(_TRUE)), column.first_bad(~column.clean.isin(_TRUE | _FALSE))[0]


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
        name: _Distinct(
            raw[columns[name]] if name in columns else pd.Series("", index=raw.index, dtype=object)
        )
        for name in REQUIRED + OPTIONAL
        if name != "quantity"
    }
    problems: list[tuple[int, str, str]] = []

    def problem(row: int | None, column: str, message: str):
        if row is not None:
            problems.append((row, column, message))

    states = {}
    for name in ("from", "to", "origin"):
        states[name], row, message = _states(get[name], allow_empty=name == "origin")
        problem(row, name, message)
    dates = pd.to_datetime(get["date"].values.str.strip(), format="%Y-%m-%d", errors="coerce")
    row, text = get["date"].first_bad(dates.isna())
    problem(row, "date", f"'{text}' is not a date (YYYY-MM-DD)")
    hs, bad_hs = normalize_series(get["hs"].values)
    row, text = get["hs"].first_bad(bad_hs)
    problem(row, "hs", f"'{text}' is not an HS code (2-10 digits)")
    labour, row = _flags(get["labour"])
    problem(row, "labour", "use true or false")
    joint_venture, row = _flags(get["joint_venture"])
    problem(row, "joint_venture", "use true or false")
    hs = get["hs"].spread(hs)
    problem(
        _first((hs == "") & ~labour & ~joint_venture),
        "hs",
        "empty: give an HS code, or labour / joint_venture",
    )
    row, text = get["purpose"].first_bad(~get["purpose"].clean.isin(list(regime.purposes) + [""]))
    problem(row, "purpose", f"'{text}' is not one of: {', '.join(regime.purposes)}")
    row, text = get["unit"].first_bad(~get["unit"].clean.isin(list(UNITS) + [""]))
    problem(row, "unit", f"'{text}' is not bbl, t or usd (or barrels, tonnes, US$)")
    quantity_text = raw[columns["quantity"]] if "quantity" in columns else pd.Series("", index=raw.index)
    quantity = pd.to_numeric(quantity_text, errors="coerce")
    bad = (quantity < 0).to_numpy(copy=True)  # writable under pandas 3 copy-on-write
    unread = (quantity.isna() & (quantity_text != "")).to_numpy()
    if unread.any():  # retry the few that failed with spaces stripped
        text = quantity_text[unread].str.strip()
        retry = pd.to_numeric(text, errors="coerce")
        quantity[unread] = retry.to_numpy()
        bad[unread] |= (retry.isna() & (text != "")).to_numpy()
    row = _first(bad)
    problem(row, "quantity", f"'{quantity_text.iloc[row] if row is not None else ''}' is not a number >= 0")
    if problems:
        row, column, message = min(problems, key=lambda p: p[0])
        raise InputFileError(str(path), message, line=row + 2, column=column)
    frame = pd.DataFrame(
        {
            "from_state": states["from"],
            "to_state": states["to"],
            "hs": hs,
            "date": get["date"].spread(dates.to_numpy(dtype="datetime64[ns]")),
            "purpose": get["purpose"].spread(get["purpose"].clean.to_numpy(object)),
            "quantity": quantity.to_numpy(np.float64),
            "unit": get["unit"].spread(get["unit"].clean.map(lambda u: UNITS.get(u, "")).to_numpy(object)),
            "labour": labour,
            "joint_venture": joint_venture,
            "origin": states["origin"],
        },
        index=raw.index,
    )
    return raw, frame


def write_atomic(frame: pd.DataFrame, out: str | Path) -> None:
    """Write CSV atomically (`foedus.atomic`: a temporary file beside `out`, renamed into place)."""
    from foedus.atomic import write_atomic as write_file

    write_file(out, lambda path: frame.to_csv(path, index=False))


def check_file(regime: Regime, path: str | Path, out: str | Path) -> dict[str, int]:
    """Check every shipment in `path`, write them with verdict, measures and citations to `out`; counts."""
    raw, frame = read_shipments(path, regime)
    verdicts = check_frame(regime, frame)
    write_atomic(pd.concat([raw, verdicts], axis=1), out)
    counts = verdicts["verdict"].value_counts()
    return {name: int(counts.get(name, 0)) for name in ("prohibited", "conditional", "exempt", "permitted")}
