"""Partial dates: datasets code unknown months and days as 0, -9 or blank.

An unknown part is coarsened to the start of its period and the precision is kept
("day", "month" or "year"), so no coarsened date is ever shown as exact.
"""

from __future__ import annotations

import datetime as dt
import math

UNKNOWN = {0, -9}


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and value.strip() in {"", "NA", "."}:
        return True
    try:
        return int(value) in UNKNOWN
    except (TypeError, ValueError):
        return False


def partial_date(year, month, day) -> tuple[dt.date, str]:
    """Build (date, precision) from year/month/day parts; raises ValueError for impossible dates."""
    y = int(year)
    if _missing(month):
        return dt.date(y, 1, 1), "year"
    m = int(month)
    if _missing(day):
        return dt.date(y, m, 1), "month"
    return dt.date(y, m, int(day)), "day"


def format_partial(date: dt.date | None, precision: str | None) -> str | None:
    """ISO text honest about precision: 1995, 1995-09 or 1995-09-07."""
    if date is None:
        return None
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


def parse_date(text: str | dt.date | None, argument: str = "date") -> dt.date:
    """Parse a user's YYYY, YYYY-MM or YYYY-MM-DD (or 'today'); raises ValueError naming the argument."""
    if text is None or text == "today":
        return dt.date.today()
    if isinstance(text, dt.date):
        return text
    parts = str(text).strip().split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1)
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise ValueError(f"{argument}: '{text}' is not a valid date ({exc})") from None
    raise ValueError(f"{argument}: '{text}' is not a date; use YYYY-MM-DD")
