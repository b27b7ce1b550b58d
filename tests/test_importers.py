"""Tracker exports (Jira, Azure DevOps, GitHub, Linear): detection, rows used, work in
progress kept aside for the aging signal, forcing the source, and error messages.

The fixtures in tests/data/exports are small hand-written files in each export's real
shape: its header and column order, extra columns, quoting, empty cells, date format.
"""

import datetime as dt
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import DATA, write_csv

import forecast
from forecast.evaluation.signals import aging
from forecast.exceptions import ColumnError, DataError, ParameterError
from forecast.io import trackers

EXPORTS = DATA / "exports"
D = dt.date

# file, tracker, used, not done (kept as work in progress), canceled, rows, summary note
CASES = [
    ("jira-cloud.csv", "jira", 8, 3, 2, 13,
     "used 8 of 13 rows: 3 not done (kept as work in progress), 2 canceled "
     "(1 Won't Do, 1 Duplicate)"),
    ("jira-server.csv", "jira", 4, 3, 1, 8,
     "used 4 of 8 rows: 3 not done (kept as work in progress), 1 canceled (Won't Fix)"),
    ("ado-query.csv", "ado", 5, 4, 1, 10,
     "used 5 of 10 rows: 4 not done (kept as work in progress), 1 canceled (Removed)"),
    ("github-issues.json", "github", 4, 2, 2, 8,
     "used 4 of 8 rows: 2 not done (kept as work in progress), 2 canceled "
     "(1 closed as not planned, 1 closed as duplicate)"),
    ("github-prs.json", "github", 4, 2, 1, 7,
     "used 4 of 7 rows: 2 not done (kept as work in progress), 1 canceled "
     "(closed without merging)"),
    ("linear.csv", "linear", 5, 4, 2, 11,
     "used 5 of 11 rows: 4 not done (kept as work in progress), 2 canceled "
     "(1 Canceled, 1 Duplicate)"),
]
LABELS = {"jira": "a Jira export", "ado": "an Azure DevOps export",
          "github": "a GitHub export", "linear": "a Linear export"}


# --- detection and counts ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "tracker", "used", "wip", "canceled", "rows", "summary"),
                         CASES)
def test_export_is_recognised_and_rows_accounted_for(name, tracker, used, wip, canceled, rows,
                                                     summary):
    h = forecast.read_history(EXPORTS / name)
    assert h.tracker == tracker
    assert (h.total, h.skipped, h.canceled, h.undated, h.rows) == (used, wip, canceled, 0, rows)
    assert h.notes[0].startswith(f"read as {LABELS[tracker]} (")
    assert h.notes[1] == summary
    # Every row is kept in items, with its state: nothing is silently dropped.
    assert len(h.items) == rows
    states = h.items["state"].value_counts().to_dict()
    assert states == {k: v for k, v in
                      {"done": used, "open": wip, "canceled": canceled}.items() if v}


@pytest.mark.parametrize(("name", "tracker"), [(c[0], c[1]) for c in CASES])
def test_forcing_the_right_source_reads_the_same(name, tracker):
    auto = forecast.read_history(EXPORTS / name)
    forced = forecast.read_history(EXPORTS / name, tracker=tracker.upper())
    assert forced.tracker == tracker and forced.total == auto.total
    assert forced.notes[0] == f"read as {LABELS[tracker]} (--source {tracker})"


def test_dataframe_export_is_recognised():
    frame = pd.read_csv(EXPORTS / "ado-query.csv", dtype=str, keep_default_na=False)
    h = forecast.read_history(frame)
    assert h.tracker == "ado" and h.total == 5 and h.skipped == 4


def test_dataframe_with_datetimes_is_recognised():
    frame = pd.read_csv(EXPORTS / "linear.csv", dtype=str, keep_default_na=False)
    for column in ["Created", "Updated", "Started", "Completed", "Canceled"]:
        frame[column] = pd.to_datetime(frame[column].replace("", None), utc=True)
    h = forecast.read_history(frame)
    assert (h.tracker, h.total, h.skipped, h.canceled) == ("linear", 5, 4, 2)
    assert h.date_format == "datetime"


