"""Where a backtest looks: its checked settings, the daily series and the rolling origins.

:func:`backtest_settings` checks the keywords of
:func:`forecast.evaluation.backtest.backtest` and returns those that
reproduce a run (kept on the result, so a second caller can tell whether the
run it wants is one already made); :func:`daily_series` and
:func:`rolling_origins` place the origins in the history.

A backtest needs :data:`MIN_ORIGINS` origins after its longest window and
before its longest horizon: :func:`history_needed` is that requirement,
exactly, in calendar days. Windows and horizons left at their defaults are
candidates, not demands: :func:`fit_to_history` keeps those that fit a short
history (dropping the longest windows first, then the longest horizons) and
says which it kept and why; those a caller gave must all fit, or the error
says exactly how much history they need.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.core.checks import DEFAULT_PERCENTILES, listed
from forecast.core.history import MAX_WINDOW, History
from forecast.exceptions import ParameterError, ref
from forecast.notes import Note, info
from forecast.sampling.methods import METHODS, get_method
from forecast.sampling.simulate import normalise_seed

__all__ = ["backtest_settings", "daily_series", "rolling_origins", "history_needed",
           "fit_to_history", "DEFAULT_HORIZONS", "DEFAULT_WINDOWS", "DEFAULT_METHODS",
           "DEFAULT_LEVELS", "MIN_ORIGINS", "FITTABLE"]

DEFAULT_HORIZONS = (10, 20, 40)
DEFAULT_WINDOWS = (30, 60, 90, 180)
DEFAULT_METHODS = tuple(METHODS)
"""Every sampling method of the registry (:data:`forecast.sampling.methods.METHODS`)."""
DEFAULT_LEVELS = DEFAULT_PERCENTILES

MIN_ORIGINS = 10
"""Fewer origins than this is too little history to score a configuration."""

FITTABLE = ("windows", "horizons")
"""The settings a backtest may shorten to fit a short history (its ``fit`` keyword)."""


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
    :data:`MIN_ORIGINS`, saying how much history is needed
    (:func:`history_needed`) and how much there is.

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
    if last_origin is None or last_origin < first_origin:
        origins: list[dt.date] = []
    else:
        count = (last_origin - first_origin).days // step + 1
        origins = [last_origin - dt.timedelta(days=step * i) for i in range(count)][::-1]
    if max_origins is not None:
        origins = origins[-max_origins:]
    if len(origins) < MIN_ORIGINS:
        raise _too_little(history, end, max(windows), longest, step, "windows")
    return origins


def history_needed(history: History, window: int, horizon: int, step: int) -> int:
    """Calendar days of history a backtest with this longest window and horizon needs.

    :func:`rolling_origins` finds :data:`MIN_ORIGINS` origins exactly when
    the history, from its first day through the day before the start, spans
    at least this many days: the latest origin must lie ``window + step x
    (MIN_ORIGINS - 1)`` days after the first day, and ``horizon`` working
    days of the history's calendar (the origin's own included) must follow it.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-01-01"], [1])   # a Monday
    >>> history_needed(h, 30, 10, 7)   # 2024-01-01 + 93 days: Wed 04-03, 10th working day 04-16
    107
    """
    earliest = history.first + dt.timedelta(days=window + step * (MIN_ORIGINS - 1))
    reach = history.calendar.date_of_day(earliest, horizon)
    return (reach - history.first).days + 1


def _span(history: History, end: dt.date) -> int:
    return max((end - history.first).days + 1, 0)


def _had(history: History, end: dt.date) -> str:
    """How much history there is before the start, for a message."""
    span = _span(history, end)
    if span == 0:
        return "it has none before the start"
    return f"it spans {span} ({history.first.isoformat()} .. {end.isoformat()})"


def _need(history: History, window: int, horizon: int, step: int) -> str:
    return (f"{MIN_ORIGINS} origins {step} days apart with a {window}-day window and a "
            f"{horizon}-working-day horizon need at least "
            f"{history_needed(history, window, horizon, step)} days of history")


def _too_little(history: History, end: dt.date, window: int, horizon: int, step: int,
                parameter: str) -> ParameterError:
    return ParameterError(
        f"{history.source}: too little history for a backtest: "
        f"{_need(history, window, horizon, step)}, and {_had(history, end)}; use shorter "
        f"{ref('windows')} or {ref('horizons')}, or more history", parameter=parameter)


def _compound(values: list[int], noun: str) -> str:
    """``180-day window``, ``90- and 180-day windows``."""
    if len(values) == 1:
        return f"{values[0]}-{noun}"
    return listed([f"{v}-" for v in values[:-1]] + [f"{values[-1]}-{noun}s"])


def fit_to_history(history: History, end: dt.date, windows: tuple[int, ...],
                   horizons: tuple[int, ...], step: int, fit: tuple[str, ...] = FITTABLE,
                   keep: int | None = None) -> tuple[tuple[int, ...], tuple[int, ...], list[Note]]:
    """Keep the windows and horizons (those named in ``fit``) that the history before ``end`` fits.

    A set of windows and horizons fits when its longest window and longest
    horizon leave :data:`MIN_ORIGINS` origins (:func:`history_needed`).
    Those not named in ``fit`` are kept whole. Of the others, the longest
    windows are dropped first, then the longest horizons, never below one
    of each; the window ``keep`` (what ``auto`` defaults to) is kept if at
    all possible. Precisely: of the sets that fit, the one kept has
    ``keep`` if any has it, then the most horizons, then the most windows.

    Parameters
    ----------
    history : History
    end : date
        The last day of history the backtest may read.
    windows, horizons : tuple of int
        The candidates (checked by :func:`backtest_settings`).
    step : int
        Calendar days between origins.
    fit : tuple of str
        Which of ``"windows"`` and ``"horizons"`` may be shortened.
    keep : int, optional
        A window to keep if at all possible.

    Returns
    -------
    windows, horizons : tuple of int
        Those kept, in the order given.
    notes : list of Note
        One ``backtest-fitted`` note, saying what was kept and why the rest
        was left out, when anything was; else none.

    Raises
    ------
    ParameterError
        When even the shortest allowed set does not fit: the message says
        how many days it needs and how many the history spans, and names
        ``windows`` unless only ``horizons`` were given.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-01-01", "2024-06-28"], [1, 1])   # 180 days
    >>> w, hz, notes = fit_to_history(h, h.last, (30, 60, 90, 180), (10, 20, 40), 7, keep=30)
    >>> w, hz
    ((30, 60), (10, 20, 40))
    >>> print(notes[0])  # doctest: +NORMALIZE_WHITESPACE
    backtest fitted to the history, which spans 180 days (2024-01-01 .. 2024-06-28): scored
    windows of 30 and 60 days at horizons of 10, 20 and 40 working days; left out the 90- and
    180-day windows (10 origins 7 days apart with a 90-day window and a 40-working-day horizon
    need at least 208 days of history)
    """
    ws, hs = sorted(windows), sorted(horizons)
    span = _span(history, end)
    w_counts = range(1, len(ws) + 1) if "windows" in fit else range(len(ws), len(ws) + 1)
    h_counts = range(1, len(hs) + 1) if "horizons" in fit else range(len(hs), len(hs) + 1)
    fitting = [(i, j) for i in w_counts for j in h_counts
               if history_needed(history, ws[i - 1], hs[j - 1], step) <= span]
    if not fitting:
        parameter = "horizons" if "windows" in fit and "horizons" not in fit else "windows"
        raise _too_little(history, end, ws[w_counts[0] - 1], hs[h_counts[0] - 1], step,
                          parameter)
    i, j = max(fitting, key=lambda c: (keep in ws[:c[0]], c[1], c[0]))
    wmax, hmax = ws[i - 1], hs[j - 1]
    kept_w = tuple(w for w in windows if w <= wmax)
    kept_h = tuple(h for h in horizons if h <= hmax)
    if i == len(ws) and j == len(hs):
        return kept_w, kept_h, []
    left = []
    if i < len(ws):
        left.append(f"the {_compound(ws[i:], 'day window')} "
                    f"({_need(history, ws[i], hmax, step)})")
    if j < len(hs):
        left.append(f"the {_compound(hs[j:], 'working-day horizon')} "
                    f"({_need(history, wmax, hs[j], step)})")
    scored_w = f"windows of {listed(ws[:i])} days" if i > 1 else f"a window of {wmax} days"
    scored_h = (f"horizons of {listed(hs[:j])} working days" if j > 1
                else f"a horizon of {hmax} working days")
    return kept_w, kept_h, [info(
        f"backtest fitted to the history, which spans {span} days "
        f"({history.first.isoformat()} .. {end.isoformat()}): scored {scored_w} at {scored_h}; "
        f"left out {' and '.join(left)}",
        "backtest-fitted")]


def backtest_settings(
    *,
    start: Any = None,
    methods: tuple[str, ...] = DEFAULT_METHODS,
    windows: tuple[int, ...] | None = None,
    horizons: tuple[int, ...] | None = None,
    step: int = 7,
    batch: int | None = None,
    levels: tuple[float, ...] = DEFAULT_LEVELS,
    trials: int = 2000,
    rng: Any = None,
    progress: Any = None,
    max_origins: int | None = None,
    recalibrated: bool = True,
    engine: str = "exact",
    fit: bool | tuple[str, ...] | None = None,
    when: str = "all",
) -> dict[str, Any]:
    """Check the keywords of :func:`~forecast.evaluation.backtest.backtest`; return them as it runs.

    Duplicates are dropped, ``rng`` becomes the seed and ``start`` a date;
    ``windows`` and ``horizons`` left at None become :data:`DEFAULT_WINDOWS`
    and :data:`DEFAULT_HORIZONS`, and ``fit`` the tuple of those that may be
    shortened (None: those left at None; True: both; False: neither):
    ``backtest(history, **backtest_settings(...))`` is the same run. Raises
    what ``backtest`` raises for a bad setting (``progress`` is not a setting).

    Examples
    --------
    >>> s = backtest_settings(methods=("daily", "daily"), windows=(30,), start="2024-06-03")
    >>> s["methods"], s["windows"], s["start"], s["rng"]
    (('daily',), (30,), datetime.date(2024, 6, 3), 42)
    >>> s["horizons"], s["fit"]   # horizons left at their default may be shortened
    ((10, 20, 40), ('horizons',))
    """
    if fit is None:
        fit = tuple(name for name, given in zip(FITTABLE, (windows, horizons), strict=True)
                    if given is None)
    elif isinstance(fit, bool):
        fit = FITTABLE if fit else ()
    elif isinstance(fit, str) or not all(name in FITTABLE for name in fit):
        raise ParameterError(f"fit = {fit!r} must be True, False or a tuple of names among "
                             f"{', '.join(FITTABLE)}")
    fit = tuple(name for name in FITTABLE if name in fit)
    windows = DEFAULT_WINDOWS if windows is None else windows
    horizons = DEFAULT_HORIZONS if horizons is None else horizons
    if not windows or not horizons:
        name = "windows" if not windows else "horizons"
        raise ParameterError(f"{ref(name)} is empty; give at least one", parameter=name)
    if max_origins is not None and (isinstance(max_origins, bool) or not isinstance(
            max_origins, (int, np.integer)) or max_origins < MIN_ORIGINS):
        raise ParameterError(f"max_origins = {max_origins!r}, must be a whole number >= "
                             f"{MIN_ORIGINS} (fewer origins score nothing)")
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
    if when not in ("all", "best", "none"):
        raise ParameterError(f"when = {when!r} is not known; use all, best or none",
                             parameter="when")
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
        "fit": fit, "when": when,
    }


def _as_day(value: Any) -> dt.date:

    return as_date(value, "start")
