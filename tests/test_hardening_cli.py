"""Issue 12, the command line's part: every numeric, date and path option at its extremes,
the item cap shared with the TOML, an empty --history path, a calendar without a working
day, and Ctrl-C at any moment of a real process (one line, status 130, no traceback)."""

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.cli_helpers import one_line_error

TEAM = os.path.abspath("examples/team.csv")
OUTCOMES = "examples/outcomes.csv"
PORTFOLIO = "examples/portfolio.toml"
START = ("--start", "2024-06-03")




# --- the item cap: one rule for the command line, the library and the TOML -------------

def test_the_caps_written_out_for_the_command_line_agree_with_the_library():
    from forecast.cli import options
    from forecast.core import checks
    from forecast.core.history import MAX_WINDOW
    from forecast.io import portfolio_checks

    assert options.MAX_ITEMS == checks.MAX_ITEMS == portfolio_checks.MAX_ITEMS == 10_000_000
    assert options.MAX_TRIALS == checks.MAX_TRIALS
    assert options.MAX_DAYS == MAX_WINDOW


@pytest.mark.parametrize("items", [10_000_001, 10**23])
def test_items_above_the_cap_are_refused_by_flag(run, items):
    one_line_error(run("when", TEAM, "--items", items, *START),
                   "'--items': ", "is more than 10,000,000",
                   "give a whole number from 1 to 10,000,000")


def test_report_items_above_the_cap_are_refused(run, tmp_path):
    one_line_error(run("report", TEAM, "--items", 10**8, *START, "-o", tmp_path / "r.html"),
                   "'--items': ", "is more than 10,000,000")
    assert list(tmp_path.iterdir()) == []


def test_the_library_caps_items_too():
    import forecast
    from forecast.exceptions import ParameterError

    with pytest.raises(ParameterError, match=r"items=100000000000000000000000 is more than "
                                             r"10,000,000; give a whole number from 1"):
        forecast.when(TEAM, 10**23, start="2024-06-03")


# --- every numeric option at its extremes ---------------------------------------------

HUGE = "1" + "0" * 25
WHEN = ("when", TEAM, "-n", "5", *START)
HOW_MANY = ("how-many", TEAM, *START)


@pytest.mark.parametrize("value", ["0", "-3", HUGE, "nan", "inf", "-inf", "", " ", "1.5",
                                   "1e3", "ten"])
@pytest.mark.parametrize(("args", "flag"), [
    (("when", TEAM, *START, "--items"), "'--items'"),
    ((*WHEN, "--trials"), "'--trials'"),
    ((*WHEN, "--window"), "'--window'"),
    ((*HOW_MANY, "--days"), "'--days'"),
    (("check", TEAM, "--window"), "'--window'"),
    (("backtest", TEAM, "--step"), "'--step'"),
    (("plan", "--outcomes", OUTCOMES, "--history", TEAM, "--wip"), "'--wip'"),
    (("plan", PORTFOLIO, "--trials"), "'--trials'"),
    (("report", TEAM, "-o", "x.html", *START, "--days"), "'--days'"),
])
def test_whole_number_options_at_extremes(run, args, flag, value):
    one_line_error(run(*args, value), flag, "give a whole number from ")


@pytest.mark.parametrize("value", ["-1", str(2**64), HUGE, "nan", "", "0.5"])
@pytest.mark.parametrize("args", [WHEN, ("plan", PORTFOLIO)])
def test_seed_at_extremes(run, args, value):
    one_line_error(run(*args, "--seed", value), "'--seed'",
                   "give a whole number from 0 to 18,446,744,073,709,551,615")


@pytest.mark.parametrize("value", ["-1", HUGE, "nan", ""])
def test_slip_days_at_extremes(run, tmp_path, value):
    one_line_error(run("trend", tmp_path / "r.csv", "--slip-days", value), "'--slip-days'",
                   "give a whole number from 0 to 36,525")


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "-inf", "1e309", "101", HUGE,
                                   "50,nan", "x"])
@pytest.mark.parametrize("args", [WHEN, ("plan", PORTFOLIO)])
def test_percentiles_at_extremes(run, args, value):
    one_line_error(run(*args, "--percentiles", value), "'--percentiles'")


@pytest.mark.parametrize("value", ["", " ", ",,"])
def test_empty_percentiles_say_they_are_empty(run, value):
    one_line_error(run(*WHEN, "--percentiles", value), "'--percentiles': the value is empty")


@pytest.mark.parametrize("option", ["--windows", "--horizons"])
@pytest.mark.parametrize("value", ["0", "-1", HUGE, "100000000000000000", "nan", "", "30,x"])
def test_backtest_lists_at_extremes(run, option, value):
    one_line_error(run("backtest", TEAM, option, value), f"'{option}'")


