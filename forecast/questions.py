"""The two single-team questions: When will N items be done, How many by a date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
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


def _check_trials(trials: Any) -> int:
    count = _check_whole("trials", trials, 1)
    if count > MAX_TRIALS:
        raise ParameterError(
            f"trials = {count:,} is more than {MAX_TRIALS:,}; the precision is already far "
            "finer than a day at 1,000,000"
        )
    return count


def _history(history: History | str | os.PathLike[str] | pd.DataFrame) -> History:
    if isinstance(history, History):
        return history
    from .io import read_history

    return read_history(history)


MAX_TRIALS = 100_000_000
"""More trials than this would need gigabytes and add no useful precision."""

EXACT_BUDGET = 3e8
"""Estimated multiply-adds above which ``engine="auto"`` prefers Monte Carlo:
about a third of a second of exact computation."""


def _start(start: Any) -> dt.date:
    begin = dt.date.today() if start is None else _as_date(start, "start")
    if not 1900 <= begin.year <= 2200:
        raise ParameterError(
            f"start = {begin.isoformat()} is out of range; give a date between 1900 and 2200"
        )
    return begin


def _engine(engine: str) -> str:
    key = str(engine).strip().lower()
    if key not in ENGINES:
        raise ParameterError(f"engine = {engine!r} is not known; use one of {', '.join(ENGINES)}")
    return key


METHODS = ("daily", "weekly", "bayes")
"""Ways to sample the past: single working days, whole weeks, or a Bayesian bootstrap."""

ALL_METHODS = (*METHODS, "auto")


AUTO_ORIGINS = 52
"""``method="auto"`` scores configurations on the last year of weekly origins."""

DEFAULT_WINDOW = 90
"""Calendar days sampled by a fixed method when no window or ``since`` is given."""


@dataclass(frozen=True)
class _Auto:
    method: str
    window: int | None
    note: str
    result: Any = None


def _auto(hist: History, begin: dt.date, window: int | None, since: Any,
          exact: bool = False) -> _Auto:
    """Choose the method and window by the team's own backtest before ``begin``.

    A given ``window`` or ``since`` fixes the window, and only the method is
    chosen; ``exact`` leaves out the Bayesian bootstrap, which has no exact
    engine.
    """
    from .backtest import AUTO_DEFAULT, DEFAULT_WINDOWS, STANDARD, SWITCH_Z, backtest

    methods = ("daily", "weekly") if exact else METHODS
    windows: tuple[int, ...] = DEFAULT_WINDOWS
    if since is not None:
        windows = (max(7, (begin - _as_date(since, "since")).days),)
    elif window is not None:
        windows = (int(window),)
    fallback = STANDARD if exact else AUTO_DEFAULT
    try:
        # only the P85 statements (for the note) and the raw scores are needed
        result = backtest(hist, start=begin, methods=methods, windows=windows,
                          max_origins=AUTO_ORIGINS, trials=500, levels=(85,),
                          recalibrated=False)
    except ParameterError as exc:
        reason = str(exc).split(": ", 1)[-1].split(";")[0]
        kept = None if since is not None else (window or fallback[1])
        shown = f"{fallback[0]}" + (f" with a {kept}-day window" if kept else "")
        return _Auto(fallback[0], kept, f"method auto fell back to {shown}: {reason}")
    method, chosen, z, default = result.choice()
    score = result.score(method, chosen, 20) if 20 in result.horizons else None
    detail = (f"; its 85% held {score.at_least[85]:.0%} (N or more) and {score.at_most[85]:.0%}"
              " (at most) at 20 working days") if score and 85 in score.at_least else ""
    over = f"over {len(result.origins)} weekly origins of the team's own past"
    if (method, chosen) == default:
        why = (f"no configuration's CRPS was lower than this default's by more than "
               f"{SWITCH_Z:g} standard errors {over}")
    else:
        why = (f"its CRPS was lower than the default {default[0]} {default[1]}d's by "
               f"{z:.1f} standard errors {over}")
    note = f"method auto chose {method} with a {chosen}-day window: {why}{detail}"
    return _Auto(method, None if since is not None else chosen, note, result)


def _recalibrate(auto: _Auto | None, pmf: np.ndarray, question: str, days: int | None
                 ) -> tuple[np.ndarray, str | None]:
    """Recalibrate ``pmf`` halfway by the chosen configuration's recent PITs, on a miss."""
    if auto is None or auto.result is None:
        return pmf, None
    from .backtest import RECALIBRATION_PITS, _halfway, recalibration_miss

    result, (method, window) = auto.result, auto.result.best
    if question == "when":
        key = ("when", result.batch)
    else:
        nearest = min(result.horizons, key=lambda h: abs(h - (days or h)))
        key = ("how-many", nearest)
    try:
        score = result.score(method, window, key[1], key[0])
    except ParameterError:
        return pmf, None
    # the backtest's PITs in origin order; the latest ones are the most recent outcomes
    pits = np.asarray(score.pit_values)[-RECALIBRATION_PITS:]
    span_days = result.batch_days if key[0] == "when" else key[1] * 7 / 5
    miss = recalibration_miss(pits, span_days)  # as partial_recalibration decides
    if miss is None:
        return pmf, None
    fixed = _halfway(pmf, pits)
    if key[0] == "when":  # a low PIT is an early finish: "done by the date" is the upper side
        what = f"When {result.batch} items"
        held = f"{miss[1]:.0%} (done by the date) and {miss[0]:.0%} (not done before it)"
    else:
        what = f"How many in {key[1]} working days"
        held = f"{miss[0]:.0%} (N or more) and {miss[1]:.0%} (at most N)"
    return fixed, (
        f"recalibrated halfway by the {pits.size} latest past outcomes of the team's own "
        f"backtest ({what}): its stated 85% had held {held}"
    )


