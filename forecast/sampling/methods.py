"""Ways to sample a team's past: the methods and the arrays each one hands the engines."""

from __future__ import annotations

import numpy as np

from forecast.core.history import Sample
from forecast.exceptions import ParameterError, ref

__all__ = ["METHODS", "DEFAULT_WINDOW", "method_blocks"]

METHODS = ("daily", "weekly", "bayes")
"""Ways to sample the past: single working days, whole weeks, or a Bayesian bootstrap."""

DEFAULT_WINDOW = 90
"""Calendar days sampled by a fixed method when no window or ``since`` is given."""


def method_blocks(method: str, sample: Sample) -> tuple[str, np.ndarray, bool]:
    """Return ``(method, blocks, bayes)`` for the kernels and exact engines.

    ``blocks`` holds one row per draw: single working days (one column) or
    whole working weeks; ``bayes`` says whether a trial weights them by
    Dirichlet(1, ..., 1) weights.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> sample = h.sample(dt.date(2024, 6, 5), since=dt.date(2024, 6, 3))
    >>> kind, blocks, bayes = method_blocks("daily", sample)
    >>> kind, blocks.ravel().tolist(), bayes
    ('daily', [2, 1], False)
    """
    key = str(method).strip().lower()
    if key not in METHODS:
        raise ParameterError(
            f"method = {method!r} is not known; use one of {', '.join(METHODS)}",
            parameter="method")
    if key == "weekly":
        width = sample.calendar.working_days_per_week
        blocks = sample.blocks(width)
        if blocks.shape[0] < 2:
            raise ParameterError(
                f"method 'weekly' needs at least 2 whole weeks ({2 * width} working days) in "
                f"the window, which has {sample.working_days}; widen {ref('window')}",
                parameter="window")
        if not blocks.any():
            raise ParameterError(
                "method 'weekly': the window's whole weeks hold no completion; widen "
                f"{ref('window')}", parameter="window")
        return key, blocks, False
    return key, sample.counts.reshape(-1, 1), key == "bayes"
