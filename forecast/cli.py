"""The ``forecast`` command line: parse, call one library function, format.

Only :mod:`click` is imported at module level; the library (pandas, numba)
is imported inside the commands, so ``forecast --help`` and argument errors
are instant and never load numba.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"forecast: error: {message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """A group that reports every user error as one line on stderr, status 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        from .exceptions import ForecastError

        kwargs["standalone_mode"] = False
        try:
            super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            _fail(f"{exc.format_message()}{hint}", exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except ForecastError as exc:
            _fail(str(exc))
        except click.exceptions.Abort:
            _fail("interrupted; no output was written", 130)
        except KeyboardInterrupt:
            _fail("interrupted; no output was written", 130)
        sys.exit(0)


class _Date(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD", param, ctx)


DATE = _Date()


def _percentiles(ctx: Any, param: Any, value: str) -> tuple[float, ...]:
    try:
        levels = tuple(float(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} must be numbers separated by commas, such as 50,70,85,95"
        ) from None
    bad = [p for p in levels if not 0 < p <= 100]
    if not levels or bad:
        raise click.BadParameter(f"{value!r}: each level must be > 0 and <= 100")
    return levels


def output_options(*formats: str) -> Callable[..., Any]:
    """Return the --format and -o/--output options, shared by every command."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("-o", "--output", type=click.Path(path_type=Path),
                            help="Write to this file (atomically); '-' for stdout.")(func)
        return click.option(
            "--format", "fmt", type=click.Choice(list(formats)), default=None,
            help="Output format [default: from the --output suffix, else table].")(func)

    return decorate


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say how to read the history and which window to sample."""
    options = [
        click.argument("history", type=click.Path(dir_okay=True, path_type=Path)),
        click.option("--start", type=DATE, help="First day of the forecast [default: today]."),
        click.option("--window", type=click.IntRange(min=1), default=None,
                     help="Calendar days of history before the start to sample [default: 90]."),
        click.option("--since", type=DATE, help="Sample the history from this date instead."),
        click.option("--done-column", metavar="NAME",
                     help="The done-date column, when it is not found by name."),
        click.option("--date-format", metavar="FMT",
                     help="strptime format of the dates, e.g. '%d/%m/%Y' [default: detect]."),
        click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
                     show_default=True, help="Which days are working days."),
        click.option("--holidays", "country", metavar="CC",
                     help="Country code whose public holidays are non-working (e.g. GB)."),
        click.option("--holidays-file", type=click.Path(path_type=Path),
                     help="A file of non-working dates, one YYYY-MM-DD per line."),
        click.option("--exclude-type", multiple=True, metavar="TYPE",
                     help="Leave out items of this type (repeatable)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the questions: engine, trials, seed and outputs."""
    options = [
        click.option("--percentiles", default="50,70,85,95", show_default=True,
                     callback=_percentiles, help="Levels to report."),
        click.option("--method", type=click.Choice(["daily", "weekly", "bayes", "auto"]),
                     default="daily", show_default=True,
                     help="Sample single working days, whole weeks (keeps batching), days "
                     "with Bayesian-bootstrap weights (wider on thin data), or auto: the best "
                     "method and window in the team's own backtest."),
        click.option("--engine", type=click.Choice(["auto", "exact", "mc"]), default="auto",
                     show_default=True,
                     help="exact: convolution, no noise; mc: numba Monte Carlo."),
        click.option("--trials", type=click.IntRange(min=1), default=10_000, show_default=True,
                     help="Monte Carlo trials."),
        click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None,
                     help="Monte Carlo seed [default: fixed, shown in the output]."),
        click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also draw the distribution to this .png or .svg file."),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Append this forecast to a record CSV (see 'forecast trend')."),
        click.option("--name", help="The outcome's name in the --record file."),
    ]
    for option in reversed(options):
        func = option(func)
    return output_options("table", "csv", "json")(func)


def _read(opts: dict[str, Any]) -> Any:
    from .exceptions import DataError, InputFileError
    from .io import read_history

    holidays: Any = opts["country"]
    if opts["holidays_file"] is not None:
        path = opts["holidays_file"]
        if not path.is_file():
            raise InputFileError(f"holidays file '{path}' does not exist; check the path")
        dates = []
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            text = line.split("#", 1)[0].strip().strip(",")
            if not text or text.lower() in {"date", "holiday", "holidays"}:
                continue
            try:
                dates.append(dt.date.fromisoformat(text[:10]))
            except ValueError:
                raise DataError(
                    f"holidays file '{path}', line {number}: cannot read {text!r} as a date; "
                    "write one YYYY-MM-DD per line"
                ) from None
        from .calendar import Calendar

        holidays = None
        calendar: Any = Calendar.from_options(
            Calendar.from_options(opts["calendar"], opts["country"]), dates
        )
    else:
        calendar = opts["calendar"]
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
    return read_history(
        opts["history"], done_column=opts["done_column"], date_format=opts["date_format"],
        calendar=calendar, holidays=holidays, exclude_types=opts["exclude_type"],
    )


def _window(opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": opts["start"],
        "window": 90 if opts["window"] is None else opts["window"],
        "since": opts["since"],
        "percentiles": opts["percentiles"],
        "engine": opts["engine"],
        "trials": opts["trials"],
        "rng": opts["seed"],
        "method": opts["method"],
    }


def _outputs(opts: dict[str, Any]) -> None:
    """Check every output path and settle the format before any work is done."""
    from .io import check_output

    protect = [Path(p) for p in opts.get("protect", []) if p is not None]
    output, plot_path = opts["output"], opts["plot"]
    if output is not None and str(output) == "-":
        output = opts["output"] = None
    if plot_path is not None and plot_path.suffix.lower() not in {".png", ".svg"}:
        raise click.BadParameter(f"'{plot_path}' must end in .png or .svg", param_hint="'--plot'")
    if output is not None and plot_path is not None and output.resolve() == plot_path.resolve():
        raise click.BadParameter("--output and --plot name the same file; give two paths")
    for path in (output, plot_path):
        if path is not None:
            check_output(path, protect=protect)
    if opts.get("record") is not None:
        rec = opts["record"]
        if any(Path(p).exists() and rec.exists() and rec.resolve() == Path(p).resolve()
               for p in protect):
            raise click.BadParameter("is an input file; give a record file",
                                     param_hint="'--record'")
        if not rec.parent.is_dir():
            raise click.BadParameter(f"directory '{rec.parent}' does not exist",
                                     param_hint="'--record'")
    if opts["fmt"] is None:
        suffix = output.suffix.lower() if output is not None else ""
        opts["fmt"] = {".csv": "csv", ".json": "json"}.get(suffix, "table")
    opts["protect"] = protect
    ctx = click.get_current_context()
    if opts.get("engine", "mc") != "mc":
        given = [f"--{name}" for name in ("trials", "seed")
                 if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            click.echo(f"note: {' and '.join(given)} {verb} to --engine mc; the exact engine "
                       "has no sampling noise", err=True)


def _emit(result: Any, opts: dict[str, Any], plot: Callable[..., Any]) -> None:
    from .io import spreadsheet_safe, write_atomic

    protect, plot_path, fmt = opts["protect"], opts["plot"], opts["fmt"]
    if fmt == "json":
        text = result.to_json()
    elif fmt == "csv":
        import pandas as pd

        frame = result.to_frame()
        for col in frame.columns:
            if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
                frame[col] = frame[col].astype(object).map(spreadsheet_safe)
        text = frame.to_csv(index=False, lineterminator="\n")
    else:
        text = str(result) + "\n"
    image = None
    if plot_path is not None:
        import io

        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from . import plot as plots

        ax = plot(plots, result)
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format=plot_path.suffix.lower().lstrip("."), dpi=120,
                          bbox_inches="tight")
        plt.close(ax.figure)
        image = buffer.getvalue()
    _write_text(text, opts)
    if image is not None:
        write_atomic(plot_path, image, protect=protect)
        click.echo(f"wrote {plot_path}", err=True)
    if opts.get("record") is not None:
        from .records import record

        rows = record(result, opts["record"], name=opts.get("name"))
        click.echo(f"recorded {rows} row{'s' if rows != 1 else ''} in {opts['record']}",
                   err=True)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="delivery-forecast", prog_name="forecast")
