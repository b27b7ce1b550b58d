"""The portfolio plan: hand-computed cases, the twin, threads, and the naive oracle."""

import datetime as dt
import hashlib
import math
import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest
from naive import naive_joint_probability, naive_percentile_days, naive_plan_mc

import forecast
from forecast.core.model import CapacityRange, Outcome, Part, Portfolio, Risk, Size, Team
from forecast.forecasting.plan import plan_arrays
from forecast.sampling import _kernels, _reference

START = dt.date(2024, 6, 3)  # a Monday


def constant(per_day, calendar="all"):
    dates = np.datetime64(START) - np.arange(1, 31)  # every day of the 30 before the start
    return forecast.History.from_counts(dates, [per_day] * 30, calendar=calendar)


def poisson(mean, seed, days=60, calendar="all"):
    counts = np.random.default_rng(seed).poisson(mean, days)
    counts[0] += 1
    dates = np.datetime64(START) - days + np.arange(days)
    return forecast.History.from_counts(dates, counts, calendar=calendar)


def team(name, history, wip=1, capacity=(), window=90):
    return Team(name, history, window=window, wip=wip, capacity=capacity)


def out(name, team_items, **kw):
    parts = tuple(Part(t, Size(*n) if isinstance(n, tuple) else Size(n, n))
                  for t, n in team_items.items())
    return Outcome(name, parts, **kw)


def run(teams, outcomes, risks=(), trials=200, seed=1, horizon=400):
    portfolio = Portfolio(tuple(teams), tuple(outcomes), tuple(risks))
    return forecast.plan(portfolio, start=START, trials=trials, rng=seed, horizon=horizon)


def test_sequential_outcomes_on_constant_throughput():
    r = run([team("a", constant(1))], [out("A", {"a": 35}), out("B", {"a": 20})])
    assert {pc.value for pc in r.percentiles("A")} == {35}
    assert {pc.value for pc in r.percentiles("B")} == {55}
    assert r.percentiles("B")[0].date == START + dt.timedelta(days=54)


def test_wip_two_finishes_the_second_earlier():
    r = run([team("a", constant(1), wip=2)], [out("A", {"a": 35}), out("B", {"a": 20})],
            trials=2000)
    days_b = r.days["B"].to_numpy()
    assert all(pc.value < 55 for pc in r.percentiles("B"))
    # B finishes last (day 55) only when A took 35 of the first 54 items: P = 2.0%
    share_last = float(np.mean(days_b == 55))
    assert abs(share_last - 0.0201) < 4 * math.sqrt(0.0201 * 0.98 / 2000)


def test_spill_over_within_a_day():
    r = run([team("a", constant(3))], [out("A", {"a": 5}), out("B", {"a": 4})], trials=20)
    assert set(r.days["A"]) == {2} and set(r.days["B"]) == {3}


def test_multi_team_outcome_finishes_with_the_slower_team():
    r = run([team("fast", constant(2)), team("slow", constant(1))],
            [out("X", {"fast": 10, "slow": 10})], trials=20)
    assert set(r.days["X"]) == {10}


def test_dependency_holds_back_and_frees_capacity():
    teams = [team("a", poisson(1.0, 1)), team("b", poisson(2.0, 2))]
    outcomes = [out("A", {"a": 12}), out("B", {"b": 6}, depends_on=("A",)),
                out("C", {"b": 10})]
    r = run(teams, outcomes, trials=3000)
    a, b, c = (r.day_index[:, i] for i in range(3))
    done = b < r.horizon
    assert np.all(b[done] > a[done])  # never on or before its prerequisite's day
    # While B waits, team b works on C: C finishes long before A does.
    assert np.median(c) < np.median(a)
    alone = run([team("b", poisson(2.0, 2))], [out("C", {"b": 10})], trials=3000)
    assert np.median(c) == np.median(alone.day_index[:, 0])


def test_dependency_exact_case():
    # A: 5 items at 1/day on team a -> index 4. B (3 items, team b at 1/day) may start on
    # index 5 -> done on index 7. C (4 items, team b) runs meanwhile -> index 3.
    r = run([team("a", constant(1)), team("b", constant(1))],
            [out("A", {"a": 5}), out("B", {"b": 3}, depends_on=("A",)), out("C", {"b": 4})],
            trials=10)
    assert set(r.day_index[:, 0]) == {4}
    assert set(r.day_index[:, 1]) == {7}
    assert set(r.day_index[:, 2]) == {3}