def _method(method: str, sample: Sample) -> tuple[str, np.ndarray, bool]:
    """Return ``(method, blocks, bayes)`` for the kernels and exact engines."""
    key = str(method).strip().lower()
    if key not in METHODS:
        raise ParameterError(
            f"method = {method!r} is not known; use one of {', '.join(METHODS)}"
        )
    if key == "weekly":
        width = sample.calendar.working_days_per_week
        blocks = sample.blocks(width)
        if blocks.shape[0] < 2:
            raise ParameterError(
                f"method 'weekly' needs at least 2 whole weeks ({2 * width} working days) in "
                f"the window, which has {sample.working_days}; widen --window"
            )
        if not blocks.any():
            raise ParameterError(
                "method 'weekly': the window's whole weeks hold no completion; widen --window"
            )
        return key, blocks, False
    return key, sample.counts.reshape(-1, 1), key == "bayes"


def _when_cost(counts: np.ndarray, items: int, horizon: int) -> float:
    """Rough multiply-add count of the exact When recursion."""
    top, mean = int(counts.max()), float(counts.mean())
    if items > horizon * top:
        return 0.0
    days = min(float(horizon), 4.0 * items / mean + 100.0)
    return days * min(items, days * top) * np.count_nonzero(np.bincount(counts))


def _parallel(parallel: bool | None, team_days: float) -> bool:
    # Measured (benchmarks/): threads pay off above about a millisecond of work,
    # and below it a busy machine makes them many times slower than one thread.
    return team_days >= 2e6 if parallel is None else bool(parallel)


