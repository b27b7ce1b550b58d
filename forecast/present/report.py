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
as a second fence behind the escaping: every piece of user text (outcome,
team, risk and file names, notes, warnings) goes through :func:`html.escape`
by construction, since the only way this module writes markup is
:func:`_tag`, which escapes every child and attribute value that is not
already markup.

Charts are listed in :data:`PLAN_FIGURES`, :data:`QUESTION_FIGURES`,
:data:`SIGNAL_FIGURES`, :data:`CALIBRATION_FIGURES` and
:data:`TREND_FIGURES`; adding a chart is one :class:`Figure` line there.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
import os
import platform
import re
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.exceptions import ForecastError
from forecast.present import plot
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


class Html(str):
    """Text that is already markup: inserted as is, where any other value is escaped.

    Examples
    --------
    >>> _tag("td", "<b>", Html("<i>ok</i>"))
    '<td>&lt;b&gt;<i>ok</i></td>'
    """

    __slots__ = ()


_VOID = {"img", "meta", "br", "col", "hr"}


def _text(value: Any) -> str:
    return value if isinstance(value, Html) else html.escape(str(value), quote=True)


def _tag(name: str, /, *children: Any, **attrs: Any) -> Html:
    """Build one element; every child and attribute value that is not Html is escaped.

    Attribute names are written by this module (``class_`` gives ``class``,
    ``data_x`` gives ``data-x``); a value of None or False leaves the
    attribute out.
    """
    written = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{html.escape(str(value), quote=True)}"'
        for key, value in attrs.items() if value is not None and value is not False
    )
    if name in _VOID:
        return Html(f"<{name}{written}>")
    inner = "".join(_text(c) for c in children if c is not None)
    return Html(f"<{name}{written}>{inner}</{name}>")


def _join(parts: Iterable[Any], sep: str = "") -> Html:
    return Html(_text(sep).join(_text(p) for p in parts if p is not None))


def _table(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, numeric: Iterable[int] = (),
           row_classes: Sequence[str | None] | None = None,
           groups: Sequence[tuple[str, int]] = (), **attrs: Any) -> Html:
    """Build a table; ``groups`` adds a header row above: (label, columns spanned)."""
    right = set(numeric)
    above = _tag("tr", *(_tag("th", label, colspan=span if span > 1 else None,
                              class_="group" if label else None, scope="colgroup")
                         for label, span in groups)) if groups else None
    head = _tag("thead", above, _tag("tr", *(
        _tag("th", h, class_="num" if i in right else None, scope="col")
        for i, h in enumerate(header))))
    body = []
    for r, row in enumerate(rows):
        cls = row_classes[r] if row_classes is not None else None
        body.append(_tag("tr", *(_tag("td", c, class_="num" if i in right else None)
                                 for i, c in enumerate(row)), class_=cls))
    return _tag("table", head, _tag("tbody", *body), **attrs)


def _list(items: Iterable[Any], **attrs: Any) -> Html:
    return _tag("ul", *(_tag("li", i) for i in items), **attrs)


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


def _status_pill(status: str) -> Html:
    return _tag("span", status, class_=f"status {_slug(status)}")


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


