"""Plots of forecasts. Each function takes ``ax=None`` and returns the axes.

matplotlib is imported inside the functions, so importing this module is
free; when no axes are given, a new figure is made with pyplot (whatever
backend is in use: the command line picks the non-interactive Agg).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.forecasting.bands import burnup_bands

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.core.history import History, Sample
    from forecast.evaluation.backtest import BacktestResult
    from forecast.evaluation.signals import Change
    from forecast.io.records import TrendResult
    from forecast.results.forecast import HowManyForecast, WhenForecast
    from forecast.results.plan import PlanResult

__all__ = ["when", "how_many", "burnup", "calendar", "portfolio", "throughput", "trend",
           "reliability", "pit"]

_LINE_COLOURS = {50: "#2b8cbe", 70: "#7b3294", 85: "#d7301f", 95: "#525252"}


def _axes(ax: Any, figsize: tuple[float, float] = (8, 4.2)) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def _items(n: int) -> str:
    return f"{n:,} item{'' if n == 1 else 's'}"


def _date_axis(ax: Axes, axis: str = "x") -> None:
    """Dates on ``axis`` in matplotlib's concise format (no rotated, overlapping labels)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    locator = AutoDateLocator(minticks=4, maxticks=9)
    target.set_major_locator(locator)
    # Day ticks read "Jul 15" rather than a bare "15", and the offset (the context
    # written once at the axis end) is the year alone: matplotlib's default "2024-Sep"
    # repeats the month the ticks already name, and names only the last tick's month.
    target.set_major_formatter(ConciseDateFormatter(
        locator,
        formats=["%Y", "%b", "%b %d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", "%b %d", "%b %d", "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))


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
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # items come whole
    ax.set_xlabel("items completed")
    ax.set_ylabel("probability (%)")
    end = result.end.isoformat() if isinstance(result.end, dt.date) else result.end
    ax.set_title(f"How many items by {end}? ({result.days} working days)")
    ax.legend(fontsize=8, loc="upper right")
    return ax


BURNUP_LEVELS = (50.0, 85.0, 95.0)
"""Levels of the burn-up fan: the median and the two cautious "at least" levels."""

_MAX_BAND_POINTS = 150
"""Working days at which a Monte Carlo burn-up band is re-simulated, at most (one
simulation each, by :func:`~forecast.forecasting.bands.burnup_bands`)."""


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

    from forecast.core.calendar import as_date

    ax = _axes(ax, (9, 4.6))
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
        colour = _LINE_COLOURS.get(int(p), "#444444")
        ax.plot(x, curves[p], drawstyle="steps-post", color=colour,
                linewidth=2.2 if p == 85 else 1.4, linestyle="-" if p == 85 else "--",
                label=f"P{p:g}: {when}")
        if pc.date is not None:
            ax.plot([float(date2num(pc.date))], [goal], marker="o", color=colour,
                    markersize=6, linestyle="none", zorder=4)
    ax.axhline(goal, color="black", linewidth=1.2, label=f"backlog: {_items(items)}")
    if result.target is not None:
        prob = result.likelihood(result.target)
        ax.axvline(float(date2num(result.target)), color="black", linewidth=3, alpha=0.35,
                   label=f"target {result.target.isoformat()} ({prob:.0%})")
    ax.axvline(float(date2num(start)), color="#969696", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, goal * 1.1 + 1)
    ax.set_xlim(float(date2num(first)), float(x[-1]) + 1)
    _date_axis(ax)
    ax.set_xlabel("date (dotted line: start of the forecast)")
    ax.set_ylabel(f"items completed since {first.isoformat()}")
    ax.set_title(f"Burn-up: {_items(items)} more from {start.isoformat()}, "
                 "with the chance of at least this many done")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              frameon=False)
    ax.grid(alpha=0.25)
    return ax


_MAX_CALENDAR_WEEKS = 53
"""The calendar heat map shows at most this many weeks."""

_LEAD_WEEKS = 8
"""The calendar starts at the start, unless the chance reaches 1% more than this
many weeks later: then two weeks before that."""


def _percent_text(value: float) -> str:
    """Write a cell's chance in whole percent, never rounding to a false 0 or 100."""
    if value <= 0:
        return "0"
    if value < 0.5:
        return "<1"
    if value >= 100:
        return "100"
    if value > 99.5:
        return ">99"
    return f"{value:.0f}"


def calendar(result: WhenForecast, ax: Axes | None = None) -> Axes:
    """Calendar heat map: the chance of being done by each day, one cell per day.

    Columns are weeks (labelled by their Monday), rows are weekdays, Monday
    on top. A working day's cell shows, in percent, the chance that all
    ``result.items`` items are done on or before that day
    (:meth:`~forecast.results.forecast.WhenForecast.likelihood`). Non-working days
    (weekends, holidays) are grey; days before the start are blank. The
    percentile dates are outlined in their colours and the target in black.
    The weeks shown run from the start's week (or from two weeks before the
    chance reaches 1%, when that is more than eight weeks away) to the last
    of the weeks where the chance reaches 99%, the target, and the
    percentile dates; at most 53 weeks.

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
    >>> ax = forecast.plot.calendar(forecast.when(h, 20, start="2024-06-05", method="daily"))
    >>> ax.images[1].get_array().shape        # 7 weekdays by 4 weeks
    (7, 4)
    >>> [t.get_text() for t in ax.get_yticklabels()][:2]
    ['Mon', 'Tue']
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    cdf = result.cdf
    start, cal, horizon = result.start, result.calendar, result.horizon

    def date_where(level: float) -> dt.date | None:
        day = int(np.searchsorted(cdf, level))
        return result.date_of(day) if 1 <= day <= horizon else None

    begin = start
    one_percent = date_where(0.01)
    if one_percent is not None and one_percent - start > dt.timedelta(weeks=_LEAD_WEEKS):
        begin = one_percent - dt.timedelta(weeks=2)
        if result.target is not None:
            begin = max(start, min(begin, result.target))
    ends = [date_where(0.99), result.target,
            *(pc.date for pc in result.percentiles())]
    end = max([d for d in ends if d is not None], default=begin + dt.timedelta(days=27))
    monday = begin - dt.timedelta(days=begin.weekday())
    weeks = (end - monday).days // 7 + 1
    cropped = weeks > _MAX_CALENDAR_WEEKS
    weeks = min(weeks, _MAX_CALENDAR_WEEKS)
    sunday = monday + dt.timedelta(days=7 * weeks - 1)
    span = np.arange(np.datetime64(monday, "D"), np.datetime64(sunday, "D") + 1)
    working = np.isin(span, cal.working_dates(monday, sunday))
    shown = span >= np.datetime64(start, "D")
    # day numbers of the working days from the start (1, 2, ...), in date order
    before = cal.day_number(start, monday - dt.timedelta(days=1))
    numbers = before + np.cumsum(working & shown)
    chance = 100.0 * cdf[np.clip(numbers, 0, horizon)]
    chance[numbers == 0] = 0.0
    grid = chance.reshape(weeks, 7).T  # rows: weekdays; columns: weeks
    ok = (working & shown).reshape(weeks, 7).T
    closed = (~working & shown).reshape(weeks, 7).T
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(min(16.0, max(6.5, 0.62 * weeks + 3.0)), 4.6))
    extent = (-0.5, weeks - 0.5, 6.5, -0.5)
    ax.imshow(np.ma.masked_array(np.ones(grid.shape), mask=~closed), extent=extent,
              cmap=ListedColormap(["#d9d9d9"]), vmin=0, vmax=1, aspect="equal",
              interpolation="nearest")
    image = ax.imshow(np.ma.masked_array(grid, mask=~ok), extent=extent, cmap="YlGnBu",
                      vmin=0, vmax=100, aspect="equal", interpolation="nearest")
    if weeks <= 26:
        size = 7 if weeks > 14 else 8
        for col in range(weeks):
            for row in range(7):
                if ok[row, col]:
                    value = grid[row, col]
                    ax.text(col, row, _percent_text(value), ha="center", va="center",
                            fontsize=size, color="white" if value >= 60 else "#252525")
    handles = []

    def outline(day: dt.date, colour: str, style: Any, label: str) -> None:
        offset = (day - monday).days
        if not 0 <= offset < 7 * weeks:
            return
        col, row = divmod(offset, 7)
        ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor=colour,
                               linewidth=2.4, linestyle=style, zorder=3))
        handles.append(Patch(facecolor="none", edgecolor=colour, linewidth=2.0,
                             linestyle=style, label=label))

    for pc in result.percentiles():
        if pc.date is not None:
            outline(pc.date, _LINE_COLOURS.get(int(pc.p), "#444444"), "-",
                    f"P{pc.p:g} {pc.date:%a} {pc.date.isoformat()}")
    if result.target is not None:
        prob = result.likelihood(result.target)
        outline(result.target, "black", "--",
                f"target {result.target.isoformat()} ({_percent_text(100 * prob)}%)")
    handles.append(Patch(facecolor="#d9d9d9", label="not a working day"))
    step = max(1, int(np.ceil(weeks / 14)))
    columns = list(range(0, weeks, step))
    labels, year = [], None
    for c in columns:
        week = monday + dt.timedelta(days=7 * c)
        labels.append(f"{week:%d %b}" + (f"\n{week:%Y}" if week.year != year else ""))
        year = week.year
    ax.set_xticks(columns, labels=labels, fontsize=8)
    ax.set_yticks(range(7), labels=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                  fontsize=8)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    notes = ["earlier weeks: under 1%"] if monday > start else []
    if cropped:
        notes.append(f"first {weeks} weeks shown")
    if result.percentile(max(result.levels)).date is None:
        notes.append(f"P{max(result.levels):g} not within the horizon")
    ax.set_xlabel("week starting (Monday)" + "".join(f"; {n}" for n in notes))
    ax.set_title(f"Chance that {_items(result.items)} are done by each day (%), "
                 f"start {start.isoformat()}")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("chance done by that day (%)")
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2),
              ncol=min(len(handles), 3), frameon=False)
    return ax


_STATUS_COLOURS = {"on track": "#1a9850", "watch": "#fdae61", "at risk": "#d73027",
                   "no target": "#969696"}

_STATUS_TEXT = {**_STATUS_COLOURS, "watch": "#e08214"}  # darker, to read as text

PORTFOLIO_LEVELS = (50.0, 85.0, 95.0)
"""The portfolio bar runs from the first level to the last; the middle one is marked."""


def _plan_dates(result: PlanResult, name: str, levels: tuple[float, ...]
                ) -> list[dt.date | None]:
    """One outcome's percentile dates from the plan's trials (None: not within horizon).

    The same rule as :meth:`PlanResult.percentiles`, for any levels, so the
    bars need not be among the levels the plan reports.
    """
    from forecast.results.stats import TOLERANCE

    column = np.sort(result.day_index[:, result.names.index(name)])
    out: list[dt.date | None] = []
    for p in levels:
        index = int(column[max(int(np.ceil((p / 100 - TOLERANCE) * result.trials)), 1) - 1])
        out.append(None if index >= result.horizon else
                   result.start + dt.timedelta(days=index))
    return out


def portfolio(result: PlanResult, ax: Axes | None = None) -> Axes:
    """One horizontal bar per outcome from P50 to P95, P85 marked, target drawn.

    Outcomes are listed in priority order from the top. Each bar is coloured
    by the outcome's status (on track: at least 85% chance of meeting its
    target; watch: 50% to 85%; at risk: below 50%; no target); the black
    tick is its P85 date and the white diamond its target, and the chance
    of meeting the target is written at the right. Each dependency is an
    arrow from the prerequisite's P85 date to the start of the dependent's
    bar (an outcome can start only once its prerequisites are done). A bar
    whose P95 lies beyond the horizon runs to the right edge and says so; an
    outcome whose P50 does too has no bar, but keeps its target diamond.
    Where a prerequisite's P85 lies beyond the horizon, its arrow starts at
    the right edge (where its bar ends); where the dependent has no bar, the
    arrow ends at the right edge of its row.

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
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(9, 9)),)),
    ...                                  Outcome("b", (Part("api", Size(3, 3)),),
    ...                                          depends_on=("a",))))
    >>> ax = forecast.plot.portfolio(forecast.plan(p, start="2024-06-05", trials=200))
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    (['b', 'a'], 2)
    >>> [a.arrow_patch is not None for a in ax.texts if hasattr(a, "arrow_patch")]
    [True]
    """
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    outcomes = result.to_dict()["outcomes"]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.6 * len(outcomes) + 1.9))
    names = [o["name"] for o in outcomes]
    rows = {name: len(names) - 1 - i for i, name in enumerate(names)}
    low_p, mid_p, high_p = PORTFOLIO_LEVELS

    def num(value: dt.date | None) -> float | None:
        return None if value is None else float(date2num(value))

    dates = {name: [num(d) for d in _plan_dates(result, name, PORTFOLIO_LEVELS)]
             for name in names}
    targets = {o.name: num(o.target) for o in result.portfolio.outcomes}
    known = [v for n in names for v in [*dates[n], targets[n]] if v is not None]
    first = min(known, default=float(date2num(result.start)))
    last = max(known, default=first + 30.0)
    pad = max(2.0, 0.03 * (last - first))
    right_edge = last + pad
    starts: dict[str, float | None] = {}
    ticks: dict[str, float | None] = {}
    for item in outcomes:
        name, y = item["name"], rows[item["name"]]
        left, mark, right = dates[name]
        starts[name], ticks[name] = left, mark
        prob = item["probability"]
        text = "no target" if prob is None else f"{prob:.0%}"
        ax.text(1.01, y, text, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=9, color=_STATUS_TEXT.get(item["status"], "#444444"))
        target = targets[name]
        if target is not None:  # the commitment stands whether or not the bar is drawn
            ax.plot([target], [y], marker="D", color="black", markersize=7,
                    markerfacecolor="white", linestyle="none", zorder=4)
        if left is None:  # not even P50 within the horizon
            ax.text(0.99, y, "not within horizon ", transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=8, color="#d73027")
            continue
        end = right if right is not None else right_edge
        ax.barh(y, max(end - left, 0.8), left=left, height=0.5, alpha=0.8,
                color=_STATUS_COLOURS.get(item["status"], "#969696"))
        if right is None:
            beyond = " and ".join(f"P{p:g}" for p, d in zip(PORTFOLIO_LEVELS, dates[name],
                                                           strict=True) if d is None)
            ax.text(right_edge, y + 0.32, f"{beyond} beyond the horizon ", ha="right",
                    va="bottom", fontsize=7, color="#d73027")
        if mark is not None:
            ax.plot([mark, mark], [y - 0.32, y + 0.32], color="black", linewidth=2.4)
    arrows = 0
    for outcome in result.portfolio.outcomes:
        for dep in outcome.depends_on:
            # beyond the horizon, the prerequisite's bar ends (and the dependent's would
            # start) at the right edge: the arrow runs from or to there
            tail, head = ticks.get(dep), starts.get(outcome.name)
            tail = right_edge if tail is None else tail
            head = right_edge if head is None else head
            ax.annotate("", xy=(head, rows[outcome.name]), xytext=(tail, rows[dep]),
                        arrowprops={"arrowstyle": "-|>", "color": "#404040", "lw": 1.2,
                                    "shrinkA": 0, "shrinkB": 2,
                                    "connectionstyle": "arc3,rad=-0.15"})
            arrows += 1
    ax.set_yticks(list(range(len(names))), labels=list(reversed(names)))
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlim(first - pad, right_edge)
    ax.text(1.01, len(names) - 0.35, "chance of\nmeeting target", ha="left", va="bottom",
            transform=ax.get_yaxis_transform(), fontsize=8, color="#444444")
    _date_axis(ax)
    ax.set_xlabel("date")
    ax.set_title(f"Portfolio forecast from {result.start.isoformat()} "
                 f"({result.trials:,} trials): bars P{low_p:g} to P{high_p:g}")
    present = {o["status"] for o in outcomes}
    handles: list[Any] = [Patch(color=c, alpha=0.8, label=s)
                          for s, c in _STATUS_COLOURS.items() if s in present]
    handles.append(Line2D([], [], color="black", marker="|", markersize=11,
                          markeredgewidth=2.4, linestyle="none", label=f"P{mid_p:g}"))
    if any(targets[n] is not None for n in names):
        handles.append(Line2D([], [], color="black", marker="D", markerfacecolor="white",
                              linestyle="none", label="target"))
    if arrows:
        handles.append(Line2D([], [], color="#404040", marker=">", markersize=5,
                              label="depends on (from the prerequisite's P85)"))
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=min(len(handles), 4), frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


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

    from forecast.core.calendar import as_date
    from forecast.evaluation.signals import drift, weekly_counts

    ax = _axes(ax, (9, 4.2))
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
    _date_axis(ax)
    ax.set_xlabel("week (points at Mondays)")
    ax.set_ylabel("items completed per week")
    ax.set_title(f"Weekly throughput: {history.source}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3,
              frameon=False)
    ax.grid(alpha=0.25)
    return ax


def trend(result: TrendResult, ax: Axes | None = None) -> Axes:
    """Each outcome's P85 over the time it was recorded (one line each), with its target.

    A When or plan record holds dates: its P85 date is drawn on a date axis,
    with the outcome's latest target as a dotted line of the same colour. A
    How-many record holds counts: its P85 ("that many items or more") is
    drawn on an item axis. Its record's target column is the date the count
    runs to, not a goal, so no line is drawn for it; a target that is a count
    is dotted like a date target.

    A record file of one kind draws on ``ax`` alone. A file with both (dates
    and counts) draws the dates on ``ax`` (left axis) and the counts on a
    second axis sharing the time axis (``ax.twinx()``, on the right), with
    dashed lines and square markers; the legend, below the chart, says which
    line is which. Records whose P85 is not within the horizon have no point;
    when no record has one, the axes say so.

    Parameters
    ----------
    result : TrendResult
        From :func:`forecast.trend`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax`` (for a mixed file, the axes of the dates; the counts' axes
        share its x axis).

    Examples
    --------
    >>> import forecast, forecast.plot, tempfile, pathlib
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "record.csv"
    >>> for n in (10, 12):
    ...     _ = forecast.record(forecast.when(h, n, start="2024-06-05"), log, name="r")
    >>> len(forecast.plot.trend(forecast.trend(log)).get_lines())
    1
    >>> for start in ("2024-06-05", "2024-06-06"):
    ...     _ = forecast.record(forecast.how_many(h, by="2024-06-28", start=start), log)
    >>> ax = forecast.plot.trend(forecast.trend(log))
    >>> [line.get_label() for a in ax.figure.axes for line in a.get_lines()]
    ['r: P85 date', 'items by 2024-06-28: P85 items or more']
    """
    import matplotlib.pyplot as plt
    from matplotlib.dates import date2num
    from matplotlib.ticker import MaxNLocator

    from forecast.io.records import is_count
    from forecast.io.records import is_iso_date as _is_iso

    ax = _axes(ax)
    dated: list[tuple[str, list[dict[str, str]]]] = []
    counted: list[tuple[str, list[dict[str, str]]]] = []
    for name in result.outcomes:
        rows = result.history(name)
        if any(_is_iso(r["p85"]) for r in rows):
            dated.append((name, [r for r in rows if _is_iso(r["p85"])]))
        if any(is_count(r["p85"]) for r in rows):
            counted.append((name, [r for r in rows if is_count(r["p85"])]))
    ax.set_title(f"How the forecasts moved ({result.source})")
    if not dated and not counted:
        ax.text(0.5, 0.5, "no record has a P85 within its horizon", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return ax
    colours = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["#1f77b4"])

    def recorded(rows: list[dict[str, str]]) -> list[float]:
        return [float(date2num(dt.datetime.fromisoformat(r["recorded_at"]))) for r in rows]

    for i, (name, rows) in enumerate(dated):
        colour = colours[i % len(colours)]
        y = [float(date2num(dt.date.fromisoformat(r["p85"]))) for r in rows]
        ax.plot(recorded(rows), y, marker="o", color=colour, label=f"{name}: P85 date")
        target = rows[-1]["target"]
        if _is_iso(target):
            ax.axhline(float(date2num(dt.date.fromisoformat(target))), color=colour,
                       linestyle=":", linewidth=1.2)
    items_ax = ax.twinx() if dated and counted else ax
    count_targets = False
    for i, (name, rows) in enumerate(counted, start=len(dated)):
        colour = colours[i % len(colours)]
        items_ax.plot(recorded(rows), [int(r["p85"]) for r in rows], color=colour,
                      marker="s" if dated else "o", linestyle="--" if dated else "-",
                      label=f"{name}: P85 items or more")
        target = rows[-1]["target"]
        if is_count(target):
            count_targets = True
            items_ax.axhline(int(target), color=colour, linestyle=":", linewidth=1.2)
    _date_axis(ax)
    ax.set_xlabel("recorded at")
    if dated:
        _date_axis(ax, "y")
        ax.set_ylabel("P85 date (dotted: target)")
    if counted:
        items_ax.set_ylim(bottom=0, top=max(items_ax.get_ylim()[1], 1))
        items_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        items_ax.set_ylabel("P85: items or more" + (" (dotted: target)" if count_targets
                                                   else "") + (", right axis" if dated else ""))
    handles = [line for a in dict.fromkeys((ax, items_ax)) for line in a.get_lines()
               if not str(line.get_label()).startswith("_")]
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=min(len(handles), 2), frameon=False)
    ax.grid(alpha=0.25)
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
        From :func:`forecast.evaluation.backtest.backtest`.
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
    >>> from forecast.evaluation.backtest import backtest
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


_PIT_BINS = 10


def _pit_shares(values: Any) -> np.ndarray:
    """Return the percentage of PIT values in each of ten equal bins of [0, 1].

    The values are clipped to [0, 1] first: a PIT of 1 computed as
    1.0000000000000004 would otherwise fall outside the last bin and be lost.
    """
    pits = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
    counts = np.histogram(pits, bins=_PIT_BINS, range=(0.0, 1.0))[0]
    return 100.0 * counts / max(pits.size, 1)


def pit(result: BacktestResult, ax: Axes | None = None, *, method: str | None = None,
        window: int | None = None, horizon: int | None = None, question: str = "how-many",
        ) -> Axes:
    """PIT histogram of a backtest: where each outcome fell in its forecast.

    For every origin of the backtest, the probability integral transform is
    the forecast's cumulative probability at what really happened (the
    mid-point for a count: ``F(y - 1) + P(y) / 2``). A calibrated forecast
    gives a flat histogram, each of the ten bins holding 10% of the origins
    (the dotted line). A U shape means outcomes fell in the tails too often
    (the forecast was too narrow), a hump that it was too wide, and a slope
    that it was biased. The bars are the shares in percent, so they sum to
    100.

    Parameters
    ----------
    result : BacktestResult
        From :func:`forecast.evaluation.backtest.backtest`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    method, window : str, int, optional
        The configuration (default: the recommended one, ``result.best``).
    horizon : int, optional
        How-many horizon in working days (default: the middle one), or the
        When batch (default: ``result.batch``).
    question : {"how-many", "when"}
        Which forecasts to show.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import forecast, forecast.plot
    >>> from forecast.evaluation.backtest import backtest
    >>> h = forecast.read_history("examples/team.csv")
    >>> r = backtest(h, methods=("daily",), windows=(30,), horizons=(10,), step=14)
    >>> ax = forecast.plot.pit(r)
    >>> round(float(sum(bar.get_height() for bar in ax.patches)), 6), len(ax.patches)
    (100.0, 10)
    """
    from forecast.evaluation.backtest import STANDARD
    from forecast.exceptions import ParameterError

    ax = _axes(ax, (7, 4.2))
    if method is None or window is None:
        best = result.best
        method = best[0] if method is None else method
        window = best[1] if window is None else window
    if horizon is None:
        horizon = (result.batch if question == "when" else
                   result.horizons[len(result.horizons) // 2]) or 0
    score = result.score(method, window, horizon, question)
    edges = np.linspace(0.0, 1.0, _PIT_BINS + 1)
    shares = _pit_shares(score.pit_values)
    top = max(float(shares.max()), 100.0 / _PIT_BINS)
    ax.bar(edges[:-1], shares, width=np.diff(edges), align="edge", color="#9ecae1",
           edgecolor="#3182bd", label=f"{method} {window}d ({score.origins} origins)")
    if (method, window) != STANDARD:
        try:
            standard = result.score(*STANDARD, horizon, question)
        except ParameterError:  # the standard was not part of this backtest
            standard = None
        if standard is not None:
            standard_shares = _pit_shares(standard.pit_values)
            top = max(top, float(standard_shares.max()))
            ax.stairs(standard_shares, edges, color="black",
                      linestyle="--", linewidth=1.2,
                      label=f"standard: {STANDARD[0]} {STANDARD[1]}d")
    ax.axhline(100.0 / _PIT_BINS, color="#636363", linestyle=":", linewidth=1.5,
               label="calibrated (flat)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, top * 1.3)
    if question == "when":
        lower, upper = "done earlier than forecast", "done later than forecast"
        what = f"When {horizon} items"
    else:
        lower, upper = "fewer done than forecast", "more done than forecast"
        what = f"How many in {horizon} working days"
    ax.set_xlabel(f"PIT: forecast probability below the outcome\n← {lower}"
                  f"{' ' * 24}{upper} →")
    ax.set_ylabel("share of origins (%)")
    ax.set_title(f"PIT histogram: {what}\nflat = calibrated, U = too narrow, "
                 "hump = too wide, slope = biased", fontsize=10)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: not labels[i].startswith(method))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=8,
              loc="upper center", ncol=3)
    return ax
