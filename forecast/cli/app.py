"""The ``forecast`` command line: parse, call one library function, format.

Only :mod:`click` is imported at module level; the library (pandas, numba)
is imported inside the commands, so ``forecast --help`` and argument errors
are instant and never load numba.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

SOURCES = ("auto", "generic", "jira", "ado", "github", "linear")
"""Choices of --source: :func:`forecast.io.trackers.sources`, written out here so that
``--help`` imports neither numpy nor pandas (a test checks that both lists agree)."""

METHOD_NAMES = ("daily", "weekly", "bayes")
"""The sampling methods: the keys of :data:`forecast.sampling.methods.METHODS`, written out
here so that ``--help`` imports no numpy (a test checks that both lists agree)."""

METHOD_CHOICES = (*METHOD_NAMES, "auto")
"""Choices of --method: a sampling method, or auto (the team's own backtest chooses)."""

PLOT_SUFFIXES = (".png", ".svg")
"""What --plot writes, chosen by the file's suffix."""

PROGRESS_DELAY = 1.0
"""Seconds a command runs before it shows progress on a terminal."""

_WRITTEN: list[Path] = []
"""Files this run has written so far (for an honest message on Ctrl-C)."""

_WORKERS: list[threading.Thread] = []
"""The worker thread of the running command (see :func:`_work`)."""

_DRAWING = threading.RLock()
"""Held while a progress line is drawn or erased, and for good by :func:`_on_sigint`."""

_HARD_EXIT = False
"""True when run as the console script (:func:`main`): Ctrl-C then ends the process
with ``os._exit``; in-process callers (tests, embedding) get ``SystemExit``."""

T = TypeVar("T")


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"forecast: error: {message}", err=True)
    sys.exit(code)


class _Interrupted(click.ClickException):
    """Ctrl-C while a command ran."""

    exit_code = 130


def _interruption() -> str:
    """Return the one line that says the run stopped, and what (if anything) it wrote."""
    if _WRITTEN:
        done = "; wrote only " + ", ".join(str(p) for p in _WRITTEN)
    else:
        done = "; no output was written"
    return f"forecast: interrupted{done}"


def _interrupted() -> NoReturn:
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
    thread, which during the work only waits (see :func:`_work`), and it
    writes its line with ``os.write``, not through ``sys.stderr``, whose lock
    the code it interrupted may hold.

    While :class:`_Writing` holds Ctrl-C back in this thread, another thread
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


class _Group(click.Group):
    """A group that reports every user error as one line on stderr, status 2."""

    def invoke(self, ctx: click.Context) -> Any:  # noqa: D102
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # caught here, before click turns it into Abort after printing a blank line
            raise _Interrupted("interrupted") from None

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        from forecast.exceptions import ForecastError

        kwargs["standalone_mode"] = False
        _WRITTEN.clear()
        _WORKERS.clear()
        _ROUTE.clear()
        try:
            super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            _fail(f"{exc.format_message()}{hint}", exc.exit_code)
        except _Interrupted:
            _interrupted()
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except ForecastError as exc:
            _fail(exc.render(_spell))
        except (click.exceptions.Abort, KeyboardInterrupt):
            _interrupted()
        if _HARD_EXIT:
            # The command is done and its files are written: a Ctrl-C from now on must
            # not turn the run into a failure.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.exit(0)


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
    (:class:`_Progress` redraws it itself), and :data:`_DRAWING` for its lock
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


class _Progress:
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

    def __enter__(self) -> _Progress:
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


class _Date(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; write it as YYYY-MM-DD", param, ctx)


DATE = _Date()


def _work(label: str, fn: Callable[[_Progress], T]) -> T:
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

    def run(progress: _Progress) -> None:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            with ctx.scope(cleanup=False):
                box["value"] = fn(progress)
        except BaseException as exc:  # handed to the main thread
            box["error"] = exc

    with _Progress(label) as progress:
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


def _percentiles(ctx: Any, param: Any, value: str) -> tuple[float, ...]:
    try:
        levels = tuple(float(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} must be numbers separated by commas, such as 50,70,85,95"
        ) from None
    bad = [p for p in levels if not 0 < p <= 100]
    if not levels or bad:
        raise click.BadParameter(f"{value!r}: each level must be > 0 and <= 100")
    return levels


def output_options(*formats: str) -> Callable[..., Any]:
    """Return the --format and -o/--output options, shared by every command."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("-o", "--output", type=click.Path(path_type=Path),
                            help="Write to this file (atomically); '-' for stdout.")(func)
        return click.option(
            "--format", "fmt", type=click.Choice(list(formats)), default=None,
            help="Output format [default: from the --output suffix, else table].")(func)

    return decorate


def _reading_options(skip: tuple[str, ...] = ()) -> list[Callable[..., Any]]:
    """Options that say how to read a history and which window to sample."""
    window = [] if "window" in skip else [
        click.option("--window", type=click.IntRange(min=1), default=None,
                     help="Calendar days of history before the start to sample "
                     "[default: 90, or what --method auto chooses]."),
        click.option("--since", type=DATE, help="Sample the history from this date instead."),
    ]
    return [
        click.option("--start", type=DATE, help="First day of the forecast [default: today]."),
        *window,
        click.option("--source", "tracker", type=click.Choice(SOURCES), default="auto",
                     show_default=True,
                     help="Which tool exported the history: auto recognises Jira, Azure "
                     "DevOps (ado), GitHub (gh --json) and Linear exports by their columns; "
                     "generic reads any CSV by its done-date column."),
        click.option("--done-column", metavar="NAME",
                     help="The done-date column, when it is not found by name."),
        click.option("--date-format", metavar="FMT",
                     help="strptime format of the dates, e.g. '%d/%m/%Y' [default: detect]."),
        click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
                     show_default=True, help="Which days are working days."),
        click.option("--holidays", "country", metavar="CC",
                     help="Country code whose public holidays are non-working (e.g. GB)."),
        click.option("--holidays-file", type=click.Path(path_type=Path),
                     help="A file of non-working dates, one YYYY-MM-DD per line."),
        click.option("--exclude-type", multiple=True, metavar="TYPE",
                     help="Leave out items of this type (repeatable)."),
    ]


def _apply(func: Callable[..., Any], options: list[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        func = option(func)
    return func


def _apply_reading(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the reading options alone (for a command whose argument is not a history)."""
    return _apply(func, _reading_options())


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the HISTORY argument and the options that say how to read it."""
    options = [click.argument("history", type=click.Path(dir_okay=True, path_type=Path)),
               *_reading_options()]
    return _apply(func, options)


def _history_options_but(*names: str) -> Callable[..., Any]:
    """Return :func:`history_options` without --window and --since (``"window"``).

    The backtest tries its own windows, so those options would do nothing there.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [click.argument("history", type=click.Path(dir_okay=True, path_type=Path)),
                   *_reading_options(skip=names)]
        return _apply(func, options)

    return decorate


def _plot_option(what: str) -> Callable[..., Any]:
    return click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
                        help=f"Also draw {what} to this file (.png or .svg, by its suffix).")


