"""The time-weighted Bayesian bootstrap (``weighted``) against its oracles.

Its exact engine is the Polya urn of the Bayesian bootstrap started with
real numbers of balls, the Dirichlet parameters of
:func:`~forecast.sampling.exact.recency_alphas`. The oracles: exhaustive
enumeration of that urn in exact fractions (``tests/naive.py``) on tiny
samples, the moments of the Dirichlet-multinomial by hand, a Monte Carlo
that draws the weights with numpy's own Dirichlet, and the package's
Monte Carlo kernel (Gamma weights per trial) at 1M trials, with tolerances
of five standard errors.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import forecast
from forecast.sampling import _kernels
from forecast.sampling.exact import (
    bayes_how_many_pmf,
    bayes_how_many_pmfs,
    bayes_when_pmf,
    polya_below_backlog,
    recency_alphas,
)
from forecast.sampling.methods import METHODS
from forecast.sampling.simulate import simulate_how_many_blocks, simulate_when_blocks
from tests.naive import naive_bayes_how_many_mc, naive_bayes_how_many_pmf, naive_bayes_when_pmf

TINY = [  # daily rows and Dirichlet parameters: below and above 1, repeated values
    ([[0], [1]], [0.3, 1.7]),
    ([[0], [2], [5]], [0.05, 0.5, 2.25]),
    ([[1], [1], [3]], [0.125, 0.75, 1.5]),     # a repeated value: its balls add up
    ([[0], [0], [4], [1]], [2.0, 3.0, 0.25, 1.0]),  # whole and fractional together
]


def padded(a, size):
    out = np.zeros(size)
    out[: len(a)] = np.asarray(a, dtype=float)
    return out


@pytest.mark.parametrize(("blocks", "alphas"), TINY)
@pytest.mark.parametrize("days", [1, 2, 3, 6])
def test_how_many_is_the_enumerated_urn(blocks, alphas, days):
    got = bayes_how_many_pmf(np.array(blocks), days, alphas=np.array(alphas))
    want = naive_bayes_how_many_pmf(blocks, days, alphas=alphas)
    size = max(got.size, len(want))
    np.testing.assert_allclose(padded(got, size), padded(want, size), rtol=0, atol=1e-13)
    many = bayes_how_many_pmfs(np.array(blocks), (days, 1), alphas=np.array(alphas))
    np.testing.assert_allclose(many[0], got, rtol=0, atol=1e-14)


@pytest.mark.parametrize(("blocks", "alphas"), TINY)
@pytest.mark.parametrize(("items", "horizon"), [(1, 4), (3, 5), (6, 7)])
def test_when_is_the_enumerated_urn(blocks, alphas, items, horizon):
    pmf, beyond = bayes_when_pmf(np.array(blocks), items, horizon, alphas=np.array(alphas))
    want, want_beyond = naive_bayes_when_pmf(blocks, items, horizon, alphas=alphas)
    np.testing.assert_allclose(pmf, want, rtol=0, atol=1e-13)
    assert beyond == pytest.approx(want_beyond, abs=1e-13)


def test_recency_alphas_by_hand():
    # weights 2^-2, 2^-1, 1 (half-life 1): sum 7/4, sum of squares 21/16, n_eff = 7/3;
    # alphas = n_eff * w / sum(w) = (4/3) w
    np.testing.assert_allclose(recency_alphas(3, 1.0), [1 / 3, 2 / 3, 4 / 3], rtol=1e-15)
    a = recency_alphas(128)
    w = 0.5 ** (np.arange(127, -1, -1) / 10)
    assert a.sum() == pytest.approx(w.sum() ** 2 / (w ** 2).sum(), rel=1e-14)
    assert np.all(np.diff(a) > 0)  # the newest day weighs most
    # equal weights: the Bayesian bootstrap itself
    rows = np.array([[0], [3], [1], [1], [2]])
    np.testing.assert_allclose(
        bayes_how_many_pmf(rows, 9, alphas=recency_alphas(5, float("inf"))),
        bayes_how_many_pmf(rows, 9), rtol=0, atol=1e-14)


def test_the_compiled_support_is_the_grouped_recency_alphas():
    sample = np.array([0, 3, 1, 1, 0, 2, 5, 0, 1], dtype=np.int64)
    values, alphas = _kernels.recency_support(sample, 10.0)
    want = np.bincount(sample, weights=recency_alphas(sample.size))
    assert values.tolist() == np.flatnonzero(want).tolist()
    np.testing.assert_allclose(alphas, want[values], rtol=1e-13)


@pytest.fixture(scope="module")
def rows():
    h = forecast.read_history("examples/team.csv")
    s = h.sample(dt.date(2024, 6, 3), window=180)
    return s.counts.reshape(-1, 1)


def test_the_moments_of_the_dirichlet_multinomial(rows):
    # With p = alpha / A: E[S_m] = m * mean_p and Var[S_m] = m * var_p * (A + m) / (A + 1)
    alphas = recency_alphas(rows.shape[0])
    a_total = alphas.sum()
    p = alphas / a_total
    v = rows[:, 0].astype(float)
    mean_p = p @ v
    var_p = p @ (v - mean_p) ** 2
    m = 30
    pmf = bayes_how_many_pmf(rows, m, alphas=alphas)
    k = np.arange(pmf.size)
    mean = pmf @ k
    assert mean == pytest.approx(m * mean_p, rel=1e-11)
    assert pmf @ (k - mean) ** 2 == pytest.approx(m * var_p * (a_total + m) / (a_total + 1),
                                                  rel=1e-10)


TRIALS = 1_000_000
TOLERANCE = 5 * 0.5 / np.sqrt(TRIALS)  # five standard errors of any share, at worst p = 1/2


def test_when_agrees_with_the_gamma_weight_monte_carlo(rows):
    alphas = recency_alphas(rows.shape[0])
    pmf, beyond = bayes_when_pmf(rows, 40, 400, alphas=alphas)
    assert pmf.sum() + beyond == pytest.approx(1.0, abs=1e-12)
    days = simulate_when_blocks(rows, 40, 400, TRIALS, 11, True, parallel=True, alphas=alphas)
    mc = np.bincount(days, minlength=402)[:401] / TRIALS
    assert np.abs(np.cumsum(mc) - np.cumsum(pmf)).max() < TOLERANCE
    mean = float(pmf @ np.arange(401))
    assert abs(days.mean() - mean) < 5 * days.std() / np.sqrt(TRIALS)


@pytest.mark.parametrize("days", [20, 40])
def test_how_many_agrees_with_the_gamma_weight_monte_carlo(rows, days):
    alphas = recency_alphas(rows.shape[0])
    pmf = bayes_how_many_pmf(rows, days, alphas=alphas)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    totals = simulate_how_many_blocks(rows, days, TRIALS, 12, True, parallel=True,
                                      alphas=alphas)
    mc = padded(np.bincount(totals) / TRIALS, pmf.size)
    assert np.abs(np.cumsum(mc) - np.cumsum(pmf)).max() < TOLERANCE
    mean = float(pmf @ np.arange(pmf.size))
    assert abs(totals.mean() - mean) < 5 * totals.std() / np.sqrt(TRIALS)


def test_how_many_agrees_with_numpys_dirichlet(rows):
    # an independent sampler: Generator.dirichlet for the weights, Generator.choice for days
    alphas = recency_alphas(rows.shape[0])
    trials = 20_000
    totals = naive_bayes_how_many_mc(rows.tolist(), 10, trials, 3, alphas=alphas)
    pmf = bayes_how_many_pmf(rows, 10, alphas=alphas)
    mc = padded(np.bincount(totals) / trials, pmf.size)
    assert np.abs(np.cumsum(mc) - np.cumsum(pmf[: mc.size])).max() < 5 * 0.5 / np.sqrt(trials)


def test_the_registry_and_the_bands_use_the_recency_alphas(rows):
    method = METHODS["weighted"]
    alphas = recency_alphas(rows.shape[0])
    np.testing.assert_array_equal(method.row_alphas(rows.shape[0]), alphas)
    pmf, beyond = method.exact_when(rows, 30, 90)
    want, want_beyond = bayes_when_pmf(rows, 30, 90, alphas=alphas)
    np.testing.assert_array_equal(pmf, want)
    assert beyond == want_beyond
    below = polya_below_backlog(rows, 30, 20, alphas=alphas)
    np.testing.assert_allclose(below[20], bayes_how_many_pmf(rows, 20, alphas=alphas)[:30],
                               rtol=0, atol=1e-14)
    with pytest.raises(ValueError, match="single days"):
        bayes_how_many_pmf(np.ones((3, 5), dtype=int), 7, alphas=np.ones(3))


def test_the_command_line_and_a_plan_take_the_method():
    from click.testing import CliRunner

    from forecast.cli.app import cli

    r = CliRunner().invoke(cli, ["when", "examples/team.csv", "--items", "40", "--start",
                                 "2024-06-03", "--method", "weighted"])
    assert r.exit_code == 0, r.output
    assert "engine: exact (weighted bootstrap, Polya urn)" in r.output
    h = forecast.read_history("examples/team.csv")
    f = forecast.when(h, 40, start="2024-06-03", method="weighted", window=180)
    g = forecast.when(h, 40, start="2024-06-03", method="weighted", window=180, engine="mc",
                      trials=20_000, rng=3)
    # the exact answer and a 20k-trial run agree within five standard errors of a share
    day = f.percentile(50).value
    assert abs(float(np.mean(g.draws <= day)) - float(f.cdf[day])) < 5 * 0.5 / np.sqrt(20_000)


def test_the_exact_engines_refuse_bad_parameters_and_auto_knows_their_cost():
    rows = np.array([[0], [2], [1]])
    for bad in ([np.nan, 1, 1], [0, 1, 1], [-1, 1, 1], [1, 1], [np.inf, 1, 1]):
        with pytest.raises(ValueError, match="one finite, positive Dirichlet parameter"):
            bayes_how_many_pmf(rows, 2, alphas=np.array(bad, dtype=float))
    # real numbers of balls take no one-ball step: engine auto counts the dearer one
    from forecast.forecasting.questions import _how_many_cost, _when_cost

    counts = np.random.default_rng(4).integers(0, 60, 128)
    assert _how_many_cost(counts, 260, True, whole=False) > 20 * _how_many_cost(counts, 260,
                                                                                True)
    assert _when_cost(counts, 1400, 2600, True, whole=False) > _when_cost(counts, 1400, 2600,
                                                                         True)
