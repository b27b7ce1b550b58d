"""``forecast check`` checks the window a forecast samples, and warns on what should worry a
planner: the team's own backtest whose stated 85% held under 75%, and a change in weekly
throughput inside the window or at its edge.

Real histories (tests/data/README.md): Jira P1 before 2018-01-08, where the Bayesian
bootstrap's "85% chance of N or more" held in only about 63% of the past year's origins,
and before 2016-06-01, where its "85% chance of at most N" held in about 66%.
"""

import datetime as dt
import json

import numpy as np
import pytest
from click.testing import CliRunner

import forecast
from forecast.cli.app import cli
from forecast.evaluation.backtest import BacktestResult, Score
from forecast.evaluation.misses import MIN_MISS_ORIGINS, held_statements, miss_warnings
from forecast.evaluation.signals import EDGE_DAYS, drift, where_is
from forecast.evaluation.signals import check as check_window

TEAM = "examples/team.csv"
JIRA = "tests/data/jira-p1.csv"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="forecast")


def codes(result):
    return [getattr(w, "code", None) for w in result.warnings]


# --- the window: the one a forecast samples ---------------------------------------------


def test_check_describes_the_window_that_when_samples():
    h = forecast.read_history(TEAM)
    c = forecast.check(h, start="2024-06-03")
    f = forecast.when(h, 40, start="2024-06-03")
    assert (c.sample.first, c.sample.last) == (f.sample.first, f.sample.last)
    assert (c.sample.last - c.sample.first).days + 1 == 180  # what auto chose, not 90 days
    auto = next(w for w in f.warnings if getattr(w, "code", None) == "auto-chose")
    assert c.why == auto and c.why.code == "auto-chose" and c.why.severity == "info"
    assert c.backtest is not None and c.backtest.best == ("weighted", 180)
    # a fixed method samples its default 90 days, and no backtest is run for it
    d = forecast.check(h, start="2024-06-03", method="daily")
    g = forecast.when(h, 40, start="2024-06-03", method="daily")
    assert (d.sample.first, d.backtest) == (g.sample.first, None)
    assert d.why.code == "window-default" and "90 days" in d.why


def test_a_given_window_or_since_is_kept():
    h = forecast.read_history(TEAM)
    c = forecast.check(h, start="2024-06-03", window=45)
    assert c.sample.first == dt.date(2024, 4, 19)
    assert c.backtest.best[1] == 45 and "45-day window" in c.why  # auto chose only the method
    s = forecast.check(h, start="2024-06-03", since="2024-04-01", method="weekly")
    assert s.sample.first == dt.date(2024, 4, 1) and s.why.code == "window-given"
    # the library function of a given window is as it was: 90 days by default
    assert check_window(h, start="2024-06-03").sample.first == dt.date(2024, 3, 5)


def test_check_says_which_window_and_why_in_table_and_json():
    r = run("check", TEAM, "--start", "2024-06-03")
    assert r.exit_code == 0, r.output
    assert "(window 2023-12-06 .. 2024-06-02)" in r.stdout.splitlines()[0]
    assert "  window: method auto chose weighted with a 180-day window: " in r.stdout
    assert "  backtest of weighted over 180 days, 40 origins: how often its stated 85% held" \
        in r.stdout
    doc = json.loads(run("check", TEAM, "--start", "2024-06-03", "--format", "json").stdout)
    assert doc["window"]["calendar_days"] == 180
    assert doc["window"]["why"].startswith("method auto chose weighted with a 180-day window")
    assert {"auto-chose"} <= {m["code"] for m in doc["messages"] if m["severity"] == "info"}
    assert doc["backtest"]["method"] == "weighted" and doc["backtest"]["window"] == 180
    assert len(doc["backtest"]["p85_held"]) == 8  # 3 horizons and When, both directions
    fixed = json.loads(run("check", TEAM, "--start", "2024-06-03", "--method", "daily",
                           "--format", "json").stdout)
    assert fixed["window"]["calendar_days"] == 90 and fixed["backtest"] is None


def test_auto_falling_back_is_a_note_in_a_check():
    # three months are too little to backtest: auto keeps its default method over all the
    # history there is, and says so; in a check that says which window this is, not that
    # the data is wrong (nor that the window was cut short)
    days = np.datetime64("2024-03-04") + np.arange(91)
    h = forecast.History.from_counts(days, np.tile([3, 1, 2, 0, 2, 1, 2], 13))
    c = forecast.check(h, start="2024-06-03")
    assert c.why.code == "auto-fell-back" and c.why.severity == "info"
    assert c.why not in c.warnings and c.backtest is None
    assert (c.sample.first, c.sample.last) == (h.first, h.last)
    assert "with a 91-day window (all of its history)" in c.why
    assert "window-cut-short" not in codes(c) and not c.sample.warnings


