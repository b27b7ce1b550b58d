import datetime as dt
import math

import pytest
from conftest import daily

import forecast
from forecast.exceptions import ParameterError

START = dt.date(2024, 6, 3)


@pytest.fixture(scope="module")
def when_mc(ado_history):
    return forecast.when(ado_history, 30, start=START, target="2024-07-01", engine="mc",
                         trials=5000, rng=3, method="daily")


def test_frames_have_documented_columns(ado_history, when_mc):
    from forecast.results.forecast import HOW_MANY_COLUMNS, WHEN_COLUMNS

    assert tuple(when_mc.to_frame().columns) == WHEN_COLUMNS
    many = forecast.how_many(ado_history, days=10, start=START, method="daily")
    assert tuple(many.to_frame().columns) == HOW_MANY_COLUMNS
    assert many.to_frame()["items"].tolist() == [p.value for p in many.percentiles()]


def test_html_view_escapes(when_mc):
    html = when_mc._repr_html_()
    assert html.startswith("<p><b>When will 30 items be done?</b></p>")
    assert "<table" in html


def test_likelihood_standard_error(when_mc):
    p = when_mc.likelihood("2024-07-01")
    assert when_mc.likelihood_se("2024-07-01") == pytest.approx(math.sqrt(p * (1 - p) / 5000),
                                                                rel=0.01)
    assert when_mc.to_dict()["likelihood"]["probability"] == p


def test_likelihood_before_start_and_far_future(when_mc):
    assert when_mc.likelihood("2024-01-01") == 0.0
    assert when_mc.likelihood("2040-01-01") == 1.0


def test_target_before_start_is_an_error(ado_history):
    with pytest.raises(ParameterError, match="target 2024-05-01 is before the start 2024-06-03"):
        forecast.when(ado_history, 3, start=START, target="2024-05-01", method="daily")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"engine": "fast"}, "engine = 'fast' is not known"),
     ({"trials": 0}, "trials=0, must be >= 1"),
     ({"percentiles": [50, 101]}, "percentile 101 is out of range"),
     ({"percentiles": []}, "percentiles is empty"),
     ({"window": -3}, "window = -3, must be a whole number of days >= 1")],
)
def test_parameter_messages(ado_history, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        forecast.when(ado_history, 3, start=START, **kwargs)


def test_items_must_be_whole(ado_history):
    for bad in (2.5, True, "3"):
        with pytest.raises(ParameterError, match="must be a whole number >= 1"):
            forecast.when(ado_history, bad, start=START, method="daily")


def test_how_many_needs_exactly_one_span(ado_history):
    with pytest.raises(ParameterError, match="exactly one of by"):
        forecast.how_many(ado_history, start=START, method="daily")
    with pytest.raises(ParameterError, match="no working day between"):
        forecast.how_many(ado_history, start=dt.date(2024, 6, 1), by=dt.date(2024, 6, 2),
                          method="daily")


def test_str_mentions_sample_and_warnings():
    h = daily("2024-06-03", [1, 0, 0, 0, 2])
    f = forecast.when(h, 5, start="2024-06-08", window=5, method="daily")
    text = str(f)
    assert "sample: counts: 2024-06-03 .. 2024-06-07, 5 working days, 3 items," in text
    assert "2 active days" in text
    assert "warning: only 2 working days with completions" in text


def test_library_accepts_a_path():
    f = forecast.when("tests/data/ado-flowmetrics.csv", 10, start=START, method="daily")
    assert f.sample.items == 92


def test_few_trials_give_open_intervals_and_a_warning(ado_history):
    f = forecast.when(ado_history, 40, start=START, target="2024-07-15", engine="mc", trials=20,
                      percentiles=(50, 99.9), method="daily")
    top = f.percentile(99.9)
    assert top.high is None and math.isnan(top.se)
    assert any("20 trials cannot pin down P99.9" in w for w in f.warnings)
    one = forecast.when(ado_history, 40, start=START, target="2024-07-31", engine="mc", trials=1,
                        method="daily")
    assert one.likelihood_se("2024-07-31") > 0.2  # one trial says little, and says so
    assert "…" in str(one)


def test_auto_engine_falls_back_to_monte_carlo_on_an_outlier_day():
    h = daily("2024-06-03", [1, 2, 0, 20000, 3, 1, 0, 2])
    f = forecast.when(h, 10_000_000, start="2024-06-11", window=8, trials=200, method="daily")
    assert f.engine == "mc"
    assert any("engine auto chose Monte Carlo" in w for w in f.warnings)
    small = forecast.when(h, 50, start="2024-06-11", window=8, method="daily")
    assert small.engine == "exact"


def test_monte_carlo_answers_impossible_backlogs_at_once():
    h = daily("2024-06-03", [1, 2, 0, 3])
    f = forecast.when(h, 10**7, start="2024-06-07", window=4, engine="mc", trials=100,
                      method="daily")
    assert f.not_within_horizon == 1.0 and f.percentile(50).value is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"trials": 10**9, "engine": "mc"}, "trials=1000000000 is more than 100,000,000"),
     ({"start": "0001-01-01"}, "start='0001-01-01' is out of range"),
     ({"window": 10**6}, "window = 1000000 days is more than 36525")],
)
def test_limits(ado_history, kwargs, message):
    kwargs.setdefault("start", START)
    with pytest.raises(ParameterError, match=message):
        forecast.when(ado_history, 3, **kwargs)