def test_joint_probability_is_the_share_of_trials():
    teams = [team("a", poisson(1.5, 3)), team("b", poisson(1.0, 4))]
    outcomes = [out("A", {"a": 20}, target=START + dt.timedelta(days=14)),
                out("B", {"b": 15}, target=START + dt.timedelta(days=15))]
    r = run(teams, outcomes, trials=20_000, seed=5)
    targets = [14, 15]
    assert r.joint_probability() == naive_joint_probability(r.day_index, targets)
    pa, pb = r.probability("A"), r.probability("B")
    se = math.sqrt(pa * pb * (1 - pa * pb) / 20_000)
    assert abs(r.joint_probability() - pa * pb) < 4 * se  # independent teams


def test_joint_probability_of_dependent_outcomes_is_not_the_product():
    teams = [team("a", poisson(1.5, 3))]
    outcomes = [out("A", {"a": 15}, target=START + dt.timedelta(days=11)),
                out("B", {"a": 5}, target=START + dt.timedelta(days=14))]
    r = run(teams, outcomes, trials=20_000)
    pa, pb = r.probability("A"), r.probability("B")
    assert r.joint_probability() > pa * pb + 0.05  # B follows A on the same team


def test_capacity_zero_range_completes_nothing():
    gap = (CapacityRange(START + dt.timedelta(days=5), START + dt.timedelta(days=9), 0.0),)
    r = run([team("a", constant(1), capacity=gap)], [out("A", {"a": 8})], trials=10)
    assert set(r.day_index[:, 0]) == {12}  # 5 items on 0..4, nothing on 5..9, 3 more on 10..12


def test_capacity_half_halves_mean_throughput():
    # 4 items a day thinned to Binomial(4, 0.5): 2 a day on average, variance 1. The 4000th
    # item lands near day T = 2000; the total of T daily draws has sd sqrt(T) = 44.7, so the
    # rate 4000 / T has sd 2 * 44.7 / 4000 = 0.0224 per trial, 0.0032 over 50 trials. The
    # last day being partial biases the rate by at most 2 / 2000 = 0.001.
    trials = 50
    half = (CapacityRange(START, START + dt.timedelta(days=3000), 0.5),)
    r = run([team("a", constant(4), capacity=half)], [out("A", {"a": 4000})], trials=trials,
            horizon=3000)
    rate = 4000 / (r.day_index[:, 0] + 1)
    assert abs(rate.mean() - 2.0) < 4 * 0.0224 / math.sqrt(trials) + 0.001


def test_risk_probability_zero_and_one_and_split_one():
    teams = [team("a", poisson(1.2, 7))]
    base = run(teams, [out("A", {"a": 20})], trials=500)
    zero = run(teams, [out("A", {"a": 20})], [Risk("r", 0.0, "A", items=(3, 5))], trials=500)
    np.testing.assert_array_equal(base.day_index, zero.day_index)
    one = run(teams, [out("A", {"a": 20})], [Risk("r", 1.0, "A", items=(3, 3))], trials=500)
    bigger = run(teams, [out("A", {"a": 23})], trials=500)
    np.testing.assert_array_equal(one.day_index, bigger.day_index)
    split = run(teams, [out("A", {"a": 20}, split=(1.0, 1.0))], trials=500)
    np.testing.assert_array_equal(base.day_index, split.day_index)


def test_delay_risk_holds_the_outcome():
    r = run([team("a", constant(1))], [out("A", {"a": 2})],
            [Risk("late", 1.0, "A", delay_days=10)], trials=10)
    # no work on the first 10 working days (all-days calendar: indices 0..9)
    assert set(r.day_index[:, 0]) == {11}


def test_items_as_simulated():
    r = run([team("a", constant(2))], [out("A", {"a": (10, 20)}, split=(1.0, 1.5))],
            [Risk("more", 1.0, "A", items=(2, 2))], trials=2000)
    assert r.items[:, 0].min() >= 12 and r.items[:, 0].max() <= 32
    assert r.outcomes()["items"].iloc[0] == int(np.median(r.items[:, 0]))


