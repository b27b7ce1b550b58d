"""The page: the Jinja2 environment, and the assembly of a report from its sections.

:func:`plan_report` and :func:`question_report` gather each team's facts
(:mod:`~forecast.present.report.facts`), compute each section's values
(:mod:`~forecast.present.report.sections`), draw the charts
(:mod:`~forecast.present.report.figures`, whose lists they read when they
draw) and render ``report.html.j2``, which lays the sections out in
``page.html.j2``; :func:`write_report` writes the page atomically.

Examples
--------
>>> import forecast
>>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
>>> f = forecast.how_many(h, days=10, start="2024-06-05")
>>> page = question_report(f, h, backtest=False, now=dt.datetime(2024, 6, 5, tzinfo=dt.UTC))
>>> "made 2024-06-05 00:00 UTC" in page
True
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from forecast import __version__
from forecast.io.output import write_atomic
from forecast.io.readers import as_history
from forecast.notes import Note
from forecast.present.report import figures
from forecast.present.report.facts import TeamFacts, backtest_options, gather, read_trend
from forecast.present.report.markup import timestamp
from forecast.present.report.sections import (
    plan_headline,
    plan_inputs,
    question_headline,
    question_inputs,
    run_table,
    team_sections,
    trend_section,
)
from forecast.results.forecast import WhenForecast

if TYPE_CHECKING:
    from forecast.core.history import History
    from forecast.io.records import TrendResult
    from forecast.results.forecast import HowManyForecast
    from forecast.results.plan import PlanResult

__all__ = ["plan_report", "question_report", "write_report", "environment"]


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
                        "format it as text in report/sections.py")
    return Markup(html.escape(value, quote=True))


@functools.cache
def environment() -> jinja2.Environment:
    """Load the report's templates (``templates/`` in this package), once.

    Autoescaping is on, an undefined name is an error, and the block tags
    leave no blank lines (the templates strip the rest of the whitespace
    between tags themselves). Every value a template writes must be text
    (escaped with :func:`html.escape`) or markup a macro wrote.

    Returns
    -------
    jinja2.Environment
        The same one on every call.

    Examples
    --------
    >>> env = environment()
    >>> env is environment(), env.from_string("<b>{{ x }}</b>").render(x="<i>")
    (True, '<b>&lt;i&gt;</b>')
    >>> env.from_string("{{ n }}").render(n=3)
    Traceback (most recent call last):
    ...
    TypeError: a report template was given int 3; format it as text in report/sections.py
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader("forecast.present.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, finalize=_escape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


_LINKS = [("headline", "Headline"), ("charts", "Charts"), ("trend", "What moved"),
          ("signals", "Signals"), ("calibration", "Calibration"), ("inputs", "Inputs")]


def _page(title: str, subtitle: str, **sections: Any) -> str:
    """Render report.html.j2: the page around the sections (one value of each)."""
    nav = [(a, text) for a, text in _LINKS if a != "trend" or sections["trend"] is not None]
    return environment().get_template("report.html.j2").render(
        title=title, subtitle=subtitle, version=__version__, nav=nav, **sections)


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
    trend = read_trend(record)
    options = backtest_options(backtest)
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
        gather(facts, result.start, options, result.seed, cache)
        teams.append(facts)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    headline = plan_headline(result)
    charts = figures.charts_of(figures.PLAN_FIGURES, result)
    moved = None if trend is None else trend_section(trend)
    shown = team_sections(teams)
    inputs = plan_inputs(result, teams, run_table(stamp, began, options, trend))
    names = len(result.names)
    subtitle = (f"Start {result.start.isoformat()} · {names} outcome{'s' if names != 1 else ''}"
                f" · {len(teams)} team{'s' if len(teams) != 1 else ''} · Monte Carlo, "
                f"{result.trials:,} trials, seed {result.seed} · made {timestamp(stamp)}")
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
    trend = read_trend(record)
    options = backtest_options(backtest)
    hist = as_history(history)
    sample = result.sample
    auto = next((w for w in sample.warnings
                 if isinstance(w, Note) and w.code in ("auto-chose", "auto-fell-back")), "")
    facts = TeamFacts(sample.source, hist, sample, result.method, note=auto,
                      kept=result.backtest)
    gather(facts, result.start, options, result.seed, {})
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    headline = question_headline(result)
    charts = figures.charts_of(figures.QUESTION_FIGURES, result)
    moved = None if trend is None else trend_section(trend)
    shown = team_sections([facts])
    inputs = question_inputs(result, facts, run_table(stamp, began, options, trend))

    if isinstance(result, WhenForecast):
        what = f"When will {result.items:,} items be done?"
    else:
        what = f"How many items by {result.end.isoformat()}?"
    subtitle = (f"{what} · start {result.start.isoformat()} · {result.engine_text()} · made "
                f"{timestamp(stamp)}")
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