def test_generic_files_stay_generic(data_dir):
    for path in [*data_dir.glob("*.csv"), "examples/team.csv", "examples/platform.csv"]:
        h = forecast.read_history(path)
        assert h.tracker == "generic"
        assert not any(n.startswith("read as") for n in h.notes)


@pytest.mark.parametrize(("columns", "expected"), [
    (["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Created", "Resolved"], "jira"),
    (["ID", "Work Item Type", "Title", "State", "Closed Date"], "ado"),
    (["number", "title", "state", "createdAt", "closedAt"], "github"),
    (["number", "title", "state", "created_at", "closed_at"], "github"),  # REST spelling
    (["ID", "Team", "Title", "Status", "Created", "Started", "Completed", "Canceled"], "linear"),
    (["id", "done", "started", "type"], "generic"),
    (["Key", "Resolved"], "generic"),
])
def test_detect_tracker(columns, expected):
    assert trackers.detect_tracker(columns) == expected


# --- each tracker's rules -----------------------------------------------------------------


def test_jira_cloud_dates_parents_and_undated_done_rows():
    h = forecast.read_history(EXPORTS / "jira-cloud.csv")
    assert h.done_column == "Resolved" and h.date_format == "%d/%b/%y %I:%M %p"
    items = h.items.set_index("id")
    # Done in a workflow that sets no resolution: dated by Status Category Changed.
    assert items.loc["SHOP-6", "done"] == pd.Timestamp("2024-03-14")
    assert any("dated by 'Status Category Changed'" in n for n in h.notes)
    # Parent holds the parent's issue id in Jira Cloud; it is turned into its key.
    assert items.loc["SHOP-2", "parent"] == "SHOP-1"
    assert items.loc["SHOP-13", "parent"] == "SHOP-5"
    # SHOP-1 is done with four done stories (its canceled and open ones do not count);
    # SHOP-5 is done with one done sub-task.
    assert h.outcome_sizes().tolist() == [1, 4]
    # A canceled item is neither finished nor in progress.
    assert pd.isna(items.loc["SHOP-10", "done"]) and pd.isna(items.loc["SHOP-10", "started"])


def test_jira_server_without_status_category():
    h = forecast.read_history(EXPORTS / "jira-server.csv")
    assert h.date_format == "ISO8601"  # 2024-03-04 17:00
    items = h.items.set_index("id")
    # A stale Resolved date on an issue back In Progress is not a completion.
    assert items.loc["OPS-104", "state"] == "open" and pd.isna(items.loc["OPS-104", "done"])
    # An unknown status with a Resolved date counts as done, and a note says so.
    assert items.loc["OPS-103", "state"] == "done"
    assert any(n.startswith("status 'Live' (1) counted as done") for n in h.notes)
    assert items.loc["OPS-101", "parent"] == "OPS-100"  # from Custom field (Epic Link)


def test_ado_reads_closed_date_not_resolved_date():
    h = forecast.read_history(EXPORTS / "ado-query.csv")
    assert h.done_column == "Closed Date" and h.date_format == "%m/%d/%Y %I:%M:%S %p"
    items = h.items.set_index("id")
    assert items.loc["4102", "done"] == pd.Timestamp("2024-03-04")
    # "Resolved" is not done in Azure DevOps: the Closed Date is not set yet.
    assert items.loc["4105", "state"] == "open"
    assert items.loc["4108", "state"] == "canceled"  # Removed
    # Read generically, the same file would count Resolved Date, the first done-like column.
    generic = forecast.read_history(EXPORTS / "ado-query.csv", tracker="generic")
    assert generic.tracker == "generic" and generic.done_column == "Resolved Date"


