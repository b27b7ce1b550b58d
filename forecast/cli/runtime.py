"""How a command runs: its work in a thread Ctrl-C cannot reach, progress, and Ctrl-C.

The console script answers SIGINT with its own handler (one line, status
130, and an immediate exit, as the work may still be in numba's compiled
code); the work runs in a worker thread with SIGINT blocked while the main
thread waits; progress is drawn with tqdm on a terminal only; and every
file a run writes is counted, so that the line on Ctrl-C says what it wrote.
Only click and the standard library are imported here (tqdm on first use).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

PROGRESS_DELAY = 1.0
"""Seconds a command runs before it shows progress on a terminal."""

WRITTEN: list[Path] = []
"""Files this run has written so far (for an honest message on Ctrl-C)."""

_WORKERS: list[threading.Thread] = []
"""The worker thread of the running command (see :func:`work`)."""

_DRAWING = threading.RLock()
"""Held while a progress line is drawn or erased, and for good by :func:`_on_sigint`."""

_HARD_EXIT = False
"""True when run as the console script (:func:`take_over_sigint`): Ctrl-C then ends the process
with ``os._exit``; in-process callers (tests, embedding) get ``SystemExit``."""

T = TypeVar("T")


def _interruption() -> str:
    """Return the one line that says the run stopped, and what (if anything) it wrote."""
    if WRITTEN:
        done = "; wrote only " + ", ".join(str(p) for p in WRITTEN)
    else:
        done = "; no output was written"
    return f"forecast: interrupted{done}"


def interrupted() -> NoReturn:
    """Say in one line that the run stopped, and what (if anything) it wrote; exit 130."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")  # over the terminal's ^C echo and any progress line
    click.echo(_interruption(), err=True)
    # From the console script, leave at once, without the interpreter's teardown: the
    # work may still be running in compiled code that Python cannot stop, and tearing
    # down numba's thread pool after an interrupt can abort the process. Nothing is
    # half-written: every file is written whole under a temporary name and renamed.
    if _HARD_EXIT or any(worker.is_alive() for worker in _WORKERS):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(130)


def _on_sigint(signum: int, frame: Any) -> None:
    """Answer SIGINT in the console script: the same one line, status 130, at once.

    Python's own handler raises KeyboardInterrupt wherever the main thread
    happens to be: inside an import of numpy, pandas or numba, in the
    threading module, in click. What runs there may catch it, turn it into
    another error (a traceback) or carry on. This handler ends the process
    itself, so nothing in between can get in the way. It runs in the main
    thread, which during the work only waits (see :func:`work`), and it
    writes its line with ``os.write``, not through ``sys.stderr``, whose lock
    the code it interrupted may hold.

    While :class:`Writing` holds Ctrl-C back in this thread, another thread
    can still have taken the signal (numpy's BLAS threads do not block it):
    it is then posted again to this thread, where it waits until the file is
    written and counted, and arrives as that block unblocks it.
    """
    if hasattr(signal, "pthread_sigmask") and signal.SIGINT in signal.pthread_sigmask(
            signal.SIG_BLOCK, ()):
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return
    _DRAWING.acquire(timeout=1.0)  # kept: no progress line is drawn after this one
    line = _interruption() + "\n"
    try:
        if os.isatty(2):
            line = "\r\x1b[K" + line  # over the terminal's ^C echo and any progress line
        sys.stdout.flush()
    except Exception:  # reentrant (it interrupted a write) or closed: say the line anyway
        pass
    try:
        os.write(2, line.encode(errors="replace"))
    finally:
        os._exit(130)


def take_over_sigint() -> None:
    """Answer Ctrl-C with :func:`_on_sigint` from now on, and leave at once on it.

    For the console script only (:func:`forecast.cli.app.main`); in-process
    callers keep Python's handler and get ``SystemExit``. A SIGINT that was
    ignored when the process started stays ignored.
    """
    global _HARD_EXIT
    _HARD_EXIT = True
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # (the console script's own
        signal.signal(signal.SIGINT, _on_sigint)  # early handler, forecast.cli, is replaced)


def reset() -> None:
    """Start a run: no file written yet, no worker running."""
    WRITTEN.clear()
    _WORKERS.clear()


