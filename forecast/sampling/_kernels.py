"""Numba kernels: every compiled function of the package, and nothing else.

The kernels take only NumPy arrays and scalars. Randomness comes from a
per-trial stream: trial ``t`` of a run with seed ``s`` seeds a xoshiro256**
generator from SplitMix64 outputs of ``mix(mix(s) + t * GAMMA)``, so a trial's
draws depend only on ``(s, t)``: results are identical for any number of
threads and any chunking of the trials. The plan kernel gives each team of a
trial a stream of its own (and the sizes, scope growth and risks another), so
a team's draws depend only on its own days. ``forecast.sampling._reference`` holds a
pure-Python twin of every kernel on the same streams.

All 64-bit arithmetic is done on ``uint64`` constants so that numba never
promotes a mixed signed/unsigned expression to float.
"""

from __future__ import annotations

import math
import types

import numpy as np
from numba import njit as _numba_njit
from numba import prange
from numba.core import types as nbtypes
from numba.extending import intrinsic


def njit(*args, **kwargs):
    """Compile with the project's numba options (cached, nogil, numpy errors).

    ``parallel=True`` may be passed through; ``fastmath`` is never enabled.
    """
    options = {"cache": True, "nogil": True, "error_model": "numpy"}
    options.update(kwargs)
    if args and callable(args[0]):
        return _numba_njit(**options)(args[0])
    return _numba_njit(*args, **options)


_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S17 = np.uint64(17)
_S11 = np.uint64(11)
_FIVE = np.uint64(5)
_NINE = np.uint64(9)
_U7 = np.uint64(7)
_U57 = np.uint64(57)
_U45 = np.uint64(45)
_U19 = np.uint64(19)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_ZERO = np.uint64(0)
_ONE = np.uint64(1)
_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_S1 = np.uint64(1)
_S2 = np.uint64(2)
_S4 = np.uint64(4)
_S56 = np.uint64(56)


