"""The burn-up: items completed so far, then the forecast's fan up to the backlog line.

The fan's numbers come from :func:`forecast.forecasting.bands.burnup_bands`
(the forecast's own engine); this module only draws them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import as_date
from forecast.forecasting.bands import burnup_bands
from forecast.present.plot.style import (
    BURNUP_LEVELS,
    LINE_COLOURS,
    axes_or_new,
    date_axis,
    draws_literally,
    items_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.core.history import History
    from forecast.results.forecast import WhenForecast

__all__ = ["burnup"]


_MAX_BAND_POINTS = 150
"""Working days at which a Monte Carlo burn-up band is re-simulated, at most (one
simulation each, by :func:`~forecast.forecasting.bands.burnup_bands`)."""


@draws_literally
def burnup(history: History, result: WhenForecast, ax: Axes | None = None, *,
           since: Any = None, levels: tuple[float, ...] = BURNUP_LEVELS) -> Axes:
    """Burn-up: items completed so far, then the forecast fan up to the backlog line.

    The solid step line is the history: items completed each day from
    ``since`` (default: the first day of the forecast's sampling window) up
    to the day before the start. From there, the fan shows, for every future
    working day d, the number of the ``result.items`` backlog items done by
    the end of day d, read in the package's "at least" direction: the P85
    line is the largest count reached by d in at least 85% of outcomes, so
    P95 runs below P85, which runs below the median (P50). The shaded band
    spans P50 to the lowest level.

    Because a backlog of N is done by day d exactly when N or more items are
    done by d, each line meets the backlog line on the forecast's own
    percentile date (marked there): P85 reaches it on ``result.percentile(85)``.
    To make that hold exactly, the band is computed by the engine the
    forecast used (:func:`~forecast.forecasting.bands.burnup_bands`): exact
    forecasts convolve the sample's daily (or weekly) distribution day by
    day; Monte Carlo forecasts replay their own trials (same seed and trial
    count, at up to 150 working days). A forecast
    recalibrated by ``method="auto"`` has no per-day model of its
    recalibration, so its band is the sample's before recalibration, while
    the marks on the backlog line stay the recalibrated dates.

    Parameters
    ----------
    history : History
        The history the forecast was made from.
    result : WhenForecast
        From :func:`forecast.when`; its ``items`` is the backlog.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    since : date or str, optional
        First day of history shown (items are counted from it).
    levels : tuple of float
        The fan's percentile levels (default 50, 85, 95).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> f = forecast.when(h, 6, start="2024-06-05")
    >>> ax = forecast.plot.burnup(h, f)
    >>> ax.get_ylabel()
    'items completed since 2024-06-03'
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['completed', 'P50: done Mon 2024-06-10']
    """
    from matplotlib.dates import date2num

    ax = axes_or_new(ax, (9, 4.6))
    levels = tuple(sorted({float(p) for p in levels}))
    start, items = result.start, result.items
    first = result.sample.first if since is None else as_date(since, "since")
    first = min(first, start - dt.timedelta(days=1))
    last = start - dt.timedelta(days=1)
    # history: cumulative items per calendar day from `first` through the day before start
    span = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    inside = (history.dates >= span[0]) & (history.dates <= span[-1])
    per_day = np.zeros(span.size, dtype=np.int64)
    np.add.at(per_day, (history.dates[inside] - span[0]).astype(int), history.counts[inside])
    done = np.cumsum(per_day)
    base = int(done[-1]) if done.size else 0
    ax.plot(date2num(span), done, drawstyle="steps-post", color="#252525", linewidth=1.8,
            label="completed")
    goal = base + items
    # the forecast runs until the highest level is done, and a little beyond
    reached = [pc.value for pc in map(result.percentile, levels) if pc.value is not None]
    if len(reached) == len(levels):
        last_day = min(result.horizon, int(max(reached) * 1.12) + 3)
    else:
        last_day = min(result.horizon, 2 * max(reached) if reached else 260)
    days = np.arange(1, last_day + 1)
    mc = result.trials is not None and result.seed is not None
    if mc and days.size > _MAX_BAND_POINTS:
        grid = np.linspace(1, last_day, _MAX_BAND_POINTS).round().astype(np.int64)
        days = np.unique(np.concatenate([grid, np.asarray(reached, dtype=np.int64)]))
    band = burnup_bands(result, days, levels)
    x = date2num(np.concatenate([[np.datetime64(last, "D")],
                                 result.calendar.day_dates(start, last_day)[days - 1]]))
    curves = {p: np.concatenate([[base], base + band[i]]) for i, p in enumerate(levels)}
    low, high = curves[levels[-1]], curves[levels[0]]
    ax.fill_between(x, low, high, step="post", color="#9ecae1", alpha=0.45, linewidth=0,
                    label=f"P{levels[0]:g} to P{levels[-1]:g}")
    for p in levels:
        pc = result.percentile(p)
        when = f"done {pc.date:%a} {pc.date.isoformat()}" if pc.date else "not within horizon"
        colour = LINE_COLOURS.get(int(p), "#444444")
        ax.plot(x, curves[p], drawstyle="steps-post", color=colour,
                linewidth=2.2 if p == 85 else 1.4, linestyle="-" if p == 85 else "--",
                label=f"P{p:g}: {when}")
        if pc.date is not None:
            ax.plot([float(date2num(pc.date))], [goal], marker="o", color=colour,
                    markersize=6, linestyle="none", zorder=4)
    ax.axhline(goal, color="black", linewidth=1.2, label=f"backlog: {items_text(items)}")
    if result.target is not None:
        prob = result.likelihood(result.target)
        ax.axvline(float(date2num(result.target)), color="black", linewidth=3, alpha=0.35,
                   label=f"target {result.target.isoformat()} ({prob:.0%})")
    ax.axvline(float(date2num(start)), color="#969696", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, goal * 1.1 + 1)
    ax.set_xlim(float(date2num(first)), float(x[-1]) + 1)
    date_axis(ax)
    ax.set_xlabel("date (dotted line: start of the forecast)")
    ax.set_ylabel(f"items completed since {first.isoformat()}")
    ax.set_title(f"Burn-up: {items_text(items)} more from {start.isoformat()}, "
                 "with the chance of at least this many done")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              frameon=False)
    ax.grid(alpha=0.25)
    return ax
