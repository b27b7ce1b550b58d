"""Monte Carlo against the exact engine, within the precision the engine reports.

With n trials, the reported 99% interval of a percentile comes from the order
statistics around its rank (k +/- 2.576 sqrt(n q (1 - q))), so it depends only
on the trial count. The exact percentile must fall inside it. Likelihoods must
agree within 3 standard errors, sqrt(p (1 - p) / n).
"""

import datetime as dt
import math

import numpy as np
import pytest
from conftest import daily

import forecast

TRIALS = 100_000
START = dt.date(2024, 6, 3)


def histories(data_dir):
    return {
        "synthetic": (daily("2024-03-01", [0, 1, 2, 0, 3, 5, 0, 0, 1, 2, 2, 0, 1]), 13, 30),
        "bulk closes": (daily("2024-03-01", [0] * 9 + [12] + [0, 1]), 12, 25),
        "ado (real)": (forecast.read_history(data_dir / "ado-flowmetrics.csv"), 90, 40),
        "jira P1 (real)": (forecast.read_history(data_dir / "jira-p1.csv"), 180, 120),
    }


def start_for(history, name):
    if name == "jira P1 (real)":
        return dt.date(2017, 7, 3)  # the team's busiest half-year
    if name.endswith("(real)"):
        return history.last + dt.timedelta(days=1)
    return dt.date(2024, 3, 1) + dt.timedelta(days=len(history.counts) + 20)


@pytest.mark.parametrize("name", ["synthetic", "bulk closes", "ado (real)", "jira P1 (real)"])
def test_when_mc_agrees_with_exact(data_dir, name):
    history, window, items = histories(data_dir)[name]
    start = start_for(history, name)
    if not name.endswith("(real)"):
        window = len(history.counts) + 20
    kw = dict(start=start, window=window, percentiles=(10, 50, 70, 85, 95), method="daily")
    exact = forecast.when(history, items, engine="exact", **kw)
    mc = forecast.when(history, items, engine="mc", trials=TRIALS, rng=2024, **kw)
    for pe, pm in zip(exact.percentiles(), mc.percentiles(), strict=True):
        assert pm.low <= pe.value <= pm.high, (name, pe.p, pe.value, pm)
        assert pm.se <= (pm.high - pm.low) / 2
    for pc in exact.percentiles():
        target = pc.date
        p_exact = exact.likelihood(target)
        se = math.sqrt(p_exact * (1 - p_exact) / TRIALS)
        assert abs(mc.likelihood(target) - p_exact) <= 3 * se + 1e-12, (name, target)


@pytest.mark.parametrize("name", ["synthetic", "bulk closes", "ado (real)", "jira P1 (real)"])
def test_how_many_mc_agrees_with_exact(data_dir, name):
    history, window, _ = histories(data_dir)[name]
    start = start_for(history, name)
    if not name.endswith("(real)"):
        window = len(history.counts) + 20
    kw = dict(start=start, window=window, days=20, percentiles=(10, 50, 70, 85, 95),
              method="daily")
    exact = forecast.how_many(history, engine="exact", **kw)
    mc = forecast.how_many(history, engine="mc", trials=TRIALS, rng=7, **kw)
    for pe, pm in zip(exact.percentiles(), mc.percentiles(), strict=True):
        assert pm.low <= pe.value <= pm.high, (name, pe.p, pe.value, pm)
    for n in {pc.value for pc in exact.percentiles()}:
        p_exact = exact.likelihood(n)
        se = math.sqrt(p_exact * (1 - p_exact) / TRIALS)
        assert abs(mc.likelihood(n) - p_exact) <= 3 * se + 1e-12, (name, n)


def test_constant_throughput_monte_carlo():
    h = daily("2024-06-03", [1] * 10)
    f = forecast.when(h, 17, start="2024-06-13", window=10, engine="mc", trials=1000,
                      method="daily")
    assert {p.value for p in f.percentiles()} == {17}
    assert {p.se for p in f.percentiles()} == {0.0}
    g = forecast.how_many(h, days=9, start="2024-06-13", window=10, engine="mc", trials=1000,
                          method="daily")
    assert {p.value for p in g.percentiles()} == {9}


def test_mc_percentiles_follow_the_rules_on_the_trials():
    from naive import naive_how_many_percentile_from_trials, naive_when_percentile_from_trials

    h = daily("2024-03-01", [0, 1, 2, 0, 3, 5, 0, 0, 1])
    levels = (5, 33, 50, 85, 97.5)
    f = forecast.when(h, 25, start="2024-03-10", window=9, engine="mc", trials=3001,
                      percentiles=levels, method="daily")
    g = forecast.how_many(h, days=8, start="2024-03-10", window=9, engine="mc", trials=3001,
                          percentiles=levels, method="daily")
    for p in levels:
        assert f.percentile(p).value == naive_when_percentile_from_trials(f.draws, p, f.horizon)
        assert g.percentile(p).value == naive_how_many_percentile_from_trials(g.draws, p)


def test_reported_precision_shrinks_with_trials():
    h = daily("2024-03-01", [0, 1, 2, 0, 3, 5, 0, 0, 1, 7, 0, 2])
    widths = []
    for trials in (1_000, 100_000):
        f = forecast.when(h, 200, start="2024-03-13", window=12, engine="mc", trials=trials,
                          method="daily")
        widths.append(np.mean([p.high - p.low for p in f.percentiles()]))
    assert widths[1] < widths[0] / 3
