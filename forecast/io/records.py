"""A record of forecasts over time, and how they moved.

``--record FILE.csv`` appends one row per outcome to a record file and never
rewrites earlier rows; :func:`trend` reads it back and shows, per outcome,
how its P85 (a date; for How many, a count of items or more) and its chance
of meeting the target moved, flagging slips of a date. An outcome is followed
by its name, and the default names name the question (not the start), so
records of one question from successive starts form one outcome.
A row cut short by an interrupted write is detected, reported and skipped;
the rows before it are intact.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import os
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forecast.core.checks import plural
from forecast.exceptions import DataError, InputFileError, OutputError, ref
from forecast.io.files import file_kind
from forecast.io.output import csv_cell
from forecast.results.forecast import HowManyForecast, WhenForecast
from forecast.results.plan import PlanResult

if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt

    fcntl = None
else:
    import fcntl

    msvcrt = None

__all__ = ["RECORD_COLUMNS", "LOCKING", "record", "check_record_file", "trend",
           "TrendResult", "Slip"]

RECORD_COLUMNS = ("recorded_at", "question", "outcome", "fingerprint", "start", "p50", "p70",
                  "p85", "p95", "target", "probability", "engine", "trials", "seed")
"""Columns of a record file, in order. ``pNN`` are ISO dates (When, plan) or
item counts (How many); ``probability`` is the chance of meeting ``target``."""

# The levels a record keeps are its pNN columns, fixed by the file format (a record's
# header must be RECORD_COLUMNS), not DEFAULT_PERCENTILES or the levels a run asked for.
_RECORD_LEVELS = tuple(int(c[1:]) for c in RECORD_COLUMNS if c[0] == "p" and c[1:].isdigit())


def _fingerprint(result: Any) -> str:
    digest = hashlib.sha256()
    samples = getattr(result, "samples", None) or (result.sample,)
    for sample in samples:
        digest.update(sample.counts.tobytes())
        digest.update(f"{sample.first}{sample.last}{sample.calendar.describe()}".encode())
    if hasattr(result, "portfolio"):
        for o in result.portfolio.outcomes:
            digest.update(repr((o.name, o.parts, o.split, o.depends_on, o.priority)).encode())
        for r in result.portfolio.risks:
            digest.update(repr(r).encode())
    else:
        digest.update(repr((getattr(result, "items", None), getattr(result, "days", None),
                            result.method)).encode())
    return digest.hexdigest()[:12]


def _how_many_name(result: Any) -> str:
    """Default outcome name of a How-many forecast: the question asked, stable over starts.

    ``--by DATE`` asks about a fixed date, so the name is that date's ("items by
    2024-06-28"), not the working days left, which shrink as the start moves;
    ``--days N`` asks about a fixed span ("items in 10 working days").
    """
    if result.by is not None:
        return f"items by {result.by.isoformat()}"
    return f"items in {result.days:,} working day{'' if result.days == 1 else 's'}"


def _rows(result: Any, name: str | None, now: str) -> list[dict[str, Any]]:
    def levels(values: dict[float, Any]) -> dict[str, Any]:
        return {f"p{p}": values.get(float(p)) for p in _RECORD_LEVELS}

    fingerprint = _fingerprint(result)
    base = {"recorded_at": now, "fingerprint": fingerprint, "start": result.start.isoformat(),
            "trials": result.trials, "seed": result.seed}
    if isinstance(result, PlanResult):
        rows = []
        for item in result.to_dict()["outcomes"]:
            values = {pc["p"]: pc["date"] for pc in item["percentiles"]}
            rows.append({**base, "question": "plan", "outcome": item["name"], **levels(values),
                         "target": item["target"], "probability": item["probability"],
                         "engine": "mc"})
        return rows
    if isinstance(result, WhenForecast):
        values = {pc.p: pc.date.isoformat() if pc.date else None
                  for pc in (result.percentile(p) for p in _RECORD_LEVELS)}
        prob = result.likelihood(result.target) if result.target else None
        return [{**base, "question": "when", "outcome": name or f"{result.items} items",
                 **levels(values), "target": result.target.isoformat() if result.target else None,
                 "probability": prob, "engine": result.engine}]
    if isinstance(result, HowManyForecast):
        values = {pc.p: pc.value for pc in (result.percentile(p) for p in _RECORD_LEVELS)}
        return [{**base, "question": "how-many", "outcome": name or _how_many_name(result),
                 **levels(values), "target": result.end.isoformat(), "probability": None,
                 "engine": result.engine}]
    raise TypeError(f"cannot record a {type(result).__name__}")


def record(result: Any, path: str | os.PathLike[str], *, name: str | None = None,
           now: dt.datetime | None = None) -> int:
    r"""Append ``result`` to a record file, one row per outcome; return the rows written.

    The file is created with a header when missing. Earlier rows are never
    rewritten: the new rows are appended in one write and flushed to disk.
    The check for a header and the append are done under an exclusive lock
    on the file (:data:`LOCKING`), so that processes recording to the same
    file at the same moment write one header and whole rows. A write that
    fails (a full disk) is undone: the file is cut back to its size before
    the append and :class:`~forecast.exceptions.OutputError` is raised. If
    the file ends in a row cut short (an earlier interrupted write), the new
    rows start on a fresh line and the broken row is left for :func:`trend`
    to report. Text cells are made safe as every CSV cell is
    (:func:`~forecast.io.output.csv_cell`), with runs of white space in
    names written as one space.

    Parameters
    ----------
    result : WhenForecast, HowManyForecast or PlanResult
        What to record (P50, P70, P85 and P95 are recorded whatever was asked).
    path : path
        The record CSV.
    name : str, optional
        The outcome's name for a single question. By default it names the
        question, so that records of the same question made from different
        starts are followed as one outcome: "40 items" (When), "items by
        2024-06-28" (How many ``by=``), "items in 10 working days" (How many
        ``days=``).
    now : datetime, optional
        The time written in ``recorded_at`` (default: now, UTC).

    Raises
    ------
    DataError
        When the file holds something other than forecast records.
    OutputError
        When the file cannot be opened, locked or appended to (it is then
        left as it was), or is not a regular file.

    Examples
    --------
    >>> import forecast, tempfile, pathlib
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> f = forecast.when(h, 10, start="2024-06-05", target="2024-06-14")
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "record.csv"
    >>> record(f, log, name="release 1")
    1
    >>> record(f, log, name="=release\r2")   # one line, and never a formula
    1
    >>> [line.split(",")[2] for line in log.read_text().splitlines()]
    ['outcome', 'release 1', "'=release 2"]
    """
    target = Path(path)
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    rows = _rows(result, name, stamp)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_record_cell(row[column]) for column in RECORD_COLUMNS])
    body = buffer.getvalue().encode("utf-8")
    fd = _open_for_append(target)
    try:
        _lock(fd, target)
        size = os.fstat(fd).st_size
        if size == 0:
            payload = (",".join(RECORD_COLUMNS) + "\n").encode("utf-8") + body
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            _check_head(os.read(fd, _HEAD_BYTES), target)
            os.lseek(fd, size - 1, os.SEEK_SET)
            payload = body if os.read(fd, 1) == b"\n" else b"\n" + body
        _append(fd, payload, size, target)
    finally:
        if msvcrt is not None:  # pragma: no cover - Windows: unlock before closing
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                pass
        os.close(fd)  # closing the file releases an flock
    return len(rows)


def _record_cell(value: Any) -> Any:
    """Return a record's cell: missing as empty, text on one line with runs of space as one."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = " ".join(value.split())
    return csv_cell(value)


