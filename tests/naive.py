"""Naive, independent reference implementation ("oracle") of the forecast semantics.

Everything here is written to be obviously correct by reading, not to be fast.
Only the standard library and numpy are used, and nothing is imported from the
``forecast`` package.

Semantics (summary):

* ``counts`` is a throughput sample: one non-negative integer per working day of
  the history window. Every future working day's throughput is drawn
  independently and uniformly from ``counts`` (each element equally likely,
  duplicates count separately).
* Day 1 is the first working day of the forecast.
* When: the completion day T is the first day d >= 1 whose cumulative draws are
  >= ``items``. Percentile p: smallest d with P(T <= d) >= p/100 - 1e-9.
* How many: S is the sum of the draws for days 1..D. Percentile p: largest N
  with P(S >= N) >= p/100 - 1e-9.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import numpy as np

ONE_DAY = datetime.timedelta(days=1)
MON_FRI = (True, True, True, True, True, False, False)
TOLERANCE = 1e-9


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


def naive_is_working(d, weekmask=MON_FRI, holidays=()):
    """True when date ``d`` is a working day: its weekday is set in ``weekmask``
    (Monday..Sunday) and it is not one of ``holidays``."""
    assert len(weekmask) == 7
    if not weekmask[d.weekday()]:
        return False
    if d in holidays:
        return False
    return True


def naive_nth_working_day(start, n, weekmask=MON_FRI, holidays=()):
    """Date of working day number ``n`` (n >= 1), where day 1 is the first
    working day on or after ``start``. Walks one calendar day at a time."""
    assert n >= 1
    assert any(weekmask), "no working weekday: would loop forever"
    d = start
    seen = 0
    while True:
        if naive_is_working(d, weekmask, holidays):
            seen += 1
            if seen == n:
                return d
        d = d + ONE_DAY


def naive_working_days_through(start, end, weekmask=MON_FRI, holidays=()):
    """Number of working days d with start <= d <= end (0 when end < start).
    Walks one calendar day at a time."""
    total = 0
    d = start
    while d <= end:
        if naive_is_working(d, weekmask, holidays):
            total += 1
        d = d + ONE_DAY
    return total


def naive_window_counts(done_dates, lo, hi, weekmask=MON_FRI, holidays=()):
    """Daily throughput of the calendar window [lo, hi] (inclusive).

    Only items whose done date lies in [lo, hi] are used. An item done on a
    working day counts on that day. An item done on a non-working day counts on
    the next working day; if that day is after ``hi`` it counts on the last
    working day in [lo, hi] instead, so the window's total is preserved.

    Returns a list of (working date, count) for every working day in [lo, hi]
    in date order, zeros included. If the window has no working day at all the
    result is [] (and any items in it are necessarily dropped).
    """
    # All working days of the window, in order.
    working = []
    d = lo
    while d <= hi:
        if naive_is_working(d, weekmask, holidays):
            working.append(d)
        d = d + ONE_DAY
    if not working:
        return []
    last_working = working[-1]

    per_day = {}
    for w in working:
        per_day[w] = 0

    for done in done_dates:
        if done < lo or done > hi:
            continue
        target = done
        while not naive_is_working(target, weekmask, holidays):
            target = target + ONE_DAY
        if target > hi:
            target = last_working
        per_day[target] += 1

    result = []
    for w in working:
        result.append((w, per_day[w]))
    return result


# ---------------------------------------------------------------------------
# Exact distributions by dynamic programming
# ---------------------------------------------------------------------------


def _check_counts(counts):
    assert len(counts) >= 1, "empty throughput sample"
    for c in counts:
        assert int(c) == c and c >= 0, "counts must be non-negative integers"


def naive_how_many_pmf(counts, days, exact=False):
    """Distribution of S, the sum of ``days`` independent uniform draws from
    ``counts``, as a dict {total: probability}. Plain DP over a dict.
    With ``exact=True`` the probabilities are fractions.Fraction."""
    _check_counts(counts)
    assert days >= 0
    n = len(counts)
    weight = Fraction(1, n) if exact else 1.0 / n
    dist = {0: Fraction(1) if exact else 1.0}
    for _day in range(days):
        new = {}
        for total, prob in dist.items():
            for c in counts:
                t = total + int(c)
                new[t] = new.get(t, 0) + prob * weight
        dist = new
    return dist


def naive_when_pmf(counts, items, max_days, exact=False):
    """Distribution of the completion day T for ``items`` items.

    Returns (pmf, beyond): pmf is {day: P(T == day)} for every day
    1..max_days (zeros included) and beyond is P(T > max_days). The DP tracks
    the running total of unfinished trials (total < items); mass that reaches
    total >= items on day d is absorbed and recorded as P(T == d).
    With ``exact=True`` the probabilities are fractions.Fraction."""
    _check_counts(counts)
    assert items >= 1
    assert max_days >= 0
    n = len(counts)
    weight = Fraction(1, n) if exact else 1.0 / n
    zero = Fraction(0) if exact else 0.0
    unfinished = {0: Fraction(1) if exact else 1.0}
    pmf = {}
    for day in range(1, max_days + 1):
        finished_today = zero
        new = {}
        for total, prob in unfinished.items():
            for c in counts:
                t = total + int(c)
                if t >= items:
                    finished_today = finished_today + prob * weight
                else:
                    new[t] = new.get(t, zero) + prob * weight
        pmf[day] = finished_today
        unfinished = new
    beyond = zero
    for prob in unfinished.values():
        beyond = beyond + prob
    return pmf, beyond


# ---------------------------------------------------------------------------
# Percentile rules
# ---------------------------------------------------------------------------


def naive_when_percentile(pmf, beyond, p):
    """Smallest day d in the pmf with P(T <= d) >= p/100 - 1e-9, or None when
    no day of the pmf reaches it. ``beyond`` (= P(T > last day)) is only used
    to assert that the distribution sums to one."""
    assert 0 < p <= 100
    assert abs(float(sum(pmf.values())) + float(beyond) - 1.0) < 1e-6
    threshold = p / 100 - TOLERANCE
    if not pmf:
        return None
    for d in range(1, max(pmf) + 1):
        cdf = 0
        for day, prob in pmf.items():
            if day <= d:
                cdf = cdf + prob
        if cdf >= threshold:
            return d
    return None


def naive_how_many_percentile(pmf, p):
    """Largest N with P(S >= N) >= p/100 - 1e-9, scanning every candidate N
    from 0 to the largest total in the pmf (P(S >= 0) = 1, so the answer is
    at least 0)."""
    assert 0 < p <= 100
    assert abs(float(sum(pmf.values())) - 1.0) < 1e-6
    threshold = p / 100 - TOLERANCE
    best = None
    for candidate in range(0, max(pmf) + 1):
        tail = 0
        for total, prob in pmf.items():
            if total >= candidate:
                tail = tail + prob
        if tail >= threshold:
            best = candidate
    assert best is not None
    return best


def naive_when_percentile_from_trials(days, p, max_days=None):
    """Smallest day d with (share of trials with T <= d) >= p/100 - 1e-9,
    found by counting trials for each candidate d = 1, 2, ..., max(days).

    Without ``max_days`` an unfinished-trial sentinel (max_days + 1) is treated
    like any other day, so it may be returned. With ``max_days`` given, trials
    with T > max_days count as unfinished and None is returned when the
    percentile is not reached by day max_days."""
    assert 0 < p <= 100
    days = np.asarray(days)
    n = len(days)
    assert n >= 1
    threshold = p / 100 - TOLERANCE
    last = int(days.max())
    if max_days is not None:
        last = min(last, max_days)
    for d in range(1, last + 1):
        count = int(np.count_nonzero(days <= d))
        if count / n >= threshold:
            return d
    return None


def naive_how_many_percentile_from_trials(totals, p):
    """Largest N with (share of trials with S >= N) >= p/100 - 1e-9, found by
    counting trials for each candidate N = 0, 1, ..., max(totals)."""
    assert 0 < p <= 100
    totals = np.asarray(totals)
    n = len(totals)
    assert n >= 1
    assert int(totals.min()) >= 0
    threshold = p / 100 - TOLERANCE
    best = None
    for candidate in range(0, int(totals.max()) + 1):
        count = int(np.count_nonzero(totals >= candidate))
        if count / n >= threshold:
            best = candidate
    assert best is not None
    return best


# ---------------------------------------------------------------------------
# Monte Carlo (for statistical, not bit-exact, comparison)
# ---------------------------------------------------------------------------


def naive_when_mc(counts, items, trials, seed, max_days):
    """Per-trial completion days (max_days + 1 for trials not finished within
    max_days), one plain Python loop per trial, one draw per day using
    numpy.random.default_rng(seed)."""
    _check_counts(counts)
    assert items >= 1 and trials >= 1 and max_days >= 0
    rng = np.random.default_rng(seed)
    n = len(counts)
    out = np.empty(trials, dtype=np.int64)
    for i in range(trials):
        result = max_days + 1
        total = 0
        for day in range(1, max_days + 1):
            total += int(counts[int(rng.integers(n))])
            if total >= items:
                result = day
                break
        out[i] = result
    return out


def naive_how_many_mc(counts, days, trials, seed):
    """Per-trial totals over ``days`` working days, one plain Python loop per
    trial, one draw per day using numpy.random.default_rng(seed)."""
    _check_counts(counts)
    assert days >= 0 and trials >= 1
    rng = np.random.default_rng(seed)
    n = len(counts)
    out = np.empty(trials, dtype=np.int64)
    for i in range(trials):
        total = 0
        for _day in range(days):
            total += int(counts[int(rng.integers(n))])
        out[i] = total
    return out
