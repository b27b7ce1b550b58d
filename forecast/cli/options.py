"""The command line's shared vocabulary: option decorators, types and error spelling.

The choices are written out here (sources, methods) so that ``--help`` and
argument errors import neither numpy nor pandas; tests check that they
agree with the library's lists. :func:`spell` writes a parameter that an
error names as the user gave it: a flag, or a key of the TOML portfolio.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

SOURCES = ("auto", "generic", "jira", "ado", "github", "linear")
"""Choices of --source: :func:`forecast.io.trackers.sources`, written out here so that
``--help`` imports neither numpy nor pandas (a test checks that both lists agree)."""

METHOD_NAMES = ("daily", "weekly", "bayes", "weighted")
"""The sampling methods: the keys of :data:`forecast.sampling.methods.METHODS`, written out
here so that ``--help`` imports no numpy (a test checks that both lists agree)."""

METHOD_CHOICES = (*METHOD_NAMES, "auto")
"""Choices of --method: a sampling method, or auto (the team's own backtest chooses)."""


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

MAX_ITEMS = 10_000_000
"""The most items a count takes (--items, --wip): :data:`forecast.core.checks.MAX_ITEMS`,
written out here so that argument errors import no numpy (a test checks that both agree)."""

MAX_TRIALS = 100_000_000
"""The most Monte Carlo trials: :data:`forecast.core.checks.MAX_TRIALS`, written out here
(a test checks that both agree)."""

MAX_DAYS = 36_525
"""The most days a span option takes (--window, --step, --days, --windows, --horizons,
--slip-days): 100 years, :data:`forecast.core.history.MAX_WINDOW` (a test checks)."""


class Whole(click.ParamType):
    """A whole number from ``minimum`` to ``maximum``, refused in one line naming the range.

    Unlike :class:`click.IntRange`, it says what is wrong with an empty value, a
    fraction, ``nan`` or ``inf`` ("is not a whole number"), and it has an upper
    bound, so that a huge value never reaches compiled code as an overflow.
    """

    name = "INTEGER"

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def _range(self) -> str:
        return f"give a whole number from {self.minimum:,} to {self.maximum:,}"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:  # noqa: D102
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().replace("_", "")
            if not text:
                self.fail(f"the value is empty; {self._range()}", param, ctx)
            try:
                number = int(text)
            except ValueError:
                self.fail(f"{str(value)!r} is not a whole number; {self._range()}", param, ctx)
        if number < self.minimum:
            self.fail(f"{number:,} is less than {self.minimum:,}; {self._range()}", param, ctx)
        if number > self.maximum:
            self.fail(f"{number:,} is more than {self.maximum:,}; {self._range()}", param, ctx)
        return number

    def __repr__(self) -> str:
        return f"Whole({self.minimum}, {self.maximum})"


ITEMS = Whole(1, MAX_ITEMS)
TRIALS = Whole(1, MAX_TRIALS)
SEED = Whole(0, 2**64 - 1)
SPAN = Whole(1, MAX_DAYS)


class File(click.Path):
    """A path, refused when empty (``Path("")`` would be the current folder, '.')."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:  # noqa: D102
        if isinstance(value, str) and not value.strip():
            self.fail("the path is empty; give a file", param, ctx)
        return super().convert(value, param, ctx)


def percentiles(ctx: Any, param: Any, value: str) -> tuple[float, ...]:
    """Parse --percentiles: levels separated by commas, each > 0 and <= 100."""
    if not value.replace(",", "").strip():
        raise click.BadParameter("the value is empty; give levels such as 50,70,85,95")
    try:
        levels = tuple(float(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} must be numbers separated by commas, such as 50,70,85,95"
        ) from None
    bad = [p for p in levels if not 0 < p <= 100]  # nan and inf are out of range too
    if bad:
        raise click.BadParameter(f"{value!r}: each level must be > 0 and <= 100, such as 85")
    return levels


def output_options(*formats: str) -> Callable[..., Any]:
    """Return the --format and -o/--output options, shared by every command."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("-o", "--output", type=File(path_type=Path),
                            help="Write to this file (atomically); '-' for stdout.")(func)
        return click.option(
            "--format", "fmt", type=click.Choice(list(formats)), default=None,
            help="Output format [default: from the --output suffix, else table].")(func)

    return decorate