def run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by the questions: engine, trials, seed and outputs."""
    options = [
        click.option("--percentiles", default="50,70,85,95", show_default=True,
                     callback=_percentiles, help="Levels to report."),
        click.option("--method", type=click.Choice(METHOD_CHOICES),
                     default="auto", show_default=True,
                     help="Sample single working days, whole weeks (keeps batching), days "
                     "with Bayesian-bootstrap weights (wider on thin data), or auto: the "
                     "team's own backtest keeps bayes over 30 days unless another method and "
                     "window scored clearly better, and recalibrates on a past miss."),
        click.option("--engine", type=click.Choice(["auto", "exact", "mc"]), default="auto",
                     show_default=True,
                     help="exact: convolution, no noise; mc: numba Monte Carlo."),
        click.option("--trials", type=click.IntRange(min=1), default=10_000, show_default=True,
                     help="Monte Carlo trials."),
        click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None,
                     help="Monte Carlo seed [default: fixed, shown in the output]."),
        _plot_option("the distribution"),
        click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Append this forecast to a record CSV (see 'forecast trend')."),
        click.option("--name", help="The outcome's name in the --record and --distribution "
                     "files."),
    ]
    for option in reversed(options):
        func = option(func)
    return output_options("table", "csv", "json")(func)


def _holiday_dates(path: Path) -> list[dt.date]:
    from forecast.exceptions import DataError, InputFileError

    if not path.is_file():
        raise InputFileError(f"holidays file '{path}' does not exist; check the path")
    dates = []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        cell = line.split("#", 1)[0].strip().strip(",")
        if not cell or cell.lower() in {"date", "holiday", "holidays"}:
            continue
        try:
            dates.append(dt.date.fromisoformat(cell[:10]))
        except ValueError:
            raise DataError(
                f"holidays file '{path}', line {number}: cannot read {cell!r} as a date; "
                "write one YYYY-MM-DD per line"
            ) from None
    return dates


def _reading(opts: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of :func:`forecast.read_history` from the reading options."""
    holidays: Any = opts["country"]
    calendar: Any = opts["calendar"]
    if opts.get("holidays_file") is not None:
        from forecast.core.calendar import Calendar

        dates = _holiday_dates(opts["holidays_file"])
        calendar = Calendar.from_options(Calendar.from_options(opts["calendar"], holidays), dates)
        holidays = None
    if opts.get("window") is not None and opts.get("since") is not None:
        raise click.UsageError("give --window or --since, not both")
    return {"done_column": opts.get("done_column"), "date_format": opts.get("date_format"),
            "calendar": calendar, "holidays": holidays,
            "exclude_types": opts.get("exclude_type", ()), "tracker": opts.get("tracker", "auto")}


def _read(opts: dict[str, Any], path: Path | None = None) -> Any:
    from forecast.io.readers import read_history

    return read_history(opts["history"] if path is None else path, **_reading(opts))


def _window(opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": opts["start"],
        "window": opts["window"],
        "since": opts["since"],
        "percentiles": opts["percentiles"],
        "engine": opts["engine"],
        "trials": opts["trials"],
        "rng": opts["seed"],
        "method": opts["method"],
    }


def _check_suffix(path: Path, suffixes: tuple[str, ...], option: str, why: str) -> None:
    if path.suffix.lower() not in suffixes:
        shown = " or ".join(suffixes)
        raise click.BadParameter(f"'{path}' must end in {shown} ({why})",
                                 param_hint=f"'{option}'")


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _outputs(opts: dict[str, Any]) -> None:
    """Check every output path and settle the format before any work is done."""
    from forecast.io.output import check_output

    protect = [Path(p) for p in opts.get("protect", []) if p is not None]
    output, plot_path = opts["output"], opts.get("plot")
    distribution = opts.get("distribution")
    if output is not None and str(output) == "-":
        output = opts["output"] = None
    if plot_path is not None:
        _check_suffix(plot_path, PLOT_SUFFIXES, "--plot", "the suffix chooses the image format")
    elif opts.get("plot_kind") not in (None, "histogram"):
        raise click.UsageError(f"--plot-kind {opts['plot_kind']} needs --plot FILE")
    if distribution is not None:
        _check_suffix(distribution, (".csv",), "--distribution", "it is a CSV file")
    files = [(name, path) for name, path in
             (("--output", output), ("--plot", plot_path), ("--distribution", distribution))
             if path is not None]
    for i, (name, path) in enumerate(files):
        for other, other_path in files[i + 1:]:
            if _same(path, other_path):
                raise click.BadParameter(f"{name} and {other} name the same file; give two "
                                         "paths")
        check_output(path, protect=protect)
    if opts.get("record") is not None:
        rec = opts["record"]
        if any(Path(p).exists() and rec.exists() and _same(rec, Path(p)) for p in protect):
            raise click.BadParameter(f"'{rec}' is an input file; give a record file",
                                     param_hint="'--record'")
        if any(_same(rec, path) for _, path in files):
            raise click.BadParameter(f"'{rec}' is also an output of this run; give another "
                                     "record file", param_hint="'--record'")
        _check_record_file(rec)
        if not rec.parent.is_dir():
            raise click.BadParameter(f"directory '{rec.parent}' does not exist",
                                     param_hint="'--record'")
    _settle_format(opts, output)
    opts["protect"] = protect
    _note_exact_engine(opts)


