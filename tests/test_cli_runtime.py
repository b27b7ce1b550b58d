"""The CLI's runtime in real processes: Ctrl-C (a real SIGINT) at any point of a run, from
the start-up imports to the writing of the files; progress on a real terminal."""

import contextlib
import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading

import pytest

PORTFOLIO = os.path.abspath("examples/portfolio.toml")
TEAM = os.path.abspath("examples/team.csv")

CHILD_TIMEOUT = 300
"""Seconds a child may take before the test kills it and fails: a bound on a hang, never
a condition of passing (the children here stop within a second; under load, longer)."""

AS_FROM_A_TERMINAL = (
    "import os, signal, sys; "
    "signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)
"""Start the child as a terminal starts a command: SIGINT at its default and unblocked.

A child inherits ignored signals and the signal mask. When the test run itself was started
with SIGINT ignored (`make test &` from a script, or any background job of a shell without
job control), Python in the child would never install its SIGINT handler, the child would
ignore the test's SIGINT and sleep on: that is how this test once failed in CI."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


@contextlib.contextmanager
def child(script, *args, cwd):
    """Run ``python -c script args`` in ``cwd`` as from a terminal; always reap it.

    Whatever the test asserts, the child is killed if still running, its pipes are closed
    and it is waited for, so that a failure never leaks a process (nor, with pytest's
    ResourceWarnings as errors, fails the next test).
    """
    argv = [sys.executable, "-c", AS_FROM_A_TERMINAL, "-c", script, *map(str, args)]
    with subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)  # a hung readline() ends too
        watchdog.start()
        try:
            yield proc
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
            proc.communicate()  # reads and closes both pipes, and reaps the child


def finish(proc):
    out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    return proc.returncode, out, err


SIGINT_SCRIPT = """
import sys, time
import forecast.forecasting.plan

def slow(*args, **kwargs):
    print("ready", flush=True)
    time.sleep(60)

forecast.forecasting.plan.plan = slow
from forecast.cli import main
sys.argv = ["forecast", "plan", sys.argv[1], "-o", "plan.csv", "--plot", "plan.png",
            "--distribution", "d.csv"]
main()
"""


def test_ctrl_c_in_a_real_process(tmp_path):
    with child(SIGINT_SCRIPT, PORTFOLIO, cwd=tmp_path) as proc:
        assert proc.stdout.readline().strip() == "ready"
        proc.send_signal(signal.SIGINT)
        code, out, err = finish(proc)
    assert code == 130, err
    assert err == "forecast: interrupted; no output was written\n"
    assert out == ""
    assert list(tmp_path.iterdir()) == []


SIGINT_AT_IMPORT = """
import os, signal, sys, threading
import forecast.cli

target, portfolio = sys.argv[1:]
count = 0


class SigintAtImport:
    # Finds nothing; sends this process SIGINT as the module `target` (or, for a number,
    # the target-th module imported after main() began) starts to import.
    def find_spec(self, name, path=None, module=None):
        global count
        count += 1
        if name == target or str(count) == target:
            sys.meta_path.remove(self)
            where = threading.current_thread().name
            print(f"SIGINT while importing {name} in {where}", flush=True)
            os.kill(os.getpid(), signal.SIGINT)
        return None


def main():
    sys.meta_path.insert(0, SigintAtImport())
    forecast.cli.main()


sys.argv = ["forecast", "plan", portfolio, "-o", "plan.csv", "--plot", "plan.png"]
main()
"""


@pytest.mark.parametrize("target", ["1", "10", "100", "forecast.cli.app", "click", "numpy",
                                    "pandas", "numba"])
def test_ctrl_c_during_the_start_up_imports(tmp_path, target):
    # The first imports after main() begins are the CLI's own (forecast.exceptions first),
    # then the library's: numpy in the main thread, pandas and numba in the worker.
    with child(SIGINT_AT_IMPORT, target, PORTFOLIO, cwd=tmp_path) as proc:
        code, out, err = finish(proc)
    assert out.startswith("SIGINT while importing ") and out.count("\n") == 1, out
    if not target.isdigit():
        assert out.startswith(f"SIGINT while importing {target} in "), out
    assert code == 130, err
    assert err == "forecast: interrupted; no output was written\n"
    assert list(tmp_path.iterdir()) == []


SIGINT_WHILE_WRITING = """
import os, signal, sys
import forecast.io.output
from forecast.cli import main

write = forecast.io.output.write_atomic


def write_after_a_sigint(path, data, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return write(path, data, **kwargs)


forecast.io.output.write_atomic = write_after_a_sigint
sys.argv = ["forecast", "plan", sys.argv[1], "-o", "plan.csv", "--plot", "plan.png",
            "--distribution", "d.csv", "--trials", "500"]
main()
"""


def test_ctrl_c_while_a_file_is_written_waits_for_it_and_names_it(tmp_path):
    with child(SIGINT_WHILE_WRITING, PORTFOLIO, cwd=tmp_path) as proc:
        code, out, err = finish(proc)
    assert code == 130, err
    assert err == "forecast: interrupted; wrote only plan.csv\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv"]  # no temporary file
    text = (tmp_path / "plan.csv").read_text()
    assert text.startswith("outcome,") and text.endswith("\n")
    assert out == ""


# --- progress on a terminal ----------------------------------------------------------------


PROGRESS_SCRIPT = """
import sys, time
import forecast.evaluation.backtest, forecast.cli, forecast.cli.runtime

backtest = forecast.evaluation.backtest.backtest


def backtest_seen(*args, progress, **kwargs):
    result = backtest(*args, progress=progress, **kwargs)
    shown = progress.__self__
    while shown.enabled and not shown._bar.total:  # until the bar (its own thread) is drawn
        time.sleep(0.01)
    return result


forecast.cli.runtime.PROGRESS_DELAY = 0.0
forecast.evaluation.backtest.backtest = backtest_seen
sys.argv = ["forecast", "backtest", sys.argv[1], "--methods", "daily", "--windows", "30",
            "--horizons", "10"]
forecast.cli.main()
"""


@contextlib.contextmanager
def terminal(script, *args, cwd=None, **env):
    """Run ``python -c script args`` with stdout and stderr on one pseudo-terminal of 80
    columns, with ``env`` over this environment less CI and TERM; always reap it.

    Yields the process and ``read(until=None)``, which returns all the child wrote so far
    (``\\n`` as ``\\r\\n``, as a terminal shows it), reading on until ``until`` appears or,
    without it, until the child is done.
    """
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    argv = [sys.executable, "-c", AS_FROM_A_TERMINAL, "-c", script, *map(str, args)]
    written = bytearray()

    def read(until=None):
        while until is None or until.encode() not in written:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not chunk:
                break
            written.extend(chunk)
        return written.decode(errors="replace")

    try:
        with subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=follower,
                              stderr=follower, env={**environ, **env}) as proc:
            os.close(follower)
            follower = None
            watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)  # a hung read ends too
            watchdog.start()
            try:
                yield proc, read
            finally:
                watchdog.cancel()
                if proc.poll() is None:
                    proc.kill()
    finally:
        os.close(leader)
        if follower is not None:
            os.close(follower)


@pytest.mark.parametrize(("env", "shown"), [
    ({"TERM": "xterm"}, True),
    ({"TERM": "xterm", "CI": "true"}, False),
    ({"TERM": "dumb"}, False),
])
def test_progress_on_a_terminal_then_the_output_on_a_clean_line(env, shown):
    plain = subprocess.run([sys.executable, "-m", "forecast", "backtest", TEAM, "--methods",
                            "daily", "--windows", "30", "--horizons", "10"],
                           capture_output=True, text=True, check=True)
    with terminal(PROGRESS_SCRIPT, TEAM, **env) as (proc, read):
        text = read()
        code = proc.wait(timeout=CHILD_TIMEOUT)
    assert code == 0, text
    erase = "\r\x1b[K"
    if shown:
        assert text.startswith("\rbacktest "), text[:200]
        bar = re.compile(r"\rbacktest \[[#-]{30}\] \d+/68  \d\d:\d\d")
        assert bar.search(text), text[:200]
        drawn, own = text.rsplit(erase, 1)
        assert re.fullmatch(r"(\rbacktest [^\r\n]*)+", drawn), drawn  # frames, nothing else
    else:
        assert "\x1b" not in text and "backtest [" not in text
        own = text
    # the command's own output follows the erased line: exactly what it prints to a pipe
    assert own.replace("\r\n", "\n") == plain.stdout


PROGRESS_THEN_SIGINT = """
import sys, time
import forecast.cli, forecast.cli.runtime, forecast.forecasting.plan


def slow(*args, **kwargs):
    time.sleep(60)


forecast.cli.runtime.PROGRESS_DELAY = 0.0
forecast.forecasting.plan.plan = slow
sys.argv = ["forecast", "plan", sys.argv[1], "-o", "plan.csv"]
forecast.cli.main()
"""


def test_ctrl_c_on_a_terminal_replaces_the_progress_line(tmp_path):
    with terminal(PROGRESS_THEN_SIGINT, PORTFOLIO, cwd=tmp_path, TERM="xterm") as (proc, read):
        read(until="\rplan ")
        proc.send_signal(signal.SIGINT)
        text = read()
        code = proc.wait(timeout=CHILD_TIMEOUT)
    assert code == 130, text
    drawn, last = text.rsplit("\r\x1b[K", 1)
    assert re.fullmatch(r"(\rplan [^\r\n]*)+", drawn), drawn  # frames, nothing else
    assert last == "forecast: interrupted; no output was written\r\n"  # and no frame after
    assert list(tmp_path.iterdir()) == []

IMPORTED_AT_EXIT = """
import atexit, sys
heavy = ("numba", "numpy", "pandas", "tqdm")
atexit.register(lambda: print("imported", [m for m in heavy if m in sys.modules]))
from forecast.cli import main
sys.argv = ["forecast", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(("args", "imported"), [
    (["--help"], []),
    (["backtest", "--help"], []),
    (["when", "x.csv", "--items", "x"], []),
    (["when", TEAM, "-n", "5", "--start", "2024-06-03"], ["numba", "numpy", "pandas"]),
])
def test_tqdm_is_imported_only_to_draw_progress(args, imported):
    # the last run does its work, but its stderr is a pipe: no progress, so no tqdm
    r = subprocess.run([sys.executable, "-c", IMPORTED_AT_EXIT, *args], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    assert r.stdout.splitlines()[-1] == f"imported {imported!r}", r.stderr
