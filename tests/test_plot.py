import datetime as dt
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.dates import date2num  # noqa: E402
from matplotlib.patches import Rectangle, StepPatch  # noqa: E402

import forecast  # noqa: E402
import forecast.present.plot  # noqa: E402
from forecast.present.plot.portfolio import plan_dates  # noqa: E402
from forecast.present.plot.style import (  # noqa: E402
    LINE_COLOURS,
    PORTFOLIO_LEVELS,
    STATUS_COLOURS,
)

START = dt.date(2024, 6, 3)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def vlines(ax):
    return [line for line in ax.get_lines() if len(set(line.get_xdata())) == 1]


def test_when_plot_marks_percentiles_and_target(ado_history):
    f = forecast.when(ado_history, 40, start=START, target="2024-07-15", method="daily")
    ax = forecast.plot.when(f)
    lines = vlines(ax)
    assert len(lines) == 5
    expected = [date2num(p.date) for p in f.percentiles()] + [date2num(dt.date(2024, 7, 15))]
    assert [line.get_xdata()[0] for line in lines] == pytest.approx(expected)
    labels = [line.get_label() for line in lines]
    assert labels[2] == f"P85 {f.percentile(85).date.isoformat()}"
    assert labels[4].startswith("target 2024-07-15 (")
    assert ax.get_xlabel() == "completion date"
    bars = ax.patches
    assert sum(b.get_height() for b in bars) == pytest.approx(100, abs=0.3)  # 99.8% shown


def test_how_many_plot_marks_or_more_percentiles(ado_history):
    f = forecast.how_many(ado_history, days=20, start=START, method="daily")
    fig, ax = plt.subplots()
    assert forecast.plot.how_many(f, ax=ax) is ax
    lines = vlines(ax)
    assert [line.get_xdata()[0] for line in lines] == [p.value for p in f.percentiles()]
    assert lines[2].get_label() == f"P85: {f.percentile(85).value} or more"
    assert ax.get_xlabel() == "items completed"


# --- helpers -------------------------------------------------------------------------------

def step_value(line, x):
    """The value of a steps-post line at x (the last point at or before x)."""
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return ys[np.searchsorted(xs, x, side="right") - 1]


def first_reaching(line, y):
    xs, ys = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    return xs[np.flatnonzero(ys >= y)[0]]


def by_label(ax, prefix):
    found = [line for line in ax.get_lines() if line.get_label().startswith(prefix)]
    assert len(found) == 1, [line.get_label() for line in ax.get_lines()]
    return found[0]


def rgb(colour):
    return to_rgba(colour)[:3]


def test_importing_plot_does_not_import_matplotlib():
    code = "import sys, forecast.plot; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_public_name_is_the_same_package_down_to_its_modules():
    import forecast.plot.style
    from forecast.plot.calendar import calendar

    assert forecast.plot is forecast.present.plot
    assert forecast.plot.style is forecast.present.plot.style
    assert calendar is forecast.present.plot.calendar is forecast.plot.calendar
    assert sys.modules["forecast.plot.burnup"] is sys.modules["forecast.present.plot.burnup"]


# --- burn-up ------------------------------------------------------------------------------

def history_through(history, first, last):
    keep = (history.dates >= np.datetime64(first)) & (history.dates <= np.datetime64(last))
    return int(history.counts[keep].sum())


@pytest.mark.parametrize("options", [
    {"method": "daily"},                             # exact, daily
    {"method": "weekly"},                            # exact, weekly blocks
    {"method": "daily", "engine": "mc", "trials": 3000, "rng": 11},  # Monte Carlo, replayed
    {"method": "bayes"},                             # Bayesian bootstrap, exact (Polya urn)
    {"method": "bayes", "engine": "mc", "trials": 2000, "rng": 5},  # and by Monte Carlo
])
def test_burnup_lines_meet_the_backlog_on_the_forecast_percentile_dates(ado_history, options):
    f = forecast.when(ado_history, 40, start=START, target="2024-07-15", **options)
    ax = forecast.plot.burnup(ado_history, f)
    first = f.sample.first
    base = history_through(ado_history, first, START - dt.timedelta(days=1))
    goal = base + 40
    history = by_label(ax, "completed")
    assert history.get_ydata()[-1] == base
    assert history.get_xdata()[0] == date2num(first)
    backlog = by_label(ax, "backlog: 40 items")
    assert list(backlog.get_ydata()) == [goal, goal]
    curves = {}
    for p in (50, 85, 95):
        pc = f.percentile(p)
        line = by_label(ax, f"P{p}: done {pc.date:%a} {pc.date.isoformat()}")
        ys = np.asarray(line.get_ydata())
        assert ys[0] == base and ys.max() == goal and np.all(np.diff(ys) >= 0)
        # "N items done by d" is "done by d": the line reaches the backlog on the P date
        assert first_reaching(line, goal) == date2num(pc.date)
        curves[p] = line
    marks = [(line.get_xdata()[0], line.get_ydata()[0]) for line in ax.get_lines()
             if line.get_marker() == "o"]
    assert marks == [(date2num(f.percentile(p).date), goal) for p in (50, 85, 95)]
    # "at least" direction: the cautious levels run below the median
    xs = curves[50].get_xdata()
    for x in xs:
        assert step_value(curves[95], x) <= step_value(curves[85], x) <= step_value(curves[50], x)
    target = by_label(ax, "target 2024-07-15")
    assert target.get_xdata()[0] == date2num(dt.date(2024, 7, 15))
    assert ax.get_ylabel() == f"items completed since {first.isoformat()}"


