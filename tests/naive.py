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
* Bayesian bootstrap (the ``naive_bayes_*`` functions): the sample is a 2-D
  array of history rows (blocks of consecutive working days); the future is
  made of whole rows drawn i.i.d. with Dirichlet(1, ..., 1) weights over the
  rows. See the section comment before those functions.
"""

from __future__ import annotations

import datetime
import itertools
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


# ===========================================================================
# Bayesian bootstrap over history rows (blocks), by brute-force enumeration
# ===========================================================================
#
# ``blocks`` has shape (R, width): R history rows, each ``width`` consecutive
# working days (width 1 = single days, width 5 = whole working weeks).
#
# One trial: weights w ~ Dirichlet(1, ..., 1) over the R rows; the future is a
# sequence of rows drawn i.i.d. with probabilities w, each drawn row supplying
# the next ``width`` working days in its own order. When ``days`` is not a
# multiple of width, the last row drawn is used only for its first
# (days mod width) days.
#
# Integrating w out gives a Polya urn with one ball per row to start with:
#     P(next row = r | rows drawn so far) = (1 + k_r) / (R + j)
# where k_r is how often row r has been drawn among the j rows drawn so far.
#
# The exact functions below list EVERY sequence of row indices (R ** rows of
# them), give each its urn probability as a product of Fractions, and add the
# probabilities up by outcome. Only meant for tiny cases (R <= 4 and a handful
# of rows); the Monte Carlo functions literally draw the Dirichlet weights and
# then the rows with numpy, for a statistical self-check.

MAX_SEQUENCES = 300_000  # refuse enumerations bigger than this (they would be slow)


def _check_blocks(blocks):
    """Return ``blocks`` as a list of R rows (lists of ints) after checking it."""
    array = np.asarray(blocks)
    assert array.ndim == 2, "blocks must be 2-D: (rows, width)"
    n_rows, width = array.shape
    assert n_rows >= 1, "no history row"
    assert width >= 1, "rows must have at least one day"
    rows = []
    for r in range(n_rows):
        row = []
        for c in array[r]:
            assert int(c) == c and c >= 0, "counts must be non-negative integers"
            row.append(int(c))
        rows.append(row)
    return rows


def _rows_needed(days, width):
    """Number of rows needed to cover ``days`` working days: ceil(days / width)."""
    rows = days // width
    if days % width != 0:
        rows += 1
    return rows


def _urn_probability(sequence, n_rows, alphas=None):
    """Exact probability of one sequence of row indices under the Polya urn
    (start with one ball per row, put the drawn ball back plus one more).
    With ``alphas``, row r starts with alphas[r] balls (any positive real:
    the Dirichlet(alphas)-multinomial), each float taken as the exact
    fraction it is."""
    start = [Fraction(1)] * n_rows if alphas is None else [Fraction(float(a)) for a in alphas]
    assert len(start) == n_rows and all(a > 0 for a in start)
    total = sum(start)
    drawn = [0] * n_rows
    prob = Fraction(1)
    for j, r in enumerate(sequence):
        prob = prob * (start[r] + drawn[r]) / (total + j)
        drawn[r] += 1
    return prob


def _future_days(rows, sequence, days):
    """The first ``days`` daily counts of the future built from ``sequence``
    (rows laid end to end in draw order, the last one cut short if needed)."""
    out = []
    for r in sequence:
        for c in rows[r]:
            out.append(c)
    assert len(out) >= days
    return out[:days]


def _all_sequences(n_rows, n_draws):
    """Every sequence of ``n_draws`` row indices (with repetition, order
    matters), after checking that there are not too many of them."""
    assert n_rows**n_draws <= MAX_SEQUENCES, (
        f"{n_rows}**{n_draws} sequences: too many for the brute-force oracle"
    )
    return itertools.product(range(n_rows), repeat=n_draws)


def naive_bayes_how_many_pmf(blocks, days, exact=False, alphas=None):
    """Exact distribution of S, the items completed in the first ``days``
    working days of the future, under the Bayesian bootstrap over the rows of
    ``blocks`` (see the section comment above).

    Brute force, written to be obviously correct rather than fast: every
    sequence of ceil(days / width) row indices is enumerated, weighted by its
    Polya-urn probability (exact Fractions), and its total over the first
    ``days`` days is tallied. Only for tiny cases (R ** rows <= MAX_SEQUENCES).

    Returns a list ``pmf`` with pmf[n] = P(S = n) for n = 0 .. the largest
    total any sequence reaches (so pmf[-1] > 0; totals in between that cannot
    happen get 0). days = 0 gives [1]. Floats, or Fractions with
    ``exact=True``. ``alphas``: Dirichlet(alphas) weights instead of
    Dirichlet(1, ..., 1), one parameter per row.
    """
    rows = _check_blocks(blocks)
    assert int(days) == days and days >= 0
    days = int(days)
    n_rows, width = len(rows), len(rows[0])

    by_total = {}
    for sequence in _all_sequences(n_rows, _rows_needed(days, width)):
        total = sum(_future_days(rows, sequence, days))
        by_total[total] = by_total.get(total, Fraction(0)) + _urn_probability(
            sequence, n_rows, alphas)

    pmf = []
    for n in range(max(by_total) + 1):
        pmf.append(by_total.get(n, Fraction(0)))
    assert sum(pmf) == 1
    if exact:
        return pmf
    return [float(p) for p in pmf]


def naive_bayes_when_pmf(blocks, items, horizon, exact=False, alphas=None):
    """Exact distribution of the completion day T for ``items`` items under
    the Bayesian bootstrap over the rows of ``blocks`` (see the section
    comment above). T is the first working day d >= 1 (day 1 = the first day
    of the forecast) on which the running total of the future's daily counts
    is >= ``items``.

    Brute force, written to be obviously correct rather than fast: every
    sequence of ceil(horizon / width) row indices is enumerated, weighted by
    its Polya-urn probability (exact Fractions), and its daily counts are
    walked day by day up to ``horizon``. Only for tiny cases.

    Returns (pmf, beyond): ``pmf`` is a list of length horizon + 1 with
    pmf[0] = 0 and pmf[d] = P(T = d) for d = 1 .. horizon; ``beyond`` is
    P(T > horizon). Floats, or Fractions with ``exact=True``. ``alphas`` as
    for naive_bayes_how_many_pmf.
    """
    rows = _check_blocks(blocks)
    assert int(items) == items and items >= 1
    assert int(horizon) == horizon and horizon >= 0
    items, horizon = int(items), int(horizon)
    n_rows, width = len(rows), len(rows[0])

    pmf = [Fraction(0)] * (horizon + 1)
    beyond = Fraction(0)
    for sequence in _all_sequences(n_rows, _rows_needed(horizon, width)):
        prob = _urn_probability(sequence, n_rows, alphas)
        finished_on = None
        running = 0
        for day, c in enumerate(_future_days(rows, sequence, horizon), start=1):
            running += c
            if running >= items:
                finished_on = day
                break
        if finished_on is None:
            beyond = beyond + prob
        else:
            pmf[finished_on] = pmf[finished_on] + prob

    assert pmf[0] == 0
    assert sum(pmf) + beyond == 1
    if exact:
        return pmf, beyond
    return [float(p) for p in pmf], float(beyond)


def _naive_bayes_trial_days(rng, rows, days, alphas=None):
    """One Monte Carlo trial: draw Dirichlet(1, ..., 1) (or Dirichlet(alphas))
    weights over the rows, then enough rows i.i.d. with those weights; return
    the first ``days`` daily counts of the future."""
    n_rows, width = len(rows), len(rows[0])
    weights = rng.dirichlet(np.ones(n_rows) if alphas is None else np.asarray(alphas, float))
    picked = rng.choice(n_rows, size=_rows_needed(days, width), replace=True, p=weights)
    return _future_days(rows, [int(r) for r in picked], days)


def naive_bayes_how_many_mc(blocks, days, trials, seed, alphas=None):
    """Per-trial totals over the first ``days`` working days under the
    Bayesian bootstrap, by literally drawing the weights with
    Generator.dirichlet and the rows with Generator.choice, one plain Python
    loop per trial (numpy.random.default_rng(seed)). Returns an int64 array
    of shape (trials,)."""
    rows = _check_blocks(blocks)
    assert days >= 0 and trials >= 1
    rng = np.random.default_rng(seed)
    out = np.empty(trials, dtype=np.int64)
    for i in range(trials):
        out[i] = sum(_naive_bayes_trial_days(rng, rows, days, alphas))
    return out


def naive_bayes_when_mc(blocks, items, trials, seed, horizon, alphas=None):
    """Per-trial completion days under the Bayesian bootstrap (horizon + 1 for
    trials not finished within ``horizon`` days), drawn as in
    naive_bayes_how_many_mc. Returns an int64 array of shape (trials,)."""
    rows = _check_blocks(blocks)
    assert items >= 1 and trials >= 1 and horizon >= 0
    rng = np.random.default_rng(seed)
    out = np.empty(trials, dtype=np.int64)
    for i in range(trials):
        result = horizon + 1
        running = 0
        for day, c in enumerate(_naive_bayes_trial_days(rng, rows, horizon, alphas), start=1):
            running += c
            if running >= items:
                result = day
                break
        out[i] = result
    return out


# ===========================================================================
# Portfolio plan: several teams, several outcomes, dependencies, risks
# ===========================================================================
#
# Per-trial day-by-day simulation, written literally from the decided
# semantics (plain Python loops, one numpy Generator, no vectorisation):
#
# * Day indices i = 0 .. H-1 (calendar days from the start; H = horizon).
# * Team t: "counts" (throughput per working day), "wip" (>= 1) and
#   "capacity" (H floats: 0 = non-working day, else a capacity factor).
# * Outcome o: "parts" {team: size spec}, "split" (None or (low, high)),
#   "depends_on" (outcome indices), "priority" (ascending; ties by index).
#   Size spec: int >= 1; tuple (low, high) = uniform integer in [low, high];
#   list = pool, one element drawn uniformly.
# * Risk: "outcome", "probability", and either "items" = (low, high) extra
#   items (added to the part on "team" if given, else on the outcome's
#   lowest-indexed team) or "delay_start" = day index before which the
#   outcome receives no items (latest start wins).
# * Before day 0 of each trial: draw part sizes; apply the split multiplier
#   m ~ Uniform(low, high) (one m per outcome) as max(1, stochastic_round(
#   size * m)); then draw and apply each risk.
# * Each day, each team in index order: capacity 0 -> nothing. Otherwise draw
#   k from counts; c < 1 -> keep each item with probability c; c > 1 ->
#   stochastic_round(k * c). Then item by item: eligible = the first "wip" of
#   the team's unfinished, unblocked parts in priority order; none -> the rest
#   of the day is lost; else one eligible part, chosen uniformly, loses one
#   item. A part reaching 0 is finished; an outcome whose parts are all
#   finished completes on day i.
# * Unblocked on day i: every dependency completed on a day < i (strictly),
#   and i >= the outcome's delay start (if a delay risk happened).
# * Not completed by day H-1 -> completion day H (sentinel).


def _naive_stochastic_round(rng, x):
    """floor(x) plus 1 with probability x - floor(x)."""
    assert x >= 0
    whole = int(np.floor(x))
    fraction = x - whole
    extra = 1 if rng.random() < fraction else 0
    return whole + extra


def _naive_draw_size(rng, spec):
    """One draw of a part size from its spec (int, (low, high) tuple, or list pool)."""
    if isinstance(spec, bool):
        raise TypeError("a size spec cannot be a bool")
    if isinstance(spec, (int, np.integer)):
        assert spec >= 1, "a fixed size must be >= 1"
        return int(spec)
    if isinstance(spec, tuple):
        assert len(spec) == 2, "a range is (low, high)"
        low, high = int(spec[0]), int(spec[1])
        assert 1 <= low <= high, "a range needs 1 <= low <= high"
        return int(rng.integers(low, high + 1))  # inclusive of high
    if isinstance(spec, list):
        assert len(spec) >= 1, "empty pool"
        for s in spec:
            assert int(s) == s and s >= 1, "pool sizes must be integers >= 1"
        return int(spec[int(rng.integers(len(spec)))])
    raise TypeError(f"unknown size spec {spec!r}")


def naive_day_throughput(rng, counts, c):
    """Items a team can take off on one day with capacity factor ``c``.

    c == 0: nothing (and no draw). Otherwise k is drawn uniformly from
    ``counts``; c < 1 keeps each of the k items independently with probability
    c (a Binomial(k, c) draw, done item by item); c == 1 keeps k; c > 1 gives
    stochastic_round(k * c)."""
    assert c >= 0
    if c == 0:
        return 0
    k = int(counts[int(rng.integers(len(counts)))])
    if c < 1:
        kept = 0
        for _item in range(k):
            if rng.random() < c:
                kept += 1
        return kept
    if c == 1:
        return k
    return _naive_stochastic_round(rng, k * c)


def _naive_check_plan(teams, outcomes, risks, horizon):
    assert horizon >= 0
    assert len(teams) >= 1
    for team in teams:
        _check_counts(team["counts"])
        assert int(team["wip"]) == team["wip"] and team["wip"] >= 1
        assert len(team["capacity"]) == horizon, "one capacity value per day index"
        for c in team["capacity"]:
            assert c >= 0
    for o, outcome in enumerate(outcomes):
        assert len(outcome["parts"]) >= 1, f"outcome {o} has no part"
        for t in outcome["parts"]:
            assert 0 <= t < len(teams), f"outcome {o}: unknown team {t}"
        split = outcome["split"]
        if split is not None:
            low, high = split
            assert 0 < low <= high
        for d in outcome["depends_on"]:
            assert 0 <= d < len(outcomes), f"outcome {o}: unknown dependency {d}"
        assert int(outcome["priority"]) == outcome["priority"]
    for risk in risks:
        assert 0 <= risk["outcome"] < len(outcomes)
        assert 0 <= risk["probability"] <= 1
        has_items = "items" in risk
        has_delay = "delay_start" in risk
        assert has_items != has_delay, "a risk has exactly one impact"
        if has_items:
            low, high = risk["items"]
            assert 0 <= low <= high
            if risk.get("team") is not None:
                assert risk["team"] in outcomes[risk["outcome"]]["parts"], (
                    "the risk's team has no part in its outcome"
                )
        else:
            assert "team" not in risk, "'team' only goes with 'items'"
            assert int(risk["delay_start"]) == risk["delay_start"]


def _naive_draw_trial(rng, outcomes, risks):
    """Steps 1-3 before day 0 of one trial.

    Returns (remaining, delay): remaining[o] is a dict {team: items left} and
    delay[o] is the outcome's delay start day index or None."""
    remaining = []
    for outcome in outcomes:
        # 1. sizes, part by part in ascending team index
        sizes = {}
        for t in sorted(outcome["parts"]):
            sizes[t] = _naive_draw_size(rng, outcome["parts"][t])
        # 2. split: one multiplier for the whole outcome
        if outcome["split"] is not None:
            low, high = outcome["split"]
            m = float(rng.uniform(low, high))
            for t in sorted(sizes):
                sizes[t] = max(1, _naive_stochastic_round(rng, sizes[t] * m))
        remaining.append(sizes)

    # 3. risks, each independently
    delay = [None] * len(outcomes)
    for risk in risks:
        o = risk["outcome"]
        happens = rng.random() < risk["probability"]
        if not happens:
            continue
        if "items" in risk:
            low, high = risk["items"]
            extra = int(rng.integers(low, high + 1))  # inclusive of high
            team = risk.get("team")
            if team is None:
                team = min(outcomes[o]["parts"])  # lowest-indexed team
            remaining[o][team] += extra
        else:
            start = int(risk["delay_start"])
            if delay[o] is None or start > delay[o]:
                delay[o] = start  # latest start wins
    return remaining, delay


