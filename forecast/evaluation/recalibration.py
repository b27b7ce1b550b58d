"""Recalibration of a forecast by the PIT values of the team's own past forecasts.

``auto`` maps every answer through its PIT quantiles at seven knots
(:func:`knot_recalibration`): if past outcomes fell below the forecast's
15th percentile a quarter of the time, what it now calls its 15th percentile
is moved to where a quarter of the outcomes fell. On five real histories
(``benchmarks/calibration_drift.py``) that, on the time-weighted Bayesian
bootstrap, was the one policy whose pooled "85% chance of N or more" and
"85% chance of at most N" both held within three points of 85%, with a
lower CRPS than the halfway recalibration on a miss
(:func:`partial_recalibration`) it replaced, which is kept for comparison.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["knot_recalibration", "through_knots", "KNOTS",
           "recalibration_miss", "partial_recalibration", "halfway", "recalibrate",
           "MIN_RECALIBRATION_ORIGINS", "RECALIBRATION_PITS", "HALFWAY_PITS",
           "RECALIBRATION_WEIGHT",
           "RECALIBRATION_SE"]


MIN_RECALIBRATION_ORIGINS = 20
"""Past outcomes needed before a forecast is recalibrated with their PIT values."""

RECALIBRATION_PITS = 104
"""Recalibrate by the PIT values of at most this many of the latest past outcomes."""

HALFWAY_PITS = 52
""":func:`partial_recalibration` reads at most this many of the latest PIT values."""

KNOTS = (0.05, 0.15, 0.30, 0.50, 0.70, 0.85, 0.95)
"""Levels at which :func:`knot_recalibration` reads the past PITs' quantiles."""

RECALIBRATION_WEIGHT = 0.5
"""Share of the recalibrated distribution in the one reported (the rest: as forecast)."""

RECALIBRATION_SE = 1.0
"""Recalibrate only when a P85 statement missed 85% by more than this many binomial
standard errors, counting origins with non-overlapping horizons."""


def knot_recalibration(pmf: np.ndarray, pits: Any) -> np.ndarray | None:
    """Recalibrate ``pmf`` through the quantiles of the latest past PITs at :data:`KNOTS`.

    With ``q_i`` the ``KNOTS[i]`` quantile (``inverted_cdf``: an observed
    value) of the last :data:`RECALIBRATION_PITS` PIT values, the
    recalibrated CDF is ``G(F)`` for the forecast's CDF ``F`` and the
    piecewise-linear ``G`` through ``(0, 0)``, ``(q_i, KNOTS[i])`` and
    ``(1, 1)`` (:func:`through_knots`). Seven knots, not every PIT value:
    the map stays smooth where 104 values are few. The PITs are mid-point
    PITs of counts, which are not exactly uniform even for a calibrated
    forecast of few distinct counts, so such a forecast moves a little
    (measured: its CDF by up to 0.06 for a Poisson(1) count, 0.015 to 0.04
    for the example team's forecasts; its P85 not at all in the cases
    tried); the walk-forward measurement in the README is of the map as it
    is. Returns None with fewer than :data:`MIN_RECALIBRATION_ORIGINS`
    values.

    Examples
    --------
    >>> pmf = np.full(10, 0.1)
    >>> knot_recalibration(pmf, np.full(10, 0.5)) is None   # too few past outcomes
    True
    >>> wide = knot_recalibration(pmf, np.r_[np.full(20, 0.02), np.full(20, 0.98)])
    >>> wide.round(3).tolist()   # outcomes only in the tails: so is most of the mass now
    [0.517, 0.021, 0.021, 0.021, 0.021, 0.021, 0.021, 0.021, 0.021, 0.317]
    """
    u = np.asarray(pits, dtype=float)[-RECALIBRATION_PITS:]
    if u.size < MIN_RECALIBRATION_ORIGINS:
        return None
    return through_knots(pmf, np.quantile(u, KNOTS, method="inverted_cdf"))


def through_knots(pmf: np.ndarray, q: Any) -> np.ndarray:
    """Map ``pmf``'s CDF through the curve from ``(0, 0)`` via ``(q[i], KNOTS[i])`` to ``(1, 1)``.

    The knots' abscissae are made strictly increasing inside ``(0, 1)``
    (ties of PIT quantiles are common on counts); what the forecast ruled
    out stays ruled out, and mass beyond a horizon stays beyond it.

    Examples
    --------
    >>> through_knots(np.full(4, 0.25), KNOTS).round(3).tolist()   # calibrated: as it was
    [0.25, 0.25, 0.25, 0.25]
    """
    x = np.maximum.accumulate(np.clip(np.asarray(q, dtype=float), 1e-6, 1.0 - 1e-6))
    x = x + np.arange(x.size) * 1e-9
    cdf = np.clip(np.cumsum(pmf), 0.0, 1.0)
    mapped = np.interp(cdf, np.r_[0.0, x, 1.0], np.r_[0.0, KNOTS, 1.0])
    mapped[cdf <= 0.0] = 0.0
    return np.diff(mapped, prepend=0.0)


