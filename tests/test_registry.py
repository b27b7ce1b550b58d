"""The registry of sampling methods, and the backtest ``auto`` keeps on its result.

The registry (forecast.sampling.methods) is the one place that maps a method to
its rows and engines; these tests check that every entry is complete, that its
dispatch gives what each caller computed by hand before it existed (the exact
engines, the naive oracles, the kernels' pure-Python twins), and that a new
method is one entry. Then: a When, How-many or plan on ``auto`` carries the
backtest it chose by, and a report reuses it only when its settings are the same.
"""

import dataclasses
import datetime as dt
import re

import numpy as np
import pytest
from naive import naive_how_many_pmf, naive_when_pmf

import forecast
import forecast.evaluation.backtest as bt
from forecast.core.model import Outcome, Part, Portfolio, Size, Team
from forecast.evaluation.backtest import backtest
from forecast.evaluation.scoring import crps_of
from forecast.exceptions import ParameterError
from forecast.present.report import REPORT_BACKTEST, plan_report, question_report
from forecast.sampling import _reference
from forecast.sampling.exact import (
    bayes_how_many_pmf,
    bayes_when_pmf,
    how_many_pmf,
    how_many_pmf_blocks,
    recency_alphas,
    when_pmf,
    when_pmf_blocks,
)
from forecast.sampling.methods import (
    METHODS,
    Method,
    get_method,
    how_many_distribution,
    method_blocks,
    when_distribution,
)
from forecast.sampling.simulate import (
    simulate_how_many,
    simulate_how_many_blocks,
    simulate_when,
    simulate_when_blocks,
)

START = dt.date(2024, 6, 3)
NOW = dt.datetime(2024, 6, 3, 9, 30, tzinfo=dt.UTC)
RNG = np.random.default_rng(3)
# weekdays, so that a week is 5 working days; 12 weeks of a lumpy team
COUNTS = [0, 1, 0, 3, 2] * 6 + list(RNG.poisson(1.4, 30))


@pytest.fixture(scope="module")
def lumpy():
    dates = np.busday_offset(np.datetime64("2024-03-04"), np.arange(len(COUNTS)), roll="forward")
    return forecast.History.from_counts(dates, COUNTS)


@pytest.fixture(scope="module")
def sample(lumpy):
    return lumpy.sample(START, window=84)


@pytest.fixture(scope="module")
def team():
    return forecast.read_history("examples/team.csv")


# ------------------------------------------------------------------------- the registry


def test_every_method_is_one_complete_entry(sample):
    assert tuple(METHODS) == ("daily", "weekly", "bayes", "weighted")
    for key, method in METHODS.items():
        assert method.key == key and method.summary
        rows = method.blocks(sample)
        assert rows.ndim == 2 and rows.shape[0] >= 2 and rows.dtype.kind == "i"
        assert callable(method.mc_when) and callable(method.mc_how_many)
        assert (method.exact_when is None) == (method.exact_how_many is None) == (not method.exact)
        assert get_method(key.upper()) is method and get_method(method) is method
        assert method_blocks(key, sample)[0] == key
    assert [k for k, m in METHODS.items() if not m.exact] == []  # the Monte Carlo is the oracle
    assert [k for k, m in METHODS.items() if m.bayes] == ["bayes", "weighted"]
    assert METHODS["weekly"].blocks(sample).shape[1] == 5
    assert METHODS["daily"].blocks(sample).shape == (sample.working_days, 1)


def test_every_list_of_methods_is_the_registry():
    from forecast.cli.options import METHOD_CHOICES, METHOD_NAMES
    from forecast.evaluation.backtest import DEFAULT_METHODS

    assert METHOD_NAMES == tuple(METHODS) == DEFAULT_METHODS
    assert "methods" not in REPORT_BACKTEST  # the report scores the backtest's default methods
    assert METHOD_CHOICES == (*METHODS, "auto")


def test_unknown_methods_and_engines_are_named():
    with pytest.raises(ParameterError, match="method = 'monthly' is not known; use one of "
                                             "daily, weekly, bayes"):
        get_method("monthly")
    with pytest.raises(ParameterError, match="not known"):
        get_method("Daily", strict=True)  # the backtest takes the names as they are
    with pytest.raises(ParameterError, match="engine = 'fast' is not known"):
        how_many_distribution("daily", np.array([[1]]), 3, engine="fast")
    assert all(m.engine("auto") == "exact" for m in METHODS.values())


# ---------------------------------------------------- the dispatch, as each caller had it


