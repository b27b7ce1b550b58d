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

    from .backtest import BacktestResult
    from .records import TrendResult
    from .result import HowManyForecast, PlanResult, WhenForecast

__all__ = ["when", "how_many", "portfolio", "trend", "reliability"]

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
        colour = _LINE_COLOURS.get(int(pc.p), "#444444")
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


_STATUS_COLOURS = {"on track": "#1a9850", "watch": "#fdae61", "at risk": "#d73027",
                   "no target": "#969696"}


def portfolio(result: PlanResult, ax: Axes | None = None) -> Axes:
    """One horizontal bar per outcome from P50 to P95, P85 marked, target drawn.

    Bars are coloured by status (on track, watch, at risk, no target) and
    listed in priority order from the top; dependencies are drawn as arrows
    from the prerequisite's P85 to the dependent's bar.

    Parameters
    ----------
    result : PlanResult
        From :func:`forecast.plan`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> from forecast.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(9, 9)),)),))
    >>> ax = forecast.plot.portfolio(forecast.plan(p, start="2024-06-05", trials=200))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a']
    """
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.patches import Patch

    outcomes = result.to_dict()["outcomes"]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.55 * len(outcomes) + 1.6))
    names = [o["name"] for o in outcomes]
    rows = {name: len(names) - 1 - i for i, name in enumerate(names)}
    horizon_end = float(date2num(result.start)) + result.horizon

    def num(value: object) -> float | None:
        return None if value is None else float(date2num(dt.date.fromisoformat(str(value))))

    def level(item: dict[str, Any], p: float) -> float | None:
        found = [pc["date"] for pc in item["percentiles"] if pc["p"] == p]
        return num(found[0]) if found else None

    low_p, high_p = min(result.levels), max(result.levels)
    by_name = {}
    for item in outcomes:
        y = rows[item["name"]]
        left = level(item, low_p) or horizon_end
        right = level(item, high_p) or horizon_end
        mark = level(item, 85)
        by_name[item["name"]] = (left, mark)
        colour = _STATUS_COLOURS.get(item["status"], "#969696")
        if level(item, low_p) is None:  # not even P50 within the horizon
            ax.text(0.99, y, "not within horizon ", transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=8, color="#d73027")
            continue
        ax.barh(y, max(right - left, 0.8), left=left, height=0.5, color=colour, alpha=0.75)
        if mark is not None:
            ax.plot([mark, mark], [y - 0.3, y + 0.3], color="black", linewidth=2.2)
        target = num(item["target"])
        if target is not None:
            ax.plot([target], [y], marker="D", color="black", markersize=6,
                    markerfacecolor="white")
    for outcome in result.portfolio.outcomes:
        for dep in outcome.depends_on:
            start, end = by_name[dep][1], by_name[outcome.name][0]
            if start is None:
                continue
            ax.annotate("", xy=(end, rows[outcome.name]), xytext=(start, rows[dep]),
                        arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.0})
    ax.set_yticks(list(range(len(names))), labels=list(reversed(names)))
    ax.xaxis_date()
    ax.set_xlabel(f"date (bar: P{low_p:g} to P{high_p:g}; black tick: P85; diamond: target)")
    ax.set_title(f"Portfolio forecast from {result.start.isoformat()} "
                 f"({result.trials:,} trials)")
    present = {o["status"] for o in outcomes}
    handles = [Patch(color=c, alpha=0.75, label=s) for s, c in _STATUS_COLOURS.items()
               if s in present]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.28),
              ncol=len(handles), frameon=False)
    ax.grid(axis="x", alpha=0.3)
    ax.figure.autofmt_xdate()
    return ax


def trend(result: TrendResult, ax: Axes | None = None) -> Axes:
    """Each outcome's P85 date over time (one line each), with its target.

    Parameters
    ----------
    result : TrendResult
        From :func:`forecast.trend`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot, tempfile, pathlib
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "record.csv"
    >>> for n in (10, 12):
    ...     _ = forecast.record(forecast.when(h, n, start="2024-06-05"), log, name="r")
    >>> len(forecast.plot.trend(forecast.trend(log)).get_lines())
    1
    """
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num

    from .records import _is_date as _is_iso

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.2))
    for name in result.outcomes:
        rows = [r for r in result.history(name) if _is_iso(r["p85"])]
        if not rows:
            continue
        x = [float(date2num(dt.datetime.fromisoformat(r["recorded_at"]))) for r in rows]
        y = [float(date2num(dt.date.fromisoformat(r["p85"]))) for r in rows]
        (line,) = ax.plot(x, y, marker="o", label=f"{name} P85")
        target = rows[-1]["target"]
        if _is_iso(target):
            ax.axhline(float(date2num(dt.date.fromisoformat(target))), color=line.get_color(),
                       linestyle=":", linewidth=1.2)
    ax.xaxis_date()
    ax.yaxis_date()
    ax.set_xlabel("recorded at")
    ax.set_ylabel("P85 date (dotted: target)")
    ax.set_title(f"How the forecasts moved ({result.source})")
    if ax.get_lines():
        ax.legend(fontsize=8)
    ax.figure.autofmt_xdate()
    return ax


def reliability(result: BacktestResult, ax: Axes | None = None, horizon: int | None = None,
                ) -> Axes:
    """Reliability diagram: stated level against observed coverage, per method.

    One line per sampling method (at its best window), for the "N or more"
    statements at one How-many horizon (default: the middle one); a
    calibrated forecast lies on the diagonal.

    Parameters
    ----------
    result : BacktestResult
        From :func:`forecast.backtest.backtest`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    horizon : int, optional
        The How-many horizon to show.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> from forecast.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")                  # doctest: +SKIP
    >>> ax = forecast.plot.reliability(backtest(h, methods=("daily",)))  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5))
    h = horizon or result.horizons[len(result.horizons) // 2]
    ranking = result.ranking()
    seen = set()
    for method, window, _ in ranking:
        if method in seen:
            continue
        seen.add(method)
        score = result.score(method, window, h)
        levels = sorted(score.at_least)
        ax.plot(levels, [100 * score.at_least[p] for p in levels], marker="o",
                label=f"{method} {window}d")
    if (h and result.horizons) and ("daily", 30) in {(m, w) for m, w, _ in ranking}:
        standard = result.score("daily", 30, h)
        levels = sorted(standard.at_least)
        ax.plot(levels, [100 * standard.at_least[p] for p in levels], marker="x",
                linestyle="--", color="black", label="standard: daily 30d")
    ax.plot([0, 100], [0, 100], color="#999999", linewidth=1)
    ax.set_xlim(40, 100)
    ax.set_ylim(40, 100)
    ax.set_xlabel("stated chance of 'N or more' (%)")
    ax.set_ylabel("observed share of origins where it held (%)")
    ax.set_title(f"Calibration, {h} working days ({len(result.origins)} origins)")
    ax.legend(fontsize=8)
    return ax
