"""The report's charts: the :class:`Figure` registry and the panels drawn for the page.

Each chart of a report is one :class:`Figure` line in :data:`PLAN_FIGURES`,
:data:`QUESTION_FIGURES`, :data:`SIGNAL_FIGURES`, :data:`CALIBRATION_FIGURES`
or :data:`TREND_FIGURES`; :func:`charts_of` draws a list of them to PNG images
inlined as ``data:`` URIs (a chart that cannot be drawn becomes a note). The
sections read these lists from this module when they draw, so a list changed
here (appended to, or replaced by ``monkeypatch.setattr``) is what the next
report shows. The charts are matplotlib Figures that pyplot never sees:
drawing a report changes nothing global.

Examples
--------
>>> [f.title for f in PLAN_FIGURES]
['Portfolio', 'Completion dates per outcome']
"""

from __future__ import annotations

import base64
import io
import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.present import plot
from forecast.present.plot.style import LITERAL_TEXT, literal
from forecast.present.report.markup import Chart, percent
from forecast.results.forecast import WhenForecast
from forecast.results.plan import status_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

    from forecast.results.forecast import HowManyForecast
    from forecast.results.plan import PlanResult

__all__ = ["Figure", "charts_of", "PLAN_FIGURES", "QUESTION_FIGURES", "SIGNAL_FIGURES",
           "CALIBRATION_FIGURES", "TREND_FIGURES", "DPI", "MAX_OUTCOME_PANELS"]

DPI = 144
"""Resolution of the inlined PNG charts (shown at 96 per inch: sharp on screens and paper)."""

MAX_OUTCOME_PANELS = 24
"""Per-outcome charts drawn at most (in priority order); the headline lists every outcome."""


@dataclass(frozen=True)
class Figure:
    """One chart of a report: its title, how to read it, and how to draw it.

    Attributes
    ----------
    title : str
        Shown above the caption.
    caption : str
        One or two sentences on how to read the chart.
    draw : callable
        ``draw(subject, figure)`` draws on a matplotlib Figure (for example
        ``plot.portfolio(subject, ax=figure.add_subplot())``). The subject is
        the PlanResult, the WhenForecast or HowManyForecast, the TrendResult,
        or a :class:`TeamFacts` for the per-team charts.
    size : (float, float) or callable
        Figure size in inches, or ``size(subject)`` returning it.
    needs : str, optional
        An attribute of the subject that must not be None (for example
        ``"backtest"``), else the chart is left out.

    Examples
    --------
    >>> Figure("Portfolio", "One bar per outcome.",
    ...        lambda r, fig: plot.portfolio(r, ax=fig.add_subplot())).size
    (9.0, 4.2)
    """

    title: str
    caption: str
    draw: Callable[[Any, MplFigure], Any]
    size: tuple[float, float] | Callable[[Any], tuple[float, float]] = (9.0, 4.2)
    needs: str | None = None


