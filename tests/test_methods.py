"""Sampling methods: weekly blocks and the Bayesian bootstrap."""

import datetime as dt
import math

import numpy as np
import pytest
from conftest import daily

import forecast
from forecast.sampling import _kernels, _reference
from forecast.sampling.exact import how_many_pmf, how_many_pmf_blocks, when_pmf, when_pmf_blocks

START = dt.date(2024, 6, 3)
BLOCKS = np.array([[0, 1, 2, 0, 3], [5, 0, 0, 1, 2], [1, 1, 1, 1, 1], [0, 0, 0, 0, 9]])


# uniform rows; Dirichlet(1, ..., 1); parameters on both sides of 1 (Gamma draws of
# both kinds: boosted below 1, Marsaglia-Tsang above it)
@pytest.mark.parametrize("bayes, alphas", [
    (False, []), (True, [1.0, 1.0, 1.0, 1.0]), (True, [0.003, 0.4, 1.0, 2.7])])
def test_block_kernels_equal_their_twins(bayes, alphas):
    alphas = np.array(alphas, dtype=float)
    for kernel, serial, twin, args in (
        (_kernels.when_days_blocks, _kernels.when_days_blocks_serial,
         _reference.when_days_blocks, (40, 2600)),
        (_kernels.how_many_blocks, _kernels.how_many_blocks_serial,
         _reference.how_many_blocks, (23,)),
    ):
        expected = twin(BLOCKS, *args, 11, 400, bayes, alphas)
        for run in (kernel, serial):
            got = run(BLOCKS.astype(np.int64), *args, np.uint64(11), 400, bayes, alphas)
            np.testing.assert_array_equal(got, expected)


def test_width_one_blocks_are_the_daily_bootstrap():
    counts = np.array([0, 1, 2, 0, 3, 5])
    p1, _ = when_pmf(counts, 17, 100)
    p2, _ = when_pmf_blocks(counts.reshape(-1, 1), 17, 100)
    np.testing.assert_allclose(p1, p2, atol=1e-14)
    np.testing.assert_allclose(how_many_pmf(counts, 13),
                               how_many_pmf_blocks(counts.reshape(-1, 1), 13), atol=1e-14)
    d = _kernels.when_days(counts.astype(np.int64), 40, 2600, np.uint64(5), 300)
    b = _kernels.when_days_blocks(counts.reshape(-1, 1).astype(np.int64), 40, 2600,
                                  np.uint64(5), 300, False, np.empty(0))
    np.testing.assert_array_equal(d, b)


def test_weekly_exact_by_hand():
    # Blocks [1, 0] and [0, 2], 2 items: [0, 2] first -> day 2 (1/2); [1, 0] then [1, 0]
    # -> day 3 (1/4); [1, 0] then [0, 2] -> day 4 (1/4).
    pmf, beyond = when_pmf_blocks(np.array([[1, 0], [0, 2]]), 2, 6)
    assert pmf[:5].tolist() == pytest.approx([0, 0, 0.5, 0.25, 0.25])
    assert beyond == 0.0


@pytest.mark.parametrize("question", ["when", "how-many"])
def test_weekly_monte_carlo_agrees_with_weekly_exact(ado_history, question):
    trials = 100_000
    kw = dict(start=START, method="weekly", percentiles=(10, 50, 85, 95))
    if question == "when":
        exact = forecast.when(ado_history, 40, engine="exact", **kw)
        mc = forecast.when(ado_history, 40, engine="mc", trials=trials, rng=4, **kw)
    else:
        exact = forecast.how_many(ado_history, days=23, engine="exact", **kw)
        mc = forecast.how_many(ado_history, days=23, engine="mc", trials=trials, rng=4, **kw)
    for pe, pm in zip(exact.percentiles(), mc.percentiles(), strict=True):
        assert pm.low <= pe.value <= pm.high, (pe, pm)
    assert exact.method == mc.method == "weekly"


def test_bayes_keeps_the_mean_and_widens_thin_samples():
    h = daily("2024-05-20", [0, 3, 1, 0, 2, 0, 1, 4])
    kw = dict(start="2024-05-28", window=8, engine="mc", trials=40_000, rng=2,
              percentiles=(5, 95))
    plain = forecast.how_many(h, days=20, method="daily", **kw)
    bayes = forecast.how_many(h, days=20, method="bayes", **kw)
    # E[total] is 20 x mean(sample) = 27.5 under both; the standard error of a mean of
    # 40k totals is below 0.1.
    assert abs(plain.draws.mean() - 27.5) < 0.3 and abs(bayes.draws.mean() - 27.5) < 0.3
    spread = [f.percentile(5).value - f.percentile(95).value for f in (plain, bayes)]
    assert spread[1] > spread[0]
    assert bayes.method == "bayes" and bayes.engine == "mc"


def test_bayes_is_exact_by_default_and_agrees_with_its_monte_carlo(ado_history):
    auto = forecast.when(ado_history, 10, start=START, method="bayes")
    mc = forecast.when(ado_history, 10, start=START, method="bayes", engine="mc",
                       trials=40_000, rng=3)
    assert auto.engine == "exact" and mc.engine == "mc"
    # the cdfs agree within 5 standard errors of a proportion at 40k trials (<= 0.0125)
    gap = np.abs(np.cumsum(auto.pmf) - np.cumsum(mc.pmf)).max()
    assert gap < 5 * 0.5 / np.sqrt(40_000)


def test_weekly_needs_two_weeks():
    h = daily("2024-05-27", [1, 2, 3, 1, 2, 1, 1], calendar="weekdays")
    with pytest.raises(forecast.ForecastError, match="needs at least 2 whole weeks"):
        forecast.when(h, 5, start="2024-06-04", window=8, method="weekly")


def test_unknown_method(ado_history):
    with pytest.raises(forecast.ForecastError, match="method = 'monthly' is not known"):
        forecast.when(ado_history, 10, start=START, method="monthly")


def test_weekly_keeps_batching():
    # A team that ships 10 items every Friday and nothing else: weekly sampling knows every
    # week brings exactly 10; daily sampling lets weeks bring 0 or 50.
    counts = [0, 0, 0, 0, 10] * 12
    dates = np.busday_offset(np.datetime64("2024-03-04"), np.arange(60), roll="forward")
    h = forecast.History.from_counts(dates, counts)
    weekly = forecast.how_many(h, days=20, start="2024-05-27", window=84, method="weekly",
                               percentiles=(5, 50, 85, 95))
    assert [p.value for p in weekly.percentiles()] == [40, 40, 40, 40]
    plain = forecast.how_many(h, days=20, start="2024-05-27", window=84, method="daily",
                              percentiles=(5, 95))
    # 20 iid days with P(10) = 1/5: the total is 10 x Binomial(20, 1/5), spread 10..70.
    assert plain.percentile(95).value < 40 < plain.percentile(5).value
    assert math.isclose(sum(n * p for n, p in enumerate(weekly.pmf)), 40)