TEXT_SUFFIXES = ("", ".txt", ".text", ".md", ".log", ".out")
"""--output suffixes that take the table (``.csv`` and ``.json`` choose those formats)."""


def _settle_format(opts: dict[str, Any], output: Path | None) -> None:
    """Choose the output format from --format and the --output suffix, which must agree."""
    ctx = click.get_current_context()
    choices = next((getattr(p.type, "choices", None) for p in ctx.command.params
                    if p.name == "fmt"), None)
    if choices is None:  # a command with one output format (the report) checks its own
        return
    by_suffix = None
    if output is not None:
        suffix = output.suffix.lower()
        by_suffix = {".csv": "csv", ".json": "json"}.get(suffix)
        if by_suffix is None and suffix not in TEXT_SUFFIXES:
            raise click.BadParameter(
                f"'{output}': {suffix} is not a format this command writes; end it in "
                f"{', '.join('.txt' if c == 'table' else '.' + c for c in choices)}"
                " (pictures go with --plot)", param_hint="'--output'")
    fmt = opts["fmt"]
    if by_suffix is None and output is not None and output.suffix:
        by_suffix = "table"  # .txt and the like: the table
    if fmt is None:
        fmt = by_suffix or "table"
    elif by_suffix is not None and by_suffix != fmt:
        raise click.BadParameter(f"--format {fmt} does not match '{output}'; give one of "
                                 "them, or make them agree", param_hint="'--format'")
    if fmt not in choices:
        raise click.BadParameter(f"'{output}' asks for {fmt}, and this command writes "
                                 f"{' or '.join(choices)}", param_hint="'--output'")
    opts["fmt"] = fmt


def _check_record_file(path: Path) -> None:
    """Refuse, before any work, a --record file that exists and is not a record file."""
    from forecast.io.records import check_record_file

    _check_suffix(path, (".csv",), "--record", "a record file is a CSV")
    if path.exists() and not path.is_file():
        raise click.BadParameter(f"'{path}' exists and is not a regular file; give a record "
                                 "file", param_hint="'--record'")
    check_record_file(path)


