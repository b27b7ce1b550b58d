"""The rolling-origin backtest and the automatic method choice."""

import datetime as dt
import json
import math
import re

import numpy as np
import pytest
from click.testing import CliRunner

import forecast
import forecast.evaluation.backtest as bt
import forecast.evaluation.recalibration as recal
from forecast.cli.app import cli
from forecast.evaluation.backtest import backtest
from forecast.evaluation.scoring import crps_of, pit_of
from forecast.exceptions import ParameterError

FIRST = np.datetime64("2022-01-03")  # a Monday


def weekday_history(counts):
    dates = np.busday_offset(FIRST, np.arange(len(counts)), roll="forward")
    return forecast.History.from_counts(dates, counts)


def test_crps_and_pit_by_hand():
    pmf = np.array([0.25, 0.5, 0.25])
    # F = (.25, .75, 1); y = 1: (0.25 - 0)^2 + (0.75 - 1)^2 + 0 = 0.125
    assert crps_of(pmf, 1) == pytest.approx(0.125)
    assert crps_of(pmf, 5) == pytest.approx(0.25**2 + 0.75**2 + 1 + 1 + 1)
    assert pit_of(pmf, 1) == pytest.approx(0.25 + 0.25)


def test_iid_history_is_calibrated_for_every_method():
    # Independent Poisson(2) days: every method's P85 "N or more" should hold about 85% of
    # the time. With ~200 origins (whose 20-day forecasts overlap, so the effective count is
    # smaller) the binomial sd is about sqrt(.85 * .15 / 50) = 0.05; allow 3 sd.
    counts = np.random.default_rng(8).poisson(2.0, 1300)
    result = backtest(weekday_history(counts), methods=("daily", "weekly", "bayes"),
                      windows=(90,), horizons=(20,), trials=1000, rng=3)
    assert len(result.origins) > 150
    for method in ("daily", "weekly", "bayes"):
        s = result.score(method, 90, 20)
        assert abs(s.at_least[85] - 0.85) < 0.15, (method, s.at_least)
        assert abs(s.at_most[85] - 0.85) < 0.15, (method, s.at_most)


