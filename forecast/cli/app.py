"""The ``forecast`` command line: the click group, its commands, and errors in one line.

Only :mod:`click` is imported at module level, here and in the modules this
one imports (:mod:`.options`, :mod:`.runtime`, :mod:`.outputs`,
:mod:`.inputs` and one module per command in :mod:`.commands`, each added
to the group below); the library (pandas, numba) is imported inside the
commands, so ``forecast --help`` and argument errors are instant and never
load numba.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from forecast.cli.commands import backtest, check, how_many, plan, report, trend, when
from forecast.cli.options import CONTEXT, ROUTE, spell
from forecast.cli.runtime import finished, interrupted, reset, take_over_sigint


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"forecast: error: {message}", err=True)
    sys.exit(code)


class _Interrupted(click.ClickException):
    """Ctrl-C while a command ran."""

    exit_code = 130


class _Group(click.Group):
    """A group that reports every user error as one line on stderr, status 2."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: D102
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # caught here, before click turns it into Abort after printing a blank line
            raise _Interrupted("interrupted") from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        from forecast.exceptions import ForecastError

        kwargs["standalone_mode"] = False
        reset()
        ROUTE.clear()
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
        except _Interrupted:
            interrupted()
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except ForecastError as exc:
            _fail(exc.render(spell))
        except (click.exceptions.Abort, KeyboardInterrupt):
            interrupted()
        finished()
        sys.exit(0)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="delivery-forecast", prog_name="forecast")
def cli() -> None:
    """Forecast delivery from a team's own history of completed items.

    Every answer is a distribution, summarised by percentiles. Dates count in
    working days: day 1 is the first working day on or after --start. A
    history is a CSV of completed items or a tracker's export (Jira, Azure
    DevOps, GitHub, Linear), recognised by its columns.

    \b
    Examples:
      forecast when examples/team.csv --items 40 --start 2024-06-03
      forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03
      forecast plan examples/portfolio.toml --format csv -o out/plan.csv
      forecast report examples/portfolio.toml -o out/report.html
    """


for command in (when.when, how_many.how_many, check.check, backtest.backtest, trend.trend,
                plan.plan, report.report):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``forecast`` console script.

    It first takes SIGINT over (:func:`forecast.cli.runtime.take_over_sigint`),
    so that a Ctrl-C while the command imports the library (numpy, pandas,
    numba), as during the work, ends in the one line and status 130. The
    console script enters through :func:`forecast.cli.main`, which answers a
    Ctrl-C the same way while this module (and click) are imported; only
    Python's own start-up, before that runs, keeps Python's handler. A SIGINT
    that was ignored when the process started (a background job of a shell
    without job control) stays ignored, as in any Unix program.
    """
    take_over_sigint()
    cli(prog_name="forecast")