def cli() -> None:
    """Forecast delivery from a team's own history of completed items.

    Every answer is a distribution, summarised by percentiles. Dates count in
    working days: day 1 is the first working day on or after --start.

    \b
    Examples:
      forecast when examples/team.csv --items 40 --start 2024-06-03
      forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03
    """


@cli.command(context_settings=CONTEXT)
@history_options
@click.option("-n", "--items", type=click.IntRange(min=1), required=True,
              help="Items still to do (>= 1).")
@click.option("--target", type=DATE, help="Report the chance of being done on or before it.")
@run_options
def when(**opts: Any) -> None:
    """When will N items be done?

    Prints the date by which each percentile of outcomes is done: P85 is the
    earliest date by which 85% of outcomes have finished.

    \b
    Example:
      forecast when examples/team.csv --items 40 --start 2024-06-03 \\
          --target 2024-07-31 --plot out/when.png
    """
    from .questions import when as ask

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)
    history = _read(opts)
    result = ask(history, opts["items"], target=opts["target"], **_window(opts))
    _emit(result, opts, lambda plots, r: plots.when(r))


@cli.command(name="how-many", context_settings=CONTEXT)
@history_options
@click.option("--by", type=DATE, help="Count working days from day 1 through this date.")
@click.option("--days", type=click.IntRange(min=1), help="Or: the number of working days.")
@run_options
def how_many(**opts: Any) -> None:
    """How many items will be done by a date (or in D working days)?

    Percentiles read as "N or more": P85 is the largest N that 85% of outcomes
    reach or exceed.

    \b
    Example:
      forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03
      forecast how-many examples/team.csv --days 20 --start 2024-06-03 -o out/count.csv
    """
    from .questions import how_many as ask

    if (opts["by"] is None) == (opts["days"] is None):
        raise click.UsageError("give exactly one of --by DATE or --days D")
    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)
    history = _read(opts)
    result = ask(history, by=opts["by"], days=opts["days"], **_window(opts))
    _emit(result, opts, lambda plots, r: plots.how_many(r))