def _note_exact_engine(opts: dict[str, Any]) -> None:
    ctx = click.get_current_context()
    if opts.get("engine", "mc") != "mc":
        given = [f"--{name}" for name in ("trials", "seed")
                 if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            click.echo(f"note: {' and '.join(given)} {verb} to --engine mc; the exact engine "
                       "has no sampling noise", err=True)


def _csv(frame: Any) -> str:
    """CSV text of a frame, every text cell made safe for spreadsheets."""
    import pandas as pd

    from forecast.io.output import spreadsheet_safe

    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype(object).map(spreadsheet_safe)
    return str(frame.to_csv(index=False, lineterminator="\n"))


def _image(draw: Callable[[Any], Any], suffix: str) -> bytes:
    """Draw a figure with ``draw(plot_module)`` (returning its axes) and return its bytes."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from forecast.present import plot as plots

    ax = draw(plots)
    try:
        buffer = io.BytesIO()
        ax.figure.savefig(buffer, format=suffix.lower().lstrip("."), dpi=120,
                          bbox_inches="tight")
    finally:
        plt.close(ax.figure)
    return buffer.getvalue()


def _render(result: Any, opts: dict[str, Any], plot: Callable[..., Any] | None,
            text: str | None = None, distribution: Callable[[Any], Any] | None = None,
            ) -> dict[str, Any]:
    """Everything the command will write, made in memory (nothing is written yet)."""
    fmt = opts["fmt"]
    if text is None:
        if fmt == "json":
            text = result.to_json()
        elif fmt == "csv":
            text = _csv(result.to_frame())
        else:
            text = str(result) + "\n"
    out: dict[str, Any] = {"text": text, "result": result}
    if opts.get("plot") is not None and plot is not None:
        out["image"] = _image(lambda plots: plot(plots, result), opts["plot"].suffix)
    if opts.get("distribution") is not None and distribution is not None:
        out["distribution"] = _csv(distribution(result))
    return out


class _Writing:
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


def _record(result: Any, opts: dict[str, Any]) -> None:
    """Append the forecast to the --record file (Ctrl-C held back meanwhile)."""
    from forecast.io.records import record

    with _Writing():
        rows = record(result, opts["record"], name=opts.get("name"))
        _WRITTEN.append(opts["record"])
    click.echo(f"recorded {rows} row{'s' if rows != 1 else ''} in {opts['record']}", err=True)


def _finish(rendered: dict[str, Any], opts: dict[str, Any]) -> None:
    """Write what :func:`_render` made: each file atomically, then the record."""
    from forecast.io.output import write_atomic

    _write_text(rendered["text"], opts)
    for key, option in (("image", "plot"), ("distribution", "distribution")):
        if key in rendered:
            with _Writing():
                write_atomic(opts[option], rendered[key], protect=opts["protect"])
                _WRITTEN.append(opts[option])
            click.echo(f"wrote {opts[option]}", err=True)
    if opts.get("record") is not None:
        _record(rendered["result"], opts)


def _emit(result: Any, opts: dict[str, Any], plot: Callable[..., Any]) -> None:
    _finish(_render(result, opts, plot), opts)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="delivery-forecast", prog_name="forecast")
def cli() -> None:
    """Forecast delivery from a team's own history of completed items.

    Every answer is a distribution, summarised by percentiles. Dates count in
    working days: day 1 is the first working day on or after --start. A
    history is a CSV of completed items or a tracker's export (Jira, Azure
    DevOps, GitHub, Linear), recognised by its columns.

    \b
    Examples:
      forecast when examples/team.csv --items 40 --start 2024-06-03
      forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03
      forecast plan examples/portfolio.toml --format csv -o out/plan.csv
      forecast report examples/portfolio.toml -o out/report.html
    """


_DISTRIBUTION_HELP = ("Also write the chance of being done by each working date to this CSV "
                      "(columns outcome, date, probability).")


@cli.command(context_settings=CONTEXT)
@history_options
@click.option("-n", "--items", type=click.IntRange(min=1), required=True,
              help="Items still to do (>= 1).")
@click.option("--target", type=DATE, help="Report the chance of being done on or before it.")
@run_options
@click.option("--plot-kind", type=click.Choice(["histogram", "burnup", "calendar"]),
              default="histogram", show_default=True,
              help="What --plot draws: the chance of finishing on each day; a burn-up (the "
              "history, then the forecast's fan up to the backlog); or a calendar of the "
              "chance of being done by each day.")
@click.option("--distribution", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.csv", help=_DISTRIBUTION_HELP)
def when(**opts: Any) -> None:
    """When will N items be done?

    Prints the date by which each percentile of outcomes is done: P85 is the
    earliest date by which 85% of outcomes have finished.

    \b
    Example:
      forecast when examples/team.csv --items 40 --start 2024-06-03 \\
          --target 2024-07-31 --plot out/when.png
      forecast when examples/team.csv --items 40 --start 2024-06-03 \\
          --plot out/burnup.png --plot-kind burnup --distribution out/when-by-date.csv
    """
    from forecast.forecasting.questions import when as ask

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)

    def work(progress: _Progress) -> dict[str, Any]:
        history = _read(opts)
        result = ask(history, opts["items"], target=opts["target"], **_window(opts))
        draw = {"histogram": lambda plots, r: plots.when(r),
                "burnup": lambda plots, r: plots.burnup(history, r),
                "calendar": lambda plots, r: plots.calendar(r)}[opts["plot_kind"]]
        return _render(result, opts, draw, distribution=lambda r: r.distribution(opts["name"]))

    _finish(_work("when", work), opts)


@cli.command(name="how-many", context_settings=CONTEXT)
@history_options
@click.option("--by", type=DATE, help="Count working days from day 1 through this date.")
@click.option("--days", type=click.IntRange(min=1), help="Or: the number of working days.")
@run_options
def how_many(**opts: Any) -> None:
    """How many items will be done by a date (or in D working days)?

    Percentiles read as "N or more": P85 is the largest N that 85% of outcomes
    reach or exceed.

    \b
    Example:
      forecast how-many examples/team.csv --by 2024-06-28 --start 2024-06-03
      forecast how-many examples/team.csv --days 20 --start 2024-06-03 -o out/count.csv
    """
    from forecast.forecasting.questions import how_many as ask

    if (opts["by"] is None) == (opts["days"] is None):
        raise click.UsageError("give exactly one of --by DATE or --days D")
    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)

    def work(progress: _Progress) -> dict[str, Any]:
        result = ask(_read(opts), by=opts["by"], days=opts["days"], **_window(opts))
        return _render(result, opts, lambda plots, r: plots.how_many(r))

    _finish(_work("how-many", work), opts)


@cli.command(context_settings=CONTEXT)
@history_options
@output_options("table", "json")
@_plot_option("the weekly throughput run chart (changes and the sampling window marked)")
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when any warning fires (for scheduled jobs).")
def check(**opts: Any) -> None:
    """Can this history be trusted? Data quality, drift, and aging work.

    Says how the file was read and which rows were used (notes, which never
    fail --strict), then reports the window's size and active days, long
    runs without a completion, outlier days, whether the window's halves
    agree, changes in weekly throughput over the whole history (with the
    --since that samples only the current regime), and items in progress
    older than the team's 85th percentile cycle time (needs a start column
    and rows without a done date). Exit status 0, or 1 with --strict when a
    warning fires.

    \b
    Example:
      forecast check examples/team.csv --start 2024-06-03 --plot out/throughput.png
      forecast check history.csv --strict --format json -o out/check.json
    """
    from forecast.evaluation.signals import check as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)

    def work(progress: _Progress) -> dict[str, Any]:
        history = _read(opts)
        result = run(history, start=opts["start"],
                     window=90 if opts["window"] is None else opts["window"],
                     since=opts["since"])
        text = json.dumps(result.to_dict(), indent=2) + "\n" if opts["fmt"] == "json" else (
            str(result) + "\n")
        return _render(result, opts, lambda plots, r: plots.throughput(
            history, changes=r.changes, window=r.sample), text=text)

    rendered = _work("check", work)
    _finish(rendered, opts)
    if opts["strict"] and rendered["result"].warnings:
        sys.exit(1)


def _ints(ctx: Any, param: Any, value: str) -> tuple[int, ...]:
    try:
        numbers = tuple(int(v) for v in value.replace(" ", "").split(",") if v)
    except ValueError:
        raise click.BadParameter(f"{value!r} must be whole numbers separated by commas") from None
    if not numbers or min(numbers) <= 0:
        raise click.BadParameter(f"{value!r}: each must be a whole number >= 1")
    return numbers


def _backtest_figure(plots: Any, result: Any) -> Any:
    """Two panels: the reliability diagram and the PIT histogram of the recommended method."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.6),
                                      gridspec_kw={"width_ratios": [1.0, 1.3]})
    plots.reliability(result, ax=left)
    plots.pit(result, ax=right)
    fig.tight_layout()
    return left


