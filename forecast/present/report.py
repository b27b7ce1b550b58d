"""A self-contained HTML report of a forecast: one file that opens anywhere, offline.

:func:`plan_report` reports a portfolio plan and :func:`question_report` a
single question (When or How many); :func:`write_report` writes either
atomically. A report reads top to bottom the way a delivery lead does: the
headline (each outcome's P85 date, target, chance and status, and the joint
chance) with status colours, then the charts, how the forecasts moved (with
a record file), the signals of each team's history (data quality, drift,
aging work), the calibration of each team's own past (backtest), and last
the inputs that reproduce it.

The file needs nothing from the network: charts are PNG images inlined as
``data:`` URIs, the style sheet is inline, and there is no script at all. A
Content-Security-Policy in the page forbids scripts and remote content too,
as a second fence behind the escaping: the markup is written only by the
Jinja2 templates in ``templates/report`` (the page, and one per section),
with autoescaping on, from values this module computes as text; every piece
of user text (outcome, team, risk and file names, notes, warnings) is
escaped when a template writes it.

Charts are listed in :data:`PLAN_FIGURES`, :data:`QUESTION_FIGURES`,
:data:`SIGNAL_FIGURES`, :data:`CALIBRATION_FIGURES` and
:data:`TREND_FIGURES`; adding a chart is one :class:`Figure` line there.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import html
import io
import math
import os
import platform
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import numpy as np
from markupsafe import Markup

from forecast import __version__
from forecast.core.history import MAX_WINDOW
from forecast.evaluation.backtest import STANDARD, backtest
from forecast.evaluation.signals import check
from forecast.exceptions import ForecastError
from forecast.io.output import write_atomic
from forecast.io.readers import as_history
from forecast.io.records import TrendResult, is_iso_date, trend
from forecast.notes import Note, note_label
from forecast.present import plot
from forecast.results.forecast import WhenForecast
from forecast.results.plan import status_of
from forecast.sampling.methods import METHODS

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

    from forecast.core.history import History, Sample
    from forecast.evaluation.backtest import BacktestResult
    from forecast.evaluation.signals import CheckResult
    from forecast.io.records import TrendResult
    from forecast.results.forecast import HowManyForecast, WhenForecast
    from forecast.results.plan import PlanResult

__all__ = ["plan_report", "question_report", "write_report", "Figure", "TeamFacts",
           "PLAN_FIGURES", "QUESTION_FIGURES", "SIGNAL_FIGURES", "CALIBRATION_FIGURES",
           "TREND_FIGURES", "REPORT_BACKTEST"]

REPORT_BACKTEST: dict[str, Any] = {
    "methods": tuple(METHODS),
    "windows": (30, 90),
    "horizons": (10, 20),
    "max_origins": 52,
    "trials": 500,
}
"""Keyword arguments of :func:`forecast.evaluation.backtest.backtest` for each team in a
report: a year of weekly origins, two horizons, the three methods at 30 and
90 days plus the team's own window (about a second per team). Pass
``backtest={...}`` to override any of them."""

DPI = 144
"""Resolution of the inlined PNG charts (shown at 96 per inch: sharp on screens and paper)."""

MAX_OUTCOME_PANELS = 24
"""Per-outcome charts drawn at most (in priority order); the headline lists every outcome."""

MAX_AGING_ROWS = 10
"""Aging items listed per team (oldest first); the count says how many there are."""


# --------------------------------------------------------------------------- markup


@dataclass(frozen=True)
class _Span:
    """Text in a ``<span>``: a status pill, a tag, the P85 in bold (``cls`` its class)."""

    text: str
    cls: str | None = None


@dataclass(frozen=True)
class _Bullets:
    """A ``<ul>`` of lines."""

    entries: Sequence[str]


_Inline = str | _Span | _Bullets | list[Any]
"""What a table cell or a card's line holds: text, a span, a list, or several of them."""


@dataclass(frozen=True)
class _Table:
    """A table for the ``table`` macro: rows of (row class, cells), all text."""

    header: Sequence[str]
    rows: Sequence[tuple[str | None, Sequence[_Inline]]]
    numeric: frozenset[int] = frozenset()
    groups: Sequence[tuple[str, str | None]] = ()
    id: str | None = None
    cls: str | None = None


@dataclass(frozen=True)
class _Card:
    """A headline card: a big number over lines of text (``kind`` colours its border)."""

    big: str
    lines: Sequence[_Inline]
    kind: str | None = None


@dataclass(frozen=True)
class _Box:
    """A box of warnings."""

    label: str
    lines: Sequence[str]


@dataclass(frozen=True)
class _Chart:
    """A chart drawn to an inlined PNG, or the note saying why it could not be drawn."""

    title: str
    caption: str = ""
    src: str = ""
    width: str = ""
    height: str = ""
    note: str = ""


