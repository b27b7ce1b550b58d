import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import write_csv

import forecast
from forecast.exceptions import ColumnError, DataError, InputFileError
from forecast.io.dates import parse_dates
from forecast.io.output import spreadsheet_safe, write_atomic

D = dt.date


@pytest.mark.parametrize(
    "header",
    ["done", "Done_Date", "completed", "completed_at", "Completed Date", "Resolved",
     "Resolution Date", "resolved date", "CLOSED", "closed_at", "Closed Date", "end",
     "end_date", "finished", "date", "closedAt"],
)
def test_done_column_found_by_name(tmp_path, header):
    path = write_csv(tmp_path / "h.csv", ["id", header], [[1, "2024-06-03"], [2, "2024-06-04"]])
    h = forecast.read_history(path)
    assert h.total == 2 and h.done_column == header


def test_preferred_name_wins_over_generic_date(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["date", "resolved"],
                     [["2020-01-01", "2024-06-03"], ["2020-01-01", "2024-06-04"]])
    assert forecast.read_history(path).first == D(2024, 6, 3)


def test_done_column_override(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["x", "y"], [["a", "2024-06-03"]])
    assert forecast.read_history(path, done_column="y").total == 1
    assert forecast.read_history(path, done_column="Y").total == 1


def test_no_done_column_lists_columns_and_names(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["id", "title", "owner"], [[1, "a", "b"]])
    with pytest.raises(ColumnError) as info:
        forecast.read_history(path)
    message = str(info.value)
    assert "columns: id, title, owner" in message
    assert "looked for: done, done date" in message and "closed at" in message
    assert "done_column='NAME'" in message  # the library's keyword (the CLI says --done-column)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-03-12", "2024-03-13"], ["2024-03-12", "2024-03-13"]),
        (["2024-03-12T15:15:00Z", "2024-03-13 09:00"], ["2024-03-12", "2024-03-13"]),
        (["2024-03-12T23:30:00-05:00", "2024-03-13T00:10:00+02:00"], ["2024-03-12", "2024-03-13"]),
        (["2024-03-12T15:15:00.123456+0100"], ["2024-03-12"]),
        (["12/Mar/24 3:15 PM", "1/Apr/24 9:05 AM"], ["2024-03-12", "2024-04-01"]),  # Jira
        (["3/12/2024 3:15:00 PM", "12/1/2024 11:00:00 AM"], ["2024-03-12", "2024-12-01"]),  # ADO
        (["25/12/2024", "13/01/2025"], ["2024-12-25", "2025-01-13"]),  # day first
        (["25.12.2024 10:00", "13.01.2025 11:00"], ["2024-12-25", "2025-01-13"]),
    ],
)
def test_date_formats(values, expected):
    assert parse_dates(values).astype(str).tolist() == expected


def test_forced_date_format():
    # 03/04/2024 is 4 March under day-first.
    got = parse_dates(["03/04/2024"], date_format="%d/%m/%Y")
    assert got.astype(str).tolist() == ["2024-04-03"]


def test_unparseable_date_names_file_row_and_value(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["id", "done"],
                     [[1, "2024-06-03"], [2, "2024-06-04"], [3, "someday"]])
    with pytest.raises(DataError, match=r"h\.csv', row 4, column 'done': cannot read 'someday'"):
        forecast.read_history(path)