def test_burnup_band_is_the_how_many_forecast_of_each_day(ado_history):
    f = forecast.when(ado_history, 40, start=START, method="daily")
    ax = forecast.plot.burnup(ado_history, f)
    base = history_through(ado_history, f.sample.first, START - dt.timedelta(days=1))
    for days in (5, 12, 20, 27):
        hm = forecast.how_many(ado_history, days=days, start=START, method="daily")
        x = date2num(hm.end)
        for p in (50, 85, 95):
            line = by_label(ax, f"P{p}:")
            assert step_value(line, x) - base == min(hm.percentile(p).value, 40), (days, p)


def test_burnup_since_and_levels_and_given_axes(ado_history):
    f = forecast.when(ado_history, 15, start=START, method="daily")
    fig, ax = plt.subplots()
    assert forecast.plot.burnup(ado_history, f, ax=ax, since="2024-05-01",
                                levels=(70, 50)) is ax
    base = history_through(ado_history, dt.date(2024, 5, 1), dt.date(2024, 6, 2))
    assert by_label(ax, "completed").get_ydata()[-1] == base
    assert {line.get_label().split(":")[0] for line in ax.get_lines()
            if line.get_label().startswith("P")} == {"P50", "P70"}
    assert ax.get_ylabel() == "items completed since 2024-05-01"


# --- calendar heat map --------------------------------------------------------------------

def test_calendar_cells_are_the_chance_of_being_done_by_each_day(ado_history):
    f = forecast.when(ado_history, 40, start="2024-06-05", target="2024-07-15", method="daily")
    ax = forecast.plot.calendar(f)
    closed, chance = ax.images
    grid = chance.get_array()
    monday = dt.date(2024, 6, 3)
    weeks = grid.shape[1]
    assert grid.shape == (7, weeks)
    # through the week in which the chance reaches 99%
    last = monday + dt.timedelta(days=7 * weeks - 1)
    assert f.likelihood(last) >= 0.99 > f.likelihood(last - dt.timedelta(days=7))
    texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
             for t in ax.texts}
    for offset in range(7 * weeks):
        day = monday + dt.timedelta(days=offset)
        col, row = divmod(offset, 7)
        if day < dt.date(2024, 6, 5):  # before the start: blank
            assert grid.mask[row, col] and closed.get_array().mask[row, col]
        elif day.weekday() >= 5:  # weekends: grey, no chance shown
            assert grid.mask[row, col] and not closed.get_array().mask[row, col]
            assert (col, row) not in texts
        else:
            assert not grid.mask[row, col]
            assert grid[row, col] == pytest.approx(100 * f.likelihood(day))
            assert (col, row) in texts
    assert len(texts) == int((~grid.mask).sum())
    # the percentile dates and the target are outlined on their cells
    outlines = {(p.get_x() + 0.5, p.get_y() + 0.5): p.get_edgecolor()[:3] for p in ax.patches}
    for pc in f.percentiles():
        col, row = divmod((pc.date - monday).days, 7)
        assert outlines[(col, row)] == rgb(LINE_COLOURS[int(pc.p)]) or (
            pc.date == dt.date(2024, 7, 15))
        value = grid[row, col]
        assert value >= pc.p - 1e-7
    col, row = divmod((dt.date(2024, 7, 15) - monday).days, 7)
    assert outlines[(col, row)] == (0.0, 0.0, 0.0)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert ax.get_xticklabels()[0].get_text() == "03 Jun\n2024"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[2] == f"P85 {f.percentile(85).date:%a} {f.percentile(85).date.isoformat()}"
    assert legend[-1] == "not a working day"


