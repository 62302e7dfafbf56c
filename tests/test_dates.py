"""foedus.dates: one module for date parsing, ISO text and the clock (store-free)."""

from __future__ import annotations

import datetime as dt

import pytest

from foedus import dates
from foedus.dates import MAX_YEAR, MIN_YEAR, format_partial, from_iso, parse_date, partial_date, to_iso, today
from foedus.errors import BadInputError


@pytest.mark.parametrize(
    "text, expected",
    [("2000", dt.date(2000, 1, 1)), ("2000-02", dt.date(2000, 2, 1)), ("2000-02-29", dt.date(2000, 2, 29)),
     (" 1816-1-1 ", dt.date(1816, 1, 1)), (2024, dt.date(2024, 1, 1)), (dt.date(1950, 5, 6), dt.date(1950, 5, 6)),
     (dt.datetime(1950, 5, 6, 13, 0), dt.date(1950, 5, 6))],
)
def test_parse_date_accepts_the_documented_forms(text, expected):
    assert parse_date(text, "on") == expected
    assert type(parse_date(text, "on")) is dt.date


@pytest.mark.parametrize("text", ["٢٠٠٠", "２０００", "2000-٠١-01", "١٩٩٩-01-01"])
def test_non_ascii_numerals_are_refused(text):
    with pytest.raises(BadInputError) as caught:
        parse_date(text, "on")
    assert caught.value.parameter == "on" and "ASCII" in str(caught.value)


@pytest.mark.parametrize("text", ["-5", "+2000", "-2000-01-01", "2000/01/01", "", "1e3", "2000-01-01T00:00"])
def test_signs_and_other_forms_are_refused(text):
    with pytest.raises(BadInputError) as caught:
        parse_date(text, "--on")
    assert caught.value.parameter == "--on"
    assert str(caught.value).startswith("--on: ")


@pytest.mark.parametrize("text", ["99999999999999999999", "99999999999999999999-01-01", "0999", "2201", "10000",
                                  10**20, -5, 0])
def test_years_outside_the_range_name_the_argument_and_the_range(text):
    with pytest.raises(BadInputError) as caught:
        parse_date(text, "on")
    message = str(caught.value)
    assert caught.value.parameter == "on"
    assert str(MIN_YEAR) in message and str(MAX_YEAR) in message
    assert caught.value.extra["allowed"] == f"{MIN_YEAR}-01-01..{MAX_YEAR}-12-31"


def test_range_bounds_are_inclusive():
    assert parse_date(str(MIN_YEAR)) == dt.date(MIN_YEAR, 1, 1)
    assert parse_date(f"{MAX_YEAR}-12-31") == dt.date(MAX_YEAR, 12, 31)
    with pytest.raises(BadInputError):
        parse_date(dt.date(MAX_YEAR + 1, 1, 1), "on")


def test_impossible_day_keeps_the_published_message():
    with pytest.raises(BadInputError, match=r"on: '2010-02-30' is not a valid date"):
        parse_date("2010-02-30", "on")


def test_very_long_text_is_refused_before_parsing():
    with pytest.raises(BadInputError) as caught:
        parse_date("1" * 100_000, "on")
    assert "longer than" in str(caught.value) and len(str(caught.value)) < 400


def test_today_reads_foedus_today(monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", "2024-06-19")
    assert today() == dt.date(2024, 6, 19)
    assert parse_date(None) == dt.date(2024, 6, 19)
    assert parse_date("today") == dt.date(2024, 6, 19)


def test_bad_foedus_today_is_named(monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", "yesterday")
    with pytest.raises(BadInputError) as caught:
        today()
    assert caught.value.parameter == "FOEDUS_TODAY"


def test_injected_clock_wins(monkeypatch):
    monkeypatch.setenv("FOEDUS_TODAY", "2024-06-19")
    dates.set_clock(lambda: dt.date(1999, 12, 31))
    try:
        assert today() == dt.date(1999, 12, 31)
    finally:
        dates.set_clock(None)
    assert today() == dt.date(2024, 6, 19)


def test_iso_helpers_round_trip():
    assert to_iso(dt.date(1990, 10, 3)) == "1990-10-03"
    assert to_iso(dt.datetime(1990, 10, 3, 23, 59)) == "1990-10-03"
    assert to_iso(None) is None and from_iso(None) is None and from_iso("") is None
    assert to_iso(float("nan")) is None
    assert from_iso("1990-10-03") == dt.date(1990, 10, 3)
    assert from_iso(to_iso(dt.date(1816, 1, 1))) == dt.date(1816, 1, 1)
    for bad in ("1990-10", "1990-1-3", "٢٠٠٠-01-01", "1990-02-30"):
        with pytest.raises(BadInputError) as caught:
            from_iso(bad, "end")
        assert caught.value.parameter == "end"


def test_partial_dates_keep_their_precision():
    assert partial_date(1995, 0, 0) == (dt.date(1995, 1, 1), "year")
    assert partial_date(1995, 9, -9) == (dt.date(1995, 9, 1), "month")
    assert partial_date("1995", "9", "7") == (dt.date(1995, 9, 7), "day")
    assert format_partial(dt.date(1995, 9, 1), "month") == "1995-09"
    assert format_partial(dt.date(1995, 1, 1), "year") == "1995"
    assert format_partial(None, "day") is None


def test_to_iso_reads_pandas_and_numpy_values():
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert to_iso(pd.Timestamp("1990-10-03 12:00")) == "1990-10-03"
    assert to_iso(pd.NaT) is None
    assert to_iso(np.datetime64("1990-10-03")) == "1990-10-03"