def test_impossible_date(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done"], [["2024-02-30"]])
    with pytest.raises(DataError, match=r"row 2, column 'done': cannot read '2024-02-30'"):
        forecast.read_history(path)


def test_rows_without_done_date_are_work_in_progress(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["id", "done", "started"],
                     [[1, "2024-06-03", "2024-06-01"], [2, "", "2024-06-02"]])
    h = forecast.read_history(path)
    assert h.total == 1 and h.skipped == 1
    assert any("1 row without a done date" in n for n in h.notes)
    assert len(h.items) == 2  # nothing the user gave is lost


def test_exclude_types(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done", "Work Item Type"],
                     [["2024-06-03", "Bug"], ["2024-06-03", "User Story"], ["2024-06-04", "bug"]])
    h = forecast.read_history(path, exclude_types=["BUG"])
    assert h.total == 1


def test_exclude_types_needs_a_type_column(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done"], [["2024-06-03"]])
    with pytest.raises(ColumnError, match="exclude_types needs a type column"):
        forecast.read_history(path, exclude_types=["Bug"])


def test_throughput_file(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["date", "count"],
                     [["2024-06-03", 2], ["2024-06-05", 0], ["2024-06-06", 3]])
    h = forecast.read_history(path)
    assert h.kind == "throughput" and h.total == 5
    s = h.sample(D(2024, 6, 7), since=D(2024, 6, 3))
    assert s.counts.tolist() == [2, 0, 0, 3]  # the missing 4 June is a zero day


@pytest.mark.parametrize(("cell", "why"), [("two", "is not a whole number"),
                                          ("1.5", "is not a whole number"),
                                          ("-1", "is negative")])
def test_throughput_bad_counts(tmp_path, cell, why):
    rows = [["2024-06-03", 1], ["2024-06-04", cell]]
    path = write_csv(tmp_path / "t.csv", ["date", "count"], rows)
    with pytest.raises(DataError, match=rf"row 3, column 'count': '{cell}' {why}"):
        forecast.read_history(path)


def test_semicolon_separated_and_bom(tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes("\ufeffKey;Resolved\nA-1;2024-06-03\nA-2;2024-06-04\n".encode())
    assert forecast.read_history(path).total == 2


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        forecast.read_history(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="is empty"):
        forecast.read_history(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,done\n")
    with pytest.raises(InputFileError, match="has a header .* but no rows"):
        forecast.read_history(header_only)


def test_dataframe_with_datetimes():
    frame = pd.DataFrame({"closed_at": pd.to_datetime(["2024-06-03 23:00", "2024-06-04 01:00"])
                          .tz_localize("Europe/Paris")})
    h = forecast.read_history(frame)
    assert h.dates.astype(str).tolist() == ["2024-06-03", "2024-06-04"]


def test_real_histories_read(data_dir):
    ado = forecast.read_history(data_dir / "ado-flowmetrics.csv")
    assert ado.total == 261 and ado.first == D(2023, 1, 4) and ado.last == D(2024, 5, 30)
    jira = forecast.read_history(data_dir / "jira-p1.csv")
    assert jira.total == 1696
    lighthouse = forecast.read_history(data_dir / "ado-lighthouse.csv", exclude_types=["Epic"])
    assert lighthouse.total == 88 - int((pd.read_csv(data_dir / "ado-lighthouse.csv")["type"]
                                         == "Epic").sum())


def test_spreadsheet_safe():
    for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]:
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("ok") == "ok" and spreadsheet_safe(-1) == -1


def test_write_atomic_refuses_to_overwrite_input(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("keep me")
    with pytest.raises(forecast.ForecastError, match="is an input file"):
        write_atomic(source, "x", protect=[source])
    assert source.read_text() == "keep me"
    out = write_atomic(tmp_path / "out.csv", "new", protect=[source])
    assert out.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_dates_keep_calendar_date_as_written():
    got = parse_dates(np.array(["2024-01-01T00:30:00+14:00"], dtype=object))
    assert got.astype(str).tolist() == ["2024-01-01"]


def test_unquoted_separator_is_reported_not_shifted(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,title,done\n1,Fix a, b,2024-01-02\n2,ok,2024-01-03\n")
    with pytest.raises(DataError, match=r"row 2: 4 cells but the header has 3; put quotes"):
        forecast.read_history(path)
    path.write_text('id,title,done\n1,"Fix a, b",2024-01-02\n2,ok,2024-01-03\n')
    assert forecast.read_history(path).total == 2


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('done,title\n2024-01-02,"two\nlines"\n\n2024-01-0x,c\n')
    with pytest.raises(DataError, match=r"row 4, column 'done': cannot read '2024-01-0x'"):
        forecast.read_history(path)


def test_far_dates_are_not_wrapped():
    # read without overflow, then refused by the one date range (issue 12) as written
    with pytest.raises(DataError, match="row 2, column 'done': 9999-12-31 is out of range"):
        parse_dates(["9999-12-31", "2024-06-03"])
    with pytest.raises(DataError, match="row 3, column 'done': 1700-01-01 is out of range"):
        parse_dates(["2024-06-03", "1700-01-01"])


def test_impossible_times_are_rejected():
    with pytest.raises(DataError, match="cannot read '2024-03-12T25:99'"):
        parse_dates(["2024-03-12", "2024-03-12T25:99"])


def test_more_export_formats():
    assert parse_dates(["1/1/24 15:15", "3/12/24 9:00"]).astype(str).tolist() == [
        "2024-01-01", "2024-03-12"]
    assert parse_dates(["3/12/24"]).astype(str).tolist() == ["2024-03-12"]
    assert parse_dates(["2024-3-5"]).astype(str).tolist() == ["2024-03-05"]
    assert parse_dates(["12 March 2024"]).astype(str).tolist() == ["2024-03-12"]


def test_ambiguous_day_month_is_reported(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done"], [["03/04/2024"], ["05/06/2024"]])
    h = forecast.read_history(path)
    assert h.date_format == "%m/%d/%Y"
    assert any("also read as '%d/%m/%Y'" in n for n in h.notes)
    clear = write_csv(tmp_path / "c.csv", ["done"], [["03/04/2024"], ["05/26/2024"]])
    assert not forecast.read_history(clear).notes


def test_utf16_excel_and_sep_line(tmp_path):
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes("id\tdone\n1\t2024-06-03\n".encode("utf-16"))
    assert forecast.read_history(utf16).total == 1
    sep = tmp_path / "s.csv"
    sep.write_text("sep=;\nid;done\n1;2024-06-03\n")
    assert forecast.read_history(sep).total == 1
    xlsx = tmp_path / "x.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + b"\x00" * 30)
    with pytest.raises(InputFileError, match="looks like an Excel workbook"):
        forecast.read_history(xlsx)


def test_other_done_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["Resolved Date", "Closed Date"],
                     [["2024-06-03", "2024-06-04"]])
    h = forecast.read_history(path)
    assert h.done_column == "Resolved Date"
    assert any("also found 'Closed Date'" in n for n in h.notes)


def test_exclude_type_that_matches_nothing(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done", "type"], [["2024-06-03", "Bug"]])
    h = forecast.read_history(path, exclude_types=["Feature"])
    assert any("no item has type 'feature'; types present: Bug" in n for n in h.notes)


def test_absurd_throughput_count(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["date", "count"], [["2024-06-03", 3_000_000_000]])
    with pytest.raises(DataError, match="beyond belief"):
        forecast.read_history(path)


def test_format_detection_reads_the_whole_column_when_the_sample_misleads():
    # 900 day-first dates with days <= 12 (they also read month-first), then one with 20.
    cells = [f"{d:02d}/{m:02d}/2015" for m in range(1, 13) for d in range(1, 13)] * 6
    cells = cells[:900] + ["20/05/2015"]
    got = parse_dates(cells)
    assert got[-1].astype(str) == "2015-05-20" and got[0].astype(str) == "2015-01-01"


def test_duplicate_ids_are_counted_once_and_named(tmp_path):
    # A doubled export must not double the throughput: each id counts once, and a warning
    # (not an informational note: --strict fails on it) names the first repeat.
    from forecast.notes import informational

    path = write_csv(tmp_path / "h.csv", ["id", "done"],
                     [["A-1", "2024-06-03"], ["A-2", "2024-06-04"], ["A-1", "2024-06-03"],
                      ["A-2", "2024-06-04"], ["", "2024-06-05"], ["", "2024-06-05"]])
    h = forecast.read_history(path)
    assert h.total == 4 and h.rows == 6 and len(h.items) == 4  # rows without an id stay
    note = (f"'{path}': 2 duplicate rows of the same id left out (first: row 4, id 'A-1', "
            "as in row 2); each id is counted once — if they are different items, give each "
            "its own id")
    assert note in h.notes and not informational(note)
    assert h.items.index.tolist() == [2, 3, 6, 7]  # rows as a spreadsheet numbers them


def test_duplicate_rows_without_an_id_column_are_kept(tmp_path):
    # Without ids, two identical rows are two items done the same day.
    path = write_csv(tmp_path / "h.csv", ["done", "type"],
                     [["2024-06-03", "Bug"], ["2024-06-03", "Bug"]])
    h = forecast.read_history(path)
    assert h.total == 2 and not h.notes


def test_duplicate_ids_in_a_tracker_export(tmp_path):
    path = write_csv(tmp_path / "ado.csv", ["ID", "Work Item Type", "State", "Closed Date"],
                     [[7, "Bug", "Closed", "2024-06-03"], [8, "Bug", "Active", ""],
                      [7, "Bug", "Closed", "2024-06-03"]])
    h = forecast.read_history(path)
    assert h.tracker == "ado" and h.total == 1 and h.skipped == 1
    assert ("used 1 of 3 rows: 1 not done (kept as work in progress), 1 repeating an id"
            in h.notes)
    assert (f"'{path}': 1 duplicate row of the same id left out (row 4, id '7', as in row 2); "
            "each id is counted once — if they are different items, give each its own id"
            in h.notes)


def test_completions_after_today_are_kept_with_a_warning(tmp_path):
    from forecast.notes import informational

    today = dt.date.today()
    soon, later = today + dt.timedelta(days=3), today + dt.timedelta(days=400)
    path = write_csv(tmp_path / "h.csv", ["id", "done"],
                     [[1, "2024-06-03"], [2, later.isoformat()], [3, soon.isoformat()],
                      [4, today.isoformat()]])
    h = forecast.read_history(path)
    assert h.total == 4 and h.last == later  # kept: a forecast may still read them
    note = (f"'{path}': 2 rows done after today ({today.isoformat()}), the latest on "
            f"{later.isoformat()} (row 3): a completion cannot be in the future; kept in the "
            "history, but check the dates in column 'done' (or the computer's clock)")
    assert note in h.notes and not informational(note)
    throughput = write_csv(tmp_path / "t.csv", ["date", "count"],
                           [["2024-06-03", 2], [soon.isoformat(), 0], [later.isoformat(), 1]])
    notes = forecast.read_history(throughput).notes
    assert any(n.startswith(f"'{throughput}': 1 row done after today") and
               f"the latest on {later.isoformat()} (row 4)" in n for n in notes), notes
    past = write_csv(tmp_path / "p.csv", ["done"], [["2024-06-03"], [today.isoformat()]])
    assert not forecast.read_history(past).notes
