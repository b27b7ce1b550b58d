"""What the default costs: ``method="auto"`` for a 50-team plan, a rolling evaluation, the CLI.

- ``plan_auto_50``: :func:`forecast.forecasting.plan.plan_arrays` for the
  portfolio-scale benchmark's 50 teams and 1,000 outcomes, unpinned
  (``method="auto"``, no window), with two years of Poisson(2) history per
  team (the scale benchmark's own 90 days are too short for a backtest, and
  auto would only fall back): the time spent choosing each team's method and
  window, then building the kernel's arrays. Each round gets fresh History
  objects, so no team reuses the scores a previous round kept.
- ``rolling_500``: the rolling evaluation that ``benchmarks/calibration.py``
  makes, ``forecast.how_many(history, days=20, start=origin)`` with every
  default at each of 500 weekly origins of one history (ten years of
  Poisson days with a level that drifts), in origin order; reported as
  forecasts per second.
- ``cli_*``: wall time of one command in a fresh process, against the import
  floor (``python -c "import numpy, pandas, numba"``: what any command imports) in the
  same run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import portfolio_data as pdata
import pytest
from conftest import ROOT

import forecast
from forecast.forecasting.plan import plan_arrays

BIN = Path(sys.executable).parent


def long_history(rng: np.random.Generator, days: int, rate: float) -> forecast.History:
    first = pdata.START - dt.timedelta(days=days)
    span = np.arange(np.datetime64(first, "D"), np.datetime64(pdata.START, "D"))
    span = span[np.is_busday(span)]
    level = rate * np.exp(np.cumsum(rng.normal(0, 0.01, span.size)))  # a drifting pace
    return forecast.History.from_counts(span, rng.poisson(level), source="synthetic")


@pytest.fixture(scope="module")
def unpinned():
    base = pdata.build(50, 1000)
    rng = np.random.default_rng(11)
    teams = tuple(dataclasses.replace(t, history=long_history(rng, 730, 2.0), method="auto",
                                      window=None) for t in base.teams)
    return dataclasses.replace(base, teams=teams)


def test_plan_auto_50(benchmark, unpinned, rate):
    benchmark.group = "auto: choosing methods for a 50-team plan"
    plan_arrays(unpinned, pdata.START, pdata.HORIZON)  # load the kernels

    def fresh():
        teams = tuple(dataclasses.replace(t, history=dataclasses.replace(t.history))
                      for t in unpinned.teams)
        return (dataclasses.replace(unpinned, teams=teams), pdata.START, pdata.HORIZON), {}

    arrays = benchmark.pedantic(plan_arrays, setup=fresh, rounds=3, iterations=1)
    chose = [a for a in arrays["auto"] if a is not None and a.result is not None]
    assert len(chose) == 50  # every team ran its backtest
    rate(benchmark, "plan_auto_50", None, None, teams=50)


def test_rolling_500(benchmark, rate):
    benchmark.group = "auto: rolling evaluation, 500 weekly origins"
    rng = np.random.default_rng(5)
    first = dt.date(2014, 1, 6)
    span = np.arange(np.datetime64(first, "D"), np.datetime64(first, "D") + 3900)
    span = span[np.is_busday(span)]
    level = 3.0 * np.exp(np.cumsum(rng.normal(0, 0.01, span.size)))
    counts = rng.poisson(level)
    origins = [first + dt.timedelta(days=400 + 7 * i) for i in range(500)]

    def fresh():
        return (forecast.History.from_counts(span, counts, source="synthetic"),), {}

    def evaluate(history):
        return [forecast.how_many(history, days=20, start=o).percentile(85).value
                for o in origins]

    found = benchmark.pedantic(evaluate, setup=fresh, rounds=1, iterations=1)
    assert len(found) == 500
    median = benchmark.stats.stats.median if benchmark.stats is not None else None
    rate(benchmark, "rolling_500", None, None, forecasts=500,
         forecasts_per_s=500 / median if median else None)


def run(args: list[str]) -> None:
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def out_dir():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


COMMANDS = {
    "cli_import_floor": [sys.executable, "-c", "import numpy, pandas, numba"],
    "cli_when": [str(BIN / "forecast"), "when", "examples/team.csv", "--items", "40",
                 "--start", "2024-06-03"],
    "cli_report": [str(BIN / "forecast"), "report", "examples/portfolio.toml", "--output",
                   "{out}/report.html"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_cli(benchmark, name, out_dir, rate):
    benchmark.group = "CLI: one command in a fresh process"
    args = [a.replace("{out}", str(out_dir)) for a in COMMANDS[name]]
    run(args)  # warm the disk cache and numba's
    benchmark.pedantic(run, args=(args,), rounds=5, iterations=1)
    rate(benchmark, name, None, None, command=" ".join(COMMANDS[name][1:]))