def finished() -> None:
    """End a run that succeeded: in the console script, Ctrl-C is ignored from now on.

    The command is done and its files are written: a Ctrl-C from now on must
    not turn the run into a failure.
    """
    if _HARD_EXIT:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class Writing:
    """Hold Ctrl-C back while one file is written and counted as written.

    A Ctrl-C in between would stop the run with a file on disk that the
    "interrupted" line does not name; held back, it arrives right after.
    """

    def __enter__(self) -> None:
        self.blocked = hasattr(signal, "pthread_sigmask") and (
            threading.current_thread() is threading.main_thread())
        if self.blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

    def __exit__(self, *exc: object) -> None:
        if self.blocked:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _show_progress() -> bool:
    """Progress goes to a terminal only: not to a redirected stderr, nor under CI."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


_BAR: Any = None
"""The tqdm class of :func:`_tqdm`, once imported."""


def _tqdm() -> Any:
    """Return the tqdm class that draws progress, importing tqdm on first use.

    Only a run that shows progress imports it: not ``--help``, an argument
    error, nor a run whose stderr is not a terminal. It has no monitor thread
    (:class:`Progress` redraws it itself), and :data:`_DRAWING` for its lock
    (tqdm's default lock also creates a multiprocessing one).
    """
    global _BAR
    if _BAR is None:
        from tqdm import tqdm

        class Bar(tqdm):
            monitor_interval = 0

        Bar.set_lock(_DRAWING)
        _BAR = Bar
    return _BAR


class Progress:
    """Progress on stderr for work that runs longer than :data:`PROGRESS_DELAY` seconds.

    A bar when the work reports ``update(done, total)`` (the backtest's
    origins), else a spinner with the elapsed time (one long kernel call),
    drawn with tqdm. A background thread redraws it (the kernels release the
    GIL, and one long kernel call reports nothing while it runs) and it is
    erased on exit, so the command's own output starts on a clean line;
    nothing at all is drawn when stderr is not a terminal.
    """

    BAR = "{desc} [{bar:30}] {n_fmt}/{total_fmt}  {elapsed}"
    SPINNER = "{desc} %s {elapsed}"

    def __init__(self, label: str, *, stream: Any = None, enabled: bool | None = None,
                 delay: float | None = None, interval: float = 0.1) -> None:
        self.label = label
        self.stream = stream
        self.enabled = enabled
        self.delay = PROGRESS_DELAY if delay is None else delay  # read now: tests change it
        self.interval = interval
        self.done = self.total = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None
        self._drawn = False
        self._spins = 0

    def update(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` steps are finished."""
        self.done, self.total = done, total

    def __enter__(self) -> Progress:
        if self.enabled is None:
            self.enabled = _show_progress()
        if self.stream is None:
            self.stream = sys.stderr
        if self.enabled:
            # The clock starts now; tqdm draws only when _draw refreshes it (an infinite
            # delay keeps it from drawing by itself, and from erasing on close).
            self._bar = _tqdm()(desc=self.label, file=self.stream, leave=False, position=0,
                                delay=float("inf"), ascii="-#", bar_format=self.SPINNER % "|")
            self._thread = threading.Thread(target=self._run, name="forecast-progress",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            with _DRAWING:
                self._bar.close()
                if self._drawn:
                    self.stream.write("\r\x1b[K")
                    self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            self._draw()
            if self._stop.wait(self.interval):
                return

    def _draw(self) -> None:
        bar = self._bar
        with _DRAWING:
            if self.total:
                bar.total, bar.n = self.total, min(self.done, self.total)
                bar.bar_format = self.BAR
            else:
                bar.bar_format = self.SPINNER % "|/-\\"[self._spins % 4]
                self._spins += 1
            if bar.refresh():
                self._drawn = True


def work(label: str, fn: Callable[[Progress], T]) -> T:
    """Run a command's work with progress, in a thread that Ctrl-C cannot reach.

    Ctrl-C while a numba kernel runs can crash the process (the signal lands
    in compiled, multi-threaded code). So the work runs in a worker thread
    with SIGINT blocked (and so are the kernel threads it starts), while the
    main thread only waits: Ctrl-C always lands there, in Python, and stops
    the command cleanly. Exceptions raised by the work are raised here.

    The main thread waits in short joins, not one long one: Python runs signal
    handlers only in the main thread, and when the kernel hands SIGINT to
    another thread that does not block it (numpy's BLAS threads, started at
    import), nothing wakes a blocked main thread; it sees the signal at its
    next wake-up, within 50 ms however long the work takes.
    """
    ctx = click.get_current_context()
    box: dict[str, Any] = {}

    def run(progress: Progress) -> None:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with ctx.scope(cleanup=False):
                box["value"] = fn(progress)
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc

    with Progress(label) as progress:
        worker = threading.Thread(target=run, args=(progress,), name="forecast-work",
                                  daemon=True)
        _WORKERS[:] = [worker]
        worker.start()
        while worker.is_alive():
            worker.join(0.05)
    _WORKERS.clear()
    if "error" in box:
        raise box["error"]
    return box["value"]

