"""Scores of a count or day distribution against what happened: coverage, CRPS, pinball, PIT.

Every function takes a probability mass function on 0, 1, 2 ... (items, or
working days) and the observed outcome ``y``, and is exact: no sampling.
:func:`score` computes them all in one compiled pass (the backtest scores
thousands of forecasts); the single functions read the same pass, so their
values are identical to the backtest's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from forecast.sampling.exact import score_pmf, score_pmfs

__all__ = ["levels_table", "crps_of", "pinball_of", "pit_of", "score", "score_many", "Scores"]


class Scores(NamedTuple):
    """One forecast's scores against its outcome (see :func:`score`).

    Attributes
    ----------
    crps, pinball, pit : float
        See :func:`crps_of`, :func:`pinball_of`, :func:`pit_of`.
    at_least, at_most : list of int
        The "N or more" and "at most N" values at each level (:func:`levels_table`).

    Examples
    --------
    >>> score(np.array([0.5, 0.5]), 1).crps
    0.25
    """

    crps: float
    pinball: float
    pit: float
    at_least: list[int]
    at_most: list[int]


_LEVELS: dict[tuple[float, ...], np.ndarray] = {}
"""Each tuple of levels as the array the compiled pass takes (made once)."""


def score(pmf: np.ndarray, y: int, levels: tuple[float, ...] = (85.0,)) -> Scores:
    """Return every score of ``pmf`` against the outcome ``y``, in one compiled pass.

    Examples
    --------
    >>> s = score(np.array([0.1, 0.2, 0.4, 0.2, 0.1]), 4, (50, 85))
    >>> round(s.crps, 3), round(s.pinball, 3), round(s.pit, 3), s.at_least, s.at_most
    (1.4, 0.767, 0.95, [2, 1], [2, 3])
    """
    if not isinstance(pmf, np.ndarray) or pmf.dtype != np.float64 or not pmf.flags.c_contiguous:
        pmf = np.ascontiguousarray(pmf, dtype=np.float64)
    key = tuple(levels)
    found = _LEVELS.get(key)
    if found is None:
        found = _LEVELS.setdefault(key, np.asarray(key, dtype=np.float64))
    crps, loss, pit, least, most = score_pmf(pmf, int(y), found)
    return Scores(float(crps), float(loss), float(pit), least.tolist(), most.tolist())


def score_many(pmfs: list[np.ndarray], ys: list[int], levels: tuple[float, ...] = (85.0,)
               ) -> list[Scores]:
    """Return :func:`score` of each pmf against its outcome, in one compiled call.

    Examples
    --------
    >>> [round(s.crps, 3) for s in score_many([np.array([0.5, 0.5]), np.array([1.0])], [1, 3])]
    [0.25, 3.0]
    """
    if not pmfs:
        return []
    offsets = np.zeros(len(pmfs) + 1, dtype=np.int64)
    np.cumsum([p.size for p in pmfs], out=offsets[1:])
    flat = np.concatenate(pmfs).astype(np.float64, copy=False)
    crps, loss, pit, least, most = score_pmfs(
        flat, offsets, np.asarray(ys, dtype=np.int64), np.asarray(levels, dtype=np.float64))
    return [Scores(float(crps[i]), float(loss[i]), float(pit[i]), least[i].tolist(),
                   most[i].tolist()) for i in range(len(pmfs))]


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
    found = score(pmf, 0, levels)
    return found.at_least, found.at_most


def crps_of(pmf: np.ndarray, y: int) -> float:
    """Return the CRPS of a distribution on 0, 1, 2 ... against the outcome ``y`` (exact).

    Lower is better; it is 0 only for a forecast certain of ``y``.

    Examples
    --------
    >>> pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    >>> round(crps_of(pmf, 2), 3), round(crps_of(pmf, 4), 3), round(crps_of(pmf, 7), 3)
    (0.2, 1.4, 4.4)
    """
    return score(pmf, y).crps


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
    return score(pmf, y, levels).pinball


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
    return score(pmf, y).pit
