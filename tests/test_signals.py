import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import write_csv

import forecast
from forecast.evaluation.signals import aging, check, drift, quality, weekly_counts


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
    f = forecast.when(h, 50, start=start, window=90, method="daily")
    assert any("the window spans a change" in w and "--since 2024-05-" in w
               for w in f.warnings)
    g = forecast.when(h, 50, start=start, since=dt.date(2024, 5, 20), method="daily")
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


def test_aging_leaves_out_excluded_types():
    # An epic open for months is not an aging story, and a long epic's cycle time would
    # inflate the threshold: with exclude_types, such items are neither measured nor aged.
    frame = pd.DataFrame({
        "id": ["a", "b", "E1", "c", "E2"],
        "type": ["Story", "Story", "Epic", "Story", "Epic"],
        "started": ["2024-06-01", "2024-06-01", "2024-01-01", "2024-05-20", "2024-01-02"],
        "done": ["2024-06-03", "2024-06-05", "2024-06-05", "", ""],
    })
    every = aging(forecast.read_history(frame), dt.date(2024, 6, 12))
    stories = aging(forecast.read_history(frame, exclude_types=["epic"]), dt.date(2024, 6, 12))
    assert "E2" in [i.id for i in every[0]]
    assert [i.id for i in stories[0]] == ["c"] and stories[1] == pytest.approx(4.7)


def test_check_result_and_strict_cli(tmp_path):
    from click.testing import CliRunner

    from forecast.cli.app import cli

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
    f = forecast.when(h, 30, start=start, window=60, method="daily")
    assert not any("throughput changed" in w for w in f.warnings), f.warnings
    assert any("have no completions at all" in w for w in f.warnings), f.warnings
    inside = forecast.when(h, 30, start=h.last + dt.timedelta(days=1), window=60, method="daily")
    assert not any("throughput changed" in w for w in inside.warnings)


def _weeks_of_items():
    """Rows [id, done, started] done on each weekday of June 2024, each in 3 days."""
    days = [d for d in pd.date_range("2024-06-03", "2024-06-28") if d.weekday() < 5]
    return [[f"A-{i}", d.date().isoformat(), (d - pd.Timedelta(days=2)).date().isoformat()]
            for i, d in enumerate(days)]


def test_rows_starting_after_done_are_warned_and_left_out_of_cycle_times(tmp_path):
    from forecast.notes import informational

    rows = _weeks_of_items()  # every cycle time is 3 days
    rows[1][2] = "2024-06-20"  # starts 16 days after it was done (2024-06-04)
    rows[3][2] = "2024-06-30"
    rows.append(["B-1", "", "2024-06-20"])  # in progress, 12 days old on 2024-07-01
    path = write_csv(tmp_path / "h.csv", ["id", "done", "started"], rows)
    h = forecast.read_history(path)
    items, p85 = aging(h, dt.date(2024, 7, 1))
    assert p85 == 3.0  # no negative cycle time pulls the percentile down
    assert [(i.id, i.age_days) for i in items] == [("B-1", 12)]
    result = check(h, start="2024-07-01", window=30)
    warning = (f"'{path}': 2 rows start after their done date (first: row 3, id 'A-1': "
               "started 2024-06-20, done 2024-06-04): left out of cycle times; check the start "
               "and done dates of those rows")
    assert warning in result.warnings and not informational(warning)


def test_unfinished_rows_without_a_start_are_counted_as_not_aged(tmp_path):
    rows = _weeks_of_items()
    rows += [["B-1", "", ""], ["B-2", "", "2024-06-20"], ["B-3", "", ""]]
    path = write_csv(tmp_path / "h.csv", ["id", "done", "started"], rows)
    result = check(forecast.read_history(path), start="2024-07-01", window=30)
    assert (f"'{path}': 2 unfinished rows have no start date and were not aged (first: row "
            "22, id 'B-1'); if they are in progress, fill in their start date"
            in result.warnings)
    # Rows whose status says the work has not started (New, To Do...) are not warned of.
    ado_rows = [[r[0], "Story", "Closed", r[1], r[2]] for r in _weeks_of_items()]
    ado_rows += [["B-1", "Story", "New", "", ""], ["B-2", "Story", "Active", "", ""]]
    ado = write_csv(tmp_path / "ado.csv",
                    ["ID", "Work Item Type", "State", "Closed Date", "Activated Date"], ado_rows)
    warnings = check(forecast.read_history(ado), start="2024-07-01", window=30).warnings
    assert [w for w in warnings if "not aged" in w] == [
        f"'{ado}': 1 unfinished row has no start date and was not aged (row 23, id 'B-2'); "
        "if it is in progress, fill in its start date"]


def test_check_says_why_there_is_no_cycle_time(tmp_path):
    from click.testing import CliRunner

    from forecast.cli.app import cli

    line = ("no start column: cycle times and aging need one (e.g. Activated Date, Started, "
            "created)")
    path = write_csv(tmp_path / "h.csv", ["id", "done"], [r[:2] for r in _weeks_of_items()])
    result = check(forecast.read_history(path), start="2024-07-01", window=30)
    assert result.cycle_p85 is None
    assert line in result.info and line not in result.warnings
    assert f"  note: {line}" in str(result)
    strict = CliRunner().invoke(cli, ["check", str(path), "--start", "2024-07-01",
                                      "--since", "2024-06-03", "--strict"])
    assert line in strict.stdout and strict.exit_code == 0, strict.stdout
    rows = _weeks_of_items()
    assert line not in check(forecast.read_history(
        write_csv(tmp_path / "s.csv", ["id", "done", "started"], rows)),
        start="2024-07-01", window=30).info
    # A start column, but no done row with a start: say so too.
    unstarted = write_csv(tmp_path / "u.csv", ["id", "done", "started"],
                          [[r[0], r[1], ""] for r in rows] + [["B-1", "", "2024-06-20"]])
    info = check(forecast.read_history(unstarted), start="2024-07-01", window=30).info
    assert ("no done row has a start date on or before its done date: cycle times cannot "
            "be measured, so no item was aged") in info


def test_strict_check_fails_on_a_doubled_export(tmp_path):
    from click.testing import CliRunner

    from forecast.cli.app import cli

    rows = _weeks_of_items()
    clean = write_csv(tmp_path / "clean.csv", ["id", "done", "started"], rows)
    doubled = write_csv(tmp_path / "doubled.csv", ["id", "done", "started"], rows + rows)
    args = ["--start", "2024-07-01", "--since", "2024-06-03", "--strict"]
    assert CliRunner().invoke(cli, ["check", str(clean), *args]).exit_code == 0
    failed = CliRunner().invoke(cli, ["check", str(doubled), *args])
    assert failed.exit_code == 1
    assert "20 duplicate rows of the same id left out (first: row 22, id 'A-0'" in failed.stdout


def test_check_of_a_stale_export_checks_it_as_of_its_end():
    # Without --start, "today" would sample an empty window; check the history as of the
    # day after its last completion instead, and warn that the export may be out of date.
    h = shifted_history(after=1.0, days=120)
    result = check(h)
    assert result.today == h.last + dt.timedelta(days=1)
    assert any("checked as of" in w and "out of date" in w for w in result.warnings)
    fresh = check(h, start=h.last + dt.timedelta(days=1))
    assert not any("checked as of" in w for w in fresh.warnings)
