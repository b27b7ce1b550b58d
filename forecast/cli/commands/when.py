"""``forecast when``: when will N items be done?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from forecast.cli.inputs import question_kwargs, read
from forecast.cli.options import (
    CONTEXT,
    DATE,
    DISTRIBUTION_HELP,
    ITEMS,
    File,
    history_options,
    run_options,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


@click.command(context_settings=CONTEXT)
@history_options
@click.option("-n", "--items", type=ITEMS, required=True,
              help="Items still to do (>= 1).")
@click.option("--target", type=DATE, help="Report the chance of being done on or before it.")
@run_options
@click.option("--plot-kind", type=click.Choice(["histogram", "burnup", "calendar"]),
              default="histogram", show_default=True,
              help="What --plot draws: the chance of finishing on each day; a burn-up (the "
              "history, then the forecast's fan up to the backlog); or a calendar of the "
              "chance of being done by each day.")
@click.option("--distribution", type=File(dir_okay=False, path_type=Path),
              metavar="FILE.csv", help=DISTRIBUTION_HELP)
def when(**opts: Any) -> None:
    """When will N items be done?

    Prints the date by which each percentile of outcomes is done: P85 is the
    earliest date by which 85% of outcomes have finished.

    \b
    Example:
      forecast when examples/team.csv --items 40 --start 2024-06-03 \\
          --target 2024-07-31 --plot out/when.png
      forecast when examples/team.csv --items 40 --start 2024-06-03 \\
          --plot out/burnup.png --plot-kind burnup --distribution out/when-by-date.csv
    """
    from forecast.forecasting.questions import when as ask

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    check_outputs(opts)

    def compute(progress: Progress) -> dict[str, Any]:
        history = read(opts)
        result = ask(history, opts["items"], target=opts["target"], **question_kwargs(opts))
        draw = {"histogram": lambda plots, r: plots.when(r),
                "burnup": lambda plots, r: plots.burnup(history, r),
                "calendar": lambda plots, r: plots.calendar(r)}[opts["plot_kind"]]
        return render(result, opts, draw, distribution=lambda r: r.distribution(opts["name"]))

    finish(work("when", compute), opts)