def _render(figure: Figure, subject: Any) -> Html | None:
    """Draw ``figure`` to an inlined PNG inside <figure>, or a note when it fails."""
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
        return _tag("p", f"{figure.title}: the chart could not be drawn ({type(exc).__name__}: "
                    f"{exc})", class_="note")
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    scale = 96 / DPI
    image = _tag("img", src="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                 alt=figure.title, width=round(width * scale), height=round(height * scale))
    return _tag("figure", image, _tag("figcaption", _tag("b", figure.title), ". ",
                                      figure.caption))


def _figures(figures: Sequence[Figure], subject: Any) -> Html:
    return _join(_render(f, subject) for f in figures)


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

    from forecast.results.plan import status_of

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
    from forecast.results.forecast import WhenForecast

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
    from forecast.core.history import MAX_WINDOW
    from forecast.evaluation.backtest import backtest
    from forecast.evaluation.signals import check

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
    from forecast.io.records import TrendResult, trend

    if record is None or isinstance(record, TrendResult):
        return record
    return trend(record)


# --------------------------------------------------------------------------- sections


def _section(anchor: str, title: str, *content: Any) -> Html:
    return _tag("section", _tag("h2", title), *content, id=anchor)


def _card(big: str, text: Any, cls: str | None = None) -> Html:
    return _tag("div", _tag("div", big, class_="big"), _tag("div", text, class_="small"),
                class_=f"card {cls}" if cls else "card")


def _warnings(warnings: Sequence[str]) -> Html | None:
    from forecast.notes import note_label

    # lines that only say how a history was read are not warnings (the signals show them)
    warnings = [w for w in warnings if note_label(w) == "warning"]
    if not warnings:
        return None
    label = "Warning" if len(warnings) == 1 else f"Warnings ({len(warnings)})"
    return _tag("div", _tag("b", label), _list(warnings), class_="box warn")


def _plan_headline(result: PlanResult) -> Html:
    doc = result.to_dict()
    joint = doc["joint"]
    levels = list(result.levels)
    header = ["Outcome", "Teams", "Items", *[f"P{p:g}" for p in levels], "Target",
              "Chance", "Status"]
    rows, classes = [], []
    for item in doc["outcomes"]:
        dates = [Html(_tag("span", pc["date"] or "not within horizon",
                           class_="p85" if pc["p"] == 85 else None))
                 for pc in item["percentiles"]]
        rows.append([item["name"], " + ".join(item["teams"]), item["items"], *dates,
                     item["target"] or "—", _percent(item["probability"]),
                     _status_pill(item["status"])])
        classes.append(_slug(item["status"]))
    width = len(levels)
    table = _table(header, rows, numeric=[2, 4 + width], row_classes=classes, id="outcomes",
                   class_="headline")
    counts = {s: sum(o["status"] == s for o in doc["outcomes"])
              for s in ("on track", "watch", "at risk", "no target")}
    tally = _join((_tag("span", f"{n} {s}", class_=f"status {_slug(s)}")
                   for s, n in counts.items() if n), " ")
    cards = []
    if joint["probability"] is not None:
        cards.append(_card(_percent(joint["probability"], 1), _join([
            f"chance that all {joint['outcomes_with_target']} outcomes with a target meet "
            f"it (± {joint['se']:.1%}), read from the same trials", Html("<br>"),
            f"everything done by the latest target {joint['latest_target']}: "
            f"{_percent(joint['all_done_by_latest_target'], 1)}"]), "joint"))
    cards.append(_card(joint["all_done_p85"] or "not within horizon",
                       "85% chance everything is done by then"))
    cards.append(_card(f"{len(doc['outcomes'])} outcomes", tally))
    read = _tag("p", "P85 is the date by which 85% of the simulated futures have the outcome "
                "done. Chance is the share of futures done on or before the target; status is "
                "on track at 85% or more, watch from 50%, at risk below. Items is the median "
                "simulated size.", class_="read")
    return _section("headline", "Headline", _tag("div", *cards, class_="cards"), table, read,
                    _warnings(result.warnings))


def _question_headline(result: WhenForecast | HowManyForecast) -> Html:
    from forecast.results.forecast import WhenForecast
    from forecast.results.plan import status_of

    mc = result.draws is not None
    cards, rows = [], []
    levels = [pc for pc in result.percentiles()]
    if isinstance(result, WhenForecast):
        header = ["Chance", "Done on or before", "Working days"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", Html(_tag("span", _date(pc.date),
                                                   class_="p85" if pc.p == 85 else None)),
                         "—" if pc.value is None else pc.value])
        p85 = result.percentile(85)
        cards.append(_card(_date(p85.date), f"85% chance that the {result.items:,} items are "
                           f"done by then (working day {p85.value or '—'})"))
        if result.target is not None:
            prob = result.likelihood(result.target)
            status = status_of(prob)
            se = f" (± {result.likelihood_se(result.target):.1%})" if mc else ""
            cards.append(_card(_percent(prob, 1), _join([
                f"chance of being done on or before the target {result.target.isoformat()}"
                f"{se} ", _status_pill(status)]), _slug(status)))
        if result.not_within_horizon > 0:
            cards.append(_card(_percent(result.not_within_horizon, 2),
                               f"not done within the horizon of {result.horizon} working days"))
        futures = "simulated futures" if mc else "possible futures (computed exactly)"
        read = (f"\"85%\" = 85% of the {futures} are done on or before that date; "
                "working days count from day 1 "
                f"({result.day1:%a} {result.day1.isoformat()}).")
    else:
        header = ["Chance", "Items or more"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", Html(_tag("span", pc.value,
                                                   class_="p85" if pc.p == 85 else None))])
        p85 = result.percentile(85)
        cards.append(_card(f"{p85.value} items", f"85% chance of that many or more from "
                           f"{result.day1.isoformat()} to {result.end.isoformat()} "
                           f"({result.days} working days)"))
        read = ("\"85%\" = an 85% chance of completing that many items or more by "
                f"{result.end.isoformat()}.")
    if mc:
        header += ["± se", "99% interval"]
        for row, pc in zip(rows, levels, strict=True):
            row += ["?" if math.isnan(pc.se) else f"{pc.se:.1f}",
                    f"{'…' if pc.low is None else pc.low}–{'…' if pc.high is None else pc.high}"]
    table = _table(header, rows, numeric=range(1, len(header)), id="percentiles",
                   row_classes=["p85" if pc.p == 85 else None for pc in levels],
                   class_="percentiles narrow")
    return _section("headline", "Headline", _tag("div", *cards, class_="cards"), table,
                    _tag("p", read, class_="read"), _warnings(result.warnings))