@cli.command(context_settings=CONTEXT)
@_history_options_but("window")
@click.option("--methods", default=",".join(METHOD_NAMES), show_default=True,
              help="Sampling methods to score.")
@click.option("--windows", default="30,60,90,180", show_default=True, callback=_ints,
              help="Window lengths to score, in calendar days.")
@click.option("--horizons", default="10,20,40", show_default=True, callback=_ints,
              help="How-many horizons, in working days.")
@click.option("--step", type=click.IntRange(min=1), default=7, show_default=True,
              help="Calendar days between origins.")
@output_options("table", "csv", "json")
@_plot_option("a reliability diagram (stated against observed coverage) beside the PIT "
              "histogram")
def backtest(**opts: Any) -> None:
    """How often did the forecast's "85%" really hold on this team's past?

    At origins every --step days, each method and window forecasts from the
    data before the origin only, for each horizon, and is compared with what
    happened. Prints the ranking (relative CRPS), the recommended
    configuration, and the share of origins where the P85 statements held in
    both directions beside the standard forecast (daily, 30 days).

    \b
    Example:
      forecast backtest examples/team.csv
      forecast backtest history.csv --windows 30,90 --horizons 20 --plot out/reliability.png
    """
    from forecast.evaluation.backtest import backtest as run

    opts["protect"] = [opts["history"], opts["holidays_file"]]
    _outputs(opts)
    methods = tuple(m.strip() for m in opts["methods"].split(",") if m.strip())

    def work(progress: _Progress) -> dict[str, Any]:
        result = run(_read(opts), start=opts["start"], methods=methods,
                     windows=opts["windows"], horizons=opts["horizons"], step=opts["step"],
                     progress=progress.update)
        return _render(result, opts, _backtest_figure)

    _finish(_work("backtest", work), opts)


