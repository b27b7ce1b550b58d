"""The calendar heat map: the chance of a When forecast being done by each day.

One cell per day, weeks as columns and weekdays as rows, read from the
forecast's cdf.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.present.plot.style import LINE_COLOURS, draws_literally, items_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.results.forecast import WhenForecast

__all__ = ["calendar"]


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


def _weeks_shown(result: WhenForecast) -> tuple[dt.date, int, bool]:
    """Return the Monday of the first week shown, the weeks shown, and whether they were cut.

    The weeks run from the start's week (or from two weeks before the chance
    reaches 1%, when that is more than eight weeks away) to the last of the
    weeks where the chance reaches 99%, the target, and the percentile
    dates; at most :data:`_MAX_CALENDAR_WEEKS`.
    """
    cdf, start, horizon = result.cdf, result.start, result.horizon

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
    return monday, min(weeks, _MAX_CALENDAR_WEEKS), weeks > _MAX_CALENDAR_WEEKS


def _cells(result: WhenForecast, monday: dt.date, weeks: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each day's chance of being done by it (%), whether open, whether closed.

    Three arrays of 7 rows (weekdays) by ``weeks`` columns from ``monday``:
    the forecast's cdf read at each day, whether the cell is a working day
    from the start on, and whether it is a non-working day from the start on.
    """
    cdf, start, cal, horizon = result.cdf, result.start, result.calendar, result.horizon
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
    return grid, ok, closed


@draws_literally
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

    start = result.start
    monday, weeks, cropped = _weeks_shown(result)
    grid, ok, closed = _cells(result, monday, weeks)
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
            outline(pc.date, LINE_COLOURS.get(int(pc.p), "#444444"), "-",
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
    ax.set_title(f"Chance that {items_text(result.items)} are done by each day (%), "
                 f"start {start.isoformat()}")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label("chance done by that day (%)")
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2),
              ncol=min(len(handles), 3), frameon=False)
    return ax
