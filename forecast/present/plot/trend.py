"""How recorded forecasts moved: each outcome's P85 over the time it was recorded.

Drawn from a record file read by :func:`forecast.trend`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from forecast.io.records import is_count, is_iso_date
from forecast.present.plot.style import axes_or_new, date_axis, draws_literally

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.io.records import TrendResult

__all__ = ["trend"]


@draws_literally
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

    ax = axes_or_new(ax)
    dated: list[tuple[str, list[dict[str, str]]]] = []
    counted: list[tuple[str, list[dict[str, str]]]] = []
    for name in result.outcomes:
        rows = result.history(name)
        if any(is_iso_date(r["p85"]) for r in rows):
            dated.append((name, [r for r in rows if is_iso_date(r["p85"])]))
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
        if is_iso_date(target):
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
    date_axis(ax)
    ax.set_xlabel("recorded at")
    if dated:
        date_axis(ax, "y")
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
