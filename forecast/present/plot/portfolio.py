"""The portfolio chart: one bar per outcome of a plan, its dependencies as arrows.

The bars' dates are read from the plan's trials by :func:`plan_dates`, at
:data:`~forecast.present.plot.style.PORTFOLIO_LEVELS`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.present.plot.style import (
    PORTFOLIO_LEVELS,
    STATUS_COLOURS,
    STATUS_TEXT,
    date_axis,
    draws_literally,
)
from forecast.results.stats import TOLERANCE

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from forecast.results.plan import PlanResult

__all__ = ["portfolio", "plan_dates"]


def plan_dates(result: PlanResult, name: str, levels: tuple[float, ...]
               ) -> list[dt.date | None]:
    """One outcome's percentile dates from the plan's trials (None: not within horizon).

    The same rule as :meth:`PlanResult.percentiles`, for any levels, so the
    bars need not be among the levels the plan reports.

    Parameters
    ----------
    result : PlanResult
        From :func:`forecast.plan`.
    name : str
        One of its outcomes.
    levels : tuple of float
        Percent levels, for example :data:`~forecast.present.plot.style.PORTFOLIO_LEVELS`.

    Returns
    -------
    list of datetime.date or None
        One date per level, in their order.

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> from forecast.present.plot.portfolio import plan_dates
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(9, 9)),)),))
    >>> r = forecast.plan(p, start="2024-06-05", trials=200, rng=1)
    >>> [d.isoformat() for d in plan_dates(r, "a", (50, 85))]
    ['2024-06-12', '2024-06-14']
    >>> plan_dates(r, "a", (85,)) == [r.percentiles("a")[2].date]     # P50, P70, P85, P95
    True
    """
    return _all_dates(result, levels, [result.names.index(name)])[0]


def _all_dates(result: PlanResult, levels: tuple[float, ...], columns: list[int] | None = None
               ) -> list[list[dt.date | None]]:
    """:func:`plan_dates` of several outcomes (all by default) at once, by their columns."""
    days = result.day_index if columns is None else result.day_index[:, columns]
    ranks = [max(int(np.ceil((p / 100 - TOLERANCE) * result.trials)), 1) - 1 for p in levels]
    picked = np.partition(days, ranks, axis=0)[ranks] if days.size else days[:0]
    return [[None if int(index) >= result.horizon else
             result.start + dt.timedelta(days=int(index)) for index in column]
            for column in picked.T]


@draws_literally
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

    outcomes = result.to_dict()["outcomes"]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, _height(len(outcomes))))
    names = [o["name"] for o in outcomes]
    rows = {name: len(names) - 1 - i for i, name in enumerate(names)}
    low_p, _, high_p = PORTFOLIO_LEVELS

    def num(value: dt.date | None) -> float | None:
        return None if value is None else float(date2num(value))

    by_column = _all_dates(result, PORTFOLIO_LEVELS)
    column_of = {name: i for i, name in enumerate(result.names)}
    dates = {name: [num(d) for d in by_column[column_of[name]]] for name in names}
    targets = {o.name: num(o.target) for o in result.portfolio.outcomes}
    known = [v for n in names for v in [*dates[n], targets[n]] if v is not None]
    first = min(known, default=float(date2num(result.start)))
    last = max(known, default=first + 30.0)
    pad = max(2.0, 0.03 * (last - first))
    right_edge = last + pad
    starts: dict[str, float | None] = {}
    ticks: dict[str, float | None] = {}
    bars: dict[str, list[Any]] = {"y": [], "width": [], "left": [], "color": []}
    for item in outcomes:
        name, y = item["name"], rows[item["name"]]
        left, mark, right = dates[name]
        starts[name], ticks[name] = left, mark
        prob = item["probability"]
        text = "no target" if prob is None else f"{prob:.0%}"
        ax.text(1.01, y, text, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=9, color=STATUS_TEXT.get(item["status"], "#444444"))
        target = targets[name]
        if target is not None:  # the commitment stands whether or not the bar is drawn
            ax.plot([target], [y], marker="D", color="black", markersize=7,
                    markerfacecolor="white", linestyle="none", zorder=4)
        if left is None:  # not even P50 within the horizon
            ax.text(0.99, y, "not within horizon ", transform=ax.get_yaxis_transform(),
                    ha="right", va="center", fontsize=8, color="#d73027")
            continue
        end = right if right is not None else right_edge
        bars["y"].append(y)
        bars["width"].append(max(end - left, 0.8))
        bars["left"].append(left)
        bars["color"].append(STATUS_COLOURS.get(item["status"], "#969696"))
        if right is None:
            beyond = " and ".join(f"P{p:g}" for p, d in zip(PORTFOLIO_LEVELS, dates[name],
                                                           strict=True) if d is None)
            ax.text(right_edge, y + 0.32, f"{beyond} beyond the horizon ", ha="right",
                    va="bottom", fontsize=7, color="#d73027")
        if mark is not None:
            ax.plot([mark, mark], [y - 0.32, y + 0.32], color="black", linewidth=2.4)
    if bars["y"]:  # one call for every bar: a call per bar costs more than the bar
        ax.barh(bars["y"], bars["width"], left=bars["left"], height=0.5, alpha=0.8,
                color=bars["color"])
    arrows = _arrows(ax, result, rows, ticks, starts, right_edge)
    ax.set_yticks(list(range(len(names))), labels=list(reversed(names)))
    ax.set_ylim(-0.7, len(names) - 0.3)
    ax.set_xlim(first - pad, right_edge)
    ax.text(1.01, len(names) - 0.35, "chance of\nmeeting target", ha="left", va="bottom",
            transform=ax.get_yaxis_transform(), fontsize=8, color="#444444")
    date_axis(ax)
    ax.set_xlabel("date")
    ax.set_title(f"Portfolio forecast from {result.start.isoformat()} "
                 f"({result.trials:,} trials): bars P{low_p:g} to P{high_p:g}")
    _legend(ax, {o["status"] for o in outcomes},
            any(targets[n] is not None for n in names), arrows > 0)
    ax.grid(axis="x", alpha=0.3)
    return ax


def _height(n: int) -> float:
    """Height in inches of a chart of ``n`` outcomes: 0.6 a row, 0.3 beyond the 40th."""
    return 0.6 * min(n, 40) + 0.3 * max(n - 40, 0) + 1.9


def _arrows(ax: Axes, result: PlanResult, rows: dict[str, int],
            ticks: dict[str, float | None], starts: dict[str, float | None],
            right_edge: float) -> int:
    """Draw each dependency, from the prerequisite's P85 to the dependent's bar; count them."""
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
    return arrows


def _legend(ax: Axes, statuses: set[str], targets: bool, arrows: bool) -> None:
    """Draw the legend below the chart: the statuses drawn, the P85 tick, target, arrows."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mid_p = PORTFOLIO_LEVELS[1]
    handles: list[Any] = [Patch(color=c, alpha=0.8, label=s)
                          for s, c in STATUS_COLOURS.items() if s in statuses]
    handles.append(Line2D([], [], color="black", marker="|", markersize=11,
                          markeredgewidth=2.4, linestyle="none", label=f"P{mid_p:g}"))
    if targets:
        handles.append(Line2D([], [], color="black", marker="D", markerfacecolor="white",
                              linestyle="none", label="target"))
    if arrows:
        handles.append(Line2D([], [], color="#404040", marker=">", markersize=5,
                              label="depends on (from the prerequisite's P85)"))
    ax.legend(handles=handles, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=min(len(handles), 4), frameon=False)