def _prepare(
    history: Any, start: Any, window: int | None, since: Any, trials: int, engine: str,
    percentiles: Iterable[float], method: str = "auto",
) -> tuple[History, dt.date, Sample, str, tuple[float, ...], int, str, Any]:
    chosen = _engine(engine)
    levels = _check_levels(percentiles)
    trials = _check_trials(trials)
    hist = _history(history)
    begin = _start(start)
    auto = None
    if str(method).strip().lower() == "auto":
        if since is None and window is not None:
            hist.window_bounds(begin, window)  # a bad window is named before the backtest
        auto = _auto(hist, begin, window, since, exact=chosen == "exact")
        method, window = auto.method, auto.window
    if window is None and since is None:
        window = DEFAULT_WINDOW
    sample = hist.sample(begin, window=window, since=since)
    if auto is not None:
        sample = replace(sample, warnings=(*sample.warnings, auto.note))
    from .signals import window_drift

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
    method : {"daily", "weekly", "bayes", "auto"}
        How the past is sampled: independent working days; whole weeks of
        working days (a block bootstrap that keeps a team's batching); days
        with Bayesian-bootstrap weights drawn per trial, which widens the
        forecast honestly when the window is short (Monte Carlo only); or
        ``auto`` (the default): the team's own backtest over the year before
        ``start`` keeps the Bayesian bootstrap of 30 days unless another
        method and window had a clearly lower CRPS, and recalibrates the
        result halfway by the latest past outcomes when its stated 85% missed
        (both are stated in the notes). With ``engine="exact"``, ``auto``
        chooses among ``daily`` and ``weekly`` (default: daily, 30 days).

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
    items = _check_whole("items", items, 1)
    hist, begin, sample, chosen, levels, trials, method, auto = _prepare(
        history, start, window, since, trials, engine, percentiles, method
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
    counts = sample.counts
    kind, blocks, bayes = _method(method, sample)
    if chosen == "exact" and bayes:
        raise ParameterError("method 'bayes' has no exact engine; use --engine mc or auto")
    if chosen == "auto":
        chosen = "mc" if bayes else "exact"
        if not bayes and _when_cost(counts, items, limit) > EXACT_BUDGET:
            chosen = "mc"
            notes.append(
                "engine auto chose Monte Carlo: the exact engine would be slow for "
                f"{items:,} items with a day of {int(counts.max())} completions in the window"
            )
    draws = seed = None
    used_trials: int | None = None
    if chosen == "exact":
        from .exact import when_pmf, when_pmf_blocks

        if kind == "daily":
            pmf, beyond = when_pmf(counts, items, limit)
        else:
            pmf, beyond = when_pmf_blocks(blocks, items, limit)
    else:
        from .simulate import normalise_seed, simulate_when, simulate_when_blocks

        seed = normalise_seed(rng)
        used_trials = trials
        if items > limit * int(counts.max()):  # cannot finish even at the best pace
            draws = np.full(trials, limit + 1, dtype=np.int32)
        else:
            team_days = trials * min(float(limit), items / float(counts.mean()))
            if kind == "daily":
                draws = simulate_when(counts, items, limit, trials, seed,
                                      parallel=_parallel(parallel, team_days))
            else:
                draws = simulate_when_blocks(blocks, items, limit, trials, seed, bayes,
                                             parallel=_parallel(parallel, team_days))
        pmf = np.bincount(draws, minlength=limit + 2)[: limit + 1] / trials
        beyond = float(np.count_nonzero(draws > limit) / trials)
    if beyond > 0.001:
        notes.append(
            f"{beyond:.1%} of outcomes do not finish within the horizon of {limit} working "
            f"days; throughput in the window is very low for {items:,} items"
        )
    pmf, recal_note = _recalibrate(auto, pmf, "when", None)
    if recal_note:
        notes.append(recal_note)
        draws = None  # the percentiles now come from the recalibrated distribution
        beyond = 1.0 - float(pmf.sum())
        beyond = beyond if beyond > 1e-9 else 0.0  # rounding in the sum is not a tail
    return WhenForecast(
        start=begin, calendar=cal, sample=sample, engine=chosen, levels=levels, pmf=pmf,
        trials=used_trials, seed=seed, draws=draws, items=items, horizon=limit, beyond=beyond,
        target=goal, notes=tuple(notes), method=kind,
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
        history, start, window, since, trials, engine, percentiles, method
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
    counts = sample.counts
    size = span * float(counts.max())  # largest possible count: the exact pmf's length
    notes = list(hist.notes)
    kind, blocks, bayes = _method(method, sample)
    if chosen == "exact" and bayes:
        raise ParameterError("method 'bayes' has no exact engine; use --engine mc or auto")
    if chosen == "auto":
        chosen = "mc" if bayes else "exact"
        if not bayes and size > EXACT_SIZE:
            chosen = "mc"
            notes.append(
                f"engine auto chose Monte Carlo: with a day of {int(counts.max()):,} "
                "completions in the window the exact distribution would be huge"
            )
    if chosen == "exact" and size > MAX_COUNT:
        raise ParameterError(
            f"the window has a day of {int(counts.max()):,} completions; over {span} working "
            f"days the exact distribution would hold {size:,.0f} counts; use --engine mc, "
            "or check the history for a bulk close"
        )
    if chosen == "exact":
        from .exact import how_many_pmf, how_many_pmf_blocks

        pmf = how_many_pmf(counts, span) if kind == "daily" else how_many_pmf_blocks(blocks, span)
        pmf, recal_note = _recalibrate(auto, pmf, "how-many", span)
        if recal_note:
            notes.append(recal_note)
        return HowManyForecast(
            start=begin, calendar=cal, sample=sample, engine="exact", levels=levels,
            pmf=pmf, days=span, by=end_date, notes=tuple(notes), method=kind,
        )
    from .simulate import normalise_seed, simulate_how_many, simulate_how_many_blocks

    seed = normalise_seed(rng)
    use_threads = _parallel(parallel, float(trials) * span)
    if kind == "daily":
        draws = simulate_how_many(counts, span, trials, seed, parallel=use_threads)
    else:
        draws = simulate_how_many_blocks(blocks, span, trials, seed, bayes,
                                         parallel=use_threads)
    if int(draws.max()) > MAX_COUNT:
        raise ParameterError(
            f"outcomes of up to {int(draws.max()):,} items are too many to tabulate; check "
            "the history for a bulk close, or use a window without it"
        )
    pmf, recal_note = _recalibrate(auto, np.bincount(draws) / trials, "how-many", span)
    if recal_note:
        notes.append(recal_note)
    return HowManyForecast(
        start=begin, calendar=cal, sample=sample, engine="mc", levels=levels,
        pmf=pmf, trials=trials, seed=seed, draws=None if recal_note else draws,
        days=span, by=end_date, notes=tuple(notes), method=kind,
    )


MAX_COUNT = 5e7
"""Largest item count a How-many distribution is tabulated up to (400 MB)."""

EXACT_SIZE = 2e6
"""Above this many possible counts, ``engine="auto"`` prefers Monte Carlo."""
