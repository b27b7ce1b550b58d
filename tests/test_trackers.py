"""The registry of trackers: every entry complete, detection in its documented order, and a
new tracker is one module (registered here at runtime, read without editing anything else).
"""

import importlib.util
import pkgutil
import textwrap
from dataclasses import replace

import pytest
from conftest import write_csv

import forecast
from forecast.evaluation.signals import start_signals
from forecast.exceptions import ColumnError, ParameterError
from forecast.io import trackers
from forecast.io.trackers.base import Tracker

YOUTRACK = '''
"""YouTrack: the issue list's "Export to CSV" (a tracker written for a test)."""

import numpy as np

from forecast.io.trackers.base import (
    CANCELED, CANCELED_STATUSES, DONE, Extracted, Tracker, finish, isin, lower, open_states,
    optional_dates, text_or,
)


def extract(frame, cols, dates_of):
    resolved = dates_of(cols["done"])
    status = lower(frame, cols["status"])
    state = open_states(len(frame))
    state[~np.isnat(resolved)] = DONE
    canceled = isin(status, CANCELED_STATUSES)
    state[canceled] = CANCELED
    notes = []
    started = optional_dates(frame, cols["started"], dates_of, notes)
    return finish(frame, cols, Extracted(
        "youtrack", resolved, state, cols["done"], started, notes=notes,
        reason=np.where(canceled, text_or(frame, cols["status"]), "")))


TRACKER = Tracker(
    key="youtrack",
    label="YouTrack export",
    extract=extract,
    columns={"done": ("resolved",), "status": ("state",), "started": ("started",),
             "id": ("issue id",), "type": ("type",)},
    identity=(("issue id",), ("state",), ("resolved",)),
    required=(("done",), ("status",)),
    shown={"done": "Resolved", "status": "State"},
    how_to_export="export the issue list with 'Export to CSV'",
    canceled_statuses=CANCELED_STATUSES,
    own_start_column=True,
)
'''

HEADER = ["Issue Id", "Summary", "Type", "State", "Created", "Started", "Resolved"]
ROWS = [
    ["YT-1", "a", "Task", "Fixed", "2024-03-01", "2024-03-02", "2024-03-04"],
    ["YT-2", "b", "Bug", "Fixed", "2024-03-01", "2024-03-03", "2024-03-05"],
    ["YT-3", "c", "Task", "In Progress", "2024-03-02", "", ""],
    ["YT-4", "d", "Bug", "Won't fix", "2024-03-02", "", "2024-03-06"],
]