@pytest.mark.parametrize("key", [k for k, m in METHODS.items() if m.exact])
def test_exact_dispatch_is_the_exact_engine_and_the_oracle(sample, key):
    rows = METHODS[key].blocks(sample)
    pmf, beyond, draws = when_distribution(key, rows, 25, 60, engine="exact")
    assert draws is None
    how, none = how_many_distribution(key, rows, 15)
    assert none is None
    if key == "daily":  # as questions.py, backtest.py called it: the counts themselves
        old, old_beyond = when_pmf(sample.counts, 25, 60)
        old_how = how_many_pmf(sample.counts, 15)
        naive, naive_beyond = naive_when_pmf(sample.counts.tolist(), 25, 60)
        np.testing.assert_allclose(pmf[1:], [naive[d] for d in range(1, 61)], atol=1e-12)
        assert beyond == pytest.approx(naive_beyond, abs=1e-12)
        total = naive_how_many_pmf(sample.counts.tolist(), 15)
        np.testing.assert_allclose(how, [total.get(n, 0.0) for n in range(how.size)],
                                   atol=1e-12)
    elif key == "bayes":  # the urn's own engine; tests/test_exact_bayes.py checks it
        old, old_beyond = bayes_when_pmf(rows, 25, 60)
        old_how = bayes_how_many_pmf(rows, 15)
    elif key == "weighted":  # the same urn, other balls; tests/test_exact_weighted.py
        alphas = recency_alphas(rows.shape[0])
        old, old_beyond = bayes_when_pmf(rows, 25, 60, alphas=alphas)
        old_how = bayes_how_many_pmf(rows, 15, alphas=alphas)
    else:
        old, old_beyond = when_pmf_blocks(rows, 25, 60)
        old_how = how_many_pmf_blocks(rows, 15)
        # 15 working days = 3 whole weeks: the sum of three draws of a week's total
        total = naive_how_many_pmf(rows.sum(axis=1).tolist(), 3)
        np.testing.assert_allclose(how, [total.get(n, 0.0) for n in range(how.size)],
                                   atol=1e-12)
    np.testing.assert_array_equal(pmf, old)
    assert beyond == old_beyond
    np.testing.assert_array_equal(how, old_how)


@pytest.mark.parametrize("key", list(METHODS))
def test_monte_carlo_dispatch_replays_the_kernels_and_their_twins(sample, key):
    method = METHODS[key]
    rows = method.blocks(sample)
    pmf, beyond, draws = when_distribution(key, rows, 25, 60, engine="mc", trials=300, seed=9)
    how, totals = how_many_distribution(key, rows, 15, engine="mc", trials=300, seed=9)
    if key == "daily":  # the per-day kernels, as before the registry
        np.testing.assert_array_equal(draws, simulate_when(sample.counts, 25, 60, 300, 9))
        np.testing.assert_array_equal(draws, _reference.when_days(sample.counts, 25, 60, 9, 300))
        np.testing.assert_array_equal(totals, simulate_how_many(sample.counts, 15, 300, 9))
        np.testing.assert_array_equal(
            totals, _reference.how_many_totals(sample.counts, 15, 9, 300))
    else:
        alphas = method.row_alphas(rows.shape[0])
        np.testing.assert_array_equal(
            draws, simulate_when_blocks(rows, 25, 60, 300, 9, method.bayes, alphas=alphas))
        np.testing.assert_array_equal(
            draws, _reference.when_days_blocks(rows, 25, 60, 9, 300, method.bayes, alphas))
        np.testing.assert_array_equal(
            totals, simulate_how_many_blocks(rows, 15, 300, 9, method.bayes, alphas=alphas))
        np.testing.assert_array_equal(
            totals, _reference.how_many_blocks(rows, 15, 9, 300, method.bayes, alphas))
    np.testing.assert_array_equal(pmf, np.bincount(draws, minlength=62)[:61] / 300)
    assert beyond == np.count_nonzero(draws > 60) / 300
    np.testing.assert_array_equal(how, np.bincount(totals) / 300)


def test_a_backlog_that_cannot_finish_needs_no_kernel():
    _, beyond, draws = when_distribution("weekly", np.array([[1, 0], [0, 1]]), 50, 10,
                                         engine="mc", trials=4)
    assert beyond == 1.0 and draws.tolist() == [11] * 4


@pytest.mark.parametrize(("key", "engine"), [(k, e) for k, m in METHODS.items()
                                              for e in ("exact", "mc") if m.exact or e == "mc"])
