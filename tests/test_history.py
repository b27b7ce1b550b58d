import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive import naive_window_counts

import forecast
from forecast.core.history import History
from forecast.exceptions import EmptyWindowError, ParameterError

D = dt.date


def items_history(dates, calendar="weekdays", holidays=None):
    import pandas as pd

    frame = pd.DataFrame({"done": [d.isoformat() for d in dates]})
    return forecast.read_history(frame, calendar=calendar, holidays=holidays)


def test_saturday_item_counts_on_monday():
    h = items_history([D(2024, 5, 1), D(2024, 6, 1), D(2024, 6, 1), D(2024, 6, 3), D(2024, 6, 4)])
    s = h.sample(D(2024, 6, 6), since=D(2024, 5, 31))
    assert s.dates.astype(str).tolist() == ["2024-05-31", "2024-06-03", "2024-06-04",
                                            "2024-06-05"]
    assert s.counts.tolist() == [0, 3, 1, 0]
    assert s.items == 4


def test_weekend_at_window_end_counts_on_last_working_day():
    # The window ends on Sunday 2024-06-09; Monday is the start, outside the window.
    h = items_history([D(2024, 5, 1), D(2024, 6, 7), D(2024, 6, 8), D(2024, 6, 9)])
    s = h.sample(D(2024, 6, 10), since=D(2024, 6, 3))
    assert s.counts.tolist() == [0, 0, 0, 0, 3]
    assert s.items == 3


def test_holiday_item_moves_to_next_working_day():
    h = items_history([D(2024, 12, 2), D(2024, 12, 25), D(2024, 12, 26)],
                      holidays=[D(2024, 12, 25)])
    s = h.sample(D(2024, 12, 28), since=D(2024, 12, 23))
    assert s.dates.astype(str).tolist() == ["2024-12-23", "2024-12-24", "2024-12-26",
                                            "2024-12-27"]
    assert s.counts.tolist() == [0, 0, 2, 0]


def test_window_ends_the_day_before_start():
    h = items_history([D(2024, 6, 3), D(2024, 6, 4), D(2024, 6, 5)])
    s = h.sample(D(2024, 6, 5), window=3)
    assert (s.first, s.last) == (D(2024, 6, 3), D(2024, 6, 4))
    assert s.items == 2  # the start day's completion never enters the sample


def test_window_clipped_to_first_history_date():
    h = items_history([D(2024, 6, 5), D(2024, 6, 6)])
    s = h.sample(D(2024, 6, 10), window=90)
    assert s.first == D(2024, 6, 5)
    assert s.clipped
    assert s.working_days == 3  # Wed, Thu, Fri
    assert any("cut short" in w for w in s.warnings)


def test_few_active_days_warns():
    h = items_history([D(2024, 6, 3), D(2024, 6, 4)])
    s = h.sample(D(2024, 6, 10), window=7)
    assert any("only 2 working days with completions" in w for w in s.warnings)


def test_empty_window_is_an_error_with_a_hint():
    h = items_history([D(2024, 1, 3), D(2024, 1, 4)])
    hint = r"no completed items between.*set start='2024-01-05'"  # the library's keyword
    with pytest.raises(EmptyWindowError, match=hint):
        h.sample(D(2024, 6, 10), window=30)


def test_window_before_the_history_names_the_first_start_that_works():
    h = items_history([D(2024, 1, 3), D(2024, 1, 4)])
    hint = (r"the window before 2023-06-01 is empty \(the history starts on 2024-01-03\); "
            r"set start='2024-01-04' or later$")
    with pytest.raises(EmptyWindowError, match=hint):
        h.sample(D(2023, 6, 1), window=30)
    assert h.sample(D(2024, 1, 4), window=30).items == 1   # that start works


def test_window_must_be_positive():
    h = items_history([D(2024, 1, 3)])
    with pytest.raises(ParameterError, match="window = 0, must be a whole number of days >= 1"):
        h.sample(D(2024, 6, 10), window=0)


def test_since_after_start_is_an_error():
    h = items_history([D(2024, 1, 3)])
    with pytest.raises(ParameterError, match="since = 2024-07-01 is not before the start"):
        h.sample(D(2024, 6, 10), since="2024-07-01")


@settings(max_examples=80, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=80),
    start_offset=st.integers(min_value=1, max_value=75),
    window=st.integers(min_value=1, max_value=70),
    mask=st.sampled_from(["1111100", "1111111", "0111110"]),
    hol_offsets=st.lists(st.integers(min_value=0, max_value=75), max_size=8),
)
def test_window_counts_match_naive_and_preserve_totals(offsets, start_offset, window, mask,
                                                      hol_offsets):
    base = D(2024, 3, 1)
    dates = [base + dt.timedelta(days=o) for o in offsets]
    holidays = sorted({base + dt.timedelta(days=o) for o in hol_offsets})
    h = items_history(dates, calendar=mask, holidays=holidays)
    start = base + dt.timedelta(days=start_offset)
    lo = max(start - dt.timedelta(days=window), min(dates))
    hi = start - dt.timedelta(days=1)
    weekmask = tuple(c == "1" for c in mask)
    expected = naive_window_counts(dates, lo, hi, weekmask, set(holidays)) if lo <= hi else []
    in_window = sum(1 for d in dates if lo <= d <= hi)
    if not expected or in_window == 0:
        with pytest.raises(EmptyWindowError):
            h.sample(start, window=window)
        return
    s = h.sample(start, window=window)
    got = list(zip([d.astype(object) for d in s.dates], s.counts.tolist(), strict=True))
    assert got == [(d, c) for d, c in expected]
    assert s.items == in_window  # the window's total is preserved


def test_from_counts_validates():
    with pytest.raises(ParameterError, match="counts must be >= 0"):
        History.from_counts(["2024-06-03"], [-1])
    h = History.from_counts(np.array(["2024-06-03", "2024-06-03"], dtype="datetime64[D]"), [1, 2])
    assert h.total == 3 and h.counts.tolist() == [3]


def test_window_past_the_end_of_the_history_warns():
    h = items_history([D(2024, 5, 1) + dt.timedelta(days=i) for i in range(30)])  # to 30 May
    s = h.sample(D(2024, 6, 10), window=30)
    assert any("the history ends on 2024-05-30: the window's last 6 working days" in w
               and "set --start 2024-05-31" in w for w in s.warnings)
    near = h.sample(D(2024, 6, 4), window=30)  # Fri 31 May and Mon 3 June: two quiet days
    assert not any("history ends" in w for w in near.warnings)
