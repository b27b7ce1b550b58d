"""The CLI's "Show" parts: --source, --plot on every command, report, spreadsheet files,
progress and Ctrl-C."""

import io
import json
import os
import pathlib
import textwrap
import time

import pandas as pd
import pytest
from conftest import write_csv

import forecast
import forecast.forecasting.plan
import forecast.forecasting.questions
import forecast.present.report
from forecast.cli.app import cli
from forecast.cli.options import SOURCES
from forecast.cli.outputs import PLOT_SUFFIXES
from forecast.cli.runtime import Progress
from forecast.io import trackers
from forecast.results.plan import PLAN_COLUMNS
from forecast.results.stats import DISTRIBUTION_COLUMNS

TEAM = "examples/team.csv"
PORTFOLIO = "examples/portfolio.toml"
START = "2024-06-03"
EXPORTS = "tests/data/exports"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def one_line_error(result, *fragments, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    err = result.stderr
    assert err.count("\n") == 1 and err.endswith("\n"), err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    return err


def spy(monkeypatch, name):
    """Record the calls of forecast.plot.<name> and still draw."""
    calls = []
    original = getattr(forecast.plot, name)

    def wrapper(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(forecast.plot, name, wrapper)
    return calls


def small_portfolio(tmp_path, outcome="Checkout", team="web", extra=""):
    history = tmp_path / "team.csv"
    history.write_bytes(pathlib.Path(TEAM).read_bytes())
    toml = tmp_path / "p.toml"
    toml.write_text(textwrap.dedent(f"""\
        start = 2024-06-03
        trials = 2000
        seed = 7

        [[team]]
        name = "{team}"
        history = "team.csv"
        {extra}

        [[outcome]]
        name = "{outcome}"
        team = "{team}"
        items = 20
        target = 2024-07-05

        [[outcome]]
        name = "Returns"
        team = "{team}"
        items = 15
        """))
    return toml


# --- --source ----------------------------------------------------------------------------


def test_source_choices_are_the_registrys_trackers():
    # Written out in the CLI so that --help stays fast; the registry is the truth.
    assert SOURCES == trackers.sources() == ("auto", *trackers.TRACKERS)


def test_source_on_every_command_that_reads_a_history():
    for name in ("when", "how-many", "check", "backtest", "report"):
        options = {o for p in cli.commands[name].params for o in p.opts}
        assert "--source" in options, name
    plan_options = {o for p in cli.commands["plan"].params for o in p.opts}
    assert "--source" in plan_options


def test_source_forces_the_reading(run):
    path = f"{EXPORTS}/ado-query.csv"
    auto = run("check", path, "--start", "2024-03-11", "--format", "json")
    generic = run("check", path, "--start", "2024-03-11", "--format", "json",
                  "--source", "generic")
    assert auto.exit_code in (0, 1) and generic.exit_code in (0, 1)
    assert json.loads(auto.stdout)["notes"][0].startswith("read as an Azure DevOps export")
    assert json.loads(generic.stdout)["notes"][0].startswith("read as a generic history")
    one_line_error(run("when", path, "-n", 3, "--source", "jira"),
                   "--source jira needs the column")


def test_unknown_source_is_a_usage_error(run):
    one_line_error(run("when", TEAM, "-n", 3, "--source", "trello"), "'trello' is not one of")


def test_plan_source_goes_with_outcomes_and_toml_has_its_own(run, tmp_path):
    one_line_error(run("plan", PORTFOLIO, "--source", "jira"),
                   "--source goes with --outcomes", "source in its [[team]] tables")
    toml = small_portfolio(tmp_path, extra='source = "jira"')
    # a TOML problem names the TOML key (and the team), not the command line's flag
    one_line_error(run("plan", toml), "team 'web'", 'source = "jira" needs the column')
    toml = small_portfolio(tmp_path, extra='source = "generic"')
    assert run("plan", toml).exit_code == 0
    toml = small_portfolio(tmp_path, extra='source = "trello"')
    one_line_error(run("plan", toml), "unknown source 'trello'")


def test_plan_outcomes_with_a_tracker_export(run, tmp_path):
    outcomes = write_csv(tmp_path / "o.csv", ["outcome", "items"], [["A", 3]])
    r = run("plan", "--outcomes", outcomes, "--history", f"{EXPORTS}/jira-cloud.csv",
            "--source", "jira", "--start", "2024-04-01", "--window", 60, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert any("read as a Jira export (--source jira)" in w for w in doc["notes"])
    assert not any("read as a" in w for w in doc["warnings"])  # a note is not a warning


# --- check: notes are not warnings ------------------------------------------------------


def jira_export(tmp_path, extra_rows=()):
    """A Jira export with a steady two items a working day, some work in progress and a
    canceled item: nothing in it deserves a warning."""
    header = ["Issue key", "Issue Type", "Status", "Status Category", "Resolution", "Created",
              "Resolved"]
    rows = []
    days = pd.bdate_range("2024-01-01", "2024-05-31")
    for i, day in enumerate(days):
        for j in range(2 + (i % 2)):
            stamp = f"{day:%d/%b/%y} 3:0{j} PM"
            created = f"{day - pd.Timedelta(days=14):%d/%b/%y} 9:00 AM"
            rows.append([f"A-{len(rows) + 1}", "Story", "Done", "Done", "Done", created, stamp])
    rows.append([f"A-{len(rows) + 1}", "Story", "In Progress", "In Progress", "",
                 "28/May/24 9:00 AM", ""])
    rows.append([f"A-{len(rows) + 1}", "Story", "Won't Do", "Done", "Won't Do",
                 "28/May/24 9:00 AM", "29/May/24 9:00 AM"])
    rows.extend(extra_rows)
    return write_csv(tmp_path / "jira.csv", header, rows)


def test_check_prints_how_the_file_was_read_and_strict_ignores_it(run, tmp_path):
    path = jira_export(tmp_path)
    r = run("check", path, "--start", "2024-06-03", "--strict")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[1].startswith("  note: read as a Jira export (recognised by its columns")
    assert lines[2].startswith("  note: used ") and "1 canceled (Won't Do)" in lines[2]
    assert "no warnings" in r.stdout
    doc = json.loads(run("check", path, "--start", "2024-06-03", "--format", "json").stdout)
    # the third note says which window and why: auto fell back (five months are too little to
    # backtest), which is information in a check, not a warning
    assert len(doc["notes"]) == 3 and doc["warnings"] == []
    assert doc["notes"][2] == doc["window"]["why"]
    assert doc["messages"][2]["code"] == "auto-fell-back"


def test_check_history_notes_that_are_warnings_fail_strict(run, tmp_path):
    # a status the reader does not know, counted as done only because it has a done date
    path = jira_export(tmp_path)
    text = path.read_text().replace(",Done,Done,Done,", ",Live,,Done,", 1)
    path.write_text(text.replace("Status Category,", "Status Category Unused,", 1))
    r = run("check", path, "--start", "2024-06-03", "--strict")
    assert r.exit_code == 1, r.output
    assert "warning: status 'Live' (1) counted as done" in r.stdout


def test_check_generic_history_says_how_it_was_read(run):
    r = run("check", TEAM, "--start", START)
    assert ("  note: read as a generic history: done dates in column 'done'; used 261 of 261 "
            "rows") in r.stdout


def test_informational_notes(tmp_path):
    from forecast.notes import informational

    h = forecast.read_history(f"{EXPORTS}/jira-cloud.csv")
    assert all(informational(n) for n in h.notes)
    h = forecast.read_history(f"{EXPORTS}/jira-server.csv")
    assert [informational(n) for n in h.notes] == [True, True, False]
    # Severity is the note's own, set where it is written: never read back from the text
    assert not informational("3 rows without a done date left out (work in progress)")
    path = tmp_path / "h.csv"
    path.write_text("id,type,done\n1,Story,03/04/2024\n2,Epic,03/05/2024\n3,Story,\n"
                    "4,Story,\n5,Epic,03/06/2024\n6,Story,03/07/2024\n")
    notes = {str(n): informational(n) for n in
             forecast.read_history(path, exclude_types=["Epic", "Bug"]).notes}
    assert notes == {
        "no item has type 'bug'; types present: Epic, Story": False,
        "2 items of type Bug, Epic left out": True,
        "2 rows without a done date left out (work in progress)": True,
        "dates in column 'done' read as '%m/%d/%Y' (month first); they also read as "
        "'%d/%m/%Y': if the day comes first, pass --date-format '%d/%m/%Y'": False,
    }


# --- --plot on every command ---------------------------------------------------------------


@pytest.mark.parametrize(("args", "drawn"), [
    (["when", TEAM, "-n", 30, "--start", START], "when"),
    (["when", TEAM, "-n", 30, "--start", START, "--plot-kind", "histogram"], "when"),
    (["when", TEAM, "-n", 30, "--start", START, "--plot-kind", "burnup"], "burnup"),
    (["when", TEAM, "-n", 30, "--start", START, "--plot-kind", "calendar"], "calendar"),
    (["how-many", TEAM, "--days", 20, "--start", START], "how_many"),
    (["plan", PORTFOLIO, "--trials", 500], "portfolio"),
    (["check", TEAM, "--start", START], "throughput"),
])
@pytest.mark.parametrize("suffix", PLOT_SUFFIXES)
def test_plot_draws_the_right_figure(run, tmp_path, monkeypatch, args, drawn, suffix):
    calls = spy(monkeypatch, drawn)
    image = tmp_path / f"figure{suffix}"
    r = run(*args, "--plot", image)
    assert r.exit_code == 0, r.output
    assert len(calls) == 1
    data = image.read_bytes()
    assert data.startswith(PNG) if suffix == ".png" else b"<svg" in data[:500]
    assert sorted(p.name for p in tmp_path.iterdir()) == [image.name]  # no temp file left
    if drawn == "burnup":  # the burn-up needs the history the forecast came from
        history, result = calls[0][0][:2]
        assert isinstance(history, forecast.History) and result.items == 30
    if drawn == "throughput":  # with the check's changes and its sampling window
        kwargs = calls[0][1]
        assert kwargs["window"].last.isoformat() == "2024-06-02"
        assert [c.date.isoformat() for c in kwargs["changes"]] == ["2023-12-04"]


def test_backtest_plot_has_reliability_and_pit_side_by_side(run, tmp_path, monkeypatch):
    reliability, pit = spy(monkeypatch, "reliability"), spy(monkeypatch, "pit")
    image = tmp_path / "bt.png"
    r = run("backtest", TEAM, "--methods", "daily", "--windows", 30, "--horizons", 10,
            "--step", 14, "--plot", image)
    assert r.exit_code == 0, r.output
    assert len(reliability) == len(pit) == 1
    left, right = reliability[0][1]["ax"], pit[0][1]["ax"]
    assert left.figure is right.figure and left is not right
    assert left.get_position().x1 <= right.get_position().x0  # side by side
    import matplotlib.image

    height, width = matplotlib.image.imread(image).shape[:2]
    assert width > 1.8 * height


def test_trend_plot(run, tmp_path, monkeypatch):
    record = tmp_path / "record.csv"
    for items in (30, 35):
        assert run("when", TEAM, "-n", items, "--start", START, "--record", record,
                   "--name", "R1").exit_code == 0
    calls = spy(monkeypatch, "trend")
    r = run("trend", record, "--plot", tmp_path / "t.svg")
    assert r.exit_code == 0, r.output
    assert len(calls) == 1 and (tmp_path / "t.svg").exists()


@pytest.mark.parametrize("args", [
    ["when", TEAM, "-n", 5], ["how-many", TEAM, "--days", 5], ["plan", PORTFOLIO],
    ["check", TEAM], ["backtest", TEAM], ["trend", "record.csv"],
])
@pytest.mark.parametrize("name", ["figure.pdf", "figure", "figure.png.txt"])
def test_plot_refuses_other_extensions(run, tmp_path, args, name):
    err = one_line_error(run(*args, "--plot", tmp_path / name), "must end in .png or .svg")
    assert name in err
    assert list(tmp_path.iterdir()) == []


def test_plot_kind_needs_plot(run):
    one_line_error(run("when", TEAM, "-n", 5, "--plot-kind", "burnup"),
                   "--plot-kind burnup needs --plot FILE")


def test_plot_never_overwrites_an_input(run, tmp_path):
    history = tmp_path / "h.png"  # an odd name for a history, but an input all the same
    history.write_bytes(pathlib.Path(TEAM).read_bytes())
    before = history.read_bytes()
    one_line_error(run("when", history, "-n", 5, "--start", START, "--plot", history),
                   "is an input file")
    assert history.read_bytes() == before


# --- spreadsheet round trip --------------------------------------------------------------


def test_plan_csv_is_one_row_per_outcome_and_nothing_else(run, tmp_path):
    out = tmp_path / "forecast.csv"
    r = run("plan", PORTFOLIO, "--format", "csv", "--output", out)
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert tuple(frame.columns) == PLAN_COLUMNS
    result = forecast.plan(PORTFOLIO)
    assert frame["outcome"].tolist() == result.outcomes()["outcome"].tolist()
    assert len(out.read_text().splitlines()) == 1 + len(result.names)
    for col in ("p50", "p70", "p85", "p95"):
        assert all(pd.Timestamp(v).date().isoformat() == v for v in frame[col])
    assert set(frame["status"]) <= {"on track", "watch", "at risk", "no target"}


def test_formula_like_names_are_neutralised(run, tmp_path):
    toml = small_portfolio(tmp_path, outcome="=cmd()", team="-web")
    out, dist = tmp_path / "plan.csv", tmp_path / "dist.csv"
    r = run("plan", toml, "--output", out, "--distribution", dist)
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[1].startswith("'=cmd(),'-web,")
    rows = dist.read_text().splitlines()
    assert rows[0] == ",".join(DISTRIBUTION_COLUMNS)
    assert rows[1].startswith("'=cmd(),2024-")
    assert not any(line.startswith(("=", "+", "-", "@", "\t", "\r")) for line in rows + lines)
    when_dist = tmp_path / "when.csv"
    r = run("when", TEAM, "-n", 5, "--start", START, "--name", "@sum(A1)",
            "--distribution", when_dist)
    assert r.exit_code == 0, r.output
    assert when_dist.read_text().splitlines()[1].startswith("'@sum(A1),2024-06-03,")


def test_plan_distribution_file(run, tmp_path):
    dist = tmp_path / "by-date.csv"
    r = run("plan", PORTFOLIO, "--distribution", dist, "--output", tmp_path / "plan.json")
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(dist)
    assert tuple(frame.columns) == DISTRIBUTION_COLUMNS
    expected = forecast.plan(PORTFOLIO).distribution()
    pd.testing.assert_frame_equal(frame, expected)
    for _, group in frame.groupby("outcome", sort=False):
        assert group["probability"].is_monotonic_increasing
        assert group["probability"].iloc[0] > 0 and group["probability"].iloc[-1] == 1.0


def test_when_distribution_file(run, tmp_path):
    dist = tmp_path / "when.csv"
    r = run("when", TEAM, "-n", 40, "--start", START, "--distribution", dist)
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(dist)
    f = forecast.when(forecast.read_history(TEAM), 40, start=START)
    assert frame["outcome"].unique().tolist() == ["40 items"]
    for date, prob in zip(frame["date"], frame["probability"], strict=True):
        assert prob == pytest.approx(min(f.likelihood(date), 1.0), abs=5e-7 + 1e-15)  # 6 decimals
    assert frame["probability"].iloc[-1] >= 1 - 1e-9


@pytest.mark.parametrize(("name", "message"), [
    ("d.txt", "must end in .csv"),
    ("same.csv", "--output and --distribution name the same file"),
])
def test_distribution_path_checks(run, tmp_path, name, message):
    r = run("plan", PORTFOLIO, "--output", tmp_path / "same.csv", "--distribution",
            tmp_path / name)
    one_line_error(r, message)
    assert list(tmp_path.iterdir()) == []


def test_how_many_has_no_distribution_option(run):
    r = run("how-many", TEAM, "--days", 5, "--distribution", "x.csv")
    assert r.exit_code == 2 and "No such option" in r.stderr


# --- report ------------------------------------------------------------------------------


def test_report_of_a_portfolio(run, tmp_path):
    out = tmp_path / "report.html"
    r = run("report", PORTFOLIO, "--output", out, "--no-backtest", "--trials", 2000)
    assert r.exit_code == 0, r.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    for name in forecast.plan(PORTFOLIO, trials=2000).names:
        assert name in page
    assert "2,000 trials" in page
    assert r.stderr.splitlines()[-1] == f"wrote {out}"
    assert r.stdout == ""


def test_report_of_an_outcomes_csv(run, tmp_path):
    out = tmp_path / "r.html"
    r = run("report", "--outcomes", "examples/outcomes.csv", "--history", TEAM, "--start",
            START, "-o", out, "--no-backtest", "--trials", 1000)
    assert r.exit_code == 0, r.output
    assert "Loyalty points" in out.read_text()


def test_report_of_a_question_with_its_backtest(run, tmp_path):
    out = tmp_path / "when.html"
    r = run("report", TEAM, "--items", 40, "--target", "2024-07-15", "--start", START,
            "-o", out)
    assert r.exit_code == 0, r.output
    page = out.read_text()
    f = forecast.when(forecast.read_history(TEAM), 40, start=START, target="2024-07-15")
    assert f.percentile(85).date.isoformat() in page
    assert f"{f.likelihood('2024-07-15'):.1%}" in page
    assert 'id="calibration"' in page and "not run" not in page


def test_report_how_many_with_a_record_shows_the_trend(run, tmp_path):
    record = tmp_path / "record.csv"
    for days in (20, 20):
        out = tmp_path / "hm.html"
        r = run("report", TEAM, "--days", days, "--start", START, "--record", record,
                "--name", "sprint", "-o", out, "--no-backtest")
        assert r.exit_code == 0, r.output
    assert "recorded 1 row in" in r.stderr
    page = out.read_text()
    assert 'id="trend"' in page and "sprint" in page
    assert len(record.read_text().splitlines()) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["report", PORTFOLIO], "Missing option '-o' / '--output'"),
    (["report", PORTFOLIO, "-o", "r.txt"], "must end in .html or .htm"),
    (["report", PORTFOLIO, "-o", "nodir/r.html"], "output directory 'nodir' does not exist"),
    (["report", "-o", "r.html"], "give a portfolio TOML file, --outcomes CSV"),
    (["report", TEAM, "-o", "r.html"], "looks like a history: ask a question about it"),
    (["report", TEAM, "-n", 5, "--days", 3, "-o", "r.html"], "give one of --items N"),
    (["report", TEAM, "--days", 3, "--target", "2024-07-01", "-o", "r.html"],
     "--target goes with --items"),
    (["report", "-n", 5, "-o", "r.html"], "ask about a HISTORY: give its path"),
    (["report", PORTFOLIO, "--window", 30, "-o", "r.html"], "--window goes with --outcomes"),
    (["report", PORTFOLIO, "--engine", "mc", "-o", "r.html"], "--engine goes with a question"),
    (["report", "--outcomes", "examples/outcomes.csv", "-o", "r.html"],
     "--outcomes needs --history"),
    (["report", TEAM, "-n", 5, "--window", 30, "--since", "2024-01-01", "-o", "r.html"],
     "--window or --since, not both"),
])
def test_report_errors_are_one_line_before_any_work(run, tmp_path, monkeypatch, args,
                                                    message):
    monkeypatch.chdir(tmp_path)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = [os.path.join(root, a) if isinstance(a, str) and a.startswith("examples/") else a
            for a in args]

    def never(*args, **kwargs):
        raise AssertionError("the work started before the arguments were checked")

    monkeypatch.setattr(forecast.forecasting.plan, "plan", never)
    monkeypatch.setattr(forecast.forecasting.questions, "when", never)
    monkeypatch.setattr(forecast.forecasting.questions, "how_many", never)
    one_line_error(run(*args), message)
    assert list(tmp_path.iterdir()) == []


