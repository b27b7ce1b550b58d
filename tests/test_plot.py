import datetime as dt

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.dates import date2num  # noqa: E402

import forecast  # noqa: E402
import forecast.plot  # noqa: E402

START = dt.date(2024, 6, 3)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def vlines(ax):
    return [line for line in ax.get_lines() if len(set(line.get_xdata())) == 1]


def test_when_plot_marks_percentiles_and_target(ado_history):
    f = forecast.when(ado_history, 40, start=START, target="2024-07-15")
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
    f = forecast.how_many(ado_history, days=20, start=START)
    fig, ax = plt.subplots()
    assert forecast.plot.how_many(f, ax=ax) is ax
    lines = vlines(ax)
    assert [line.get_xdata()[0] for line in lines] == [p.value for p in f.percentiles()]
    assert lines[2].get_label() == f"P85: {f.percentile(85).value} or more"
    assert ax.get_xlabel() == "items completed"
