"""Reading a data file into checked columns, with errors that name file, line and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from foedus.errors import InputFileError

MISSING_TOKENS = ["", "NA", ".", "NaN"]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Table:
    """A delimited file read as text; `line` holds each row's 1-based line number (header = 1)."""

    def __init__(self, path: Path, required: list[str], sep: str = ",", names: list[str] | None = None):
        self.path = Path(path)
        try:
            frame = pd.read_csv(
                self.path, sep=sep, dtype=str, keep_default_na=False, header=None if names else "infer",
                names=names, skipinitialspace=True,
            )
        except FileNotFoundError:
            raise InputFileError(str(path), "file not found") from None
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise InputFileError(str(path), f"cannot be parsed as a delimited file ({exc})") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        for column in required:
            if column not in frame.columns:
                raise InputFileError(str(path), "required column is missing", line=1, column=column)
        self.frame = frame
        offset = 1 if names else 2
        self.line = np.arange(len(frame)) + offset

    def __len__(self) -> int:
        return len(self.frame)

    def error(self, index: int, column: str | None, message: str) -> InputFileError:
        return InputFileError(str(self.path), message, line=int(self.line[index]), column=column)

    def text(self, column: str) -> pd.Series:
        return self.frame[column].str.strip()

    def numbers(self, column: str, missing: bool = False, integer: bool = True) -> pd.Series:
        """Column as numbers; blank/NA allowed only when `missing`; anything else non-numeric is an error."""
        raw = self.text(column)
        is_blank = raw.isin(MISSING_TOKENS)
        values = pd.to_numeric(raw.where(~is_blank), errors="coerce")
        bad = values.isna() & ~is_blank
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise self.error(i, column, f"'{raw.iloc[i]}' is not a number")
        if not missing and is_blank.any():
            i = int(np.flatnonzero(is_blank.to_numpy())[0])
            raise self.error(i, column, "value is missing")
        if integer:
            frac = values.notna() & (values % 1 != 0)
            if frac.any():
                i = int(np.flatnonzero(frac.to_numpy())[0])
                raise self.error(i, column, f"'{raw.iloc[i]}' is not a whole number")
            return values.astype("Int64")
        return values.astype("Float64")

    def partial_dates(
        self, year: str, month: str, day: str, open_ended: bool = False
    ) -> tuple[pd.Series, pd.Series]:
        """Dates from year/month/day columns; unknown month/day (0, -9, blank) coarsened, precision kept.

        With `open_ended`, year 0 means "no date" (still in force) and gives None.
        """
        y = self.numbers(year)
        if open_ended:
            none = (y == 0).to_numpy()
            dates, precision = self.partial_dates_from(y.where(~none, 2000), month, day, (year, month, day))
            return dates.where(~none, None), precision.where(~none, None)
        return self.partial_dates_from(y, month, day, (year, month, day))

    def partial_dates_from(self, y: pd.Series, month: str, day: str, columns) -> tuple[pd.Series, pd.Series]:
        m = self.numbers(month, missing=True)
        d = self.numbers(day, missing=True)
        m_unknown = m.isna() | m.isin([0, -9])
        d_unknown = d.isna() | d.isin([0, -9]) | m_unknown
        precision = pd.Series(np.where(m_unknown, "year", np.where(d_unknown, "month", "day")), index=y.index)
        mm = m.where(~m_unknown, 1)
        dd = d.where(~d_unknown, 1)
        return self._build_dates(y, mm, dd, columns), precision

    def iso_dates(self, column: str) -> pd.Series:
        raw = self.text(column)
        dates = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        bad = dates.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise self.error(i, column, f"'{raw.iloc[i]}' is not a valid date (YYYY-MM-DD)")
        return dates.dt.date

    def _build_dates(self, y, m, d, columns) -> pd.Series:
        year_col, month_col, day_col = columns
        bad_month = (m < 1) | (m > 12)
        if bad_month.any():
            i = int(np.flatnonzero(bad_month.to_numpy())[0])
            raise self.error(i, month_col, f"impossible month {m.iloc[i]}")
        bad_year = (y < 1) | (y > 9999)
        if bad_year.any():
            i = int(np.flatnonzero(bad_year.to_numpy())[0])
            raise self.error(i, year_col, f"impossible year {y.iloc[i]}")
        parts = pd.DataFrame({"year": y.astype("int64"), "month": m.astype("int64"), "day": d.astype("int64")})
        dates = pd.to_datetime(parts, errors="coerce")
        bad = dates.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise self.error(i, day_col, f"impossible date {y.iloc[i]}-{m.iloc[i]}-{d.iloc[i]}")
        return dates.dt.date
