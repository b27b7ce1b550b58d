"""``forecast backtest``: how often did the forecast's "85%" hold on the team's past?"""

from __future__ import annotations

from typing import Any

import click

from forecast.cli.inputs import read
from forecast.cli.options import (
    CONTEXT,
    MAX_DAYS,
    METHOD_NAMES,
    SPAN,
    history_options_but,
    output_options,
    plot_option,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


def _ints(ctx: Any, param: Any, value: str | None) -> tuple[int, ...] | None:
    if value is None:  # not given: the library's defaults, less those the history cannot fit
        return None
    try:
        numbers = tuple(int(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(f"{value!r} must be whole numbers separated by commas") from None
    if not numbers:
        raise click.BadParameter("the value is empty; give whole numbers such as 30,90")
    if min(numbers) <= 0 or max(numbers) > MAX_DAYS:
        raise click.BadParameter(f"{value!r}: each must be a whole number from 1 to "
                                 f"{MAX_DAYS:,}")
    return numbers


def _backtest_figure(plots: Any, result: Any) -> Any:
    """Two panels: the reliability diagram and the PIT histogram of the recommended method."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.6),
                                      gridspec_kw={"width_ratios": [1.0, 1.3]})
    plots.reliability(result, ax=left)
    plots.pit(result, ax=right)
    fig.tight_layout()
    return left


@click.command(context_settings=CONTEXT)
@history_options_but("window")
@click.option("--methods", default=",".join(METHOD_NAMES), show_default=True,
              help="Sampling methods to score.")
@click.option("--windows", callback=_ints,
              help="Window lengths to score, in calendar days.  [default: 30,60,90,180, less "
                   "those too long for the history]")
@click.option("--horizons", callback=_ints,
              help="How-many horizons, in working days.  [default: 10,20,40, less those too "
                   "long for the history]")
@click.option("--step", type=SPAN, default=7, show_default=True,
              help="Calendar days between origins.")
@output_options("table", "csv", "json")
@plot_option("a reliability diagram (stated against observed coverage) beside the PIT "
             "histogram")
def backtest(**opts: Any) -> None:
    """How often did the forecast's "85%" really hold on this team's past?

    At origins every --step days, each method and window forecasts from the
    data before the origin only, for each horizon, and is compared with what
    happened. Prints the ranking (relative CRPS), the recommended
    configuration, and the share of origins where the P85 statements held in
    both directions beside the standard forecast (daily, 30 days).

    Without --windows or --horizons, a short history scores the defaults
    that fit it (10 origins after the longest window, before the longest
    horizon), dropping the longest windows first, then the longest horizons,
    and a note says which were used and why; those given must all fit.

    \b
    Example:
      forecast backtest examples/team.csv
      forecast backtest history.csv --windows 30,90 --horizons 20 --plot out/reliability.png
    """
    from forecast.evaluation.backtest import backtest as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    check_outputs(opts)
    methods = tuple(m.strip() for m in opts["methods"].split(",") if m.strip())

    def compute(progress: Progress) -> dict[str, Any]:
        result = run(read(opts), start=opts["start"], methods=methods,
                     windows=opts["windows"], horizons=opts["horizons"], step=opts["step"],
                     progress=progress.update)
        return render(result, opts, _backtest_figure)

    finish(work("backtest", compute), opts)

