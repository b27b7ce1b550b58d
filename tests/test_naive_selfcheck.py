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
    naive_bayes_how_many_mc,
    naive_bayes_how_many_pmf,
    naive_bayes_when_mc,
    naive_bayes_when_pmf,
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


# ===========================================================================
# Bayesian bootstrap over history rows (naive_bayes_*)
# ===========================================================================
#
# Urn rule used in the hand computations below: with R rows and j rows already
# drawn, P(next = r) = (1 + k_r) / (R + j), k_r = times row r was drawn so far.

BAYES_CASES = [
    # (blocks, days) for the How-many question; widths 1, 2 and 5, R up to 4,
    # days both multiples and non-multiples of the width.
    ([[0], [1]], 0),
    ([[0], [1]], 1),
    ([[0], [1]], 4),
    ([[0], [2], [5]], 3),
    ([[1], [1], [4], [0]], 4),
    ([[3]], 5),
    ([[1, 0], [0, 2]], 1),
    ([[1, 0], [0, 2]], 3),
    ([[1, 0], [0, 2], [2, 2]], 6),
    ([[0, 0, 1, 0, 2], [1, 1, 0, 0, 0], [0, 3, 0, 0, 1]], 7),
    ([[0, 1, 2, 0, 1], [2, 0, 0, 1, 0]], 10),
]

WHEN_CASES = [
    # (blocks, items, horizon)
    ([[0], [1]], 2, 5),
    ([[0], [2], [5]], 6, 4),
    ([[1], [1], [4], [0]], 5, 5),
    ([[1, 0], [0, 2]], 3, 5),
    ([[1, 0], [0, 2], [2, 2]], 4, 6),
    ([[0, 0, 1, 0, 2], [1, 1, 0, 0, 0], [0, 3, 0, 0, 1]], 4, 8),
    ([[0], [0]], 1, 3),  # never finishes: everything beyond the horizon
]


# (a) Exact pmfs sum to exactly one, and the float versions match.


@pytest.mark.parametrize("blocks, days", BAYES_CASES)
def test_bayes_how_many_pmf_sums_to_one_exactly(blocks, days):
    pmf = naive_bayes_how_many_pmf(blocks, days, exact=True)
    assert all(isinstance(p, F) for p in pmf)
    assert sum(pmf) == 1
    assert all(p >= 0 for p in pmf)
    assert pmf[-1] > 0  # the list stops at the largest possible total
    pmf_f = naive_bayes_how_many_pmf(blocks, days)
    assert all(isinstance(p, float) for p in pmf_f)
    assert pmf_f == pytest.approx([float(p) for p in pmf])


@pytest.mark.parametrize("blocks, items, horizon", WHEN_CASES)
def test_bayes_when_pmf_sums_to_one_exactly(blocks, items, horizon):
    pmf, beyond = naive_bayes_when_pmf(blocks, items, horizon, exact=True)
    assert len(pmf) == horizon + 1
    assert pmf[0] == 0
    assert sum(pmf) + beyond == 1
    assert all(p >= 0 for p in pmf) and beyond >= 0
    pmf_f, beyond_f = naive_bayes_when_pmf(blocks, items, horizon)
    assert isinstance(beyond_f, float)
    assert pmf_f == pytest.approx([float(p) for p in pmf])
    assert beyond_f == pytest.approx(float(beyond))


