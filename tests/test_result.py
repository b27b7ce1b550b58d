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
                         trials=5000, rng=3)


def test_frames_have_documented_columns(ado_history, when_mc):
    from forecast.result import HOW_MANY_COLUMNS, WHEN_COLUMNS

    assert tuple(when_mc.to_frame().columns) == WHEN_COLUMNS
    many = forecast.how_many(ado_history, days=10, start=START)
    assert tuple(many.to_frame().columns) == HOW_MANY_COLUMNS
    assert many.to_frame()["items"].tolist() == [p.value for p in many.percentiles()]


def test_html_view_escapes(when_mc):
    html = when_mc._repr_html_()
    assert html.startswith("<p><b>When will 30 items be done?</b></p>")
    assert "<table" in html


def test_likelihood_standard_error(when_mc):
    p = when_mc.likelihood("2024-07-01")
    assert when_mc.likelihood_se("2024-07-01") == pytest.approx(math.sqrt(p * (1 - p) / 5000))
    assert when_mc.to_dict()["likelihood"]["probability"] == p


def test_likelihood_before_start_and_far_future(when_mc):
    assert when_mc.likelihood("2024-01-01") == 0.0
    assert when_mc.likelihood("2040-01-01") == 1.0


def test_target_before_start_is_an_error(ado_history):
    with pytest.raises(ParameterError, match="target 2024-05-01 is before the start 2024-06-03"):
        forecast.when(ado_history, 3, start=START, target="2024-05-01")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"engine": "fast"}, "engine = 'fast' is not known"),
     ({"trials": 0}, "trials = 0, must be >= 1"),
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
            forecast.when(ado_history, bad, start=START)


def test_how_many_needs_exactly_one_span(ado_history):
    with pytest.raises(ParameterError, match="exactly one of by"):
        forecast.how_many(ado_history, start=START)
    with pytest.raises(ParameterError, match="no working day between"):
        forecast.how_many(ado_history, start=dt.date(2024, 6, 1), by=dt.date(2024, 6, 2))


def test_str_mentions_sample_and_warnings():
    h = daily("2024-06-03", [1, 0, 0, 0, 2])
    f = forecast.when(h, 5, start="2024-06-08", window=5)
    text = str(f)
    assert "sample: counts: 2024-06-03 .. 2024-06-07, 5 working days, 3 items," in text
    assert "2 active days" in text
    assert "warning: only 2 working days with completions" in text


def test_library_accepts_a_path():
    f = forecast.when("tests/data/ado-flowmetrics.csv", 10, start=START)
    assert f.sample.items == 92
