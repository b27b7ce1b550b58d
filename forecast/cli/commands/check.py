"""``forecast check``: can this history be trusted? Data quality, drift, aging work."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from forecast.cli.inputs import read
from forecast.cli.options import (
    CONTEXT,
    METHOD_CHOICES,
    history_options,
    output_options,
    plot_option,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


@click.command(context_settings=CONTEXT)
@history_options
@output_options("table", "json")
@plot_option("the weekly throughput run chart (changes and the sampling window marked)")
@click.option("--method", type=click.Choice(METHOD_CHOICES), default="auto", show_default=True,
              help="Check the window a forecast with this --method samples: auto's is the one "
              "its backtest chooses (and its backtest is checked too); a fixed method's, 90 "
              "days.")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when any warning fires (for scheduled jobs).")
def check(**opts: Any) -> None:
    """Can this history be trusted? Data quality, drift, backtest, and aging work.

    Checks the window that 'forecast when' and 'how-many' sample with the
    same options: --window or --since when given, else the one --method auto
    chooses by the team's own backtest (the window line says which and why).
    Says how the file was read and which rows were used (notes, which never
    fail --strict), then reports the window's size and active days, long
    runs without a completion, outlier days, whether the window's halves
    agree, how often the backtest's stated 85% held (a warning under 75%),
    changes in weekly throughput over the whole history (a warning when one
    is inside the window or at its edge, with the --since that samples only
    the current regime), and items in progress older than the team's 85th
    percentile cycle time (needs a start column and rows without a done
    date). Exit status 0, or 1 with --strict when a warning fires.

    \b
    Example:
      forecast check examples/team.csv --start 2024-06-03 --plot out/throughput.png
      forecast check history.csv --strict --format json -o out/check.json
      forecast check history.csv --method daily --window 60   # a fixed window, no backtest
    """
    from forecast.forecasting.trust import check as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    check_outputs(opts)

    def compute(progress: Progress) -> dict[str, Any]:
        history = read(opts)
        result = run(history, start=opts["start"], window=opts["window"], since=opts["since"],
                     method=opts["method"])
        text = json.dumps(result.to_dict(), indent=2) + "\n" if opts["fmt"] == "json" else (
            str(result) + "\n")
        return render(result, opts, lambda plots, r: plots.throughput(
            history, changes=r.changes, window=r.sample), text=text)

    rendered = work("check", compute)
    finish(rendered, opts)
    if opts["strict"] and rendered["result"].warnings:
        sys.exit(1)

