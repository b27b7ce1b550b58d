import datetime as dt

import pytest
from click.testing import CliRunner
from conftest import daily

import forecast
from forecast.cli.app import cli
from forecast.exceptions import DataError
from forecast.io.records import RECORD_COLUMNS, record, trend

ADO = "tests/data/ado-flowmetrics.csv"


def test_record_appends_and_never_rewrites(tmp_path):
    log = tmp_path / "r.csv"
    h = daily("2024-06-03", [1, 2, 0, 3])
    first = forecast.when(h, 10, start="2024-06-07", window=4, target="2024-06-20", method="daily")
    assert record(first, log, name="rel", now=dt.datetime(2024, 6, 7, 9)) == 1
    before = log.read_bytes()
    later = forecast.when(h, 20, start="2024-06-07", window=4, target="2024-06-20", method="daily")
    record(later, log, name="rel", now=dt.datetime(2024, 6, 14, 9))
    after = log.read_bytes()
    assert after.startswith(before)  # earlier rows untouched
    lines = after.decode().splitlines()
    assert lines[0] == ",".join(RECORD_COLUMNS) and len(lines) == 3
    result = trend(log, slip_days=3)
    assert [s.outcome for s in result.slips] == ["rel"]
    assert result.slips[0].days > 3


def test_half_written_row_is_detected_and_earlier_rows_survive(tmp_path):
    log = tmp_path / "r.csv"
    h = daily("2024-06-03", [1, 2, 0, 3])
    record(forecast.when(h, 10, start="2024-06-07", window=4, method="daily"), log, name="a")
    intact = log.read_text()
    with open(log, "a") as handle:  # an interrupted write: half a row, no newline
        handle.write("2024-06-10T09:00:00+00:00,when,a,abc123,2024-06")
    result = trend(log)
    assert len(result.rows) == 1
    assert any("row 3" in w and "incomplete" in w for w in result.warnings)
    record(forecast.when(h, 12, start="2024-06-07", window=4, method="daily"), log, name="a")
    text = log.read_text()
    assert text.startswith(intact)
    again = trend(log)
    assert len(again.rows) == 2 and any("row 3" in w for w in again.warnings)


def test_record_refuses_a_foreign_file(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    h = daily("2024-06-03", [1, 2])
    with pytest.raises(DataError, match="is not a forecast record file"):
        record(forecast.when(h, 3, start="2024-06-05", window=2, method="daily"), other)
    assert other.read_text() == "a,b\n1,2\n"


def test_cli_record_and_trend(tmp_path):
    log = tmp_path / "record.csv"
    runner = CliRunner()
    for start in ("2024-05-06", "2024-05-20", "2024-06-03"):
        r = runner.invoke(cli, ["when", ADO, "-n", "40", "--start", start, "--target",
                                "2024-07-31", "--record", str(log), "--name", "release"])
        assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["plan", "examples/portfolio.toml", "--trials", "500",
                            "--record", str(log)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["trend", str(log), "--plot", str(tmp_path / "t.png")])
    assert r.exit_code == 0, r.output
    assert "release" in r.stdout and "Payments API" in r.stdout
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    r = runner.invoke(cli, ["trend", str(log), "--format", "json"])
    assert '"question": "trend"' in r.stdout


def test_trend_of_a_missing_file():
    r = CliRunner().invoke(cli, ["trend", "nope.csv"])
    assert r.exit_code == 2 and "does not exist" in r.stderr


def test_a_row_cut_inside_quotes_does_not_swallow_the_next(tmp_path):
    log = tmp_path / "r.csv"
    h = daily("2024-06-03", [1, 2, 0, 3])
    record(forecast.when(h, 10, start="2024-06-07", window=4,
                         method="daily"), log, name="release, one")
    with open(log, "a") as handle:
        handle.write('2024-06-10T09:00:00+00:00,when,"release, ')
    record(forecast.when(h, 12, start="2024-06-07", window=4,
                         method="daily"), log, name="release, one")
    result = trend(log)
    assert len(result.rows) == 2
    assert any("row 3" in w and "incomplete" in w for w in result.warnings)


def test_how_many_by_a_date_is_one_outcome_as_the_start_moves(tmp_path):
    log = tmp_path / "r.csv"
    h = forecast.read_history("examples/team.csv")
    for i, start in enumerate(("2024-06-03", "2024-06-10", "2024-06-17")):
        f = forecast.how_many(h, by="2024-06-28", start=start, method="daily")
        record(f, log, now=dt.datetime(2024, 6, 3, 9) + dt.timedelta(weeks=i))
    record(forecast.how_many(h, days=10, start="2024-06-03", method="daily"), log)
    result = trend(log)
    assert result.outcomes == ["items by 2024-06-28", "items in 10 working days"]
    rows = result.history("items by 2024-06-28")
    assert [r["p85"] for r in rows] == ["23", "15", "8"]
    text = str(result)
    # a count against the date it runs to, not a target; and how the count moved
    assert "items by 2024-06-28  (P85: items or more by 2024-06-28)" in text
    assert "target 2024-06-28" not in text
    assert "-8 items" in text and "-7 items" in text
    assert not result.slips


def test_how_many_name_is_singular_for_one_day(tmp_path):
    log = tmp_path / "r.csv"
    record(forecast.how_many(daily("2024-06-03", [1, 2, 0, 3]), days=1, start="2024-06-07",
                             window=4, method="daily"), log)
    assert trend(log).outcomes == ["items in 1 working day"]


def test_chance_moves_in_percentage_points(tmp_path):
    log = tmp_path / "r.csv"
    h = daily("2024-06-03", [1, 2, 0, 3, 1, 2, 1, 0, 2, 1])
    for i, items in enumerate((10, 25)):
        f = forecast.when(h, items, start="2024-06-13", window=10, target="2024-06-28",
                          method="daily")
        record(f, log, name="rel", now=dt.datetime(2024, 6, 13, 9) + dt.timedelta(days=i))
    result = trend(log)
    first, last = (round(100 * float(r["probability"])) for r in result.history("rel"))
    assert first > last
    text = str(result)
    assert (f"chance of meeting the target moved {last - first:+d} pp ({first}% -> {last}%) "
            "over 2 records") in text
    assert f"{last - first:+d}%" not in text
