"""The run chart of weekly throughput, with its change points and a sampling window.

The weeks and the changes are the signals' own
(:func:`~forecast.evaluation.signals.weekly_counts`,
:func:`~forecast.evaluation.signals.drift`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.evaluation.signals import drift, weekly_counts
from forecast.present.plot.style import axes_or_new, date_axis, draws_literally

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.core.history import History, Sample
    from forecast.evaluation.signals import Change

__all__ = ["throughput"]


@draws_literally
def throughput(history: History, changes: tuple[Change, ...] | None = None,
               window: Sample | tuple[Any, Any] | None = None, ax: Axes | None = None,
               ) -> Axes:
    """Run chart of weekly throughput, with change points and the sampling window.

    One point per calendar week (Monday to Sunday, zero weeks included) of
    the whole history; a first or last week that the history covers only in
    part is drawn hollow. Each change is a vertical line labelled with its
    size (mean items a week before and after, and their ratio), and the
    level of each regime between changes is a grey step line at those same
    figures, so every label reads the levels on either side of its line.
    :func:`~forecast.evaluation.signals.drift` measures them over the whole weeks of the
    span it examined (for ``forecast check``: up to the day before the
    start), so a regime's level can differ a little from the plain mean of
    its points where the chart shows a partly covered week or weeks beyond
    that span. Without changes, the grey line is the mean of all weeks
    drawn. The sampling window a forecast drew from is shaded.

    Parameters
    ----------
    history : History
        Completed items.
    changes : tuple of Change, optional
        Change points, as found by :func:`forecast.evaluation.signals.drift` (and kept
        in ``CheckResult.changes``); None finds them over the whole history,
        and ``()`` draws none.
    window : Sample or (first, last), optional
        The sampling window to shade: a forecast's ``sample`` or two dates
        (inclusive).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np, forecast, forecast.plot
    >>> days = np.datetime64("2024-01-01") + np.arange(140)
    >>> h = forecast.History.from_counts(days, np.r_[np.full(70, 1), np.full(70, 4)])
    >>> ax = forecast.plot.throughput(h, window=("2024-04-01", "2024-05-19"))
    >>> ax.get_ylabel(), len(ax.texts)                 # one change point, labelled
    ('items completed per week', 1)
    """
    from matplotlib.dates import date2num
    from matplotlib.ticker import MaxNLocator

    ax = axes_or_new(ax, (9, 4.2))
    if changes is None:
        changes = drift(history)
    mondays, counts = weekly_counts(history)
    x = date2num(mondays)
    ax.plot(x, counts, color="#2b8cbe", linewidth=1.2, marker="o", markersize=3.5,
            label="items per week")
    partial = []
    if mondays.size and history.first.weekday() != 0:
        partial.append(0)
    if mondays.size and history.last.weekday() != 6:
        partial.append(mondays.size - 1)
    if partial:
        ax.plot(x[partial], counts[partial], linestyle="none", marker="o", markersize=7,
                markerfacecolor="white", markeredgecolor="#2b8cbe",
                label="partly covered week")
    # regime levels between change points: the changes' own figures, so that each label
    # reads the levels on either side of its line (drift measures them over the whole weeks
    # of the span it examined); without changes, the mean of the weeks drawn
    cuts = [0] + [int(np.searchsorted(mondays, np.datetime64(c.date, "D"))) for c in changes]
    cuts.append(mondays.size)
    levels = ([changes[0].before] + [c.after for c in changes] if changes else
              [float(counts.mean()) if counts.size else 0.0])
    level_x, level_y = [], []
    for lo, hi, level in zip(cuts[:-1], cuts[1:], levels, strict=True):
        if hi > lo:
            level_x += [x[lo], x[hi - 1] + 7]
            level_y += [float(level)] * 2
    if level_x:
        ax.plot(level_x, level_y, color="#636363", linewidth=1.6, alpha=0.8,
                label="mean between changes" if changes else "mean")
    top = float(counts.max()) if counts.size else 1.0
    for i, change in enumerate(changes):
        where = float(date2num(change.date))
        ax.axvline(where, color="#d7301f", linewidth=1.5, linestyle="--",
                   label="change in throughput" if i == 0 else None)
        ratio = f" ({change.after / change.before:.1f}x)" if change.before > 0 else ""
        ax.text(where, top * (1.14 - 0.08 * (i % 2)), f" {change.before:.1f} → "
                f"{change.after:.1f}/wk{ratio}", color="#d7301f", fontsize=8, ha="left",
                va="top", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9,
                                "pad": 0.6})
    if window is not None:
        if isinstance(window, tuple):
            first, last = (as_date(window[0], "window"), as_date(window[1], "window"))
        else:
            first, last = window.first, window.last
        ax.axvspan(float(date2num(first)), float(date2num(last + dt.timedelta(days=1))),
                   color="#fdae61", alpha=0.25, linewidth=0,
                   label=f"sampling window {first.isoformat()} .. {last.isoformat()}")
    ax.set_ylim(0, top * 1.2 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    date_axis(ax)
    ax.set_xlabel("week (points at Mondays)")
    ax.set_ylabel("items completed per week")
    ax.set_title(f"Weekly throughput: {history.source}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              frameon=False)
    ax.grid(alpha=0.25)
    return ax