@pytest.fixture
def youtrack(tmp_path, monkeypatch):
    """A tracker module written at runtime, registered as the package registers its own."""
    path = tmp_path / "youtrack.py"
    path.write_text(textwrap.dedent(YOUTRACK))
    spec = importlib.util.spec_from_file_location("youtrack_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(trackers.TRACKERS, module.TRACKER.key, module.TRACKER)
    return module.TRACKER


def test_a_new_tracker_is_one_module(youtrack, tmp_path):
    path = write_csv(tmp_path / "issues.csv", HEADER, ROWS)
    forced = forecast.read_history(path, tracker="youtrack")
    assert (forced.tracker, forced.total, forced.skipped, forced.canceled) == (
        "youtrack", 2, 1, 1)
    assert forced.notes[:2] == ("read as a YouTrack export (--source youtrack)",
                                "used 2 of 4 rows: 1 not done (kept as work in progress), "
                                "1 canceled (Won't fix)")
    assert forced.items["id"].tolist() == ["YT-1", "YT-2", "YT-3", "YT-4"]
    assert forced.items["type"].tolist() == ["Task", "Bug", "Task", "Bug"]
    # Recognised by its columns, without --source.
    auto = forecast.read_history(path)
    assert auto.tracker == "youtrack" and auto.total == 2
    assert auto.notes[0] == ("read as a YouTrack export (recognised by its columns; choose "
                             "another reading with --source)")
    # Its start column is its own, so the unfinished row without a start is pointed out.
    warnings, _ = start_signals(auto)
    assert any("has no start date and was not aged" in w for w in warnings)
    assert "youtrack" in trackers.sources()
    assert trackers.detection_order()[-1] == "youtrack"


def test_a_new_tracker_brings_its_messages(youtrack, tmp_path):
    path = write_csv(tmp_path / "issues.csv", [c for c in HEADER if c != "Resolved"],
                     [r[:-1] for r in ROWS])
    with pytest.raises(ColumnError, match=r"tracker='youtrack' needs the column 'Resolved', "
                                          r"which is missing .*; export the issue list with "
                                          r"'Export to CSV', or use tracker='generic'"):
        forecast.read_history(path, tracker="youtrack")
    with pytest.raises(ParameterError, match=r"use one of auto, generic, jira, ado, github, "
                                             r"linear, youtrack \(auto"):
        forecast.read_history(path, tracker="trello")


def test_a_new_tracker_is_read_from_a_portfolio(youtrack, tmp_path):
    write_csv(tmp_path / "issues.csv", HEADER, ROWS)
    toml = tmp_path / "p.toml"
    toml.write_text(textwrap.dedent("""\
        start = 2024-03-11
        [[team]]
        name = "Core"
        history = "issues.csv"
        source = "youtrack"
        [[outcome]]
        name = "Search"
        team = "Core"
        items = 3
        """))
    portfolio = forecast.read_portfolio(toml)
    assert portfolio.teams[0].history.tracker == "youtrack"


def test_every_module_of_the_package_is_registered_under_its_name():
    modules = {m.name for m in pkgutil.iter_modules(trackers.__path__)} - {"base"}
    assert modules == set(trackers.TRACKERS)
    for name in modules:
        module = importlib.import_module(f"forecast.io.trackers.{name}")
        assert module.TRACKER is trackers.TRACKERS[name]


@pytest.mark.parametrize("key", list(trackers.TRACKERS))
def test_every_entry_is_complete(key):
    tracker = trackers.TRACKERS[key]
    assert tracker.key == key and key == key.lower() and key not in ("auto", "")
    assert tracker.label and callable(tracker.extract)
    assert "done" in tracker.columns and set(tracker.done_roles) <= set(tracker.columns)
    assert trackers.label(key).split(" ", 1)[0] in ("a", "an")
    assert trackers.no_done_hint(key)
    if key == trackers.FALLBACK:
        # the fallback is never recognised and needs nothing beyond a done column
        assert tracker.identity == () and tracker.required == ()
        return
    assert tracker.identity and all(tracker.identity)
    assert tracker.required and tracker.how_to_export
    for group in tracker.required:
        for role in group:
            assert tracker.shown[role] and tracker.columns[role]
    # its own identity is enough to recognise it, whatever else the registry holds
    names = [group[0] for group in tracker.identity]
    assert trackers.detect_tracker(names) == key


def test_one_fallback_and_it_is_generic():
    assert [t.key for t in trackers.TRACKERS.values() if not t.identity] == ["generic"]
    assert trackers.FALLBACK == "generic"


def test_the_registry_order_is_the_order_sources_are_listed_in():
    assert list(trackers.TRACKERS) == ["generic", "jira", "ado", "github", "linear"]
    assert trackers.sources() == ("auto", "generic", "jira", "ado", "github", "linear")


def test_detection_order_is_the_documented_one():
    assert trackers.detection_order() == ("jira", "ado", "linear", "github")
    assert "Jira, Azure DevOps, Linear,\nthen GitHub" in trackers.__doc__
    # A file with both Linear's and GitHub's identity columns is Linear's, as it always was.
    both = ["number", "state", "createdAt", "closedAt", "Completed", "Canceled", "Status"]
    assert trackers.detect_tracker(both) == "linear"
    # JSON is only ever read by a tracker that reads JSON.
    assert trackers.detect_tracker(both, from_json=True) == "github"


def test_detect_after_that_goes_round_in_a_circle_is_refused(monkeypatch):
    linear = trackers.TRACKERS["linear"]
    monkeypatch.setitem(trackers.TRACKERS, "linear", replace(linear, detect_after=("github",)))
    with pytest.raises(ValueError, match="detect_after"):
        trackers.detection_order()


@pytest.mark.parametrize(("change", "message"), [
    ({"required": (("done",), ("status",))}, "required role 'status' needs"),
    ({"done_roles": ("done", "merged")}, "done role 'merged' has no columns"),
    ({"identity": (("Issue Id",),)}, "column name 'Issue Id' is not normalised"),
])
def test_an_incomplete_tracker_is_refused_when_defined(change, message):
    fields = {"key": "youtrack", "label": "YouTrack export", "extract": lambda *a: None,
              "columns": {"done": ("resolved",)}, "required": (("done",),),
              "shown": {"done": "Resolved"}, **change}
    with pytest.raises(ValueError, match=message):
        Tracker(**fields)