def test_calendar_greys_holidays_and_skips_weeks_without_a_chance():
    holidays = forecast.Calendar.from_options("weekdays", holidays=["2024-12-25"])
    days = np.datetime64("2024-01-01") + np.arange(150)
    h = forecast.History.from_counts(days, np.tile([0, 1, 2, 1, 0, 0, 0], 22)[:150],
                                     calendar=holidays)
    f = forecast.when(h, 120, start="2024-06-03", method="daily")
    assert f.likelihood("2024-11-01") < 0.01
    ax = forecast.plot.calendar(f)
    closed, chance = ax.images
    first = chance.get_extent()
    assert first[0] == -0.5
    label = ax.get_xticklabels()[0].get_text()
    monday = dt.datetime.strptime(label.replace("\n", " "), "%d %b %Y").date()
    assert monday > dt.date(2024, 6, 3) and monday.weekday() == 0
    assert f.likelihood(monday - dt.timedelta(days=14)) < 0.01 <= f.likelihood(
        monday + dt.timedelta(days=20))
    assert "earlier weeks: under 1%" in ax.get_xlabel()
    offset = (dt.date(2024, 12, 25) - monday).days
    col, row = divmod(offset, 7)
    assert chance.get_array().mask[row, col] and not closed.get_array().mask[row, col]


# --- portfolio ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_plan():
    return forecast.plan("examples/portfolio.toml", trials=3000, rng=7)


def test_portfolio_bars_ticks_targets_colours_and_dependency_arrows(example_plan):
    r = example_plan
    ax = forecast.plot.portfolio(r)
    table = r.outcomes()
    names = table["outcome"].tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == names[::-1]
    bars = ax.patches
    assert len(bars) == len(names) == 5
    ticks = [line for line in ax.get_lines() if line.get_marker() in ("None", None, "")]
    diamonds = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert len(ticks) == 5
    assert len(diamonds) == int(table["target"].notna().sum()) == 4
    for i, row in table.iterrows():
        bar, y = bars[i], len(names) - 1 - i
        pcs = {pc.p: pc.date for pc in r.percentiles(row["outcome"])}
        assert bar.get_x() == date2num(pcs[50])
        assert bar.get_x() + bar.get_width() == pytest.approx(date2num(pcs[95]))
        assert bar.get_y() + bar.get_height() / 2 == y
        assert bar.get_facecolor()[:3] == rgb(STATUS_COLOURS[row["status"]])
        assert list(ticks[i].get_xdata()) == [date2num(pcs[85])] * 2
        label = [t for t in ax.texts if t.get_position()[1] == y and t.get_position()[0] == 1.01]
        expected = "no target" if row["status"] == "no target" else f"{row['probability']:.0%}"
        assert [t.get_text() for t in label] == [expected]
    targets = [(d.get_xdata()[0], d.get_ydata()[0]) for d in diamonds]
    assert targets == [(date2num(dt.date.fromisoformat(t)), len(names) - 1 - i)
                       for i, t in enumerate(table["target"]) if isinstance(t, str)]
    assert set(table["status"]) == {"on track", "watch", "at risk", "no target"}
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    dependencies = [(o.name, d) for o in r.portfolio.outcomes for d in o.depends_on]
    assert len(arrows) == len(dependencies) == 1
    (dependent, prerequisite), = dependencies
    pre = {pc.p: pc.date for pc in r.percentiles(prerequisite)}
    dep = {pc.p: pc.date for pc in r.percentiles(dependent)}
    assert arrows[0].xyann == (date2num(pre[85]), len(names) - 1 - names.index(prerequisite))
    assert arrows[0].xy == (date2num(dep[50]), len(names) - 1 - names.index(dependent))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == ["on track", "watch", "at risk", "no target"]
    assert legend[4:] == ["P85", "target", "depends on (from the prerequisite's P85)"]


def test_portfolio_marks_p85_even_when_not_a_reported_level():
    r = forecast.plan("examples/portfolio.toml", trials=1000, rng=7, percentiles=[70])
    ax = forecast.plot.portfolio(r)
    name = r.names[0]
    column = np.sort(r.day_index[:, 0])
    p85 = r.start + dt.timedelta(days=int(column[int(np.ceil(0.85 * 1000)) - 1]))
    ticks = [line for line in ax.get_lines() if line.get_marker() in ("None", None, "")]
    row = r.outcomes()["outcome"].tolist().index(name)
    assert ticks[row].get_xdata()[0] == date2num(p85)