def test_github_issues_and_pull_requests():
    issues = forecast.read_history(EXPORTS / "github-issues.json")
    items = issues.items.set_index("id")
    assert items.loc["#817", "state"] == "canceled"   # NOT_PLANNED
    assert items.loc["#823", "state"] == "canceled"   # DUPLICATE
    assert items.loc["#821", "state"] == "open"       # reopened
    assert "started" not in issues.items  # issues have no start date
    prs = forecast.read_history(EXPORTS / "github-prs.json")
    assert prs.done_column == "mergedAt" and prs.date_format == "ISO8601"
    items = prs.items.set_index("id")
    assert items.loc["#903", "state"] == "canceled"   # closed without merging
    assert items.loc["#904", "state"] == "open"       # a draft
    assert items.loc["#901", "started"] == pd.Timestamp("2024-03-01")
    assert set(prs.items["type"]) == {"pull request"}


def test_github_closed_issues_without_state_reason_get_a_note(tmp_path):
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([
        {"number": 1, "state": "CLOSED", "createdAt": "2024-03-01T10:00:00Z",
         "closedAt": "2024-03-04T10:00:00Z"},
        {"number": 2, "state": "OPEN", "createdAt": "2024-03-02T10:00:00Z", "closedAt": None},
    ]))
    h = forecast.read_history(path)
    assert h.total == 1 and h.skipped == 1
    assert any("add stateReason" in n for n in h.notes)


def test_github_rest_spelling_paginated_lists_and_zero_times(tmp_path):
    # gh api --paginate writes one list per page, one after the other.
    page1 = [{"number": 5, "state": "closed", "state_reason": "completed",
              "created_at": "2024-03-01T10:00:00Z", "closed_at": "2024-03-04T10:00:00Z"}]
    page2 = [{"number": 6, "state": "closed", "state_reason": "not_planned",
              "created_at": "2024-03-01T10:00:00Z", "closed_at": "2024-03-05T10:00:00Z"},
             {"number": 7, "state": "open", "state_reason": None,
              "created_at": "2024-03-02T10:00:00Z", "closed_at": "0001-01-01T00:00:00Z"}]
    path = tmp_path / "api.json"
    path.write_text(json.dumps(page1) + "\n" + json.dumps(page2) + "\n")
    h = forecast.read_history(path)
    assert (h.tracker, h.total, h.canceled, h.skipped) == ("github", 1, 1, 1)


def test_github_default_limit_of_30_is_pointed_out(tmp_path):
    rows = [{"number": i, "state": "CLOSED", "stateReason": "COMPLETED",
             "createdAt": "2024-03-01T10:00:00Z", "closedAt": f"2024-03-{i % 28 + 1:02d}T10:00:00Z"}
            for i in range(30)]
    path = tmp_path / "issues.json"
    path.write_text(json.dumps(rows))
    assert any("gh lists 30 by default" in n for n in forecast.read_history(path).notes)


def test_linear_narrow_row_and_canceled_date():
    h = forecast.read_history(EXPORTS / "linear.csv")
    items = h.items.set_index("id")
    # ENG-50's row lacks its last (Roadmaps) cell, as some Linear exports do.
    assert items.loc["ENG-50", "done"] == pd.Timestamp("2024-03-14")
    assert items.loc["ENG-47", "state"] == "canceled"
    assert items.loc["ENG-41", "parent"] == "ENG-40"
    assert items.loc["ENG-41", "project"] == "Mobile 2.0"
    assert h.outcome_sizes().tolist() == [3]  # ENG-40: ENG-41, ENG-42, ENG-50


def test_linear_dates_written_by_javascript(tmp_path):
    header = ("ID,Team,Title,Status,Created,Started,Completed,Canceled,Parent issue")
    rows = [
        "ENG-1,Eng,A,Done,Mon Mar 04 2024 09:00:00 GMT+0100 (Central European Standard Time),"
        "Mon Mar 04 2024 10:00:00 GMT+0100 (Central European Standard Time),"
        "Tue Mar 05 2024 23:30:00 GMT+0100 (Central European Standard Time),,",
        "ENG-2,Eng,B,In Progress,Mon Mar 04 2024 09:00:00 GMT+0100 (Central European Standard "
        "Time),Mon Mar 04 2024 11:00:00 GMT+0100 (Central European Standard Time),,,",
    ]
    path = tmp_path / "linear.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    h = forecast.read_history(path)
    assert h.tracker == "linear" and h.dates.astype(str).tolist() == ["2024-03-05"]


