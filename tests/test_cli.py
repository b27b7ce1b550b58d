import json
import os
import pathlib
import subprocess
import sys

import pytest
from conftest import write_csv

from forecast.cli.app import cli
from tests.cli_helpers import one_line_error

ADO = "tests/data/ado-flowmetrics.csv"




def test_when_table(run):
    r = run("when", ADO, "--items", 40, "--start", "2024-06-03", "--target", "2024-07-31")
    assert r.exit_code == 0, r.output
    assert "When will 40 items be done?" in r.stdout
    assert "85%" in r.stdout and "chance of being done on or before it" in r.stdout


def test_when_json_fields(run):
    r = run("when", ADO, "-n", 40, "--start", "2024-06-03", "--target", "2024-07-31",
            "--format", "json", "--engine", "mc", "--seed", 9, "--trials", 2000)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    for key in ("question", "start", "percentiles", "likelihood", "engine", "trials", "seed",
                "sample", "warnings"):
        assert key in doc
    assert doc["question"] == "when" and doc["engine"] == "mc" and doc["seed"] == 9
    assert doc["trials"] == 2000
    assert [p["p"] for p in doc["percentiles"]] == [50, 70, 85, 95]
    assert set(doc["percentiles"][0]) >= {"p", "date", "days"}
    assert doc["likelihood"]["date"] == "2024-07-31" and 0 <= doc["likelihood"]["probability"] <= 1
    assert doc["sample"]["window_end"] == "2024-06-02"


