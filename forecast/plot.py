"""Plots of forecasts. Each function takes ``ax=None`` and returns the axes.

matplotlib is imported inside the functions, so importing this module is
free; when no axes are given, a new figure is made with pyplot (whatever
backend is in use: the command line picks the non-interactive Agg).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .result import HowManyForecast, WhenForecast

__all__ = ["when", "how_many"]

_LINE_COLOURS = {50: "#2b8cbe", 70: "#7b3294", 85: "#d7301f", 95: "#525252"}


def _axes(ax: Any) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=(8, 4.2))
    return new_ax


def when(result: WhenForecast, ax: Axes | None = None) -> Axes:
    """Histogram of completion dates, with the percentile dates marked.

    Parameters
    ----------
    result : WhenForecast
        From :func:`forecast.when`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> ax = forecast.plot.when(forecast.when(h, 20, start="2024-06-05"))
    >>> ax.get_xlabel()
    'completion date'
    """
    ax = _axes(ax)
    pmf = result.pmf
    days = np.flatnonzero(pmf > 0)
    cdf = np.cumsum(pmf)
    # Show the body of the distribution: from the 0.1% to the 99.9% point.
    lo = int(days[np.searchsorted(cdf[days], 0.001)]) if days.size else 1
    hi_idx = np.searchsorted(cdf[days], 0.999) if days.size else 0
    hi = int(days[min(hi_idx, days.size - 1)]) if days.size else 1
    from matplotlib.dates import date2num

    shown = np.arange(lo, hi + 1)
    dates = date2num([result.date_of(int(d)) for d in shown])
    ax.bar(dates, pmf[shown] * 100, width=0.8, color="#9ecae1", edgecolor="#6baed6",
           label="chance of finishing that day")
    for pc in result.percentiles():
        if pc.date is None:
            continue
        colour = _LINE_COLOURS.get(int(pc.p), "#444444")
        ax.axvline(float(date2num(pc.date)), color=colour, linestyle="--", linewidth=1.4,
                   label=f"P{pc.p:g} {pc.date.isoformat()}")
    if result.target is not None:
        prob = result.likelihood(result.target)
        ax.axvline(float(date2num(result.target)), color="black", linewidth=2,
                   label=f"target {result.target.isoformat()} ({prob:.1%})")
    ax.xaxis_date()
    ax.set_xlabel("completion date")
    ax.set_ylabel("probability (%)")
    ax.set_title(f"When will {result.items} items be done? (start {result.start.isoformat()})")
    ax.legend(fontsize=8, loc="upper right")
    ax.figure.autofmt_xdate()
    return ax


def how_many(result: HowManyForecast, ax: Axes | None = None) -> Axes:
    """Distribution of item counts, with the "N or more" percentiles marked.

    Parameters
    ----------
    result : HowManyForecast
        From :func:`forecast.how_many`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> ax = forecast.plot.how_many(forecast.how_many(h, days=10, start="2024-06-05"))
    >>> ax.get_xlabel()
    'items completed'
    """
    ax = _axes(ax)
    pmf = result.pmf
    cdf = np.cumsum(pmf)
    lo = int(np.searchsorted(cdf, 0.001))
    hi = min(int(np.searchsorted(cdf, 0.999)), pmf.size - 1)
    shown = np.arange(lo, hi + 1)
    ax.bar(shown, pmf[shown] * 100, width=0.8, color="#a1d99b", edgecolor="#74c476",
           label="chance of exactly that many")
    for pc in result.percentiles():
        colour = _LINE_COLOURS.get(int(pc.p), "#444444")
        ax.axvline(float(pc.value or 0), color=colour, linestyle="--", linewidth=1.4,
                   label=f"P{pc.p:g}: {pc.value} or more")
    ax.set_xlabel("items completed")
    ax.set_ylabel("probability (%)")
    end = result.end.isoformat() if isinstance(result.end, dt.date) else result.end
    ax.set_title(f"How many items by {end}? ({result.days} working days)")
    ax.legend(fontsize=8, loc="upper right")
    return ax
