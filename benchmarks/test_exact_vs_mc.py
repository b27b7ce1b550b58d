"""The exact engine against 100,000 Monte Carlo trials, on When and How-many.

- When: ``forecast.sampling.exact.when_pmf(counts, 50, 2600)`` against the parallel
  kernel ``forecast.sampling._kernels.when_days`` at 100k trials.
- How-many (20 working days): ``forecast.sampling.exact.how_many_pmf(counts, 20)``
  against ``forecast.sampling._kernels.how_many_totals`` at 100k trials, and the
  percentiles each engine gives through ``forecast.how_many``.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from conftest import HORIZON, HOW_MANY_DAYS, ITEMS, LEVELS, SEED, START, WINDOW

import forecast
from forecast.sampling import _kernels
from forecast.sampling.exact import how_many_pmf, when_pmf

TRIALS = 100_000


@pytest.fixture(scope="module")
def warm(counts):
    when_pmf(counts, ITEMS, HORIZON)
    how_many_pmf(counts, HOW_MANY_DAYS)
    _kernels.when_days(counts, ITEMS, HORIZON, np.uint64(SEED), 1000)
    _kernels.how_many_totals(counts, HOW_MANY_DAYS, np.uint64(SEED), 1000)
    return True


def test_when_exact(benchmark, warm, counts, rate):
    benchmark.group = "when: exact vs 100k-trial MC"
    pmf, beyond = benchmark.pedantic(
        when_pmf, args=(counts, ITEMS, HORIZON), rounds=500, iterations=1, warmup_rounds=5
    )
    assert beyond == 0.0 and abs(pmf.sum() - 1.0) < 1e-12
    rate(benchmark, "exact_when", None, None, last_day=int(np.flatnonzero(pmf)[-1]))


def test_when_mc_100k(benchmark, warm, counts, rate, count_team_days, history, record_agreement):
    benchmark.group = "when: exact vs 100k-trial MC"
    days = benchmark.pedantic(
        _kernels.when_days,
        args=(counts, ITEMS, HORIZON, np.uint64(SEED), TRIALS),
        rounds=100,
        iterations=1,
        warmup_rounds=2,
    )
    kwargs = dict(start=START, window=WINDOW, percentiles=LEVELS, method="daily")
    exact = forecast.when(history, ITEMS, engine="exact", **kwargs)
    mc = forecast.when(history, ITEMS, engine="mc", trials=TRIALS, rng=SEED, **kwargs)
    row = record_agreement(
        "when",
        f"MC kernel, {TRIALS:,} trials",
        {p: mc.percentile(p).value for p in LEVELS},
        {p: exact.percentile(p).value for p in LEVELS},
    )
    rate(benchmark, "kernel_parallel", TRIALS, count_team_days(days),
         threads=numba.get_num_threads(), diff_vs_exact=row["diff"])


def test_how_many_exact(benchmark, warm, counts, rate):
    benchmark.group = "how-many (20 days): exact vs 100k-trial MC"
    pmf = benchmark.pedantic(
        how_many_pmf, args=(counts, HOW_MANY_DAYS), rounds=500, iterations=1, warmup_rounds=5
    )
    assert abs(pmf.sum() - 1.0) < 1e-12
    rate(benchmark, "exact_how_many", None, None)


def test_how_many_mc_100k(benchmark, warm, counts, rate, history, record_agreement):
    benchmark.group = "how-many (20 days): exact vs 100k-trial MC"
    totals = benchmark.pedantic(
        _kernels.how_many_totals,
        args=(counts, HOW_MANY_DAYS, np.uint64(SEED), TRIALS),
        rounds=100,
        iterations=1,
        warmup_rounds=2,
    )
    assert totals.shape == (TRIALS,)
    # Agreement of the percentiles ("N or more") through the public API.
    kwargs = dict(days=HOW_MANY_DAYS, start=START, window=WINDOW, percentiles=LEVELS,
                  method="daily")
    exact = forecast.how_many(history, engine="exact", **kwargs)
    mc = forecast.how_many(history, engine="mc", trials=TRIALS, rng=SEED, **kwargs)
    row = record_agreement(
        "how-many",
        f"MC kernel, {TRIALS:,} trials",
        {p: mc.percentile(p).value for p in LEVELS},
        {p: exact.percentile(p).value for p in LEVELS},
    )
    rate(benchmark, "kernel_how_many", TRIALS, TRIALS * HOW_MANY_DAYS,
         threads=numba.get_num_threads(), diff_vs_exact=row["diff"])
