"""The distribution of one forecast: when the backlog is done, how many items by a date.

Histograms of a :class:`~forecast.results.forecast.WhenForecast` (the chance
of finishing on each day) and a :class:`~forecast.results.forecast.HowManyForecast`
(the chance of each count), with the percentiles marked.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from forecast.present.plot.style import LINE_COLOURS, axes_or_new, draws_literally

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.results.forecast import HowManyForecast, WhenForecast

__all__ = ["when", "how_many"]


@draws_literally
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
    ax = axes_or_new(ax)
    pmf = result.pmf
    days = np.flatnonzero(pmf > 0)
    if days.size == 0:
        ax.text(0.5, 0.5, f"{result.items:,} items: not done within the horizon\n"
                f"of {result.horizon:,} working days in any outcome",
                ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel("completion date")
        ax.set_title(f"When will {result.items:,} items be done? "
                     f"(start {result.start.isoformat()})")
        return ax
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
        colour = LINE_COLOURS.get(int(pc.p), "#444444")
        ax.axvline(float(date2num(pc.date)), color=colour, linestyle="--", linewidth=1.4,
                   label=f"P{pc.p:g} {pc.date.isoformat()}", zorder=3)
    if result.target is not None:
        prob = result.likelihood(result.target)
        ax.axvline(float(date2num(result.target)), color="black", linewidth=3, alpha=0.5,
                   label=f"target {result.target.isoformat()} ({prob:.1%})", zorder=2)
    ax.xaxis_date()
    ax.set_xlabel("completion date")
    ax.set_ylabel("probability (%)")
    ax.set_title(f"When will {result.items} items be done? (start {result.start.isoformat()})")
    ax.legend(fontsize=8, loc="upper right")
    ax.figure.autofmt_xdate()
    return ax


@draws_literally
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
    ax = axes_or_new(ax)
    pmf = result.pmf
    cdf = np.cumsum(pmf)
    lo = int(np.searchsorted(cdf, 0.001))
    hi = min(int(np.searchsorted(cdf, 0.999)), pmf.size - 1)
    shown = np.arange(lo, hi + 1)
    ax.bar(shown, pmf[shown] * 100, width=0.8, color="#a1d99b", edgecolor="#74c476",
           label="chance of exactly that many")
    for pc in result.percentiles():
        colour = LINE_COLOURS.get(int(pc.p), "#444444")
        ax.axvline(float(pc.value or 0), color=colour, linestyle="--", linewidth=1.4,
                   label=f"P{pc.p:g}: {pc.value} or more")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # items come whole
    ax.set_xlabel("items completed")
    ax.set_ylabel("probability (%)")
    end = result.end.isoformat() if isinstance(result.end, dt.date) else result.end
    ax.set_title(f"How many items by {end}? ({result.days} working days)")
    ax.legend(fontsize=8, loc="upper right")
    return ax
