"""The values each section of the report takes: one function per section template.

Each function here computes one section's values (text, rows, charts) for
its template in ``templates/``: :func:`plan_headline` and
:func:`question_headline` for ``headline.html.j2``, :func:`trend_section` for
``trend.html.j2``, :func:`team_sections` for ``signals.html.j2`` and
``calibration.html.j2``, and :func:`plan_inputs` and :func:`question_inputs`
(with :func:`run_table`) for ``inputs.html.j2``. The charts section is the
charts themselves (:mod:`forecast.present.report.figures`). Every value is
text (:mod:`forecast.present.report.markup`): the templates take nothing else.

Examples
--------
>>> run = run_table(dt.datetime(2024, 6, 5, 9, 30, tzinfo=dt.UTC), time.perf_counter(),
...                 {"horizons": (10, 20)}, None)
>>> run.rows[2][1][1].startswith("horizons 10, 20; each team's own window")
True
"""

from __future__ import annotations

import datetime as dt
import math
import platform
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any

from forecast import __version__
from forecast.core.checks import listed, plural
from forecast.evaluation.backtest import STANDARD
from forecast.evaluation.signals import where_is
from forecast.exceptions import ForecastError
from forecast.io.records import is_iso_date
from forecast.notes import note_label
from forecast.present.report import figures
from forecast.present.report.facts import REPORT_BACKTEST, TeamFacts, same_as_command
from forecast.present.report.markup import (
    Box,
    Bullets,
    Card,
    Inline,
    Span,
    Table,
    percent,
    spaced,
    table_of,
    timestamp,
)
from forecast.results.forecast import WhenForecast
from forecast.results.plan import status_of

if TYPE_CHECKING:
    from forecast.io.records import TrendResult
    from forecast.results.forecast import HowManyForecast
    from forecast.results.plan import PlanResult

__all__ = ["plan_headline", "question_headline", "trend_section", "team_sections", "run_table",
           "plan_inputs", "question_inputs", "MAX_AGING_ROWS"]

MAX_AGING_ROWS = 10
"""Aging items listed per team (oldest first); the count says how many there are."""


def _date(value: dt.date | None, missing: str = "not within horizon") -> str:
    return missing if value is None else value.isoformat()


def _slug(status: str) -> str:
    return status.replace(" ", "-")


def _status_pill(status: str) -> Span:
    return Span(status, f"status {_slug(status)}")


_PLAN_READ = ("P85 is the date by which 85% of the simulated futures have the outcome done. "
              "Chance is the share of futures done on or before the target; status is on track "
              "at 85% or more, watch from 50%, at risk below. Items is the median simulated "
              "size.")


def _warnings(warnings: Sequence[str]) -> Box | None:
    """Box the warnings among ``warnings`` (None when there is none).

    Lines that only say how a history was read are not warnings (the signals show them).
    """
    warnings = [w for w in warnings if note_label(w) == "warning"]
    if not warnings:
        return None
    return Box("Warning" if len(warnings) == 1 else f"Warnings ({len(warnings)})", warnings)