def _reading_options(skip: tuple[str, ...] = ()) -> list[Callable[..., Any]]:
    """Options that say how to read a history and which window to sample."""
    window = [] if "window" in skip else [
        click.option("--window", type=SPAN, default=None,
                     help="Calendar days of history before the start to sample "
                     "[default: 90, or what --method auto chooses]."),
        click.option("--since", type=DATE, help="Sample the history from this date instead."),
    ]
    return [
        click.option("--start", type=DATE, help="First day of the forecast [default: today]."),
        *window,
        click.option("--source", "tracker", type=click.Choice(SOURCES), default="auto",
                     show_default=True,
                     help="Which tool exported the history: auto recognises Jira, Azure "
                     "DevOps (ado), GitHub (gh --json) and Linear exports by their columns; "
                     "generic reads any CSV by its done-date column."),
        click.option("--done-column", metavar="NAME",
                     help="The done-date column, when it is not found by name."),
        click.option("--date-format", metavar="FMT",
                     help="strptime format of the dates, e.g. '%d/%m/%Y' [default: detect]."),
        click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
                     show_default=True, help="Which days are working days."),
        click.option("--holidays", "country", metavar="CC",
                     help="Country code whose public holidays are non-working (e.g. GB)."),
        click.option("--holidays-file", type=File(path_type=Path),
                     help="A file of non-working dates, one YYYY-MM-DD per line."),
        click.option("--exclude-type", multiple=True, metavar="TYPE",
                     help="Leave out items of this type (repeatable)."),
    ]


