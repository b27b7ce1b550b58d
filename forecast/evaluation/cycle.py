"""Cycle times: aging work in progress, and the start dates that cycle times read.

A history with a start column (and rows without a done date) has cycle times:
:func:`aging` lists the items in progress older than the team's 85th
percentile, and :func:`start_signals` says which start dates could not be
used. :func:`forecast.evaluation.signals.check` reports both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.core.checks import plural
from forecast.core.history import History
from forecast.io.trackers import TRACKERS
from forecast.notes import info, warning

__all__ = ["AgingItem", "aging", "start_signals", "NO_START_COLUMN"]


@dataclass(frozen=True)
class AgingItem:
    """A work item started but not done, older than the team's usual cycle time.

    Attributes
    ----------
    id : str
        The item's id (its row position when the history has no id column).
    started : datetime.date
        When it started.
    age_days : int
        Calendar days from its start through today, both counted.
    """

    id: str
    started: dt.date
    age_days: int


def aging(history: History, today: dt.date, level: float = 85) -> tuple[
        tuple[AgingItem, ...], float | None]:
    """List items in progress whose age exceeds the ``level`` percentile cycle time.

    Cycle time is ``done - started + 1`` calendar days of completed items
    (rows that start after their done date are left out: their dates are
    wrong, and :func:`start_signals` says so); age is ``today - started + 1``. Needs
    a start column and rows without a done date.

    Returns
    -------
    (items, threshold)
        The aging items, oldest first, and the cycle-time percentile in days
        (None when cycle times cannot be measured).

    Examples
    --------
    >>> import datetime as dt, pandas as pd, forecast
    >>> h = forecast.read_history(pd.DataFrame({
    ...     "id": ["a", "b", "c", "d"],
    ...     "started": ["2024-06-01", "2024-06-02", "2024-05-01", "2024-06-10"],
    ...     "done": ["2024-06-03", "2024-06-04", "", ""]}))
    >>> items, p85 = aging(h, dt.date(2024, 6, 12))
    >>> [(i.id, i.age_days) for i in items], p85
    ([('c', 43)], 3.0)
    """
    frame = history.items
    if frame is None or "started" not in frame:
        return (), None
    started = frame["started"].to_numpy().astype("datetime64[D]")
    done = frame["done"].to_numpy().astype("datetime64[D]")
    # items of a type left out with exclude_types (epics, say) are neither measured nor aged
    kept = (~frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame
            else np.ones(len(frame), dtype=bool))
    finished = _measurable(started, done) & kept
    if not finished.any():
        return (), None
    cycle = (done[finished] - started[finished]).astype(int) + 1
    threshold = float(np.percentile(cycle, level))
    open_items = np.isnat(done) & ~np.isnat(started) & kept
    ages = (np.datetime64(today, "D") - started).astype(int) + 1
    ids = frame["id"].astype(str).to_numpy() if "id" in frame else np.arange(len(frame)).astype(str)
    found = [
        AgingItem(str(ids[i]), started[i].astype(dt.date), int(ages[i]))
        for i in np.flatnonzero(open_items & (ages > threshold))
    ]
    found.sort(key=lambda item: -item.age_days)
    return tuple(found), threshold


def _measurable(started: np.ndarray, done: np.ndarray) -> np.ndarray:
    """Rows with a cycle time: a start and a done date, the start not after the done."""
    both = ~np.isnat(done) & ~np.isnat(started)
    return both & (np.where(both, started, done) <= done)


NO_START_COLUMN = info("no start column: cycle times and aging need one (e.g. Activated "
                       "Date, Started, created)", "no-start-column")
"""The note of :func:`forecast.evaluation.signals.check` on a history without start dates."""


def _where(history: History) -> str:
    """Return the history's source as messages name it (a quoted path)."""
    return history.source if history.source == "history DataFrame" else f"'{history.source}'"


def _row(frame: Any, at: int) -> str:
    """``row R`` (and ``, id X`` when the history has ids) of the row at position ``at``."""
    label = f"row {frame.index[at]}"
    return f"{label}, id {str(frame['id'].iloc[at])!r}" if "id" in frame else label


def start_signals(history: History) -> tuple[list[str], list[str]]:
    """Return ``(warnings, notes)`` on the start dates that cycle times and aging read.

    Warnings: rows that start after their done date (left out of cycle
    times), and unfinished rows without a start date (not aged) when starts
    come from a column of their own, leaving out rows whose status says the
    work has not started (to do, backlog...). Notes: why no cycle time can
    be measured, when none can.

    Examples
    --------
    >>> import pandas as pd, forecast
    >>> h = forecast.read_history(pd.DataFrame({
    ...     "id": ["a", "b", "c"], "started": ["2024-06-05", "2024-06-01", ""],
    ...     "done": ["2024-06-03", "2024-06-04", ""]}))
    >>> warnings, notes = start_signals(h)
    >>> print(warnings[0])  # doctest: +NORMALIZE_WHITESPACE
    history DataFrame: 1 row starts after its done date (row 0, id 'a': started
    2024-06-05, done 2024-06-03): left out of cycle times; check the start and done
    dates of that row
    >>> print(warnings[1])  # doctest: +NORMALIZE_WHITESPACE
    history DataFrame: 1 unfinished row has no start date and was not aged (row 2,
    id 'c'); if it is in progress, fill in its start date
    """
    frame = history.items
    if frame is None or "started" not in frame:
        return [], [NO_START_COLUMN]

    where = _where(history)
    started = frame["started"].to_numpy().astype("datetime64[D]")
    done = frame["done"].to_numpy().astype("datetime64[D]")
    warnings: list[str] = []
    notes: list[str] = []
    measurable = _measurable(started, done)
    inverted = ~np.isnat(done) & ~np.isnat(started) & ~measurable
    if inverted.any():
        at = int(np.flatnonzero(inverted)[0])
        n = int(inverted.sum())
        one = n == 1
        warnings.append(warning(
            f"{where}: {plural(n, 'row', thousands=True)} start{'s' if one else ''} after "
            f"{'its' if one else 'their'} done date ({'' if one else 'first: '}{_row(frame, at)}"
            f": started {started[at]}, done {done[at]}): left out of cycle times; check the "
            f"start and done dates of {'that row' if one else 'those rows'}", "start-after-done"))
    if not measurable.any():
        notes.append(info("no done row has a start date on or before its done date: cycle "
                          "times cannot be measured, so no item was aged", "no-cycle-times"))
    # Only where starts come from a column of their own is a row without one missing it:
    # Jira's start is Created, given to done and in-progress rows only, and GitHub's is a
    # pull request's createdAt (issues have none).
    tracker = TRACKERS.get(history.tracker)
    if tracker is not None and tracker.own_start_column:
        unaged = (frame["state"].to_numpy(dtype=object) == "open") & np.isnat(started)
        if "status" in frame:
            status = frame["status"].astype(str).str.strip().str.lower().str.replace("_", " ")
            unaged &= ~status.isin(tracker.todo_statuses).to_numpy(dtype=bool)
        if unaged.any():
            at = int(np.flatnonzero(unaged)[0])
            n = int(unaged.sum())
            one = n == 1
            warnings.append(warning(
                f"{where}: {plural(n, 'unfinished row', thousands=True)} "
                f"ha{'s' if one else 've'} no start date "
                f"and w{'as' if one else 'ere'} not aged ({'' if one else 'first: '}"
                f"{_row(frame, at)}); if {'it is' if one else 'they are'} in progress, fill in "
                f"{'its' if one else 'their'} start date", "unaged-no-start"))
    return warnings, notes
