"""``forecast trend``: how did the forecasts in a record file move?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from forecast.cli.options import (
    CONTEXT,
    MAX_DAYS,
    File,
    Whole,
    output_options,
    plot_option,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


@click.command(context_settings=CONTEXT)
@click.argument("records", type=File(path_type=Path))
@click.option("--slip-days", type=Whole(0, MAX_DAYS), default=5, show_default=True,
              help="Flag a P85 that moves later by more than this many days.")
@output_options("table", "json")
@plot_option("each outcome's P85 date over time against its target")
def trend(**opts: Any) -> None:
    """How did the forecasts move? P85 dates and chances across records.

    Reads a record file written with --record by when, how-many, plan or
    report, and shows per outcome how its P85 date and its chance of
    meeting the target moved between records, flagging slips larger than
    --slip-days. A row cut short by an interrupted write is reported and
    skipped.

    \b
    Example:
      forecast plan examples/portfolio.toml --record out/record.csv
      forecast trend out/record.csv --plot out/trend.png
    """
    from forecast.io.records import trend as run

    opts["protect"] = [opts["records"]]
    check_outputs(opts)

    def compute(progress: Progress) -> dict[str, Any]:
        result = run(opts["records"], slip_days=opts["slip_days"])
        return render(result, opts, lambda plots, r: plots.trend(r))

    finish(work("trend", compute), opts)

