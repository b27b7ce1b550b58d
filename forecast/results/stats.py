"""Percentile rules and Monte Carlo precision, shared by every result.

Both engines produce a probability mass function (pmf): the exact engine
directly, the Monte Carlo engine as the share of trials on each value. The
percentile rules are applied to that pmf, so both engines answer by the same
definitions:

- When: P85 is the earliest working day by which at least 85% of trials are
  done.
- How many: P85 is the largest N such that at least 85% of trials completed
  N or more items.

Monte Carlo results also carry the per-trial values, from which a
distribution-free 99% interval and a standard error of each percentile are
computed (from the order statistics around the percentile's rank).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Percentile", "TOLERANCE", "Z_99", "DISTRIBUTION_COLUMNS", "order_interval",
           "binomial_se", "first_reaching"]

TOLERANCE = 1e-9
"""Slack when comparing a probability with a percentile level, so that 0.85
computed as 0.8499999999 still counts as reaching 85%."""

Z_99 = 2.5758293035489004
"""Normal quantile of 0.995: the reported Monte Carlo intervals are 99%."""

MIN_TAIL_TRIALS = 10
"""Fewer trials than this beyond a percentile (n * (1 - q)) leave its interval open."""


@dataclass(frozen=True)
class Percentile:
    """One percentile of a forecast.

    Attributes
    ----------
    p : float
        The level, in percent.
    value : int or None
        Working day (When) or items (How many); None when the level is not
        reached within the horizon.
    date : datetime.date or None
        The date of that working day (When only).
    se : float
        Standard error of ``value`` from Monte Carlo sampling (0 for exact).
    low, high : int or None
        A 99% interval for ``value`` (equal to it for exact).
    """

    p: float
    value: int | None
    date: dt.date | None
    se: float
    low: int | None
    high: int | None


def order_interval(ordered: np.ndarray, rank: int, q: float
                   ) -> tuple[int | None, int | None, float]:
    """Order-statistic 99% interval around 1-based ``rank`` of sorted trial results.

    Returns ``(low, high, se)``. A bound whose rank falls outside the trials
    is open (None): too few trials to pin that percentile down, and the
    standard error is NaN.

    Examples
    --------
    >>> order_interval(np.arange(1, 10_001), 8500, 0.85)
    (8408, 8592, 35.71...)
    """
    n = ordered.size
    if n * min(q, 1.0 - q) < MIN_TAIL_TRIALS:
        # The normal approximation of the rank's spread needs trials in the
        # tail beyond the percentile; P100 (or P99.99 of 1000 trials) has none.
        return None, None, math.nan
    half = Z_99 * math.sqrt(n * q * (1.0 - q))
    lo, hi = int(math.floor(rank - half)), int(math.ceil(rank + half))
    low = int(ordered[lo - 1]) if lo >= 1 else None
    high = int(ordered[hi - 1]) if hi <= n else None
    if low is None or high is None:
        return low, high, math.nan
    return low, high, (high - low) / (2.0 * Z_99)


def binomial_se(prob: float, n: int) -> float:
    """Return the Agresti-Coull standard error of a share ``prob`` of ``n`` trials.

    Unlike the plain ``sqrt(p (1 - p) / n)`` it is not 0 at a share of 0 or 1.

    Examples
    --------
    >>> round(binomial_se(0.85, 40), 3), round(binomial_se(0.85, 400), 3)
    (0.058, 0.018)
    >>> round(binomial_se(1.0, 40), 3)
    0.031
    """
    z2 = 1.959963984540054**2
    adjusted = (prob * n + z2 / 2.0) / (n + z2)
    return math.sqrt(adjusted * (1.0 - adjusted) / (n + z2))


def se_text(se: float) -> str:
    return "    ?" if math.isnan(se) else f"{se:>5.1f}"


def bound_text(value: int | None) -> str:
    return "…" if value is None else str(value)


def pct_label(p: float) -> str:
    return f"{p:.10g}%"


def first_reaching(cdf: np.ndarray, level: float) -> int | None:
    """Return the smallest index whose cdf reaches ``level`` (within :data:`TOLERANCE`), or None.

    Examples
    --------
    >>> cdf = np.array([0.1, 0.3, 0.7, 0.85, 1.0])
    >>> first_reaching(cdf, 0.85), first_reaching(cdf[:2], 0.85)
    (3, None)
    """
    idx = int(np.searchsorted(cdf, level - TOLERANCE, side="left"))
    return idx if idx < cdf.size else None



DISTRIBUTION_COLUMNS = ("outcome", "date", "probability")
"""Columns of :meth:`PlanResult.distribution` and :meth:`WhenForecast.distribution`,
and of ``--distribution FILE.csv``: the chance of being done by each working date."""

DISTRIBUTION_DECIMALS = 6
"""Decimals of the distribution's probabilities (a spreadsheet needs no 9e-13)."""