def test_the_questions_answer_by_the_dispatch(lumpy, sample, key, engine):
    kw = dict(start=START, window=84, method=key, engine=engine, trials=500, rng=5)
    f = forecast.when(lumpy, 25, **kw)
    g = forecast.how_many(lumpy, days=15, **kw)
    rows = METHODS[key].blocks(sample)
    run = dict(engine=engine, trials=500, seed=5)
    pmf, beyond, draws = when_distribution(key, rows, 25, f.horizon, **run)
    np.testing.assert_array_equal(f.pmf, pmf)
    assert f.beyond == beyond and f.method == g.method == key and f.engine == engine
    np.testing.assert_array_equal(g.pmf, how_many_distribution(key, rows, 15, **run)[0])
    if engine == "mc":
        np.testing.assert_array_equal(f.draws, draws)
        assert (f.trials, f.seed, g.trials, g.seed) == (500, 5, 500, 5)
    else:
        assert (f.trials, f.seed, f.draws, g.trials, g.seed, g.draws) == (None,) * 6


@pytest.mark.parametrize("key", list(METHODS))
def test_the_backtest_scores_what_each_method_forecast(lumpy, key):
    result = backtest(lumpy, start=START, methods=(key,), windows=(30,), horizons=(10,),
                      step=3, trials=300, rng=7)
    score = result.score(key, 30, 10)
    for i in score.origin_ids[:3]:
        origin = result.origins[i]
        sample = lumpy.sample(origin, window=30)
        y = int(lumpy.counts[(lumpy.dates >= np.datetime64(origin))
                             & (lumpy.dates < np.busday_offset(np.datetime64(origin), 10,
                                                               roll="forward"))].sum())
        if key == "daily":  # the backtest's own dispatch before the registry
            pmf = how_many_pmf(sample.counts, 10)
        elif key == "weekly":
            pmf = how_many_pmf_blocks(sample.blocks(5), 10)
        elif key == "bayes":
            pmf = bayes_how_many_pmf(sample.counts.reshape(-1, 1), 10)
        else:
            pmf = bayes_how_many_pmf(sample.counts.reshape(-1, 1), 10,
                                     alphas=recency_alphas(sample.working_days))
        assert score.crps_values[score.origin_ids.index(i)] == crps_of(pmf, y)


def test_the_burnup_bands_replay_the_forecast(lumpy):
    from forecast.forecasting.bands import burnup_bands

    days = np.array([1, 5, 12, 30])
    levels = (50, 85)
    exact = forecast.when(lumpy, 25, start=START, window=84, method="weekly", engine="exact")
    band = burnup_bands(exact, days, levels)
    p85 = exact.percentile(85).value
    assert band.shape == (2, 4) and (band <= 25).all()
    assert (burnup_bands(exact, np.array([p85]), (85,)) == 25).all()
    mc = forecast.when(lumpy, 25, start=START, window=84, method="bayes", trials=400, rng=2)
    band = burnup_bands(mc, np.array([mc.percentile(85).value]), (85,))
    assert band.tolist() == [[25]]
    rows = METHODS["bayes"].blocks(mc.sample)
    totals = simulate_how_many_blocks(rows, 12, 400, 2, True)
    ordered = np.sort(np.minimum(totals, 25))
    assert burnup_bands(mc, np.array([12]), (85,))[0, 0] == ordered[400 - 340]


def test_a_new_method_is_one_registry_entry(lumpy, monkeypatch):
    def fortnights(sample):
        width = 2 * sample.calendar.working_days_per_week
        rows = sample.blocks(width)
        if rows.shape[0] < 2:
            raise ParameterError("method 'fortnightly' needs 2 whole fortnights; widen --window")
        return rows

    weekly = METHODS["weekly"]
    monkeypatch.setitem(METHODS, "fortnightly", Method(
        "fortnightly", "draws of two whole working weeks", fortnights, weekly.mc_when,
        weekly.mc_how_many, when_pmf_blocks, how_many_pmf_blocks))
    kw = dict(start=START, window=84, method="fortnightly")
    f = forecast.when(lumpy, 25, **kw)
    assert (f.method, f.engine) == ("fortnightly", "exact")
    g = forecast.how_many(lumpy, days=20, engine="mc", trials=200, **kw)
    assert g.method == "fortnightly" and g.draws.size == 200
    scored = backtest(lumpy, start=START, methods=("fortnightly", "daily"), windows=(42,),
                      horizons=(10,), step=2)
    assert {s.method for s in scored.scores} == {"fortnightly", "daily"}
    portfolio = Portfolio((Team("api", lumpy, method="fortnightly", window=84),),
                          (Outcome("a", (Part("api", Size(20, 20)),)),))
    assert forecast.plan(portfolio, start=START, trials=100).samples[0].working_days == 60
    with pytest.raises(ParameterError, match="needs 2 whole fortnights"):
        forecast.when(lumpy, 25, start=START, window=14, method="fortnightly")