LOCKING = "fcntl" if fcntl is not None else "msvcrt" if msvcrt is not None else "none"
"""How :func:`record` locks a record file: ``fcntl`` (``flock``, on POSIX systems),
``msvcrt`` (``locking`` of the file's first byte, on Windows), or ``none`` elsewhere, where
two processes recording to one new file at the same moment may both write the header
(:func:`trend` then skips the second). Where the file system refuses locks (``ENOLCK``,
some network file systems), the append goes ahead unlocked."""

LOCK_TIMEOUT = 10.0
"""Seconds :func:`record` waits for another process's lock on the record file."""

_HEAD_BYTES = 4096  # enough for the header line of a record file


def _open_for_append(target: Path) -> int:
    """Open (creating if needed) ``target`` for appending; refuse anything but a regular file."""
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(target, flags, 0o666)
    except OSError as exc:
        raise _cannot(target, "open", exc) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise OutputError(f"record file '{target}' is {file_kind(mode)}, not a regular file; "
                          f"give a CSV file to {ref('record')}", parameter="record")
    return fd


def _lock(fd: int, target: Path) -> None:
    """Hold an exclusive lock on the open record file (released when it is closed)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif msvcrt is not None:  # pragma: no cover - Windows
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                return  # this file system has no locks: append without one (see LOCKING)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
                raise _cannot(target, "lock", exc) from None
            if time.monotonic() > deadline:
                raise OutputError(
                    f"record file '{target}' is held by another process for over "
                    f"{LOCK_TIMEOUT:g} s; the forecast was not recorded: try again when it is "
                    "done", parameter="record") from None
            time.sleep(0.01)


def _append(fd: int, payload: bytes, size: int, target: Path) -> None:
    """Append ``payload`` whole, or cut the file back to ``size`` and raise OutputError."""
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, size)
            kept = "the record file is as it was"
        except OSError:  # pragma: no cover - truncating a file one could write
            kept = "its last row may be cut short, which 'forecast trend' skips"
        else:
            try:  # the content is back already; this only makes it durable
                os.fsync(fd)
            except OSError:
                pass
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot append to record file '{target}': {reason}; {kept}, and "
                          "this forecast was not recorded: free some space (or give another "
                          f"{ref('record')} file) and run again", parameter="record") from None


def _cannot(target: Path, what: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"cannot {what} record file '{target}': {reason}; give a file you can "
                       f"write to {ref('record')}", parameter="record")


def check_record_file(path: str | os.PathLike[str]) -> None:
    """Check, before any work, that ``path`` can take a record: raise if it cannot.

    A missing or empty file is fine (:func:`record` starts it with the
    header) when its folder exists and a file can be created in it; an
    existing file must be a regular file of forecast records that can be
    appended to. Nothing is written: a new file is not created yet.

    Raises
    ------
    DataError
        When ``path`` holds something other than forecast records.
    OutputError
        When ``path`` is a directory, a named pipe, a device or another
        special file, or its folder is missing, or it cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from forecast.exceptions import DataError
    >>> other = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
    >>> _ = other.write_text("outcome,teams,p50\\n")
    >>> try:
    ...     check_record_file(other)
    ... except DataError as exc:
    ...     print(str(exc).split(";")[0].split("/")[-1])
    plan.csv' is not a forecast record file (its header is 'outcome,teams,p50')
    >>> check_record_file(other.parent / "new.csv")   # a new file in a folder one can write
    """
    target = Path(path)
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a parent that is a file (ENOTDIR), a loop of links, no access
        if exc.errno == errno.ENOTDIR:
            info = None
        else:
            raise _cannot(target, "reach", exc) from None
    if info is None:
        _check_new(target)
        return
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"record file '{target}' is {file_kind(info.st_mode)}, not a regular "
                          f"file; give a CSV file to {ref('record')}", parameter="record")
    if info.st_size > 0:
        try:
            with open(target, "rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except OSError as exc:
            raise DataError(f"cannot read '{target}' as a record file "
                            f"({exc.strerror or exc})") from None
        _check_head(head, target)
    try:  # opening to append writes nothing and changes no time stamp
        os.close(os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        raise _cannot(target, "write to", exc) from None


def _check_new(target: Path) -> None:
    """Check that a record file can be created at ``target`` (a probe file is made and removed)."""
    parent = target.parent
    if not parent.exists():
        raise OutputError(f"the folder of record file '{target}', '{parent}', does not exist; "
                          "create it first", parameter="record")
    if not parent.is_dir():
        raise OutputError(f"the folder of record file '{target}', '{parent}', is "
                          f"{_parent_kind(parent)}, not a folder; give a path in "
                          "a folder", parameter="record")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot create record file '{target}' in '{parent}': "
                          f"{exc.strerror or exc}; give a folder you can write to "
                          f"{ref('record')}", parameter="record") from None
    os.close(fd)
    os.unlink(probe)


def _check_head(head: bytes, target: Path) -> None:
    """Raise DataError when the first line of a file is not the header of a record file."""
    try:
        line = head.split(b"\n", 1)[0].decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise DataError(f"'{target}' is not a forecast record file (it is not UTF-8 text); "
                        f"give a new file or one written by {ref('record')}") from None
    if line.split(",") != list(RECORD_COLUMNS):
        shown = line if len(line) <= 70 else line[:67] + "..."
        raise DataError(f"'{target}' is not a forecast record file (its header is {shown!r}); "
                        f"give a new file or one written by {ref('record')}")


@dataclass(frozen=True)
class Slip:
    """A move of an outcome's P85 between two consecutive records."""

    outcome: str
    recorded_at: str
    before: str
    after: str
    days: int