@cli.command(context_settings=CONTEXT)
@history_options
@output_options("table", "json")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when any warning fires (for scheduled jobs).")
def check(**opts: Any) -> None:
    """Can this history be trusted? Data quality, drift, and aging work.

    Reports the window's size and active days, long runs without a
    completion, outlier days, whether the window's halves agree, changes in
    weekly throughput over the whole history (with the --since that samples
    only the current regime), and items in progress older than the team's
    85th percentile cycle time (needs a start column and rows without a done
    date). Exit status 0, or 1 with --strict when a warning fires.

    \b
    Example:
      forecast check examples/team.csv --start 2024-06-03
      forecast check history.csv --strict --format json -o out/check.json
    """
    from .signals import check as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    opts["plot"] = None
    _outputs(opts)
    history = _read(opts)
    result = run(history, start=opts["start"],
                 window=90 if opts["window"] is None else opts["window"], since=opts["since"])
    text = json.dumps(result.to_dict(), indent=2) + "\n" if opts["fmt"] == "json" else (
        str(result) + "\n")
    _write_text(text, opts)
    if opts["strict"] and result.warnings:
        sys.exit(1)


def _ints(ctx: Any, param: Any, value: str) -> tuple[int, ...]:
    try:
        numbers = tuple(int(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(f"{value!r} must be whole numbers separated by commas") from None
    if not numbers or min(numbers) <= 0:
        raise click.BadParameter(f"{value!r}: each must be a whole number >= 1")
    return numbers


@cli.command(context_settings=CONTEXT)
@history_options
@click.option("--methods", default="daily,weekly,bayes", show_default=True,
              help="Sampling methods to score.")
@click.option("--windows", default="30,60,90,180", show_default=True, callback=_ints,
              help="Window lengths to score, in calendar days.")
@click.option("--horizons", default="10,20,40", show_default=True, callback=_ints,
              help="How-many horizons, in working days.")
@click.option("--step", type=click.IntRange(min=1), default=7, show_default=True,
              help="Calendar days between origins.")
@output_options("table", "csv", "json")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Draw a reliability diagram (stated vs observed coverage) to .png/.svg.")
def backtest(**opts: Any) -> None:
    """How often did the forecast's "85%" really hold on this team's past?

    At origins every --step days, each method and window forecasts from the
    data before the origin only, for each horizon, and is compared with what
    happened. Prints the ranking (relative CRPS), the recommended
    configuration, and the share of origins where the P85 statements held in
    both directions beside the standard forecast (daily, 30 days).

    \b
    Example:
      forecast backtest examples/team.csv
      forecast backtest history.csv --windows 30,90 --horizons 20 --plot out/reliability.png
    """
    from .backtest import backtest as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)
    history = _read(opts)
    methods = tuple(m.strip() for m in opts["methods"].split(",") if m.strip())
    show = sys.stderr.isatty() and not os.environ.get("CI")
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not show:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="backtest", file=sys.stderr)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    result = run(history, start=opts["start"], methods=methods, windows=opts["windows"],
                 horizons=opts["horizons"], step=opts["step"], progress=progress)
    _emit(result, opts, lambda plots, r: plots.reliability(r))