# --- throughput run chart -----------------------------------------------------------------

def test_throughput_weekly_points_changes_and_window(ado_history):
    from forecast.evaluation.signals import check, weekly_counts

    c = check(ado_history, start=START)
    assert len(c.changes) == 1
    ax = forecast.plot.throughput(ado_history, c.changes, c.sample)
    mondays, counts = weekly_counts(ado_history)
    weekly = by_label(ax, "items per week")
    assert list(weekly.get_xdata()) == list(date2num(mondays))
    assert list(weekly.get_ydata()) == counts.tolist()
    hollow = by_label(ax, "partly covered week")  # starts on a Wednesday, ends on a Thursday
    assert list(hollow.get_xdata()) == [date2num(mondays[0]), date2num(mondays[-1])]
    change = c.changes[0]
    line = by_label(ax, "change in throughput")
    assert list(line.get_xdata()) == [date2num(change.date)] * 2
    assert [t.get_text() for t in ax.texts] == [
        f" {change.before:.1f} → {change.after:.1f}/wk ({change.after / change.before:.1f}x)"]
    cut = int(np.searchsorted(mondays, np.datetime64(change.date)))
    means = by_label(ax, "mean between changes")  # the sizes the change's label gives...
    assert list(means.get_ydata()) == [change.before] * 2 + [change.after] * 2
    # ... which drift measured over whole weeks: the partly covered first week left out
    assert (change.before, change.after) == pytest.approx(
        (counts[1:cut].mean(), counts[cut:].mean()))
    assert list(means.get_xdata()) == [x for lo, hi in ((0, cut), (cut, mondays.size))
                                       for x in (date2num(mondays[lo]),
                                                 date2num(mondays[hi - 1]) + 7)]
    (span,) = [p for p in ax.patches if p.get_label().startswith("sampling window")]
    assert span.get_x() == date2num(c.sample.first)
    assert span.get_x() + span.get_width() == date2num(c.sample.last + dt.timedelta(days=1))
    assert ax.get_ylabel() == "items completed per week"


def test_throughput_without_changes_and_with_a_date_window(ado_history):
    fig, ax = plt.subplots()
    assert forecast.plot.throughput(ado_history, (), ("2024-01-01", "2024-03-31"), ax=ax) is ax
    assert not ax.texts and not [line for line in ax.get_lines()
                                 if line.get_label() == "change in throughput"]
    (span,) = ax.patches
    assert (span.get_x(), span.get_x() + span.get_width()) == (
        date2num(dt.date(2024, 1, 1)), date2num(dt.date(2024, 4, 1)))
    assert by_label(ax, "mean").get_ydata()[0] == pytest.approx(
        ado_history.total / len(by_label(ax, "items per week").get_xdata()))


def test_throughput_finds_changes_when_none_are_given(ado_history):
    from forecast.evaluation.signals import drift

    ax = forecast.plot.throughput(ado_history)
    line = by_label(ax, "change in throughput")
    assert line.get_xdata()[0] == date2num(drift(ado_history)[0].date)


def test_throughput_labels_agree_with_the_regime_means_between_several_changes():
    from forecast.evaluation.signals import check

    h = forecast.read_history("tests/data/jira-p1.csv")
    c = check(h, start="2019-08-09")
    assert len(c.changes) >= 3
    ax = forecast.plot.throughput(h, c.changes, c.sample)
    levels = by_label(ax, "mean between changes").get_ydata()[::2]
    expected = [c.changes[0].before] + [change.after for change in c.changes]
    assert list(levels) == expected
    assert [change.before for change in c.changes[1:]] == expected[1:-1]  # labels chain
    labels = [t.get_text() for t in ax.texts]
    assert labels == [f" {a:.1f} → {b:.1f}/wk" + (f" ({b / a:.1f}x)" if a > 0 else "")
                      for a, b in zip(expected[:-1], expected[1:], strict=True)]


# --- PIT histogram ------------------------------------------------------------------------

def pit_percent(score):
    """Percent of the origins in each tenth of [0, 1], counted one by one."""
    counts = [0] * 10
    for value in score.pit_values:
        counts[min(max(int(value * 10), 0), 9)] += 1  # a PIT of 1 is in the last bin
    return [100 * c / len(score.pit_values) for c in counts]