# (b) Hand-computed cases, width 1.
#
# blocks [[0], [1]], days 2. Sequences of rows (first, second):
#   (0,0): 1/2 * 2/3 = 1/3  -> total 0
#   (0,1): 1/2 * 1/3 = 1/6  -> total 1
#   (1,0): 1/2 * 1/3 = 1/6  -> total 1
#   (1,1): 1/2 * 2/3 = 1/3  -> total 2
# So P(0) = P(1) = P(2) = 1/3 (the daily bootstrap would give 1/4, 1/2, 1/4).
#
# More generally with two rows [0] and [1] the number of 1s among m draws is
# Binomial(m, w) with w ~ Uniform(0, 1) = Dirichlet(1, 1), whose mixture is
# uniform on 0..m: P(total = k) = 1/(m+1).
#
# blocks [[0], [2], [5]], days 2. Drawing the same row twice: 1/3 * 2/4 = 1/6;
# two different rows in a given order: 1/3 * 1/4 = 1/12, so 1/6 per unordered
# pair. The six outcomes {0+0, 2+2, 5+5, 0+2, 0+5, 2+5} = {0, 4, 10, 2, 5, 7}
# each have probability 1/6.
#
# When, blocks [[0], [1]], items 2, horizon 3:
#   T = 1 impossible (one day gives at most 1 item).
#   T = 2: sequences (1,1,*): 1/2 * 2/3 = 1/3.
#   T = 3: (0,1,1): 1/2 * 1/3 * 2/4 = 1/12, (1,0,1): 1/2 * 1/3 * 2/4 = 1/12;
#          total 1/6.
#   beyond = 1 - 1/3 - 1/6 = 1/2 (= P(at most one 1 in 3 draws) = 2/4).


def test_bayes_how_many_two_rows_two_days_by_hand():
    assert naive_bayes_how_many_pmf([[0], [1]], 2, exact=True) == [F(1, 3), F(1, 3), F(1, 3)]
    assert naive_bayes_how_many_pmf([[0], [1]], 2) == pytest.approx([1 / 3, 1 / 3, 1 / 3])


@pytest.mark.parametrize("days", [1, 2, 3, 4, 5, 6])
def test_bayes_how_many_two_rows_is_uniform(days):
    assert naive_bayes_how_many_pmf([[0], [1]], days, exact=True) == [F(1, days + 1)] * (days + 1)


def test_bayes_how_many_three_rows_two_days_by_hand():
    pmf = naive_bayes_how_many_pmf([[0], [2], [5]], 2, exact=True)
    expected = [F(0)] * 11
    for total in (0, 2, 4, 5, 7, 10):
        expected[total] = F(1, 6)
    assert pmf == expected


def test_bayes_when_two_rows_by_hand():
    pmf, beyond = naive_bayes_when_pmf([[0], [1]], 2, 3, exact=True)
    assert pmf == [F(0), F(0), F(1, 3), F(1, 6)]
    assert beyond == F(1, 2)


def test_bayes_edge_cases():
    # No day: total 0 for sure; horizon 0: nothing can finish.
    assert naive_bayes_how_many_pmf([[1, 2], [3, 4]], 0, exact=True) == [F(1)]
    assert naive_bayes_when_pmf([[1], [2]], 1, 0, exact=True) == ([F(0)], F(1))
    # A single row is repeated for ever: [[3]] over 4 days is 12 for sure.
    assert naive_bayes_how_many_pmf([[3]], 4, exact=True) == [F(0)] * 12 + [F(1)]
    pmf, beyond = naive_bayes_when_pmf([[3]], 7, 5, exact=True)
    assert pmf == [F(0), F(0), F(0), F(1), F(0), F(0)] and beyond == 0
    # Rows are 2-D, counts non-negative integers, items >= 1.
    with pytest.raises(AssertionError):
        naive_bayes_how_many_pmf([0, 1], 2)
    with pytest.raises(AssertionError):
        naive_bayes_how_many_pmf([[0], [-1]], 2)
    with pytest.raises(AssertionError):
        naive_bayes_how_many_pmf([[0.5], [1]], 2)
    with pytest.raises(AssertionError):
        naive_bayes_when_pmf([[0], [1]], 0, 2)
    # Too many sequences for brute force is refused rather than left running.
    with pytest.raises(AssertionError):
        naive_bayes_how_many_pmf([[0], [1], [2], [3]], 20)