def _write_text(text: str, opts: dict[str, Any]) -> None:
    from .io import write_atomic

    if opts["output"] is not None:
        write_atomic(opts["output"], text, protect=opts["protect"])
        click.echo(f"wrote {opts['output']}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("records", type=click.Path(path_type=Path))
@click.option("--slip-days", type=click.IntRange(min=0), default=5, show_default=True,
              help="Flag a P85 that moves later by more than this many days.")
@output_options("table", "json")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Draw each outcome's P85 date over time against its target.")
def trend(**opts: Any) -> None:
    """How did the forecasts move? P85 dates and chances across records.

    Reads a record file written with --record by when, how-many or plan, and
    shows per outcome how its P85 date and its chance of meeting the target
    moved between records, flagging slips larger than --slip-days. A row cut
    short by an interrupted write is reported and skipped.

    \b
    Example:
      forecast plan examples/portfolio.toml --record out/record.csv
      forecast trend out/record.csv --plot out/trend.png
    """
    from .records import trend as run

    opts["protect"] = [opts["records"]]
    _outputs(opts)
    result = run(opts["records"], slip_days=opts["slip_days"])
    _emit(result, opts, lambda plots, r: plots.trend(r))


def _history_pairs(values: tuple[str, ...]) -> dict[str, Path]:
    pairs: dict[str, Path] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            if len(values) > 1:
                raise click.BadParameter(
                    f"{value!r}: with several teams write TEAM=PATH", param_hint="'--history'"
                )
            name, path = "", value
        name = name.strip()
        if name in pairs:
            raise click.BadParameter(f"team {name!r} is given twice", param_hint="'--history'")
        pairs[name] = Path(path.strip())
    return pairs


@cli.command(context_settings=CONTEXT)
@click.argument("portfolio", required=False, type=click.Path(path_type=Path))
@click.option("--outcomes", type=click.Path(path_type=Path),
              help="An outcomes CSV instead of a TOML portfolio (one row per outcome).")
@click.option("--history", "histories", multiple=True, metavar="TEAM=PATH",
              help="A team's history for --outcomes (repeatable; PATH alone for one team).")
@click.option("--wip", type=click.IntRange(min=1), default=1, show_default=True,
              help="WIP limit of every team, with --outcomes.")
@click.option("--method", type=click.Choice(["daily", "weekly", "bayes", "auto"]),
              default="daily", show_default=True,
              help="With --outcomes: how every team's past is sampled.")
@click.option("--window", type=click.IntRange(min=1), default=None,
              help="With --outcomes: calendar days of history to sample [default: 90].")
@click.option("--since", type=DATE, help="With --outcomes: sample the history from this date.")
@click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
              show_default=True, help="With --outcomes: which days are working days.")
