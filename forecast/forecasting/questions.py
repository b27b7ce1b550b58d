"""The two single-team questions: When will N items be done, How many by a date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import HORIZON_YEARS
from forecast.core.checks import (
    DEFAULT_PERCENTILES,
    check_date,
    check_items,
    check_levels,
    check_trials,
    check_whole,
    start_date,
)
from forecast.core.history import History, Sample
from forecast.evaluation.signals import window_drift
from forecast.exceptions import ParameterError, ref
from forecast.forecasting.auto import choose, recalibrate_answer
from forecast.io.readers import as_history
from forecast.notes import info, warning
from forecast.results.forecast import HowManyForecast, WhenForecast
from forecast.sampling.methods import (
    DEFAULT_WINDOW,
    ENGINES,
    get_method,
    how_many_distribution,
    when_distribution,
)
from forecast.sampling.simulate import normalise_seed, use_threads

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["when", "how_many", "DEFAULT_PERCENTILES", "ENGINES"]


EXACT_BUDGET = 3e8
"""Estimated multiply-adds above which ``engine="auto"`` prefers Monte Carlo:
about a third of a second of exact computation."""


def _engine(engine: str) -> str:
    key = str(engine).strip().lower()
    if key not in ENGINES:
        raise ParameterError(f"engine = {engine!r} is not known; use one of {', '.join(ENGINES)}")
    return key


def _when_cost(counts: np.ndarray, items: int, horizon: int, bayes: bool = False,
               whole: bool = True) -> float:
    """Rough multiply-add count of the exact When recursion.

    The Bayesian bootstrap's completion day has a polynomial tail (a trial may
    weight the slow days heavily), so its programme may run to the horizon;
    each day costs, per distinct daily count ``v`` seen ``c`` times, the
    cheaper of ``c`` one-ball passes over the ``items`` totals and one
    beta-binomial step (about ``items / v`` draws of it times ``items``), as
    :func:`forecast.sampling._kernels.polya_rows` chooses. Without ``whole``
    numbers of balls (``weighted``'s real Dirichlet parameters) only the
    beta-binomial step is available.
    """
    top, mean = int(counts.max()), float(counts.mean())
    if items > horizon * top:
        return 0.0
    freq = np.bincount(counts)
    values = np.flatnonzero(freq)
    if bayes:
        days = float(horizon) if horizon <= 400 else min(float(horizon),
                                                         4 * (4.0 * items / mean + 32))
        per_day = sum(min(freq[v] * items if whole else np.inf,
                          (items / v + 1) * (items + 20)) for v in values[1:])
        return days * float(per_day)
    days = min(float(horizon), 4.0 * items / mean + 100.0)
    return days * min(items, days * top) * values.size


def _how_many_cost(counts: np.ndarray, days: int, bayes: bool, whole: bool = True) -> float:
    """Rough multiply-add count of the exact How-many programme of the Bayesian bootstrap.

    Per distinct daily count ``v`` (seen ``c`` times) after the first, the
    cheaper of ``c`` one-ball passes (about ``v * days**2 / 2`` each) and one
    beta-binomial step (about ``v' * days**3 / 3``, ``v'`` the largest count
    before it); only the latter without ``whole`` numbers of balls.
    """
    if not bayes:
        return 0.0  # bounded by EXACT_SIZE
    freq = np.bincount(counts)
    values = np.flatnonzero(freq)
    d = float(days)
    return float(sum(min(freq[v] * v * d * d / 2 if whole else np.inf, values[i] * d ** 3 / 3)
                     for i, v in enumerate(values[1:])))


def _urn_cells(counts: np.ndarray, days: int) -> float:
    """Cells of each of the two tables the Bayesian bootstrap's exact How many keeps."""
    return (days + 1.0) * (days * float(counts.max()) + 1.0)


def _refuse_no_working_day(hist: History, begin: dt.date) -> None:
    """Refuse a calendar with no working day in the horizon: no forecast could give a date.

    An error, not a warning: every percentile would be "not within the horizon" and
    day 1 a date past it, an answer that looks like one and is none; a calendar that
    leaves no working day for 10 years is a mistake in the holidays given.
    """
    if hist.calendar.horizon(begin) == 0:
        raise ParameterError(
            f"the calendar ({hist.calendar.describe()}) has no working day in the "
            f"{HORIZON_YEARS} years from the start {begin.isoformat()}: every day is a "
            f"weekend or a holiday; check the holidays file and {ref('holidays')} (one "
            "date per non-working day), or give a later start", parameter="holidays")


def _prepare(
    history: Any, start: Any, window: int | None, since: Any, trials: int, engine: str,
    percentiles: Iterable[float], method: str = "auto", question: str = "when",
) -> tuple[History, dt.date, Sample, str, tuple[float, ...], int, str, Any]:
    chosen = _engine(engine)
    levels = check_levels(percentiles)
    trials = check_trials(trials)
    hist = as_history(history)
    begin = start_date(start)
    if since is not None:
        since = check_date("since", since)
    _refuse_no_working_day(hist, begin)
    auto = None
    if str(method).strip().lower() == "auto":
        if since is None and window is not None:
            hist.window_bounds(begin, window)  # a bad window is named before the backtest
        # the answer is recalibrated by its own question's past outcomes
        auto = choose(hist, begin, window, since, when="none", recalibration=question)
        method, window = auto.method, auto.window
    if window is None and since is None:
        window = DEFAULT_WINDOW
    sample = hist.sample(begin, window=window, since=since)
    if auto is not None:
        sample = replace(sample, warnings=(*sample.warnings, auto.note))
    changes = window_drift(hist, sample)
    if changes:
        sample = replace(sample, warnings=sample.warnings + tuple(changes))
    return hist, begin, sample, chosen, levels, trials, method, auto


def when(
    history: History | str | os.PathLike[str] | pd.DataFrame,
    items: int,
    *,
    start: Any = None,
    window: int | None = None,
    since: Any = None,
    target: Any = None,
    percentiles: Iterable[float] = DEFAULT_PERCENTILES,
    engine: str = "auto",
    trials: int = 10_000,
    rng: Any = None,
    horizon: int | None = None,
    parallel: bool | None = None,
    method: str = "auto",
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
    window : int, optional
        Calendar days of history before ``start`` to sample. By default
        ``auto`` chooses it, and a fixed method samples 90 days; given, ``auto``
        chooses only the method for this window.
    since : date or str, optional
        First date of the window instead of ``window``.
    target : date or str, optional
        A date whose probability of being met is reported.
    percentiles : iterable of float
        Levels to report (default 50, 70, 85, 95).
    engine : {"auto", "exact", "mc"}
        ``"exact"`` convolves the daily distribution (no sampling noise);
        ``"mc"`` runs the numba Monte Carlo kernel; ``"auto"`` picks exact
        wherever the model allows it, unless its cost would be far above a
        Monte Carlo run's (a huge backlog with an outlier day), and says so.
    trials : int
        Monte Carlo trials (default 10,000).
    rng : None, int or numpy.random.Generator
        Seed of the Monte Carlo streams (None: a fixed default seed).
    horizon : int, optional
        Last working day simulated (default: 10 years of working days).
    parallel : bool, optional
        Run the Monte Carlo trials on all cores (results are identical).
        By default, threads are used when the run is large enough to gain.
    method : {"daily", "weekly", "bayes", "weighted", "auto"}
        How the past is sampled: independent working days; whole weeks of
        working days (a block bootstrap that keeps a team's batching); days
        with Bayesian-bootstrap weights drawn per trial, which widens the
        forecast honestly when the window is short (exact: a Polya urn); the
        same weights favouring recent days (``weighted``: a day's Dirichlet
        parameter halves every 10 working days); or ``auto`` (the default):
        the team's own backtest over the year before ``start`` (every
        forecast of it exact) keeps ``weighted`` over 180 days unless another
        method and window had a clearly lower CRPS, and recalibrates the
        result at seven quantiles of the chosen configuration's past
        outcomes' PITs over up to two years (both are stated in the notes).

    Returns
    -------
    WhenForecast

    Examples
    --------
    >>> import forecast
    >>> history = forecast.History.from_counts(
    ...     ["2024-06-03", "2024-06-04", "2024-06-05"], [2, 0, 1])
    >>> f = forecast.when(history, 10, start="2024-06-06", window=3, method="daily")
    >>> f.percentile(85).date
    datetime.date(2024, 6, 24)
    """
    items = check_items(items)
    hist, begin, sample, chosen, levels, trials, method, auto = _prepare(
        history, start, window, since, trials, engine, percentiles, method
    )
    cal = hist.calendar
    limit = cal.horizon(begin) if horizon is None else check_whole("horizon", horizon, 1)
    goal = None
    if target is not None:
        goal = check_date("target", target)
        if goal < begin:
            raise ParameterError(
                f"target {goal.isoformat()} is before the start {begin.isoformat()}; "
                "give a target on or after the start"
            )
    notes: list[str] = list(hist.notes)
    counts = sample.counts
    spec = get_method(method)
    blocks = spec.blocks(sample)
    engine_auto, chosen = chosen == "auto", spec.engine(chosen)
    if chosen == "exact" and engine_auto and _when_cost(
            counts, items, limit, spec.bayes, whole=spec.alphas is None) > EXACT_BUDGET:
        chosen = "mc"
        notes.append(info(
            "engine auto chose Monte Carlo: the exact engine would be slow for "
            f"{items:,} items with a day of {int(counts.max())} completions in the window",
            "engine-auto-chose"))
    seed = threads = None
    if chosen == "mc":  # a sample always holds an item, so its mean is above 0
        seed = normalise_seed(rng)
        threads = use_threads(parallel, trials * min(float(limit), items / float(counts.mean())))
    pmf, beyond, draws = when_distribution(spec, blocks, items, limit, engine=chosen,
                                           trials=trials, seed=seed or 0, parallel=bool(threads))
    if beyond > 0.001:
        notes.append(warning(
            f"{beyond:.1%} of outcomes do not finish within the horizon of {limit} working "
            f"days; throughput in the window is very low for {items:,} items", "beyond-horizon"))
    pmf, recal_note = recalibrate_answer(auto, pmf, "when", None)
    raw = None
    if recal_note:
        notes.append(recal_note)
        # the percentiles now come from the recalibrated distribution; their Monte Carlo
        # precision from the trials before it
        draws, raw = None, draws
        beyond = 1.0 - float(pmf.sum())
        beyond = beyond if beyond > 1e-9 else 0.0  # rounding in the sum is not a tail
    return WhenForecast(
        start=begin, calendar=cal, sample=sample, engine=chosen, levels=levels, pmf=pmf,
        trials=trials if chosen == "mc" else None, seed=seed, draws=draws, items=items,
        horizon=limit, beyond=beyond, target=goal, notes=tuple(notes), method=spec.key,
        backtest=None if auto is None else auto.result, raw_draws=raw,
    )


def how_many(
    history: History | str | os.PathLike[str] | pd.DataFrame,
    *,
    by: Any = None,
    days: int | None = None,
    start: Any = None,
    window: int | None = None,
    since: Any = None,
    percentiles: Iterable[float] = DEFAULT_PERCENTILES,
    engine: str = "auto",
    trials: int = 10_000,
    rng: Any = None,
    parallel: bool | None = None,
    method: str = "auto",
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
    start, window, since, percentiles, engine, trials, rng, parallel, method
        As for :func:`when`.

    Returns
    -------
    HowManyForecast

    Examples
    --------
    >>> import forecast
    >>> history = forecast.History.from_counts(
    ...     ["2024-06-03", "2024-06-04", "2024-06-05"], [2, 0, 1])
    >>> f = forecast.how_many(history, days=10, start="2024-06-06", window=3,
    ...                       method="daily")
    >>> f.percentile(85).value, f.percentile(50).value
    (7, 10)
    """
    if (by is None) == (days is None):
        raise ParameterError("give exactly one of by (a date) or days (working days)")
    hist, begin, sample, chosen, levels, trials, method, auto = _prepare(
        history, start, window, since, trials, engine, percentiles, method, "how-many"
    )
    cal = hist.calendar
    end_date = None
    if by is not None:
        end_date = check_date("by", by)
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
        span = check_whole("days", days, 1)
    limit = cal.horizon(begin)
    if span > limit:
        asked = ref("by", end_date.isoformat()) if end_date else ref("days", span)
        raise ParameterError(
            f"{asked} is beyond the horizon of 10 years ({limit} working days from "
            f"{begin.isoformat()}); ask about a shorter span"
        )
    counts = sample.counts
    size = span * float(counts.max())  # largest possible count: the exact pmf's length
    notes = list(hist.notes)
    spec = get_method(method)
    blocks = spec.blocks(sample)
    engine_auto, chosen = chosen == "auto", spec.engine(chosen)
    big = spec.bayes and _urn_cells(counts, span) > URN_CELLS
    if chosen == "exact" and engine_auto and (
            big or _how_many_cost(counts, span, spec.bayes, whole=spec.alphas is None)
            > EXACT_BUDGET):
        chosen = "mc"
        notes.append(info(
            f"engine auto chose Monte Carlo: the exact engine would be slow for {span:,} "
            f"working days with a day of {int(counts.max()):,} completions in the window",
            "engine-auto-chose"))
    if chosen == "exact" and big:
        raise ParameterError(
            f"the Bayesian bootstrap's exact distribution over {span:,} working days, with a "
            f"day of {int(counts.max()):,} completions in the window, would need "
            f"{16 * _urn_cells(counts, span) / 1e6:,.0f} MB; use {ref('engine', 'mc')}",
            parameter="engine")
    elif chosen == "exact" and engine_auto and size > EXACT_SIZE:
        chosen = "mc"
        notes.append(info(
            f"engine auto chose Monte Carlo: with a day of {int(counts.max()):,} "
            "completions in the window the exact distribution would be huge",
            "engine-auto-chose"))
    if chosen == "exact" and size > MAX_COUNT:
        raise ParameterError(
            f"the window has a day of {int(counts.max()):,} completions; over {span} working "
            f"days the exact distribution would hold {size:,.0f} counts; use "
            f"{ref('engine', 'mc')}, or check the history for a bulk close", parameter="engine"
        )
    seed = normalise_seed(rng) if chosen == "mc" else None
    pmf, draws = how_many_distribution(
        spec, blocks, span, engine=chosen, trials=trials, seed=seed or 0,
        parallel=use_threads(parallel, float(trials) * span), max_count=MAX_COUNT)
    pmf, recal_note = recalibrate_answer(auto, pmf, "how-many", span)
    if recal_note:
        notes.append(recal_note)
    return HowManyForecast(
        start=begin, calendar=cal, sample=sample, engine=chosen, levels=levels,
        pmf=pmf, trials=trials if chosen == "mc" else None, seed=seed,
        draws=None if recal_note else draws, days=span, by=end_date, notes=tuple(notes),
        method=spec.key, backtest=None if auto is None else auto.result,
        raw_draws=draws if recal_note else None,
    )


MAX_COUNT = 5e7
"""Largest item count a How-many distribution is tabulated up to (400 MB)."""

EXACT_SIZE = 2e6
"""Above this many possible counts, ``engine="auto"`` prefers Monte Carlo."""

URN_CELLS = 2.5e7
"""Cells (of 8 bytes, two tables) above which the Bayesian bootstrap's exact How many
is not run: about 400 MB."""
