"""``forecast how-many``: how many items will be done by a date, or in D working days?"""

from __future__ import annotations

from typing import Any

import click

from forecast.cli.inputs import question_kwargs, read
from forecast.cli.options import (
    CONTEXT,
    DATE,
    SPAN,
    history_options,
    run_options,
)
from forecast.cli.outputs import check_outputs, finish, render
from forecast.cli.runtime import Progress, work


@click.command(name="how-many", context_settings=CONTEXT)
@history_options
@click.option("--by", type=DATE, help="Count working days from day 1 through this date.")
@click.option("--days", type=SPAN, help="Or: the number of working days.")
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
    from forecast.forecasting.questions import how_many as ask

    if (opts["by"] is None) == (opts["days"] is None):
        raise click.UsageError("give exactly one of --by DATE or --days D")
    opts["protect"] = [opts["history"], opts["holidays_file"]]
    check_outputs(opts)

    def compute(progress: Progress) -> dict[str, Any]:
        result = ask(read(opts), by=opts["by"], days=opts["days"], **question_kwargs(opts))
        return render(result, opts, lambda plots, r: plots.how_many(r))

    finish(work("how-many", compute), opts)

