import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive import naive_nth_working_day, naive_working_days_through

from forecast.core.calendar import Calendar
from forecast.exceptions import ParameterError

D = dt.date
XMAS = [D(2024, 12, 25), D(2024, 12, 26), D(2025, 1, 1)]


def mask_of(cal):
    return tuple(c == "1" for c in cal.weekmask)


def test_day1_is_first_working_day_on_or_after_start():
    cal = Calendar()
    assert cal.date_of_day(D(2024, 6, 1), 1) == D(2024, 6, 3)  # Saturday -> Monday
    assert cal.date_of_day(D(2024, 6, 3), 1) == D(2024, 6, 3)  # Monday itself
    assert cal.date_of_day(D(2024, 6, 7), 2) == D(2024, 6, 10)  # Friday, then Monday


def test_holidays_are_skipped():
    cal = Calendar.from_options("weekdays", XMAS)
    days = cal.day_dates(D(2024, 12, 24), 4)
    assert [d.astype(object) for d in days] == [
        D(2024, 12, 24), D(2024, 12, 27), D(2024, 12, 30), D(2024, 12, 31)
    ]


def test_country_holidays():
    cal = Calendar.from_options("weekdays", "GB")
    assert not cal.is_working(D(2024, 12, 25))
    assert not cal.is_working(D(2024, 12, 26))  # Boxing Day
    assert cal.is_working(D(2024, 12, 27))
    us = Calendar.from_options("weekdays", "US")
    assert not us.is_working(D(2025, 7, 4)) and us.is_working(D(2025, 7, 3))


def test_unknown_country_code():
    with pytest.raises(ParameterError, match=r"'XX' is not a country code.*ISO 3166"):
        Calendar.from_options("weekdays", "XX")


def test_all_calendar_counts_every_day():
    cal = Calendar.from_options("all")
    assert cal.day_number(D(2024, 6, 1), D(2024, 6, 30)) == 30


def test_bad_calendar_name():
    with pytest.raises(ParameterError, match="calendar = 'weekends' is not known"):
        Calendar.from_options("weekends")


def test_week_without_working_day():
    with pytest.raises(ParameterError, match="has no working day"):
        Calendar.from_options("0000000")


def test_horizon_is_ten_years_of_working_days():
    cal = Calendar()
    h = cal.horizon(D(2024, 6, 3))
    assert h == naive_working_days_through(D(2024, 6, 3), D(2034, 6, 2))
    assert 2600 <= h <= 2615


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    n=st.integers(min_value=1, max_value=400),
    mask=st.sampled_from(["1111100", "1111111", "0111110", "1010100"]),
    holidays=st.lists(st.dates(min_value=D(2015, 1, 1), max_value=D(2032, 12, 31)),
                      max_size=30),
)
def test_day_mapping_matches_naive(start, n, mask, holidays):
    cal = Calendar.from_options(mask, holidays)
    weekmask, hol = mask_of(cal), set(holidays)
    date_n = cal.date_of_day(start, n)
    assert date_n == naive_nth_working_day(start, n, weekmask, hol)
    assert cal.day_number(start, date_n) == n
    assert cal.day_number(start, date_n) == naive_working_days_through(start, date_n, weekmask, hol)
    dates = cal.day_dates(start, n)
    assert dates.size == n and np.all(np.diff(dates).astype(int) > 0)


def test_day_number_before_start_is_zero():
    assert Calendar().day_number(D(2024, 6, 3), D(2024, 6, 1)) == 0
