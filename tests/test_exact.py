import datetime as dt

import numpy as np
import pytest
from conftest import daily
from naive import (
    naive_how_many_percentile,
    naive_how_many_pmf,
    naive_when_percentile,
    naive_when_pmf,
)

import forecast
from forecast.sampling.exact import how_many_pmf, when_pmf

D = dt.date

SAMPLES = [
    [1],
    [0, 1],
    [0, 2],
    [0, 0, 3, 1],
    [2, 2, 5, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 11],  # a bulk close among idle days
]


@pytest.mark.parametrize("counts", SAMPLES)
@pytest.mark.parametrize("items", [1, 3, 7])
def test_when_pmf_matches_naive(counts, items):
    horizon = 25
    pmf, beyond = when_pmf(np.array(counts), items, horizon)
    expected, naive_beyond = naive_when_pmf(counts, items, horizon)
    got = {d: pmf[d] for d in range(1, horizon + 1)}
    assert got == pytest.approx(expected, abs=1e-12)
    # below 1e-15 the engine stops and reports 0 beyond
    assert beyond == pytest.approx(naive_beyond, abs=1e-14)


@pytest.mark.parametrize("counts", SAMPLES)
@pytest.mark.parametrize("days", [1, 2, 5, 12])
def test_how_many_pmf_matches_naive(counts, days):
    pmf = how_many_pmf(np.array(counts), days)
    expected = naive_how_many_pmf(counts, days)
    got = {n: p for n, p in enumerate(pmf) if p > 0}
    assert got == pytest.approx({n: p for n, p in expected.items() if p > 0}, abs=1e-12)


def test_how_many_fft_path_matches_direct():
    counts = np.array([0, 1, 1, 2, 3, 5, 8, 0, 0, 2])
    from forecast.sampling import exact

    direct = exact.how_many_pmf(counts, 300)
    old = exact._DIRECT_LIMIT
    try:
        exact._DIRECT_LIMIT = 0
        fft = exact.how_many_pmf(counts, 300)
    finally:
        exact._DIRECT_LIMIT = old
    assert fft.size == direct.size
    np.testing.assert_allclose(fft, direct, atol=1e-13)


def weekday_history(counts, first="2024-06-03"):
    dates = np.busday_offset(np.datetime64(first), np.arange(len(counts)), roll="forward")
    return forecast.History.from_counts(dates, counts, calendar="weekdays")


def test_constant_throughput_when_is_day_n():
    h = weekday_history([1] * 10)
    for n in (1, 7, 40):
        f = forecast.when(h, n, start="2024-06-17", window=14, method="daily")
        assert [p.value for p in f.percentiles()] == [n] * 4
        assert [p.date for p in f.percentiles()] == [f.date_of(n)] * 4


def test_constant_throughput_how_many_is_d():
    h = weekday_history([1] * 10)
    for days in (1, 5, 23):
        f = forecast.how_many(h, days=days, start="2024-06-17", window=14, method="daily")
        assert [p.value for p in f.percentiles()] == [days] * 4
    by = forecast.how_many(h, by="2024-06-28", start="2024-06-17", window=14, method="daily")
    assert by.days == 10 and by.percentile(85).value == 10


def test_hand_computed_how_many_percentiles():
    # Sample [0, 1]; over 2 days S is 0, 1, 2 with probabilities 1/4, 1/2, 1/4.
    # P(S >= 0) = 1, P(S >= 1) = 3/4, P(S >= 2) = 1/4.
    # P85: largest N with P(S >= N) >= .85 -> 0; P75 -> 1 (exactly 3/4); P70 -> 1;
    # P50 -> 1; P25 -> 2 (exactly 1/4); P20 -> 2.
    h = daily("2024-06-03", [0, 1])
    f = forecast.how_many(h, days=2, start="2024-06-05", window=2,
                          percentiles=[20, 25, 50, 70, 75, 85], method="daily")
    assert [p.value for p in f.percentiles()] == [2, 2, 1, 1, 1, 0]
    assert f.likelihood(1) == pytest.approx(0.75) and f.likelihood(2) == pytest.approx(0.25)


def test_hand_computed_when_percentiles():
    # Sample [0, 2], 3 items: done on the day the second 2 arrives, so
    # P(T = d) = (d - 1) / 2**d: P(T<=2) = 1/4, P(T<=3) = 1/2, P(T<=4) = 11/16 = .6875,
    # P(T<=5) = 13/16 = .8125, P(T<=6) = 57/64 = .890625, P(T<=7) = 15/16 = .9375,
    # P(T<=8) = 247/256 = .96484375.
    h = daily("2024-06-03", [0, 2])
    f = forecast.when(h, 3, start="2024-06-05", window=2, percentiles=[25, 50, 70, 85, 95],
                      method="daily")
    assert [p.value for p in f.percentiles()] == [2, 3, 5, 6, 8]
    assert f.likelihood("2024-06-09") == pytest.approx(0.8125)  # day 5 under 'all'
    assert f.likelihood("2024-06-11") == pytest.approx(0.9375)  # day 7


@pytest.mark.parametrize("p", [10, 33.3, 50, 85, 95, 99])
def test_percentile_rules_match_naive(p):
    counts = [2, 2, 5, 0, 1, 0, 0]
    h = daily("2024-06-03", counts)
    when = forecast.when(h, 9, start="2024-06-10", window=7, percentiles=[p], horizon=60,
                         method="daily")
    pmf, beyond = naive_when_pmf(counts, 9, 60)
    assert when.percentile(p).value == naive_when_percentile(pmf, beyond, p)
    many = forecast.how_many(h, days=6, start="2024-06-10", window=7, percentiles=[p],
                             method="daily")
    assert many.percentile(p).value == naive_how_many_percentile(naive_how_many_pmf(counts, 6), p)


def test_not_within_horizon_is_reported():
    h = daily("2024-06-03", [1] + [0] * 29)
    f = forecast.when(h, 5, start="2024-07-03", window=30, horizon=40, method="daily")
    assert 0 < f.not_within_horizon < 1
    assert f.percentile(95).value is None and f.percentile(95).date is None
    assert any("do not finish within the horizon" in w for w in f.warnings)
    assert "not within horizon" in str(f)