def _escape(value: Any) -> Markup:
    """Write a value into a template (the environment's ``finalize``): escape text.

    Autoescaping alone would escape with markupsafe, which writes quotes as
    ``&#34;`` and ``&#39;``; this escapes with :func:`html.escape` (``&quot;``
    and ``&#x27;``), so the page's bytes stay what they were. The result is
    marked as markup only because it is escaped already (autoescaping then
    leaves it alone), and what the macros write is markup the same way. Any
    value that is not text is refused: Python formats every number, and a
    None must not print as "None".
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined: raises UndefinedError, naming what is missing
    if not isinstance(value, str):
        raise TypeError(f"a report template was given {type(value).__name__} {value!r}; "
                        "format it as text in report.py")
    return Markup(html.escape(value, quote=True))


@functools.cache
def _environment() -> jinja2.Environment:
    """Load the report's templates (``templates/report`` next to this module), once.

    Autoescaping is on, an undefined name is an error, and the block tags
    leave no blank lines (the templates strip the rest of the whitespace
    between tags themselves).
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__ or "forecast", "templates/report"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_escape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _text(value: Any) -> _Inline:
    """Give a cell as the templates take it: text as is, None empty, anything else str()."""
    if value is None:
        return ""
    return value if isinstance(value, str | _Span | _Bullets | list) else str(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Iterable[int] = (),
           row_classes: Sequence[str | None] | None = None,
           groups: Sequence[tuple[str, int]] = (), id: str | None = None,
           cls: str | None = None) -> _Table:
    """Lay out a table; ``groups`` adds a header row above: (label, columns spanned)."""
    body = [(row_classes[r] if row_classes is not None else None, [_text(c) for c in row])
            for r, row in enumerate(rows)]
    return _Table(header, body, frozenset(numeric),
                  [(label, str(span) if span > 1 else None) for label, span in groups], id, cls)


def _spaced(parts: Iterable[_Inline]) -> list[_Inline]:
    """Parts with a space between each two."""
    out: list[_Inline] = []
    for part in parts:
        out += [" ", part] if out else [part]
    return out


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _percent(value: float | None, digits: int = 0) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.{digits}%}"


def _date(value: dt.date | None, missing: str = "not within horizon") -> str:
    return missing if value is None else value.isoformat()


def _when(moment: dt.datetime, timespec: str = "minutes") -> str:
    """``2026-11-25 19:05 UTC`` (or the moment's own offset)."""
    text = moment.replace(tzinfo=None).isoformat(sep=" ", timespec=timespec)
    offset = moment.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if offset == dt.timedelta(0) else f"{text} {moment:%z}"


def _slug(status: str) -> str:
    return status.replace(" ", "-")


def _status_pill(status: str) -> _Span:
    return _Span(status, f"status {_slug(status)}")


# --------------------------------------------------------------------------- figures


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