def test_outcome_sizes_from_history():
    import pandas as pd

    frame = pd.DataFrame({
        "id": ["E1", "E2", "a", "b", "c", "d", "e"],
        "parent": ["", "", "E1", "E1", "E2", "E2", "E2"],
        "done": ["2024-05-20", "2024-05-21", "2024-05-02", "2024-05-03", "2024-05-06",
                 "2024-05-07", "2024-05-08"],
    })
    h = forecast.read_history(frame, calendar="all")
    p = Portfolio((Team("a", h, window=40),), (Outcome("X", (Part("a", Size(0, 0, True)),)),))
    r = forecast.plan(p, start=START, trials=4000, horizon=400)
    assert set(np.unique(r.items[:, 0])) == {2, 3}
    assert abs(np.mean(r.items[:, 0] == 2) - 0.5) < 4 * math.sqrt(0.25 / 4000)


# --- the kernel against its twin, and threads ---------------------------------------------


def complex_portfolio():
    teams = (
        team("a", poisson(2, 11), wip=2,
             capacity=(CapacityRange(dt.date(2024, 6, 10), dt.date(2024, 6, 20), 0.5),)),
        team("b", poisson(1, 12),
             capacity=(CapacityRange(dt.date(2024, 6, 10), dt.date(2024, 6, 20), 1.5),)),
        team("c", poisson(3, 13), wip=3),
    )
    outcomes = (
        out("o1", {"a": (10, 20), "b": 5}, split=(1.0, 1.4), target=dt.date(2024, 7, 1)),
        out("o2", {"b": 8}, depends_on=("o1",), priority=1),
        out("o3", {"c": 30}, split=(0.9, 0.9)),
        out("o4", {"a": (7, 9), "c": 4}, depends_on=("o3",)),
        out("o5", {"c": 12}, priority=-1),
    )
    risks = (Risk("r1", 0.4, "o1", items=(2, 6), team="b"),
             Risk("r2", 0.3, "o3", delay_days=7), Risk("r3", 1.0, "o5", items=(1, 1)))
    return Portfolio(teams, outcomes, risks)


def test_plan_kernel_equals_twin():
    arrays = plan_arrays(complex_portfolio(), START, 300)["kernel"]
    twin = _reference.plan_days(*arrays, 300, 77, 300)
    for kernel in (_kernels.plan_days, _kernels.plan_days_serial):
        got = kernel(*arrays, 300, np.uint64(77), 300)
        np.testing.assert_array_equal(got[0], twin[0])
        np.testing.assert_array_equal(got[1], twin[1])


def random_portfolio(seed):
    """Many teams with interleaved queues, multi-team outcomes, dependency chains across
    teams, WIP 1 to 3, delays, capacity dips and boosts, mixed sampling methods."""
    rng = np.random.default_rng(seed)
    n_teams = int(rng.integers(3, 8))
    methods = ("daily", "daily", "weekly", "bayes", "weighted")
    teams = []
    for t in range(n_teams):
        dip = dt.date(2024, 6, 3) + dt.timedelta(days=int(rng.integers(0, 40)))
        capacity = (CapacityRange(dip, dip + dt.timedelta(days=int(rng.integers(3, 15))),
                                  float(rng.choice([0.0, 0.5, 1.5]))),)
        teams.append(Team(f"t{t}", poisson(float(rng.uniform(0.5, 4)), seed * 100 + t),
                          window=60, wip=int(rng.integers(1, 4)), capacity=capacity,
                          method=str(rng.choice(methods))))
    outcomes = []
    for o in range(int(rng.integers(8, 25))):
        members = rng.choice(n_teams, size=int(rng.choice([1, 1, 1, 2, 3])), replace=False)
        parts = {f"t{t}": (lambda low: (low, low + int(rng.integers(0, 6))))(
            int(rng.integers(1, 25))) for t in members}
        deps = ()
        if o and rng.random() < 0.35:
            deps = tuple(f"o{d}" for d in rng.choice(o, size=min(o, int(rng.integers(1, 3))),
                                                      replace=False))
        outcomes.append(out(f"o{o}", parts, depends_on=deps,
                            priority=int(rng.integers(0, 4)) if rng.random() < 0.3 else o))
    risks = [Risk("late", 0.5, "o1", delay_days=int(rng.integers(1, 20)))]
    return Portfolio(tuple(teams), tuple(outcomes), tuple(risks))