def test_report_never_overwrites_an_input(run, tmp_path):
    toml = small_portfolio(tmp_path)
    history = tmp_path / "team.html"
    history.write_bytes(pathlib.Path(TEAM).read_bytes())
    before = history.read_bytes()
    one_line_error(run("report", history, "-n", 5, "--start", START, "-o", history),
                   "is an input file")
    assert history.read_bytes() == before
    record = tmp_path / "rec.html"
    one_line_error(run("report", toml, "--record", record, "-o", record),
                   "is also an output of this run")


def test_report_help_has_examples(run):
    r = run("report", "--help")
    assert r.exit_code == 0
    assert "forecast report examples/portfolio.toml -o out/report.html" in r.stdout
    assert "--items" in r.stdout and "--no-backtest" in r.stdout


# --- progress ----------------------------------------------------------------------------


def drawn(stream, text, timeout=300):
    """Wait until the progress thread has drawn ``text``, however long load makes it take."""
    end = time.monotonic() + timeout
    while text not in stream.getvalue() and time.monotonic() < end:
        time.sleep(0.01)


def test_progress_spinner_then_erased():
    stream = io.StringIO()
    with Progress("plan", stream=stream, enabled=True, delay=0.0, interval=0.01):
        drawn(stream, "\rplan ")
    text = stream.getvalue()
    assert text.startswith("\rplan ") and "0:00" in text
    assert text.endswith("\r\x1b[K")  # the line is cleared for the command's own output


