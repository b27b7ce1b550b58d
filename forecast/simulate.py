"""Monte Carlo runs: turn plain arrays into kernel calls and check their inputs.

The numba kernels are imported here lazily, on the first simulation, so
that importing :mod:`forecast` (and ``forecast --help``) never loads numba.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DEFAULT_SEED", "normalise_seed", "simulate_when", "simulate_how_many"]

DEFAULT_SEED = 42
"""Seed used when none is given, so the same inputs always give the same answer."""

_SEED_MASK = (1 << 64) - 1


def normalise_seed(rng: Any) -> int:
    """Turn ``rng`` (None, an int, or a numpy Generator) into a 64-bit seed.

    None gives :data:`DEFAULT_SEED`; a ``numpy.random.Generator`` gives a
    seed drawn from it (so a seeded generator gives reproducible runs).

    Examples
    --------
    >>> normalise_seed(None), normalise_seed(7)
    (42, 7)
    """
    from .exceptions import ParameterError

    if rng is None:
        return DEFAULT_SEED
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ParameterError(f"seed = {rng}, must be >= 0")
        return int(rng) & _SEED_MASK
    raise ParameterError(
        f"rng = {rng!r} is not a seed; give None, a whole number >= 0, or a numpy Generator"
    )


def simulate_when(
    counts: np.ndarray, items: int, horizon: int, trials: int, seed: int, parallel: bool = True
) -> np.ndarray:
    """Return each trial's completion day (``horizon + 1`` when not done in time).

    Examples
    --------
    >>> simulate_when(np.array([1]), items=3, horizon=10, trials=2, seed=1).tolist()
    [3, 3]
    """
    from . import _kernels

    kernel = _kernels.when_days if parallel else _kernels.when_days_serial
    values = np.ascontiguousarray(counts, dtype=np.int64)
    return kernel(values, int(items), int(horizon), np.uint64(seed), int(trials))


def simulate_how_many(
    counts: np.ndarray, days: int, trials: int, seed: int, parallel: bool = True
) -> np.ndarray:
    """Return the number of items each trial completes in ``days`` working days.

    Examples
    --------
    >>> simulate_how_many(np.array([2]), days=5, trials=2, seed=1).tolist()
    [10, 10]
    """
    from . import _kernels

    kernel = _kernels.how_many_totals if parallel else _kernels.how_many_totals_serial
    values = np.ascontiguousarray(counts, dtype=np.int64)
    return kernel(values, int(days), np.uint64(seed), int(trials))
