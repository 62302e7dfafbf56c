"""Bilateral trade observations: the cited seed series, and importers for the layouts users bring.

The table has one row per observation: reporter, partner (COW codes), year, flow (total, export = reporter
to partner, import = partner to reporter), hs ('' for all goods), value_usd, status (official, estimated,
derived, or unspecified for user files that do not say), source, url, note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from foedus.errors import BadInputError, InputFileError, UnknownStateError
from foedus.naming import m49_to_alpha3
from foedus.sanctions.hs import normalize_series
from foedus.sanctions.load import load_trade_file
from foedus.sanctions.states import resolve_state

COLUMNS = ["reporter", "partner", "year", "months", "flow", "hs", "value_usd", "status", "source", "url", "note"]
STATUSES = ("official", "estimated", "derived", "unspecified")
_FLOWS = {
    "m": "import",
    "import": "import",
    "imports": "import",
    "rm": "import",
    "re-import": "import",
    "x": "export",
    "export": "export",
    "exports": "export",
    "rx": "export",
    "re-export": "export",
    "total": "total",
    "turnover": "total",
    "": "total",
}
# Column names (lower case) each layout may use, most specific first.
_COMTRADE = {
    "reporter": [
        "reporteriso",
        "reporter iso",
        "reporter_iso",
        "reporterdesc",
        "reporter",
        "reportercode",
        "reporter code",
    ],
    "partner": [
        "partneriso",
        "partner iso",
        "partner_iso",
        "partnerdesc",
        "partner",
        "partnercode",
        "partner code",
    ],
    "year": ["refyear", "year", "period"],
    "flow": ["flowcode", "trade flow code", "flowdesc", "trade flow", "flow"],
    "hs": ["cmdcode", "commodity code", "commodity_code", "hs"],
    "value_usd": ["primaryvalue", "trade value (us$)", "tradevalue", "trade_value", "value_usd", "value"],
}
_PAIRS = {
    "reporter": ["reporter"],
    "partner": ["partner"],
    "year": ["year"],
    "value_usd": ["value_usd", "value", "trade_value", "total", "turnover"],
    "flow": ["flow"],
    "status": ["status"],
    "source": ["source"],
    "url": ["url"],
    "note": ["note"],
}


def seed_trade(path: str | Path | None = None) -> pd.DataFrame:
    """The cited Russia-DPRK and China-DPRK series (trade.yaml) as a trade table."""
    rows = [obs.model_dump() for obs in load_trade_file(path).observations]
    frame = pd.DataFrame(rows)
    frame["hs"] = ""
    return _table(frame)


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    for column in COLUMNS:
        if column not in frame:
            frame[column] = "" if column not in ("value_usd", "year") else np.nan
    frame = frame[COLUMNS].copy()
    frame["reporter"] = frame["reporter"].astype(np.int64)
    frame["partner"] = frame["partner"].astype(np.int64)
    frame["year"] = frame["year"].astype(np.int64)
    frame["value_usd"] = frame["value_usd"].astype(np.float64)
    for column in ("months", "flow", "hs", "status", "source", "url", "note"):
        frame[column] = frame[column].fillna("").astype(str)
    return frame.reset_index(drop=True)


def _pick(columns: dict[str, str], names: list[str]) -> str | None:
    return next((columns[n] for n in names if n in columns), None)


def _resolve_column(path: Path, values: pd.Series, column: str, m49: bool) -> np.ndarray:
    """COW codes for a column of states; M49 numbers (Comtrade codes) go through ISO3 first."""
    codes = {}
    for text in pd.unique(values):
        try:
            if m49:
                iso = m49_to_alpha3(text)
                if iso is None:
                    raise UnknownStateError(str(text), [])
                codes[text] = resolve_state(iso)
            else:
                codes[text] = resolve_state(text)
        except UnknownStateError as exc:
            row = int(np.argmax((values == text).to_numpy()))
            raise InputFileError(str(path), str(exc), line=row + 2, column=column) from None
    return values.map(codes).to_numpy(np.int64)


def _reject_first(path: Path, bad: pd.Series, column: str, message) -> None:
    """Raise for the first row flagged in `bad` (message: a function of the row number)."""
    if bad.any():
        row = int(np.argmax(bad.to_numpy()))
        raise InputFileError(str(path), message(row), line=row + 2, column=column)


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputFileError(str(path), f"cannot read as CSV ({exc})") from None


def _numbers(path: Path, values: pd.Series, column: str, integer: bool = False) -> pd.Series:
    text = values.str.strip()
    if integer:
        text = text.str.slice(0, 4)
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    _reject_first(
        path, numbers.isna() | (numbers < 0), column, lambda r: f"'{values.iloc[r]}' is not a number"
    )
    return numbers


def _flows(path: Path, values: pd.Series, column: str) -> pd.Series:
    lowered = values.str.strip().str.lower()
    _reject_first(
        path,
        ~lowered.isin(_FLOWS),
        column,
        lambda r: f"flow '{values.iloc[r]}' is not import/export (M/X) or total",
    )
    return lowered.map(_FLOWS)


def _require(path: Path, columns: dict[str, str], layout: dict[str, list[str]], needed: tuple[str, ...]):
    found = {key: _pick(columns, names) for key, names in layout.items()}
    for key in needed:
        if found[key] is None:
            raise InputFileError(
                str(path), f"no '{key}' column (looked for: {', '.join(layout[key])})", line=1
            )
    return found


def read_comtrade(path: str | Path, source: str | None = None) -> pd.DataFrame:
    """A UN Comtrade-style HS-level CSV (reporterISO/reporterCode, partner…, refYear, flowCode, cmdCode,
    primaryValue, or the legacy 'Trade Value (US$)' names)."""
    path = Path(path)
    raw = _read(path)
    columns = {c.strip().lower(): c for c in raw.columns}
    found = _require(path, columns, _COMTRADE, ("reporter", "partner", "year", "flow", "hs", "value_usd"))
    out = pd.DataFrame(index=raw.index)
    for side in ("reporter", "partner"):
        name = found[side]
        m49 = name.strip().lower().endswith("code")
        out[side] = _resolve_column(path, raw[name], name, m49)
    out["year"] = _numbers(path, raw[found["year"]], found["year"], integer=True).astype(np.int64)
    out["flow"] = _flows(path, raw[found["flow"]], found["flow"])
    hs_raw = raw[found["hs"]].str.strip()
    hs_raw = hs_raw.mask(hs_raw.str.upper().isin(["TOTAL", "ALL", "AG2", ""]), "")
    hs, bad = normalize_series(hs_raw)
    _reject_first(path, bad, found["hs"], lambda r: f"'{hs_raw.iloc[r]}' is not an HS code")
    out["hs"] = hs
    out["value_usd"] = _numbers(path, raw[found["value_usd"]], found["value_usd"])
    out["status"] = "official"
    out["source"] = source or f"UN Comtrade-style file {path.name}"
    return _table(out)


def read_pair_totals(path: str | Path, source: str | None = None) -> pd.DataFrame:
    """Annual pair totals: reporter, partner, year, value_usd (optional flow, status, source, url, note)."""
    path = Path(path)
    raw = _read(path)
    columns = {c.strip().lower(): c for c in raw.columns}
    found = _require(path, columns, _PAIRS, ("reporter", "partner", "year", "value_usd"))
    out = pd.DataFrame(index=raw.index)
    for side in ("reporter", "partner"):
        out[side] = _resolve_column(path, raw[found[side]], found[side], m49=False)
    out["year"] = _numbers(path, raw[found["year"]], found["year"], integer=True).astype(np.int64)
    out["value_usd"] = _numbers(path, raw[found["value_usd"]], found["value_usd"])
    out["flow"] = _flows(path, raw[found["flow"]], found["flow"]) if found["flow"] else "total"
    if found["status"]:
        status = raw[found["status"]].str.strip().str.lower().replace("", "unspecified")
        _reject_first(
            path,
            ~status.isin(STATUSES),
            found["status"],
            lambda r: f"status '{status.iloc[r]}' is not one of {', '.join(STATUSES)}",
        )
        out["status"] = status
    else:
        out["status"] = "unspecified"
    out["source"] = raw[found["source"]] if found["source"] else (source or path.name)
    for key in ("url", "note"):
        out[key] = raw[found[key]] if found[key] else ""
    return _table(out)


def read_trade(path: str | Path, layout: str = "auto") -> pd.DataFrame:
    """A trade file in either layout; `auto` picks Comtrade when the file has a commodity-code column."""
    if layout not in ("auto", "comtrade", "pairs"):
        raise BadInputError("", f"layout '{layout}' is not auto, comtrade or pairs")
    if layout == "auto":
        header = {c.strip().lower() for c in _read(Path(path)).columns}
        layout = "comtrade" if header & set(_COMTRADE["hs"]) else "pairs"
    return read_comtrade(path) if layout == "comtrade" else read_pair_totals(path)


def series(
    table: pd.DataFrame, reporter: int | None = None, partner: int | None = None, flow: str = "total"
) -> pd.DataFrame:
    """Annual values of one flow (whole years only; part-year figures are left out), optionally for one
    reporter and/or partner, sorted by pair and year."""
    rows = table[(table["flow"] == flow) & (table["hs"] == "") & (table["months"] == "")]
    if reporter is not None:
        rows = rows[rows["reporter"] == reporter]
    if partner is not None:
        rows = rows[rows["partner"] == partner]
    return rows.sort_values(["reporter", "partner", "year"]).reset_index(drop=True)