def plan_headline(result: PlanResult) -> dict[str, Any]:
    """Compute a plan's headline: cards (the joint chance, P85 of everything, the tally), a table.

    Parameters
    ----------
    result : PlanResult
        The plan.

    Returns
    -------
    dict
        ``cards``, ``table`` (one row per outcome: its percentiles, target,
        chance and status), ``read`` (how to read it) and ``warnings``, for
        ``headline.html.j2``.

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> login = Outcome("login", (Part("api", Size(9, 9)),), target=dt.date(2024, 6, 14))
    >>> p = Portfolio((Team("api", h),), (login,))
    >>> plan = forecast.plan(p, start="2024-06-05", trials=200)
    >>> headline = plan_headline(plan)
    >>> headline["table"].header[:3], [c.big for c in headline["cards"]][2]
    (['Outcome', 'Teams', 'Items'], '1 outcomes')
    """
    doc = result.to_dict()
    joint = doc["joint"]
    levels = list(result.levels)
    header = ["Outcome", "Teams", "Items", *[f"P{p:g}" for p in levels], "Target",
              "Chance", "Status"]
    rows, classes = [], []
    for item in doc["outcomes"]:
        dates = [Span(pc["date"] or "not within horizon", "p85" if pc["p"] == 85 else None)
                 for pc in item["percentiles"]]
        rows.append([item["name"], " + ".join(item["teams"]), item["items"], *dates,
                     item["target"] or "—", percent(item["probability"]),
                     _status_pill(item["status"])])
        classes.append(_slug(item["status"]))
    table = table_of(header, rows, numeric=[2, 4 + len(levels)], row_classes=classes,
                     id="outcomes", cls="headline")
    counts = {s: sum(o["status"] == s for o in doc["outcomes"])
              for s in ("on track", "watch", "at risk", "no target")}
    tally = spaced(Span(f"{n} {s}", f"status {_slug(s)}") for s, n in counts.items() if n)
    cards = []
    if joint["probability"] is not None:
        cards.append(Card(percent(joint["probability"], 1), [
            f"chance that all {joint['outcomes_with_target']} outcomes with a target meet "
            f"it (± {joint['se']:.1%}), read from the same trials",
            f"everything done by the latest target {joint['latest_target']}: "
            f"{percent(joint['all_done_by_latest_target'], 1)}"], "joint"))
    cards.append(Card(joint["all_done_p85"] or "not within horizon",
                       ["85% chance everything is done by then"]))
    cards.append(Card(f"{len(doc['outcomes'])} outcomes", [tally]))
    return {"cards": cards, "table": table, "read": _PLAN_READ,
            "warnings": _warnings(result.warnings)}


def question_headline(result: WhenForecast | HowManyForecast) -> dict[str, Any]:
    """Compute one question's headline: cards (P85, the chance of the target), the percentiles.

    Parameters
    ----------
    result : WhenForecast or HowManyForecast
        The forecast.

    Returns
    -------
    dict
        ``cards``, ``table`` (the percentiles, with their standard errors
        for Monte Carlo), ``read`` and ``warnings``, for ``headline.html.j2``.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> headline = question_headline(forecast.how_many(h, days=10, start="2024-06-05"))
    >>> headline["table"].header, headline["cards"][0].big.endswith(" items")
    (['Chance', 'Items or more'], True)
    >>> mc = forecast.how_many(h, days=10, start="2024-06-05", engine="mc", rng=1)
    >>> question_headline(mc)["table"].header
    ['Chance', 'Items or more', '± se', '99% interval']
    """
    mc = result.engine == "mc"  # the same columns for every Monte Carlo answer
    cards, rows = [], []
    levels = [pc for pc in result.percentiles()]
    if isinstance(result, WhenForecast):
        header = ["Chance", "Done on or before", "Working days"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", Span(_date(pc.date), "p85" if pc.p == 85 else None),
                         "—" if pc.value is None else pc.value])
        p85 = result.percentile(85)
        cards.append(Card(_date(p85.date), [f"85% chance that the {result.items:,} items are "
                           f"done by then (working day {p85.value or '—'})"]))
        if result.target is not None:
            prob = result.likelihood(result.target)
            status = status_of(prob)
            se = f" (± {result.likelihood_se(result.target):.1%})" if mc else ""
            cards.append(Card(percent(prob, 1), [[
                f"chance of being done on or before the target {result.target.isoformat()}"
                f"{se} ", _status_pill(status)]], _slug(status)))
        if result.not_within_horizon > 0:
            cards.append(Card(percent(result.not_within_horizon, 2), [
                f"not done within the horizon of {result.horizon} working days"]))
        futures = "simulated futures" if mc else "possible futures (computed exactly)"
        read = (f"\"85%\" = 85% of the {futures} are done on or before that date; "
                "working days count from day 1 "
                f"({result.day1:%a} {result.day1.isoformat()}).")
    else:
        header = ["Chance", "Items or more"]
        for pc in levels:
            rows.append([f"{pc.p:.10g}%", Span(str(pc.value), "p85" if pc.p == 85 else None)])
        p85 = result.percentile(85)
        cards.append(Card(f"{p85.value} items", [f"85% chance of that many or more from "
                           f"{result.day1.isoformat()} to {result.end.isoformat()} "
                           f"({result.days} working days)"]))
        read = ("\"85%\" = an 85% chance of completing that many items or more by "
                f"{result.end.isoformat()}.")
    if mc:
        header += ["± se", "99% interval"]
        for row, pc in zip(rows, levels, strict=True):
            row += ["?" if math.isnan(pc.se) else f"{pc.se:.1f}",
                    f"{'…' if pc.low is None else pc.low}–{'…' if pc.high is None else pc.high}"]
    table = table_of(header, rows, numeric=range(1, len(header)), id="percentiles",
                     row_classes=["p85" if pc.p == 85 else None for pc in levels],
                     cls="percentiles narrow")
    return {"cards": cards, "table": table, "read": read, "warnings": _warnings(result.warnings)}