def test_exclude_types_with_a_tracker():
    h = forecast.read_history(EXPORTS / "jira-cloud.csv", exclude_types=["Epic", "Sub-task"])
    assert h.total == 6
    assert h.notes[1] == ("used 6 of 13 rows: 3 not done (kept as work in progress), "
                          "2 canceled (1 Won't Do, 1 Duplicate), 2 of excluded types")
    # An excluded Epic still tells which outcomes finished; excluded sub-tasks do not count.
    assert h.outcome_sizes().tolist() == [4]


# --- work in progress reaches the aging signal ----------------------------------------------


@pytest.mark.parametrize(("name", "today", "aging_ids", "not_aging"), [
    # SHOP-9 is old but still To Do: not started, so not aging.
    ("jira-cloud.csv", D(2024, 4, 1), ["SHOP-7"], "SHOP-9"),
    ("jira-server.csv", D(2024, 4, 1), ["OPS-104"], "OPS-106"),
    # 4105 is Resolved, which is still in progress in Azure DevOps; 4108 was activated long
    # ago but removed: canceled work never ages.
    ("ado-query.csv", D(2024, 4, 1), ["4106", "4101", "4105"], "4108"),
    ("github-prs.json", D(2024, 3, 20), ["#904"], "#903"),
    ("linear.csv", D(2024, 4, 1), ["ENG-43"], "ENG-47"),
])
def test_work_in_progress_reaches_aging(name, today, aging_ids, not_aging):
    h = forecast.read_history(EXPORTS / name)
    items, threshold = aging(h, today)
    assert threshold is not None
    assert [i.id for i in items] == aging_ids
    assert not_aging not in [i.id for i in items]


def test_check_reports_aging_of_a_tracker_export():
    result = forecast.check(forecast.read_history(EXPORTS / "linear.csv"), start="2024-04-01",
                            window=60)
    assert [a.id for a in result.aging] == ["ENG-43"]


# --- forcing and errors ------------------------------------------------------------------


def test_generic_reading_is_todays_behaviour():
    h = forecast.read_history(EXPORTS / "jira-server.csv", tracker="generic")
    # Every row with a Resolved date counts, whatever its status or resolution.
    assert (h.tracker, h.total, h.skipped) == ("generic", 6, 2)
    assert h.notes == ("2 rows without a done date left out (work in progress)",)


def test_unknown_source():
    with pytest.raises(ParameterError,
                       match=r"^'tests/data/exports/jira-cloud.csv': unknown source 'trello' "
                             r"\(given as tracker\); use one of auto, generic, "
                             r"jira, ado, github, linear"):
        forecast.read_history("tests/data/exports/jira-cloud.csv", tracker="trello")


def test_forced_source_with_missing_columns():
    with pytest.raises(ColumnError,
                       match=r"ado-query.csv': tracker='jira' needs the columns 'Resolved', "
                             r"'Status', which are missing \(columns found: ID, Work Item Type, "
                             r".*\); export from the issue search"):
        forecast.read_history(EXPORTS / "ado-query.csv", tracker="jira")


def test_forced_source_with_done_column_given(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["ID", "State", "Done On"],
                     [[1, "Closed", "2024-03-04"], [2, "Removed", "2024-03-05"], [3, "Active", ""]])
    h = forecast.read_history(path, tracker="ado", done_column="Done On")
    assert (h.total, h.canceled, h.skipped) == (1, 1, 1)


def test_github_with_a_named_done_column():
    h = forecast.read_history(EXPORTS / "github-prs.json", done_column="closedAt")
    # Merged pull requests count at closedAt; the one closed without merging is canceled.
    assert (h.done_column, h.total, h.canceled, h.skipped) == ("closedAt", 4, 1, 2)


def test_csv_source_forced_on_json():
    with pytest.raises(ParameterError,
                       match=r"github-prs.json' is a JSON file, and a Linear export is a CSV "
                             r"file; give the CSV export"):
        forecast.read_history(EXPORTS / "github-prs.json", tracker="linear")


def test_generic_reading_of_json_is_allowed():
    h = forecast.read_history(EXPORTS / "github-prs.json", tracker="generic")
    assert h.tracker == "generic" and h.done_column == "closedAt" and h.total == 5