@dataclass(frozen=True, eq=False)
class TrendResult:
    """Records per outcome, the moves of P85 and probability, and the slips."""

    source: str
    rows: tuple[dict[str, str], ...]
    slips: tuple[Slip, ...]
    threshold: int
    skipped: tuple[str, ...] = field(default=())

    @property
    def outcomes(self) -> list[str]:
        """Outcome names in order of first appearance."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.setdefault(row["outcome"], None)
        return list(seen)

    def history(self, outcome: str) -> list[dict[str, str]]:
        """Return the records of one outcome, oldest first."""
        return [r for r in self.rows if r["outcome"] == outcome]

    @property
    def warnings(self) -> tuple[str, ...]:
        """Broken rows and slips, as sentences."""
        out = list(self.skipped)
        out.extend(
            f"{s.outcome}: P85 slipped {s.days} days ({s.before} -> {s.after}) at {s.recorded_at}"
            for s in self.slips
        )
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Return the trend as JSON-ready values."""
        return {
            "question": "trend",
            "source": self.source,
            "outcomes": [
                {"name": name,
                 "records": [{"recorded_at": r["recorded_at"], "p85": r["p85"] or None,
                              "target": r["target"] or None,
                              "probability": float(r["probability"]) if r["probability"]
                              else None, "fingerprint": r["fingerprint"]}
                             for r in self.history(name)]}
                for name in self.outcomes
            ],
            "slips": [s.__dict__ for s in self.slips],
            "slip_threshold_days": self.threshold,
            "warnings": list(self.warnings),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def __str__(self) -> str:
        lines = [f"Trend of {self.source}: {plural(len(self.rows), 'row')}, "
                 f"{plural(len(self.outcomes), 'outcome')}"]
        for name in self.outcomes:
            rows = self.history(name)
            first, last = rows[0], rows[-1]
            lines.append("")
            lines.append(f"  {name}  ({_about(rows)})")
            lines.append("    recorded at                 P85         chance   moved")
            previous = None
            for r in rows:
                moved = ""
                if previous is not None and is_iso_date(r["p85"]) and is_iso_date(previous):
                    delta = (dt.date.fromisoformat(r["p85"])
                             - dt.date.fromisoformat(previous)).days
                    moved = f"{delta:+d} days" + ("  SLIP" if delta > self.threshold else "")
                elif previous is not None and is_count(r["p85"]) and is_count(previous):
                    delta = int(r["p85"]) - int(previous)
                    moved = f"{delta:+d} item{'' if abs(delta) == 1 else 's'}"
                chance = f"{float(r['probability']):.0%}" if r["probability"] else "—"
                lines.append(f"    {r['recorded_at']:<26}  {r['p85'] or '—':<10}  {chance:>6}"
                             f"   {moved}")
                previous = r["p85"]
            if len(rows) > 1 and first["probability"] and last["probability"]:
                # a change of a probability is in percentage points, not percent
                before, after = _percent(first["probability"]), _percent(last["probability"])
                moved_by = ("did not move" if after == before else
                            f"moved {after - before:+d} pp ({before}% -> {after}%)")
                lines.append(f"    chance of meeting the target {moved_by} over "
                             f"{len(rows)} records")
        if self.warnings:
            lines.append("")
            lines.extend(f"  warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _about(rows: list[dict[str, str]]) -> str:
    """Say what an outcome's P85 is measured against, for its heading in the trend."""
    if all(r["question"] == "how-many" for r in rows):
        ends = sorted({r["target"] for r in rows if r["target"]})
        by = ("" if not ends else f" by {ends[0]}" if len(ends) == 1 else
              f"; the span ends {ends[0]} .. {ends[-1]}")
        return f"P85: items or more{by}"
    return f"target {rows[-1]['target'] or '—'}"


def _percent(probability: str) -> int:
    """Return a recorded probability in whole percent, rounded as the trend prints it."""
    return int(f"{float(probability):.0%}".rstrip("%"))


def is_count(text: str) -> bool:
    """Whether a recorded P85 is an item count (How many) rather than a date."""
    return text.isascii() and text.isdigit()


def is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def trend(path: str | os.PathLike[str], *, slip_days: int = 5) -> TrendResult:
    """Read a record file and find how each outcome's P85 moved.

    Parameters
    ----------
    path : path
        A file written by :func:`record` (``--record``).
    slip_days : int
        A move of P85 later by more than this many calendar days between
        two consecutive records is flagged as a slip.

    Returns
    -------
    TrendResult

    Examples
    --------
    >>> import forecast, tempfile, pathlib, datetime as dt
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "record.csv"
    >>> for items in (10, 20):
    ...     _ = record(forecast.when(h, items, start="2024-06-05"), log, name="r1")
    >>> [s.days for s in trend(log).slips]
    [11]
    """
    file = Path(path)
    try:
        info = file.stat()
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            raise InputFileError(f"cannot read record file '{file}': "
                                 f"{exc.strerror or exc}") from None
        raise InputFileError(f"record file '{file}' does not exist; write one with "
                             f"{ref('record')}") from None
    if not stat.S_ISREG(info.st_mode):  # never opened: a named pipe would block, a device
        raise InputFileError(f"record file '{file}' is {file_kind(info.st_mode)}, not a "
                             f"regular file; give the CSV file written by {ref('record')}")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read record file '{file}': "
                             f"{exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"'{file}' is not a forecast record file: byte {exc.start + 1:,} is not "
                        f"UTF-8 text; give a file written by {ref('record')}") from None
    if not text.strip():
        raise DataError(f"record file '{file}' is empty: no forecast has been recorded in it "
                        f"yet; record one with {ref('record')}")
    lines = text.split("\n")
    header = next(csv.reader(lines[:1]), None)
    if header != list(RECORD_COLUMNS):
        raise DataError(f"'{file}' is not a forecast record file; its header should be "
                        f"{','.join(RECORD_COLUMNS)}")
    header_line = ",".join(RECORD_COLUMNS)
    rows: list[dict[str, str]] = []
    skipped: list[str] = []
    complete = text.endswith("\n")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.rstrip("\r") == header_line:
            continue  # a header again: two recorders without a lock (see LOCKING)
        # one record per physical line: a row cut inside a quoted cell cannot swallow the next
        cells = next(csv.reader([line]), [])
        last_line = number == len(lines) and not complete
        if len(cells) != len(RECORD_COLUMNS) or last_line or not _is_row(cells):
            skipped.append(f"row {number} of '{file}' is incomplete (an interrupted write?) "
                           "and was skipped; the rows before it are intact")
            continue
        rows.append(dict(zip(RECORD_COLUMNS, cells, strict=True)))
    if not rows:
        raise DataError(f"'{file}' has no complete record yet")
    slips = []
    by_outcome: dict[str, str] = {}
    for row in rows:
        before = by_outcome.get(row["outcome"])
        if before and is_iso_date(before) and is_iso_date(row["p85"]):
            delta = (dt.date.fromisoformat(row["p85"]) - dt.date.fromisoformat(before)).days
            if delta > slip_days:
                slips.append(Slip(row["outcome"], row["recorded_at"], before, row["p85"], delta))
        by_outcome[row["outcome"]] = row["p85"]
    return TrendResult(source=str(file), rows=tuple(rows), slips=tuple(slips),
                       threshold=slip_days, skipped=tuple(skipped))


def _is_row(cells: list[str]) -> bool:
    try:
        dt.datetime.fromisoformat(cells[0])
    except ValueError:
        return False
    return cells[1] in ("when", "how-many", "plan")




def _parent_kind(parent: Path) -> str:
    mode = parent.stat().st_mode
    return "a file" if stat.S_ISREG(mode) else file_kind(mode)