def trend_section(trend: TrendResult) -> dict[str, Any]:
    """Say what moved: each outcome's first and latest P85 and chance in a record file, slips.

    Parameters
    ----------
    trend : TrendResult
        From :func:`forecast.trend`.

    Returns
    -------
    dict
        ``source``, ``rows``, ``table``, ``charts``
        (:data:`~forecast.present.report.figures.TREND_FIGURES`) and ``warnings``, for
        ``trend.html.j2``.

    Examples
    --------
    >>> import forecast, pathlib, tempfile
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "record.csv"
    >>> first = dt.datetime(2024, 6, 5, tzinfo=dt.UTC)
    >>> for day, items in ((0, 10), (7, 14)):
    ...     f = forecast.when(h, items, start="2024-06-05", method="daily")
    ...     _ = forecast.record(f, log, name="r1", now=first + dt.timedelta(days=day))
    >>> moved = trend_section(forecast.trend(log))
    >>> moved["rows"], moved["table"].header[:2]
    ('2', ['Outcome', 'Records'])
    """
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
                     Span(f"{slips} slip{'s' if slips != 1 else ''}", "status at-risk")
                     if slips else "none"])
    table = table_of(["Outcome", "Records", "First P85", "Latest P85", "Moved", "Target",
                      "Chance (first → latest)", f"Slips over {trend.threshold} days"], rows,
                     numeric=[1, 4], id="moves")
    return {"source": str(trend.source), "rows": str(len(trend.rows)), "table": table,
            "charts": figures.charts_of(figures.TREND_FIGURES, trend),
            "warnings": _warnings(trend.warnings)}