def test_a_stale_history_is_checked_as_of_its_end():
    days = np.datetime64("2019-09-02") + np.arange(120)
    h = forecast.History.from_counts(days, np.tile([3, 1, 2, 0, 2, 1], 20))
    c = forecast.check(h)  # today: long after the export ends
    assert c.today == h.last + dt.timedelta(days=1) and c.sample.last == h.last
    assert "stale-history" in codes(c)


# --- warning 1: the team's own backtest missed its stated 85% ------------------------------


def backtest_of(at_least, at_most, origins=40, when=(0.9, 0.9)):
    """A backtest of one configuration (bayes, 30 days) with the given P85 shares held."""
    scores = [Score("bayes", 30, "how-many", h, origins, {85: a}, {85: b}, 1.0, 1.0, ())
              for h, a, b in zip((10, 20), at_least, at_most, strict=True)]
    scores.append(Score("bayes", 30, "when", 22, origins, {85: when[0]}, {85: when[1]},
                        1.0, 1.0, ()))
    first = dt.date(2023, 6, 5)
    return BacktestResult(source="team", scores=tuple(scores), levels=(85,),
                          origins=tuple(first + dt.timedelta(weeks=i) for i in range(origins)),
                          horizons=(10, 20), batch=22)


def test_a_stated_85_that_held_under_75_is_a_warning_in_either_direction():
    optimistic = miss_warnings(backtest_of((0.70, 0.74), (0.9, 0.9)))
    assert [w.code for w in optimistic] == ["backtest-optimistic"]
    text = optimistic[0]
    assert '"85% chance of N or more" held 70% in 10 working days and 74% in 20 ' \
           '(40 origins each)' in text
    assert "bayes, 30-day window, 40 weekly origins" in text and "P95" in text
    pessimistic = miss_warnings(backtest_of((0.9, 0.9), (0.9, 0.9), when=(0.9, 0.6)))
    assert [w.code for w in pessimistic] == ["backtest-pessimistic"]
    assert '"85% chance of not being done before the date" held 60% for 22 items ' \
           '(40 origins)' in pessimistic[0] and "--since" in pessimistic[0]
    both = miss_warnings(backtest_of((0.5, 0.9), (0.9, 0.5)))
    assert [w.code for w in both] == ["backtest-optimistic", "backtest-pessimistic"]


def test_a_stated_85_that_held_75_or_more_or_over_too_few_origins_is_not():
    assert miss_warnings(backtest_of((0.75, 0.80), (0.75, 0.99))) == ()
    thin = backtest_of((0.5, 0.5), (0.5, 0.5), origins=MIN_MISS_ORIGINS - 1)
    assert not any(h.missed for h in held_statements(thin)) and miss_warnings(thin) == ()
    assert miss_warnings(None) == ()


def test_the_miss_warns_in_check_on_a_real_history_and_fails_strict():
    h = forecast.read_history(JIRA)
    c = forecast.check(h, start="2018-01-08")
    assert "backtest-optimistic" in codes(c) and "backtest-pessimistic" not in codes(c)
    text = next(w for w in c.warnings if w.code == "backtest-optimistic")
    assert '"85% chance of N or more" held ' in text and " origins" in text
    missed = [s for s in held_statements(c.backtest) if s.missed]
    assert {s.statement for s in missed} >= {"85% chance of N or more"}
    assert all(s.held < 0.75 and s.origins >= MIN_MISS_ORIGINS for s in missed)
    other = forecast.check(h, start="2016-06-01")
    assert "backtest-pessimistic" in codes(other)
    assert '"85% chance of at most N" held ' in next(
        w for w in other.warnings if w.code == "backtest-pessimistic")
    r = run("check", JIRA, "--start", "2018-01-08", "--strict")
    assert r.exit_code == 1 and "  warning: the team's own backtest (" in r.stdout
    doc = json.loads(run("check", JIRA, "--start", "2018-01-08", "--format", "json").stdout)
    assert "backtest-optimistic" in [m["code"] for m in doc["messages"]]
    assert any(row["missed"] for row in doc["backtest"]["p85_held"])