# (d) Hand-computed cases, width 2: rows A = (1, 0) and B = (0, 2).
#
# Urn probabilities of row sequences:
#   one row:    A 1/2, B 1/2
#   two rows:   AA 1/2*2/3 = 1/3, AB 1/6, BA 1/6, BB 1/3
#   three rows: AAA 1/2*2/3*3/4 = 1/4, BBB 1/4, and each of AAB, ABA, ABB,
#               BAA, BAB, BBA 1/12 (e.g. ABA = 1/2 * 1/3 * 2/4).
#
# How many:
#   days 1 (first day of one row): A -> 1, B -> 0             => [1/2, 1/2]
#   days 2 (one whole row): A -> 1, B -> 2                    => [0, 1/2, 1/2]
#   days 3 (one row + first day of the next):
#     AA 1+1=2 (1/3), AB 1+0=1 (1/6), BA 2+1=3 (1/6), BB 2+0=2 (1/3)
#                                                             => [0, 1/6, 2/3, 1/6]
#   days 4: AA 2, AB 3, BA 3, BB 4                            => [0, 0, 1/3, 1/3, 1/3]
#
# When, items 2, horizon 4 (daily counts of AA are 1,0,1,0 etc.):
#   AA: running 1,1,2 -> T=3 (1/3);  AB: 1,1,1,3 -> T=4 (1/6)
#   BA: 0,2 -> T=2 (1/6);            BB: 0,2 -> T=2 (1/3)
#   => P(T=2) = 1/2, P(T=3) = 1/3, P(T=4) = 1/6, beyond 0.
#   Horizon 3 (not a multiple of 2): the same first three days, so
#   P(T=2) = 1/2, P(T=3) = 1/3 and beyond = 1/6.
#
# When, items 3, horizon 5 (two rows + first day of a third):
#   AAA 1,0,1,0,1 -> T=5 (1/4);  AAB 1,0,1,0,0 -> beyond (1/12)
#   ABA, ABB 1,0,0,2 -> T=4 (1/12 each)
#   BAA, BAB 0,2,1 -> T=3 (1/12 each)
#   BBA, BBB 0,2,0,2 -> T=4 (1/12 + 1/4)
#   => P(T=3) = 1/6, P(T=4) = 1/12+1/12+1/12+1/4 = 1/2, P(T=5) = 1/4,
#      beyond = 1/12.

WIDTH2 = [[1, 0], [0, 2]]


def test_bayes_how_many_width2_by_hand():
    assert naive_bayes_how_many_pmf(WIDTH2, 1, exact=True) == [F(1, 2), F(1, 2)]
    assert naive_bayes_how_many_pmf(WIDTH2, 2, exact=True) == [F(0), F(1, 2), F(1, 2)]
    assert naive_bayes_how_many_pmf(WIDTH2, 3, exact=True) == [F(0), F(1, 6), F(2, 3), F(1, 6)]
    assert naive_bayes_how_many_pmf(WIDTH2, 4, exact=True) == [
        F(0),
        F(0),
        F(1, 3),
        F(1, 3),
        F(1, 3),
    ]


def test_bayes_when_width2_by_hand():
    assert naive_bayes_when_pmf(WIDTH2, 2, 4, exact=True) == (
        [F(0), F(0), F(1, 2), F(1, 3), F(1, 6)],
        F(0),
    )
    assert naive_bayes_when_pmf(WIDTH2, 2, 3, exact=True) == (
        [F(0), F(0), F(1, 2), F(1, 3)],
        F(1, 6),
    )
    assert naive_bayes_when_pmf(WIDTH2, 3, 5, exact=True) == (
        [F(0), F(0), F(0), F(1, 6), F(1, 2), F(1, 4)],
        F(1, 12),
    )


def test_bayes_row_order_matters_within_a_row():
    # Same row sums as WIDTH2 but the days reversed inside each row: the totals
    # over whole rows agree, the totals over a cut-short last row do not.
    reversed_rows = [[0, 1], [2, 0]]
    for days in (2, 4, 6):
        assert naive_bayes_how_many_pmf(reversed_rows, days, exact=True) == (
            naive_bayes_how_many_pmf(WIDTH2, days, exact=True)
        )
    # days 1 with reversed rows: first day 0 (row (0,1)) or 2 (row (2,0)).
    assert naive_bayes_how_many_pmf(reversed_rows, 1, exact=True) == [F(1, 2), F(0), F(1, 2)]


