import datetime as dt

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.signals import aging, check, drift, quality, weekly_counts


def shifted_history(change_day=84, before=1.0, after=3.0, days=168, seed=4):
    rng = np.random.default_rng(seed)
    dates = np.datetime64("2024-01-01") + np.arange(days)  # a Monday
    rate = np.where(np.arange(days) < change_day, before, after)
    return forecast.History.from_counts(dates, rng.poisson(rate), calendar="all")


def test_drift_finds_a_level_shift_within_a_week():
    h = shifted_history()
    changes = drift(h)
    assert len(changes) == 1
    true = dt.date(2024, 1, 1) + dt.timedelta(days=84)
    assert abs((changes[0].date - true).days) <= 7
    assert changes[0].before < changes[0].after


def test_no_drift_on_a_stable_history():
    h = shifted_history(after=1.0)
    assert drift(h) == ()


def test_drift_warning_appears_in_when():
    h = shifted_history(change_day=140)  # the change lies inside the last 90 days
    start = dt.date(2024, 1, 1) + dt.timedelta(days=168)
    f = forecast.when(h, 50, start=start, window=90)
    assert any("the window spans a change" in w and "--since 2024-05-" in w
               for w in f.warnings)
    g = forecast.when(h, 50, start=start, since=dt.date(2024, 5, 20))
    assert not any("spans a change" in w for w in g.warnings)


def test_weekly_counts_keep_whole_weeks_in_a_span():
    h = forecast.History.from_counts(["2024-06-02", "2024-06-03", "2024-06-10"], [5, 1, 2])
    mondays, counts = weekly_counts(h, dt.date(2024, 6, 2), dt.date(2024, 6, 15))
    assert mondays.astype(str).tolist() == ["2024-06-03"] and counts.tolist() == [1]


def test_quality_flags_outliers_and_streaks():
    counts = [1, 2, 1, 0, 2, 1, 40, 1] + [0] * 14 + [1, 2]
    h = forecast.History.from_counts(np.datetime64("2024-06-01") + np.arange(len(counts)),
                                     counts, calendar="all")
    q = quality(h.sample(dt.date(2024, 6, 25), since=dt.date(2024, 6, 1)))
    assert q.longest_zero_streak == 14
    assert q.outlier_days == ((dt.date(2024, 6, 7), 40),)
    assert any("outlier" in w for w in q.warnings) and any("in a row" in w for w in q.warnings)


def test_aging_items_oldest_first():
    frame = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "started": ["2024-06-01", "2024-06-01", "2024-05-01", "2024-05-20", "2024-06-10"],
        "done": ["2024-06-03", "2024-06-05", "", "", ""],
    })
    h = forecast.read_history(frame)
    items, p85 = aging(h, dt.date(2024, 6, 12))
    # cycle times 3 and 5 days -> P85 (linear interpolation) = 4.7
    assert p85 == pytest.approx(4.7)
    assert [(i.id, i.age_days) for i in items] == [("c", 43), ("d", 24)]


def test_check_result_and_strict_cli(tmp_path):
    from click.testing import CliRunner

    from forecast.cli import cli

    h = shifted_history(change_day=140)
    days = np.datetime64("2024-01-01") + np.arange(168)
    rows = [d for d, c in zip(days, h.counts, strict=False) for _ in range(int(c))]
    path = tmp_path / "h.csv"
    pd.DataFrame({"done": np.array(rows).astype(str)}).to_csv(path, index=False)
    result = check(forecast.read_history(path, calendar="all"), start="2024-06-17")
    assert result.changes and any("spans a change" in w for w in result.warnings)
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(path), "--start", "2024-06-17", "--calendar", "all"])
    assert ok.exit_code == 0 and "warning:" in ok.stdout
    strict = runner.invoke(cli, ["check", str(path), "--start", "2024-06-17", "--calendar",
                                 "all", "--strict"])
    assert strict.exit_code == 1
    js = runner.invoke(cli, ["check", str(path), "--start", "2024-06-17", "--calendar", "all",
                             "--format", "json"])
    import json

    doc = json.loads(js.stdout)
    assert doc["suggested_since"] and doc["changes"]


def test_change_sizes_are_the_means_of_the_final_segments():
    # three regimes: binary segmentation splits at the largest jump first (into 2 then 6
    # items a day), then splits the earlier side again; each change's sizes must come from
    # the final segments, so one change's "after" is the next one's "before".
    rng = np.random.default_rng(11)
    days = 7 * 36
    dates = np.datetime64("2024-01-01") + np.arange(days)  # a Monday; 36 whole weeks
    rate = np.select([np.arange(days) < 84, np.arange(days) < 168], [0.7, 2.0], 6.0)
    h = forecast.History.from_counts(dates, rng.poisson(rate), calendar="all")
    changes = drift(h)
    assert [c.date for c in changes] == [dt.date(2024, 3, 25), dt.date(2024, 6, 17)]
    mondays, counts = weekly_counts(h)
    cuts = [0, *(int(np.searchsorted(mondays, np.datetime64(c.date))) for c in changes),
            counts.size]
    means = [float(counts[lo:hi].mean()) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]
    assert [c.before for c in changes] == pytest.approx(means[:-1])
    assert [c.after for c in changes] == pytest.approx(means[1:])
    assert changes[0].after == changes[1].before


def test_weeks_after_the_history_ends_are_not_a_change():
    # A stable team whose export ends three weeks before the start: the empty weeks are the
    # export's end, not a drop in throughput, so no drift warning and no --since advice;
    # the trailing-gap warning says what is wrong instead.
    h = shifted_history(after=3.0, before=3.0, days=120)
    start = h.last + dt.timedelta(days=22)
    f = forecast.when(h, 30, start=start, window=60)
    assert not any("throughput changed" in w for w in f.warnings), f.warnings
    assert any("have no completions at all" in w for w in f.warnings), f.warnings
    inside = forecast.when(h, 30, start=h.last + dt.timedelta(days=1), window=60)
    assert not any("throughput changed" in w for w in inside.warnings)
