"""The two single-team questions: When will N items be done, How many by a date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .calendar import _as_date
from .exceptions import ParameterError
from .history import History, Sample
from .result import HowManyForecast, WhenForecast, _check_levels

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["when", "how_many", "DEFAULT_PERCENTILES", "ENGINES"]

DEFAULT_PERCENTILES = (50, 70, 85, 95)
ENGINES = ("auto", "exact", "mc")


def _check_whole(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)):
        raise ParameterError(f"{name} = {value!r} must be a whole number >= {minimum}")
    if isinstance(value, float) and not value.is_integer():
        raise ParameterError(f"{name} = {value!r} must be a whole number >= {minimum}")
    if value < minimum:
        raise ParameterError(f"{name} = {int(value)}, must be >= {minimum}")
    return int(value)


def _history(history: History | str | os.PathLike[str] | pd.DataFrame) -> History:
    if isinstance(history, History):
        return history
    from .io import read_history

    return read_history(history)


def _start(start: Any) -> dt.date:
    return dt.date.today() if start is None else _as_date(start, "start")


def _engine(engine: str) -> str:
    key = str(engine).strip().lower()
    if key not in ENGINES:
        raise ParameterError(f"engine = {engine!r} is not known; use one of {', '.join(ENGINES)}")
    return "exact" if key == "auto" else key


def _prepare(
    history: Any, start: Any, window: int | None, since: Any, trials: int, engine: str,
    percentiles: Iterable[float],
) -> tuple[History, dt.date, Sample, str, tuple[float, ...], int]:
    chosen = _engine(engine)
    levels = _check_levels(percentiles)
    trials = _check_whole("trials", trials, 1)
    hist = _history(history)
    begin = _start(start)
    sample = hist.sample(begin, window=window, since=since)
    return hist, begin, sample, chosen, levels, trials


def when(
    history: History | str | os.PathLike[str] | pd.DataFrame,
    items: int,
    *,
    start: Any = None,
    window: int | None = 90,
    since: Any = None,
    target: Any = None,
    percentiles: Iterable[float] = DEFAULT_PERCENTILES,
    engine: str = "auto",
    trials: int = 10_000,
    rng: Any = None,
    horizon: int | None = None,
    parallel: bool = True,
) -> WhenForecast:
    """Forecast when ``items`` items will be done.

    Each future working day's throughput is drawn from the history window's
    throughput per working day (daily bootstrap). The completion day is the
    working day on which the last item completes; day 1 is the first working
    day on or after ``start``.

    Parameters
    ----------
    history : History, path or DataFrame
        Completed items (see :func:`forecast.read_history`).
    items : int
        Items still to do (>= 1).
    start : date or str, optional
        Start of the forecast (default: today). The window ends the day before.
    window : int
        Calendar days of history before ``start`` to sample (default 90).
    since : date or str, optional
        First date of the window instead of ``window``.
    target : date or str, optional
        A date whose probability of being met is reported.
    percentiles : iterable of float
        Levels to report (default 50, 70, 85, 95).
    engine : {"auto", "exact", "mc"}
        ``"exact"`` convolves the daily distribution (no sampling noise);
        ``"mc"`` runs the numba Monte Carlo kernel; ``"auto"`` picks exact
        wherever the model allows it.
    trials : int
        Monte Carlo trials (default 10,000).
    rng : None, int or numpy.random.Generator
        Seed of the Monte Carlo streams (None: a fixed default seed).
    horizon : int, optional
        Last working day simulated (default: 10 years of working days).
    parallel : bool
        Run the Monte Carlo trials on all cores (results are identical).

    Returns
    -------
    WhenForecast

    Examples
    --------
    >>> import forecast
    >>> history = forecast.History.from_counts(
    ...     ["2024-06-03", "2024-06-04", "2024-06-05"], [2, 0, 1])
    >>> f = forecast.when(history, 10, start="2024-06-06", window=3)
    >>> f.percentile(85).date
    datetime.date(2024, 6, 24)
    """
    items = _check_whole("items", items, 1)
    hist, begin, sample, chosen, levels, trials = _prepare(
        history, start, window, since, trials, engine, percentiles
    )
    cal = hist.calendar
    limit = cal.horizon(begin) if horizon is None else _check_whole("horizon", horizon, 1)
    goal = None
    if target is not None:
        goal = _as_date(target, "target")
        if goal < begin:
            raise ParameterError(
                f"target {goal.isoformat()} is before the start {begin.isoformat()}; "
                "give a target on or after the start"
            )
    notes: list[str] = list(hist.notes)
    if chosen == "exact":
        from .exact import when_pmf

        pmf, beyond = when_pmf(sample.counts, items, limit)
        result = WhenForecast(
            start=begin, calendar=cal, sample=sample, engine="exact", levels=levels, pmf=pmf,
            items=items, horizon=limit, beyond=beyond, target=goal, notes=tuple(notes),
        )
    else:
        from .simulate import normalise_seed, simulate_when

        seed = normalise_seed(rng)
        draws = simulate_when(sample.counts, items, limit, trials, seed, parallel=parallel)
        pmf = np.bincount(draws, minlength=limit + 2)[: limit + 1] / trials
        result = WhenForecast(
            start=begin, calendar=cal, sample=sample, engine="mc", levels=levels, pmf=pmf,
            trials=trials, seed=seed, draws=draws, items=items, horizon=limit,
            beyond=float(np.count_nonzero(draws > limit) / trials), target=goal,
            notes=tuple(notes),
        )
    if result.not_within_horizon > 0.001:
        notes.append(
            f"{result.not_within_horizon:.1%} of outcomes do not finish within the horizon "
            f"of {limit} working days; throughput in the window is very low for {items} items"
        )
        object.__setattr__(result, "notes", tuple(notes))
    return result


def how_many(
    history: History | str | os.PathLike[str] | pd.DataFrame,
    *,
    by: Any = None,
    days: int | None = None,
    start: Any = None,
    window: int | None = 90,
    since: Any = None,
    percentiles: Iterable[float] = DEFAULT_PERCENTILES,
    engine: str = "auto",
    trials: int = 10_000,
    rng: Any = None,
    parallel: bool = True,
) -> HowManyForecast:
    """Forecast how many items will be done by a date, or in ``days`` working days.

    Percentiles read in the "N or more" direction: P85 is the largest N such
    that at least 85% of outcomes complete N items or more.

    Parameters
    ----------
    history : History, path or DataFrame
        Completed items (see :func:`forecast.read_history`).
    by : date or str, optional
        Count the working days from day 1 through this date (inclusive).
    days : int, optional
        Or give the number of working days directly. Exactly one of ``by``
        and ``days`` is needed.
    start, window, since, percentiles, engine, trials, rng, parallel
        As for :func:`when`.

    Returns
    -------
    HowManyForecast

    Examples
    --------
    >>> import forecast
    >>> history = forecast.History.from_counts(
    ...     ["2024-06-03", "2024-06-04", "2024-06-05"], [2, 0, 1])
    >>> f = forecast.how_many(history, days=10, start="2024-06-06", window=3)
    >>> f.percentile(85).value, f.percentile(50).value
    (7, 10)
    """
    if (by is None) == (days is None):
        raise ParameterError("give exactly one of by (a date) or days (working days)")
    hist, begin, sample, chosen, levels, trials = _prepare(
        history, start, window, since, trials, engine, percentiles
    )
    cal = hist.calendar
    end_date = None
    if by is not None:
        end_date = _as_date(by, "by")
        if end_date < begin:
            raise ParameterError(
                f"by = {end_date.isoformat()} is before the start {begin.isoformat()}; "
                "give a date on or after the start"
            )
        span = cal.day_number(begin, end_date)
        if span < 1:
            raise ParameterError(
                f"there is no working day between the start {begin.isoformat()} and "
                f"by = {end_date.isoformat()}; give a later date"
            )
    else:
        span = _check_whole("days", days, 1)
    limit = cal.horizon(begin)
    if span > limit:
        asked = f"by = {end_date.isoformat()}" if end_date else f"days = {span}"
        raise ParameterError(
            f"{asked} is beyond the horizon of 10 years ({limit} working days from "
            f"{begin.isoformat()}); ask about a shorter span"
        )
    if chosen == "exact":
        from .exact import how_many_pmf

        return HowManyForecast(
            start=begin, calendar=cal, sample=sample, engine="exact", levels=levels,
            pmf=how_many_pmf(sample.counts, span), days=span, by=end_date, notes=hist.notes,
        )
    from .simulate import normalise_seed, simulate_how_many

    seed = normalise_seed(rng)
    draws = simulate_how_many(sample.counts, span, trials, seed, parallel=parallel)
    return HowManyForecast(
        start=begin, calendar=cal, sample=sample, engine="mc", levels=levels,
        pmf=np.bincount(draws) / trials, trials=trials, seed=seed, draws=draws,
        days=span, by=end_date, notes=hist.notes,
    )
