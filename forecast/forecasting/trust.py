"""``forecast.check``: the signals of the window a forecast samples, and how its backtest held.

:func:`check` settles the window as :func:`forecast.when` does (a given
``window`` or ``since`` is kept; otherwise ``method="auto"`` chooses it by the
team's own backtest, :func:`~forecast.forecasting.auto.choose`), then runs
:func:`forecast.evaluation.signals.check` on that window, with a note on which
window it is and why (``auto``'s own note) and the backtest ``auto`` chose by,
whose stated 85% that held under 75% are warnings
(:func:`~forecast.evaluation.misses.miss_warnings`).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from forecast.core.history import History
from forecast.evaluation.backtest import AUTO_DEFAULT
from forecast.evaluation.signals import CheckResult, checked_as_of
from forecast.evaluation.signals import check as check_window
from forecast.forecasting.auto import choose
from forecast.io.readers import as_history
from forecast.notes import INFO, Note, info
from forecast.sampling.methods import DEFAULT_WINDOW, get_method

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["check"]


def check(
    history: History | str | os.PathLike[str] | pd.DataFrame,
    *,
    start: Any = None,
    window: int | None = None,
    since: Any = None,
    method: str = "auto",
) -> CheckResult:
    """Check the window a forecast would sample: data quality, drift, aging, its backtest.

    The window is the one :func:`forecast.when` and :func:`forecast.how_many`
    sample with the same ``start``, ``window``, ``since`` and ``method``: a
    given ``window`` or ``since`` is kept; otherwise ``method="auto"`` (the
    default) chooses it by the team's own backtest before ``start``, and a
    fixed method samples its default 90 days. :attr:`CheckResult.why` says
    which window it is and why. On ``auto``, the backtest it chose by is
    kept (:attr:`CheckResult.backtest`), and each stated 85% of the chosen
    configuration that held under 75% of its origins is a warning. When
    ``auto`` falls back (too little history for a backtest), its note is
    information here, not a warning: there is nothing to fix in the data.

    Without ``start`` and ``since``, a history that ends before today's
    window (30 days on ``auto`` unless ``window`` is given) is checked as of
    the day after its end, with a warning.

    Parameters
    ----------
    history : History, path or DataFrame
        Completed items (and, for aging, rows with a start and no done date).
    start, window, since, method
        As for :func:`forecast.when`; ``start`` is also "today" for the age
        of items in progress.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> c = check(h, start="2024-06-05", window=3, method="daily")
    >>> c.sample.first.isoformat(), c.why, c.backtest is None
    ('2024-06-03', 'the window given: 3 days', True)
    >>> print(check(h, start="2024-06-05").why)  # doctest: +ELLIPSIS
    method auto fell back to weighted with a 2-day window (all of its history): too little ...
    """
    hist = as_history(history)
    key = str(method).strip().lower()
    if key != "auto":
        key = get_method(key).key
    span = window if window is not None else (AUTO_DEFAULT[1] if key == "auto" else DEFAULT_WINDOW)
    begin, stale = checked_as_of(hist, start, span, since)
    if window is not None or since is not None:
        hist.window_bounds(begin, window, since)  # a bad window is named before the backtest
    why: str | None
    backtest = None
    if key == "auto":
        auto = choose(hist, begin, window, since)
        window, backtest = auto.window, auto.result
        # which window and why: information here, even when auto fell back
        why = Note(str.__str__(auto.note), INFO, getattr(auto.note, "code", "auto-chose"))
    elif window is None and since is None:
        window = DEFAULT_WINDOW
        why = info(f"method {key} samples its default window, {DEFAULT_WINDOW} days",
                   "window-default")
    else:
        why = info("the window given: " + (f"{window} days" if since is None else
                                           f"since {since}"), "window-given")
    result = check_window(hist, start=begin, window=window, since=since, why=why,
                          backtest=backtest)
    return replace(result, notes=(*stale, *result.notes)) if stale else result