@pytest.mark.parametrize(("text", "message"), [
    ('[{"number": 1, "state": "OPEN",}]',
     r"bad.json' is not valid JSON: Expecting property name enclosed in double quotes at "
     r"line 1, column 32; write it again with gh issue list --json"),
    ('{"number": 1, "state": "OPEN"}',
     r"bad.json' holds an object, not a list of objects; give the output of gh issue list"),
    ('["a", "b"]', r"bad.json', item 1: \"a\" is not an object; give a list of objects"),
    ("[]", r"bad.json' is an empty list: no issues or pull requests; .* --state all"),
])
def test_json_errors(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        forecast.read_history(path)


def test_json_that_is_not_a_github_export(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"key": "A-1", "finished": "2024-03-04"}]))
    with pytest.raises(ColumnError,
                       match=r"other.json': read as a GitHub export, it needs the column "
                             r"'closedAt or mergedAt', which is missing \(columns found: key, "
                             r"finished\); export with gh issue list --state all --json"):
        forecast.read_history(path)


def test_github_export_with_only_open_items(tmp_path):
    path = tmp_path / "open.json"
    path.write_text(json.dumps([{"number": 1, "state": "OPEN", "createdAt": "2024-03-01T10:00:00Z",
                                 "closedAt": None}]))
    with pytest.raises(DataError,
                       match=r"open.json': no row is done \(1 not done \(kept as work in "
                             r"progress\)\); gh lists open items by default: export with "
                             r"--state all"):
        forecast.read_history(path)


def test_unreadable_date_in_an_export_names_row_and_column(tmp_path):
    text = (EXPORTS / "ado-query.csv").read_text().replace("3/6/2024 10:30:00 AM", "next week")
    path = tmp_path / "ado.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=r"ado.csv', row 4, column 'Closed Date': cannot read "
                                        r"'next week' as a date"):
        forecast.read_history(path)


def test_unreadable_date_in_json_names_the_item(tmp_path):
    path = tmp_path / "prs.json"
    path.write_text(json.dumps([
        {"number": 7, "state": "MERGED", "createdAt": "2024-03-01T10:00:00Z",
         "closedAt": "2024-03-02T10:00:00Z", "mergedAt": "2024-03-02T10:00:00Z"},
        {"number": 8, "state": "MERGED", "createdAt": "2024-03-01T10:00:00Z",
         "closedAt": "yesterday", "mergedAt": "yesterday"},
    ]))
    with pytest.raises(DataError, match=r"prs.json', row 2 \(#8\), column 'closedAt': cannot "
                                        r"read 'yesterday'"):
        forecast.read_history(path)


def test_tracker_lookalike_without_its_done_column_reads_generically(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["Issue key", "Status", "Issue Type", "done"],
                     [["A-1", "Done", "Story", "2024-03-04"], ["A-2", "Open", "Bug", ""]])
    h = forecast.read_history(path)
    assert h.tracker == "generic" and h.total == 1
    assert h.notes[0] == ("looks like a Jira export but has no 'Resolved' column: read as a "
                          "generic history")


def test_tracker_lookalike_without_any_done_column_says_what_to_add(tmp_path):
    path = write_csv(tmp_path / "h.csv", ["Issue key", "Status", "Issue Type", "Created"],
                     [["A-1", "Done", "Story", "2024-03-04"]])
    with pytest.raises(ColumnError, match=r"it looks like a Jira export without its "
                                          r"'Resolved' column: add it to the export$"):
        forecast.read_history(path)


# --- the command line reads exports without any flag ----------------------------------------


def test_cli_reads_an_export_and_says_how():
    from forecast.cli.app import cli

    result = CliRunner().invoke(cli, ["how-many", str(EXPORTS / "jira-cloud.csv"), "--days", "10",
                                      "--start", "2024-04-01", "--since", "2024-03-01"],
                                prog_name="forecast")
    assert result.exit_code == 0, result.output
    assert "read as a Jira export" in result.output
    assert "used 8 of 13 rows" in result.output
