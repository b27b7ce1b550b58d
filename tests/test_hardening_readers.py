"""Issue 12, the shared readers: every hostile or malformed input gets one line and exit 2.

Histories, holidays files and dates are read by one reader each
(:mod:`forecast.io.files`, :mod:`forecast.io.readers`, :mod:`forecast.io.dates`,
:func:`forecast.core.calendar.as_date`), so each case is tested through the command
line and, where another front end shares the path, through it too (a portfolio TOML).
FIFOs are tested with a real process and a timeout: a reader that opened one would hang.
"""

import json
import os
import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import write_csv

from forecast.cli.app import cli
from tests.cli_helpers import one_line_error

ADO = "tests/data/ado-flowmetrics.csv"
START = ("--start", "2024-06-03")




def history_rows(n, first=1000):
    """n generic rows id,title,type,started,done, two a weekday from 2024-01-01."""
    import datetime as dt

    rows = []
    day = dt.date(2024, 1, 1)
    for i in range(n):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        rows.append(f'{first + i},Item {i},Story,{day.isoformat()},{day.isoformat()}')
        if i % 2:
            day += dt.timedelta(days=1)
    return rows


HEADER = "id,title,type,started,done"


def write_history(path, rows, header=HEADER):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def portfolio(folder, team_lines):
    path = folder / "plan.toml"
    path.write_text('start = 2024-06-03\n[[team]]\nname = "web"\n' + team_lines
                    + '\n[[outcome]]\nname = "A"\nteam = "web"\nitems = 5\n')
    return path