def test_how_many_refuses_absurd_spans_of_counts():
    h = daily("2024-06-03", [1, 0, 900_000])
    with pytest.raises(ParameterError, match="too many to tabulate"):
        forecast.how_many(h, days=200, start="2024-06-06", window=3, method="daily")


def test_monte_carlo_cannot_pin_down_p100(ado_history):
    f = forecast.when(ado_history, 40, start=START, engine="mc", trials=10_000,
                      percentiles=(50, 100), method="daily")
    top = f.percentile(100)
    assert top.low is None and top.high is None and math.isnan(top.se)
    assert any("cannot pin down P100" in w for w in f.warnings)
    g = forecast.how_many(ado_history, days=20, start=START, engine="mc", trials=20,
                          percentiles=(100,), method="daily")
    assert math.isnan(g.percentile(100).se)


def test_percentiles_as_text(ado_history):
    f = forecast.when(ado_history, 40, start=START, percentiles="85", method="daily")
    assert [p.p for p in f.percentiles()] == [85.0]
    g = forecast.when(ado_history, 40, start=START, percentiles="50, 85", method="daily")
    assert [p.p for p in g.percentiles()] == [50.0, 85.0]


def test_plot_module_is_an_attribute():
    import forecast as fresh

    assert fresh.plot.when is not None


def test_how_many_outlier_switches_to_monte_carlo():
    h = daily("2024-06-03", [1, 2, 0, 20000, 3, 1, 0, 2])
    f = forecast.how_many(h, days=1000, start="2024-06-11", window=8, trials=200, method="daily")
    assert f.engine == "mc" and any("auto chose Monte Carlo" in w for w in f.warnings)


def test_plot_of_a_backlog_beyond_the_horizon():
    import matplotlib

    matplotlib.use("Agg")
    import forecast.present.plot

    h = daily("2024-06-03", [1, 0, 0])
    f = forecast.when(h, 10**7, start="2024-06-06", window=3, method="daily")
    ax = forecast.plot.when(f)
    assert "not done within the horizon" in ax.texts[0].get_text()


def test_a_recalibrated_monte_carlo_answer_keeps_its_precision():
    # examples/team.csv at 2024-06-03: auto recalibrates When on a miss; by Monte Carlo the
    # answer must still say how precise each percentile is, from its trials before
    # recalibration, not se 0 and a point interval everywhere
    h = forecast.read_history("examples/team.csv")
    f = forecast.when(h, 40, start="2024-06-03", engine="mc", trials=2_000, rng=3)
    assert "recalibrated" in [getattr(w, "code", None) for w in f.warnings]
    assert f.draws is None and f.raw_draws is not None and f.raw_draws.size == 2_000
    exact = forecast.when(h, 40, start="2024-06-03")
    found = f.percentiles()
    assert sum(pc.se > 0 and pc.low < pc.high for pc in found) >= 3, found
    for pc, pe in zip(found, exact.percentiles(), strict=True):
        assert pc.low <= pe.value <= pc.high, (pc, pe)  # 99% intervals hold the exact answer
    text = str(f)
    assert "± se  99% interval" in text
    assert f.likelihood_se("2024-07-15") > 0
    g = forecast.how_many(h, days=40, start="2024-06-03", engine="mc", trials=2_000, rng=3)
    assert "± se  99% interval" in str(g)  # the same columns, recalibrated or not