def _trend_section(trend: TrendResult) -> Html:
    from forecast.io.records import is_iso_date

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
                     Html(_tag("span", f"{slips} slip{'s' if slips != 1 else ''}",
                               class_="status at-risk")) if slips else "none"])
    table = _table(["Outcome", "Records", "First P85", "Latest P85", "Moved", "Target",
                    "Chance (first → latest)", f"Slips over {trend.threshold} days"], rows,
                   numeric=[1, 4], id="moves")
    intro = _tag("p", f"From the record file {trend.source}: {len(trend.rows)} rows.")
    return _section("trend", "What moved", intro, table, _figures(TREND_FIGURES, trend),
                    _warnings(trend.warnings))


def _team_heading(facts: TeamFacts, single: bool) -> Html:
    return _tag("h3", facts.name if single else _join(["Team ", facts.name]))


def _signals(facts: TeamFacts, single: bool) -> Html:
    s = facts.sample
    parts: list[Any] = [_team_heading(facts, single)]
    parts.append(_tag("p", f"Window {s.first.isoformat()} .. {s.last.isoformat()} of "
                      f"{s.source}: {s.working_days} working days, {s.items} items, "
                      f"{s.active_days} active days ({s.mean:.2f} a day), calendar "
                      f"{s.calendar.describe()}."))
    check = facts.check
    if check is None:
        parts.append(_tag("p", f"No signals: {facts.problems.get('check', 'not run')}",
                          class_="note"))
        return _tag("div", *parts, class_="team")
    q = check.quality
    outliers = ", ".join(f"{d.isoformat()} ({c})" for d, c in q.outlier_days[:5]) or "none"
    if check.changes:
        changes: Any = _join([_list(str(c) for c in check.changes),
                              f"To sample only the current regime: since "
                              f"{check.changes[-1].date.isoformat()}."])
    else:
        changes = "none detected"
    cycle = ("not measured (needs a start column)" if check.cycle_p85 is None else
             f"{check.cycle_p85:.0f} days; {_plural(len(check.aging), 'item')} in progress "
             f"{'is' if len(check.aging) == 1 else 'are'} older")
    rows = [
        ["Active days (working days with a completion)", f"{q.active_days} of {q.working_days}"],
        ["Longest run without a completion", _plural(q.longest_zero_streak, "working day")],
        ["Halves of the window", f"{q.halves[0]:.2f} then {q.halves[1]:.2f} items a day"],
        ["Outlier days", outliers],
        ["Changes in weekly throughput (whole history)", changes],
        ["85th percentile cycle time", cycle],
    ]
    parts.append(_table(["Signal", "Value"], rows, class_="kv"))
    if check.aging:
        shown = check.aging[:MAX_AGING_ROWS]
        more = len(check.aging) - len(shown)
        parts.append(_tag("p", _tag("b", "Aging work in progress"),
                          f" (started, not done, older than {check.cycle_p85:.0f} days"
                          + (f"; the {len(shown)} oldest of {len(check.aging)}" if more else "")
                          + ")"))
        parts.append(_table(["Item", "Started", "Age (days)"],
                            [[a.id, a.started.isoformat(), a.age_days] for a in shown],
                            numeric=[2], class_="narrow"))
    parts.append(_figures(SIGNAL_FIGURES, facts))
    if check.warnings:
        parts.append(_warnings(check.warnings))
    else:
        parts.append(_tag("p", _tag("span", "no warnings", class_="status on-track")))
    return _tag("div", *parts, class_="team")