def _naive_unblocked(o, day, outcomes, completed, delay):
    """True when outcome ``o`` may receive items on day index ``day``."""
    for d in outcomes[o]["depends_on"]:
        if completed[d] is None:
            return False
        if not completed[d] < day:  # strictly before
            return False
    if delay[o] is not None and day < delay[o]:
        return False
    return True


def naive_plan_mc(teams, outcomes, risks, horizon, trials, seed):
    """Completion day index of every outcome in every trial.

    Returns a numpy int64 array of shape (trials, len(outcomes)); an outcome
    not completed by day index horizon - 1 gets ``horizon``. See the section
    comment above for the semantics. Uses numpy.random.default_rng(seed), so it
    is only comparable statistically with another engine."""
    _naive_check_plan(teams, outcomes, risks, horizon)
    assert trials >= 1
    rng = np.random.default_rng(seed)
    n_teams = len(teams)
    n_outcomes = len(outcomes)

    # Each team's parts (given as outcome indices), in priority order.
    team_order = []
    for t in range(n_teams):
        mine = [o for o in range(n_outcomes) if t in outcomes[o]["parts"]]
        mine.sort(key=lambda o: (outcomes[o]["priority"], o))
        team_order.append(mine)

    out = np.empty((trials, n_outcomes), dtype=np.int64)
    for trial in range(trials):
        remaining, delay = _naive_draw_trial(rng, outcomes, risks)
        completed = [None] * n_outcomes

        for day in range(horizon):
            if all(c is not None for c in completed):
                break  # nothing left to do: later days cannot change the result
            for t in range(n_teams):
                team = teams[t]
                c = team["capacity"][day]
                if c == 0:
                    continue
                k = naive_day_throughput(rng, team["counts"], c)
                for _item in range(k):
                    candidates = []
                    for o in team_order[t]:
                        unfinished = remaining[o][t] > 0
                        if unfinished and _naive_unblocked(o, day, outcomes, completed, delay):
                            candidates.append(o)
                    eligible = candidates[: int(team["wip"])]
                    if not eligible:
                        break  # the rest of today's items are lost
                    o = eligible[int(rng.integers(len(eligible)))]
                    remaining[o][t] -= 1
                    if remaining[o][t] == 0:
                        all_done = True
                        for left in remaining[o].values():
                            if left != 0:
                                all_done = False
                        if all_done:
                            assert completed[o] is None
                            completed[o] = day

        for o in range(n_outcomes):
            out[trial, o] = horizon if completed[o] is None else completed[o]
    return out


def naive_joint_probability(days, targets):
    """Share of trials in which every outcome o with targets[o] not None has
    days[trial, o] <= targets[o]. With no target at all the answer is 1."""
    days = np.asarray(days)
    assert days.ndim == 2 and days.shape[1] == len(targets)
    n = days.shape[0]
    assert n >= 1
    hits = 0
    for row in range(n):
        ok = True
        for o, target in enumerate(targets):
            if target is not None and int(days[row, o]) > target:
                ok = False
        if ok:
            hits += 1
    return hits / n


def naive_percentile_days(days_column, p, horizon):
    """Smallest day index d in 0..horizon-1 with (share of trials with
    completion <= d) >= p/100 - 1e-9, or None when no such d exists (the
    sentinel ``horizon`` is never returned)."""
    assert 0 < p <= 100
    column = np.asarray(days_column)
    n = len(column)
    assert n >= 1
    threshold = p / 100 - TOLERANCE
    for d in range(horizon):
        count = int(np.count_nonzero(column <= d))
        if count / n >= threshold:
            return d
    return None
