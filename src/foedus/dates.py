"""Dates, in one place: parsing what users type, ISO text in and out, partial dates, and "today".

* :func:`parse_date` reads a user's ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or ``today``). Only ASCII
  digits count (``٢٠٠٠`` and ``２０００`` are refused, not silently converted), no sign, and the year must lie in
  :data:`MIN_YEAR`–:data:`MAX_YEAR` (1000–2200): anything else raises
  :class:`foedus.errors.BadInputError` naming the argument and the allowed form, never ``OverflowError``.
* :func:`today` is the only clock: it reads ``FOEDUS_TODAY`` (an ISO date) when set, so tests and
  reproducible runs can pin the date; :func:`set_clock` injects another clock.
* :func:`to_iso` / :func:`from_iso` turn dates into ISO text and back (``None`` passes through).
* Partial dates: datasets code unknown months and days as 0, -9 or blank. An unknown part is coarsened to
  the start of its period and the precision is kept ("day", "month" or "year"), so no coarsened date is
  ever shown as exact (:func:`partial_date`, :func:`format_partial`).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable

from foedus.errors import BadInputError

UNKNOWN = {0, -9}

MIN_YEAR = 1000
"""Earliest year a user may ask about (the state-system data start in 1816)."""
MAX_YEAR = 2200
"""Latest year a user may ask about."""
MAX_DATE_TEXT = 32
"""Longest date text read at all (longer text is refused before any parsing)."""

_FORM = re.compile(r"([0-9]{1,4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?", re.ASCII)
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)

_clock: Callable[[], dt.date] | None = None


def set_clock(clock: Callable[[], dt.date] | None) -> None:
    """Use `clock` for :func:`today` (``None`` restores the default: FOEDUS_TODAY, else the system date)."""
    global _clock
    _clock = clock


def today() -> dt.date:
    """Today's date: the injected clock, else ``FOEDUS_TODAY`` (YYYY-MM-DD) if set, else the system date."""
    if _clock is not None:
        return _clock()
    pinned = os.environ.get("FOEDUS_TODAY", "").strip()
    if pinned:
        return parse_date(pinned, "FOEDUS_TODAY")
    return dt.date.today()


def _range_error(argument: str, text: str, what: str) -> BadInputError:
    return BadInputError(
        argument,
        f"'{text}' is not a valid date: {what}",
        fix=f"write YYYY, YYYY-MM or YYYY-MM-DD with ASCII digits, a year from {MIN_YEAR} to {MAX_YEAR}",
        allowed=f"{MIN_YEAR}-01-01..{MAX_YEAR}-12-31",
    )


def _checked(day: dt.date, argument: str, text: str) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _range_error(argument, text, f"the year must be from {MIN_YEAR} to {MAX_YEAR}")
    return day


def parse_date(text: str | int | dt.date | None, argument: str = "date") -> dt.date:
    """Parse a user's YYYY, YYYY-MM or YYYY-MM-DD (``None`` or 'today': :func:`today`).

    Raises :class:`BadInputError` (a ``ValueError``) naming `argument` for anything else: non-ASCII digits,
    signs, years outside :data:`MIN_YEAR`–:data:`MAX_YEAR`, impossible days.
    """
    if text is None:
        return today()
    if isinstance(text, (dt.date, int)):  # datetimes are dates, booleans are ints: both refused or taken there
        return _date_of_value(text, argument)
    return _date_of_text(str(text), argument)


def _date_of_value(value: int | dt.date, argument: str) -> dt.date:
    """A date or datetime (its date), or an int read as a year (its 1 January); booleans are refused."""
    if isinstance(value, dt.datetime):
        return _checked(value.date(), argument, value.isoformat())
    if isinstance(value, dt.date):
        return _checked(value, argument, value.isoformat())
    if isinstance(value, bool):
        raise _range_error(argument, str(value), "not a date")
    if not MIN_YEAR <= value <= MAX_YEAR:
        shown = str(value) if abs(value) < 10**12 else "a number of more than 12 digits"
        raise _range_error(argument, shown, f"the year must be from {MIN_YEAR} to {MAX_YEAR}")
    return dt.date(value, 1, 1)


def _date_of_text(raw: str, argument: str) -> dt.date:
    """YYYY, YYYY-MM or YYYY-MM-DD (or 'today') in ASCII digits, the year in range, the day possible."""
    if len(raw) > MAX_DATE_TEXT:
        raise _range_error(argument, raw[:MAX_DATE_TEXT] + "…", f"longer than {MAX_DATE_TEXT} characters")
    raw = raw.strip()
    if raw.casefold() == "today":
        return today()
    match = _FORM.fullmatch(raw)
    if match is None:
        raise _form_error(argument, raw)
    year, month, day = (int(part) if part else None for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _range_error(argument, raw, f"the year must be from {MIN_YEAR} to {MAX_YEAR}")
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise _range_error(argument, raw, str(exc)) from None


def _form_error(argument: str, raw: str) -> BadInputError:
    """Why a text not in the form YYYY[-MM[-DD]] is refused: a too-long year, non-ASCII digits, or the form."""
    if re.fullmatch(r"[0-9]{5,}(-.*)?", raw, re.ASCII):
        return _range_error(argument, raw, f"the year must be from {MIN_YEAR} to {MAX_YEAR}")
    if any(ch.isdigit() and not ch.isascii() for ch in raw):
        return _range_error(argument, raw, "only ASCII digits 0-9 are accepted")
    return _range_error(argument, raw, "not in the form YYYY, YYYY-MM or YYYY-MM-DD")


def to_iso(day) -> str | None:
    """ISO text (YYYY-MM-DD) for a date, datetime or pandas/numpy timestamp (its date part).

    ``None``, NaN and NaT give ``None``: one helper for every "date or missing → ISO text" conversion.
    """
    if day is None or day != day:  # NaN and NaT are not equal to themselves
        return None
    if isinstance(day, dt.datetime):
        return day.date().isoformat()
    if isinstance(day, dt.date):
        return day.isoformat()
    return dt.date.fromisoformat(str(day)[:10]).isoformat()  # numpy.datetime64 and the like


def from_iso(text: str | dt.date | None, argument: str = "date") -> dt.date | None:
    """The date of a strict ISO ``YYYY-MM-DD`` text (as stored or published); ``None``/'' stay ``None``.

    Dates pass through. Raises :class:`BadInputError` naming `argument` for anything else.
    """
    if text is None or text == "":
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    raw = str(text).strip()
    match = _ISO.fullmatch(raw) if len(raw) <= MAX_DATE_TEXT else None
    if match is None:
        raise _range_error(argument, raw[:MAX_DATE_TEXT], "not an ISO date YYYY-MM-DD")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise _range_error(argument, raw, str(exc)) from None


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
