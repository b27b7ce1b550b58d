"""``forecast report``: a self-contained HTML report of a portfolio or one question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from forecast.cli.inputs import (
    history_pairs,
    is_outcomes_csv,
    question_kwargs,
    read,
    read_plan,
    refuse_toml_as_outcomes,
)
from forecast.cli.options import (
    CONTEXT,
    DATE,
    ITEMS,
    METHOD_CHOICES,
    SEED,
    SPAN,
    TRIALS,
    File,
    given_flags,
    percentiles,
    reading_options,
    refuse_per_team_options,
)
from forecast.cli.outputs import check_outputs, check_suffix, write_record
from forecast.cli.runtime import WRITTEN, Progress, Writing, work


@click.command(context_settings=CONTEXT)
@click.argument("input_path", metavar="[PORTFOLIO.toml | HISTORY]", required=False,
                type=File(path_type=Path))
@click.option("--outcomes", type=File(path_type=Path),
              help="An outcomes CSV instead of a TOML portfolio (one row per outcome).")
@click.option("--history", "histories", multiple=True, metavar="TEAM=PATH",
              help="A team's history for --outcomes (repeatable; PATH alone for one team).")
@click.option("--wip", type=ITEMS, default=1, show_default=True,
              help="WIP limit of every team, with --outcomes.")
@click.option("-n", "--items", type=ITEMS,
              help="With a HISTORY: report when this many items will be done.")
@click.option("--target", type=DATE, help="With --items: the chance of being done by it.")
@click.option("--by", type=DATE, help="With a HISTORY: report how many items by this date.")
@click.option("--days", type=SPAN,
              help="With a HISTORY: report how many items in D working days.")
@reading_options
@click.option("--method", type=click.Choice(METHOD_CHOICES),
              default="auto", show_default=True,
              help="How the past is sampled (with a HISTORY or --outcomes; see forecast when).")
@click.option("--engine", type=click.Choice(["auto", "exact", "mc"]), default="auto",
              show_default=True, help="With a HISTORY: exact (no noise) or mc (Monte Carlo).")
@click.option("--trials", type=TRIALS, default=None,
              help="Monte Carlo trials [default: the portfolio's, else 10000].")
@click.option("--seed", type=SEED, default=None,
              help="Seed [default: the portfolio's, else fixed; shown in the report].")
@click.option("--percentiles", default=None, callback=lambda c, p, v: None if v is None
              else percentiles(c, p, v), help="Levels to report [default: 50,70,85,95].")
@click.option("--no-backtest", is_flag=True,
              help="Leave out each team's backtest (the calibration section); faster.")
@click.option("--record", type=File(dir_okay=False, path_type=Path),
              help="Append this forecast to a record CSV first, then show how the "
              "forecasts in it moved.")
@click.option("--name", help="With a HISTORY: the outcome's name in the --record file.")
@click.option("--title", help="The report's title [default: 'Delivery forecast: SOURCE'].")
@click.option("-o", "--output", type=File(dir_okay=False, path_type=Path),
              required=True, metavar="FILE.html", help="The HTML file to write (atomically).")
def report(**opts: Any) -> None:
    """Write a self-contained HTML report: headline, charts, signals, calibration.

    For a portfolio (a TOML file, or --outcomes CSV with --history TEAM=PATH)
    or for one question about a HISTORY (--items N [--target DATE], or --by
    DATE or --days D). The page reads top to bottom: each outcome's P85 date,
    target, chance and status (and the joint chance), the charts, how the
    forecasts moved (with --record), each team's signals (data quality,
    drift, aging work) and its backtest, and the inputs that reproduce it.
    The file needs no network and runs no script: send it, print it.

    \b
    Examples:
      forecast report examples/portfolio.toml -o out/report.html
      forecast report --outcomes examples/outcomes.csv --history examples/team.csv \\
          --start 2024-06-03 -o out/report.html
      forecast report examples/team.csv --items 40 --target 2024-07-15 \\
          --start 2024-06-03 --record out/record.csv -o out/when.html
    """
    from forecast.present.report import plan_report, question_report, write_report

    source, outcomes = opts["input_path"], opts["outcomes"]
    question = _check_arguments(opts, source, outcomes)
    check_suffix(opts["output"], (".html", ".htm"), "--output", "the report is an HTML page")
    histories = history_pairs(opts["histories"])
    opts.update(fmt=None, plot=None)
    opts["protect"] = [source, outcomes, opts["holidays_file"], *histories.values()]
    if not question:
        opts["engine"] = "mc"  # a plan is always Monte Carlo: no note on --trials
    check_outputs(opts)
    backtest = not opts["no_backtest"]
    history: Any = None

    def compute(progress: Progress) -> Any:
        nonlocal history
        if question:
            from forecast.core.checks import DEFAULT_PERCENTILES
            from forecast.forecasting.questions import how_many, when

            history = read(opts, source)
            kwargs = {**question_kwargs(opts), "trials": opts["trials"] or 10_000,
                      "percentiles": opts["percentiles"] or DEFAULT_PERCENTILES}
            if opts["items"] is not None:
                return when(history, opts["items"], target=opts["target"], **kwargs)
            return how_many(history, by=opts["by"], days=opts["days"], **kwargs)
        from forecast.forecasting.plan import plan as run

        portfolio = read_plan(opts, source, outcomes, histories)
        if source is not None:
            opts["protect"] += [team.history.source for team in portfolio.teams]
            check_outputs(opts)
        return run(portfolio, start=opts["start"], trials=opts["trials"], rng=opts["seed"],
                   percentiles=opts["percentiles"])

    def build(progress: Progress) -> str:
        if question:
            return question_report(result, history, backtest=backtest, record=opts["record"],
                                   title=opts["title"])
        return plan_report(result, backtest=backtest, record=opts["record"],
                           title=opts["title"])

    result = work("report", compute)
    if opts["record"] is not None:  # first the record, so that the report shows it
        write_record(result, opts)
    text = work("report", build)
    with Writing():
        write_report(text, opts["output"], protect=opts["protect"])
        WRITTEN.append(opts["output"])
    click.echo(f"wrote {opts['output']}", err=True)


def _check_arguments(opts: dict[str, Any], source: Path | None, outcomes: Path | None) -> bool:
    """Refuse arguments that ask for no one report; return whether they ask a question.

    A question is about one HISTORY (--items, --by or --days); else the report
    is of a portfolio, a TOML file or an outcomes CSV with --history.
    """
    refuse_toml_as_outcomes(outcomes)
    question = any(opts[k] is not None for k in ("items", "by", "days"))
    if question:
        if source is None:
            raise click.UsageError("--items, --by and --days ask about a HISTORY: give its path")
        if outcomes is not None or opts["histories"]:
            raise click.UsageError("--items, --by and --days ask about one HISTORY; a portfolio "
                                   "(--outcomes with --history) is reported without them")
        if sum(opts[k] is not None for k in ("items", "by", "days")) != 1:
            raise click.UsageError("give one of --items N, --by DATE or --days D")
        if opts["target"] is not None and opts["items"] is None:
            raise click.UsageError("--target goes with --items; --by is the date of how-many")
    else:
        if (source is None) == (outcomes is None):
            raise click.UsageError("give a portfolio TOML file, --outcomes CSV with --history, "
                                   "or a HISTORY with --items N, --by DATE or --days D")
        if outcomes is not None and not opts["histories"]:
            raise click.UsageError("--outcomes needs --history TEAM=PATH for each team")
        if source is not None and source.suffix.lower() != ".toml" and source.is_file() and (
                source.suffix.lower() in (".csv", ".json", ".tsv", ".txt")):
            if is_outcomes_csv(source):
                raise click.UsageError(f"'{source}' is an outcomes CSV: give it as --outcomes "
                                       f"{source} with --history TEAM=PATH for each team")
            raise click.UsageError(f"'{source}' looks like a history: ask a question about it "
                                   "with --items N, --by DATE or --days D (or give a portfolio "
                                   "TOML file)")
        if source is not None:
            refuse_per_team_options()
        wrong = given_flags(("engine", "target", "name"))
        if wrong:
            raise click.UsageError(f"{', '.join(wrong)} go{'es' if len(wrong) == 1 else ''} "
                                   "with a question about a HISTORY (--items, --by or --days)")
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
    return question