@njit
def mix64(z):
    """SplitMix64's output function: a bijective scrambling of 64 bits."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit
def trial_state(key, trial):
    """Return the four xoshiro256** state words of ``trial`` for a mixed seed ``key``."""
    x = mix64(key + np.uint64(trial) * _GAMMA)
    x = x + _GAMMA
    s0 = mix64(x)
    x = x + _GAMMA
    s1 = mix64(x)
    x = x + _GAMMA
    s2 = mix64(x)
    x = x + _GAMMA
    s3 = mix64(x)
    return s0, s1, s2, s3


@njit
def next_u64(s0, s1, s2, s3):
    """One xoshiro256** step: return ``(output, s0, s1, s2, s3)``."""
    x = s1 * _FIVE
    result = ((x << _U7) | (x >> _U57)) * _NINE
    t = s1 << _S17
    s2 = s2 ^ s0
    s3 = s3 ^ s1
    s1 = s1 ^ s2
    s0 = s0 ^ s3
    s2 = s2 ^ t
    s3 = (s3 << _U45) | (s3 >> _U19)
    return result, s0, s1, s2, s3


@njit
def popcount(x):
    """Return the number of set bits of a 64-bit word (SWAR)."""
    x = x - ((x >> _S1) & _M1)
    x = (x & _M2) + ((x >> _S2) & _M2)
    x = (x + (x >> _S4)) & _M4
    return np.int64((x * _H01) >> _S56)


@njit
def below(r, n):
    """Map a 64-bit output ``r`` to an index in ``[0, n)`` via its top 53 bits."""
    return np.int64(np.float64(r >> _S11) * _TO_UNIT * n)


def _when_days(counts, items, horizon, seed, trials):
    out = np.empty(trials, dtype=np.int32)
    n = counts.size
    key = mix64(np.uint64(seed))
    for t in prange(trials):
        s0, s1, s2, s3 = trial_state(key, t)
        total = 0
        day = 0
        while total < items and day < horizon:
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            total += counts[below(r, n)]
            day += 1
        out[t] = day if total >= items else horizon + 1
    return out


def _how_many_totals(counts, days, seed, trials):
    out = np.empty(trials, dtype=np.int64)
    n = counts.size
    key = mix64(np.uint64(seed))
    for t in prange(trials):
        s0, s1, s2, s3 = trial_state(key, t)
        total = 0
        for _ in range(days):
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            total += counts[below(r, n)]
        out[t] = total
    return out


@njit
def gamma_draw(a, s0, s1, s2, s3):
    """One Gamma(``a``, 1) draw (``a > 0``); returns ``(x, s0, s1, s2, s3)``.

    Marsaglia and Tsang's squeeze-free method for ``a >= 1`` (a Box-Muller
    normal from two outputs, one uniform to accept); for ``a < 1``, a draw of
    Gamma(``a + 1``) times ``U ** (1 / a)``, with ``U`` drawn first.
    """
    boost = 1.0
    if a < 1.0:
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        boost = unit(r) ** (1.0 / a)
        a = a + 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        radius = math.sqrt(-2.0 * math.log(1.0 - unit(r)))
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        z = radius * math.cos(2.0 * math.pi * unit(r))
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        if math.log(1.0 - unit(r)) < 0.5 * z * z + d - d * v + d * math.log(v):
            return d * v * boost, s0, s1, s2, s3


@njit
def dirichlet_cdf(alphas, s0, s1, s2, s3):
    """Cumulative Dirichlet(``alphas``) weights of ``alphas.size`` blocks (unnormalised).

    The weights are independent Gamma(``alphas[i]``) draws (Exp(1) draws,
    one output each, where ``alphas[i]`` is 1: the Bayesian bootstrap), a
    Dirichlet vector once normalised; returns ``(cdf, s0, s1, s2, s3)``.
    """
    n = alphas.size
    cdf = np.empty(n)
    acc = 0.0
    for i in range(n):
        if alphas[i] == 1.0:
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            acc += -np.log(1.0 - unit(r))
        else:
            x, s0, s1, s2, s3 = gamma_draw(alphas[i], s0, s1, s2, s3)
            acc += x
        cdf[i] = acc
    return cdf, s0, s1, s2, s3


@njit
def weighted_index(cdf, x):
    """Smallest ``i`` with ``cdf[i] > x`` (binary search)."""
    lo = 0
    hi = cdf.size - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _when_days_blocks(blocks, items, horizon, seed, trials, bayes, alphas):
    out = np.empty(trials, dtype=np.int32)
    n = blocks.shape[0]
    width = blocks.shape[1]
    key = mix64(np.uint64(seed))
    for t in prange(trials):
        s0, s1, s2, s3 = trial_state(key, t)
        cdf = np.empty(1)
        if bayes:
            cdf, s0, s1, s2, s3 = dirichlet_cdf(alphas, s0, s1, s2, s3)
        total = 0
        day = 0
        while total < items and day < horizon:
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            b = weighted_index(cdf, unit(r) * cdf[n - 1]) if bayes else below(r, n)
            for j in range(width):
                total += blocks[b, j]
                day += 1
                if total >= items or day >= horizon:
                    break
        out[t] = day if total >= items else horizon + 1
    return out


def _how_many_blocks(blocks, days, seed, trials, bayes, alphas):
    out = np.empty(trials, dtype=np.int64)
    n = blocks.shape[0]
    width = blocks.shape[1]
    key = mix64(np.uint64(seed))
    for t in prange(trials):
        s0, s1, s2, s3 = trial_state(key, t)
        cdf = np.empty(1)
        if bayes:
            cdf, s0, s1, s2, s3 = dirichlet_cdf(alphas, s0, s1, s2, s3)
        total = 0
        day = 0
        while day < days:
            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
            b = weighted_index(cdf, unit(r) * cdf[n - 1]) if bayes else below(r, n)
            for j in range(width):
                total += blocks[b, j]
                day += 1
                if day >= days:
                    break
        out[t] = total
    return out


def _twin(func, name):
    """Return a copy of ``func`` under another name.

    numba's on-disk cache is keyed by a function's qualified name and line, so
    the serial and the parallel compilations of one body need distinct names.
    """
    copy = types.FunctionType(func.__code__, func.__globals__, name, func.__defaults__)
    copy.__qualname__ = name
    return copy


when_days = njit(parallel=True)(_twin(_when_days, "when_days"))
"""Completion day of each trial (``horizon + 1`` when not done), parallel over trials."""
when_days_serial = njit(_twin(_when_days, "when_days_serial"))
"""The same as :func:`when_days` on one thread."""
how_many_totals = njit(parallel=True)(_twin(_how_many_totals, "how_many_totals"))
"""Items completed in ``days`` working days, per trial, parallel over trials."""
how_many_totals_serial = njit(_twin(_how_many_totals, "how_many_totals_serial"))
"""The same as :func:`how_many_totals` on one thread."""
when_days_blocks = njit(parallel=True)(_twin(_when_days_blocks, "when_days_blocks"))
"""Completion day per trial, drawing whole blocks of days (weekly) and, with
``bayes``, with per-trial Dirichlet(``alphas``) weights over the blocks (one
parameter per block)."""
when_days_blocks_serial = njit(_twin(_when_days_blocks, "when_days_blocks_serial"))
"""The same as :func:`when_days_blocks` on one thread."""
how_many_blocks = njit(parallel=True)(_twin(_how_many_blocks, "how_many_blocks"))
"""Items completed in ``days`` working days per trial, drawing blocks as above."""
how_many_blocks_serial = njit(_twin(_how_many_blocks, "how_many_blocks_serial"))
"""The same as :func:`how_many_blocks` on one thread."""


@njit
def exact_when_pmf(values, probs, items, horizon, tol):
    """Distribution of the completion day of ``items`` items (exact recursion).

    ``values``/``probs`` is the daily throughput distribution restricted to
    its support. Keeps ``P(total == s, not done)`` for ``s < items`` and moves
    it forward one working day at a time; returns ``(pmf, remaining)`` where
    ``pmf[d]`` is the probability of finishing on day ``d`` and ``remaining``
    the mass not finished when the loop stopped (at ``horizon``, or once the
    remaining mass fell below ``tol``). Only totals that can hold mass by day
    ``d`` (at most ``d * max(values)``) are visited.
    """
    pmf = np.zeros(horizon + 1)
    running = np.zeros(items)
    following = np.zeros(items)
    running[0] = 1.0
    remaining = 1.0
    top_value = values.max()
    reach = 0  # highest total that can hold mass
    for day in range(1, horizon + 1):
        next_reach = min(reach + top_value, items - 1)
        following[: next_reach + 1] = 0.0
        done = 0.0
        for j in range(values.size):
            shift = values[j]
            prob = probs[j]
            keep = max(min(items - shift, reach + 1), 0)
            for s in range(keep):  # contiguous, branch-free: vectorises
                following[s + shift] += running[s] * prob
            for s in range(keep, reach + 1):
                done += running[s] * prob
        pmf[day] = done
        running, following = following, running
        reach = next_reach
        remaining = running[: reach + 1].sum()
        if remaining < tol:
            break
    return pmf, remaining


@njit
def exact_how_many_pmf(values, probs, days):
    """Distribution of the total of ``days`` independent daily draws (direct)."""
    wanted = np.empty(1, dtype=np.int64)
    wanted[0] = days
    return exact_how_many_rows(values, probs, wanted)[0]


@njit
def _log_factorials(size):
    """``out[i] = log(i!)`` for ``i < size``."""
    out = np.empty(size)
    for i in range(size):
        out[i] = math.lgamma(i + 1.0)
    return out


@njit
def polya_rows(values, counts, days, cap):
    """Distributions of the totals of ``m = 0 .. days`` draws from a Polya urn (exact).

    The urn starts with ``counts[j]`` balls of value ``values[j]`` (values
    distinct and ascending, counts > 0; a fractional count is a Dirichlet
    parameter that is not whole, as the time-weighted bootstrap's are); each
    draw returns its ball with one more of the same value. Returns ``rows[m, s] = P(S_m = s)`` for
    totals ``s < cap`` (``cap <= 0``: every total). Totals never decrease, so
    dropping those at or above ``cap`` is exact below it (When needs no more).

    The first value's layer is a point mass (every draw is ``values[0]``).
    Each further value joins either one ball at a time, by
    ``g(m, s) = b / (m + b) * g_old(m, s) + m / (m + b) * g(m - 1, s - v)``
    with ``b`` the balls already in (a Dirichlet(1, ..., 1) urn over balls
    is uniform over compositions, so the new ball's share of ``m`` draws is
    ``a`` with chance ``C(m - a + b - 1, b - 1) / C(m + b, b)``), or all its
    ``c`` balls at once, with beta-binomial weights (see
    :mod:`forecast.sampling.exact`), whichever needs fewer operations (one
    ball at a time only for a whole ``c``).
    """
    k = values.size
    v0 = values[0]
    full = days * values[k - 1] + 1
    size = full if cap <= 0 or cap > full else cap
    cur = np.zeros((days + 1, size))
    for m in range(days + 1):
        if v0 * m < size:
            cur[m, v0 * m] = 1.0
    nxt = np.zeros((days + 1, size))
    lf = _log_factorials(days + 1)
    lga = np.empty(days + 1)
    lgb = np.empty(days + 1)
    balls = counts[0]
    for j in range(1, k):
        v = values[j]
        below = values[j - 1]
        c = counts[j]
        reach = (size - 1) // v
        single = 0.0
        joint = 0.0
        for m in range(days + 1):
            single += min(size, (v - v0) * m + 1)
            joint += (min(m, reach) + 1) * (min(size, (below - v0) * m + 1) + 20)
        if c * single <= joint and c == math.floor(c):
            for _ in range(int(c)):  # one ball at a time, in place, m ascending
                for m in range(1, days + 1):
                    lo = v0 * m
                    if lo >= size:
                        break
                    keep = balls / (m + balls)
                    move = m / (m + balls)
                    row = cur[m]
                    prev = cur[m - 1]  # already holds the new layer
                    for s in range(lo, min(v * m, size - 1) + 1):
                        t = s - v
                        row[s] = keep * row[s] + (move * prev[t] if t >= 0 else 0.0)
                balls += 1.0
            continue
        alpha, beta = c, balls
        const = math.lgamma(alpha + beta) - math.lgamma(alpha) - math.lgamma(beta)
        for i in range(days + 1):
            lga[i] = math.lgamma(i + alpha)
            lgb[i] = math.lgamma(i + beta)
        for m in range(days + 1):
            row = nxt[m]
            row[: min(v * m + 1, size)] = 0.0
            lab = math.lgamma(m + alpha + beta)
            for a in range(min(m, reach) + 1):
                shift = v * a
                if v0 * (m - a) + shift >= size:
                    break
                w = math.exp(lf[m] - lf[a] - lf[m - a] + lga[a] + lgb[m - a] - lab + const)
                if w == 0.0:
                    continue
                src = cur[m - a]
                for s in range(v0 * (m - a), min(below * (m - a), size - 1 - shift) + 1):
                    row[s + shift] += w * src[s]
        cur, nxt = nxt, cur
        balls += c
    return cur


@njit
def exact_how_many_rows(values, probs, days):
    """Distributions of the totals of ``days[i]`` independent daily draws (ascending ``days``).

    One pass of :func:`exact_how_many_pmf` up to the longest, kept at each of ``days``.
    """
    top_value = values.max()
    longest = days[days.size - 1]
    size = longest * top_value + 1
    out = np.zeros((days.size, size))
    current = np.zeros(size)
    following = np.zeros(size)
    current[0] = 1.0
    top = 0
    at = 0
    while at < days.size and days[at] == 0:
        out[at, 0] = 1.0
        at += 1
    for day in range(1, longest + 1):
        following[: top + top_value + 1] = 0.0
        for s in range(top + 1):
            mass = current[s]
            if mass == 0.0:
                continue
            for j in range(values.size):
                following[s + values[j]] += mass * probs[j]
        current, following = following, current
        top += top_value
        while at < days.size and days[at] == day:
            out[at, : top + 1] = current[: top + 1]
            at += 1
    return out


@njit
def block_prefix_pmfs(blocks):
    """``out[j]`` = distribution of the sum of a drawn block's first ``j`` days, j = 0..width."""
    rows, width = blocks.shape
    prefix = np.zeros((rows, width + 1), dtype=np.int64)
    for r in range(rows):
        for j in range(width):
            prefix[r, j + 1] = prefix[r, j] + blocks[r, j]
    top = 0
    for r in range(rows):
        top = max(top, prefix[r, width])
    out = np.zeros((width + 1, top + 1))
    for r in range(rows):
        for j in range(width + 1):
            out[j, prefix[r, j]] += 1.0 / rows
    return out


@njit
def blocks_how_many_rows(blocks, days):
    """Distributions of items in ``days[i]`` working days when whole blocks are drawn.

    ``days`` ascending; whole blocks are convolved one at a time and the
    block in progress on the last day adds the sum of its first days.
    """
    width = blocks.shape[1]
    prefix = block_prefix_pmfs(blocks)
    week = prefix[width]
    longest = days[days.size - 1] // width
    top_value = week.size - 1
    size = (longest + 1) * top_value + 1
    out = np.zeros((days.size, size))
    current = np.zeros(size)
    following = np.zeros(size)
    current[0] = 1.0
    top = 0
    at = 0
    for whole in range(longest + 1):
        if whole > 0:
            following[: top + top_value + 1] = 0.0
            for s in range(top + 1):
                mass = current[s]
                if mass == 0.0:
                    continue
                for v in range(top_value + 1):
                    following[s + v] += mass * week[v]
            current, following = following, current
            top += top_value
        while at < days.size and days[at] // width == whole:
            rest = prefix[days[at] % width]
            for s in range(top + 1):
                mass = current[s]
                if mass == 0.0:
                    continue
                for v in range(rest.size):
                    out[at, s + v] += mass * rest[v]
            at += 1
    return out


@njit
def blocks_when_pmf(blocks, items, horizon, tol):
    """Completion-day distribution when whole blocks are drawn (exact; see ``when_pmf_blocks``).

    Keeps ``P(S_k = s)`` for ``s < items`` after ``k`` whole blocks, and reads
    day ``k * width + j`` from the chance that the block in progress brings
    its first ``j`` days to ``items`` or more. Returns ``(cdf, last)``: ``cdf[d]
    = P(T <= d)`` through day ``last``, where the loop stopped (the horizon, or
    once the mass not done fell below ``tol``; later days are done).
    """
    width = blocks.shape[1]
    prefix = block_prefix_pmfs(blocks)
    week = prefix[width]
    # survival[j, t] = P(P_j >= t) for t = 0 .. items
    survival = np.zeros((width + 1, items + 1))
    for j in range(width + 1):
        acc = 0.0
        for t in range(items + 1):
            survival[j, t] = max(1.0 - acc, 0.0)
            if t < prefix.shape[1]:
                acc += prefix[j, t]
    cdf = np.zeros(horizon + 1)
    running = np.zeros(items)
    following = np.zeros(items)
    running[0] = 1.0
    day = 0
    last = horizon
    while day < horizon:
        alive = 0.0
        for s in range(items):
            alive += running[s]
        for j in range(1, width + 1):
            day += 1
            if day > horizon:
                break
            done = 1.0 - alive
            for s in range(items):
                if running[s] != 0.0:
                    done += running[s] * survival[j, items - s]
            cdf[day] = done
        if day >= horizon:
            break
        following[:] = 0.0
        for s in range(items):
            mass = running[s]
            if mass == 0.0:
                continue
            for v in range(min(week.size, items - s)):
                following[s + v] += mass * week[v]
        running, following = following, running
        remaining = 0.0
        for s in range(items):
            remaining += running[s]
        if remaining < tol:
            last = day
            break
    return cdf, last


@njit
def score_count(pmf, y, levels):
    """Scores of a distribution on 0, 1, 2 ... against the outcome ``y`` (exact).

    Returns ``(crps, pinball, pit, at_least, at_most)``; see
    :mod:`forecast.evaluation.scoring` for each one's definition.
    """
    n = pmf.size
    cdf = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc += pmf[i]
        cdf[i] = acc
    survival = np.empty(n)
    acc = 0.0
    for i in range(n - 1, -1, -1):
        acc += pmf[i]
        survival[i] = acc
    at_least = np.zeros(levels.size, dtype=np.int64)
    at_most = np.zeros(levels.size, dtype=np.int64)
    for i in range(levels.size):
        q = levels[i] / 100.0 - 1e-9
        reach = 0
        for j in range(n - 1, -1, -1):
            if survival[j] >= q:
                reach = j
                break
        at_least[i] = reach
        at_most[i] = min(np.searchsorted(cdf, q), n - 1)
    crps = 0.0
    for i in range(max(n, y + 1)):
        f = cdf[i] if i < n else 1.0
        step = 1.0 if i >= y else 0.0
        crps += (f - step) * (f - step)
    quantiles = np.empty(2 * levels.size)
    count = 0
    for i in range(levels.size):
        quantiles[count] = levels[i] / 100.0
        count += 1
        if levels[i] < 100.0:
            quantiles[count] = 1.0 - levels[i] / 100.0
            count += 1
    quantiles = np.unique(quantiles[:count])
    loss = 0.0
    for q in quantiles:
        quantile = min(np.searchsorted(cdf, q - 1e-9), n - 1)
        loss += (y - quantile) * (q - (1.0 if y < quantile else 0.0))
    below = 0.0
    for i in range(min(y, n)):
        below += pmf[i]
    at = pmf[y] if y < n else 0.0
    pit = min(max(below + at / 2.0, 0.0), 1.0)
    return crps, loss / quantiles.size, pit, at_least, at_most


@njit
def score_counts(flat, offsets, ys, levels):
    """:func:`score_count` of many distributions, ``flat[offsets[i]:offsets[i + 1]]`` each."""
    n = ys.size
    crps = np.empty(n)
    loss = np.empty(n)
    pit = np.empty(n)
    least = np.empty((n, levels.size), dtype=np.int64)
    most = np.empty((n, levels.size), dtype=np.int64)
    for i in range(n):
        c, p, t, a, b = score_count(flat[offsets[i]: offsets[i + 1]], ys[i], levels)
        crps[i] = c
        loss[i] = p
        pit[i] = t
        least[i] = a
        most[i] = b
    return crps, loss, pit, least, most


@njit
def window_counts(work_all, dates, moved, counts, first, last, out):
    """Fill ``out`` with a window's items per working day, as ``History.sample`` counts them.

    ``work_all``: every working day (day numbers, ascending); ``dates`` and
    ``counts``: the history's dates and items; ``moved``: each date rolled
    forward to a working day. Items in ``[first, last]`` count on their
    working day, or on the window's last working day when that is later.
    Returns the window's working days (0: no working day or no item).
    """
    a = np.searchsorted(work_all, first)
    b = np.searchsorted(work_all, last, side="right")
    if b <= a:
        return 0
    n = b - a
    out[:n] = 0
    i = np.searchsorted(dates, first)
    j = np.searchsorted(dates, last, side="right")
    last_day = work_all[b - 1]
    total = 0
    for t in range(i, j):
        day = moved[t] if moved[t] < last_day else last_day
        out[np.searchsorted(work_all, day) - a] += counts[t]
        total += counts[t]
    return n if total > 0 else 0


@njit
def _count_support(sample):
    """Distinct values of a sample (ascending) and how often each occurs."""
    top = 0
    for v in sample:
        top = max(top, v)
    freq = np.zeros(top + 1, dtype=np.int64)
    for v in sample:
        freq[v] += 1
    k = 0
    for v in range(top + 1):
        if freq[v] > 0:
            k += 1
    values = np.empty(k, dtype=np.int64)
    times = np.empty(k)
    k = 0
    for v in range(top + 1):
        if freq[v] > 0:
            values[k] = v
            times[k] = freq[v]
            k += 1
    return values, times


@njit
def recency_weights(n, half_life):
    """Time-weighted Dirichlet parameters of ``n`` days, oldest first.

    Day ``i`` weighs ``w_i = 2 ** (-(n - 1 - i) / half_life)``; the
    parameters are ``n_eff * w_i / sum(w)`` with Kish's effective sample size
    ``n_eff = sum(w) ** 2 / sum(w ** 2)``.
    """
    w = np.empty(n)
    total = 0.0
    squares = 0.0
    for i in range(n):
        w[i] = 0.5 ** ((n - 1 - i) / half_life)
        total += w[i]
        squares += w[i] * w[i]
    scale = total / squares  # n_eff / total
    for i in range(n):
        w[i] *= scale
    return w


@njit
def recency_support(sample, half_life):
    """Distinct values of a sample (ascending) and their days' summed :func:`recency_weights`."""
    n = sample.size
    alpha = recency_weights(n, half_life)
    top = 0
    for v in sample:
        top = max(top, v)
    balls = np.zeros(top + 1)
    seen = np.zeros(top + 1, dtype=np.bool_)
    for i in range(n):
        balls[sample[i]] += alpha[i]
        seen[sample[i]] = True
    k = 0
    for v in range(top + 1):
        if seen[v]:
            k += 1
    values = np.empty(k, dtype=np.int64)
    alphas = np.empty(k)
    k = 0
    for v in range(top + 1):
        if seen[v]:
            values[k] = v
            alphas[k] = balls[v]
            k += 1
    return values, alphas


@njit
def backtest_how_many(work_all, dates, moved, counts, firsts, lasts, todo, kind, width,
                      horizons, actual, levels, direct_limit, half_life):
    """Exact How-many forecasts of one window at many origins, scored against what happened.

    For each origin ``o`` with ``todo[o]``: the window ``[firsts[o], lasts[o]]``
    (:func:`window_counts`), the distribution of items in each of ``horizons``
    (ascending) working days by the method ``kind`` (0: daily bootstrap, 1:
    whole blocks of ``width`` days, 2: Bayesian bootstrap of days, 3: the
    time-weighted one with ``half_life`` working days), and its
    scores against ``actual[o, i]`` (:func:`score_count`). ``status[o]``: 1
    scored, 2 the window is empty, 3 the method cannot use the window, 4 too
    large for this pass (the caller computes it another way), 0 not asked.
    """
    n_origins = firsts.size
    n_h = horizons.size
    n_l = levels.size
    status = np.zeros(n_origins, dtype=np.int64)
    crps = np.zeros((n_origins, n_h))
    loss = np.zeros((n_origins, n_h))
    pit = np.zeros((n_origins, n_h))
    least = np.zeros((n_origins, n_h, n_l), dtype=np.int64)
    most = np.zeros((n_origins, n_h, n_l), dtype=np.int64)
    buf = np.zeros(work_all.size, dtype=np.int64)
    longest = horizons[n_h - 1]
    for o in range(n_origins):
        if not todo[o]:
            continue
        n = window_counts(work_all, dates, moved, counts, firsts[o], lasts[o], buf)
        if n == 0:
            status[o] = 2
            continue
        sample = buf[:n]
        tops = np.zeros(n_h, dtype=np.int64)
        if kind == 1:
            nb = n // width
            if nb < 2:
                status[o] = 3
                continue
            blocks = sample[n - nb * width:].copy().reshape(nb, width)
            if blocks.sum() == 0:
                status[o] = 3
                continue
            if longest // width > 64:
                status[o] = 4
                continue
            rows = blocks_how_many_rows(blocks, horizons)
            week_top = 0
            for r in range(nb):
                week_top = max(week_top, blocks[r].sum())
            for i in range(n_h):
                whole, rest = horizons[i] // width, horizons[i] % width
                part = 0
                if rest:
                    for r in range(nb):
                        part = max(part, blocks[r, :rest].sum())
                tops[i] = whole * week_top + part
        else:
            if kind == 3:
                values, times = recency_support(sample, half_life)
            else:
                values, times = _count_support(sample)
            top = values[values.size - 1]
            if kind >= 2:
                table = polya_rows(values, times, longest, 0)
                rows = np.zeros((n_h, longest * top + 1))
                for i in range(n_h):
                    size = horizons[i] * top + 1
                    rows[i, :size] = table[horizons[i], :size]
            else:
                if longest * longest * top * values.size / 2 > direct_limit:
                    status[o] = 4
                    continue
                rows = exact_how_many_rows(values, times / n, horizons)
            for i in range(n_h):
                tops[i] = horizons[i] * top
        for i in range(n_h):
            found = score_count(rows[i, : tops[i] + 1], actual[o, i], levels)
            crps[o, i] = found[0]
            loss[o, i] = found[1]
            pit[o, i] = found[2]
            least[o, i] = found[3]
            most[o, i] = found[4]
        status[o] = 1
    return status, crps, loss, pit, least, most


@njit
def unit(r):
    """Return a uniform float in ``[0, 1)`` from the top 53 bits of ``r``."""
    return np.float64(r >> _S11) * _TO_UNIT


@njit
def below_unsigned(r, n):
    """:func:`below` as an unsigned integer, so indexing skips the negative-index fix-up."""
    return np.uint64(np.float64(r >> _S11) * _TO_UNIT * n)


_SIZE_SALT = np.uint64(0x632BE59BD9B4E019)
_TEAM_SALT = np.uint64(0xD1B54A32D192ED03)
_SPARE_BITS = 11


@intrinsic
def data_pointer(typingctx, array):
    """Return a pointer to the first element of a contiguous ``array``.

    Passed to a compiled function in the array's stead, it costs no atomic reference
    count increment and decrement around the call (the array must outlive its use).
    """
    if not isinstance(array, nbtypes.Array) or array.layout != "C":
        return None  # no typing: the pointer indexes elements one after another
    signature = nbtypes.CPointer(array.dtype)(array)

    def codegen(context, builder, sig, args):
        return context.make_array(sig.args[0])(context, builder, args[0]).data

    return signature, codegen


@njit
def two_part_run(values, n_values, i, i_stop, rem0, rem1, s0, s1, s2, s3):
    """Run the plan kernel's common day of two eligible parts over open days ``i`` to ``i_stop``.

    ``values`` points to the team's sample of ``n_values`` days. Stops at the first
    day on which a part would finish or whose coins do not fit in the draw's spare
    bits; returns that day's index, the counts left and the stream before that day's
    draw. A function of its own, which LLVM still inlines, but its loop then compiles
    tighter; it takes a pointer, not an array, since an array argument costs a
    reference count increment and decrement (atomic) at each call.
    """
    while i < i_stop:
        r, t0, t1, t2, t3 = next_u64(s0, s1, s2, s3)
        throughput = values[below_unsigned(r, n_values)]
        if throughput > _SPARE_BITS:
            break
        to_second = popcount(r & ((_ONE << np.uint64(throughput)) - _ONE))
        to_first = throughput - to_second
        if to_first < rem0 and to_second < rem1:
            rem0 -= to_first
            rem1 -= to_second
            s0, s1, s2, s3 = t0, t1, t2, t3
            i += 1
            continue
        break
    return i, rem0, rem1, s0, s1, s2, s3


@njit
def team_key(key, team):
    """Mixed seed of a team's stream in the plan kernel: team 0 uses ``key`` itself."""
    if team == 0:
        return key
    return mix64(key + np.uint64(team) * _TEAM_SALT)


# what a team's next queue scan is for
_WINDOW = 0  # the parts eligible for a run of days
_DEEP = 1  # a part finishes today: is every outcome the spill-over may reach known?
_SPILL = 2  # a part finished: the parts eligible for the rest of the day
_HAND = 3  # no scan: hand out the day's remaining items
_REUSE = 4  # no scan: the last spill-over scan's parts are the next day's too


def _plan_days(
    sample_values, sample_offsets, team_width, team_bayes, sample_alphas, wip, capacity,
    part_team, part_outcome, size_low, size_high, pool_offset, pool_count, pool_values,
    team_parts, team_offsets, outcome_parts, outcome_offsets,
    split_low, split_high, dependents, dependent_offsets, n_prereq,
    risk_outcome, risk_prob, risk_kind, risk_low, risk_high, risk_part, risk_delay,
    horizon, seed, trials,
):
    # Event-driven. Teams meet only through dependencies: an outcome waits
    # until its prerequisites are done and may start the day after. So per
    # trial the teams take turns, and each runs ahead on its own stream for as
    # long as nothing it depends on is undecided: `cur[v]` days of team `v` are
    # simulated, so a prerequisite with an unfinished part on `v` is not done
    # before day `cur[v]`, and whatever waits on it still waits on day
    # `cur[v]`. A run of days on one set of eligible parts (kept in registers)
    # ends at the first day a part would finish, which is then handed out item
    # by item, or when a ready or delay day passes, or when a waiting outcome
    # ahead in the queue might be released by a team that is behind. A team
    # that cannot tell what its queue holds today waits for the next turn; the
    # team that is furthest behind can always go on, so every turn round makes
    # progress. The day-by-day twin in forecast.sampling._reference draws the same
    # numbers in another order and returns the same arrays. Every part has at
    # least one item (forecast.portfolio.check_portfolio sees to it): a part
    # of none would never finish, and what waits on it would wait for good.
    n_teams = wip.size
    n_parts = part_team.size
    n_outcomes = n_prereq.size
    # filled row by row inside the parallel loop, not here on one thread
    out = np.empty((trials, n_outcomes), dtype=np.int32)
    sizes = np.empty((trials, n_outcomes), dtype=np.int64)
    key = mix64(np.uint64(seed))
    size_key = mix64(key + _SIZE_SALT)
    max_wip = 1
    for t in range(n_teams):
        max_wip = max(max_wip, wip[t])
    # prerequisites of each outcome, from the dependents lists
    prereq_offsets = np.zeros(n_outcomes + 1, dtype=np.int64)
    for o in range(n_outcomes):
        prereq_offsets[o + 1] = prereq_offsets[o] + n_prereq[o]
    prereqs = np.zeros(max(1, prereq_offsets[n_outcomes]), dtype=np.int64)
    fill = prereq_offsets[:-1].copy()
    for o in range(n_outcomes):
        for k in range(dependent_offsets[o], dependent_offsets[o + 1]):
            d = dependents[k]
            prereqs[fill[d]] = o
            fill[d] += 1
    any_bayes = False
    team_keys = np.empty(n_teams, dtype=np.uint64)  # the same for every trial
    for t in range(n_teams):
        if team_bayes[t]:
            any_bayes = True
        team_keys[t] = team_key(key, t)
    held_at_start = np.zeros(n_teams, dtype=np.int64)  # parts of each team that wait
    for p in range(n_parts):
        if n_prereq[part_outcome[p]] > 0:
            held_at_start[part_team[p]] += 1
    # Inside a trial, parts are numbered by their place in the teams' queues
    # (team_parts order), so that a queue scan reads contiguous memory: part p
    # is at queue_of[p]; queue_outcome/queue_team are part_outcome/part_team
    # in that order, outcome_queue is outcome_parts in it.
    queue_of = np.empty(n_parts, dtype=np.int64)
    queue_outcome = np.empty(n_parts, dtype=np.int64)
    queue_team = np.empty(n_parts, dtype=np.int64)
    for k in range(n_parts):
        p = team_parts[k]
        queue_of[p] = k
        queue_outcome[k] = part_outcome[p]
        queue_team[k] = part_team[p]
    outcome_queue = np.empty(outcome_parts.size, dtype=np.int64)
    for j in range(outcome_parts.size):
        outcome_queue[j] = queue_of[outcome_parts[j]]
    # each team's open days (capacity not 0), the same for every trial, so that
    # the common day's loop steps over closed days without visiting them:
    # n_open[t, d] open days before day d, open_day[t, i] the i-th, open_cap its capacity,
    # full_end[t, i] the first open day from the i-th on whose capacity is not 1
    n_open = np.zeros((n_teams, horizon + 1), dtype=np.int64)
    open_day = np.full((n_teams, horizon + 1), horizon, dtype=np.int64)
    open_cap = np.zeros((n_teams, horizon + 1))
    full_end = np.zeros((n_teams, horizon + 1), dtype=np.int64)
    for t in range(n_teams):
        i = 0
        for d in range(horizon):
            n_open[t, d] = i
            if capacity[t, d] != 0.0:
                open_day[t, i] = d
                open_cap[t, i] = capacity[t, d]
                i += 1
        n_open[t, horizon] = i
        full_end[t, i] = i
        for j in range(i - 1, -1, -1):
            full_end[t, j] = full_end[t, j + 1] if open_cap[t, j] == 1.0 else j
    for trial in prange(trials):
        s0, s1, s2, s3 = trial_state(size_key, trial)
        for o in range(n_outcomes):
            out[trial, o] = horizon
            sizes[trial, o] = 0
        remaining = np.empty(n_parts, dtype=np.int64)
        parts_left = np.empty(n_outcomes, dtype=np.int64)
        waiting = n_prereq.copy()
        ready = np.zeros(n_outcomes, dtype=np.int64)
        delay = np.zeros(n_outcomes, dtype=np.int64)
        last = np.zeros(n_outcomes, dtype=np.int64)
        head = team_offsets[:-1].copy()
        eligible = np.empty(max_wip, dtype=np.int64)
        picks = np.zeros(max_wip, dtype=np.int64)
        # 1. sizes
        for p in range(n_parts):
            if pool_count[p] > 0:
                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                remaining[queue_of[p]] = pool_values[pool_offset[p] + below(r, pool_count[p])]
            elif size_high[p] > size_low[p]:
                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                remaining[queue_of[p]] = size_low[p] + below(r, size_high[p] - size_low[p] + 1)
            else:
                remaining[queue_of[p]] = size_low[p]
        # 2. scope growth, one multiplier per outcome, stochastic rounding per part
        for o in range(n_outcomes):
            parts_left[o] = outcome_offsets[o + 1] - outcome_offsets[o]
            if split_low[o] == 1.0 and split_high[o] == 1.0:
                continue
            m = split_low[o]
            if split_high[o] > split_low[o]:
                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                m = split_low[o] + unit(r) * (split_high[o] - split_low[o])
            for k in range(outcome_offsets[o], outcome_offsets[o + 1]):
                p = outcome_queue[k]
                x = remaining[p] * m
                whole = np.floor(x)
                frac = x - whole
                grown = np.int64(whole)
                if frac > 0.0:
                    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    if unit(r) < frac:
                        grown += 1
                remaining[p] = max(grown, 1)
        # 3. risks
        for q in range(risk_outcome.size):
            prob = risk_prob[q]
            if prob <= 0.0:
                continue
            if prob < 1.0:
                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                if unit(r) >= prob:
                    continue
            o = risk_outcome[q]
            if risk_kind[q] == 0:
                extra = risk_low[q]
                if risk_high[q] > risk_low[q]:
                    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                    extra += below(r, risk_high[q] - risk_low[q] + 1)
                remaining[queue_of[risk_part[q]]] += extra
            else:
                delay[o] = max(delay[o], risk_delay[q])
        # the first day each part may start: -1 while its outcome waits
        start = np.empty(n_parts, dtype=np.int64)
        for k in range(n_parts):
            o = queue_outcome[k]
            sizes[trial, o] += remaining[k]
            start[k] = -1 if n_prereq[o] > 0 else delay[o]
        # 4. per-team streams and sampling state: a team walks through drawn
        # blocks of `width` days (a block is drawn at its first working day)
        streams = np.empty((n_teams, 4), dtype=np.uint64)
        position = team_width.copy()
        base = np.zeros(n_teams, dtype=np.int64)
        cdf = np.zeros(sample_values.size if any_bayes else 1)
        for t in range(n_teams):
            s0, s1, s2, s3 = trial_state(team_keys[t], trial)
            if team_bayes[t]:
                n_blocks = (sample_offsets[t + 1] - sample_offsets[t]) // team_width[t]
                first = sample_offsets[t]
                weights, s0, s1, s2, s3 = dirichlet_cdf(sample_alphas[first:first + n_blocks],
                                                        s0, s1, s2, s3)
                cdf[sample_offsets[t]:sample_offsets[t] + n_blocks] = weights
            streams[t, 0] = s0
            streams[t, 1] = s1
            streams[t, 2] = s2
            streams[t, 3] = s3
        # 5. one shared timeline, teams taking turns to run ahead
        cur = np.zeros(n_teams, dtype=np.int64)  # the next day each team simulates
        held = held_at_start.copy()  # parts of each team still waiting
        n_done = 0
        progressed = True
        while progressed and n_done < n_outcomes:
            progressed = False
            for u in range(n_teams):
                day = cur[u]
                end = team_offsets[u + 1]
                while head[u] < end and remaining[head[u]] <= 0:
                    head[u] += 1
                if day >= horizon or head[u] == end:
                    if day < horizon:
                        cur[u] = horizon
                        progressed = True
                    continue
                s0 = streams[u, 0]
                s1 = streams[u, 1]
                s2 = streams[u, 2]
                s3 = streams[u, 3]
                a0, a1, a2, a3 = s0, s1, s2, s3  # the stream at the start of an event day
                saved_position = position[u]
                saved_base = base[u]
                w = wip[u]
                width = team_width[u]
                daily = width == 1 and not team_bayes[u]
                lo = sample_offsets[u]
                n_values = sample_offsets[u + 1] - lo
                values = sample_values[lo:lo + n_values]
                first_day = day
                mode = _WINDOW
                n_elig = 0
                left = 0  # the event day's items not yet handed out
                coins = _ZERO
                n_coins = 0
                known = horizon + 1
                change = horizon
                while True:
                    at_window = mode == _WINDOW or mode == _REUSE
                    if at_window and (day >= horizon or head[u] == end):
                        if head[u] == end:
                            day = horizon
                        break
                    # The queue scan, the kernel's only one: up to `want` parts eligible
                    # on `day` (the first `store` kept); `known` is the first day for
                    # which a waiting outcome met on the way may have been released by
                    # a team that has not simulated that far; `change` the first day
                    # after `day` on which a met outcome's ready or delay day passes.
                    found = n_elig if mode == _REUSE else 0
                    if mode != _REUSE:
                        known = horizon + 1
                        change = horizon
                    if mode != _HAND and mode != _REUSE:
                        want = w + left if mode == _DEEP else w
                        store = 0 if mode == _DEEP else w
                        for p in range(head[u], end):
                            if remaining[p] <= 0:
                                continue
                            start_day = start[p]
                            if start_day < 0:
                                o = queue_outcome[p]
                                # o waits through day cur[v] at least, for each team v
                                # owing a part to one of its unfinished prerequisites
                                # (through the horizon if u itself owes one)
                                through = -1
                                for kq in range(prereq_offsets[o], prereq_offsets[o + 1]):
                                    q = prereqs[kq]
                                    if parts_left[q] == 0:
                                        continue
                                    for j in range(outcome_offsets[q], outcome_offsets[q + 1]):
                                        pq = outcome_queue[j]
                                        if remaining[pq] > 0:
                                            v = queue_team[pq]
                                            if v == u:
                                                through = horizon
                                            elif cur[v] > through:
                                                through = cur[v]
                                if through + 1 < known:
                                    known = through + 1
                                continue
                            if start_day > day:
                                if start_day < change:
                                    change = start_day
                                continue
                            if found < store:
                                eligible[found] = p
                            found += 1
                            if found >= want:
                                break
                    if mode == _DEEP:
                        if known <= day:
                            # undo the day's draws and wait for the teams behind
                            s0, s1, s2, s3 = a0, a1, a2, a3
                            position[u] = saved_position
                            base[u] = saved_base
                            break
                        mode = _HAND
                    spilled = mode == _SPILL
                    if spilled:
                        n_elig = found
                        mode = _HAND
                    if mode == _HAND:
                        finished = False
                        while left > 0 and n_elig > 0:
                            if n_elig == 1:  # the items to the one part, at once
                                p = eligible[0]
                                take = min(left, remaining[p])
                                left -= take
                                remaining[p] -= take
                                if remaining[p] > 0:
                                    continue
                            elif n_coins > 0:
                                # the day's coins (two parts), in order, until a part
                                # finishes, counted in registers
                                p0 = eligible[0]
                                p1 = eligible[1]
                                r0 = remaining[p0]
                                r1 = remaining[p1]
                                take = min(left, n_coins)
                                j = 0
                                while j < take and r0 > 0 and r1 > 0:
                                    bit = np.int64((coins >> np.uint64(j)) & _ONE)
                                    r1 -= bit
                                    r0 -= 1 - bit
                                    j += 1
                                coins = coins >> np.uint64(j) if j < 64 else _ZERO
                                n_coins -= j
                                left -= j
                                remaining[p0] = r0
                                remaining[p1] = r1
                                if r0 > 0 and r1 > 0:
                                    continue
                                p = p0 if r0 == 0 else p1
                            else:
                                left -= 1
                                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                                p = eligible[below(r, n_elig)]
                                remaining[p] -= 1
                                if remaining[p] > 0:
                                    continue
                            n_coins = 0  # the eligible set changes: the rest draws afresh
                            o = queue_outcome[p]
                            if day > last[o]:
                                last[o] = day
                            parts_left[o] -= 1
                            if parts_left[o] == 0:
                                out[trial, o] = last[o]
                                n_done += 1
                                for k in range(dependent_offsets[o], dependent_offsets[o + 1]):
                                    d = dependents[k]
                                    waiting[d] -= 1
                                    if last[o] + 1 > ready[d]:
                                        ready[d] = last[o] + 1
                                    if waiting[d] == 0:
                                        for j in range(outcome_offsets[d], outcome_offsets[d + 1]):
                                            pd = outcome_queue[j]
                                            held[queue_team[pd]] -= 1
                                            start[pd] = max(ready[d], delay[d])
                            while head[u] < end and remaining[head[u]] <= 0:
                                head[u] += 1
                            finished = True
                            break
                        if finished and left > 0:
                            mode = _SPILL
                            continue
                        left = 0
                        day += 1
                        mode = _WINDOW
                        if spilled and not finished:
                            # nothing changed since the spill-over scan: its parts,
                            # `known` and `change` are today's too (a run stops at
                            # `change`, so a part whose start day is today is found
                            # by the scan after it)
                            mode = _REUSE
                        continue
                    # _WINDOW: run days on this eligible set until `stop`, or until a
                    # part would finish (then hand that day's items out one by one)
                    n_elig = found
                    mode = _WINDOW
                    if known <= day:
                        break  # today's queue depends on a team that is behind: wait
                    stop = min(known, change)
                    if n_elig == 0:
                        if width > 1:
                            for d in range(day, stop):
                                if capacity[u, d] > 0.0 and position[u] < width:
                                    position[u] += 1  # the block's day passes, unused
                        day = stop
                        continue
                    e0 = eligible[0]
                    e1 = eligible[1] if n_elig > 1 else e0
                    rem0 = remaining[e0]  # kept in registers during the run
                    rem1 = remaining[e1]
                    two = n_elig == 2
                    fast = daily and n_elig <= 2
                    event = False
                    while day < stop:
                        if fast:
                            # the common day (daily sampling, full capacity), in a loop of
                            # its own so that its state stays in registers, over the
                            # team's open days only: one draw, whose low bits are the
                            # coins; leaves on a day it cannot settle (the general day
                            # below draws it afresh)
                            if two:
                                i = n_open[u, day]
                                i_end = n_open[u, stop]
                                i_stop = min(i_end, full_end[u, i])
                                i, rem0, rem1, s0, s1, s2, s3 = two_part_run(
                                    data_pointer(values), n_values, i, i_stop, rem0, rem1,
                                    s0, s1, s2, s3)
                                if i < i_stop:
                                    r, t0, t1, t2, t3 = next_u64(s0, s1, s2, s3)
                                    throughput = values[below_unsigned(r, n_values)]
                                    if throughput <= _SPARE_BITS:
                                        coins = r  # a part finishes today
                                        n_coins = throughput
                                        event = True
                            else:
                                i = n_open[u, day]
                                i_end = n_open[u, stop]
                                i_stop = min(i_end, full_end[u, i])
                                while i < i_stop:
                                    r, t0, t1, t2, t3 = next_u64(s0, s1, s2, s3)
                                    throughput = values[below_unsigned(r, n_values)]
                                    if throughput < rem0:
                                        rem0 -= throughput
                                        s0, s1, s2, s3 = t0, t1, t2, t3
                                        i += 1
                                        continue
                                    n_coins = 0  # the part finishes today
                                    event = True
                                    break
                            day = open_day[u, i] if i < i_end else stop
                            if event:
                                a0, a1, a2, a3 = s0, s1, s2, s3
                                saved_position = position[u]
                                saved_base = base[u]
                                s0, s1, s2, s3 = t0, t1, t2, t3
                                left = throughput
                                break
                            if day >= stop:
                                break
                        c = capacity[u, day]
                        if c == 0.0:
                            day += 1
                            continue
                        # the general day, drawn from the same stream position
                        a0, a1, a2, a3 = s0, s1, s2, s3
                        saved_position = position[u]
                        saved_base = base[u]
                        spare = _ZERO
                        n_spare = 0
                        if daily:
                            r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                            throughput = sample_values[lo + below(r, n_values)]
                            spare = r
                            n_spare = _SPARE_BITS
                        else:
                            if position[u] >= width:
                                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                                n_blocks = n_values // width
                                if team_bayes[u]:
                                    block = weighted_index(cdf[lo:lo + n_blocks],
                                                           unit(r) * cdf[lo + n_blocks - 1])
                                else:
                                    block = below(r, n_blocks)
                                base[u] = lo + block * width
                                position[u] = 0
                            throughput = sample_values[base[u] + position[u]]
                            position[u] += 1
                        if c < 1.0:
                            kept = 0
                            for _ in range(throughput):
                                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                                if unit(r) < c:
                                    kept += 1
                            throughput = kept
                        elif c > 1.0:
                            x = throughput * c
                            whole = np.floor(x)
                            frac = x - whole
                            throughput = np.int64(whole)
                            if frac > 0.0:
                                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                                if unit(r) < frac:
                                    throughput += 1
                        coins = _ZERO
                        n_coins = 0
                        if n_elig == 1:
                            if throughput < rem0:
                                rem0 -= throughput  # the whole day to it
                                day += 1
                                continue
                        elif n_elig == 2 and throughput <= 64:
                            # one fair coin per item; a day in which neither part
                            # finishes is settled by counting the coins
                            if throughput <= n_spare:
                                coins = spare
                            else:
                                coins, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                            n_coins = throughput
                            used = coins if throughput == 64 else coins & ((_ONE << np.uint64(
                                throughput)) - _ONE)
                            to_second = popcount(used)
                            to_first = throughput - to_second
                            if to_first < rem0 and to_second < rem1:
                                rem0 -= to_first
                                rem1 -= to_second
                                day += 1
                                continue
                        else:
                            # one pick per item, tallied; replayed item by item when
                            # a part finishes
                            remaining[e1] = rem1
                            remaining[e0] = rem0
                            b0, b1, b2, b3 = s0, s1, s2, s3
                            for i in range(n_elig):
                                picks[i] = 0
                            for _ in range(throughput):
                                r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
                                picks[below(r, n_elig)] += 1
                            finishes = False
                            for i in range(n_elig):
                                if picks[i] >= remaining[eligible[i]]:
                                    finishes = True
                            if not finishes:
                                for i in range(n_elig):
                                    remaining[eligible[i]] -= picks[i]
                                rem0 = remaining[e0]
                                rem1 = remaining[e1]
                                day += 1
                                continue
                            s0, s1, s2, s3 = b0, b1, b2, b3
                        event = True
                        left = throughput
                        break
                    remaining[e1] = rem1  # e1 is e0 when one part is eligible
                    remaining[e0] = rem0
                    if event:
                        # a part finishes today; its items spill over down the queue,
                        # which must be known today unless nothing on the team waits
                        mode = _DEEP if held[u] > 0 else _HAND
                streams[u, 0] = s0
                streams[u, 1] = s1
                streams[u, 2] = s2
                streams[u, 3] = s3
                if day > first_day:
                    progressed = True
                cur[u] = day
    return out, sizes


plan_days = njit(parallel=True)(_twin(_plan_days, "plan_days"))
"""Per trial and outcome: the completion day index (``horizon`` when not done) and
the number of items simulated (after scope growth and risks)."""
plan_days_serial = njit(_twin(_plan_days, "plan_days_serial"))
"""The same as :func:`plan_days` on one thread."""