def _calibration(facts: TeamFacts, single: bool) -> Html:
    from forecast.evaluation.backtest import STANDARD

    parts: list[Any] = [_team_heading(facts, single)]
    current = (facts.method, facts.window_days)
    in_use = f"{facts.method}, {facts.window_days}-day window"
    chosen = re.match(r"method auto (?:chose (\w+) with a (\d+)-day window|fell back to (\w+))",
                      facts.note)
    if facts.method == "auto" and chosen:  # a plan's team says what auto chose in a note
        method, window, fallback = chosen.groups()
        current = (fallback, facts.window_days) if fallback else (method, int(window))
        in_use = f"auto, which chose {current[0]} with a {current[1]}-day window"
    bt = facts.backtest
    if bt is None:
        parts.append(_tag("p", f"Method in use: {in_use}. No backtest: "
                          f"{facts.problems.get('backtest', 'not run')}", class_="note"))
        return _tag("div", *parts, class_="team")
    best = bt.best
    parts.append(_tag("p", f"{len(bt.origins)} weekly origins from {bt.origins[0].isoformat()} "
                      f"to {bt.origins[-1].isoformat()}; each forecast used only the data before "
                      f"its origin. ", _tag("b", f"In use: {in_use}. "),
                      f"Recommended: {best[0]}, {best[1]}-day window. "
                      f"Standard: {STANDARD[0]}, {STANDARD[1]}-day window. ",
                      facts.note or None))
    header: list[Any] = ["#", "Configuration", "Relative CRPS"]
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
        name = _join([f"{method} {window}d",
                      *(Html(" " + _tag("span", t, class_="tag")) for t in tags)])
        row: list[Any] = [rank, name, f"{value:.3f}"]
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
    parts.append(_table(header, rows, numeric=range(2, len(header)), row_classes=classes,
                        groups=groups, class_="calibration"))
    parts.append(_tag("p", "Held: the share of origins where the statement came true; a "
                      "calibrated 85% holds about 85% of the time in both directions. "
                      "Relative CRPS: the forecast's error against what happened, relative "
                      "to the mean of all configurations (lower is better).", class_="read"))
    parts.append(_figures(CALIBRATION_FIGURES, facts))
    parts.append(_warnings(bt.notes))
    return _tag("div", *parts, class_="team")


def _versions() -> list[list[Any]]:
    from forecast import __version__

    rows: list[list[Any]] = [["forecast", __version__], ["Python", platform.python_version()]]
    for package in ("numpy", "numba", "pandas", "matplotlib"):
        try:
            rows.append([package, metadata.version(package)])
        except metadata.PackageNotFoundError:
            continue
    return rows


def _run_rows(now: dt.datetime, began: float, backtest: Mapping[str, Any] | None,
              trend: TrendResult | None) -> list[list[Any]]:
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
    return rows + _versions()


def _size_text(size: Any) -> str:
    if size.from_history:
        return "from history"
    return str(size.low) if size.low == size.high else f"{size.low}–{size.high}"


def _plan_inputs(result: PlanResult, teams: Sequence[TeamFacts], now: dt.datetime,
                 began: float, backtest: Mapping[str, Any] | None,
                 trend: TrendResult | None) -> Html:
    portfolio = result.portfolio
    levels = ",".join(f"{p:g}" for p in result.levels)
    settings = _table(["Setting", "Value"], [
        ["Portfolio", portfolio.source],
        ["Start", result.start.isoformat()],
        ["Trials", f"{result.trials:,}"],
        ["Seed", result.seed],
        ["Percentiles", levels],
        ["Horizon", f"{result.horizon:,} calendar days"],
    ], class_="kv")
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
    teams_table = _table(["Team", "History file", "Window", "Working days", "Items",
                          "Calendar", "Method", "WIP", "Capacity"], team_rows, numeric=[3, 4, 7])
    outcome_rows: list[list[Any]] = []
    for o in sorted(portfolio.outcomes, key=lambda o: o.priority):
        sizes = "; ".join(f"{p.team}: {_size_text(p.size)}" for p in o.parts)
        split = f"× {o.split[0]:g}–{o.split[1]:g}" if o.split else "—"
        outcome_rows.append([o.name, o.priority, sizes, split, ", ".join(o.depends_on) or "—",
                             _date(o.target, "—")])
    outcomes_table = _table(["Outcome", "Priority", "Items per team", "Scope growth",
                             "Depends on", "Target"], outcome_rows, numeric=[1])
    parts: list[Any] = [settings, _tag("h3", "Teams"), teams_table, _tag("h3", "Outcomes"),
                        outcomes_table]
    if portfolio.risks:
        risk_rows = []
        for r in portfolio.risks:
            impact = (f"{r.delay_days} working days' delay" if r.delay_days is not None else
                      f"{r.items[0]}–{r.items[1]} more items" if r.items else "—")
            risk_rows.append([r.name, r.outcome, _percent(r.probability), impact])
        parts += [_tag("h3", "Risks"), _table(["Risk", "Outcome", "Probability", "Impact"],
                                              risk_rows, numeric=[2])]
    if str(portfolio.source).lower().endswith(".toml"):
        command = (f"forecast plan {portfolio.source} --start {result.start.isoformat()} "
                   f"--trials {result.trials} --seed {result.seed} --percentiles {levels}")
        parts += [_tag("p", "Reproduce the plan with:"), _tag("pre", _tag("code", command))]
    parts += [_tag("h3", "Run"), _table(["", ""], _run_rows(now, began, backtest, trend),
                                        class_="kv")]
    return _section("inputs", "Inputs", *parts)