# Independent derivations on paper (no urn step by step):
#
# * With Dirichlet(1, ..., 1) weights, the vector of row counts (k_1..k_R) of m
#   draws is uniform over all compositions of m into R non-negative parts:
#   integrating the multinomial against the flat Dirichlet density gives
#   m! (R-1)! / (m+R-1)! for every composition. So over whole rows, every
#   multiset of m rows (itertools.combinations_with_replacement) is equally
#   likely, 1 / C(m+R-1, R-1).
# * Mean and variance over m whole rows, with s_r the row sums, mu their mean
#   and sigma2 their population variance: each draw is marginally uniform, so
#   E[S] = m mu; two different draws have covariance Var(sum_r w_r s_r) =
#   sigma2 / (R+1) (Var w_r = (R-1)/(R^2 (R+1)), Cov(w_r, w_q) = -1/(R^2 (R+1))),
#   so Var[S] = sigma2 (m + m (m-1) / (R+1)).
# * For a cut-short last row the mean is still additive: m whole rows plus the
#   mean of the first (days mod width) column sums.


@pytest.mark.parametrize(
    "blocks, n_rows_drawn",
    [
        ([[0], [1]], 3),
        ([[0], [2], [5]], 3),
        ([[1], [1], [4], [0]], 4),
        ([[1, 0], [0, 2], [2, 2]], 3),
        ([[0, 0, 1, 0, 2], [1, 1, 0, 0, 0], [0, 3, 0, 0, 1]], 2),
    ],
)
def test_bayes_whole_rows_match_uniform_multisets(blocks, n_rows_drawn):
    n_rows, width = len(blocks), len(blocks[0])
    multisets = list(itertools.combinations_with_replacement(range(n_rows), n_rows_drawn))
    assert len(multisets) == math.comb(n_rows_drawn + n_rows - 1, n_rows - 1)
    expected = {}
    for multiset in multisets:
        total = sum(sum(blocks[r]) for r in multiset)
        expected[total] = expected.get(total, F(0)) + F(1, len(multisets))
    pmf = naive_bayes_how_many_pmf(blocks, n_rows_drawn * width, exact=True)
    assert {n: p for n, p in enumerate(pmf) if p != 0} == expected


@pytest.mark.parametrize("blocks, days", [c for c in BAYES_CASES if c[1] > 0])
def test_bayes_how_many_mean_and_variance(blocks, days):
    n_rows, width = len(blocks), len(blocks[0])
    pmf = naive_bayes_how_many_pmf(blocks, days, exact=True)
    mean = sum(n * p for n, p in enumerate(pmf))
    whole, cut = days // width, days % width
    row_sums = [sum(row) for row in blocks]
    mu = F(sum(row_sums), n_rows)
    cut_mean = F(sum(sum(row[:cut]) for row in blocks), n_rows)
    assert mean == whole * mu + cut_mean
    if cut == 0:
        sigma2 = sum((s - mu) ** 2 for s in row_sums) / n_rows
        var = sum((n - mean) ** 2 * p for n, p in enumerate(pmf))
        m = whole
        assert var == sigma2 * (m + F(m * (m - 1), n_rows + 1))


def test_bayes_one_day_equals_daily_bootstrap():
    # A single draw is uniform over the rows, as in the daily bootstrap.
    counts = [1, 1, 4, 0]
    pmf = naive_bayes_how_many_pmf([[c] for c in counts], 1, exact=True)
    daily = naive_how_many_pmf(counts, 1, exact=True)
    assert {n: p for n, p in enumerate(pmf) if p != 0} == daily


def test_bayes_more_spread_than_daily_bootstrap():
    # Same marginal day, but positively correlated days: P(extremes) is larger.
    pmf = naive_bayes_how_many_pmf([[0], [1]], 4, exact=True)
    daily = naive_how_many_pmf([0, 1], 4, exact=True)
    assert pmf[0] == F(1, 5) > daily[0] == F(1, 16)
    assert pmf[4] == F(1, 5) > daily[4] == F(1, 16)


