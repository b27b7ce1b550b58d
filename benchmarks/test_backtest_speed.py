"""Speed of a full backtest on a ten-year daily history.

Ten years of weekdays (2,610) with Poisson(2) completions from a fixed seed;
3 methods x 3 windows x 3 horizons, origins every 7 days. Daily and weekly
use the exact engine; bayes runs Monte Carlo (2,000 trials per forecast).
"""

from __future__ import annotations

import numpy as np
import pytest

import forecast
from forecast.evaluation.backtest import backtest


@pytest.fixture(scope="module")
def ten_years() -> forecast.History:
    counts = np.random.default_rng(10).poisson(2.0, 2610)
    dates = np.busday_offset(np.datetime64("2014-01-06"), np.arange(2610), roll="forward")
    return forecast.History.from_counts(dates, counts)


@pytest.mark.parametrize("methods", [("daily", "weekly"), ("daily", "weekly", "bayes")],
                         ids=["exact methods", "with bayes"])
def test_backtest_ten_years(benchmark, ten_years, methods):
    backtest(ten_years, methods=("daily",), windows=(30,), horizons=(10,))  # warm the JIT
    result = benchmark.pedantic(
        backtest, args=(ten_years,),
        kwargs={"methods": methods, "windows": (30, 90, 180), "horizons": (10, 20, 40)},
        rounds=1, iterations=1,
    )
    benchmark.extra_info["origins"] = len(result.origins)
    benchmark.extra_info["forecasts"] = sum(s.origins for s in result.scores)
    assert len(result.origins) > 450  # ten years less the longest window and horizon
