"""The chance of being done by each date (PlanResult.distribution, WhenForecast.distribution),
checked by hand from the trials."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.core.calendar import Calendar
from forecast.core.model import Outcome, Part, Portfolio, Size, Team
from forecast.results.stats import DISTRIBUTION_COLUMNS

START = dt.date(2024, 6, 3)


def history(seed, calendar="weekdays", holidays=None):
    days = pd.bdate_range("2024-01-01", "2024-05-31")
    counts = np.random.default_rng(seed).poisson(1.5, days.size)
    return forecast.History.from_counts(days.values.astype("datetime64[D]"), counts,
                                        calendar=Calendar.from_options(calendar, holidays))


def test_plan_distribution_by_hand_from_days():
    team = Team("web", history(1), wip=2)
    portfolio = Portfolio((team,), (
        Outcome("A", (Part("web", Size(20, 30)),), target=dt.date(2024, 7, 1), priority=2),
        Outcome("B", (Part("web", Size(10, 10)),), priority=1),
    ))
    r = forecast.plan(portfolio, start=START, trials=3000, rng=5)
    got = r.distribution()
    assert tuple(got.columns) == DISTRIBUTION_COLUMNS
    assert got["outcome"].unique().tolist() == ["B", "A"]  # priority order
    days = r.days
    for name in ("A", "B"):
        done = days[name].to_numpy(dtype=float, na_value=np.inf)
        numbers = np.arange(1, r.reference.size + 1)
        shares = np.array([np.mean(done <= n) for n in numbers])
        first = int(np.flatnonzero(shares > 0)[0])
        last = int(np.flatnonzero(shares == 1.0)[0])
        expected = pd.DataFrame({
            "outcome": name,
            "date": r.reference[first:last + 1].astype(str),
            "probability": shares[first:last + 1],
        })
        rows = got[got["outcome"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(rows, expected, check_dtype=False)
        target = portfolio.outcomes[r.names.index(name)].target
        if target is not None:
            at = rows.loc[rows["date"] == target.isoformat(), "probability"].item()
            assert at == r.probability(name)


def test_plan_distribution_with_two_calendars():
    # web keeps British holidays, api American ones: an outcome shared by both teams can
    # finish on a day that only one of them works
    web = Team("web", history(2, holidays="GB"))
    api = Team("api", history(3, holidays="US"))
    portfolio = Portfolio((web, api), (
        Outcome("shared", (Part("web", Size(24, 24)), Part("api", Size(22, 22)))),
        Outcome("api only", (Part("api", Size(26, 26)),)),
    ))
    r = forecast.plan(portfolio, start=START, trials=2000, rng=1)
    got = r.distribution()
    for name, teams in (("shared", ("web", "api")), ("api only", ("api",))):
        rows = got[got["outcome"] == name]
        dates = pd.to_datetime(rows["date"]).dt.date
        for date, prob in zip(dates, rows["probability"], strict=True):
            assert prob == r.probability(name, by=date)
        working = set()
        for team in portfolio.teams:
            if team.name in teams:
                working |= set(team.history.calendar.working_dates(dates.iloc[0],
                                                                   dates.iloc[-1]).tolist())
        assert set(np.array(list(dates), dtype="datetime64[D]").tolist()) == working
    # Independence Day: web works, api does not
    shared = got[got["outcome"] == "shared"]["date"].tolist()
    api_only = got[got["outcome"] == "api only"]["date"].tolist()
    assert shared[0] < "2024-07-04" < shared[-1] and "2024-07-04" in shared
    assert api_only[0] < "2024-07-04" < api_only[-1] and "2024-07-04" not in api_only


def test_plan_distribution_up_to_the_horizon():
    portfolio = Portfolio((Team("web", history(4)),), (
        Outcome("soon", (Part("web", Size(5, 5)),)),
        Outcome("maybe", (Part("web", Size(30, 45)),)),
        Outcome("never", (Part("web", Size(10_000, 10_000)),)),
    ))
    r = forecast.plan(portfolio, start=START, trials=500, rng=2, horizon=35)
    got = r.distribution()
    assert "never" not in set(got["outcome"])
    maybe = got[got["outcome"] == "maybe"]
    last_day = START + dt.timedelta(days=34)
    while last_day.weekday() >= 5:
        last_day -= dt.timedelta(days=1)
    assert maybe["date"].iloc[-1] == last_day.isoformat()
    assert 0 < maybe["probability"].iloc[-1] < 1
    assert maybe["probability"].iloc[-1] == r.probability("maybe", by=last_day)


@pytest.mark.parametrize("engine", ["exact", "mc"])
def test_when_distribution(engine):
    h = history(6)
    f = forecast.when(h, 30, start=START, engine=engine, trials=4000, rng=3, method="daily")
    got = f.distribution("release")
    assert tuple(got.columns) == DISTRIBUTION_COLUMNS
    assert set(got["outcome"]) == {"release"}
    dates = got["date"].tolist()
    assert dates == [f.date_of(d).isoformat() for d in range(f.calendar.day_number(
        START, dt.date.fromisoformat(dates[0])), f.calendar.day_number(
        START, dt.date.fromisoformat(dates[-1])) + 1)]
    for date, prob in zip(dates, got["probability"], strict=True):  # to 6 decimals
        assert prob == pytest.approx(min(f.likelihood(date), 1.0), abs=5e-7 + 1e-15)
    assert got["probability"].iloc[0] > 0
    before = dt.date.fromisoformat(dates[0]) - dt.timedelta(days=1)
    assert f.likelihood(before) < 5e-7  # rounds to 0: the rows start after it
    assert got["probability"].iloc[-1] >= 1 - 1e-9
    assert (got["probability"].iloc[:-1] < 1 - 1e-9).all()
    assert forecast.when(h, 30, start=START,
                         method="daily").distribution()["outcome"].iloc[0] == "30 items"
