"""Scores of a count or day distribution against what happened: coverage, CRPS, pinball, PIT.

Every function takes a probability mass function on 0, 1, 2 ... (items, or
working days) and the observed outcome ``y``, and is exact: no sampling.
"""

from __future__ import annotations

import numpy as np

__all__ = ["levels_table", "crps_of", "pinball_of", "pit_of"]


def levels_table(pmf: np.ndarray, levels: tuple[float, ...]) -> tuple[list[int], list[int]]:
    """Return the "N or more" and the "at most N" values of a count pmf at each level.

    Parameters
    ----------
    pmf : numpy.ndarray
        Probabilities of 0, 1, 2 ... items.
    levels : tuple of float
        Levels in percent, such as ``(50, 85)``.

    Returns
    -------
    at_least, at_most : list of int
        At each level ``p``: the largest N with P(X >= N) >= p, and the
        smallest N with P(X <= N) >= p.

    Examples
    --------
    >>> levels_table(np.array([0.1, 0.2, 0.4, 0.2, 0.1]), (50, 85))
    ([2, 1], [2, 3])
    """
    cdf = np.cumsum(pmf)
    survival = np.cumsum(pmf[::-1])[::-1]
    at_least, at_most = [], []
    for p in levels:
        q = p / 100 - 1e-9
        reach = np.flatnonzero(survival >= q)
        at_least.append(int(reach[-1]) if reach.size else 0)
        at_most.append(min(int(np.searchsorted(cdf, q)), pmf.size - 1))
    return at_least, at_most


def crps_of(pmf: np.ndarray, y: int) -> float:
    """Return the CRPS of a distribution on 0, 1, 2 ... against the outcome ``y`` (exact).

    Lower is better; it is 0 only for a forecast certain of ``y``.

    Examples
    --------
    >>> pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    >>> round(crps_of(pmf, 2), 3), round(crps_of(pmf, 4), 3), round(crps_of(pmf, 7), 3)
    (0.2, 1.4, 4.4)
    """
    size = max(pmf.size, y + 1)
    cdf = np.ones(size)
    cdf[: pmf.size] = np.cumsum(pmf)
    step = (np.arange(size) >= y).astype(float)
    return float(np.sum((cdf - step) ** 2))


def pinball_of(pmf: np.ndarray, y: int, levels: tuple[float, ...]) -> float:
    """Return the mean pinball loss at the quantiles behind both statements of each level.

    A level ``p`` is stated twice ("N or more" and "at most N"), so the loss
    is taken at the quantiles ``p / 100`` and ``1 - p / 100``.

    Examples
    --------
    >>> pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    >>> round(pinball_of(pmf, 2, (50, 85)), 3), round(pinball_of(pmf, 4, (50, 85)), 3)
    (0.1, 0.767)
    """
    cdf = np.cumsum(pmf)
    losses = []
    quantiles = sorted({p / 100 for p in levels} | {1 - p / 100 for p in levels if p < 100})
    for q in quantiles:
        quantile = min(int(np.searchsorted(cdf, q - 1e-9)), pmf.size - 1)
        losses.append((y - quantile) * (q - (1.0 if y < quantile else 0.0)))
    return float(np.mean(losses))


def pit_of(pmf: np.ndarray, y: int) -> float:
    """Mid-point PIT of ``y``: F(y - 1) + P(y) / 2, clipped to [0, 1].

    Rounding in the sums can give 1.0000000000000002 (the pmf sums past 1),
    which ``np.histogram(range=(0, 1))`` would drop; the clip keeps every
    origin in the PIT histogram.

    Examples
    --------
    >>> float(np.full(20, 0.05).sum())
    1.0000000000000002
    >>> pit_of(np.full(20, 0.05), 20)
    1.0
    """
    below = float(pmf[: min(y, pmf.size)].sum())
    at = float(pmf[y]) if y < pmf.size else 0.0
    return min(max(below + at / 2, 0.0), 1.0)
