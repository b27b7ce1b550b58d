"""The burn-up's fan: how many of a When forecast's backlog are done by each future day.

:func:`burnup_bands` is the computation behind :func:`forecast.plot.burnup`,
kept here so that the presentation only draws. For every working day d it
gives, at each level p, the largest number of the backlog's items done by
the end of day d in at least p% of outcomes (the package's "at least"
direction). A backlog of N is done by day d exactly when N or more items
are, so each level's band reaches the backlog on the forecast's own
percentile date (before any recalibration by ``auto``, which has no per-day
model): the bands are computed by the engine the forecast used.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from forecast.exceptions import ParameterError
from forecast.results.stats import TOLERANCE
from forecast.sampling.exact import block_pmfs, daily_pmf, polya_below_backlog
from forecast.sampling.methods import get_method

if TYPE_CHECKING:
    from forecast.results.forecast import WhenForecast

__all__ = ["burnup_bands"]


def burnup_bands(result: WhenForecast, days: Iterable[int], levels: Iterable[float]
                 ) -> np.ndarray:
    """Items of the backlog done by each of ``days``, at each level ("at least" direction).

    Row i, column j is the largest n such that at least ``levels[i]`` percent
    of outcomes have n or more of the ``result.items`` backlog items done by
    the end of working day ``days[j]`` (day 1 is the start), capped at the
    backlog. So the P85 row reaches the backlog on ``result.percentile(85)``
    when the forecast was not recalibrated (see below).

    The engine is the forecast's own. An exact forecast convolves its
    sample's daily (or whole-week) distribution day by day, with the mass at
    or beyond the backlog kept in one cell, as the exact When engine does. A
    Monte Carlo forecast (one with ``trials`` and ``seed``) replays its own
    trials: each trial's random stream depends only on (seed, trial), and
    both the When and the How-many kernels draw one day (or week) per
    number, so re-running How-many with the forecast's seed and trials for
    each day counts the very timelines the When forecast counted (one
    simulation per day asked for). A forecast recalibrated by
    ``method="auto"`` (every ``auto`` answer with 20 known past outcomes)
    has no per-day model of its recalibration: its bands are its sample's
    before recalibration, and may reach the backlog a few days from its
    percentile dates (the example team: P85 on day 34, its band on day 37).

    Parameters
    ----------
    result : WhenForecast
        From :func:`forecast.when`; its ``items`` is the backlog.
    days : iterable of int
        Working days from the start (1 or more), in any order.
    levels : iterable of float
        Percent levels, for example ``(50, 85, 95)``; the rows follow their
        order.

    Returns
    -------
    numpy.ndarray
        Integers, one row per level and one column per day.

    Raises
    ------
    ParameterError
        When a day is below 1.

    Examples
    --------
    >>> import forecast
    >>> from forecast.forecasting.bands import burnup_bands
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> f = forecast.when(h, 6, start="2024-06-05", method="daily")   # exact
    >>> f.percentile(50).value, f.percentile(85).value
    (4, 5)
    >>> burnup_bands(f, range(1, 6), (50, 85)).tolist()      # days 1 to 5
    [[2, 3, 5, 6, 6], [1, 2, 4, 5, 6]]
    """
    days = np.asarray(list(days), dtype=np.int64)
    levels = tuple(float(p) for p in levels)
    if days.size and int(days.min()) < 1:
        raise ParameterError(f"days must be working days from 1 on, not {int(days.min())}")
    if days.size == 0:
        return np.empty((len(levels), 0), dtype=np.int64)
    if result.trials is not None and result.seed is not None:
        return _band_monte_carlo(result, days, levels)
    return _band_exact(result, days, levels)


def _at_least(survival: np.ndarray, level: float) -> int:
    """Largest n with ``survival[n] >= level`` (0 when none)."""
    reach = np.flatnonzero(survival >= level / 100.0 - TOLERANCE)
    return int(reach[-1]) if reach.size else 0


def _capped(pmf: np.ndarray, cap: int) -> np.ndarray:
    """Return the distribution of ``min(X, cap)`` from the pmf of ``X``."""
    if pmf.size <= cap + 1:
        return pmf
    out = pmf[: cap + 1].copy()
    out[cap] += pmf[cap + 1:].sum()
    return out


def _band_exact(result: WhenForecast, days: np.ndarray, levels: tuple[float, ...]
                ) -> np.ndarray:
    """Items done by each of ``days`` (capped at the backlog), at each level: exact.

    The running total of daily (or whole-week) draws is convolved day by day,
    with the mass at or beyond the backlog kept in one cell, as in the exact
    When engine; so ``P(done >= items)`` on day d is the When forecast's cdf.
    """
    cap, last = result.items, int(days.max())
    wanted = set(int(d) for d in days)
    rows: dict[int, list[int]] = {}

    def keep(day: int, pmf: np.ndarray) -> None:
        if day in wanted:
            survival = np.cumsum(pmf[::-1])[::-1]
            rows[day] = [_at_least(survival, p) for p in levels]

    spec = get_method(result.method)
    blocks = spec.blocks(result.sample)
    if spec.bayes:  # the Polya urn: P(S_d = s) for s below the backlog, every day at once
        below = polya_below_backlog(blocks, cap, last, alphas=spec.alphas and
                                    spec.row_alphas(blocks.shape[0]))
        for day in wanted:
            keep(day, np.append(below[day], max(1.0 - float(below[day].sum()), 0.0)))
    elif blocks.shape[1] > 1:  # whole weeks
        total, prefix = block_pmfs(blocks)
        width = blocks.shape[1]
        running = np.ones(1)
        for week in range(last // width + 1):
            for j in range(1, width + 1):
                day = week * width + j
                if day <= last:
                    keep(day, _capped(np.convolve(running, prefix[j]), cap))
            running = _capped(np.convolve(running, total), cap)
    else:
        step = daily_pmf(blocks[:, 0])
        running = np.ones(1)
        for day in range(1, last + 1):
            running = _capped(np.convolve(running, step), cap)
            keep(day, running)
    return np.array([rows[int(d)] for d in days], dtype=np.int64).T


def _band_monte_carlo(result: WhenForecast, days: np.ndarray, levels: tuple[float, ...]
                      ) -> np.ndarray:
    """Items done by each of ``days`` (capped at the backlog), at each level: re-simulated.

    Re-running How-many with the forecast's seed and trials replays the
    very timelines the When forecast counted (see :func:`burnup_bands`): the
    band crosses the backlog line exactly at the forecast's percentile dates.
    """
    trials, seed = int(result.trials or 0), int(result.seed or 0)
    spec = get_method(result.method)
    blocks = spec.blocks(result.sample)
    out = np.empty((len(levels), days.size), dtype=np.int64)
    ranks = [max(1, int(np.ceil((p / 100.0 - TOLERANCE) * trials))) for p in levels]
    for i, day in enumerate(days):
        totals = spec.how_many_draws(blocks, int(day), trials, seed, parallel=True)
        ordered = np.sort(np.minimum(totals, result.items))
        # "k or more of the trials reach n" <=> n <= the k-th largest total
        out[:, i] = [ordered[trials - k] for k in ranks]
    return out