def subprocess_forecast(*args, timeout=120):
    """Run the real command line (a FIFO must not hang it): return (rc, stderr)."""
    try:
        out = subprocess.run([sys.executable, "-m", "forecast", *map(str, args)],
                             capture_output=True, text=True, timeout=timeout,
                             stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:  # run() has killed the child
        pytest.fail(f"forecast {' '.join(map(str, args))} hung for {timeout} s")
    return out.returncode, out.stderr


def read_note(result):
    """The 'read as ... used N of M rows' note of a JSON result."""
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    return next(m["text"] for m in doc["messages"] if m["code"] == "read-as")


# --- data silently lost or misread ----------------------------------------------------------

def test_an_unterminated_quote_names_the_row_where_it_opened(run, tmp_path):
    rows = history_rows(119)
    rows[90] = '1090,"Item 90,Story,2024-05-05,2024-05-08'  # row 92: the header is row 1
    path = write_history(tmp_path / "h.csv", rows)
    err = one_line_error(run("when", path, "-n", 5, *START),
                         f"'{path}', row 92, column 'title'", "never closed",
                         "29 lines to the end of the file")
    # a neighbour: a quote left open mid-file, closed by a later one, shifts cells
    rows = history_rows(30)
    rows[5] = '1005,"Item 5,Story,2024-01-08,2024-01-08'
    rows[9] = '1009,"Item, nine",Story,2024-01-12,2024-01-12'
    path = write_history(tmp_path / "h2.csv", rows)
    one_line_error(run("when", path, "-n", 5, *START), "row 7", "is a quote left open?")
    assert "Item" not in err


def test_a_quote_closed_on_a_later_line_is_a_multiline_cell(run, tmp_path):
    rows = history_rows(40)
    rows[10] = '1010,"Item 10\nsecond line of the title",Story,2024-01-15,2024-01-15'
    path = write_history(tmp_path / "h.csv", rows)
    assert "used 40 of 40 rows" in read_note(run("check", path, *START, "--format", "json"))


def test_a_column_named_twice_is_refused(run, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,done,title,done\n1,2024-06-03,a,2024-06-04\n2,2024-06-04,b,2024-06-05\n")
    one_line_error(run("when", path, "-n", 5, *START),
                   "names column 'done' 2 times (columns 2 and 4)", "rename or delete")
    # --done-column names one of them: still ambiguous
    one_line_error(run("when", path, "-n", 5, *START, "--done-column", "done"), "2 times")
    # a column no reading uses may repeat (Jira exports repeat Labels and Sprint)
    path.write_text("id,done,labels,labels\n1,2024-05-28,a,b\n2,2024-05-29,c,d\n"
                    "3,2024-05-30,e,f\n")
    assert run("when", path, "-n", 2, *START, "--window", 7).exit_code in (0, 1)


def test_a_column_named_twice_in_a_tracker_export_is_refused(run, tmp_path):
    head = "ID,Work Item Type,Title,State,Closed Date,State"
    path = tmp_path / "ado.csv"
    path.write_text(head + "\n1,Bug,a,Closed,2024-06-03,Active\n")
    one_line_error(run("when", path, "-n", 5, *START), "names column 'State' 2 times")


def test_repeated_dates_in_a_throughput_file_are_summed_with_a_note(run, tmp_path):
    path = write_csv(tmp_path / "t.csv", ["date", "count"],
                     [["2024-05-27", 2], ["2024-05-28", 1], ["2024-05-27", 3], ["2024-05-29", 4],
                      ["2024-05-30", 1], ["2024-05-31", 2]])
    r = run("check", path, *START, "--format", "json", "--window", 30)
    assert r.exit_code in (0, 1), r.output
    doc = json.loads(r.stdout)
    assert doc["sample"]["items"] == 13
    notes = [m for m in doc["messages"] if m["code"] == "duplicate-dates"]
    assert len(notes) == 1 and notes[0]["severity"] == "warning", doc["messages"]
    assert "first: 2024-05-27, rows 2 and 4" in notes[0]["text"]
    assert "added up" in notes[0]["text"]


@pytest.mark.parametrize("line", ["2024-06-05garbage", "2024-06-05 garbage", "20240605",
                                  "2024-6-5", "2024-13-01"])
def test_a_holidays_line_that_is_not_exactly_a_date_is_refused(run, tmp_path, line):
    hol = tmp_path / "off.txt"
    hol.write_text(f"# company days\n{line}\n")
    one_line_error(run("when", ADO, "-n", 5, *START, "--holidays-file", hol),
                   f"holidays file '{hol}', line 2: cannot read {line!r} as a date")


def test_a_holidays_file_may_name_its_days_after_a_comma(run, tmp_path):
    hol = tmp_path / "off.csv"
    hol.write_text("date,name\n2024-06-04,Company day\n2024-06-05;Offsite\n2024-06-06 # x\n")
    r = run("when", ADO, "-n", 2, *START, "--holidays-file", hol, "--percentiles", 100,
            "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["percentiles"][0]["date"] >= "2024-06-07"


def test_holiday_dates_in_a_portfolio_are_read_as_strictly(run, tmp_path):
    write_history(tmp_path / "h.csv", history_rows(200))
    path = portfolio(tmp_path, 'history = "h.csv"\nholidays = ["2024-06-05garbage"]')
    one_line_error(run("plan", path), "2024-06-05garbage", "is not a date")


# --- one date range for every input ---------------------------------------------------------

@pytest.mark.parametrize("day", ["1700-03-01", "0000-01-02", "9999-12-31", "2201-01-01",
                                 "1899-12-31"])
def test_a_history_row_outside_the_date_range_is_refused(run, tmp_path, day):
    rows = history_rows(60)
    rows[20] = f"1020,Item 20,Story,{day},{day}"
    path = write_history(tmp_path / "h.csv", rows)
    for command in (["when", path, "-n", 5, *START], ["how-many", path, "--days", 5, *START],
                    ["check", path, *START], ["backtest", path]):
        one_line_error(run(*command), f"'{path}', row 22", f"{day} is out of range",
                       "from 1900-01-01 to 2200-12-31")


def test_a_throughput_file_outside_the_date_range_is_refused(run, tmp_path):
    path = write_csv(tmp_path / "t.csv", ["date", "count"], [["1700-01-01", 2], ["2024-05-28", 1]])
    one_line_error(run("when", path, "-n", 5, *START), "row 2", "1700-01-01 is out of range")


def test_a_start_date_outside_the_range_is_refused(tmp_path):
    # the dates the user types share the range (a target, a holiday, --by)
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, [str(a) for a in args], prog_name="forecast")

    one_line_error(run("when", ADO, "-n", 5, "--start", "1800-01-01"),
                   "1800-01-01 is out of range", "1900-01-01 to 2200-12-31")
    one_line_error(run("when", ADO, "-n", 5, *START, "--target", "9999-12-31"),
                   "9999-12-31 is out of range")
    one_line_error(run("how-many", ADO, *START, "--by", "2300-01-01"),
                   "2300-01-01 is out of range")
    hol = tmp_path / "off.txt"
    hol.write_text("2024-06-04\n1700-01-01\n")
    one_line_error(run("when", ADO, "-n", 5, *START, "--holidays-file", hol),
                   "line 2: 1700-01-01 is out of range")


def test_dates_of_a_dataframe_share_the_range():
    import pandas as pd

    import forecast
    from forecast.exceptions import DataError

    frame = pd.DataFrame({"done": pd.to_datetime(["2024-06-03", "1700-01-01"])})
    with pytest.raises(DataError, match="row 1, column 'done': 1700-01-01 is out of"):
        forecast.read_history(frame)
    with pytest.raises(forecast.ForecastError, match="out of range"):
        forecast.History.from_counts(["9999-12-31"], [1])


# --- date formats are checked where they are read -------------------------------------------

@pytest.mark.parametrize("fmt, fragment", [
    ("%Q%Q", "'%Q' is not a date directive"),
    ("%d/%m/%", "ends with a lone '%'"),
    ("%d/%m", "has no year"),
    ("%G-%m-%d", "cannot be used"),
])
def test_a_bad_date_format_is_one_line(run, tmp_path, fmt, fragment):
    one_line_error(run("when", ADO, "-n", 5, *START, "--date-format", fmt),
                   f"--date-format = {fmt!r}" if fragment != "cannot be used" else "--date-format",
                   fragment)


def test_a_bad_date_format_in_a_portfolio_names_its_key(run, tmp_path):
    write_history(tmp_path / "h.csv", history_rows(200))
    path = portfolio(tmp_path, 'history = "h.csv"\ndate_format = "%Q"')
    err = one_line_error(run("plan", path), "'%Q' is not a date directive")
    assert "date_format" in err and "--date-format" not in err


def test_a_done_column_that_is_not_text_is_one_line(run, tmp_path):
    write_history(tmp_path / "h.csv", history_rows(200))
    one_line_error(run("plan", portfolio(tmp_path, 'history = "h.csv"\ndone_column = 5')),
                   "done_column = 5 is a whole number; expected text in quotes")


# --- only regular files, and no more than 1 GB ----------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "h.csv"
    os.mkfifo(fifo)
    try:
        rc, err = subprocess_forecast("when", fifo, "-n", 5, *START)
        assert rc == 2 and f"history '{fifo}' is a named pipe (FIFO)" in err, err
        assert "Traceback" not in err and err.count("\n") == 1
        rc, err = subprocess_forecast("when", ADO, "-n", 5, *START, "--holidays-file", fifo)
        assert rc == 2 and "holidays" in err and "named pipe (FIFO)" in err, err
        # a portfolio reads its histories through the same reader
        (tmp_path / "plan.toml").write_text(
            '[[team]]\nname = "web"\nhistory = "h.csv"\n[[outcome]]\nname = "A"\n'
            'team = "web"\nitems = 5\n')
        rc, err = subprocess_forecast("plan", tmp_path / "plan.toml", "--start", "2024-06-03")
        assert rc == 2 and "named pipe (FIFO)" in err and "team 'web'" in err, err
        # an outcomes CSV, whose teams the command line looks up before reading it
        rc, err = subprocess_forecast("plan", "--outcomes", fifo, "--history", ADO, *START)
        assert rc == 2 and f"outcomes file '{fifo}' is a named pipe (FIFO)" in err, err
    finally:
        fifo.unlink()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_by_what_it_is(run, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    one_line_error(run("when", device, "-n", 5, *START),
                   f"history '{device}' is a character device, not a regular file")
    one_line_error(run("when", ADO, "-n", 5, *START, "--holidays-file", device),
                   f"holidays '{device}' is a character device")


def test_a_directory_is_named_as_one(run, tmp_path):
    one_line_error(run("when", tmp_path, "-n", 5, *START), "is a directory")
    one_line_error(run("when", ADO, "-n", 5, *START, "--holidays-file", tmp_path),
                   f"holidays '{tmp_path}' is a directory", "one YYYY-MM-DD a line")


def test_a_file_over_the_cap_is_refused_before_it_is_read(run, tmp_path):
    from forecast.io.files import MAX_FILE_BYTES

    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: no gigabyte is written
        fh.write(b"id,done\n")
        fh.truncate(MAX_FILE_BYTES + 1)
    one_line_error(run("when", big, "-n", 5, *START), "is larger than 1 GB",
                   "the most forecast reads")


def test_what_is_read_is_capped_whatever_the_size_says(run, monkeypatch):
    # /proc files are regular files whose size says 0: the cap holds on what is read
    proc = pathlib.Path("/proc/cpuinfo")
    if not proc.is_file() or os.stat(proc).st_size != 0:
        pytest.skip("no /proc file whose size says 0")
    import forecast.io.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(files, "MAX_FILE_SIZE", "100 bytes")
    one_line_error(run("when", proc, "-n", 5, *START), "is larger than 100 bytes")


# --- long cells, deep JSON -------------------------------------------------------------------

def test_a_ten_megabyte_cell_is_read(run, tmp_path):
    rows = history_rows(60)
    description = "A long description, with commas, and \"quotes\".\n" * 220_000
    assert len(description) > 10_000_000
    quoted = '"' + description.replace('"', '""') + '"'
    rows[3] = rows[3].replace("Item 3", quoted)
    path = write_history(tmp_path / "h.csv", rows)
    assert "used 60 of 60 rows" in read_note(run("check", path, *START, "--format", "json"))


def test_deeply_nested_json_is_one_line(run, tmp_path):
    path = tmp_path / "issues.json"
    path.write_text("[" * 100_000)
    one_line_error(run("when", path, "-n", 5, *START), "nested too deeply", "gh issue list")
    path.write_text("[" * 100_000 + "]" * 100_000)
    one_line_error(run("when", path, "-n", 5, *START), "nested too deeply")


# --- errors about files that are not exports ------------------------------------------------

SHADOW = ("root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
          "secret-user:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n")


def test_an_error_never_echoes_a_file_that_is_not_an_export(run, tmp_path):
    path = tmp_path / "shadow"
    path.write_text(SHADOW)
    err = one_line_error(run("when", path, "-n", 5, *START), f"'{path}' does not look like a "
                         "history", "--done-column")
    assert "19000" not in err and "hash" not in err and "daemon" not in err
    err = one_line_error(run("when", path, "-n", 5, *START, "--done-column", "x"),
                         "no column named 'x'")
    assert "19000" not in err and "daemon" not in err
    path.write_text("root:*:19000:0:99999:7:::\n")
    err = one_line_error(run("when", path, "-n", 5, *START), "has a header but no rows")
    assert "19000" not in err
    # a portfolio reaching it says so without its content either
    (tmp_path / "plan.toml").write_text(
        '[[team]]\nname = "web"\nhistory = "shadow"\n[[outcome]]\nname = "A"\nteam = "web"\n'
        'items = 5\n')
    path.write_text(SHADOW)
    err = one_line_error(run("plan", tmp_path / "plan.toml"), "does not look like a history")
    assert "19000" not in err


def test_a_recognisable_export_still_lists_its_columns(run, tmp_path):
    path = write_csv(tmp_path / "h.csv", ["id", "title"], [[1, "x"]])
    err = one_line_error(run("when", path, "-n", 3), "no done-date column found")
    assert "columns: id, title" in err


@pytest.mark.parametrize("content", [
    bytes(b for b in range(1, 256) if b not in b"\n\r") * 40,   # no NUL, many controls
    b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8,
    b"\x1f\x8b\x08\x00" + bytes(range(1, 200)) * 20,             # gzip
])
def test_a_binary_file_is_called_binary(run, tmp_path, content):
    path = tmp_path / "h.csv"
    path.write_bytes(content)
    err = one_line_error(run("when", path, "-n", 5, *START), f"'{path}' is a binary file")
    assert "cells but the header" not in err


def test_an_old_excel_workbook_is_named(run, tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    one_line_error(run("when", path, "-n", 5, *START), "looks like an Excel workbook")


def test_latin1_text_is_not_binary(run, tmp_path):
    path = tmp_path / "h.csv"
    body = "id,title,done\n" + "".join(f"{i},Caf\xe9 r\xe9union {i},2024-05-{i + 1:02d}\n"
                                        for i in range(28))
    path.write_bytes(body.encode("cp1252"))
    assert run("when", path, "-n", 5, *START, "--window", 40).exit_code in (0, 1)


def test_excluding_every_type_says_so(run, tmp_path):
    path = write_history(tmp_path / "h.csv", history_rows(40))
    one_line_error(run("when", path, "-n", 5, *START, "--exclude-type", "story"),
                   "every done item is of an excluded type (40 items left out by "
                   "--exclude-type)", "exclude fewer types")
    # the same for a tracker export
    jira = tmp_path / "jira.csv"
    jira.write_text("Issue key,Issue Type,Status,Created,Resolved\n"
                    "A-1,Bug,Done,2024-05-01,2024-05-02\nA-2,Bug,Done,2024-05-01,2024-05-03\n"
                    "A-3,Bug,To Do,2024-05-01,\n")
    one_line_error(run("when", jira, "-n", 5, *START, "--exclude-type", "Bug"),
                   "every done item is of an excluded type (2 items")


def test_portfolio_dates_share_the_range(run, tmp_path):
    write_history(tmp_path / "h.csv", history_rows(200))
    path = tmp_path / "plan.toml"
    path.write_text('start = 2024-06-03\n[[team]]\nname = "web"\nhistory = "h.csv"\n'
                    '[[outcome]]\nname = "A"\nteam = "web"\nitems = 5\ntarget = 2300-01-01\n')
    one_line_error(run("plan", path), "outcome 'A': target = 2300-01-01 is out of range",
                   "1900-01-01 to 2200-12-31")
    path.write_text('start = 1700-01-01\n[[team]]\nname = "web"\nhistory = "h.csv"\n'
                    '[[outcome]]\nname = "A"\nteam = "web"\nitems = 5\n')
    one_line_error(run("plan", path), "start = 1700-01-01 is out of range")
