"""The Bayesian bootstrap's exact engine against its two oracles.

The oracles: exhaustive enumeration of the Polya urn in exact fractions
(``tests/naive.py``, written without looking at the engine) on tiny samples,
and the Monte Carlo kernel (Dirichlet weights drawn per trial) at 1M trials
on real samples, where the tolerance is five standard errors of a proportion.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import forecast
from forecast.sampling.exact import bayes_how_many_pmf, bayes_when_pmf
from forecast.sampling.simulate import simulate_how_many_blocks, simulate_when_blocks
from tests.naive import naive_bayes_how_many_pmf, naive_bayes_when_pmf

TINY = [
    [[0], [1]],
    [[0], [2], [5]],
    [[1], [1], [3]],          # a repeated value: the urn groups it (c_j = 2)
    [[0], [0], [4], [1]],
    [[1, 0], [0, 2]],         # weeks of two days
    [[0, 0], [2, 1], [0, 3]],
    [[1, 0, 2], [0, 0, 0], [3, 1, 0]],
]


def padded(a, size):
    out = np.zeros(size)
    out[: len(a)] = np.asarray(a, dtype=float)
    return out


@pytest.mark.parametrize("blocks", TINY)
@pytest.mark.parametrize("days", [1, 2, 3, 5, 7])
def test_how_many_is_the_enumerated_urn(blocks, days):
    rows = np.array(blocks)
    if len(blocks) ** -(-days // rows.shape[1]) > 300_000:
        pytest.skip("too many sequences to enumerate")  # only for the widest cases
    got = bayes_how_many_pmf(rows, days)
    want = naive_bayes_how_many_pmf(blocks, days)
    size = max(got.size, len(want))
    np.testing.assert_allclose(padded(got, size), padded(want, size), rtol=0, atol=1e-13)


@pytest.mark.parametrize("blocks", TINY)
@pytest.mark.parametrize(("items", "horizon"), [(1, 4), (2, 6), (3, 5), (6, 7)])
def test_when_is_the_enumerated_urn(blocks, items, horizon):
    rows = np.array(blocks)
    pmf, beyond = bayes_when_pmf(rows, items, horizon)
    want, want_beyond = naive_bayes_when_pmf(blocks, items, horizon)
    np.testing.assert_allclose(pmf, want, rtol=0, atol=1e-13)
    assert beyond == pytest.approx(want_beyond, abs=1e-13)


@pytest.fixture(scope="module")
def samples():
    h = forecast.read_history("examples/team.csv")
    s = h.sample(dt.date(2024, 6, 3), window=60)
    return {"daily": s.counts.reshape(-1, 1), "weekly": s.blocks(5)}


TRIALS = 1_000_000
TOLERANCE = 5 * 0.5 / np.sqrt(TRIALS)  # five standard errors of any share, at worst p = 1/2


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_when_agrees_with_the_dirichlet_monte_carlo(samples, kind):
    rows = samples[kind]
    pmf, beyond = bayes_when_pmf(rows, 40, 400)
    assert pmf.sum() + beyond == pytest.approx(1.0, abs=1e-12)
    days = simulate_when_blocks(rows, 40, 400, TRIALS, 11, True, parallel=True)
    mc = np.bincount(days, minlength=402)[:401] / TRIALS
    assert np.abs(np.cumsum(mc) - np.cumsum(pmf)).max() < TOLERANCE
    # the mean completion day agrees within five of its standard errors
    mean = float(pmf @ np.arange(401))
    assert abs(days.mean() - mean) < 5 * days.std() / np.sqrt(TRIALS)


@pytest.mark.parametrize("kind", ["daily", "weekly"])
@pytest.mark.parametrize("days", [20, 23])
def test_how_many_agrees_with_the_dirichlet_monte_carlo(samples, kind, days):
    rows = samples[kind]
    pmf = bayes_how_many_pmf(rows, days)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    totals = simulate_how_many_blocks(rows, days, TRIALS, 12, True, parallel=True)
    mc = padded(np.bincount(totals) / TRIALS, pmf.size)
    assert np.abs(np.cumsum(mc) - np.cumsum(pmf)).max() < TOLERANCE
    mean = float(pmf @ np.arange(pmf.size))
    assert abs(totals.mean() - mean) < 5 * totals.std() / np.sqrt(TRIALS)


def test_the_urn_keeps_the_mean_and_adds_the_variance_of_the_weights(samples):
    # Under Dirichlet(1, ..., 1) over n rows, E[S_m] = m * mean and
    # Var[S_m] = m * var * (1 + (m - 1) / (n + 1)) (var: the rows' variance, ddof 0)
    rows = samples["daily"][:, 0]
    n, m = rows.size, 30
    pmf = bayes_how_many_pmf(samples["daily"], m)
    k = np.arange(pmf.size)
    mean = pmf @ k
    assert mean == pytest.approx(m * rows.mean(), rel=1e-11)
    assert pmf @ (k - mean) ** 2 == pytest.approx(m * rows.var() * (1 + (m - 1) / (n + 1)),
                                                  rel=1e-10)


def test_when_and_how_many_tell_one_story(samples):
    # totals never decrease, so P(T <= d) = P(S_d >= N) for every d
    for rows in samples.values():
        pmf, _ = bayes_when_pmf(rows, 30, 60)
        cdf = np.cumsum(pmf)
        for d in (5, 12, 17, 33):
            assert cdf[d] == pytest.approx(bayes_how_many_pmf(rows, d)[30:].sum(), abs=1e-12)


def test_a_long_horizon_stays_finite_and_sums_to_one():
    # one slow day in ten: the urn's tail is polynomial, so the recursion runs for years
    rows = np.array([[0]] * 9 + [[1]])
    pmf, beyond = bayes_when_pmf(rows, 5, 2600)
    assert np.isfinite(pmf).all() and (pmf >= 0).all()
    assert pmf.sum() + beyond == pytest.approx(1.0, abs=1e-9)
    assert beyond > 0  # some trials weight the zero days so heavily they do not finish
    # the exact chance of never drawing the one day in the first 2600: prod (9+i)/(10+i)
    # = 9 / 2609; not finishing needs fewer than 5 ones, so beyond is at least that
    assert beyond >= 9 / 2609