# (e) When and How many agree: counts are non-negative, so T <= d exactly when
# the total over the first d days is >= items. Also a shorter horizon gives the
# same pmf prefix (the horizon only cuts the enumeration, it changes nothing
# about the first days).


@pytest.mark.parametrize("blocks, items, horizon", WHEN_CASES)
def test_bayes_when_cdf_equals_how_many_tail(blocks, items, horizon):
    pmf, beyond = naive_bayes_when_pmf(blocks, items, horizon, exact=True)
    for d in range(1, horizon + 1):
        cdf = sum(pmf[1 : d + 1])
        tail = sum(naive_bayes_how_many_pmf(blocks, d, exact=True)[items:])
        assert cdf == tail
    for shorter in range(horizon):
        pmf_s, beyond_s = naive_bayes_when_pmf(blocks, items, shorter, exact=True)
        assert pmf_s == pmf[: shorter + 1]
        assert beyond_s == beyond + sum(pmf[shorter + 1 :])


# (c) Agreement with a Monte Carlo that literally draws Dirichlet weights and
# then rows (numpy Generator.dirichlet / Generator.choice), fixed seeds, within
# 5 standard errors of a proportion sqrt(p (1 - p) / trials).

BAYES_TRIALS = 20_000


def _within_5_se(count, prob, trials):
    se = math.sqrt(prob * (1 - prob) / trials)
    return abs(count / trials - prob) <= 5 * se + 1e-12


@pytest.mark.parametrize(
    "blocks, days, seed",
    [
        ([[0], [2], [5]], 3, 11),
        ([[1, 0], [0, 2], [2, 2]], 5, 12),  # width 2, days not a multiple of 2
    ],
)
def test_bayes_how_many_mc_matches_pmf(blocks, days, seed):
    totals = naive_bayes_how_many_mc(blocks, days, BAYES_TRIALS, seed=seed)
    assert totals.shape == (BAYES_TRIALS,)
    assert np.issubdtype(totals.dtype, np.integer)
    pmf = naive_bayes_how_many_pmf(blocks, days)
    assert int(totals.max()) < len(pmf)
    for n in range(len(pmf)):
        assert _within_5_se(np.count_nonzero(totals == n), pmf[n], BAYES_TRIALS)
        tail = sum(pmf[n:])
        assert _within_5_se(np.count_nonzero(totals >= n), tail, BAYES_TRIALS)


@pytest.mark.parametrize(
    "blocks, items, horizon, seed",
    [
        ([[0], [2], [5]], 6, 4, 21),
        ([[1, 0], [0, 2], [2, 2]], 4, 5, 22),  # width 2, odd horizon
    ],
)
def test_bayes_when_mc_matches_pmf(blocks, items, horizon, seed):
    days = naive_bayes_when_mc(blocks, items, BAYES_TRIALS, seed=seed, horizon=horizon)
    assert days.shape == (BAYES_TRIALS,)
    assert days.min() >= 1 and days.max() <= horizon + 1
    pmf, beyond = naive_bayes_when_pmf(blocks, items, horizon)
    assert beyond > 0.01  # the unfinished sentinel is exercised
    for d in range(1, horizon + 1):
        assert _within_5_se(np.count_nonzero(days == d), pmf[d], BAYES_TRIALS)
        assert _within_5_se(np.count_nonzero(days <= d), sum(pmf[1 : d + 1]), BAYES_TRIALS)
    assert _within_5_se(np.count_nonzero(days == horizon + 1), beyond, BAYES_TRIALS)


def test_bayes_mc_is_reproducible_with_seed():
    a = naive_bayes_when_mc(WIDTH2, 3, 300, seed=5, horizon=6)
    b = naive_bayes_when_mc(WIDTH2, 3, 300, seed=5, horizon=6)
    assert np.array_equal(a, b)
    c = naive_bayes_how_many_mc(WIDTH2, 5, 300, seed=5)
    d = naive_bayes_how_many_mc(WIDTH2, 5, 300, seed=5)
    assert np.array_equal(c, d)