def _question_inputs(result: WhenForecast | HowManyForecast, facts: TeamFacts,
                     now: dt.datetime, began: float, backtest: Mapping[str, Any] | None,
                     trend: TrendResult | None) -> Html:
    from forecast.results.forecast import WhenForecast

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
    return _section("inputs", "Inputs", _table(["Setting", "Value"], rows, class_="kv"),
                    _tag("h3", "Run"),
                    _table(["", ""], _run_rows(now, began, backtest, trend), class_="kv"))


_CSS = """
:root { --line: #d0d7de; --soft: #f6f8fa; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1f2328; background: #fff; max-width: 1180px; margin: 0 auto;
       padding: 20px 32px 48px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 12px 0 4px; padding: 6px 0; border-top: 1px solid var(--line);
      border-bottom: 1px solid var(--line); font-size: 14px; }
nav a { color: #0550ae; text-decoration: none; margin-right: 18px; }
h2 { font-size: 20px; margin: 30px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #1f2328; }
h3 { font-size: 16px; margin: 22px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px;
        font-variant-numeric: tabular-nums; font-size: 14px; }
th, td { padding: 6px 9px; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { background: var(--soft); font-weight: 600; font-size: 13px; }
th.group { text-align: center; border-bottom: 2px solid #8c959f; }
td ul { margin: 0 0 4px; padding-left: 18px; }
table.calibration td:nth-child(2) { white-space: nowrap; }
.num { text-align: right; }
table.narrow { width: auto; min-width: 40%; }
table.kv { width: auto; }
table.kv td:first-child { color: var(--muted); padding-right: 24px; }
table.kv thead { display: none; }
table.headline td { padding: 8px 9px; }
table.headline td:nth-child(n+3), table.headline th:nth-child(n+3) { white-space: nowrap; }
table.headline td:first-child { font-weight: 600; border-left: 5px solid #969696;
                                min-width: 9em; }
tr.on-track td:first-child { border-left-color: #1a9850; }
tr.watch td:first-child { border-left-color: #fdae61; }
tr.at-risk td:first-child { border-left-color: #d73027; }
.p85 { font-weight: 700; }
tr.current td { background: #eef6ff; }
table.percentiles td:first-child { font-weight: 600; }
.status { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 13px;
          font-weight: 600; border: 1px solid; white-space: nowrap; }
.status.on-track { background: #dff3d8; color: #14532d; border-color: #1a9850; }
.status.watch { background: #fff1dc; color: #7c3d00; border-color: #f59e0b; }
.status.at-risk { background: #fde0dc; color: #7f1d1d; border-color: #d73027; }
.status.no-target { background: #eeeeee; color: #444; border-color: #969696; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px;
       background: #ddf4ff; color: #0550ae; border: 1px solid #54aeff; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 14px; }
.card { flex: 1 1 240px; border: 1px solid var(--line); border-radius: 8px;
        padding: 10px 16px; border-top: 5px solid #0550ae; }
.card.joint { border-top-color: #7b3294; }
.card.on-track { border-top-color: #1a9850; }
.card.watch { border-top-color: #fdae61; }
.card.at-risk { border-top-color: #d73027; }
.card .big { font-size: 28px; font-weight: 700; line-height: 1.2; }
.card .small { color: var(--muted); font-size: 13px; }
.card .status { margin: 2px 2px 0 0; }
.read, figcaption, .note { color: var(--muted); font-size: 13px; }
.box { border-radius: 6px; padding: 8px 14px; margin: 10px 0; font-size: 14px; }
.box ul { margin: 4px 0; padding-left: 20px; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; }
figure { margin: 14px 0 18px; }
figure img { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 4px; max-width: 860px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
      padding: 8px 12px; white-space: pre-wrap; word-break: break-all; }
.team { margin-bottom: 18px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, h3 { break-after: avoid; }
  tr, figure, .card, .box { break-inside: avoid; }
  section#signals, section#calibration, section#inputs { break-before: page; }
}
"""