def _signals(facts: TeamFacts) -> dict[str, Any]:
    """Compute one team's signals: its window, data quality, changes, cycle time, aging."""
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
    changes: Inline = "none detected"
    if check.changes:
        marks = {"inside": " (inside the window)", "edge": " (at the window's edge)"}
        changes = [Bullets([f"{c}{marks.get(where_is(c, check.sample), '')}"
                            for c in check.changes]), "To sample only the current "
                   f"regime: since {check.changes[-1].date.isoformat()}."]
    cycle = ("not measured (needs a start column)" if check.cycle_p85 is None else
             f"{check.cycle_p85:.0f} days; {plural(len(check.aging), 'item', thousands=True)} "
             f"in progress {'is' if len(check.aging) == 1 else 'are'} older")
    out["table"] = table_of(["Signal", "Value"], [
        ["Active days (working days with a completion)", f"{q.active_days} of {q.working_days}"],
        ["Longest run without a completion",
         plural(q.longest_zero_streak, "working day", thousands=True)],
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
            "table": table_of(["Item", "Started", "Age (days)"],
                            [[a.id, a.started.isoformat(), a.age_days] for a in shown],
                              numeric=[2], cls="narrow")}
    out["charts"] = figures.charts_of(figures.SIGNAL_FIGURES, facts)
    out["clean"] = not check.warnings
    out["warnings"] = _warnings(check.warnings)
    return out


def _calibration(facts: TeamFacts) -> dict[str, Any]:
    """Compute one team's calibration: its backtest's ranking and scores, what is in use."""
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
        row: list[Any] = [rank, spaced([f"{method} {window}d", *(Span(t, "tag") for t in tags)]),
                          f"{value:.3f}"]
        for h in bt.horizons:
            try:
                s = bt.score(method, window, h)
                row += [percent(s.at_least.get(85)), percent(s.at_most.get(85)),
                        f"{s.crps:.2f}"]
            except ForecastError:
                row += ["—", "—", "—"]
        if bt.batch:
            try:
                s = bt.score(method, window, bt.batch, "when")
                row.append(percent(s.at_least.get(85)))
            except ForecastError:
                row.append("—")
        rows.append(row)
        classes.append("current" if "in use" in tags else None)
    fitted = [n for n in bt.notes if getattr(n, "code", None) == "backtest-fitted"]
    return {"in_use": in_use, "problem": None, "origins": str(len(bt.origins)),
            "same": same_as_command(bt, facts.window_days),
            "first": bt.origins[0].isoformat(), "last": bt.origins[-1].isoformat(),
            "scored": f"Scored window{'s' * (len(bt.windows) > 1)} of {listed(bt.windows)} "
                      f"days at horizon{'s' * (len(bt.horizons) > 1)} of "
                      f"{listed(bt.horizons)} working days.",
            "fitted": [n[:1].upper() + n[1:] for n in fitted],
            "best": (best[0], str(best[1])), "standard": (STANDARD[0], str(STANDARD[1])),
            "note": facts.note,
            "table": table_of(header, rows, numeric=range(2, len(header)), row_classes=classes,
                              groups=groups, cls="calibration"),
            "charts": figures.charts_of(figures.CALIBRATION_FIGURES, facts),
            "warnings": _warnings(bt.notes)}


def team_sections(teams: Sequence[TeamFacts]) -> list[dict[str, Any]]:
    """Each team's signals (``signals.html.j2``) and calibration (``calibration.html.j2``).

    Parameters
    ----------
    teams : sequence of TeamFacts
        Gathered (:func:`~forecast.present.report.facts.gather`).

    Returns
    -------
    list of dict
        One per team: ``name``, ``signals`` and ``calibration``.

    Examples
    --------
    >>> import forecast
    >>> from forecast.present.report.facts import TeamFacts, gather
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> facts = TeamFacts("api", h, h.sample(dt.date(2024, 6, 5), window=7), "daily")
    >>> gather(facts, dt.date(2024, 6, 5), None, 42, {})
    >>> [shown] = team_sections([facts])
    >>> shown["name"], shown["signals"]["done"], shown["calibration"]["problem"]
    ('api', '3', 'not run (backtest=False)')
    """
    return [{"name": t.name, "signals": _signals(t), "calibration": _calibration(t)}
            for t in teams]


def _versions() -> list[list[Any]]:
    """List the versions of this package, Python and the libraries that shaped the numbers."""
    rows: list[list[Any]] = [["forecast", __version__], ["Python", platform.python_version()]]
    for package in ("numpy", "numba", "pandas", "matplotlib"):
        try:
            rows.append([package, metadata.version(package)])
        except metadata.PackageNotFoundError:
            continue
    return rows


def run_table(now: dt.datetime, began: float, backtest: Mapping[str, Any] | None,
              trend: TrendResult | None) -> Table:
    """Lay out the run's own inputs: when it was made, how long it took, the versions.

    Parameters
    ----------
    now : datetime
        When the report says it was made.
    began : float
        :func:`time.perf_counter` when it began.
    backtest : mapping or None
        The backtest settings over :data:`~forecast.present.report.facts.REPORT_BACKTEST`
        (None: not run).
    trend : TrendResult or None
        The record file read, if any.

    Returns
    -------
    Table

    Examples
    --------
    >>> run = run_table(dt.datetime(2024, 6, 5, 9, 30, tzinfo=dt.UTC), time.perf_counter(),
    ...                 None, None)
    >>> [cells for _, cells in run.rows[:3:2]]
    [['Report generated', '2024-06-05 09:30:00 UTC'], ['Backtest', 'not run']]
    """
    rows: list[list[Any]] = [["Report generated", timestamp(now, "seconds")]]
    rows.append(["Report built in", f"{time.perf_counter() - began:.1f} s"])
    if backtest is None:
        rows.append(["Backtest", "not run"])
    else:
        settings = {**REPORT_BACKTEST, **backtest}
        given = ", ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, (tuple, list)) else v}"
            for k, v in settings.items())
        rows.append(["Backtest", (f"{given}; " if given else "the defaults of forecast "
                                  "backtest; ")
            + "each team's own window is scored too when it is not among them"
            + ("; windows and horizons too long for a team's history are left out (its "
               "calibration says which)" if backtest.get("fit", not {"windows", "horizons"}
                                                     <= set(backtest)) else "")])
    if trend is not None:
        rows.append(["Record file", trend.source])
    return table_of(["", ""], rows + _versions(), cls="kv")