@pytest.fixture(scope="module")
def small_backtest(ado_history):
    from forecast.evaluation.backtest import backtest

    return backtest(ado_history, methods=("daily", "weekly"), windows=(30, 90),
                    horizons=(10, 20), step=14, rng=3)


def test_pit_histogram_bars_sum_to_100_with_the_standard_beside(small_backtest):
    r = small_backtest
    ax = forecast.plot.pit(r, method="weekly", window=90)
    score = r.score("weekly", 90, 20)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 10
    assert sum(b.get_height() for b in bars) == pytest.approx(100)
    assert [b.get_height() for b in bars] == pytest.approx(pit_percent(score))
    assert [b.get_x() for b in bars] == pytest.approx(np.arange(10) / 10)
    assert all(b.get_width() == pytest.approx(0.1) for b in bars)
    (standard,) = [p for p in ax.patches if isinstance(p, StepPatch)]
    assert list(standard.get_data().values) == pytest.approx(
        pit_percent(r.score("daily", 30, 20)))
    flat = by_label(ax, "calibrated (flat)")
    assert list(flat.get_ydata()) == [10, 10]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == f"weekly 90d ({score.origins} origins)"
    assert "How many in 20 working days" in ax.get_title()
    assert ax.get_ylim()[1] >= max(b.get_height() for b in bars)


def test_pit_histogram_defaults_to_the_best_and_shows_when(small_backtest):
    r = small_backtest
    method, window = r.best
    ax = forecast.plot.pit(r, question="when")
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    score = r.score(method, window, r.batch, "when")
    assert [b.get_height() for b in bars] == pytest.approx(pit_percent(score))
    assert f"When {r.batch} items" in ax.get_title()
    assert "done earlier than forecast" in ax.get_xlabel()
    with pytest.raises(forecast.ForecastError, match="no score for bayes"):
        forecast.plot.pit(r, method="bayes", window=30)


def test_pit_histogram_keeps_a_pit_that_rounds_above_one():
    from forecast.evaluation.backtest import backtest

    h = forecast.read_history("examples/team.csv")
    r = backtest(h, methods=("daily",), windows=(30,), horizons=(10,), step=14)
    score = r.score("daily", 30, 10)
    # one origin's PIT is 1 + 4e-16 here (a sum of probabilities); every origin must count
    ax = forecast.plot.pit(r)
    heights = [b.get_height() for b in ax.patches]
    assert len(heights) == 10 and sum(heights) == pytest.approx(100)
    assert heights[-1] == pytest.approx(100 * sum(v >= 0.9 for v in score.pit_values)
                                        / score.origins)


# --- trend of a record file ---------------------------------------------------------------

def record_file(tmp_path, *, when=True, how_many=True):
    """Three weekly records of a When question and/or a How-many --by question."""
    from forecast.io.records import record

    log = tmp_path / "record.csv"
    h = forecast.read_history("examples/team.csv")
    for i, start in enumerate(("2024-06-03", "2024-06-10", "2024-06-17")):
        now = dt.datetime(2024, 6, 3, 9) + dt.timedelta(weeks=i)
        if when:
            record(forecast.when(h, 30, start=start, target="2024-07-31",
                                 method="daily"), log, name="rel",
                   now=now)
        if how_many:
            record(forecast.how_many(h, by="2024-06-28", start=start, method="daily"), log, now=now)
    return forecast.trend(log)


def test_trend_draws_how_many_counts_on_an_item_axis(tmp_path):
    t = record_file(tmp_path, when=False)
    ax = forecast.plot.trend(t)
    (line,) = ax.get_lines()
    assert line.get_label() == "items by 2024-06-28: P85 items or more"
    assert list(line.get_ydata()) == [23, 15, 8]
    assert list(line.get_xdata()) == [date2num(dt.datetime(2024, 6, 3 + 7 * i, 9))
                                      for i in range(3)]
    assert ax.get_ylabel() == "P85: items or more"
    assert ax.get_ylim()[0] == 0 and ax.get_xlim()[0] > date2num(dt.date(2024, 1, 1))
    ax.figure.canvas.draw()
    assert all(float(t.get_text()).is_integer() for t in ax.get_yticklabels() if t.get_text())
    assert len(ax.figure.axes) == 1