def _render(figure: Figure, subject: Any) -> Chart | None:
    """Draw ``figure`` to an inlined PNG, or a note when it fails."""
    if figure.needs is not None and getattr(subject, figure.needs, None) is None:
        return None
    from matplotlib.figure import Figure as MplFigure

    size = figure.size(subject) if callable(figure.size) else figure.size
    import matplotlib

    canvas = MplFigure(figsize=size)  # not registered with pyplot: nothing global changes
    try:
        with matplotlib.rc_context(LITERAL_TEXT):  # names are drawn as written, never as math
            figure.draw(subject, canvas)
            literal(canvas)
            buffer = io.BytesIO()
            canvas.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight",
                           facecolor="white")
    except Exception as exc:  # one chart that cannot be drawn must not sink the report
        return Chart(figure.title, note=f"{figure.title}: the chart could not be drawn "
                     f"({type(exc).__name__}: {exc})")
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    scale = 96 / DPI
    return Chart(figure.title, figure.caption,
                 "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                 str(round(width * scale)), str(round(height * scale)))


def charts_of(figures: Sequence[Figure], subject: Any) -> list[Chart]:
    """Draw each figure of a list from ``subject``, in order.

    Parameters
    ----------
    figures : sequence of Figure
        For example :data:`PLAN_FIGURES`.
    subject : object
        What the figures draw from (a figure whose ``needs`` attribute of it
        is None is left out).

    Returns
    -------
    list of Chart
        Each an inlined PNG, or the note saying why it could not be drawn.

    Examples
    --------
    >>> line = Figure("Line", "A line.", lambda s, fig: fig.add_subplot().plot(s), size=(2, 1))
    >>> broken = Figure("Broken", "Fails.", lambda s, fig: 1 / 0)
    >>> drawn, failed = charts_of([line, broken], [1, 3, 2])
    >>> drawn.src.startswith("data:image/png;base64,"), failed.note
    (True, 'Broken: the chart could not be drawn (ZeroDivisionError: division by zero)')
    """
    return [c for c in (_render(f, subject) for f in figures) if c is not None]


def _outcome_panels_size(result: PlanResult) -> tuple[float, float]:
    shown = min(len(result.names), MAX_OUTCOME_PANELS)
    rows = math.ceil(shown / (1 if shown == 1 else 2))
    return (10.0, 2.15 * rows + 0.9)


def _outcome_panels(result: PlanResult, fig: MplFigure) -> None:
    """Small multiples: each outcome's completion-date distribution from the plan's trials.

    Bars are the share of trials finishing on each day, green on or before
    the target and red after it (so the green area is the chance of meeting
    it), blue without a target; the dashed line is P85, the black one the
    target. All panels share one date axis.
    """
    from matplotlib.dates import date2num

    order = result.priority_order()[:MAX_OUTCOME_PANELS]
    cols = 1 if len(order) == 1 else 2
    rows = math.ceil(len(order) / cols)
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False)
    horizon = result.horizon
    finished = [result.day_index[:, o][result.day_index[:, o] < horizon] for o in order]
    present = [f for f in finished if f.size]
    if present:
        lo = int(min(np.quantile(f, 0.001) for f in present))
        hi = int(max(np.quantile(f, 0.999) for f in present))
    else:
        lo, hi = 0, 1
    targets = [result.portfolio.outcomes[o].target for o in order]
    for t in targets:  # keep every target in view
        if t is not None and 0 <= (t - result.start).days < horizon:
            lo, hi = min(lo, (t - result.start).days), max(hi, (t - result.start).days)
    days = np.arange(lo, hi + 1)
    x = float(date2num(result.start)) + days
    for ax, o, done, target in zip(axes.flat, order, finished, targets, strict=False):
        name = result.names[o]
        inside = done[(done >= lo) & (done <= hi)] - lo
        share = np.bincount(inside, minlength=days.size)[: days.size] / result.trials * 100
        if target is None:
            colours: Any = "#6baed6"
        else:
            met = days <= (target - result.start).days
            colours = np.where(met, "#1a9850", "#d73027")
        ax.bar(x, share, width=0.9, color=colours, linewidth=0)
        summary = []
        p85 = [pc for pc in result.percentiles(name) if pc.p == 85]
        if p85 and p85[0].date is not None:
            ax.axvline(float(date2num(p85[0].date)), color="#222222", linestyle="--",
                       linewidth=1.2)
            summary.append(f"P85 {p85[0].date.isoformat()}")
        elif p85:
            summary.append("P85 not within horizon")
        if target is not None:
            ax.axvline(float(date2num(target)), color="black", linewidth=2.2, alpha=0.6)
            prob = result.probability(name)
            summary.append(f"target {target.isoformat()}: {percent(prob)} ({status_of(prob)})")
        if done.size < result.trials:
            summary.append(f"{1 - done.size / result.trials:.1%} not within horizon")
        ax.set_title(name, loc="left", fontsize=9.5, fontweight="bold", pad=15)
        ax.text(0, 1.02, ", ".join(summary), transform=ax.transAxes, fontsize=8.3,
                ha="left", va="bottom", color="#333333")
        ax.set_ylabel("% of trials", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(order):]:
        ax.set_visible(False)
    axes[0, 0].xaxis_date()
    for col in range(cols):  # the lowest visible panel of each column carries the dates
        visible = [axes[r, col] for r in range(rows) if axes[r, col].get_visible()]
        if visible:
            visible[-1].tick_params(axis="x", labelbottom=True, labelrotation=30)
            for label in visible[-1].get_xticklabels():
                label.set_horizontalalignment("right")
    fig.tight_layout(h_pad=0.8)


def _question_plot(result: WhenForecast | HowManyForecast, fig: MplFigure) -> None:

    ax = fig.add_subplot()
    if isinstance(result, WhenForecast):
        plot.when(result, ax=ax)
    else:
        plot.how_many(result, ax=ax)


PLAN_FIGURES: list[Figure] = [
    Figure("Portfolio", "One bar per outcome in priority order, from its P50 to its P95 "
           "date; the black tick is P85, the diamond the target, the colour the status, and "
           "arrows are dependencies.",
           lambda r, fig: plot.portfolio(r, ax=fig.add_subplot()),
           size=lambda r: (9.0, 0.55 * len(r.names) + 1.6)),
    Figure("Completion dates per outcome", "The share of simulated futures in which each "
           "outcome is done on each day: green on or before its target, red after it (the "
           "green area is the chance of meeting it), blue without a target; the dashed line "
           "is P85 and the black line the target.",
           _outcome_panels, size=_outcome_panels_size),
]
"""Charts of a plan report, in order; each draws from the PlanResult."""

QUESTION_FIGURES: list[Figure] = [
    Figure("Forecast", "The chance of each outcome, with the percentiles marked.",
           _question_plot),
]
"""Charts of a single-question report; each draws from the WhenForecast or HowManyForecast."""

SIGNAL_FIGURES: list[Figure] = [
    # per-team charts of the history (a throughput run chart, a calendar heat map) go here
]
"""Charts in each team's signals; each draws from a :class:`TeamFacts`."""

CALIBRATION_FIGURES: list[Figure] = [
    Figure("Calibration", "Stated chance of \"N or more\" against the share of past "
           "origins where it held, one line per method at its best window; a calibrated "
           "forecast lies on the diagonal, below it is over-confident.",
           lambda t, fig: plot.reliability(t.backtest, ax=fig.add_subplot()),
           size=(4.8, 4.4), needs="backtest"),
]
"""Charts in each team's calibration; each draws from a :class:`TeamFacts`."""

TREND_FIGURES: list[Figure] = [
    Figure("How the P85s moved", "Each outcome's P85 at each record: a date (the dotted "
           "line of the same colour is its target), or for How many the count of items or "
           "more (on the right axis when the file has dates too).",
           lambda t, fig: plot.trend(t, ax=fig.add_subplot())),
]
"""Charts of the trend section; each draws from the TrendResult."""
