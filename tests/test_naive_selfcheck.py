"""Self-checks of the naive oracle (tests/naive.py) against hand-computed cases."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import itertools  # noqa: E402
import math  # noqa: E402
from datetime import date  # noqa: E402
from fractions import Fraction as F  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from naive import (  # noqa: E402
    naive_how_many_mc,
    naive_how_many_percentile,
    naive_how_many_percentile_from_trials,
    naive_how_many_pmf,
    naive_is_working,
    naive_nth_working_day,
    naive_when_mc,
    naive_when_percentile,
    naive_when_percentile_from_trials,
    naive_when_pmf,
    naive_window_counts,
    naive_working_days_through,
)

# January 2024: Mon 1, Fri 5, Sat 6, Sun 7, Mon 8, Tue 9, Fri 12, Sat 13, Sun 14.
MON1, TUE2, FRI5, SAT6, SUN7 = (date(2024, 1, d) for d in (1, 2, 5, 6, 7))
MON8, TUE9, FRI12 = date(2024, 1, 8), date(2024, 1, 9), date(2024, 1, 12)


def jan(day):
    return date(2024, 1, day)


def test_calendar_fixture_dates_are_what_the_comments_say():
    assert MON1.weekday() == 0 and SAT6.weekday() == 5 and SUN7.weekday() == 6
    assert MON8.weekday() == 0 and FRI12.weekday() == 4


# ---------------------------------------------------------------------------
# How many: counts [0, 1] over 2 days
# ---------------------------------------------------------------------------
# Four equally likely sequences: (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->2.
# So P(S=0)=1/4, P(S=1)=1/2, P(S=2)=1/4.
# Tails: P(S>=0)=1, P(S>=1)=3/4, P(S>=2)=1/4, P(S>=3)=0.
#   P85: 1 >= .85 but 3/4 < .85            -> 0
#   P70: 3/4 >= .70, 1/4 < .70             -> 1
#   P75: 3/4 >= .75 (exact boundary)       -> 1
#   P50: 3/4 >= .50, 1/4 < .50             -> 1
#   P25: 1/4 >= .25 (exact boundary)       -> 2
#   P100: only P(S>=0)=1                   -> 0
#   P1:  P(S>=2)=1/4 >= .01, P(S>=3)=0      -> 2


def test_how_many_pmf_0_1_two_days_exact():
    assert naive_how_many_pmf([0, 1], 2, exact=True) == {0: F(1, 4), 1: F(1, 2), 2: F(1, 4)}


def test_how_many_pmf_0_1_two_days_float():
    pmf = naive_how_many_pmf([0, 1], 2)
    assert pmf == pytest.approx({0: 0.25, 1: 0.5, 2: 0.25})


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize(
    "p, expected", [(85, 0), (70, 1), (75, 1), (50, 1), (25, 2), (100, 0), (1, 2), (76, 0)]
)
def test_how_many_percentile_0_1_two_days(p, expected, exact):
    pmf = naive_how_many_pmf([0, 1], 2, exact=exact)
    assert naive_how_many_percentile(pmf, p) == expected


def test_how_many_zero_days():
    assert naive_how_many_pmf([3, 5], 0, exact=True) == {0: 1}
    assert naive_how_many_percentile({0: 1.0}, 85) == 0


# counts [0, 2] over 3 days: S = 2 * Binomial(3, 1/2).
# P(S=0)=1/8, P(S=2)=3/8, P(S=4)=3/8, P(S=6)=1/8.
# Tails: N=0:1, N=1,2: 7/8, N=3,4: 1/2, N=5,6: 1/8, N=7: 0.
#   P90 -> 0 (7/8 < .9); P85 -> 2 (7/8 >= .85, 1/2 < .85); P50 -> 4 (boundary);
#   P12.5 -> 6 (boundary); P10 -> 6; P51 -> 2.
def test_how_many_pmf_with_gaps():
    pmf = naive_how_many_pmf([0, 2], 3, exact=True)
    assert pmf == {0: F(1, 8), 2: F(3, 8), 4: F(3, 8), 6: F(1, 8)}
    assert naive_how_many_percentile(pmf, 90) == 0
    assert naive_how_many_percentile(pmf, 85) == 2
    assert naive_how_many_percentile(pmf, 51) == 2
    assert naive_how_many_percentile(pmf, 50) == 4
    assert naive_how_many_percentile(pmf, 12.5) == 6
    assert naive_how_many_percentile(pmf, 10) == 6


def test_how_many_duplicates_count_separately():
    # counts [1, 1, 4]: one day -> P(1) = 2/3, P(4) = 1/3.
    assert naive_how_many_pmf([1, 1, 4], 1, exact=True) == {1: F(2, 3), 4: F(1, 3)}
    # two days: 1+1 w.p. 4/9, 1+4 or 4+1 w.p. 4/9, 4+4 w.p. 1/9.
    assert naive_how_many_pmf([1, 1, 4], 2, exact=True) == {2: F(4, 9), 5: F(4, 9), 8: F(1, 9)}


# ---------------------------------------------------------------------------
# When
# ---------------------------------------------------------------------------


def test_when_constant_one_item_per_day():
    # counts [1], items 5: cumulative total after d days is d, so T = 5 surely.
    pmf, beyond = naive_when_pmf([1], 5, 10, exact=True)
    assert pmf == {d: (1 if d == 5 else 0) for d in range(1, 11)}
    assert beyond == 0
    for p in (1, 50, 85, 100):
        assert naive_when_percentile(pmf, beyond, p) == 5


def test_when_not_reached_within_horizon():
    # counts [1], items 5, only 4 days: never finished within the horizon.
    pmf, beyond = naive_when_pmf([1], 5, 4, exact=True)
    assert pmf == {1: 0, 2: 0, 3: 0, 4: 0}
    assert beyond == 1
    assert naive_when_percentile(pmf, beyond, 50) is None


def test_when_zero_horizon():
    pmf, beyond = naive_when_pmf([1, 2], 3, 0, exact=True)
    assert pmf == {} and beyond == 1
    assert naive_when_percentile(pmf, beyond, 50) is None


def test_when_all_zero_throughput_never_finishes():
    pmf, beyond = naive_when_pmf([0, 0], 1, 5, exact=True)
    assert all(v == 0 for v in pmf.values()) and beyond == 1


# counts [0, 2], items 3: each day is a "success" (2 items) with prob 1/2; the
# total reaches >= 3 exactly when the second success happens. T is the day of
# the 2nd success: P(T=d) = (d-1) * (1/2)^d  (choose which of the first d-1
# days holds the first success).
#   P(T=1) = 0
#   P(T=2) = 1/4
#   P(T=3) = 2/8  = 1/4
#   P(T=4) = 3/16
#   P(T=5) = 4/32 = 1/8
#   P(T=6) = 5/64
# CDF: d=1: 0, d=2: 1/4, d=3: 1/2, d=4: 11/16 = .6875, d=5: 13/16 = .8125,
#      d=6: 57/64 = .890625   (check: 1 - (1+d)/2^d = 1 - 7/64).
# beyond for 5 days: 1 - 13/16 = 3/16.
# Percentiles: P25 -> 2 (boundary), P26 -> 3, P50 -> 3 (boundary), P60 -> 4,
#              P80 -> 5, P85 -> 6 (horizon 6), P85 -> None (horizon 5).
def test_when_0_2_items_3_hand_computed():
    pmf, beyond = naive_when_pmf([0, 2], 3, 5, exact=True)
    assert pmf == {1: 0, 2: F(1, 4), 3: F(1, 4), 4: F(3, 16), 5: F(1, 8)}
    assert beyond == F(3, 16)
    assert naive_when_percentile(pmf, beyond, 25) == 2
    assert naive_when_percentile(pmf, beyond, 26) == 3
    assert naive_when_percentile(pmf, beyond, 50) == 3
    assert naive_when_percentile(pmf, beyond, 60) == 4
    assert naive_when_percentile(pmf, beyond, 80) == 5
    assert naive_when_percentile(pmf, beyond, 85) is None

    pmf6, beyond6 = naive_when_pmf([0, 2], 3, 6, exact=True)
    assert pmf6[6] == F(5, 64)
    assert beyond6 == F(7, 64)
    assert naive_when_percentile(pmf6, beyond6, 85) == 6


def test_when_float_matches_exact():
    pmf_f, beyond_f = naive_when_pmf([0, 2], 3, 5)
    pmf_e, beyond_e = naive_when_pmf([0, 2], 3, 5, exact=True)
    assert pmf_f == pytest.approx({d: float(v) for d, v in pmf_e.items()})
    assert beyond_f == pytest.approx(float(beyond_e))
    # Boundary percentiles survive float rounding thanks to the 1e-9 tolerance.
    assert naive_when_percentile(pmf_f, beyond_f, 50) == 3
    assert naive_when_percentile(pmf_f, beyond_f, 25) == 2


def test_when_first_day_can_finish():
    # counts [0, 5], items 3: finish on the first success (geometric, p=1/2).
    pmf, beyond = naive_when_pmf([0, 5], 3, 3, exact=True)
    assert pmf == {1: F(1, 2), 2: F(1, 4), 3: F(1, 8)}
    assert beyond == F(1, 8)
    assert naive_when_percentile(pmf, beyond, 50) == 1
    assert naive_when_percentile(pmf, beyond, 75) == 2


@pytest.mark.parametrize("counts", [[0, 1], [0, 2], [1, 1, 4], [0, 0, 3, 1], [2]])
@pytest.mark.parametrize("items", [1, 3, 7])
def test_when_cdf_equals_how_many_tail(counts, items):
    # Draws are non-negative, so T <= d exactly when S_d >= items.
    pmf, beyond = naive_when_pmf(counts, items, 6, exact=True)
    assert sum(pmf.values()) + beyond == 1
    for d in range(1, 7):
        cdf = sum(pmf[k] for k in range(1, d + 1))
        s_pmf = naive_how_many_pmf(counts, d, exact=True)
        tail = sum(prob for total, prob in s_pmf.items() if total >= items)
        assert cdf == tail


# ---------------------------------------------------------------------------
# Brute-force enumeration of every equally likely draw sequence
# ---------------------------------------------------------------------------


def _enumerate_totals(counts, days):
    return np.array([sum(seq) for seq in itertools.product(counts, repeat=days)])


def _enumerate_when(counts, items, max_days):
    out = []
    for seq in itertools.product(counts, repeat=max_days):
        t = max_days + 1
        cum = 0
        for day, c in enumerate(seq, start=1):
            cum += c
            if cum >= items:
                t = day
                break
        out.append(t)
    return np.array(out)


PERCENTILES = [1, 10, 25, 30, 50, 60, 70, 75, 80, 85, 90, 95, 99, 100]


@pytest.mark.parametrize("counts, days", [([0, 1], 2), ([0, 2], 3), ([1, 1, 4], 3), ([0, 3, 1], 4)])
def test_how_many_enumeration_matches_pmf(counts, days):
    totals = _enumerate_totals(counts, days)
    pmf = naive_how_many_pmf(counts, days, exact=True)
    n = len(totals)
    assert {int(t): F(int(np.count_nonzero(totals == t)), n) for t in set(totals)} == pmf
    pmf_f = naive_how_many_pmf(counts, days)
    for p in PERCENTILES:
        expected = naive_how_many_percentile(pmf, p)
        assert naive_how_many_percentile(pmf_f, p) == expected
        assert naive_how_many_percentile_from_trials(totals, p) == expected


@pytest.mark.parametrize(
    "counts, items, max_days",
    [([0, 1], 2, 4), ([0, 2], 3, 5), ([1, 1, 4], 5, 4), ([0, 3, 1], 4, 5)],
)
def test_when_enumeration_matches_pmf(counts, items, max_days):
    days = _enumerate_when(counts, items, max_days)
    pmf, beyond = naive_when_pmf(counts, items, max_days, exact=True)
    n = len(days)
    for d in range(1, max_days + 1):
        assert F(int(np.count_nonzero(days == d)), n) == pmf[d]
    assert F(int(np.count_nonzero(days == max_days + 1)), n) == beyond
    pmf_f, beyond_f = naive_when_pmf(counts, items, max_days)
    for p in PERCENTILES:
        expected = naive_when_percentile(pmf, beyond, p)
        assert naive_when_percentile(pmf_f, beyond_f, p) == expected
        assert naive_when_percentile_from_trials(days, p, max_days=max_days) == expected


# ---------------------------------------------------------------------------
# Percentiles from trial arrays, by hand
# ---------------------------------------------------------------------------


def test_when_percentile_from_trials_by_hand():
    # days [3, 1, 2, 2]: share(T<=1)=1/4, share(T<=2)=3/4, share(T<=3)=1.
    days = np.array([3, 1, 2, 2])
    assert naive_when_percentile_from_trials(days, 25) == 1
    assert naive_when_percentile_from_trials(days, 26) == 2
    assert naive_when_percentile_from_trials(days, 50) == 2
    assert naive_when_percentile_from_trials(days, 75) == 2
    assert naive_when_percentile_from_trials(days, 80) == 3
    assert naive_when_percentile_from_trials(days, 100) == 3


def test_when_percentile_from_trials_with_unfinished_sentinel():
    # max_days 2, sentinel 3: share(T<=1)=1/4, share(T<=2)=1/2, half unfinished.
    days = [1, 3, 3, 2]
    assert naive_when_percentile_from_trials(days, 50, max_days=2) == 2
    assert naive_when_percentile_from_trials(days, 80, max_days=2) is None
    # Without max_days the sentinel is just another day value.
    assert naive_when_percentile_from_trials(days, 80) == 3


def test_how_many_percentile_from_trials_by_hand():
    # totals [2, 0, 1, 1] mirror counts [0, 1] over 2 days.
    totals = [2, 0, 1, 1]
    assert naive_how_many_percentile_from_trials(totals, 85) == 0
    assert naive_how_many_percentile_from_trials(totals, 70) == 1
    assert naive_how_many_percentile_from_trials(totals, 75) == 1
    assert naive_how_many_percentile_from_trials(totals, 50) == 1
    assert naive_how_many_percentile_from_trials(totals, 25) == 2
    # totals [5, 5, 5]: P(S>=5)=1 for every p.
    assert naive_how_many_percentile_from_trials([5, 5, 5], 100) == 5
    # totals with a gap: [0, 4, 4, 4] -> P(S>=1..4) = 3/4.
    assert naive_how_many_percentile_from_trials([0, 4, 4, 4], 75) == 4
    assert naive_how_many_percentile_from_trials([0, 4, 4, 4], 76) == 0


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


def test_is_working():
    assert naive_is_working(MON1)
    assert naive_is_working(FRI5)
    assert not naive_is_working(SAT6)
    assert not naive_is_working(SUN7)
    assert not naive_is_working(MON8, holidays={MON8})
    # Sunday-Thursday week.
    sun_thu = (True, True, True, True, False, False, True)
    assert naive_is_working(SUN7, weekmask=sun_thu)
    assert not naive_is_working(FRI5, weekmask=sun_thu)


def test_nth_working_day_over_weekend():
    assert naive_nth_working_day(FRI5, 1) == FRI5
    assert naive_nth_working_day(FRI5, 2) == MON8
    assert naive_nth_working_day(SAT6, 1) == MON8
    assert naive_nth_working_day(SUN7, 2) == TUE9
    assert naive_nth_working_day(MON1, 5) == FRI5
    assert naive_nth_working_day(MON1, 6) == MON8
    assert naive_nth_working_day(MON1, 10) == FRI12
    assert naive_nth_working_day(MON1, 11) == jan(15)


def test_nth_working_day_over_holiday():
    hol = {MON8}
    assert naive_nth_working_day(SAT6, 1, holidays=hol) == TUE9
    assert naive_nth_working_day(FRI5, 2, holidays=hol) == TUE9
    assert naive_nth_working_day(MON1, 6, holidays=hol) == TUE9
    assert naive_nth_working_day(MON1, 1, holidays={MON1}) == TUE2
    # Sunday-Thursday week: from Thursday Jan 4, day 2 is Sunday Jan 7.
    sun_thu = (True, True, True, True, False, False, True)
    assert naive_nth_working_day(jan(4), 2, weekmask=sun_thu) == SUN7


def test_working_days_through():
    assert naive_working_days_through(MON1, SUN7) == 5
    assert naive_working_days_through(MON1, jan(14)) == 10
    assert naive_working_days_through(MON1, jan(14), holidays={MON8}) == 9
    assert naive_working_days_through(MON1, MON1) == 1
    assert naive_working_days_through(SAT6, SAT6) == 0
    assert naive_working_days_through(SAT6, SUN7) == 0
    assert naive_working_days_through(MON8, MON1) == 0
    # Consistency with nth_working_day: day n is the n-th working day through it.
    for n in range(1, 15):
        assert naive_working_days_through(MON1, naive_nth_working_day(MON1, n)) == n


def test_window_counts_saturday_item_counts_on_monday():
    out = naive_window_counts([SAT6, TUE2, TUE2], MON1, FRI12)
    expected = [(jan(d), 0) for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)]
    expected[1] = (TUE2, 2)  # duplicates count separately
    expected[5] = (MON8, 1)  # Saturday -> next Monday
    assert out == expected


def test_window_counts_last_day_saturday_falls_back_to_friday():
    # Window ends Saturday Jan 6; the next working day (Mon 8) is outside the
    # window, so the Saturday item counts on the last working day, Friday 5.
    out = naive_window_counts([SAT6], MON1, SAT6)
    assert out == [(MON1, 0), (TUE2, 0), (jan(3), 0), (jan(4), 0), (FRI5, 1)]
    # Same with a Sunday item when the window ends on Sunday.
    out = naive_window_counts([SAT6, SUN7, FRI5], MON1, SUN7)
    assert out == [(MON1, 0), (TUE2, 0), (jan(3), 0), (jan(4), 0), (FRI5, 3)]


def test_window_counts_holiday_monday_pushes_to_tuesday():
    hol = {MON8}
    out = naive_window_counts([SAT6, SUN7, MON8], MON1, FRI12, holidays=hol)
    d = dict(out)
    assert MON8 not in d
    assert d[TUE9] == 3
    assert sum(d.values()) == 3
    assert [day for day, _ in out] == [jan(x) for x in (1, 2, 3, 4, 5, 9, 10, 11, 12)]


def test_window_counts_holiday_friday_at_window_end_falls_back():
    # Friday 12 is a holiday and the window ends on it: the item goes to Thu 11.
    out = naive_window_counts([FRI12], MON8, FRI12, holidays={FRI12})
    assert out == [(MON8, 0), (TUE9, 0), (jan(10), 0), (jan(11), 1)]


def test_window_counts_excludes_items_outside_window():
    # Sunday Dec 31 2023 is before lo even though its next working day (Jan 1)
    # is inside the window: it is excluded because the filter is on done date.
    out = naive_window_counts([date(2023, 12, 31), jan(13), MON1], MON1, FRI5)
    assert out == [(MON1, 1), (TUE2, 0), (jan(3), 0), (jan(4), 0), (FRI5, 0)]


def test_window_counts_window_starting_on_weekend_and_empty_window():
    out = naive_window_counts([SAT6], SAT6, TUE9)
    assert out == [(MON8, 1), (TUE9, 0)]
    assert naive_window_counts([SAT6], SAT6, SUN7) == []
    assert naive_window_counts([], MON1, TUE2) == [(MON1, 0), (TUE2, 0)]


def test_window_counts_custom_weekmask():
    # Sunday-Thursday week: Friday 5 and Saturday 6 items count on Sunday 7.
    sun_thu = (True, True, True, True, False, False, True)
    out = naive_window_counts([FRI5, SAT6], jan(4), MON8, weekmask=sun_thu)
    assert out == [(jan(4), 0), (SUN7, 2), (MON8, 0)]


# ---------------------------------------------------------------------------
# Monte Carlo vs exact distributions (within 4 standard errors)
# ---------------------------------------------------------------------------

TRIALS = 20_000


def _close(share, prob, trials):
    se = math.sqrt(prob * (1 - prob) / trials)
    return abs(share - prob) <= 4 * se + 1e-12


def test_how_many_mc_matches_pmf():
    counts, days = [0, 1, 3, 1], 4
    totals = naive_how_many_mc(counts, days, TRIALS, seed=12345)
    assert totals.shape == (TRIALS,)
    assert np.issubdtype(totals.dtype, np.integer)
    pmf = naive_how_many_pmf(counts, days)
    mean = sum(t * p for t, p in pmf.items())
    var = sum((t - mean) ** 2 * p for t, p in pmf.items())
    assert abs(totals.mean() - mean) <= 4 * math.sqrt(var / TRIALS)
    assert set(int(t) for t in totals) <= set(pmf)
    for n in range(0, max(pmf) + 2):
        tail = sum(p for t, p in pmf.items() if t >= n)
        assert _close(np.count_nonzero(totals >= n) / TRIALS, tail, TRIALS)


def test_when_mc_matches_pmf():
    counts, items, max_days = [0, 1, 3, 1], 6, 6
    days = naive_when_mc(counts, items, TRIALS, seed=2024, max_days=max_days)
    assert days.shape == (TRIALS,)
    assert np.issubdtype(days.dtype, np.integer)
    assert days.min() >= 1 and days.max() <= max_days + 1
    pmf, beyond = naive_when_pmf(counts, items, max_days)
    assert beyond > 0.01  # the sentinel path is exercised
    cdf = 0.0
    for d in range(1, max_days + 1):
        cdf += pmf[d]
        assert _close(np.count_nonzero(days <= d) / TRIALS, cdf, TRIALS)
        assert _close(np.count_nonzero(days == d) / TRIALS, pmf[d], TRIALS)
    assert _close(np.count_nonzero(days == max_days + 1) / TRIALS, beyond, TRIALS)


def test_mc_is_reproducible_with_seed():
    a = naive_when_mc([0, 2, 1], 4, 200, seed=7, max_days=10)
    b = naive_when_mc([0, 2, 1], 4, 200, seed=7, max_days=10)
    assert np.array_equal(a, b)
    c = naive_how_many_mc([0, 2, 1], 5, 200, seed=7)
    d = naive_how_many_mc([0, 2, 1], 5, 200, seed=7)
    assert np.array_equal(c, d)