@click.option("--holidays", "country", metavar="CC",
              help="With --outcomes: country code of public holidays (e.g. GB).")
@click.option("--start", type=DATE, help="First day [default: the file's start, else today].")
@click.option("--trials", type=click.IntRange(min=1), default=None,
              help="Monte Carlo trials [default: the file's, else 10000].")
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None,
              help="Seed [default: the file's, else fixed; shown in the output].")
@click.option("--percentiles", default=None, callback=lambda c, p, v: None if v is None
              else _percentiles(c, p, v), help="Levels to report [default: 50,70,85,95].")
@output_options("table", "csv", "json")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw one bar per outcome (P50..P95, P85, target) to .png or .svg.")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help="Append each outcome's forecast to a record CSV (see 'forecast trend').")
def plan(**opts: Any) -> None:
    """When does each outcome of a portfolio land, and will they all?

    Simulates every team and outcome together on one timeline per trial,
    with priorities, WIP limits, multi-team outcomes, dependencies, scope
    growth, risks and capacity calendars. Prints each outcome's dates at the
    percentiles, its chance of meeting its target and a status (on track at
    85% or more, watch from 50%, at risk below), then the joint chance that
    every target is met.

    \b
    Examples:
      forecast plan examples/portfolio.toml
      forecast plan examples/portfolio.toml --format csv -o out/plan.csv --plot out/plan.png
      forecast plan --outcomes examples/outcomes.csv --history examples/team.csv \\
          --start 2024-06-03
    """
    from .portfolio import plan as run
    from .portfolio import read_outcomes_csv, read_portfolio

    source, outcomes = opts["portfolio"], opts["outcomes"]
    if (source is None) == (outcomes is None):
        raise click.UsageError("give a portfolio TOML file, or --outcomes CSV with --history")
    if outcomes is not None and not opts["histories"]:
        raise click.UsageError("--outcomes needs --history TEAM=PATH for each team")
    if source is not None:
        ctx = click.get_current_context()
        given = [f"--{name.replace('_', '-')}" for name in
                 ("histories", "wip", "window", "since", "calendar", "country", "method")
                 if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
        if given:
            shown = ", ".join(g.replace("--histories", "--history")
                              .replace("--country", "--holidays") for g in given)
            raise click.UsageError(f"{shown} go with --outcomes; a TOML file sets them per team")
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
    histories = _history_pairs(opts["histories"])
    opts["protect"] = [source, outcomes, *histories.values()]
    _outputs(opts)  # cheap checks first: a wrong --output path fails before any reading
    if outcomes is not None:
        if "" in histories:
            histories = {"team": histories[""]}
        portfolio = read_outcomes_csv(
            outcomes, histories,
            window=90 if opts["window"] is None else opts["window"], since=opts["since"],
            wip=opts["wip"], method=opts["method"],
            history_options={"calendar": opts["calendar"], "holidays": opts["country"]},
        )
    else:
        portfolio = read_portfolio(source)
        opts["protect"] += [team.history.source for team in portfolio.teams]
        _outputs(opts)  # again, now that the histories the file names are known
    result = run(portfolio, start=opts["start"], trials=opts["trials"], rng=opts["seed"],
                 percentiles=opts["percentiles"])
    _emit(result, opts, lambda plots, r: plots.portfolio(r))


def main() -> None:
    """Entry point of the ``forecast`` console script."""
    cli(prog_name="forecast")