def _size_text(size: Any) -> str:
    if size.from_history:
        return "from history"
    return str(size.low) if size.low == size.high else f"{size.low}–{size.high}"


def plan_inputs(result: PlanResult, teams: Sequence[TeamFacts], run: Table) -> dict[str, Any]:
    """List the inputs that reproduce a plan: settings, the command, teams, outcomes, risks.

    Parameters
    ----------
    result : PlanResult
        The plan.
    teams : sequence of TeamFacts
        Its teams, in the portfolio's order.
    run : Table
        From :func:`run_table`.

    Returns
    -------
    dict
        ``settings``, ``command`` (for a TOML portfolio), ``run``, ``teams``,
        ``outcomes`` and ``risks`` (None without risks), for ``inputs.html.j2``.

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> login = Outcome("login", (Part("api", Size(9, 9)),), target=dt.date(2024, 6, 14))
    >>> p = Portfolio((Team("api", h),), (login,))
    >>> plan = forecast.plan(p, start="2024-06-05", trials=200)
    >>> from forecast.present.report.facts import TeamFacts
    >>> teams = [TeamFacts("api", h, plan.samples[0], "daily")]
    >>> inputs = plan_inputs(plan, teams, run_table(dt.datetime.now(dt.UTC), 0.0, None, None))
    >>> inputs["outcomes"].rows[0][1][:2], inputs["risks"], inputs["command"]
    (['login', '0'], None, None)
    """
    portfolio = result.portfolio
    levels = ",".join(f"{p:g}" for p in result.levels)
    settings = table_of(["Setting", "Value"], [
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
        risk_rows.append([r.name, r.outcome, percent(r.probability), impact])
    command = None
    if str(portfolio.source).lower().endswith(".toml"):
        command = (f"forecast plan {portfolio.source} --start {result.start.isoformat()} "
                   f"--trials {result.trials} --seed {result.seed} --percentiles {levels}")
    return {
        "settings": settings, "command": command, "run": run,
        "teams": table_of(["Team", "History file", "Window", "Working days", "Items", "Calendar",
                           "Method", "WIP", "Capacity"], team_rows, numeric=[3, 4, 7]),
        "outcomes": table_of(["Outcome", "Priority", "Items per team", "Scope growth",
                              "Depends on", "Target"], outcome_rows, numeric=[1]),
        "risks": table_of(["Risk", "Outcome", "Probability", "Impact"], risk_rows, numeric=[2])
        if risk_rows else None}


def question_inputs(result: WhenForecast | HowManyForecast, facts: TeamFacts,
                    run: Table) -> dict[str, Any]:
    """List the inputs that reproduce one question: its settings, window, engine, seed, run.

    Parameters
    ----------
    result : WhenForecast or HowManyForecast
        The forecast.
    facts : TeamFacts
        Its team.
    run : Table
        From :func:`run_table`.

    Returns
    -------
    dict
        ``settings`` and ``run`` (the plan's other inputs are None), for
        ``inputs.html.j2``.

    Examples
    --------
    >>> import forecast
    >>> from forecast.present.report.facts import TeamFacts
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> f = forecast.when(h, 10, start="2024-06-05", method="daily")
    >>> facts = TeamFacts("api", h, f.sample, f.method)
    >>> inputs = question_inputs(f, facts, run_table(dt.datetime.now(dt.UTC), 0.0, None, None))
    >>> inputs["settings"].rows[0][1]
    ['Question', 'When will 10 items be done?']
    """
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
            ["Trials", "— (exact)" if result.engine != "mc" or result.trials is None
             else f"{result.trials:,}"],
            ["Seed", "—" if result.engine != "mc" else result.seed],
            ["Percentiles", ",".join(f"{p:g}" for p in result.levels)],
            ["Horizon", horizon]]
    return {"settings": table_of(["Setting", "Value"], rows, cls="kv"), "teams": None,
            "outcomes": None, "risks": None, "command": None, "run": run}