def test_weekly_batching_prefers_weekly_and_auto_picks_it():
    # Releases on Fridays only: 5 to 15 items, never on other days.
    rng = np.random.default_rng(5)
    counts = np.zeros(800, dtype=int)
    counts[4::5] = rng.integers(5, 16, size=160)
    h = weekday_history(counts)
    result = backtest(h, methods=("daily", "weekly"), windows=(60, 90), horizons=(10, 20),
                      trials=500)
    for w in (60, 90):
        for hz in (10, 20):
            assert result.score("weekly", w, hz).crps < result.score("daily", w, hz).crps
    assert result.best[0] == "weekly"
    # with neither bayes nor a 30-day window scored, the default is the first configuration
    # (daily 60d), and weekly beat it clearly
    method, window, z, default = result.choice()
    assert default == ("daily", 60) and z > bt.SWITCH_Z
    assert (f"recommended: weekly {window}d, {z:.1f} standard errors better than the default "
            "daily 60d") in str(result)
    start = (FIRST + 800 * 7 // 5 + 3).astype(dt.date)
    f = forecast.how_many(h, days=20, start=start, method="auto")
    assert f.method == "weekly"
    assert any("method auto chose weekly" in w for w in f.warnings)


def test_backtest_never_reads_data_after_an_origin(monkeypatch):
    # Every forecast input goes through History.samples: spy on it, and check that what it
    # returns at each origin equals the sample of a history cut at that origin, which has
    # no data on or after it at all.
    rng = np.random.default_rng(1)
    counts = rng.poisson(1.5, 400)
    history = weekday_history(counts)
    seen = []
    original = forecast.History.samples

    def spy(self, starts, window):
        found = original(self, starts, window)
        seen.extend((start, window, sample) for start, sample in zip(starts, found, strict=True))
        return found

    monkeypatch.setattr(forecast.History, "samples", spy)
    result = backtest(history, methods=("daily", "weekly"), windows=(60,), horizons=(10,))
    monkeypatch.setattr(forecast.History, "samples", original)
    assert len(seen) == len(result.origins)
    for origin, window, sample in seen:
        assert sample.last < origin
        keep = history.dates < np.datetime64(origin, "D")
        cut = forecast.History.from_counts(history.dates[keep], history.counts[keep])
        np.testing.assert_array_equal(cut.sample(origin, window=window).counts, sample.counts)


def test_many_samples_are_each_sample():
    # History.samples is History.sample at every start, on weekends, holidays and gaps
    h = forecast.read_history("examples/team.csv", holidays="GB")
    starts = [h.first + dt.timedelta(days=i) for i in range(-3, (h.last - h.first).days + 30)]
    for window in (7, 30, 90, 180):
        for start, got in zip(starts, h.samples(starts, window), strict=True):
            try:
                want = h.sample(start, window=window)
            except forecast.ForecastError:
                assert got is None
                continue
            assert (got.first, got.last, got.clipped) == (want.first, want.last, want.clipped)
            np.testing.assert_array_equal(got.dates, want.dates)
            np.testing.assert_array_equal(got.counts, want.counts)


def test_planted_future_data_changes_nothing_before_start():
    rng = np.random.default_rng(1)
    counts = rng.poisson(1.5, 600)
    cut = (FIRST + 500 * 7 // 5).astype(dt.date)
    planted = counts.copy()
    planted[int(np.busday_count(FIRST, np.datetime64(cut, "D"))):] += 50
    kw = dict(methods=("daily", "weekly"), windows=(60,), horizons=(10,), start=cut)
    early = backtest(weekday_history(planted), **kw)
    reference = backtest(weekday_history(counts), **kw)
    for s, r in zip(early.scores, reference.scores, strict=True):
        assert s.crps == r.crps and s.at_least == r.at_least and s.pit == r.pit


NEED = re.compile(r"need at least (\d+) days of history, and it spans (\d+) \(")


def test_too_little_history_says_how_much_is_needed():
    h = weekday_history(np.ones(60, dtype=int))  # 82 calendar days: not even 30 days at 10 fit
    with pytest.raises(ParameterError, match=r"too little history for a backtest: 10 origins "
                       r"7 days apart with a 30-day window and a 10-working-day horizon need "
                       r"at least 107 days of history, and it spans 82 \(2022-01-03 \.\. "
                       r"2022-03-25\); use shorter windows or horizons, or more history$"):
        backtest(h)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"methods": ("monthly",)}, "method = 'monthly' is not known"),
     ({"horizons": (0,)}, "horizon = 0, must be a whole number of working days >= 1")],
)
def test_bad_parameters(kwargs, message):
    h = weekday_history(np.ones(600, dtype=int))
    with pytest.raises(ParameterError, match=message):
        backtest(h, **kwargs)


def test_auto_falls_back_on_short_histories():
    h = weekday_history([1, 2, 0, 3, 1, 2, 2, 1, 0, 1])
    f = forecast.when(h, 10, start="2022-01-17", method="auto")
    assert f.method == "weighted"
    assert any("method auto fell back to weighted with a 14-day window (all of its history)"
               in w for w in f.warnings)
    assert f.engine == "exact"  # the time-weighted Bayesian bootstrap has an exact engine
    g = forecast.when(h, 10, start="2022-01-17", method="auto", engine="exact")
    assert g.method == "weighted" and g.engine == "exact"
    np.testing.assert_array_equal(f.pmf, g.pmf)