def test_progress_bar_when_the_work_counts():
    stream = io.StringIO()
    with Progress("backtest", stream=stream, enabled=True, delay=0.0,
                  interval=0.01) as progress:
        progress.update(5, 20)
        drawn(stream, "5/20")
    assert "backtest [#######-----------------------] 5/20" in stream.getvalue()


def test_progress_waits_a_second_before_showing_anything():
    stream = io.StringIO()
    with Progress("when", stream=stream, enabled=True):
        time.sleep(0.05)
    assert stream.getvalue() == ""


def test_no_progress_when_stderr_is_not_a_terminal(run, tmp_path, monkeypatch):
    monkeypatch.setattr("forecast.cli.runtime.PROGRESS_DELAY", 0.0)
    r = run("backtest", TEAM, "--methods", "daily", "--windows", 30, "--horizons", 10,
            "-o", tmp_path / "bt.txt")
    assert r.exit_code == 0
    assert r.stderr == f"wrote {tmp_path / 'bt.txt'}\n"


# --- Ctrl-C ------------------------------------------------------------------------------


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize(("target", "args"), [
    ("forecast.forecasting.plan.plan", ["plan", PORTFOLIO, "--plot", "p.png", "--distribution",
                                 "d.csv", "-o", "plan.csv", "--record", "rec.csv"]),
    ("forecast.forecasting.questions.when",
     ["when", TEAM, "-n", 5, "--plot", "w.svg", "-o", "w.json"]),
    ("forecast.present.plot.burnup", ["when", TEAM, "-n", 5, "--start", START, "--plot", "b.png",
                              "--plot-kind", "burnup", "-o", "w.csv"]),
    ("forecast.evaluation.backtest.backtest",
     ["backtest", TEAM, "-o", "bt.csv", "--plot", "bt.png"]),
    ("forecast.forecasting.trust.check", ["check", TEAM, "-o", "c.json", "--plot", "c.png"]),
    ("forecast.present.report.plan_report", ["report", PORTFOLIO, "-o", "r.html", "--trials", 500]),
    ("forecast.forecasting.questions.how_many", ["report", TEAM, "--days", 5, "-o", "r.html"]),
])
def test_interrupt_stops_cleanly_and_writes_nothing(run, tmp_path, monkeypatch, target,
                                                    args):
    monkeypatch.setattr(target, interrupt)  # imports the module when no test did before
    root = os.getcwd()
    args = [os.path.join(root, a) if isinstance(a, str) and a.startswith(("examples/",))
            else a for a in args]
    monkeypatch.chdir(tmp_path)
    r = run(*args)
    assert r.exit_code == 130, r.output
    assert r.stderr == "forecast: interrupted; no output was written\n"
    assert r.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_interrupt_after_the_record_says_so(run, tmp_path, monkeypatch):
    monkeypatch.setattr(forecast.present.report, "plan_report", interrupt)
    record = tmp_path / "rec.csv"
    r = run("report", PORTFOLIO, "--trials", 500, "--record", record, "-o", tmp_path / "r.html")
    assert r.exit_code == 130
    assert r.stderr.splitlines()[-1] == f"forecast: interrupted; wrote only {record}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rec.csv"]


# test_ctrl_c_in_a_real_process and the other real SIGINTs: tests/test_cli_runtime.py


def test_forecasts_label_how_the_file_was_read_as_notes(run):
    r = run("when", f"{EXPORTS}/jira-cloud.csv", "-n", 5, "--start", "2024-04-01",
            "--window", 60)
    assert r.exit_code == 0, r.output
    assert "  note: read as a Jira export" in r.stdout and "  note: used 8 of 13 rows" in r.stdout
    assert "  warning: the window was cut short" in r.stdout
    assert "warning: read as" not in r.stdout
