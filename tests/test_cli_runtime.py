"""The CLI's runtime in real processes: Ctrl-C (a real SIGINT) at any point of a run, from
the start-up imports to the writing of the files."""

import contextlib
import os
import signal
import subprocess
import sys
import threading

import pytest

PORTFOLIO = os.path.abspath("examples/portfolio.toml")

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
import forecast.portfolio

def slow(*args, **kwargs):
    print("ready", flush=True)
    time.sleep(60)

forecast.portfolio.plan = slow
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


@pytest.mark.parametrize("target", ["1", "10", "100", "numpy", "pandas", "numba"])
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
import forecast.io
from forecast.cli import main

write = forecast.io.write_atomic


def write_after_a_sigint(path, data, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    return write(path, data, **kwargs)


forecast.io.write_atomic = write_after_a_sigint
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