def test_auto_is_the_default_and_keeps_it_without_clear_evidence():
    # Independent Poisson days: equal weights over 180 days would do a little better (see
    # test_choice_switches_only_on_a_clear_crps_gain, over 91 origins), but a year of
    # weekly origins does not show it by two standard errors, so the default is kept;
    # its recalibration reads the chosen configuration's own latest 104 outcomes
    h = weekday_history(np.random.default_rng(8).poisson(2.0, 600))
    start = (FIRST + 600 * 7 // 5 + 3).astype(dt.date)
    f = forecast.how_many(h, days=20, start=start)
    assert (f.method, (f.sample.last - f.sample.first).days + 1) == ("weighted", 180)
    assert any(w.startswith("method auto chose weighted with a 180-day window: no "
                            "configuration's CRPS was lower than this default's by more than 2 "
                            "standard errors over 52 weekly origins") for w in f.warnings)
    assert any(w.startswith("recalibrated at 7 quantiles of the 87 latest past outcomes")
               for w in f.warnings)
    # every method has an exact engine: engine="exact" is the same choice and the same answer
    g = forecast.how_many(h, days=20, start=start, engine="exact")
    assert (g.method, g.engine, f.engine) == (f.method, "exact", "exact")
    np.testing.assert_array_equal(f.pmf, g.pmf)
    # a given window is kept; auto chooses only the method
    w = forecast.how_many(h, days=20, start=start, window=60)
    assert (w.sample.last - w.sample.first).days + 1 == 60
    assert any("with a 60-day window" in n for n in w.warnings)


def test_choice_switches_only_on_a_clear_crps_gain():
    h = weekday_history(np.random.default_rng(8).poisson(2.0, 600))
    result = backtest(h, methods=("bayes", "weighted"), windows=(90, 180), horizons=(10, 20))
    method, window, z, default = result.choice()
    assert default == bt.AUTO_DEFAULT == ("weighted", 180)
    # steady Poisson days: equal weights over 180 days are clearly better
    assert (method, window) == result.ranking()[0][:2] == ("bayes", 180) and z > bt.SWITCH_Z
    assert "standard errors better than the default weighted 180d" in str(result)
    # without the default among the configurations, its method's longest window is
    no_default = backtest(h, methods=("daily", "weighted"), windows=(60, 90), horizons=(10,))
    assert no_default.default() == ("weighted", 90)
    only_daily = backtest(h, methods=("daily",), windows=(30, 60), horizons=(10,))
    assert only_daily.default() == bt.STANDARD
    # on 30 origins bayes 180d still ranks first but is not clearly better: the default is
    # kept, and the table says why
    close = backtest(h, methods=("bayes", "weighted"), windows=(90, 180), horizons=(10, 20),
                     max_origins=30)
    assert close.ranking()[0][:2] == ("bayes", 180)
    method, window, z, default = close.choice()
    assert (method, window) == default == bt.AUTO_DEFAULT and 0 < z <= bt.SWITCH_Z
    assert f"the first ranked beat it by {z:.1f} standard errors, not the 2 needed" in str(close)


def test_recalibration_rules_out_what_the_forecast_ruled_out():
    # Past outcomes below everything forecast (PIT 0) must not put mass on day 0 of a When.
    day_pmf = np.array([0.0, 0.0, 0.5, 0.5])
    fixed = recal.recalibrate(day_pmf, np.r_[np.zeros(10), np.full(10, 0.5)])
    assert fixed[0] == 0.0 and fixed[1] == 0.0 and fixed.sum() == pytest.approx(1.0)


def test_partial_recalibration_is_halfway_and_only_on_a_miss():
    pmf = np.array([0.1, 0.2, 0.4, 0.2, 0.1])
    calibrated = (np.arange(40) + 0.5) / 40
    assert recal.partial_recalibration(pmf, calibrated, 28) is None
    narrow = np.r_[np.zeros(15), np.full(10, 0.5), np.ones(15)]
    half = recal.partial_recalibration(pmf, narrow, 28)
    full = recal.recalibrate(pmf, narrow)
    assert half == pytest.approx(0.5 * pmf + 0.5 * full)
    # only the latest HALFWAY_PITS values count: old misses are forgotten
    old_then_good = np.r_[narrow, np.tile(calibrated, 2)]
    assert recal.partial_recalibration(pmf, old_then_good, 28) is None


def test_backtest_cli(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["backtest", "examples/team.csv", "--windows", "30,60",
                            "--horizons", "10,20", "--plot", str(tmp_path / "r.png")])
    assert r.exit_code == 0, r.output
    assert "recommended" in r.stdout and "(standard)" in r.stdout
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    r = runner.invoke(cli, ["backtest", "examples/team.csv", "--horizons", "0"])
    assert r.exit_code == 2 and "each must be a whole number from 1 to" in r.stderr
    r = runner.invoke(cli, ["backtest", "examples/team.csv", "--methods", "monthly"])
    assert r.exit_code == 2 and "method = 'monthly' is not known" in r.stderr
    short = tmp_path / "s.csv"
    short.write_text("done\n2024-01-02\n2024-01-03\n")
    r = runner.invoke(cli, ["backtest", str(short)])
    assert r.exit_code == 2 and "too little history" in r.stderr
    assert math.isfinite(1.0)


def test_recalibration_widens_an_overconfident_forecast():
    from forecast.evaluation.recalibration import recalibrate

    pmf = np.full(21, 1 / 21)  # uniform on 0..20
    tails = np.r_[np.full(20, 0.02), np.full(20, 0.98), np.linspace(0.3, 0.7, 10)]
    wide = recalibrate(pmf, tails)
    assert wide.sum() == pytest.approx(1.0)
    # 40% of past outcomes fell in each 2% tail: the recalibrated tails are much heavier.
    assert wide[0] > 0.2 and wide[-1] > 0.2
    same = recalibrate(pmf, np.linspace(0.005, 0.995, 100))
    assert np.abs(same - pmf).max() < 0.01


def test_auto_recalibrates_and_warns_only_on_a_miss():
    # Throughput that doubles every 60 working days: any window of the past lags, so the
    # "85% at most N" statements kept failing; auto recalibrates every answer by the past
    # PITs, and says so as a warning only when the raw forecast missed.
    rng = np.random.default_rng(3)
    days = 420
    h = weekday_history(rng.poisson(0.5 * 2 ** (np.arange(days) / 60)))
    start = (FIRST + days * 7 // 5 + 3).astype(dt.date)
    f = forecast.how_many(h, days=20, start=start, method="auto")
    note = next(w for w in f.warnings if w.code == "recalibrated")
    assert note.severity == "warning"
    assert note.startswith("recalibrated at 7 quantiles of the ")
    raw = forecast.how_many(h, days=20, start=start, method=f.method,
                            window=(f.sample.last - f.sample.first).days + 1)
    # lagging: the raw forecast's "at most" failed, so the recalibrated one reaches higher
    assert f.percentile(50).value > raw.percentile(50).value
    stable = weekday_history(rng.poisson(2.0, days))
    g = forecast.how_many(stable, days=20, start=start, method="auto")
    note = next(w for w in g.warnings if w.code == "recalibrated")
    assert note.severity == "info"


def test_outcomes_count_only_items_from_the_origin_on(monkeypatch):
    # One item every weekday, plus 50 on a Saturday: at the Monday origin right after it,
    # what happened in the next 5 working days is 5 items, not 55.
    dates = np.busday_offset(FIRST, np.arange(400), roll="forward")
    counts = np.ones(400, dtype=int)
    saturday = np.datetime64("2022-06-04")
    h = forecast.History.from_counts(np.r_[dates, saturday], np.r_[counts, 50])
    import forecast.evaluation.backtest as bt

    seen = []
    original = bt.Tally.add_online

    def spy(self, pmf, y, levels, origin, resolved, span_days, when=False, key=None):
        seen.append((origin, y, when))
        return original(self, pmf, y, levels, origin, resolved, span_days, when, key)

    monkeypatch.setattr(bt.Tally, "add_online", spy)
    backtest(h, methods=("daily",), windows=(30,), horizons=(5,), step=1)
    monday = np.datetime64("2022-06-06")
    assert {y for origin, y, when in seen if origin == monday and not when} == {5}


def test_recalibration_keeps_mass_beyond_the_horizon():
    from forecast.evaluation.recalibration import recalibrate

    pmf = np.r_[0.0, 0.2, 0.2, 0.2]  # 40% not within the horizon
    out = recalibrate(pmf, np.linspace(0.01, 0.99, 50))
    assert out.sum() == pytest.approx(0.6, abs=0.02)


def test_late_level_shift_warns_in_when():
    rng = np.random.default_rng(11)
    days = np.datetime64("2024-01-01") + np.arange(371)
    rate = np.where(days < np.datetime64("2024-11-11"), 2.0, 4.0)
    h = forecast.History.from_counts(days, rng.poisson(rate), calendar="all")
    f = forecast.when(h, 50, start="2025-01-06", window=90, method="daily")
    assert any("spans a change" in w for w in f.warnings)


def test_pit_is_clipped_to_the_unit_interval():
    # 20 x 0.05 sums to 1.0000000000000002 in floating point: an outcome beyond the
    # forecast's support must give a PIT of exactly 1, which np.histogram keeps.
    pmf = np.full(20, 0.05)
    assert float(pmf.sum()) > 1.0
    value = pit_of(pmf, 20)
    assert value == 1.0
    assert np.histogram([value], bins=10, range=(0.0, 1.0))[0].sum() == 1
    assert 0.0 <= pit_of(pmf, 0) <= 1.0


# ---------------------------------------------------------------- short histories

SIX_MONTHS = {"ado": "tests/data/ado-6m.csv", "pytest": "tests/data/pytest-6m.csv"}


@pytest.mark.parametrize("calendar", ["weekdays", "all", "GB"])
def test_history_needed_is_exactly_when_the_origins_are_found(calendar):
    # rolling_origins finds MIN_ORIGINS origins exactly when the history spans
    # history_needed days: brute force over the days around the boundary.
    from forecast.evaluation.origins import daily_series, history_needed, rolling_origins

    first = dt.date(2023, 12, 20)  # holidays (GB) and weekends right after it
    days = np.arange(np.datetime64(first), np.datetime64(first) + 700)
    cal = forecast.Calendar.from_options("weekdays", holidays="GB") if calendar == "GB" \
        else calendar
    h = forecast.History.from_counts(days, np.ones(days.size, dtype=int), calendar=cal)
    for window, horizon, step in [(7, 1, 7), (30, 10, 7), (60, 40, 7), (90, 20, 3), (30, 1, 1)]:
        needed = history_needed(h, window, horizon, step)
        for span in range(needed - 4, needed + 4):
            end = first + dt.timedelta(days=span - 1)
            work = daily_series(h, end)[0]
            work = work[work <= np.datetime64(end)]
            try:
                found = len(rolling_origins(h, end, work, (window,), (horizon,), step, None))
            except ParameterError as exc:
                assert span < needed, (window, horizon, step, span, str(exc))
                need, spans = map(int, NEED.search(str(exc)).groups())
                assert (need, spans) == (needed, span)
            else:
                assert span >= needed and found >= bt.MIN_ORIGINS, (window, horizon, span)


def test_fitting_drops_long_windows_first_then_horizons_and_keeps_30_days():
    from forecast.evaluation.origins import fit_to_history, history_needed

    h = weekday_history(np.ones(400, dtype=int))

    def fitted(span, windows, horizons, fit=("windows", "horizons")):
        end = h.first + dt.timedelta(days=span - 1)
        return fit_to_history(h, end, windows, horizons, 7, fit, keep=30)

    need = {(w, hz): history_needed(h, w, hz, 7) for w in (14, 30, 60, 90, 180)
            for hz in (10, 20, 40)}
    # every set that fits is kept whole, with no note
    assert fitted(need[180, 40], (30, 60, 90, 180), (10, 20, 40)) == \
        ((30, 60, 90, 180), (10, 20, 40), [])
    # one day short: only the 180-day window goes, all horizons stay
    w, hz, [note] = fitted(need[180, 40] - 1, (30, 60, 90, 180), (10, 20, 40))
    assert (w, hz) == ((30, 60, 90), (10, 20, 40))
    assert note.code == "backtest-fitted" and note.severity == "info"
    assert (f"left out the 180-day window (10 origins 7 days apart with a 180-day window and a "
            f"40-working-day horizon need at least {need[180, 40]} days of history)") in note
    # windows go down to 30 before any horizon goes; then the longest horizons
    assert fitted(need[30, 40], (30, 60, 90, 180), (10, 20, 40))[:2] == ((30,), (10, 20, 40))
    w, hz, [note] = fitted(need[30, 40] - 1, (30, 60, 90, 180), (10, 20, 40))
    assert (w, hz) == ((30,), (10, 20))
    assert "left out the 60-, 90- and 180-day windows" in note
    assert "and the 40-working-day horizon (10 origins 7 days apart with a 30-day window" in note
    # the 30-day window is kept over horizons, and a shorter one over nothing
    assert fitted(need[30, 10], (90, 14, 30), (20, 10))[:2] == ((14, 30), (10,))
    assert need[14, 20] < need[30, 10]
    assert fitted(need[30, 10] - 1, (90, 14, 30), (20, 10))[:2] == ((14,), (20, 10))
    # what was given is not fitted: the error names it, with the exact numbers
    with pytest.raises(ParameterError, match=f"with a 180-day window and a 10-working-day "
                       f"horizon need at least {need[180, 10]} days of history, and it spans "
                       f"{need[180, 10] - 1} ") as info:
        fitted(need[180, 10] - 1, (30, 180), (10, 20, 40), fit=("horizons",))
    assert info.value.parameter == "windows"
    with pytest.raises(ParameterError, match="with a 30-day window and a 40-working-day") as info:
        fitted(need[30, 40] - 1, (30, 60), (40,), fit=("windows",))
    assert info.value.parameter == "horizons"


@pytest.mark.parametrize("team", sorted(SIX_MONTHS))
def test_a_six_month_history_backtests_with_the_defaults_that_fit(team):
    h = forecast.read_history(SIX_MONTHS[team])
    span = (h.last - h.first).days + 1
    assert 175 <= span <= 185
    result = backtest(h, methods=("daily",))
    assert len(result.origins) >= bt.MIN_ORIGINS
    assert set(result.windows) < set(bt.DEFAULT_WINDOWS) and 30 in result.windows
    assert {s.window for s in result.scores} == set(result.windows)
    assert result.horizons == tuple(h for h in bt.DEFAULT_HORIZONS if h <= max(result.horizons))
    [note] = [n for n in result.notes if n.code == "backtest-fitted"]
    assert note.severity == "info" and f"which spans {span} days" in note
    assert "left out the " in note and "180-day windows" in note
    needs = re.findall(r"need at least (\d+) days of history", note)
    assert needs and all(int(n) > span for n in needs)  # each left out needs more than there is
    assert f"note: {note}" in str(result)
    assert "scored window" in str(result) and result.to_dict()["windows"] == list(result.windows)
    assert {"text": str.__str__(note), "severity": "info", "code": "backtest-fitted"} in \
        result.to_dict()["messages"]
    # the settings reproduce it (the defaults, fitted again), and what was fitted is named
    assert result.settings["windows"] == bt.DEFAULT_WINDOWS
    assert result.settings["fit"] == ("windows", "horizons")
    assert result.ran_with(h, methods=("daily",), rng=42)
    assert not result.ran_with(h, methods=("daily",), rng=42, fit=False)
    # given explicitly, the defaults must all fit: the error says by how much they do not
    with pytest.raises(ParameterError, match=r"180-day window and a 40-working-day horizon "
                       r"need at least (\d+) days of history, and it spans " + str(span)):
        backtest(h, methods=("daily",), windows=bt.DEFAULT_WINDOWS, horizons=bt.DEFAULT_HORIZONS)
    with pytest.raises(ParameterError, match="need at least"):
        backtest(h, methods=("daily",), fit=False)


def test_max_origins_below_the_minimum_is_refused_not_contradicted():
    h = weekday_history(np.ones(600, dtype=int))
    with pytest.raises(ParameterError, match="max_origins = 5, must be a whole number >= 10"):
        backtest(h, max_origins=5)
    with pytest.raises(ParameterError, match="windows is empty"):
        backtest(h, windows=())
    with pytest.raises(ParameterError, match="fit = 'windows' must be True, False or a tuple"):
        backtest(h, fit="windows")


def test_backtest_cli_on_a_six_month_history_runs_with_the_defaults_that_fit(tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["backtest", SIX_MONTHS["pytest"], "--methods", "daily,bayes"])
    assert r.exit_code == 0, r.output
    assert "scored window of 30 days at horizons of 10, 20 and 40 working days" in r.stdout
    assert ("  note: backtest fitted to the history, which spans 178 days (2026-02-24 .. "
            "2026-08-20): scored a window of 30 days at horizons of 10, 20 and 40 working days; "
            "left out the 60-, 90- and 180-day windows (10 origins 7 days apart with a 60-day "
            "window and a 40-working-day horizon need at least 179 days of history)") in r.stdout
    r = runner.invoke(cli, ["backtest", SIX_MONTHS["ado"], "--methods", "daily",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["windows"] == [30, 60] and out["horizons"] == [10, 20, 40]
    assert [m["code"] for m in out["messages"]] == ["backtest-fitted"]
    # given horizons are kept whole: the windows that fit them are scored
    r = runner.invoke(cli, ["backtest", SIX_MONTHS["ado"], "--methods", "daily",
                            "--horizons", "10"])
    assert r.exit_code == 0, r.output
    assert "scored windows of 30, 60 and 90 days at horizon of 10 working days" in r.stdout


def test_backtest_cli_refuses_given_windows_too_long_in_one_consistent_line():
    r = CliRunner().invoke(cli, ["backtest", SIX_MONTHS["ado"], "--windows", "30,180"])
    assert r.exit_code == 2 and r.stdout == ""
    [line] = r.stderr.splitlines()
    assert line == ("forecast: error: tests/data/ado-6m.csv: too little history for a "
                    "backtest: 10 origins 7 days apart with a 180-day window and a "
                    "10-working-day horizon need at least 257 days of history, and it spans "
                    "179 (2023-12-04 .. 2024-05-30); use shorter --windows or --horizons, or "
                    "more history")
    r = CliRunner().invoke(cli, ["backtest", SIX_MONTHS["ado"], "--windows", "90",
                                 "--horizons", "10,20,40"])
    assert r.exit_code == 2
    need, spans = map(int, NEED.search(r.stderr).groups())
    assert need > spans == 179 and "90-day window and a 40-working-day horizon" in r.stderr


def test_auto_falls_back_at_the_boundary_and_says_so_consistently():
    # auto scores its four windows (given) at the default horizons (fitted): it needs the
    # 180-day window with 10 origins a week apart and a 10-working-day horizon. One day
    # short of that it falls back, and its note states the two numbers it compared.
    from forecast.forecasting.auto import choose

    h = weekday_history(np.ones(400, dtype=int))  # from Monday 2022-01-03, every working day
    earliest = np.datetime64(h.first) + 180 + 7 * 9  # the latest origin must be this late
    reach = np.busday_offset(earliest, 9, roll="forward")  # ...and 10 working days follow it
    needed = int((reach - np.datetime64(h.first)).astype(int)) + 1
    # 2022-01-03 + 243 days is Saturday 2022-09-03: Monday 09-05 and 9 working days more
    # reach Friday 09-16, the 257th day of the history
    assert needed == 257
    enough = h.first + dt.timedelta(days=needed)  # the start: history through the day before
    ran = choose(h, enough, None, None)
    assert ran.result is not None and ran.note.code == "auto-chose"
    assert len(ran.result.origins) == bt.MIN_ORIGINS and ran.result.horizons == (10,)
    short = choose(h, enough - dt.timedelta(days=1), None, None)
    assert short.result is None and short.note.code == "auto-fell-back"
    assert short.note == (
        "method auto fell back to weighted with a 180-day window: too little history for a "
        "backtest: 10 origins 7 days apart with a 180-day window and a 10-working-day horizon "
        f"need at least {needed} days of history, and it spans {needed - 1} (2022-01-03 .. "
        "2022-09-15)")
    # and a window of its own: the same rule at that window
    own = choose(h, h.first + dt.timedelta(days=61 + 63 + 13), 62, None)
    need, spans = map(int, NEED.search(own.note).groups())
    assert own.result is None and need > spans


def test_a_second_backtest_of_a_history_reuses_its_scores_and_agrees():
    # auto's backtests (exact, not recalibrated) keep each origin's scores with the history:
    # a rolling evaluation recomputes only what is new, and the results are the same
    h = forecast.read_history("examples/team.csv")
    kw = dict(methods=("daily", "weekly", "bayes"), windows=(30, 90), levels=(85,),
              recalibrated=False, when="best")
    starts = [dt.date(2024, 5, 20), dt.date(2024, 5, 27), dt.date(2024, 6, 3)]
    warm = [bt.backtest(h, start=s, **kw) for s in starts]
    fresh = [bt.backtest(forecast.read_history("examples/team.csv"), start=s, **kw)
             for s in starts]
    for a, b in zip(warm, fresh, strict=True):
        assert a.best == b.best and len(a.scores) == len(b.scores)
        for sa, sb in zip(a.scores, b.scores, strict=True):
            assert (sa.method, sa.window, sa.question, sa.horizon) == \
                (sb.method, sb.window, sb.question, sb.horizon)
            assert sa.crps_values == sb.crps_values and sa.pit_values == sb.pit_values
            assert sa.at_least == sb.at_least and sa.at_most == sb.at_most
    from forecast.evaluation.compiled import MEMOS

    assert len(MEMOS[h]) > 0


@pytest.mark.parametrize(("path", "holidays"), [("examples/team.csv", "GB"),
                                                ("tests/data/ado-6m.csv", None),
                                                ("examples/platform.csv", "US")])
def test_the_compiled_pass_scores_exactly_what_the_forecast_by_forecast_loop_does(path, holidays):
    # Unrecalibrated exact backtests score How many in one compiled pass per window and
    # method; recalibrated ones forecast one by one (they need each pmf). The raw scores of
    # the two must be the same numbers, origin by origin, and so must what was skipped.
    read = (lambda: forecast.read_history(path, holidays=holidays)) if holidays else \
        (lambda: forecast.read_history(path))
    fast = bt.backtest(read(), recalibrated=False, when="all")
    slow = bt.backtest(read(), recalibrated=True, when="all")
    assert fast.notes == slow.notes and len(fast.scores) == len(slow.scores)
    for a, b in zip(fast.scores, slow.scores, strict=True):
        assert (a.method, a.window, a.question, a.horizon) == \
            (b.method, b.window, b.question, b.horizon)
        assert a.crps_values == b.crps_values and a.pit_values == b.pit_values
        assert a.at_least == b.at_least and a.at_most == b.at_most
        assert a.origin_ids == b.origin_ids


def test_knot_recalibration_by_hand():
    # PITs of 40 past outcomes: quantiles (inverted_cdf) at 5, 15, 30, 50, 70, 85, 95% of
    # 0.0125, 0.0375, ..., 0.9875 are the 2nd, 6th, 12th, 20th, 28th, 34th and 38th values
    pits = (np.arange(40) + 0.5) / 40
    q = np.quantile(pits, recal.KNOTS, method="inverted_cdf")
    assert q.tolist() == pytest.approx([(k - 0.5) / 40 for k in (2, 6, 12, 20, 28, 34, 38)])
    pmf = np.full(5, 0.2)  # CDF 0.2, 0.4, 0.6, 0.8, 1.0
    fixed = recal.knot_recalibration(pmf, pits)
    # G(0.2): between (0.2875, 0.30) and (0.1375, 0.15), linearly
    g = np.interp([0.2, 0.4, 0.6, 0.8, 1.0], np.r_[0, q, 1], np.r_[0, recal.KNOTS, 1])
    np.testing.assert_allclose(np.cumsum(fixed), g, atol=1e-8)
    assert fixed.sum() == pytest.approx(1.0)
    # only the latest RECALIBRATION_PITS count; fewer than 20 known: nothing is changed
    old = np.r_[np.zeros(50), pits, pits, pits]  # 170 values, the latest 104 uniform-ish
    np.testing.assert_allclose(recal.knot_recalibration(pmf, old),
                               recal.knot_recalibration(pmf, old[-104:]), atol=0)
    assert recal.knot_recalibration(pmf, pits[:19]) is None
    # outcomes that kept landing above the forecast move its mass up
    high = np.clip(pits * 0.5 + 0.5, 0, 1)
    assert (np.cumsum(recal.knot_recalibration(pmf, high))[:4] < np.cumsum(pmf)[:4]).all()


def test_when_none_scores_how_many_only_and_the_same():
    h = forecast.read_history("examples/team.csv")
    both = backtest(h, methods=("daily", "weighted"), windows=(30, 180), when="best")
    only = backtest(forecast.read_history("examples/team.csv"), methods=("daily", "weighted"),
                    windows=(30, 180), when="none")
    assert {s.question for s in only.scores} == {"how-many"}
    assert any(s.question == "when" for s in both.scores)
    assert [s.crps_values for s in only.scores] == \
        [s.crps_values for s in both.scores if s.question == "how-many"]
    with pytest.raises(ParameterError, match="when = 'some' is not known; use all, best or"):
        backtest(h, when="some")