def _write_text(text: str, opts: dict[str, Any]) -> None:
    from forecast.io.output import write_atomic

    if opts["output"] is not None:
        with _Writing():
            write_atomic(opts["output"], text, protect=opts["protect"])
            _WRITTEN.append(opts["output"])
        click.echo(f"wrote {opts['output']}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(context_settings=CONTEXT)
@click.argument("records", type=click.Path(path_type=Path))
@click.option("--slip-days", type=click.IntRange(min=0), default=5, show_default=True,
              help="Flag a P85 that moves later by more than this many days.")
@output_options("table", "json")
@_plot_option("each outcome's P85 date over time against its target")
def trend(**opts: Any) -> None:
    """How did the forecasts move? P85 dates and chances across records.

    Reads a record file written with --record by when, how-many, plan or
    report, and shows per outcome how its P85 date and its chance of
    meeting the target moved between records, flagging slips larger than
    --slip-days. A row cut short by an interrupted write is reported and
    skipped.

    \b
    Example:
      forecast plan examples/portfolio.toml --record out/record.csv
      forecast trend out/record.csv --plot out/trend.png
    """
    from forecast.io.records import trend as run

    opts["protect"] = [opts["records"]]
    _outputs(opts)

    def work(progress: _Progress) -> dict[str, Any]:
        result = run(opts["records"], slip_days=opts["slip_days"])
        return _render(result, opts, lambda plots, r: plots.trend(r))

    _finish(_work("trend", work), opts)


def _history_pairs(values: tuple[str, ...]) -> dict[str, Path]:
    pairs: dict[str, Path] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            if len(values) > 1:
                raise click.BadParameter(
                    f"{value!r}: with several teams write TEAM=PATH", param_hint="'--history'"
                )
            name, path = "", value
        name = name.strip()
        if name in pairs:
            raise click.BadParameter(f"team {name!r} is given twice", param_hint="'--history'")
        pairs[name] = Path(path.strip())
    return pairs


def _given(names: tuple[str, ...]) -> list[str]:
    """Return the long flags of the options among ``names`` that the command line set."""
    ctx = click.get_current_context()
    flags = []
    for param in ctx.command.params:
        if (param.name in names and isinstance(param, click.Option)
                and ctx.get_parameter_source(param.name or "")
                == click.core.ParameterSource.COMMANDLINE):
            flags.append(max(param.opts, key=len))
    return flags


_PER_TEAM = ("histories", "wip", "window", "since", "calendar", "country", "method", "tracker",
             "done_column", "date_format", "holidays_file", "exclude_type")
"""Options that a TOML portfolio sets per team (they go with --outcomes)."""


_TOML_KEY = {"histories": "history", "country": "holidays", "tracker": "source",
             "holidays_file": "holidays", "exclude_type": "exclude_types"}
"""The [[team]] key of a TOML portfolio that does what a per-team option does."""


_ROUTE: dict[str, Any] = {}
"""Where the parameters of this run came from, for the spelling of errors: ``toml`` is
set while a TOML portfolio's values are used, ``given`` holds the library keywords that
the command line set itself (its flags win over the file's keys)."""

_FLAG = {"tracker": "--source", "rng": "--seed", "exclude_types": "--exclude-type",
         "histories": "--history", "holidays": "--holidays"}
"""The command line's flag of a library keyword, where it is not ``--`` plus the keyword."""

_KEYWORD = {"seed": "rng", "country": "holidays", "exclude_type": "exclude_types"}
"""The library keyword of a command-line option, where the names differ."""

_TOML = {"tracker": "source", "histories": "history", "rng": "seed"}
"""The TOML key of a library keyword, where the names differ."""

_TOML_KEYS = frozenset({"window", "since", "method", "wip", "done_column", "date_format",
                        "exclude_types", "calendar", "holidays", "tracker", "histories",
                        "start", "trials", "rng", "percentiles"})
"""Library keywords that a TOML portfolio sets (per team, or at the top)."""


def _spell(name: str, value: str | None) -> str:
    """Spell a parameter an error refers to as the user gave it: a flag, or a TOML key."""
    if _ROUTE.get("toml") and name in _TOML_KEYS and name not in _ROUTE.get("given", ()):
        key = _TOML.get(name, name)
        if value is None:
            return key
        plain = value.replace("-", "").replace(".", "").isdigit()
        return f"{key} = {value}" if plain else f'{key} = "{value}"'
    flag = _FLAG.get(name, "--" + name.replace("_", "-"))
    if value is None:
        return "--history TEAM=PATH" if name == "histories" else flag
    return f"{flag} {value}"


def _refuse_per_team_options() -> None:
    ctx = click.get_current_context()
    given = _given(_PER_TEAM)
    if given:
        names = [p.name or "" for p in ctx.command.params
                 if isinstance(p, click.Option) and max(p.opts, key=len) in given]
        keys = ", ".join(dict.fromkeys(_TOML_KEY.get(n, n) for n in names))
        verb = "goes" if len(given) == 1 else "go"
        raise click.UsageError(f"{', '.join(given)} {verb} with --outcomes; a TOML portfolio "
                               f"sets this per team ({keys} in its [[team]] tables)")


def _is_outcomes_csv(path: Path) -> bool:
    """Return whether a CSV's header names an ``outcome`` column (an outcomes CSV)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return "outcome" in [c.strip().strip('"').lower() for c in header.split(",")]


def _refuse_toml_as_outcomes(outcomes: Path | None) -> None:
    if outcomes is not None and outcomes.suffix.lower() == ".toml":
        raise click.UsageError(f"'{outcomes}' is a TOML portfolio: give it as the argument, "
                               "without --outcomes")


def _outcome_teams(path: Path) -> list[str]:
    """Return the distinct team names of an outcomes CSV, in order.

    Empty when the file cannot be read: the outcomes reader then says what is wrong.
    """
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []
    names: list[str] = []
    for row in rows:
        team = next((str(v).strip() for k, v in row.items()
                     if k is not None and k.strip().lower() == "team" and v), "")
        if team and team not in names:
            names.append(team)
    return names


def _read_plan(opts: dict[str, Any], toml: Path | None, outcomes: Path | None,
               histories: dict[str, Path]) -> Any:
    """Read the portfolio of plan and report: a TOML file, or an outcomes CSV and histories."""
    from forecast.io.outcomes_csv import read_outcomes_csv
    from forecast.io.portfolio_toml import read_portfolio

    if outcomes is not None:
        if "" in histories:
            names = _outcome_teams(outcomes)
            if len(names) > 1:
                raise click.UsageError(
                    f"'{outcomes}' names {len(names)} teams ({', '.join(names)}); give each "
                    "its history as --history TEAM=PATH")
            histories = {names[0] if names else "team": histories[""]}
        return read_outcomes_csv(
            outcomes, histories,
            window=opts["window"], since=opts["since"],
            wip=opts["wip"], method=opts["method"], history_options=_reading(opts),
        )
    assert toml is not None
    ctx = click.get_current_context()
    given = {_KEYWORD.get(p.name or "", p.name) for p in ctx.command.params
             if ctx.get_parameter_source(p.name or "") == click.core.ParameterSource.COMMANDLINE}
    _ROUTE.update(toml=str(toml), given=given)
    return read_portfolio(toml)


@cli.command(context_settings=CONTEXT)
@click.argument("portfolio", required=False, type=click.Path(path_type=Path))
@click.option("--outcomes", type=click.Path(path_type=Path),
              help="An outcomes CSV instead of a TOML portfolio (one row per outcome).")
@click.option("--history", "histories", multiple=True, metavar="TEAM=PATH",
              help="A team's history for --outcomes (repeatable; PATH alone for one team).")
@click.option("--source", "tracker", type=click.Choice(SOURCES), default="auto",
              show_default=True,
              help="With --outcomes: which tool exported the histories (auto recognises "
              "Jira, ado, GitHub and Linear exports).")
@click.option("--wip", type=click.IntRange(min=1), default=1, show_default=True,
              help="WIP limit of every team, with --outcomes.")
@click.option("--method", type=click.Choice(METHOD_CHOICES),
              default="auto", show_default=True,
              help="With --outcomes: how every team's past is sampled (see forecast when).")
@click.option("--window", type=click.IntRange(min=1), default=None,
              help="With --outcomes: calendar days of history to sample [default: 90, or what "
              "--method auto chooses].")
@click.option("--since", type=DATE, help="With --outcomes: sample the history from this date.")
@click.option("--calendar", type=click.Choice(["weekdays", "all"]), default="weekdays",
              show_default=True, help="With --outcomes: which days are working days.")
@click.option("--holidays", "country", metavar="CC",
              help="With --outcomes: country code of public holidays (e.g. GB).")
@click.option("--holidays-file", type=click.Path(path_type=Path),
              help="With --outcomes: a file of non-working dates, one YYYY-MM-DD per line.")
@click.option("--done-column", metavar="NAME",
              help="With --outcomes: the histories' done-date column, when not found by name.")
@click.option("--date-format", metavar="FMT",
              help="With --outcomes: strptime format of the histories' dates.")
@click.option("--exclude-type", multiple=True, metavar="TYPE",
              help="With --outcomes: leave out items of this type (repeatable).")
@click.option("--start", type=DATE, help="First day [default: the file's start, else today].")
@click.option("--trials", type=click.IntRange(min=1), default=None,
              help="Monte Carlo trials [default: the file's, else 10000].")
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None,
              help="Seed [default: the file's, else fixed; shown in the output].")
@click.option("--percentiles", default=None, callback=lambda c, p, v: None if v is None
              else _percentiles(c, p, v), help="Levels to report [default: 50,70,85,95].")
@output_options("table", "csv", "json")
@_plot_option("one bar per outcome (P50..P95, P85, target, status, dependencies)")
@click.option("--distribution", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE.csv", help=_DISTRIBUTION_HELP)
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help="Append each outcome's forecast to a record CSV (see 'forecast trend').")
def plan(**opts: Any) -> None:
    """When does each outcome of a portfolio land, and will they all?

    Simulates every team and outcome together on one timeline per trial,
    with priorities, WIP limits, multi-team outcomes, dependencies, scope
    growth, risks and capacity calendars. Prints each outcome's dates at the
    percentiles, its chance of meeting its target and a status (on track at
    85% or more, watch from 50%, at risk below), then the joint chance that
    every target is met. --format csv writes one row per outcome (columns
    outcome, teams, items, p50, p70, p85, p95, target, probability, status,
    not_within_horizon) for a spreadsheet.

    \b
    Examples:
      forecast plan examples/portfolio.toml
      forecast plan examples/portfolio.toml --format csv -o out/plan.csv --plot out/plan.png
      forecast plan examples/portfolio.toml --distribution out/plan-by-date.csv
      forecast plan --outcomes examples/outcomes.csv --history examples/team.csv \\
          --start 2024-06-03
    """
    from forecast.forecasting.plan import plan as run

    source, outcomes = opts["portfolio"], opts["outcomes"]
    _refuse_toml_as_outcomes(outcomes)
    if source is not None and outcomes is not None:
        raise click.UsageError("give a portfolio TOML file or --outcomes CSV, not both")
    if source is None and outcomes is None:
        raise click.UsageError("give a portfolio TOML file, or --outcomes CSV with --history")
    if source is not None and source.suffix.lower() in (".csv", ".tsv", ".txt", ".json"):
        raise click.UsageError(
            f"'{source}' is not a TOML portfolio; an outcomes CSV goes with --outcomes FILE "
            "--history TEAM=PATH, and a history with 'forecast when' or 'forecast how-many'")
    if outcomes is not None and not opts["histories"]:
        raise click.UsageError("--outcomes needs --history TEAM=PATH for each team")
    if source is not None:
        _refuse_per_team_options()
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
    histories = _history_pairs(opts["histories"])
    opts["protect"] = [source, outcomes, opts["holidays_file"], *histories.values()]
    _outputs(opts)  # cheap checks first: a wrong --output path fails before any reading

    def work(progress: _Progress) -> dict[str, Any]:
        portfolio = _read_plan(opts, source, outcomes, histories)
        if source is not None:
            opts["protect"] += [team.history.source for team in portfolio.teams]
            _outputs(opts)  # again, now that the histories the file names are known
        result = run(portfolio, start=opts["start"], trials=opts["trials"], rng=opts["seed"],
                     percentiles=opts["percentiles"])
        return _render(result, opts, lambda plots, r: plots.portfolio(r),
                       distribution=lambda r: r.distribution())

    _finish(_work("plan", work), opts)


@cli.command(context_settings=CONTEXT)
@click.argument("input_path", metavar="[PORTFOLIO.toml | HISTORY]", required=False,
                type=click.Path(path_type=Path))
@click.option("--outcomes", type=click.Path(path_type=Path),
              help="An outcomes CSV instead of a TOML portfolio (one row per outcome).")
@click.option("--history", "histories", multiple=True, metavar="TEAM=PATH",
              help="A team's history for --outcomes (repeatable; PATH alone for one team).")
@click.option("--wip", type=click.IntRange(min=1), default=1, show_default=True,
              help="WIP limit of every team, with --outcomes.")
@click.option("-n", "--items", type=click.IntRange(min=1),
              help="With a HISTORY: report when this many items will be done.")
@click.option("--target", type=DATE, help="With --items: the chance of being done by it.")
@click.option("--by", type=DATE, help="With a HISTORY: report how many items by this date.")
@click.option("--days", type=click.IntRange(min=1),
              help="With a HISTORY: report how many items in D working days.")
@_apply_reading
@click.option("--method", type=click.Choice(METHOD_CHOICES),
              default="auto", show_default=True,
              help="How the past is sampled (with a HISTORY or --outcomes; see forecast when).")
@click.option("--engine", type=click.Choice(["auto", "exact", "mc"]), default="auto",
              show_default=True, help="With a HISTORY: exact (no noise) or mc (Monte Carlo).")
@click.option("--trials", type=click.IntRange(min=1), default=None,
              help="Monte Carlo trials [default: the portfolio's, else 10000].")
@click.option("--seed", type=click.IntRange(min=0, max=2**64 - 1), default=None,
              help="Seed [default: the portfolio's, else fixed; shown in the report].")
@click.option("--percentiles", default=None, callback=lambda c, p, v: None if v is None
              else _percentiles(c, p, v), help="Levels to report [default: 50,70,85,95].")
@click.option("--no-backtest", is_flag=True,
              help="Leave out each team's backtest (the calibration section); faster.")
@click.option("--record", type=click.Path(dir_okay=False, path_type=Path),
              help="Append this forecast to a record CSV first, then show how the "
              "forecasts in it moved.")
@click.option("--name", help="With a HISTORY: the outcome's name in the --record file.")
@click.option("--title", help="The report's title [default: 'Delivery forecast: SOURCE'].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, metavar="FILE.html", help="The HTML file to write (atomically).")
def report(**opts: Any) -> None:
    """Write a self-contained HTML report: headline, charts, signals, calibration.

    For a portfolio (a TOML file, or --outcomes CSV with --history TEAM=PATH)
    or for one question about a HISTORY (--items N [--target DATE], or --by
    DATE or --days D). The page reads top to bottom: each outcome's P85 date,
    target, chance and status (and the joint chance), the charts, how the
    forecasts moved (with --record), each team's signals (data quality,
    drift, aging work) and its backtest, and the inputs that reproduce it.
    The file needs no network and runs no script: send it, print it.

    \b
    Examples:
      forecast report examples/portfolio.toml -o out/report.html
      forecast report --outcomes examples/outcomes.csv --history examples/team.csv \\
          --start 2024-06-03 -o out/report.html
      forecast report examples/team.csv --items 40 --target 2024-07-15 \\
          --start 2024-06-03 --record out/record.csv -o out/when.html
    """
    from forecast.present.report import plan_report, question_report, write_report

    source, outcomes = opts["input_path"], opts["outcomes"]
    _refuse_toml_as_outcomes(outcomes)
    question = any(opts[k] is not None for k in ("items", "by", "days"))
    if question:
        if source is None:
            raise click.UsageError("--items, --by and --days ask about a HISTORY: give its path")
        if outcomes is not None or opts["histories"]:
            raise click.UsageError("--items, --by and --days ask about one HISTORY; a portfolio "
                                   "(--outcomes with --history) is reported without them")
        if sum(opts[k] is not None for k in ("items", "by", "days")) != 1:
            raise click.UsageError("give one of --items N, --by DATE or --days D")
        if opts["target"] is not None and opts["items"] is None:
            raise click.UsageError("--target goes with --items; --by is the date of how-many")
    else:
        if (source is None) == (outcomes is None):
            raise click.UsageError("give a portfolio TOML file, --outcomes CSV with --history, "
                                   "or a HISTORY with --items N, --by DATE or --days D")
        if outcomes is not None and not opts["histories"]:
            raise click.UsageError("--outcomes needs --history TEAM=PATH for each team")
        if source is not None and source.suffix.lower() != ".toml" and source.is_file() and (
                source.suffix.lower() in (".csv", ".json", ".tsv", ".txt")):
            if _is_outcomes_csv(source):
                raise click.UsageError(f"'{source}' is an outcomes CSV: give it as --outcomes "
                                       f"{source} with --history TEAM=PATH for each team")
            raise click.UsageError(f"'{source}' looks like a history: ask a question about it "
                                   "with --items N, --by DATE or --days D (or give a portfolio "
                                   "TOML file)")
        if source is not None:
            _refuse_per_team_options()
        wrong = _given(("engine", "target", "name"))
        if wrong:
            raise click.UsageError(f"{', '.join(wrong)} go{'es' if len(wrong) == 1 else ''} "
                                   "with a question about a HISTORY (--items, --by or --days)")
    if opts["window"] is not None and opts["since"] is not None:
        raise click.UsageError("give --window or --since, not both")
    _check_suffix(opts["output"], (".html", ".htm"), "--output", "the report is an HTML page")
    histories = _history_pairs(opts["histories"])
    opts.update(fmt=None, plot=None)
    opts["protect"] = [source, outcomes, opts["holidays_file"], *histories.values()]
    if not question:
        opts["engine"] = "mc"  # a plan is always Monte Carlo: no note on --trials
    _outputs(opts)
    backtest = not opts["no_backtest"]
    history: Any = None

    def compute(progress: _Progress) -> Any:
        nonlocal history
        if question:
            from forecast.forecasting.questions import how_many, when

            history = _read(opts, source)
            kwargs = {**_window(opts), "trials": opts["trials"] or 10_000,
                      "percentiles": opts["percentiles"] or (50, 70, 85, 95)}
            if opts["items"] is not None:
                return when(history, opts["items"], target=opts["target"], **kwargs)
            return how_many(history, by=opts["by"], days=opts["days"], **kwargs)
        from forecast.forecasting.plan import plan as run

        portfolio = _read_plan(opts, source, outcomes, histories)
        if source is not None:
            opts["protect"] += [team.history.source for team in portfolio.teams]
            _outputs(opts)
        return run(portfolio, start=opts["start"], trials=opts["trials"], rng=opts["seed"],
                   percentiles=opts["percentiles"])

    def build(progress: _Progress) -> str:
        if question:
            return question_report(result, history, backtest=backtest, record=opts["record"],
                                   title=opts["title"])
        return plan_report(result, backtest=backtest, record=opts["record"],
                           title=opts["title"])

    result = _work("report", compute)
    if opts["record"] is not None:  # first the record, so that the report shows it
        _record(result, opts)
    text = _work("report", build)
    with _Writing():
        write_report(text, opts["output"], protect=opts["protect"])
        _WRITTEN.append(opts["output"])
    click.echo(f"wrote {opts['output']}", err=True)


def main() -> None:
    """Entry point of the ``forecast`` console script.

    It first takes SIGINT over (:func:`_on_sigint`), so that a Ctrl-C while the
    command imports the library (numpy, pandas, numba), as during the work,
    ends in the one line and status 130. The console script enters through
    :func:`forecast.cli.main`, which answers a Ctrl-C the same way while this
    module (and click) are imported; only Python's own start-up, before that
    runs, keeps Python's handler. A SIGINT that was ignored when the process
    started (a background job of a shell without job control) stays ignored,
    as in any Unix program.
    """
    global _HARD_EXIT
    _HARD_EXIT = True
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # (the console script's own
        signal.signal(signal.SIGINT, _on_sigint)  # early handler, forecast.cli, is replaced)
    cli(prog_name="forecast")