def test_trend_of_dates_and_counts_draws_the_counts_on_a_second_axis(tmp_path):
    t = record_file(tmp_path)
    ax = forecast.plot.trend(t)
    assert len(ax.figure.axes) == 2
    items_ax = next(a for a in ax.figure.axes if a is not ax)
    (dates,) = [line for line in ax.get_lines() if line.get_label() == "rel: P85 date"]
    assert list(dates.get_ydata()) == [date2num(dt.date.fromisoformat(r["p85"]))
                                       for r in t.history("rel")]
    target = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert [line.get_ydata()[0] for line in target] == [date2num(dt.date(2024, 7, 31))]
    (counts,) = items_ax.get_lines()
    assert list(counts.get_ydata()) == [23, 15, 8] and counts.get_marker() == "s"
    assert items_ax.get_ylabel() == "P85: items or more, right axis"
    assert ax.get_ylabel() == "P85 date (dotted: target)"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["rel: P85 date", "items by 2024-06-28: P85 items or more"]


def test_trend_without_any_p85_says_so(tmp_path):
    from forecast.io.records import record

    log = tmp_path / "record.csv"
    h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    record(forecast.when(h, 10**6, start="2024-06-05", method="daily"), log)
    ax = forecast.plot.trend(forecast.trend(log))
    assert not ax.get_lines()
    assert [t.get_text() for t in ax.texts] == ["no record has a P85 within its horizon"]
    assert list(ax.get_xticks()) == []


def test_report_trend_figure_draws_how_many_records(tmp_path):
    from forecast.present.report import TREND_FIGURES

    fig = plt.figure()
    (figure,) = TREND_FIGURES
    figure.draw(record_file(tmp_path, when=False), fig)
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_ydata()) == [23, 15, 8]


def test_how_many_plot_has_whole_item_ticks(ado_history):
    f = forecast.how_many(ado_history, days=5, start=START,
                          method="daily")  # 0 to 18: 2.5 steps by default
    ax = forecast.plot.how_many(f)
    ax.figure.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)


def test_date_axis_names_the_year_once_not_the_month_twice(example_plan):
    ax = forecast.plot.portfolio(example_plan)
    ax.figure.canvas.draw()
    formatter = ax.xaxis.get_major_formatter()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert formatter.get_offset() == "2024"
    assert all(not label.isdigit() for label in labels)  # "Jul 15", never a bare "15"


def unfinished_plan():
    from forecast.core.model import Outcome, Part, Portfolio, Size, Team

    days = np.datetime64("2024-05-01") + np.arange(28)
    h = forecast.History.from_counts(days, np.tile([0, 1, 2, 1], 7), calendar="all")
    team = (Team("api", h, wip=1, method="bayes", window=30),)  # a steady pace, as designed
    outcomes = (
        Outcome("a", (Part("api", Size(30, 30)),), target=dt.date(2024, 7, 1)),
        # P50 within the 120-day horizon, P85 and P95 beyond it
        Outcome("b", (Part("api", Size(70, 70)),), depends_on=("a",),
                target=dt.date(2024, 9, 1)),
        # never done within the horizon
        Outcome("c", (Part("api", Size(20, 20)),), depends_on=("b",),
                target=dt.date(2024, 9, 15)),
    )
    return forecast.plan(Portfolio(team, outcomes), start="2024-06-03", trials=300, rng=1,
                         horizon=120)


def test_portfolio_keeps_targets_and_arrows_of_outcomes_beyond_the_horizon():
    r = unfinished_plan()
    dates = {n: plan_dates(r, n, PORTFOLIO_LEVELS)
             for n in r.names}
    assert dates["b"][0] is not None and dates["b"][1:] == [None, None]
    assert dates["c"] == [None, None, None]
    ax = forecast.plot.portfolio(r)
    rows = {"a": 2, "b": 1, "c": 0}
    diamonds = [(line.get_xdata()[0], line.get_ydata()[0]) for line in ax.get_lines()
                if line.get_marker() == "D"]
    assert sorted(diamonds, key=lambda d: -d[1]) == [
        (date2num(o.target), rows[o.name]) for o in r.portfolio.outcomes]
    edge = ax.get_xlim()[1]
    arrows = {(a.xyann[1], a.xy[1]): (a.xyann[0], a.xy[0]) for a in ax.texts
              if getattr(a, "arrow_patch", None) is not None}
    assert arrows == {
        (rows["a"], rows["b"]): (date2num(dates["a"][1]), date2num(dates["b"][0])),
        (rows["b"], rows["c"]): (edge, edge),  # from the end of b's bar, to c's row's edge
    }
    texts = [t.get_text() for t in ax.texts]
    assert "P85 and P95 beyond the horizon " in texts and "not within horizon " in texts