def recalibration_miss(pits: Any, span_days: float) -> tuple[float, float, float] | None:
    """Return ``(held "N or more", held "at most", limit)`` when the PITs show a miss.

    ``pits`` are mid-point PIT values of past forecasts over ``span_days``
    calendar days each; a P85 statement held when the PIT was above 0.15
    ("N or more", "done by") or below 0.85 ("at most"). Returns None when both
    held within :data:`RECALIBRATION_SE` standard errors of 85%, or when
    there are fewer than :data:`MIN_RECALIBRATION_ORIGINS` values.

    Examples
    --------
    >>> recalibration_miss(np.linspace(0.01, 0.99, 40), 28) is None   # calibrated
    True
    >>> recalibration_miss(np.r_[np.zeros(20), np.ones(20)], 28)[:2]  # far too narrow
    (0.5, 0.5)
    """
    u = np.asarray(pits, dtype=float)
    if u.size < MIN_RECALIBRATION_ORIGINS:
        return None
    n_eff = max(1.0, u.size * 7 / max(span_days, 7.0))
    limit = RECALIBRATION_SE * math.sqrt(0.85 * 0.15 / n_eff)
    least, most = float(np.mean(u > 0.15)), float(np.mean(u < 0.85))
    if max(abs(least - 0.85), abs(most - 0.85)) <= limit:
        return None
    return least, most, limit


def partial_recalibration(pmf: np.ndarray, pits: Any, span_days: float) -> np.ndarray | None:
    """Recalibrate ``pmf`` by the latest past PITs, halfway, when they show a miss.

    Uses the last :data:`HALFWAY_PITS` values (in the order given:
    oldest first), returns None when :func:`recalibration_miss` finds no
    miss, and otherwise mixes the forecast with its full quantile
    recalibration (:func:`recalibrate`) at :data:`RECALIBRATION_WEIGHT`.
    On four real histories the halfway mix kept most of the calibration gain
    at a fraction of the CRPS cost of the full one, which over-corrects when
    a team's pace changes.

    Examples
    --------
    >>> pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    >>> tails = np.r_[np.full(12, 0.02), np.linspace(0.2, 0.8, 16), np.full(12, 0.98)]
    >>> partial_recalibration(pmf, tails, 28).round(3).tolist()   # its P85s held 70%: wider
    [0.199, 0.138, 0.325, 0.138, 0.199]
    """
    recent = np.asarray(pits, dtype=float)[-HALFWAY_PITS:]
    if recalibration_miss(recent, span_days) is None:
        return None
    return halfway(pmf, recent)


def halfway(pmf: np.ndarray, pits: np.ndarray) -> np.ndarray:
    """Mix ``pmf`` with its quantile recalibration by ``pits`` at the recalibration weight.

    The mix is :data:`RECALIBRATION_WEIGHT` of :func:`recalibrate` and the
    rest of ``pmf``, whether or not the PITs show a miss (for that test, see
    :func:`partial_recalibration`).

    Examples
    --------
    >>> pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    >>> halfway(pmf, np.linspace(0.01, 0.99, 99)).round(3).tolist()   # calibrated: kept
    [0.098, 0.201, 0.402, 0.201, 0.098]
    >>> tails = np.r_[np.full(12, 0.02), np.linspace(0.2, 0.8, 16), np.full(12, 0.98)]
    >>> halfway(pmf, tails).round(3).tolist()   # outcomes in the tails: wider
    [0.199, 0.138, 0.325, 0.138, 0.199]
    """
    return (1.0 - RECALIBRATION_WEIGHT) * pmf + RECALIBRATION_WEIGHT * recalibrate(pmf, pits)


def recalibrate(pmf: np.ndarray, pits: np.ndarray) -> np.ndarray:
    """Quantile recalibration of a count or day distribution by past PIT values.

    With ``F`` the forecast's CDF and ``H`` the (interpolated) empirical CDF
    of the PIT values of past forecasts, the recalibrated CDF is ``H(F)``:
    if outcomes used to land in the tails more often than stated, the
    recalibrated distribution is wider, by just as much.

    Examples
    --------
    >>> pmf = np.array([0.25, 0.5, 0.25])
    >>> recalibrate(pmf, np.linspace(0.01, 0.99, 99)).round(1).tolist()  # calibrated: kept
    [0.2, 0.5, 0.2]
    """
    u = np.sort(np.asarray(pits, dtype=float))
    m = u.size
    xs = np.concatenate([[0.0], u, [1.0]])
    ys = np.concatenate([[0.0], (np.arange(1, m + 1) - 0.5) / m, [1.0]])
    cdf = np.clip(np.cumsum(pmf), 0.0, 1.0)
    mapped = np.interp(cdf, xs, ys)  # H(1) = 1: mass beyond a horizon stays beyond it
    # What the forecast ruled out stays ruled out (When: nothing is done on day 0), even
    # when past outcomes fell below everything their forecasts allowed (PIT values of 0).
    mapped[cdf <= 0.0] = 0.0
    return np.diff(mapped, prepend=0.0)