_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


def _page(title: str, subtitle: str, sections: Sequence[Html]) -> str:
    from forecast import __version__

    links = [("headline", "Headline"), ("charts", "Charts"), ("trend", "What moved"),
             ("signals", "Signals"), ("calibration", "Calibration"), ("inputs", "Inputs")]
    content = _join(sections)
    nav = _tag("nav", *(_tag("a", text, href=f"#{anchor}") for anchor, text in links
                        if f'<section id="{anchor}">' in content))
    head = _join([
        Html('<meta charset="utf-8">'),
        _tag("meta", http_equiv="Content-Security-Policy", content=_POLICY),
        _tag("meta", name="viewport", content="width=device-width, initial-scale=1"),
        _tag("meta", name="generator", content=f"forecast {__version__}"),
        _tag("title", title),
        _tag("style", Html(_CSS)),
    ])
    body = _tag("body", _tag("header", _tag("h1", title), _tag("p", subtitle)), nav,
                _tag("main", content),
                _tag("footer", f"Made by forecast {__version__}. Every date is a "
                     "distribution read from the teams' own history; no estimates in hours."))
    return "<!DOCTYPE html>\n" + _tag("html", _tag("head", head), body, lang="en") + "\n"


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
    for team, sample, ran in zip(result.portfolio.teams, result.samples, kept, strict=True):
        prefix = f"team {team.name!r}: "
        note = next((w[len(prefix):] for w in result.warnings
                     if w.startswith(prefix + "method auto")), "")
        facts = TeamFacts(team.name, team.history, sample, team.method, team.wip, note=note,
                          kept=ran)
        _gather(facts, result.start, options, result.seed, cache)
        teams.append(facts)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    sections = [_plan_headline(result),
                _section("charts", "Charts", _figures(PLAN_FIGURES, result))]
    if trend is not None:
        sections.append(_trend_section(trend))
    sections.append(_section("signals", "Signals", *(_signals(t, False) for t in teams)))
    sections.append(_section("calibration", "Calibration",
                             *(_calibration(t, False) for t in teams)))
    sections.append(_plan_inputs(result, teams, stamp, began, options, trend))
    names = len(result.names)
    subtitle = (f"Start {result.start.isoformat()} · {names} outcome{'s' if names != 1 else ''}"
                f" · {len(teams)} team{'s' if len(teams) != 1 else ''} · Monte Carlo, "
                f"{result.trials:,} trials, seed {result.seed} · made {_when(stamp)}")
    return _page(title or f"Delivery forecast: {result.portfolio.source}", subtitle, sections)


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
    from forecast.io.readers import as_history

    began = time.perf_counter()
    trend = _read_trend(record)
    options = _backtest_options(backtest)
    hist = as_history(history)
    sample = result.sample
    auto = next((w for w in sample.warnings if w.startswith("method auto")), "")
    facts = TeamFacts(sample.source, hist, sample, result.method, note=auto,
                      kept=result.backtest)
    _gather(facts, result.start, options, result.seed, {})
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    sections = [_question_headline(result),
                _section("charts", "Charts", _figures(QUESTION_FIGURES, result))]
    if trend is not None:
        sections.append(_trend_section(trend))
    sections.append(_section("signals", "Signals", _signals(facts, True)))
    sections.append(_section("calibration", "Calibration", _calibration(facts, True)))
    sections.append(_question_inputs(result, facts, stamp, began, options, trend))
    from forecast.results.forecast import WhenForecast

    if isinstance(result, WhenForecast):
        what = f"When will {result.items:,} items be done?"
    else:
        what = f"How many items by {result.end.isoformat()}?"
    subtitle = (f"{what} · start {result.start.isoformat()} · {result.engine_text()} · made "
                f"{_when(stamp)}")
    return _page(title or f"Delivery forecast: {sample.source}", subtitle, sections)


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
    from forecast.io.output import write_atomic

    return write_atomic(path, text, protect=protect)
