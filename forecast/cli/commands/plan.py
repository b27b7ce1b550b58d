"""``forecast plan``: when does each outcome of a portfolio land, and will they all?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from forecast.cli.inputs import history_pairs, read_plan, refuse_toml_as_outcomes
from forecast.cli.options import (
    CONTEXT,
    DATE,
    DISTRIBUTION_HELP,
    ITEMS,
    METHOD_CHOICES,
    SEED,
    SOURCES,
    SPAN,
    TRIALS,
    File,
    output_options,
    percentiles,
    plot_option,
    refuse_per_team_options,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


@click.command(context_settings=CONTEXT)
@click.argument("portfolio", required=False, type=File(path_type=Path))
@click.option("--outcomes", type=File(path_type=Path),
              help="An outcomes CSV instead of a TOML portfolio (one row per outcome).")
@click.option("--history", "histories", multiple=True, metavar="TEAM=PATH",
              help="A team's history for --outcomes (repeatable; PATH alone for one team).")
@click.option("--source", "tracker", type=click.Choice(SOURCES), default="auto",
              show_default=True,
              help="With --outcomes: which tool exported the histories (auto recognises "
              "Jira, ado, GitHub and Linear exports).")
@click.option("--wip", type=ITEMS, default=1, show_default=True,
              help="WIP limit of every team, with --outcomes.")
@click.option("--method", type=click.Choice(METHOD_CHOICES),
              default="auto", show_default=True,
              help="With --outcomes: how every team's past is sampled (see forecast when).")
@click.option("--window", type=SPAN, default=None,
              help="With --outcomes: calendar days of history to sample [default: 90, or what "
              "--method auto chooses].")
@click.option("--since", type=DATE, help="With --outcomes: sample the history from this date.")
@click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
              show_default=True, help="With --outcomes: which days are working days.")
@click.option("--holidays", "country", metavar="CC",
              help="With --outcomes: country code of public holidays (e.g. GB).")
@click.option("--holidays-file", type=File(path_type=Path),
              help="With --outcomes: a file of non-working dates, one YYYY-MM-DD per line.")
@click.option("--done-column", metavar="NAME",
              help="With --outcomes: the histories' done-date column, when not found by name.")
@click.option("--date-format", metavar="FMT",
              help="With --outcomes: strptime format of the histories' dates.")
@click.option("--exclude-type", multiple=True, metavar="TYPE",
              help="With --outcomes: leave out items of this type (repeatable).")
@click.option("--start", type=DATE, help="First day [default: the file's start, else today].")
@click.option("--trials", type=TRIALS, default=None,
              help="Monte Carlo trials [default: the file's, else 10000].")
@click.option("--seed", type=SEED, default=None,
              help="Seed [default: the file's, else fixed; shown in the output].")
@click.option("--percentiles", default=None, callback=lambda c, p, v: None if v is None
              else percentiles(c, p, v), help="Levels to report [default: 50,70,85,95].")
@output_options("table", "csv", "json")
@plot_option("one bar per outcome (P50..P95, P85, target, status, dependencies)")
@click.option("--distribution", type=File(dir_okay=False, path_type=Path),
              metavar="FILE.csv", help=DISTRIBUTION_HELP)
@click.option("--record", type=File(dir_okay=False, path_type=Path),
              help="Append each outcome's forecast to a record CSV (see 'forecast trend').")
def plan(**opts: Any) -> None:
    """When does each outcome of a portfolio land, and will they all?

    Simulates every team and outcome together on one timeline per trial,
    with priorities, WIP limits, multi-team outcomes, dependencies, scope
    growth, risks and capacity calendars. Prints each outcome's dates at the
    percentiles, its chance of meeting its target and a status (on track at
    85% or more, watch from 50%, at risk below), then the joint chance that
    every target is met. --format csv writes one row per outcome (columns
    outcome, teams, items, p50, p70, p85, p95, target, probability, status,
    not_within_horizon) for a spreadsheet.

    \b
    Examples:
      forecast plan examples/portfolio.toml
      forecast plan examples/portfolio.toml --format csv -o out/plan.csv --plot out/plan.png
      forecast plan examples/portfolio.toml --distribution out/plan-by-date.csv
      forecast plan --outcomes examples/outcomes.csv --history examples/team.csv \\
          --start 2024-06-03
    """
    from forecast.forecasting.plan import plan as run

    source, outcomes = opts["portfolio"], opts["outcomes"]
    _check_arguments(opts, source, outcomes)
    histories = history_pairs(opts["histories"])
    opts["protect"] = [source, outcomes, opts["holidays_file"], *histories.values()]
    check_outputs(opts)  # cheap checks first: a wrong --output path fails before any reading

    def compute(progress: Progress) -> dict[str, Any]:
        portfolio = read_plan(opts, source, outcomes, histories)
        if source is not None:
            opts["protect"] += [team.history.source for team in portfolio.teams]
            check_outputs(opts)  # again, now that the histories the file names are known
        result = run(portfolio, start=opts["start"], trials=opts["trials"], rng=opts["seed"],
                     percentiles=opts["percentiles"])
        return render(result, opts, lambda plots, r: plots.portfolio(r),
                      distribution=lambda r: r.distribution())

    finish(work("plan", compute), opts)


def _check_arguments(opts: dict[str, Any], source: Path | None, outcomes: Path | None) -> None:
    """Refuse, before anything is read, arguments that do not name one portfolio."""
    refuse_toml_as_outcomes(outcomes)
    if source is not None and outcomes is not None:
        raise click.UsageError("give a portfolio TOML file or --outcomes CSV, not both")
    if source is None and outcomes is None:
        raise click.UsageError("give a portfolio TOML file, or --outcomes CSV with --history")
    if source is not None and source.suffix.lower() in (".csv", ".tsv", ".txt", ".json"):
        raise click.UsageError(
            f"'{source}' is not a TOML portfolio; an outcomes CSV goes with --outcomes FILE "
            "--history TEAM=PATH, and a history with 'forecast when' or 'forecast how-many'")
    if outcomes is not None and not opts["histories"]:
        raise click.UsageError("--outcomes needs --history TEAM=PATH for each team")
    if source is not None:
        refuse_per_team_options()
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
