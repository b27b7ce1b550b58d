"""Where a backtest looks: its checked settings, the daily series and the rolling origins.

:func:`backtest_settings` checks the keywords of
:func:`forecast.evaluation.backtest.backtest` and returns those that
reproduce a run (kept on the result, so a second caller can tell whether the
run it wants is one already made); :func:`daily_series` and
:func:`rolling_origins` place the origins in the history.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.core.checks import DEFAULT_PERCENTILES
from forecast.core.history import MAX_WINDOW, History
from forecast.exceptions import ParameterError, ref
from forecast.sampling.methods import METHODS, get_method
from forecast.sampling.simulate import normalise_seed

__all__ = ["backtest_settings", "daily_series", "rolling_origins", "DEFAULT_HORIZONS",
           "DEFAULT_WINDOWS", "DEFAULT_METHODS", "DEFAULT_LEVELS", "MIN_ORIGINS"]

DEFAULT_HORIZONS = (10, 20, 40)
DEFAULT_WINDOWS = (30, 60, 90, 180)
DEFAULT_METHODS = tuple(METHODS)
"""Every sampling method of the registry (:data:`forecast.sampling.methods.METHODS`)."""
DEFAULT_LEVELS = DEFAULT_PERCENTILES

MIN_ORIGINS = 10
"""Fewer origins than this is too little history to score a configuration."""


def daily_series(history: History, last: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Working days from the history's start to ``last`` and the items on each.

    Items done on a non-working day count on the next working day.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-01", "2024-06-04"], [2, 1])  # Sat, Tue
    >>> work, counts = daily_series(h, dt.date(2024, 6, 4))
    >>> str(work[0]), counts[:2].tolist()
    ('2024-06-03', [2, 1])
    """
    work = history.calendar.working_dates(history.first, last + dt.timedelta(days=14))
    moved = history.calendar.roll_forward(history.dates)
    slot = np.searchsorted(work, moved)
    keep = slot < work.size
    counts = np.bincount(slot[keep], weights=history.counts[keep],
                         minlength=work.size).astype(np.int64)
    return work, counts


def rolling_origins(history: History, end: dt.date, work: np.ndarray, windows: tuple[int, ...],
                    horizons: tuple[int, ...], step: int, max_origins: int | None
                    ) -> list[dt.date]:
    """Return the origins, ``step`` days apart, whose longest horizon has elapsed by ``end``.

    The first origin has the longest window of history before it; ``work``
    holds the working days through ``end`` (:func:`daily_series`). Raises
    :class:`~forecast.exceptions.ParameterError` for fewer than
    :data:`MIN_ORIGINS`, saying how much history is needed.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> end = dt.date(2024, 6, 2)
    >>> work = daily_series(h, end)[0]
    >>> work = work[work <= np.datetime64(end)]
    >>> found = rolling_origins(h, end, work, (30,), (10,), 7, 12)
    >>> len(found), found[-1]
    (12, datetime.date(2024, 5, 20))
    """
    longest = max(horizons)
    first_origin = history.first + dt.timedelta(days=max(windows))
    # the last origin whose longest horizon has fully elapsed by `end`
    if work.size <= longest:
        last_origin = None
    else:
        last_origin = (work[work.size - longest].astype(dt.date))
    needed = max(windows) + step * (MIN_ORIGINS - 1) + math.ceil(longest * 7 / 5)
    if last_origin is None or last_origin < first_origin:
        origins: list[dt.date] = []
    else:
        count = (last_origin - first_origin).days // step + 1
        origins = [last_origin - dt.timedelta(days=step * i) for i in range(count)][::-1]
    if max_origins is not None:
        origins = origins[-max_origins:]
    if len(origins) < MIN_ORIGINS:
        raise ParameterError(
            f"{history.source}: too little history for a backtest: it spans "
            f"{max((end - history.first).days + 1, 0)} days before the start, and "
            f"{MIN_ORIGINS} origins {step} days apart with a {max(windows)}-day window and a "
            f"{longest}-working-day horizon need "
            f"about {needed}; use shorter {ref('windows')} or {ref('horizons')}, or more "
            "history", parameter="windows")
    return origins


def backtest_settings(
    *,
    start: Any = None,
    methods: tuple[str, ...] = DEFAULT_METHODS,
    windows: tuple[int, ...] = DEFAULT_WINDOWS,
    horizons: tuple[int, ...] = DEFAULT_HORIZONS,
    step: int = 7,
    batch: int | None = None,
    levels: tuple[float, ...] = DEFAULT_LEVELS,
    trials: int = 2000,
    rng: Any = None,
    progress: Any = None,
    max_origins: int | None = None,
    recalibrated: bool = True,
    engine: str = "exact",
) -> dict[str, Any]:
    """Check the keywords of :func:`~forecast.evaluation.backtest.backtest`; return them as it runs.

    Duplicates are dropped, ``rng`` becomes the seed and ``start`` a date:
    ``backtest(history, **backtest_settings(...))`` is the same run. Raises
    what ``backtest`` raises for a bad setting (``progress`` is not a setting).

    Examples
    --------
    >>> s = backtest_settings(methods=("daily", "daily"), windows=(30,), start="2024-06-03")
    >>> s["methods"], s["windows"], s["start"], s["rng"]
    (('daily',), (30,), datetime.date(2024, 6, 3), 42)
    """
    for m in methods:
        get_method(m, strict=True)
    for h in horizons:
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h <= 0:
            raise ParameterError(f"horizon = {h!r}, must be a whole number of working days >= 1",
                                 parameter="horizons")
    for w in windows:
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or not 7 <= w <= MAX_WINDOW:
            raise ParameterError(
                f"window = {w!r}, must be a whole number of days from 7 to {MAX_WINDOW}",
                parameter="windows")
    if not methods:
        raise ParameterError(f"no method to score; give at least one of {', '.join(METHODS)}")
    if step < 1:
        raise ParameterError(f"step = {step}, must be >= 1 day")
    if engine not in ("exact", "mc"):
        raise ParameterError(f"engine = {engine!r} is not known; use exact or mc",
                             parameter="engine")
    seed = normalise_seed(rng)
    return {
        "start": None if start is None else _as_day(start),
        "methods": tuple(dict.fromkeys(methods)),
        "windows": tuple(dict.fromkeys(int(w) for w in windows)),
        "horizons": tuple(dict.fromkeys(int(h) for h in horizons)),
        "step": step, "batch": batch, "levels": tuple(levels), "trials": trials, "rng": seed,
        "max_origins": max_origins, "recalibrated": recalibrated, "engine": engine,
    }


def _as_day(value: Any) -> dt.date:

    return as_date(value, "start")