# --- dates: one range, 1900 to 2200, for every date option -----------------------------

@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
@pytest.mark.parametrize(("args", "flag"), [
    (("when", TEAM, "-n", "5", "--start"), "--start"),
    ((*WHEN, "--target"), "--target"),
    ((*WHEN, "--since"), "--since"),
    ((*HOW_MANY, "--by"), "--by"),
    (("plan", PORTFOLIO, "--start"), "--start"),
])
def test_dates_out_of_range(run, args, flag, value):
    err = one_line_error(run(*args, value))
    assert (f"{flag} {value} is out of range; give a date from 1900-01-01 to 2200-12-31" in err
            or f"{flag} {value} is before the start" in err
            or f"--by = {value} is before the start" in err
            or f"by = {value} is before the start" in err
            or f"target {value} is before the start" in err), err


@pytest.mark.parametrize("value", ["", " ", "next monday", "2024-13-01", "nan"])
@pytest.mark.parametrize("flag", ["--start", "--target", "--since"])
def test_dates_that_are_not_dates(run, flag, value):
    one_line_error(run(*WHEN, flag, value), f"'{flag}'", "write it as YYYY-MM-DD")


# --- paths: an empty one is refused by name, never read as the folder '.' --------------

@pytest.mark.parametrize("value", ["web=", "web= ", "web=  "])
def test_history_with_an_empty_path(run, value):
    err = one_line_error(run("plan", "--outcomes", OUTCOMES, "--history", value),
                         "'--history'", "the path is empty",
                         "TEAM=PATH with the team's history file after '='")
    assert "'.'" not in err and "directory" not in err


@pytest.mark.parametrize("value", ["", "  "])
def test_history_empty(run, value):
    one_line_error(run("plan", "--outcomes", OUTCOMES, "--history", value),
                   "'--history': the path is empty; give the team's history file")


@pytest.mark.parametrize("value", ["=examples/team.csv", " =examples/team.csv", " = "])
def test_history_with_an_empty_team_name(run, value):
    one_line_error(run("plan", "--outcomes", OUTCOMES, "--history", value),
                   "'--history'", "the team name before '=' is empty")


def test_history_team_given_twice(run):
    one_line_error(run("plan", "--outcomes", OUTCOMES, "--history", f"web={TEAM}",
                       "--history", f" web ={TEAM}"),
                   "'--history': team 'web' is given twice; give each team once")


@pytest.mark.parametrize(("args", "flag"), [
    (("when", "", "-n", "5"), "'HISTORY'"),
    ((*WHEN, "--holidays-file"), "'--holidays-file'"),
    ((*WHEN, "--output"), "'--output'"),
    ((*WHEN, "--plot"), "'--plot'"),
    ((*WHEN, "--record"), "'--record'"),
    ((*WHEN, "--distribution"), "'--distribution'"),
    (("plan", "--outcomes", "", "--history", TEAM), "'--outcomes'"),
    (("trend", ""), "'RECORDS'"),
    (("report", "", "-o", "x.html"), "'[PORTFOLIO.toml | HISTORY]'"),
    (("report", TEAM, "--items", "5", "-o", ""), "'--output'"),
])
def test_an_empty_path_is_refused_by_name(run, args, flag):
    one_line_error(run(*args, "") if args[-1].startswith("-") else run(*args), flag,
                   "the path is empty")


# --- a calendar with no working day in the horizon: an error, not day 1 in 2036 ---------

@pytest.fixture(scope="module")
def all_holidays(tmp_path_factory):
    path = tmp_path_factory.mktemp("holidays") / "all.txt"
    first = dt.date(2024, 6, 3)
    path.write_text("".join(f"{first + dt.timedelta(days=i)}\n" for i in range(366 * 12)))
    return path


@pytest.mark.parametrize("args", [("when", TEAM, "-n", "10"), ("how-many", TEAM, "--days", "10"),
                                  ("how-many", TEAM, "--by", "2024-07-01")])
def test_no_working_day_in_the_horizon_is_an_error(run, all_holidays, args):
    err = one_line_error(run(*args, *START, "--holidays-file", all_holidays))
    assert ("has no working day in the 10 years from the start 2024-06-03" in err
            or "there is no working day between the start" in err), err


def test_no_working_day_names_the_calendar_and_the_fix(run, all_holidays):
    one_line_error(run("when", TEAM, "-n", "10", *START, "--holidays-file", all_holidays,
                       "--method", "daily"),
                   "the calendar (weekdays + ", "listed holidays)",
                   "every day is a weekend or a holiday; check the holidays file")