def test_no_miss_warning_where_the_backtest_held(tmp_path):
    # a team whose weeks repeat: every stated 85% held on its past
    days = np.datetime64("2022-01-03") + np.arange(2 * 364)
    counts = np.tile([3, 1, 2, 0, 2, 0, 0], 104)
    h = forecast.History.from_counts(days, counts)
    c = forecast.check(h, start="2024-01-01")
    assert c.backtest is not None and all(s.held >= 0.75 for s in held_statements(c.backtest))
    assert c.warnings == ()
    path = tmp_path / "steady.csv"
    path.write_text("date,count\n" + "".join(f"{d},{n}\n" for d, n in zip(days, counts,
                                                                         strict=True)))
    assert run("check", path, "--start", "2024-01-01", "--strict").exit_code == 0


def test_the_report_shows_the_miss_among_the_teams_signals():
    h = forecast.read_history(JIRA)
    f = forecast.how_many(h, days=20, start="2018-01-08")
    page = forecast.report.question_report(f, h, backtest=False)
    signals = page[page.index('id="signals"'):page.index('id="calibration"')]
    assert "a stated 85% held under 75%" in signals


# --- warning 2: a change inside the window or at its edge ----------------------------------


CHANGE = dt.date(2024, 3, 11)  # a Monday: ten weeks of 1 a day, then 4 a day


def regime_change(weeks_after=6):
    days = np.datetime64("2024-01-01") + np.arange(70 + 7 * weeks_after)
    counts = np.r_[np.full(70, 1), np.full(7 * weeks_after, 4)]
    return forecast.History.from_counts(days, counts, calendar="all")


def window_from(first, days=30):
    """The start whose window of ``days`` calendar days begins on ``first``."""
    return first + dt.timedelta(days=days)


def test_drift_dates_the_constructed_change():
    assert [c.date for c in drift(regime_change())] == [CHANGE]


@pytest.mark.parametrize("after", [1, 3, EDGE_DAYS])
def test_a_change_at_the_windows_edge_is_a_warning(after):
    h = regime_change()
    c = check_window(h, start=window_from(CHANGE + dt.timedelta(days=after)), window=30)
    assert [where_is(x, c.sample) for x in c.changes] == ["edge"]
    warned = [w for w in c.warnings if w.code == "window-edge-change"]
    assert len(warned) == 1 and "window-spans-change" not in codes(c)
    assert f"starts {after} day" in warned[0] and "week of 2024-03-11" in warned[0]
    assert "consider --since 2024-03-11" in warned[0]
    assert "(at the window's edge)" in str(c)
    assert c.to_dict()["changes"][0]["where"] == "edge"
    # forecast.check of the same window says the same
    start = window_from(CHANGE + dt.timedelta(days=after))
    assert forecast.check(h, start=start, window=30, method="daily").warnings == c.warnings


def test_a_change_inside_the_window_warns_that_it_spans_it():
    h = regime_change()
    c = check_window(h, start=window_from(CHANGE - dt.timedelta(days=2)), window=30)
    assert [where_is(x, c.sample) for x in c.changes] == ["inside"]
    assert "window-spans-change" in codes(c) and "window-edge-change" not in codes(c)


@pytest.mark.parametrize("after", [0, EDGE_DAYS + 1, 20])
def test_a_change_before_the_windows_edge_is_not(after):
    # 0: the window starts on the change's Monday, as the suggested --since does
    h = regime_change(weeks_after=8)
    c = check_window(h, start=window_from(CHANGE + dt.timedelta(days=after)), window=30)
    assert [where_is(x, c.sample) for x in c.changes] == ["before"]
    assert not {"window-edge-change", "window-spans-change"} & set(codes(c))


def test_following_the_edge_suggestion_silences_it(tmp_path):
    h = regime_change()
    start = window_from(CHANGE + dt.timedelta(days=3))
    rows = [d for d, n in zip(h.dates.astype(str), h.counts, strict=True) for _ in range(n)]
    path = tmp_path / "h.csv"
    path.write_text("done\n" + "\n".join(rows) + "\n")
    args = ["check", path, "--start", start, "--calendar", "all", "--method", "daily"]
    warned = run(*args, "--window", 30, "--strict")
    assert warned.exit_code == 1
    assert "after a change: throughput changed in the week of 2024-03-11" in warned.stdout
    doc = json.loads(run(*args, "--window", 30, "--format", "json").stdout)
    assert "window-edge-change" in [m["code"] for m in doc["messages"]]
    followed = run(*args, "--since", "2024-03-11", "--strict")
    assert followed.exit_code == 0, followed.output
