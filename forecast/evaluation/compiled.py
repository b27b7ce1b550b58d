"""The backtest's compiled pass, and the scores it keeps with each history.

Exact How-many forecasts that need no walk-forward recalibration are a
function of the history, the origin and the configuration only. For each
window and method, :func:`compiled_scores` makes them for every origin in
one compiled call (:func:`~forecast.sampling.exact.scored_how_many`) and
keeps each origin's row in the history's memo (:func:`memo_for`; one array
per score and configuration, and each origin's place in it), so the
next backtest of the same History object (a rolling evaluation, a report
after a forecast) computes only what is new.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import Any

import numpy as np

from forecast.core.history import History
from forecast.sampling.exact import COMPILED_KINDS, scored_how_many

__all__ = ["compiled_scores", "memo_for", "MEMOS", "MEMO_LIMIT"]


MEMOS: weakref.WeakKeyDictionary[History, dict[Any, Any]] = weakref.WeakKeyDictionary()
"""Exact scores of a history's past forecasts, by history (kept no longer than it is)."""

_LOCK = threading.Lock()

MEMO_LIMIT = 500_000
"""Scores kept per history at most (about 100 MB); beyond it the memo starts over."""


def memo_for(history: History) -> dict[Any, Any]:
    """Return the scores kept with ``history`` (a new, empty dict the first time).

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [1])
    >>> memo_for(h) is memo_for(h), memo_for(h)
    (True, {})
    """
    with _LOCK:  # the plan chooses two teams' methods at a time
        memo = MEMOS.setdefault(history, {})
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        return memo


def compiled_scores(history: History, origins: list[dt.date], windows: tuple[int, ...],
                     methods: tuple[str, ...], horizons: tuple[int, ...],
                     levels: tuple[float, ...], memo: dict[Any, Any], outcomes: np.ndarray
                     ) -> dict[tuple[int, str], Any]:
    """Score the exact How-many forecasts of every origin, per window and method, compiled.

    The same forecasts and scores the origin loop would make one by one, each
    window and method in one compiled pass
    (:func:`~forecast.sampling.exact.scored_how_many`), each origin's row kept
    in ``memo`` for the next backtest of the history (only what it lacks is
    computed); ``outcomes[o, i]`` is what happened: the items done in
    ``horizons[i]`` working days from ``origins[o]``. Returns ``(status, crps,
    pinball, pit, at_least, at_most)``
    arrays by ``(window, method)``, columns in the order of ``horizons``; a
    window and method with an origin too large for the pass is left out (the
    loop makes all of its forecasts, so each tally stays in origin order).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.read_history("examples/team.csv")
    >>> found = compiled_scores(h, [dt.date(2024, 3, 4)], (30,), ("daily",), (10,), (85.0,),
    ...                         {}, np.array([[14]]))
    >>> status, crps = found[(30, "daily")][:2]
    >>> status.tolist(), crps.shape
    ([1], (1, 1))
    """
    compiled = [m for m in methods if m in COMPILED_KINDS]
    found: dict[tuple[int, str], Any] = {}
    if not compiled or not origins:
        return found
    ascending = np.argsort(horizons)  # the pass takes the horizons in ascending order
    order = np.asarray(horizons, dtype=np.int64)[ascending]
    columns = np.argsort(ascending)
    actual = np.ascontiguousarray(np.asarray(outcomes, dtype=np.int64)[:, ascending])
    starts = np.array([np.datetime64(o, "D") for o in origins])
    latest = max(origins) - dt.timedelta(days=1)
    work_all = history.calendar.working_dates(history.first, max(latest, history.first))
    common = (work_all.astype(np.int64), history.dates.astype(np.int64),
              history.calendar.roll_forward(history.dates).astype(np.int64),
              history.counts.astype(np.int64))
    lasts = starts.astype(np.int64) - 1
    width = history.calendar.working_days_per_week
    level_array = np.asarray(levels, dtype=np.float64)
    for window in windows:
        firsts = np.maximum(lasts + 1 - int(window),
                            np.datetime64(history.first, "D").astype(np.int64))
        for method in compiled:
            # one store per configuration: every origin's row ever made, and where it is
            store = memo.setdefault((window, method, levels, tuple(horizons), "rows"),
                                    {"at": {}, "rows": None})
            at = store["at"]
            todo = np.array([o not in at for o in origins])
            if todo.any():
                made = scored_how_many(*common, firsts, lasts, todo, method, width, order,
                                       actual, level_array)
                new = np.flatnonzero(todo)
                size = 0 if store["rows"] is None else store["rows"][0].shape[0]
                fresh = tuple(a[new] for a in made)
                store["rows"] = fresh if store["rows"] is None else tuple(
                    np.concatenate([old, add]) for old, add in zip(store["rows"], fresh,
                                                                   strict=True))
                for k, o in enumerate(new):
                    at[origins[o]] = size + k
                if not todo.all():
                    made = tuple(a[[at[o] for o in origins]] for a in store["rows"])
            else:
                made = tuple(a[[at[o] for o in origins]] for a in store["rows"])
            if (made[0] == 4).any():
                continue
            found[(window, method)] = (made[0], *(a[:, columns] for a in made[1:]))
    return found