def _render(figure: Figure, subject: Any) -> _Chart | None:
    """Draw ``figure`` to an inlined PNG, or a note when it fails."""
    if figure.needs is not None and getattr(subject, figure.needs, None) is None:
        return None
    from matplotlib.figure import Figure as MplFigure

    size = figure.size(subject) if callable(figure.size) else figure.size
    canvas = MplFigure(figsize=size)  # not registered with pyplot: nothing global changes
    try:
        figure.draw(subject, canvas)
        buffer = io.BytesIO()
        canvas.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    except Exception as exc:  # one chart that cannot be drawn must not sink the report
        return _Chart(figure.title, note=f"{figure.title}: the chart could not be drawn "
                      f"({type(exc).__name__}: {exc})")
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    scale = 96 / DPI
    return _Chart(figure.title, figure.caption,
                  "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                  str(round(width * scale)), str(round(height * scale)))


def _figures(figures: Sequence[Figure], subject: Any) -> list[_Chart]:
    return [c for c in (_render(f, subject) for f in figures) if c is not None]


def _mpl_text(text: str) -> str:
    """Text for a matplotlib label: ``$`` would start mathtext."""
    return text.replace("$", r"\$")


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
            summary.append(f"target {target.isoformat()}: {_percent(prob)} ({status_of(prob)})")
        if done.size < result.trials:
            summary.append(f"{1 - done.size / result.trials:.1%} not within horizon")
        ax.set_title(_mpl_text(name), loc="left", fontsize=9.5, fontweight="bold", pad=15)
        ax.text(0, 1.02, _mpl_text(", ".join(summary)), transform=ax.transAxes, fontsize=8.3,
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


# --------------------------------------------------------------------------- facts


@dataclass
class TeamFacts:
    """What a report knows about one team: its window, signals and backtest.

    Attributes
    ----------
    name : str
        The team's name (the history's source for a single question).
    history : History
        Its completed items.
    sample : Sample
        The window the forecast drew from.
    method : str
        The sampling method in use.
    wip : int or None
        Its WIP limit (None for a single question).
    check : CheckResult or None
        :func:`forecast.evaluation.signals.check` of the same window.
    backtest : BacktestResult or None
        :func:`forecast.evaluation.backtest.backtest` before the start, when it ran.
    problems : dict
        Why a section could not be made (``"check"``, ``"backtest"``).
    note : str
        What ``auto`` chose, when the method is auto.
    kept : BacktestResult or None
        The backtest the forecast's ``auto`` ran (its ``backtest``). The
        report shows it instead of running its own when the report's
        settings are the very ones it ran with
        (:meth:`~forecast.evaluation.backtest.BacktestResult.ran_with`); with
        other settings (by default: ``auto`` scores four windows at three
        horizons, the P85 only, without the recalibrated copy) the report runs
        its own, so that its table shows what its settings say.
    chosen : tuple of (str, int or None), optional
        What ``auto`` chose for a plan's team: its method and window (None:
        the window sampled, when ``auto`` fell back to its default).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> TeamFacts("api", h, h.sample(dt.date(2024, 6, 4), window=7), "daily").wip is None
    True
    """

    name: str
    history: History
    sample: Sample
    method: str
    wip: int | None = None
    check: CheckResult | None = None
    backtest: BacktestResult | None = None
    problems: dict[str, str] = field(default_factory=dict)
    note: str = ""
    kept: BacktestResult | None = None
    chosen: tuple[str, int | None] | None = None

    @property
    def window_days(self) -> int:
        """Calendar days in the window."""
        return (self.sample.last - self.sample.first).days + 1


def _gather(facts: TeamFacts, start: dt.date, options: Mapping[str, Any] | None, seed: Any,
            cache: dict[Any, Any]) -> None:
    """Run the check and (unless ``options`` is None) the backtest of one team.

    The backtest is ``facts.kept`` (the one ``auto`` ran) when it ran with
    the same history and settings; otherwise one per history and settings.
    """
    try:
        facts.check = check(facts.history, start=start, window=None, since=facts.sample.first)
    except ForecastError as exc:
        facts.problems["check"] = str(exc)
    if options is None:
        facts.problems["backtest"] = "not run (backtest=False)"
        return
    kwargs = {**REPORT_BACKTEST, **options}
    if "windows" not in options and 7 <= facts.window_days <= MAX_WINDOW:
        kwargs["windows"] = tuple(sorted({*kwargs["windows"], facts.window_days}))
    kwargs.setdefault("rng", seed)
    key = (id(facts.history), start, repr(sorted(kwargs.items())))
    if key not in cache and facts.kept is not None and "start" not in kwargs and \
            facts.kept.ran_with(facts.history, start=start, **kwargs):
        cache[key] = facts.kept  # what auto ran is what these settings would run
    if key not in cache:
        try:
            cache[key] = backtest(facts.history, start=start, **kwargs)
        except ForecastError as exc:
            cache[key] = str(exc)
    found = cache[key]
    if isinstance(found, str):
        facts.problems["backtest"] = found
    else:
        facts.backtest = found


def _backtest_options(value: bool | Mapping[str, Any]) -> Mapping[str, Any] | None:
    if value is True:
        return {}
    if value is False or value is None:
        return None
    if not isinstance(value, Mapping):
        from forecast.exceptions import ParameterError

        raise ParameterError(f"backtest = {value!r} must be True, False or a mapping of "
                             "keyword arguments for forecast.evaluation.backtest.backtest")
    return value


def _read_trend(record: Any) -> TrendResult | None:

    if record is None or isinstance(record, TrendResult):
        return record
    return trend(record)


# --------------------------------------------------------------------------- sections
#
# Each function computes one section's values (text, rows, charts) for its template in
# templates/report: headline.html.j2, figures.html.j2, trend.html.j2, signals.html.j2,
# calibration.html.j2 and inputs.html.j2.

_PLAN_READ = ("P85 is the date by which 85% of the simulated futures have the outcome done. "
              "Chance is the share of futures done on or before the target; status is on track "
              "at 85% or more, watch from 50%, at risk below. Items is the median simulated "
              "size.")


def _warnings(warnings: Sequence[str]) -> _Box | None:

    # lines that only say how a history was read are not warnings (the signals show them)
    warnings = [w for w in warnings if note_label(w) == "warning"]
    if not warnings:
        return None
    return _Box("Warning" if len(warnings) == 1 else f"Warnings ({len(warnings)})", warnings)


def _plan_headline(result: PlanResult) -> dict[str, Any]:
    doc = result.to_dict()
    joint = doc["joint"]
    levels = list(result.levels)
    header = ["Outcome", "Teams", "Items", *[f"P{p:g}" for p in levels], "Target",
              "Chance", "Status"]
    rows, classes = [], []
    for item in doc["outcomes"]:
        dates = [_Span(pc["date"] or "not within horizon", "p85" if pc["p"] == 85 else None)
                 for pc in item["percentiles"]]
        rows.append([item["name"], " + ".join(item["teams"]), item["items"], *dates,
                     item["target"] or "—", _percent(item["probability"]),
                     _status_pill(item["status"])])
        classes.append(_slug(item["status"]))
    table = _table(header, rows, numeric=[2, 4 + len(levels)], row_classes=classes,
                   id="outcomes", cls="headline")
    counts = {s: sum(o["status"] == s for o in doc["outcomes"])
              for s in ("on track", "watch", "at risk", "no target")}
    tally = _spaced(_Span(f"{n} {s}", f"status {_slug(s)}") for s, n in counts.items() if n)
    cards = []
    if joint["probability"] is not None:
        cards.append(_Card(_percent(joint["probability"], 1), [
            f"chance that all {joint['outcomes_with_target']} outcomes with a target meet "
            f"it (± {joint['se']:.1%}), read from the same trials",
            f"everything done by the latest target {joint['latest_target']}: "
            f"{_percent(joint['all_done_by_latest_target'], 1)}"], "joint"))
    cards.append(_Card(joint["all_done_p85"] or "not within horizon",
                       ["85% chance everything is done by then"]))
    cards.append(_Card(f"{len(doc['outcomes'])} outcomes", [tally]))
    return {"cards": cards, "table": table, "read": _PLAN_READ,
            "warnings": _warnings(result.warnings)}


def _question_headline(result: WhenForecast | HowManyForecast) -> dict[str, Any]:
    mc = result.draws is not None
    cards, rows = [], []
    levels = [pc for pc in result.percentiles()]
    if isinstance(result, WhenForecast):
        header = ["Chance", "Done on or before", "Working days"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", _Span(_date(pc.date), "p85" if pc.p == 85 else None),
                         "—" if pc.value is None else pc.value])
        p85 = result.percentile(85)
        cards.append(_Card(_date(p85.date), [f"85% chance that the {result.items:,} items are "
                           f"done by then (working day {p85.value or '—'})"]))
        if result.target is not None:
            prob = result.likelihood(result.target)
            status = status_of(prob)
            se = f" (± {result.likelihood_se(result.target):.1%})" if mc else ""
            cards.append(_Card(_percent(prob, 1), [[
                f"chance of being done on or before the target {result.target.isoformat()}"
                f"{se} ", _status_pill(status)]], _slug(status)))
        if result.not_within_horizon > 0:
            cards.append(_Card(_percent(result.not_within_horizon, 2), [
                f"not done within the horizon of {result.horizon} working days"]))
        futures = "simulated futures" if mc else "possible futures (computed exactly)"
        read = (f"\"85%\" = 85% of the {futures} are done on or before that date; "
                "working days count from day 1 "
                f"({result.day1:%a} {result.day1.isoformat()}).")
    else:
        header = ["Chance", "Items or more"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", _Span(str(pc.value), "p85" if pc.p == 85 else None)])
        p85 = result.percentile(85)
        cards.append(_Card(f"{p85.value} items", [f"85% chance of that many or more from "
                           f"{result.day1.isoformat()} to {result.end.isoformat()} "
                           f"({result.days} working days)"]))
        read = ("\"85%\" = an 85% chance of completing that many items or more by "
                f"{result.end.isoformat()}.")
    if mc:
        header += ["± se", "99% interval"]
        for row, pc in zip(rows, levels, strict=True):
            row += ["?" if math.isnan(pc.se) else f"{pc.se:.1f}",
                    f"{'…' if pc.low is None else pc.low}–{'…' if pc.high is None else pc.high}"]
    table = _table(header, rows, numeric=range(1, len(header)), id="percentiles",
                   row_classes=["p85" if pc.p == 85 else None for pc in levels],
                   cls="percentiles narrow")
    return {"cards": cards, "table": table, "read": read, "warnings": _warnings(result.warnings)}


def _trend_section(trend: TrendResult) -> dict[str, Any]:

    rows = []
    for name in trend.outcomes:
        records = trend.history(name)
        first, last = records[0], records[-1]
        moved = "—"
        if is_iso_date(first["p85"]) and is_iso_date(last["p85"]):
            days = (dt.date.fromisoformat(last["p85"]) - dt.date.fromisoformat(first["p85"])).days
            moved = f"{days:+d} days"
        elif first["p85"].isdigit() and last["p85"].isdigit():
            moved = f"{int(last['p85']) - int(first['p85']):+d} items"
        chance = "—"
        if first["probability"] and last["probability"]:
            chance = (f"{float(first['probability']):.0%} → {float(last['probability']):.0%}")
        slips = sum(s.outcome == name for s in trend.slips)
        rows.append([name, len(records), first["p85"] or "—", last["p85"] or "—", moved,
                     last["target"] or "—", chance,
                     _Span(f"{slips} slip{'s' if slips != 1 else ''}", "status at-risk")
                     if slips else "none"])
    table = _table(["Outcome", "Records", "First P85", "Latest P85", "Moved", "Target",
                    "Chance (first → latest)", f"Slips over {trend.threshold} days"], rows,
                   numeric=[1, 4], id="moves")
    return {"source": str(trend.source), "rows": str(len(trend.rows)), "table": table,
            "charts": _figures(TREND_FIGURES, trend), "warnings": _warnings(trend.warnings)}


def _signals(facts: TeamFacts) -> dict[str, Any]:
    s = facts.sample
    out: dict[str, Any] = {
        "first": s.first.isoformat(), "last": s.last.isoformat(), "source": str(s.source),
        "working_days": str(s.working_days), "done": str(s.items),
        "active_days": str(s.active_days), "mean": f"{s.mean:.2f}",
        "calendar": s.calendar.describe(), "problem": None}
    check = facts.check
    if check is None:
        out["problem"] = facts.problems.get("check", "not run")
        return out
    q = check.quality
    outliers = ", ".join(f"{d.isoformat()} ({c})" for d, c in q.outlier_days[:5]) or "none"
    changes: _Inline = "none detected"
    if check.changes:
        changes = [_Bullets([str(c) for c in check.changes]), "To sample only the current "
                   f"regime: since {check.changes[-1].date.isoformat()}."]
    cycle = ("not measured (needs a start column)" if check.cycle_p85 is None else
             f"{check.cycle_p85:.0f} days; {_plural(len(check.aging), 'item')} in progress "
             f"{'is' if len(check.aging) == 1 else 'are'} older")
    out["table"] = _table(["Signal", "Value"], [
        ["Active days (working days with a completion)", f"{q.active_days} of {q.working_days}"],
        ["Longest run without a completion", _plural(q.longest_zero_streak, "working day")],
        ["Halves of the window", f"{q.halves[0]:.2f} then {q.halves[1]:.2f} items a day"],
        ["Outlier days", outliers],
        ["Changes in weekly throughput (whole history)", changes],
        ["85th percentile cycle time", cycle],
    ], cls="kv")
    out["aging"] = None
    if check.aging:
        shown = check.aging[:MAX_AGING_ROWS]
        out["aging"] = {
            "cycle": f"{check.cycle_p85:.0f}", "more": len(check.aging) > len(shown),
            "shown": str(len(shown)), "total": str(len(check.aging)),
            "table": _table(["Item", "Started", "Age (days)"],
                            [[a.id, a.started.isoformat(), a.age_days] for a in shown],
                            numeric=[2], cls="narrow")}
    out["charts"] = _figures(SIGNAL_FIGURES, facts)
    out["clean"] = not check.warnings
    out["warnings"] = _warnings(check.warnings)
    return out


def _calibration(facts: TeamFacts) -> dict[str, Any]:

    current = (facts.method, facts.window_days)
    in_use = f"{facts.method}, {facts.window_days}-day window"
    if facts.method == "auto" and facts.chosen:  # a plan's team: what auto chose
        method, window = facts.chosen
        current = (method, facts.window_days if window is None else window)
        in_use = f"auto, which chose {current[0]} with a {current[1]}-day window"
    bt = facts.backtest
    if bt is None:
        return {"in_use": in_use, "problem": facts.problems.get("backtest", "not run")}
    best = bt.best
    header = ["#", "Configuration", "Relative CRPS"]
    groups: list[tuple[str, int]] = [("", 3)]
    for h in bt.horizons:
        header += ["85% “N or more” held", "85% “at most” held", "CRPS"]
        groups.append((f"How many in {h} working days", 3))
    if bt.batch:
        header.append("done by P85 held")
        groups.append((f"When {bt.batch} items", 1))
    rows, classes = [], []
    for rank, (method, window, value) in enumerate(bt.ranking(), 1):
        tags = [label for label, config in (("in use", current), ("best", best),
                                             ("standard", STANDARD))
                if config == (method, window)]
        row: list[Any] = [rank, _spaced([f"{method} {window}d", *(_Span(t, "tag") for t in tags)]),
                          f"{value:.3f}"]
        for h in bt.horizons:
            try:
                s = bt.score(method, window, h)
                row += [_percent(s.at_least.get(85)), _percent(s.at_most.get(85)),
                        f"{s.crps:.2f}"]
            except ForecastError:
                row += ["—", "—", "—"]
        if bt.batch:
            try:
                s = bt.score(method, window, bt.batch, "when")
                row.append(_percent(s.at_least.get(85)))
            except ForecastError:
                row.append("—")
        rows.append(row)
        classes.append("current" if "in use" in tags else None)
    return {"in_use": in_use, "problem": None, "origins": str(len(bt.origins)),
            "first": bt.origins[0].isoformat(), "last": bt.origins[-1].isoformat(),
            "best": (best[0], str(best[1])), "standard": (STANDARD[0], str(STANDARD[1])),
            "note": facts.note,
            "table": _table(header, rows, numeric=range(2, len(header)), row_classes=classes,
                            groups=groups, cls="calibration"),
            "charts": _figures(CALIBRATION_FIGURES, facts), "warnings": _warnings(bt.notes)}


def _teams(teams: Sequence[TeamFacts]) -> list[dict[str, Any]]:
    return [{"name": t.name, "signals": _signals(t), "calibration": _calibration(t)}
            for t in teams]


def _versions() -> list[list[Any]]:

    rows: list[list[Any]] = [["forecast", __version__], ["Python", platform.python_version()]]
    for package in ("numpy", "numba", "pandas", "matplotlib"):
        try:
            rows.append([package, metadata.version(package)])
        except metadata.PackageNotFoundError:
            continue
    return rows


def _run_rows(now: dt.datetime, began: float, backtest: Mapping[str, Any] | None,
              trend: TrendResult | None) -> _Table:
    rows: list[list[Any]] = [["Report generated", _when(now, "seconds")]]
    rows.append(["Report built in", f"{time.perf_counter() - began:.1f} s"])
    if backtest is None:
        rows.append(["Backtest", "not run"])
    else:
        settings = {**REPORT_BACKTEST, **backtest}
        rows.append(["Backtest", ", ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, (tuple, list)) else v}"
            for k, v in settings.items()) + "; each team's own window is scored too"])
    if trend is not None:
        rows.append(["Record file", trend.source])
    return _table(["", ""], rows + _versions(), cls="kv")


def _size_text(size: Any) -> str:
    if size.from_history:
        return "from history"
    return str(size.low) if size.low == size.high else f"{size.low}–{size.high}"


def _plan_inputs(result: PlanResult, teams: Sequence[TeamFacts], run: _Table) -> dict[str, Any]:
    portfolio = result.portfolio
    levels = ",".join(f"{p:g}" for p in result.levels)
    settings = _table(["Setting", "Value"], [
        ["Portfolio", portfolio.source],
        ["Start", result.start.isoformat()],
        ["Trials", f"{result.trials:,}"],
        ["Seed", result.seed],
        ["Percentiles", levels],
        ["Horizon", f"{result.horizon:,} calendar days"],
    ], cls="kv")
    team_rows = []
    for facts, team in zip(teams, portfolio.teams, strict=True):
        s = facts.sample
        capacity = "; ".join(f"{c.first.isoformat()} .. {c.last.isoformat()} × {c.factor:g}"
                             for c in team.capacity) or "—"
        window = (f"since {team.since.isoformat()}" if team.since is not None
                  else f"{facts.window_days} days")
        team_rows.append([team.name, s.source, f"{window}: {s.first.isoformat()} .. "
                          f"{s.last.isoformat()}", s.working_days, s.items,
                          s.calendar.describe(), team.method, team.wip, capacity])
    outcome_rows: list[list[Any]] = []
    for o in sorted(portfolio.outcomes, key=lambda o: o.priority):
        sizes = "; ".join(f"{p.team}: {_size_text(p.size)}" for p in o.parts)
        split = f"× {o.split[0]:g}–{o.split[1]:g}" if o.split else "—"
        outcome_rows.append([o.name, o.priority, sizes, split, ", ".join(o.depends_on) or "—",
                             _date(o.target, "—")])
    risk_rows = []
    for r in portfolio.risks:
        impact = (f"{r.delay_days} working days' delay" if r.delay_days is not None else
                  f"{r.items[0]}–{r.items[1]} more items" if r.items else "—")
        risk_rows.append([r.name, r.outcome, _percent(r.probability), impact])
    command = None
    if str(portfolio.source).lower().endswith(".toml"):
        command = (f"forecast plan {portfolio.source} --start {result.start.isoformat()} "
                   f"--trials {result.trials} --seed {result.seed} --percentiles {levels}")
    return {
        "settings": settings, "command": command, "run": run,
        "teams": _table(["Team", "History file", "Window", "Working days", "Items", "Calendar",
                         "Method", "WIP", "Capacity"], team_rows, numeric=[3, 4, 7]),
        "outcomes": _table(["Outcome", "Priority", "Items per team", "Scope growth",
                            "Depends on", "Target"], outcome_rows, numeric=[1]),
        "risks": _table(["Risk", "Outcome", "Probability", "Impact"], risk_rows, numeric=[2])
        if risk_rows else None}


def _question_inputs(result: WhenForecast | HowManyForecast, facts: TeamFacts,
                     run: _Table) -> dict[str, Any]:

    s = result.sample
    if isinstance(result, WhenForecast):
        question = [["Question", f"When will {result.items:,} items be done?"],
                    ["Target", _date(result.target, "—")]]
        horizon = f"{result.horizon:,} working days"
    else:
        question = [["Question", f"How many items in {result.days} working days?"],
                    ["Through", result.end.isoformat()]]
        horizon = "—"
    engine = result.engine_text()
    rows: list[list[Any]] = [
            *question,
            ["Start", f"{result.start.isoformat()} (day 1 = {result.day1:%a} "
                      f"{result.day1.isoformat()})"],
            ["History file", s.source],
            ["Done dates", f"column {s.done_column!r}, read as {s.date_format or 'dates'}"],
            ["Window", f"{s.first.isoformat()} .. {s.last.isoformat()} ({facts.window_days} "
                       f"days, {s.working_days} working days, {s.items} items)"],
            ["Calendar", s.calendar.describe()],
            ["Engine", engine],
            ["Method", result.method],
            ["Trials", "— (exact)" if result.trials is None or result.draws is None
             else f"{result.trials:,}"],
            ["Seed", "—" if result.draws is None else result.seed],
            ["Percentiles", ",".join(f"{p:g}" for p in result.levels)],
            ["Horizon", horizon]]
    return {"settings": _table(["Setting", "Value"], rows, cls="kv"), "teams": None,
            "outcomes": None, "risks": None, "command": None, "run": run}


_LINKS = [("headline", "Headline"), ("charts", "Charts"), ("trend", "What moved"),
          ("signals", "Signals"), ("calibration", "Calibration"), ("inputs", "Inputs")]


def _page(title: str, subtitle: str, **sections: Any) -> str:
    """Render report.html.j2: the page around the sections (one value of each)."""
    nav = [(a, text) for a, text in _LINKS if a != "trend" or sections["trend"] is not None]
    return _environment().get_template("report.html.j2").render(
        title=title, subtitle=subtitle, version=__version__, nav=nav, **sections)


# --------------------------------------------------------------------------- public API


def plan_report(
    result: PlanResult,
    *,
    backtest: bool | Mapping[str, Any] = True,
    record: str | os.PathLike[str] | TrendResult | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build a self-contained HTML report of a portfolio plan.

    Sections, in order: the headline (each outcome's percentile dates with
    P85 in bold, target, chance and status, the joint chance that every
    target is met and the date everything is done with 85% chance, the
    plan's warnings), the charts (:data:`PLAN_FIGURES`: the portfolio and
    each outcome's completion dates), what moved (with ``record``), the
    signals of each team's window (:func:`forecast.evaluation.signals.check`), each
    team's backtest (:func:`forecast.evaluation.backtest.backtest` before the start:
    the calibration table, the configuration in use and the best one) and
    the inputs (teams, history files and windows, outcomes, risks, seed,
    trials, versions, time) that reproduce it.

    Parameters
    ----------
    result : PlanResult
        From :func:`forecast.plan`.
    backtest : bool or mapping
        Run each team's backtest with :data:`REPORT_BACKTEST` (True, the
        default), with those settings updated by a mapping of keyword
        arguments for :func:`forecast.evaluation.backtest.backtest`, or not at all
        (False). Teams that share a history are backtested once.
    record : path or TrendResult, optional
        A record file (see :func:`forecast.record`): adds how each outcome's
        P85 date and chance moved between records.
    title : str, optional
        The page's title (default: "Delivery forecast: " and the portfolio's
        source).
    now : datetime, optional
        The time the report states it was made (default: now, UTC).

    Returns
    -------
    str
        The whole HTML document: no script, nothing fetched, charts inlined.

    Raises
    ------
    ForecastError
        When ``record`` cannot be read (before anything else is done).

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> login = Outcome("Login <v2>", (Part("api", Size(9, 9)),), target=dt.date(2024, 6, 14))
    >>> p = Portfolio((Team("api", h),), (login,))
    >>> page = plan_report(forecast.plan(p, start="2024-06-05", trials=200), backtest=False)
    >>> page.startswith("<!DOCTYPE html>"), "Login &lt;v2&gt;" in page, "<script" in page
    (True, True, False)
    """
    began = time.perf_counter()
    trend = _read_trend(record)
    options = _backtest_options(backtest)
    cache: dict[Any, Any] = {}
    teams = []
    kept = result.backtests or (None,) * len(result.samples)
    choices = result.auto or (None,) * len(result.samples)
    for team, sample, ran, choice in zip(result.portfolio.teams, result.samples, kept, choices,
                                         strict=True):
        chosen = None
        if choice is not None:  # what auto chose: its recommendation, or the fallback's method
            chosen = choice.result.best if choice.result is not None else (choice.method, None)
        facts = TeamFacts(team.name, team.history, sample, team.method, team.wip,
                          note=str(choice.note) if choice is not None else "", kept=ran,
                          chosen=chosen)
        _gather(facts, result.start, options, result.seed, cache)
        teams.append(facts)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    headline, charts = _plan_headline(result), _figures(PLAN_FIGURES, result)
    moved = None if trend is None else _trend_section(trend)
    shown = _teams(teams)
    inputs = _plan_inputs(result, teams, _run_rows(stamp, began, options, trend))
    names = len(result.names)
    subtitle = (f"Start {result.start.isoformat()} · {names} outcome{'s' if names != 1 else ''}"
                f" · {len(teams)} team{'s' if len(teams) != 1 else ''} · Monte Carlo, "
                f"{result.trials:,} trials, seed {result.seed} · made {_when(stamp)}")
    return _page(title or f"Delivery forecast: {result.portfolio.source}", subtitle,
                 headline=headline, charts=charts, trend=moved, teams=shown, single=False,
                 inputs=inputs)


def question_report(
    result: WhenForecast | HowManyForecast,
    history: History | str | os.PathLike[str],
    *,
    backtest: bool | Mapping[str, Any] = True,
    record: str | os.PathLike[str] | TrendResult | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build a self-contained HTML report of one question (When or How many).

    The same sections as :func:`plan_report`, for one team: the headline
    (the percentiles, P85 in bold, and the chance of meeting the target),
    the forecast's chart (:data:`QUESTION_FIGURES`), what moved (with
    ``record``), the signals of the window, the backtest before the start,
    and the inputs.

    Parameters
    ----------
    result : WhenForecast or HowManyForecast
        From :func:`forecast.when` or :func:`forecast.how_many`.
    history : History or path
        The history the result was computed from (for the signals and the
        backtest; the result keeps only its window).
    backtest, record, title, now
        As for :func:`plan_report`.

    Returns
    -------
    str
        The whole HTML document.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> f = forecast.when(h, 10, start="2024-06-05", target="2024-06-14")
    >>> page = question_report(f, h, backtest=False)
    >>> f.percentile(85).date.isoformat() in page, f"{f.likelihood('2024-06-14'):.1%}" in page
    (True, True)
    """
    began = time.perf_counter()
    trend = _read_trend(record)
    options = _backtest_options(backtest)
    hist = as_history(history)
    sample = result.sample
    auto = next((w for w in sample.warnings
                 if isinstance(w, Note) and w.code in ("auto-chose", "auto-fell-back")), "")
    facts = TeamFacts(sample.source, hist, sample, result.method, note=auto,
                      kept=result.backtest)
    _gather(facts, result.start, options, result.seed, {})
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    headline, charts = _question_headline(result), _figures(QUESTION_FIGURES, result)
    moved = None if trend is None else _trend_section(trend)
    shown = _teams([facts])
    inputs = _question_inputs(result, facts, _run_rows(stamp, began, options, trend))

    if isinstance(result, WhenForecast):
        what = f"When will {result.items:,} items be done?"
    else:
        what = f"How many items by {result.end.isoformat()}?"
    subtitle = (f"{what} · start {result.start.isoformat()} · {result.engine_text()} · made "
                f"{_when(stamp)}")
    return _page(title or f"Delivery forecast: {sample.source}", subtitle, headline=headline,
                 charts=charts, trend=moved, teams=shown, single=True, inputs=inputs)


def write_report(
    text: str,
    path: str | os.PathLike[str],
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write a report atomically (a temporary file, then a rename).

    Parameters
    ----------
    text : str
        From :func:`plan_report` or :func:`question_report`.
    path : path
        The HTML file to write.
    protect : iterable of paths
        Input files that must never be overwritten (see
        :func:`forecast.io.output.write_atomic`).

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> write_report("<!DOCTYPE html>\\n<title>x</title>\\n", target).name
    'report.html'
    """
    return write_atomic(path, text, protect=protect)
