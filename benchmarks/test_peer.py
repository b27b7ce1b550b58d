"""Our When against the peer package ``montecarlo-swe-probability`` (``montecarlo_swe``).

Same question: 50 items from Monday 2024-06-03, drawing daily throughput from
the same 90-day sample.

- ``peer``: ``montecarlo_swe.simulation.forecast_date`` with 10,000 trials,
  given a ``ThroughputMetrics`` whose ``working_days_throughput`` is our sample;
- ``when_default``: ``forecast.when(history, 50, start=..., method="daily")``
  end to end from an already-read History: the peer's model (independent days
  of the 90-day window), engine ``auto``, i.e. exact;
- ``when_auto``: ``forecast.when(history, 50, start=...)`` with every default
  (``method="auto"``: the team's backtest over the year before the start,
  then the chosen configuration's forecast), which answers with another model
  and so is timed but not compared for agreement;
- ``when_mc``: the same with ``engine="mc"`` and 10,000 trials (equal trials).

Agreement: each engine's P50/P85/P95 in working days minus the exact
engine's (``forecast.when(..., engine="exact")``).
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ITEMS, LEVELS, SEED, START, WINDOW

import forecast

montecarlo_swe = pytest.importorskip("montecarlo_swe")
from montecarlo_swe.metrics import ThroughputMetrics  # noqa: E402
from montecarlo_swe.simulation import SimulationConfig, forecast_date  # noqa: E402

TRIALS = 10_000
GROUP = "when: ours vs peer montecarlo-swe-probability"


@pytest.fixture(scope="module")
def exact_days(exact_when_days):
    return exact_when_days


@pytest.fixture(scope="module")
def peer_metrics(history):
    sample = history.sample(START, window=WINDOW)
    values = [int(c) for c in sample.counts]
    return ThroughputMetrics(
        daily_throughput=values,
        working_days_throughput=values,
        date_range=(sample.first, sample.last),
        total_items=sum(values),
        total_days=len(values),
        total_working_days=len(values),
    )


def test_peer_when(benchmark, peer_metrics, exact_days, rate, count_team_days,
                   record_agreement):
    benchmark.group = GROUP
    config = SimulationConfig(num_simulations=TRIALS, confidence_levels=LEVELS,
                              exclude_weekends=True, random_seed=SEED)
    result = benchmark.pedantic(
        forecast_date, args=(peer_metrics, ITEMS, START, config),
        rounds=3, iterations=1, warmup_rounds=1,
    )
    row = record_agreement(
        "when", f"peer montecarlo_swe, {TRIALS:,} trials",
        {p: result.percentiles[p] for p in LEVELS}, exact_days,
    )
    rate(benchmark, "peer", TRIALS, count_team_days(result.days_distribution),
         diff_vs_exact=row["diff"], percentiles=row["values"], exact=exact_days)


def test_when_default(benchmark, history, exact_days, rate, record_agreement):
    benchmark.group = GROUP
    forecast.when(history, ITEMS, start=START, method="daily")  # load the compiled kernels

    def ask():
        return forecast.when(history, ITEMS, start=START, method="daily")

    result = benchmark.pedantic(ask, rounds=300, iterations=1, warmup_rounds=5)
    assert result.engine == "exact"
    row = record_agreement(
        "when", "forecast.when method=daily (engine auto: exact)",
        {p: result.percentile(p).value for p in LEVELS}, exact_days,
    )
    rate(benchmark, "when_default", None, None, engine=result.engine,
         diff_vs_exact=row["diff"], percentiles=row["values"], exact=exact_days)


def test_when_auto(benchmark, history, rate):
    # cold: each round asks about a History object of its own, so that none reuses the
    # backtest scores the previous round kept with its history (see test_when_auto_warm)
    benchmark.group = GROUP
    forecast.when(dataclasses.replace(history), ITEMS, start=START)  # load the kernels

    def fresh():
        return (dataclasses.replace(history),), {}

    def ask(h):
        return forecast.when(h, ITEMS, start=START)

    result = benchmark.pedantic(ask, setup=fresh, rounds=20, iterations=1, warmup_rounds=1)
    assert any(w.startswith("method auto chose") for w in result.warnings)
    assert result.engine == "exact"
    rate(benchmark, "when_auto", None, None, engine=result.engine, method=result.method)


def test_when_auto_warm(benchmark, history, rate):
    # the same question again about the same History object: auto's backtest reuses its
    # scores (a service or a rolling evaluation asking about one team repeatedly)
    benchmark.group = GROUP
    forecast.when(history, ITEMS, start=START)

    def ask():
        return forecast.when(history, ITEMS, start=START)

    result = benchmark.pedantic(ask, rounds=20, iterations=1, warmup_rounds=1)
    rate(benchmark, "when_auto_warm", None, None, engine=result.engine, method=result.method)


def test_when_mc(benchmark, history, exact_days, rate, count_team_days, record_agreement):
    benchmark.group = GROUP
    # load the kernels
    forecast.when(history, ITEMS, start=START, engine="mc", trials=100, method="daily")

    def ask():
        return forecast.when(history, ITEMS, start=START, engine="mc", trials=TRIALS, rng=SEED,
                             method="daily")

    result = benchmark.pedantic(ask, rounds=100, iterations=1, warmup_rounds=2)
    assert result.engine == "mc"
    row = record_agreement(
        "when", f"forecast.when engine=mc, {TRIALS:,} trials",
        {p: result.percentile(p).value for p in LEVELS}, exact_days,
    )
    rate(benchmark, "when_mc", TRIALS, count_team_days(result.draws, result.horizon),
         engine=result.engine, diff_vs_exact=row["diff"], percentiles=row["values"],
         exact=exact_days)
