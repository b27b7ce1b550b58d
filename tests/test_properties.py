"""Properties that must hold for any history (hypothesis)."""

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecast
from forecast.core.history import History

START = dt.date(2024, 3, 1)
counts_strategy = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=25).filter(
    lambda c: sum(c) > 0
)
LEVELS = (5, 25, 50, 70, 85, 95, 99)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def history_of(counts):
    dates = np.datetime64(START) + np.arange(len(counts))
    return History.from_counts(dates, counts, calendar="all")


def ask_when(counts, items, engine="exact"):
    start = START + dt.timedelta(days=len(counts))
    return forecast.when(history_of(counts), items, start=start, window=len(counts),
                         percentiles=LEVELS, engine=engine, trials=400, horizon=3000,
                         method="daily")


def days_of(result):
    # not within horizon sorts after every day
    return [10**9 if p.value is None else p.value for p in result.percentiles()]


@SETTINGS
@given(counts=counts_strategy, items=st.integers(1, 60), extra=st.integers(1, 30))
def test_more_items_is_never_earlier(counts, items, extra):
    fewer, more = days_of(ask_when(counts, items)), days_of(ask_when(counts, items + extra))
    assert all(a <= b for a, b in zip(fewer, more, strict=True))


@SETTINGS
@given(counts=counts_strategy, items=st.integers(1, 60), extra=st.integers(1, 30))
def test_more_items_is_never_earlier_monte_carlo(counts, items, extra):
    # Same seed, same streams: each trial needs at least as many days for more items.
    fewer = ask_when(counts, items, engine="mc")
    more = ask_when(counts, items + extra, engine="mc")
    assert np.all(fewer.draws <= more.draws)
    assert all(a <= b for a, b in zip(days_of(fewer), days_of(more), strict=True))


@SETTINGS
@given(counts=counts_strategy, items=st.integers(1, 60),
       day=st.integers(0, 24), add=st.integers(1, 5))
def test_adding_completions_is_never_later(counts, items, day, add):
    richer = list(counts)
    richer[day % len(counts)] += add
    before, after = days_of(ask_when(counts, items)), days_of(ask_when(richer, items))
    assert all(b >= a for a, b in zip(after, before, strict=True))


@SETTINGS
@given(counts=counts_strategy, days=st.integers(1, 40), day=st.integers(0, 24),
       add=st.integers(1, 5))
def test_adding_completions_never_lowers_how_many(counts, days, day, add):
    richer = list(counts)
    richer[day % len(counts)] += add
    start = START + dt.timedelta(days=len(counts))
    kw = dict(days=days, start=start, window=len(counts), percentiles=LEVELS, method="daily")
    before = forecast.how_many(history_of(counts), **kw).percentiles()
    after = forecast.how_many(history_of(richer), **kw).percentiles()
    assert all(b.value >= a.value for a, b in zip(before, after, strict=True))


@SETTINGS
@given(counts=counts_strategy, items=st.integers(1, 80), days=st.integers(1, 40),
       engine=st.sampled_from(["exact", "mc"]))
def test_percentiles_are_monotone_in_p(counts, items, days, engine):
    when = days_of(ask_when(counts, items, engine))
    assert when == sorted(when)  # a higher level is a later (or equal) day
    start = START + dt.timedelta(days=len(counts))
    many = forecast.how_many(history_of(counts), days=days, start=start, window=len(counts),
                             percentiles=LEVELS, engine=engine, trials=400, method="daily")
    values = [p.value for p in many.percentiles()]
    assert values == sorted(values, reverse=True)  # a higher level is a smaller count


@SETTINGS
@given(counts=counts_strategy, items=st.integers(1, 40))
def test_when_and_how_many_are_consistent(counts, items):
    # P(T <= d) = P(S_d >= items): the two exact engines agree with each other.
    f = ask_when(counts, items)
    start = START + dt.timedelta(days=len(counts))
    d = f.percentile(50).value
    g = forecast.how_many(history_of(counts), days=d, start=start, window=len(counts),
                          method="daily")
    assert abs(g.likelihood(items) - float(f.cdf[d])) < 1e-9