@pytest.mark.parametrize("seed", range(12))
def test_plan_kernel_equals_twin_on_random_portfolios(seed):
    # The kernel lets each team run ahead while nothing it depends on is undecided; the
    # twin walks all teams day by day. Same streams, so the arrays must be identical.
    arrays = plan_arrays(random_portfolio(seed), START, 250)["kernel"]
    twin = _reference.plan_days(*arrays, 250, seed, 25)
    got = _kernels.plan_days_serial(*arrays, 250, np.uint64(seed), 25)
    np.testing.assert_array_equal(got[0], twin[0])
    np.testing.assert_array_equal(got[1], twin[1])
    assert (got[0] < 250).any()  # something finishes: the comparison is not vacuous


THREADS = textwrap.dedent(
    """
    import datetime as dt, hashlib, sys, numba, numpy as np
    sys.path.insert(0, "tests")
    from test_plan import complex_portfolio, START
    from forecast.forecasting.plan import plan_arrays
    from forecast.sampling.simulate import simulate_plan
    arrays = plan_arrays(complex_portfolio(), START, 300)
    days, items = simulate_plan(arrays, 300, 5000, 3)
    print(numba.get_num_threads(), hashlib.sha256(days.tobytes() + items.tobytes()).hexdigest())
    """
)


def test_plan_one_and_two_threads_identical():
    digests = {}
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        got = subprocess.run([sys.executable, "-c", THREADS], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        assert got[0] == threads
        digests[threads] = got[1]
    from forecast.sampling.simulate import simulate_plan

    days, items = simulate_plan(plan_arrays(complex_portfolio(), START, 300), 300, 5000, 3,
                                parallel=False)
    here = hashlib.sha256(days.tobytes() + items.tobytes()).hexdigest()
    assert digests["1"] == digests["2"] == here


# --- against the independent naive oracle ---------------------------------------------------


def to_naive(portfolio, horizon):
    arrays = plan_arrays(portfolio, START, horizon)
    capacity = arrays["kernel"][6]
    samples = arrays["samples"]
    names = [t.name for t in portfolio.teams]
    onames = [o.name for o in portfolio.outcomes]
    teams = [{"counts": [int(c) for c in s.counts], "wip": t.wip,
              "capacity": [float(c) for c in capacity[i]]}
             for i, (t, s) in enumerate(zip(portfolio.teams, samples, strict=True))]
    outcomes = []
    for o in portfolio.outcomes:
        parts = {}
        for part in o.parts:
            size = part.size
            parts[names.index(part.team)] = size.low if size.fixed else (size.low, size.high)
        outcomes.append({"parts": parts, "split": o.split,
                         "depends_on": [onames.index(d) for d in o.depends_on],
                         "priority": o.priority})
    risks = []
    delays = arrays["kernel"][29]
    for q, risk in enumerate(portfolio.risks):
        entry = {"outcome": onames.index(risk.outcome), "probability": risk.probability}
        if risk.items is not None:
            entry["items"] = risk.items
            if risk.team is not None:
                entry["team"] = names.index(risk.team)
        else:
            entry["delay_start"] = int(delays[q])
        risks.append(entry)
    return teams, outcomes, risks


@pytest.mark.parametrize("horizon", [200])
def test_plan_agrees_with_naive_oracle(horizon):
    # the naive plan draws single days uniformly: the daily bootstrap
    base = complex_portfolio()
    portfolio = Portfolio(tuple(replace(t, method="daily") for t in base.teams), base.outcomes,
                          base.risks)
    teams, outcomes, risks = to_naive(portfolio, horizon)
    trials = 4000
    naive = naive_plan_mc(teams, outcomes, risks, horizon, trials, seed=9)
    ours = forecast.plan(portfolio, start=START, trials=trials, rng=9, horizon=horizon)
    for o, name in enumerate(ours.names):
        a, b = ours.day_index[:, o].astype(float), naive[:, o].astype(float)
        se = math.sqrt(a.var() / trials + b.var() / trials)
        assert abs(a.mean() - b.mean()) < 4 * se + 1e-9, name
        for p in (50, 85):
            mine = ours.percentiles(name)[[50, 70, 85, 95].index(p)]
            theirs = naive_percentile_days(b, p, horizon)
            assert abs((mine.date - START).days - theirs) <= 1, (name, p)


@pytest.mark.parametrize("method", ["daily", "weekly", "bayes", "weighted"])
def test_one_outcome_plan_equals_the_single_team_kernel(method):
    # Same streams: a plan with one fixed-size outcome on one team draws exactly what the
    # single-team When kernel draws, so day index + 1 equals its working day, trial by trial.
    h = poisson(2.0, 21, days=70)
    p = Portfolio((Team("a", h, window=70, method=method),), (out("A", {"a": 60}),))
    r = forecast.plan(p, start=START, trials=3000, rng=5, horizon=400)
    f = forecast.when(h, 60, start=START, window=70, method=method, engine="mc", trials=3000,
                      rng=5, horizon=400)
    np.testing.assert_array_equal(r.day_index[:, 0] + 1, f.draws)


@pytest.mark.parametrize("methods", [("weekly", "bayes", "daily"),
                                     ("weighted", "weekly", "bayes")])
def test_plan_kernel_equals_twin_with_weekly_and_bayes_teams(methods):
    base = complex_portfolio()
    teams = tuple(Team(t.name, t.history, window=t.window, wip=t.wip, capacity=t.capacity,
                       method=m) for t, m in zip(base.teams, methods, strict=True))
    portfolio = Portfolio(teams, base.outcomes, base.risks)
    arrays = plan_arrays(portfolio, START, 300)["kernel"]
    twin = _reference.plan_days(*arrays, 300, 13, 200)
    got = _kernels.plan_days(*arrays, 300, np.uint64(13), 200)
    np.testing.assert_array_equal(got[0], twin[0])
    np.testing.assert_array_equal(got[1], twin[1])


def test_plan_team_method_auto_says_what_it_chose():
    h = forecast.read_history("examples/team.csv")
    p = Portfolio((Team("web", h, method="auto"),), (out("A", {"web": 30}),))
    r = forecast.plan(p, start="2024-06-03", trials=500)
    assert any("team 'web': method auto chose" in w for w in r.warnings)


def test_plan_percentiles_report_their_precision():
    teams = [team("a", poisson(1.5, 3))]
    r = run(teams, [out("A", {"a": 30})], trials=20_000)
    for pc in r.percentiles("A")[:3]:
        assert pc.low <= pc.value <= pc.high and pc.se >= 0
    few = run(teams, [out("A", {"a": 30})], trials=50)
    assert math.isnan(few.percentiles("A")[-1].se)  # P95 of 50 trials: too few beyond
    assert any("cannot pin down" in w and "P95" in w for w in few.warnings)


def test_teams_on_auto_choose_as_they_would_alone():
    # plan_arrays chooses two teams' methods at a time; each choice depends on its own
    # history only, so it must be the choice the team makes alone, in the teams' order
    from forecast.forecasting.auto import choose

    rng = np.random.default_rng(3)
    days = np.busday_offset(np.datetime64("2023-01-02"), np.arange(360), roll="forward")
    histories = [forecast.History.from_counts(days, rng.poisson(rate, days.size))
                 for rate in (1.0, 2.5, 4.0)]
    teams = tuple(Team(f"t{i}", h) for i, h in enumerate(histories))
    outcomes = tuple(Outcome(f"o{i}", (Part(f"t{i}", Size(5, 5)),)) for i in range(3))
    start = dt.date(2024, 6, 3)
    arrays = plan_arrays(Portfolio(teams, outcomes), start, 400)
    for chosen, h in zip(arrays["auto"], histories, strict=True):
        alone = choose(forecast.History.from_counts(h.dates, h.counts), start, None, None,
                       when="none")  # a plan needs no When scores
        assert (chosen.method, chosen.window, str(chosen.note)) == \
            (alone.method, alone.window, str(alone.note))
        assert [s.crps_values for s in chosen.result.scores] == \
            [s.crps_values for s in alone.result.scores]