# ------------------------------------------------------ auto keeps its backtest on the result


def test_auto_keeps_its_backtest_on_the_result(team):
    f = forecast.when(team, 40, start=START)
    g = forecast.how_many(team, days=20, start=START)
    for result in (f, g):
        assert isinstance(result.backtest, bt.BacktestResult)
        assert result.backtest.best[0] == result.method
        assert result.backtest.settings["levels"] == (85,)
        assert result.backtest.history is team
        assert f"chose {result.method} with a {result.backtest.best[1]}-day window" in " ".join(
            result.warnings)
    assert forecast.when(team, 40, start=START, method="daily").backtest is None
    short = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    fell_back = forecast.when(short, 5, start="2024-06-05")
    assert fell_back.backtest is None and "fell back" in " ".join(fell_back.warnings)
    assert "backtest" not in f.to_dict() and "BacktestResult" not in repr(f)


def test_a_plan_keeps_each_auto_teams_backtest(team):
    portfolio = Portfolio((Team("web", team), Team("api", team, method="daily")),
                          (Outcome("a", (Part("web", Size(20, 20)), Part("api", Size(9, 9)))),))
    result = forecast.plan(portfolio, start=START, trials=200)
    web, api = result.backtests
    assert isinstance(web, bt.BacktestResult) and api is None
    assert web.history is team and web.settings["start"] == START


def _calibration(page):
    return re.search(r'<section id="calibration".*?</section>', page, re.S).group(0)


def _counting(monkeypatch):
    calls = []
    real = bt.backtest

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(bt, "backtest", counted)
    import forecast.present.report.facts as facts  # gathering calls the name it imported

    monkeypatch.setattr(facts, "backtest", counted)
    return calls


def test_a_report_reuses_autos_backtest_when_its_settings_are_the_same(team, monkeypatch):
    f = forecast.when(team, 40, start=START)
    same = {k: v for k, v in f.backtest.settings.items() if k != "start"}
    calls = _counting(monkeypatch)
    reused = question_report(f, team, backtest=same, now=NOW)
    assert calls == []  # no second backtest
    fresh = question_report(dataclasses.replace(f, backtest=None), team, backtest=same, now=NOW)
    assert len(calls) == 1
    assert _calibration(reused) == _calibration(fresh)  # the same figures either way
    # the report's own settings are not auto's: it runs its backtest, as it always did
    default = question_report(f, team, now=NOW)
    assert len(calls) == 2 and _calibration(default) != _calibration(reused)
    assert _calibration(default) == _calibration(
        question_report(dataclasses.replace(f, backtest=None), team, now=NOW))


def test_a_plan_report_reuses_each_teams_backtest_when_reusable(team, monkeypatch):
    portfolio = Portfolio((Team("web", team),), (Outcome("a", (Part("web", Size(20, 20)),)),))
    result = forecast.plan(portfolio, start=START, trials=200)
    same = {k: v for k, v in result.backtests[0].settings.items() if k != "start"}
    calls = _counting(monkeypatch)
    reused = plan_report(result, backtest=same, now=NOW)
    assert calls == []
    fresh = plan_report(dataclasses.replace(result, backtests=()), backtest=same, now=NOW)
    assert len(calls) == 1 and _calibration(reused) == _calibration(fresh)
    plan_report(result, backtest={**same, "trials": 400}, now=NOW)  # other settings: run
    assert len(calls) == 2


def test_a_backtest_knows_the_settings_it_ran_with(team):
    r = backtest(team, start=START, methods=("daily", "daily"), windows=(30,), horizons=(10,),
                 max_origins=12, trials=100)
    assert r.settings["methods"] == ("daily",) and r.settings["rng"] == 42
    assert r.ran_with(team, start=START, methods=("daily",), windows=(30,), horizons=(10,),
                      max_origins=12, trials=100, rng=None)
    again = forecast.read_history("examples/team.csv")  # the same data, another object
    assert not r.ran_with(again, **r.settings)
    assert not r.ran_with(team, **{**r.settings, "rng": np.random.default_rng(42)})
    assert not r.ran_with(team, **{**r.settings, "windows": (30.0,)})  # backtest refuses it
    assert not r.ran_with(team, **{**r.settings, "colour": "red"})
    assert backtest(team, **r.settings).ran_with(team, **r.settings)
