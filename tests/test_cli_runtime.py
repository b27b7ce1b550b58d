"""The CLI's runtime in real processes: Ctrl-C as a real SIGINT."""

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