def test_how_many_json_and_csv(run):
    r = run("how-many", ADO, "--by", "2024-06-28", "--start", "2024-06-03", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["question"] == "how-many" and doc["days"] == 20
    assert set(doc["percentiles"][0]) >= {"p", "items"}
    items = [p["items"] for p in doc["percentiles"]]
    assert items == sorted(items, reverse=True)
    r = run("how-many", ADO, "--days", 20, "--start", "2024-06-03", "--format", "csv")
    lines = r.stdout.splitlines()
    assert lines[0] == "question,start,end,days,p,items,se_items,low_items,high_items"
    assert len(lines) == 5 and lines[1].startswith("how-many,2024-06-03,2024-06-28,20,50.0,")


def test_when_csv_header(run):
    r = run("when", ADO, "-n", 10, "--start", "2024-06-03", "--format", "csv")
    assert r.stdout.splitlines()[0] == (
        "question,start,items,p,date,days,se_days,low_days,high_days"
    )


def test_how_many_says_direction(run):
    r = run("how-many", ADO, "--days", 20, "--start", "2024-06-03")
    assert "items or more" in r.stdout
    assert "85% chance of completing that many items or more" in r.stdout


def test_output_and_plot_files(run, tmp_path):
    out, png = tmp_path / "f.csv", tmp_path / "f.png"
    r = run("when", ADO, "-n", 30, "--start", "2024-06-03", "--format", "csv",
            "--output", out, "--plot", png)
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("question,start,items")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv", "f.png"]  # no temp files left


def test_output_never_overwrites_input(run, tmp_path):
    source = tmp_path / "h.csv"
    source.write_bytes(pathlib.Path(ADO).read_bytes())
    before = source.read_bytes()
    r = run("when", source, "-n", 5, "--start", "2024-06-03", "--output", source)
    one_line_error(r, "is an input file; refusing to overwrite it")
    assert source.read_bytes() == before


def test_plot_extension_checked(run, tmp_path):
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--plot", tmp_path / "x.txt")
    one_line_error(r, "must end in .png or .svg")


def test_holidays_file(run, tmp_path):
    hol = tmp_path / "hol.txt"
    hol.write_text("# company days\n2024-06-04\n2024-06-05\n")
    r = run("when", ADO, "-n", 2, "--start", "2024-06-03", "--holidays-file", hol,
            "--percentiles", "100", "--format", "json")
    assert r.exit_code == 0, r.output
    days = [p["date"] for p in json.loads(r.stdout)["percentiles"]]
    assert all(d not in ("2024-06-04", "2024-06-05") for d in days)
    hol.write_text("2024-06-04\nnot a date\n")
    r = run("when", ADO, "-n", 2, "--start", "2024-06-03", "--holidays-file", hol)
    one_line_error(r, "line 2: cannot read 'not a date' as a date")


# --- bad input: one clear line, exit status 2, no traceback ------------------------------


def test_missing_file(run):
    one_line_error(run("when", "nope.csv", "-n", 3), "history file 'nope.csv' does not exist")


def test_empty_file(run, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    one_line_error(run("when", path, "-n", 3), "is empty")


def test_no_done_column(run, tmp_path):
    path = write_csv(tmp_path / "h.csv", ["id", "title"], [[1, "x"]])
    err = one_line_error(run("when", path, "-n", 3), "no done-date column found")
    assert "columns: id, title" in err and "looked for: done" in err and "--done-column" in err


def test_unparseable_date(run, tmp_path):
    path = write_csv(tmp_path / "h.csv", ["done"], [["2024-06-03"], ["03/06/24x"]])
    one_line_error(run("when", path, "-n", 3), "h.csv', row 3, column 'done'", "'03/06/24x'")


def test_window_without_completions(run):
    err = one_line_error(run("when", ADO, "-n", 3, "--start", "2026-01-05"),
                         "no completed items between")
    assert "widen --window" in err and "--start 2024-05-31" in err


@pytest.mark.parametrize("items", ["0", "-4"])
def test_items_must_be_positive(run, items):
    one_line_error(run("when", ADO, "--items", items, "--start", "2024-06-03"),
                   f"'--items': {items} is less than 1; give a whole number from 1 to "
                   "10,000,000")


def test_items_must_be_a_number(run):
    one_line_error(run("when", ADO, "--items", "ten"), "'ten' is not a whole number")


def test_by_before_start(run):
    one_line_error(run("how-many", ADO, "--by", "2024-05-01", "--start", "2024-06-03"),
                   "by = 2024-05-01 is before the start 2024-06-03")


def test_days_beyond_horizon(run):
    one_line_error(run("how-many", ADO, "--days", 10000, "--start", "2024-06-03"),
                   "--days 10000 is beyond the horizon of 10 years")


def test_huge_items_is_not_within_horizon(run):
    r = run("when", ADO, "--items", 10**7, "--start", "2024-06-03", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["not_within_horizon"] == 1.0
    assert all(p["date"] is None for p in doc["percentiles"])
    assert any("do not finish within the horizon" in w for w in doc["warnings"])


def test_by_and_days_exclusive(run):
    one_line_error(run("how-many", ADO, "--start", "2024-06-03"), "exactly one of --by")


def test_unknown_country(run):
    one_line_error(run("when", ADO, "-n", 3, "--holidays", "XX"), "'XX' is not a country code")


def test_non_numeric_counts(run, tmp_path):
    rows = [["2024-06-03", 1], ["2024-06-04", "lots"]]
    path = write_csv(tmp_path / "t.csv", ["date", "count"], rows)
    one_line_error(run("when", path, "-n", 3, "--start", "2024-06-05"),
                   "row 3, column 'count': 'lots' is not a whole number")


def test_bad_date_option(run):
    one_line_error(run("when", ADO, "-n", 3, "--start", "June 3rd"), "'June 3rd' is not a date")


def test_bad_percentiles(run):
    one_line_error(run("when", ADO, "-n", 3, "--percentiles", "50,150"), "must be > 0 and <= 100")


def test_window_and_since_exclusive(run):
    one_line_error(run("when", ADO, "-n", 3, "--window", 30, "--since", "2024-01-01"),
                   "--window or --since, not both")


# --- help, version, start-up -------------------------------------------------------------


def test_every_command_has_help_with_an_example(run):
    for name, command in cli.commands.items():
        r = run(name, "--help")
        assert r.exit_code == 0
        assert command.help and len(command.help.split()) > 10, name
        assert "Example" in r.stdout and f"forecast {name} " in r.stdout, name
    r = run("--help")
    assert "Examples:" in r.stdout and r.exit_code == 0


def test_version(run):
    r = run("--version")
    assert r.exit_code == 0 and "0.1.0" in r.stdout


NO_NUMBA = (
    "import sys\n"
    "from forecast.cli import main\n"
    "sys.argv = ['forecast'] + sys.argv[1:]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    print('exit', exc.code, 'numba' in sys.modules, 'pandas' in sys.modules,\n"
    "          'numpy' in sys.modules)\n"
)


@pytest.mark.parametrize(
    ("args", "code"),
    [(["--help"], 0), (["when", "--help"], 0), (["how-many", "-h"], 0),
     (["plan", "--help"], 0), (["check", "--help"], 0), (["backtest", "--help"], 0),
     (["trend", "--help"], 0), (["report", "--help"], 0),
     (["when", "x.csv"], 2), (["when", "x.csv", "--items", "x"], 2), (["bogus"], 2),
     (["when", "x.csv", "-n", "3", "--source", "trello"], 2),
     (["report", "examples/portfolio.toml"], 2)],
)
def test_help_and_argument_errors_do_not_import_numba(args, code):
    out = subprocess.run([sys.executable, "-c", NO_NUMBA, *args], capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    assert out == f"exit {code} False False False"


def test_python_dash_m(tmp_path):
    r = subprocess.run([sys.executable, "-m", "forecast", "when", ADO, "-n", "5",
                        "--start", "2024-06-03", "--format", "json"],
                       capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["items"] == 5


def test_format_follows_output_suffix(run, tmp_path):
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--output", tmp_path / "f.json")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "f.json").read_text())["question"] == "when"
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--output", "-", "--format", "csv")
    assert r.stdout.startswith("question,start,items")


def test_outputs_checked_before_any_work(run, tmp_path):
    one_line_error(run("when", "missing.csv", "-n", 5, "--output", tmp_path / "no" / "f.csv"),
                   "output directory", "does not exist")
    assert not (tmp_path / "no").exists()
    one_line_error(run("when", ADO, "-n", 5, "--output", tmp_path / "a.png",
                       "--plot", tmp_path / "a.png"), "name the same file")
    r = run("when", ADO, "-n", 5, "--output", tmp_path / "ok.csv", "--plot",
            tmp_path / "nodir" / "p.png")
    one_line_error(r, "output directory")
    assert not (tmp_path / "ok.csv").exists()  # nothing half-done


def test_special_files_are_not_replaced(run):
    one_line_error(run("when", ADO, "-n", 5, "--start", "2024-06-03", "--output", "/dev/null"),
                   "is not a regular file")


def test_output_file_mode(run, tmp_path):
    import stat

    out = tmp_path / "f.csv"
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--output", out)
    assert r.exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_trials_with_exact_engine_are_noted(run):
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--trials", 500)
    assert r.exit_code == 0
    assert "note: --trials applies to --engine mc" in r.stderr


def test_latin1_holidays_file(run, tmp_path):
    hol = tmp_path / "hol.txt"
    hol.write_bytes(b"2024-06-04 # f\xe9rias\n")
    r = run("when", ADO, "-n", 5, "--start", "2024-06-03", "--holidays-file", hol)
    assert r.exit_code == 0, r.output


# --- found by a new user's trial ---------------------------------------------------------


def test_output_suffix_and_format_must_agree(run, tmp_path):
    base = ("when", ADO, "--items", 10, "--start", "2024-06-03")
    one_line_error(run(*base, "-o", tmp_path / "x.png"), ".png is not a format", "--plot")
    one_line_error(run(*base, "--format", "csv", "-o", tmp_path / "x.json"),
                   "--format csv does not match")
    assert not list(tmp_path.iterdir())
    assert run(*base, "-o", tmp_path / "x.txt").exit_code == 0
    assert (tmp_path / "x.txt").read_text().startswith("When will")


def test_trend_refuses_a_csv_output_in_one_line(run, tmp_path):
    rec = tmp_path / "rec.csv"
    assert run("when", ADO, "--items", 10, "--start", "2024-06-03", "--record", rec).exit_code == 0
    one_line_error(run("trend", rec, "-o", tmp_path / "t.csv"), "writes table or json")


def test_record_file_is_checked_before_any_work(run, tmp_path):
    other = tmp_path / "plan.csv"
    other.write_text("outcome,teams,p50\nA,web,2024-07-01\n")
    out = tmp_path / "w.csv"
    err = one_line_error(run("when", ADO, "--items", 10, "--start", "2024-06-03", "-o", out,
                             "--record", other), "is not a forecast record file")
    assert "outcome,teams,p50" in err
    assert not out.exists()
    assert other.read_text() == "outcome,teams,p50\nA,web,2024-07-01\n"


def test_backtest_has_no_window_or_since(run):
    # it tries every window in --windows, and each origin uses the history before it
    one_line_error(run("backtest", ADO, "--window", 30), "No such option '--window'")
    one_line_error(run("backtest", ADO, "--since", "2024-01-01"), "No such option '--since'")
    assert "--window " not in run("backtest", "--help").output


def test_wrong_kind_of_file_is_named(run, tmp_path):
    one_line_error(run("when", "examples/portfolio.toml", "--items", 40),
                   "is a portfolio, not a history", "forecast plan")
    one_line_error(run("plan", "examples/outcomes.csv"), "--outcomes FILE")
    one_line_error(run("plan", "examples/portfolio.toml", "--outcomes", "examples/outcomes.csv",
                       "--history", "examples/team.csv"), "not both")


def test_one_history_takes_the_team_name_of_the_outcomes(run, tmp_path):
    outcomes = tmp_path / "o.csv"
    outcomes.write_text("outcome,team,items\nA,web,10\nB,web,5\n")
    r = run("plan", "--outcomes", outcomes, "--history", "examples/team.csv",
            "--start", "2024-06-03", "--format", "json")
    assert r.exit_code == 0, r.output
    assert [o["teams"] for o in json.loads(r.stdout)["outcomes"]] == [["web"], ["web"]]
    outcomes.write_text("outcome,team,items\nA,web,10\nB,api,5\n")
    one_line_error(run("plan", "--outcomes", outcomes, "--history", "examples/team.csv"),
                   "names 2 teams (web, api)", "--history TEAM=PATH")


def test_plan_outcomes_takes_every_reading_option(run, tmp_path):
    off = tmp_path / "off.txt"
    off.write_text("2024-06-10\n2024-06-11\n")
    base = ("plan", "--outcomes", "examples/outcomes.csv", "--history", "examples/team.csv",
            "--start", "2024-06-03", "--format", "json")
    plain, closed = run(*base), run(*base, "--holidays-file", off)
    assert plain.exit_code == 0 and closed.exit_code == 0, closed.output
    p50 = [json.loads(r.stdout)["outcomes"][0]["percentiles"][0]["days"] for r in (plain, closed)]
    assert p50[0] == p50[1]  # working days: the same; dates: two later
    dates = [json.loads(r.stdout)["outcomes"][0]["percentiles"][0]["date"] for r in (plain, closed)]
    assert dates[0] < dates[1]
    one_line_error(run(*base, "--exclude-type", "Bug"), "--exclude-type needs a type column")
    one_line_error(run("plan", "examples/portfolio.toml", "--window", 30, "--holidays", "GB"),
                   "--window, --holidays go with --outcomes", "window, holidays in its [[team]]")


def test_second_trial_findings(run, tmp_path):
    # an outcomes CSV or a TOML in the other's place is named, with the way to give it
    one_line_error(run("report", "examples/outcomes.csv", "-o", tmp_path / "r.html"),
                   "is an outcomes CSV", "--outcomes")
    one_line_error(run("plan", "--outcomes", "examples/portfolio.toml", "--history",
                       "examples/team.csv"), "is a TOML portfolio", "as the argument")
    # --record is a regular .csv file, checked before any work
    one_line_error(run("plan", "examples/portfolio.toml", "--record", "/dev/null"), ".csv")
    device = tmp_path / "dev.csv"
    device.mkdir()
    one_line_error(run("plan", "examples/portfolio.toml", "--record", device),
                   "is a directory")
    # a .txt output holds the table, so --format csv does not go with it
    one_line_error(run("when", ADO, "-n", 10, "--start", "2024-06-03", "-o",
                       tmp_path / "x.txt", "--format", "csv"), "does not match")
    assert not list(tmp_path.glob("x.*"))


def test_what_auto_chose_is_a_note(run):
    r = run("when", "examples/team.csv", "-n", 40, "--start", "2024-06-03", "--method", "auto",
            "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert any(n.startswith("method auto chose") for n in doc["notes"])
    assert not any("auto chose" in w for w in doc["warnings"])