def _apply(func: Callable[..., Any], options: list[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        func = option(func)
    return func


def reading_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the reading options alone (for a command whose argument is not a history)."""
    return _apply(func, _reading_options())


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the HISTORY argument and the options that say how to read it."""
    options = [click.argument("history", type=File(dir_okay=True, path_type=Path)),
               *_reading_options()]
    return _apply(func, options)


def history_options_but(*names: str) -> Callable[..., Any]:
    """Return :func:`history_options` without --window and --since (``"window"``).

    The backtest tries its own windows, so those options would do nothing there.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [click.argument("history", type=File(dir_okay=True, path_type=Path)),
                   *_reading_options(skip=names)]
        return _apply(func, options)

    return decorate


def plot_option(what: str) -> Callable[..., Any]:
    """Return the --plot option of a command that draws ``what``."""
    return click.option("--plot", type=File(dir_okay=False, path_type=Path),
                        help=f"Also draw {what} to this file (.png or .svg, by its suffix).")


def run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the questions: engine, trials, seed and outputs."""
    options = [
        click.option("--percentiles", default="50,70,85,95", show_default=True,
                     callback=percentiles, help="Levels to report."),
        click.option("--method", type=click.Choice(METHOD_CHOICES),
                     default="auto", show_default=True,
                     help="Sample single working days, whole weeks (keeps batching), days "
                     "with Bayesian-bootstrap weights (wider on thin data), the same weights "
                     "favouring recent days (weighted: half-life 10 working days), or auto: "
                     "the team's own backtest keeps weighted over 180 days unless another "
                     "method and window scored clearly better, and recalibrates the answer "
                     "by the team's past outcomes."),
        click.option("--engine", type=click.Choice(["auto", "exact", "mc"]), default="auto",
                     show_default=True,
                     help="exact: convolution, no noise; mc: numba Monte Carlo."),
        click.option("--trials", type=TRIALS, default=10_000, show_default=True,
                     help="Monte Carlo trials."),
        click.option("--seed", type=SEED, default=None,
                     help="Monte Carlo seed [default: fixed, shown in the output]."),
        plot_option("the distribution"),
        click.option("--record", type=File(dir_okay=False, path_type=Path),
                     help="Append this forecast to a record CSV (see 'forecast trend')."),
        click.option("--name", help="The outcome's name in the --record and --distribution "
                     "files."),
    ]
    for option in reversed(options):
        func = option(func)
    return output_options("table", "csv", "json")(func)


DISTRIBUTION_HELP = ("Also write the chance of being done by each working date to this CSV "
                     "(columns outcome, date, probability).")


def given_flags(names: tuple[str, ...]) -> list[str]:
    """Return the long flags of the options among ``names`` that the command line set."""
    ctx = click.get_current_context()
    flags = []
    for param in ctx.command.params:
        if (param.name in names and isinstance(param, click.Option)
                and ctx.get_parameter_source(param.name or "")
                == click.core.ParameterSource.COMMANDLINE):
            flags.append(max(param.opts, key=len))
    return flags


_PER_TEAM = ("histories", "wip", "window", "since", "calendar", "country", "method", "tracker",
             "done_column", "date_format", "holidays_file", "exclude_type")
"""Options that a TOML portfolio sets per team (they go with --outcomes)."""

_TOML_KEY = {"histories": "history", "country": "holidays", "tracker": "source",
             "holidays_file": "holidays", "exclude_type": "exclude_types"}
"""The [[team]] key of a TOML portfolio that does what a per-team option does."""


def refuse_per_team_options() -> None:
    """Refuse, beside a TOML portfolio, the options that its [[team]] tables set."""
    ctx = click.get_current_context()
    given = given_flags(_PER_TEAM)
    if given:
        names = [p.name or "" for p in ctx.command.params
                 if isinstance(p, click.Option) and max(p.opts, key=len) in given]
        keys = ", ".join(dict.fromkeys(_TOML_KEY.get(n, n) for n in names))
        verb = "goes" if len(given) == 1 else "go"
        raise click.UsageError(f"{', '.join(given)} {verb} with --outcomes; a TOML portfolio "
                               f"sets this per team ({keys} in its [[team]] tables)")


ROUTE: dict[str, Any] = {}
"""Where the parameters of this run came from, for the spelling of errors: ``toml`` is
set while a TOML portfolio's values are used, ``given`` holds the library keywords that
the command line set itself (its flags win over the file's keys)."""

_FLAG = {"tracker": "--source", "rng": "--seed", "exclude_types": "--exclude-type",
         "histories": "--history", "holidays": "--holidays"}
"""The command line's flag of a library keyword, where it is not ``--`` plus the keyword."""

KEYWORD = {"seed": "rng", "country": "holidays", "exclude_type": "exclude_types"}
"""The library keyword of a command-line option, where the names differ."""

_TOML = {"tracker": "source", "histories": "history", "rng": "seed"}
"""The TOML key of a library keyword, where the names differ."""

_TOML_KEYS = frozenset({"window", "since", "method", "wip", "done_column", "date_format",
                        "exclude_types", "calendar", "holidays", "tracker", "histories",
                        "start", "trials", "rng", "percentiles"})
"""Library keywords that a TOML portfolio sets (per team, or at the top)."""


def spell(name: str, value: str | None) -> str:
    """Spell a parameter an error refers to as the user gave it: a flag, or a TOML key."""
    if ROUTE.get("toml") and name in _TOML_KEYS and name not in ROUTE.get("given", ()):
        key = _TOML.get(name, name)
        if value is None:
            return key
        plain = value.replace("-", "").replace(".", "").isdigit()
        return f"{key} = {value}" if plain else f'{key} = "{value}"'
    flag = _FLAG.get(name, "--" + name.replace("_", "-"))
    if value is None:
        return "--history TEAM=PATH" if name == "histories" else flag
    return f"{flag} {value}"