def test_a_working_day_late_in_the_horizon_still_answers(run, tmp_path):
    # one working day in ten years: a real (if bleak) answer, with its warning
    first = dt.date(2024, 6, 3)
    hol = tmp_path / "h.txt"
    hol.write_text("".join(f"{first + dt.timedelta(days=i)}\n" for i in range(1, 366 * 12)))
    r = run("when", TEAM, "-n", "1", *START, "--holidays-file", hol, "--method", "daily",
            "--window", "90")
    assert r.exit_code == 0, r.output


# --- Ctrl-C at any moment of a real process ---------------------------------------------

CHILD_TIMEOUT = 300
"""A bound on a hang, never a condition of passing."""

AS_FROM_A_TERMINAL = (
    "import os, signal, sys; "
    "signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
"""Exec the command as a terminal starts it: SIGINT at its default and unblocked, whatever
the test run inherited (a background job's ignored SIGINT would be inherited too)."""

COMMAND = ["when", TEAM, "-n", "40", "--start", "2024-06-03"]
DONE = "When will 40 items be done?"

pytestmark_posix = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@contextlib.contextmanager
def child(argv, cwd):
    """Start ``argv`` as from a terminal; whatever happens, kill it if alive and reap it."""
    with subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, *argv], cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)
        watchdog.start()
        try:
            yield proc
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


def assert_interrupted_or_done(code, out, err):
    """The only two acceptable ends: status 130 and the one line, or a normal answer."""
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if code == 130:
        assert err.count("\n") == 1 and err.startswith("forecast: interrupted"), err
        assert out == "", out
    else:
        assert code == 0, (code, err)
        assert DONE in out, out


def _numpy_is_loaded(pid):
    """Whether the process has mapped numpy's core extension (so it runs the CLI's code)."""
    try:
        with open(f"/proc/{pid}/maps") as fh:
            return "_multiarray_umath" in fh.read()
    except OSError:
        return False


CONSOLE_SCRIPT = Path(sys.executable).with_name("forecast")


@pytestmark_posix
@pytest.mark.skipif(not Path("/proc/self/maps").exists() or not CONSOLE_SCRIPT.exists(),
                    reason="needs /proc and the installed console script")
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1, 0.3, 1.0, 2.5])
def test_ctrl_c_to_the_console_script_once_it_imports_numpy(tmp_path, delay):
    # the signal is sent a delay after the child is seen to have loaded numpy (its heavy
    # imports under way, in the CLI's code): whatever that delay lands on, imports or work
    with child([str(CONSOLE_SCRIPT), *COMMAND], tmp_path) as proc:
        while not _numpy_is_loaded(proc.pid) and proc.poll() is None:
            time.sleep(0.001)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    assert_interrupted_or_done(proc.returncode, out, err)
    assert list(tmp_path.iterdir()) == []


FROM_THE_FIRST_LINE = """
import sys


class Ready:
    # tells the test the CLI's first import after main() began: its handler is installed
    def find_spec(self, name, path=None, module=None):
        sys.meta_path.remove(self)
        print("ready", flush=True)
        return None


from forecast.cli import main  # as the console script does
sys.argv = ["forecast", *sys.argv[1:]]
sys.meta_path.insert(0, Ready())
sys.exit(main())
"""


@pytestmark_posix
@pytest.mark.parametrize("delay", [0.0, 0.001, 0.005, 0.02, 0.05, 0.15, 0.4, 1.0])
def test_ctrl_c_from_the_first_line_of_the_cli_to_the_end(tmp_path, delay):
    with child([sys.executable, "-c", FROM_THE_FIRST_LINE, *COMMAND], tmp_path) as proc:
        assert proc.stdout.readline() == "ready\n"
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    assert_interrupted_or_done(proc.returncode, out, err)


@pytestmark_posix
@pytest.mark.skipif(not CONSOLE_SCRIPT.exists(), reason="needs the installed console script")
def test_an_ignored_sigint_stays_ignored(tmp_path):
    # a background job of a shell without job control: Ctrl-C is not for it
    script = ("import signal, subprocess, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
              "p = subprocess.Popen(sys.argv[1:]); import time; time.sleep(1.0); "
              "p.send_signal(signal.SIGINT); sys.exit(p.wait())")
    r = subprocess.run([sys.executable, "-c", script, str(CONSOLE_SCRIPT), *COMMAND,
                        "--method", "daily", "--format", "json"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert '"items": 40' in r.stdout or '"percentiles"' in r.stdout
