"""Input files as forecast reads them: regular files of bounded size, text, CSV cells.

Every file a user gives (a history, an outcomes CSV, a holidays file) is read
here: only a regular file is opened (a directory, FIFO, device or socket is
refused by what it is, before it could block or never end), no more than
:data:`MAX_FILE_BYTES` is read, a binary file is called binary, and a CSV is
split into cells as a spreadsheet would, refusing what would silently lose
rows (a quote never closed). Errors never echo a file that is not a
recognisable export.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.core.calendar import DATE_RANGE, FIRST_DATE, LAST_DATE
from forecast.core.checks import plural
from forecast.exceptions import DataError, InputFileError
from forecast.io import trackers
from forecast.io.columns import (
    COUNT_NAMES,
    DONE_COLUMN_NAMES,
    ID_NAMES,
    PARENT_NAMES,
    START_NAMES,
    TYPE_NAMES,
    norm_name,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_FILE_BYTES", "MAX_FILE_SIZE", "REPEATED_ATTR", "read_text_file",
           "read_holidays_file", "parse_csv", "unique_names", "recognisable"]

MAX_FILE_BYTES = 1_000_000_000
"""The most an input file may hold (1 GB): a larger one is refused before it is read,
and no more than this is ever read, whatever the file claims to be."""

MAX_FILE_SIZE = "1 GB"
""":data:`MAX_FILE_BYTES` as messages state it."""

_BINARY_SAMPLE = 65_536
"""Characters of a file inspected to tell text from binary."""

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd]")
"""Characters that text exports do not hold (controls other than tab, newlines and form
feed, and bytes no encoding could read)."""


def _decode(raw: bytes, path: Path, what: str) -> str:
    if raw[:2] == b"PK" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputFileError(
            f"{what} file '{path}' looks like an Excel workbook, not a CSV file; "
            "save it as 'CSV UTF-8' and give that file"
        )
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _is_binary(text: str) -> bool:
    """Return whether decoded text is really a binary file's bytes (a NUL, or many controls)."""
    if "\x00" in text:
        return True
    sample = text[:_BINARY_SAMPLE]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))
"""What a path that is not a regular file is, as messages name it."""


def file_kind(mode: int) -> str:
    """Say what kind of file ``mode`` (an ``st_mode``) is, for a message.

    Examples
    --------
    >>> import os
    >>> file_kind(os.stat(".").st_mode), file_kind(os.stat("pyproject.toml").st_mode)
    ('a directory', 'a regular file')
    """
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def path_kind(path: Path | str) -> str | None:
    """Say what ``path`` is when it is not a regular file (None when it is one or is missing).

    Found without opening it, so a FIFO does not block.

    Examples
    --------
    >>> path_kind("."), path_kind("pyproject.toml"), path_kind("/dev/null")
    ('a directory', None, 'a character device')
    """
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) else file_kind(mode)


def _read_bytes(path: Path, what: str, expected: str) -> bytes:
    """Read a regular file of at most :data:`MAX_FILE_BYTES`, or raise a one-line error.

    A directory, FIFO, device or socket is refused by what it is, before it is
    opened (a FIFO would block, ``/dev/zero`` would never end).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(f"{what} file '{path}' does not exist; check the path") from None
    except OSError as exc:
        raise InputFileError(f"{what} file '{path}' cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise InputFileError(f"{what} '{path}' is a directory; give {expected}")
        raise InputFileError(
            f"{what} '{path}' is {file_kind(info.st_mode)}, not a regular file; forecast reads "
            f"only regular files: save the data to a file and give {expected}")
    too_big = InputFileError(
        f"{what} file '{path}' is larger than {MAX_FILE_SIZE}, the most forecast reads; "
        "export fewer rows or columns")
    if info.st_size > MAX_FILE_BYTES:
        raise too_big
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening it does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputFileError(f"{what} '{path}' is not a regular file; give {expected}")
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        if isinstance(exc, InputFileError):
            raise
        raise InputFileError(f"{what} file '{path}' cannot be read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise too_big
    return raw


def read_text_file(path: Path, what: str, expected: str = "a CSV file") -> str:
    """Read an input text file whatever its encoding, or raise a one-line InputFileError.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read; a binary
    file (an executable, an archive, random bytes) is refused as binary.

    Parameters
    ----------
    path : Path
        The file.
    what : str
        What the file is, for messages ("history", "holidays").
    expected : str
        What to give instead, for messages ("a CSV file").

    Examples
    --------
    >>> read_text_file(Path("/dev/null"), "history")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.InputFileError: history '/dev/null' is a character device, not a regular
    file; forecast reads only regular files: save the data to a file and give a CSV file
    """
    text = _decode(_read_bytes(path, what, expected), path, what)
    if _is_binary(text):
        raise InputFileError(
            f"{what} file '{path}' is a binary file, not text; give {expected} "
            "(a text export: UTF-8, UTF-16 or Windows-1252)")
    return text


_HOLIDAY_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_holidays_file(path: Path) -> list[dt.date]:
    """Return the dates of a holidays file: one ``YYYY-MM-DD`` a line, ``#`` comments allowed.

    A line may carry more cells after the date, separated by a comma,
    semicolon or tab (``2024-12-25,Christmas``); a header line ``date`` is
    skipped. Anything else is refused with its line number, and so is a date
    outside :data:`~forecast.core.calendar.DATE_RANGE`.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "off.txt"
    ...     _ = path.write_text("date\\n2024-12-25,Christmas  # office closed\\n2024-12-26\\n")
    ...     read_holidays_file(path)
    [datetime.date(2024, 12, 25), datetime.date(2024, 12, 26)]
    """
    expected = "a text file with one YYYY-MM-DD a line"
    text = read_text_file(path, "holidays", expected)
    dates = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        content = line.split("#", 1)[0].strip()
        cell = re.split(r"[,;\t]", content, maxsplit=1)[0].strip()
        if not content or cell.lower() in {"date", "day", "holiday", "holidays"}:
            continue
        day = None
        if _HOLIDAY_DATE.fullmatch(cell):
            try:
                day = dt.date.fromisoformat(cell)
            except ValueError:
                pass
        if day is None:
            shown = cell if len(cell) <= 40 else cell[:40] + "…"
            raise DataError(
                f"holidays file '{path}', line {number}: cannot read {shown!r} as a date; "
                "write one YYYY-MM-DD per line (a comment after #)")
        if not FIRST_DATE <= day <= LAST_DATE:
            raise DataError(
                f"holidays file '{path}', line {number}: {cell} is out of range; dates must "
                f"lie from {DATE_RANGE}")
        dates.append(day)
    return dates


def parse_csv(text: str, path: Path, what: str) -> pd.DataFrame:
    """Split CSV text into text cells, indexed by spreadsheet row number.

    The separator is the first line's most frequent of ``,;\\t|`` (or what a
    ``sep=`` line says); a row with more cells than the header, and a quote
    never closed, are refused with their row.

    Examples
    --------
    >>> parse_csv("id;done\\na;2024-06-03\\n", Path("h.csv"), "history").to_dict("index")
    {2: {'id': 'a', 'done': '2024-06-03'}}
    >>> parse_csv('id,done\\n"a,2024-06-03\\n', Path("h.csv"), "history")
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: history file 'h.csv', row 2, column 'id': a quote (") opened
    in this row is never closed, so the rest of the file would be read as one cell; close the
    quote, or remove it
    """
    import pandas as pd

    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise InputFileError(
            f"{what} file '{path}' is empty; it needs a header row and one row per "
            "completed item"
        )
    sep_line = re.fullmatch(r"\s*sep=(.)\s*", lines[first])  # Excel's separator hint
    offset = 0
    if sep_line:
        sep = sep_line.group(1)
        offset = first + 1
        text = "\n".join(lines[offset:])
    else:
        sep = max((",", ";", "\t", "|"), key=lines[first].count)
    records, spans = _csv_records(text, sep, path, what)
    # Rows are numbered as a spreadsheet shows them: Excel hides a sep= line.
    numbered = [(n + 1, r) for n, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:
        raise InputFileError(f"{what} file '{path}' is empty; it needs a header row")
    header = [c.strip() for c in numbered[0][1]]
    width = len(header)
    body = numbered[1:]
    if not body:
        shown = f" ({', '.join(header)})" if recognisable(header) else ""
        raise InputFileError(
            f"{what} file '{path}' has a header{shown} but no rows; "
            "it needs one row per completed item"
        )
    cells = []
    for number, record in body:
        if len(record) > width and any(c.strip() for c in record[width:]):
            span = spans[number - 1]
            quote = (f" (this row runs over {span} lines: is a quote left open?)"
                     if span > 1 else "")
            raise DataError(
                f"{what} file '{path}', row {number}: {len(record)} cells but the header has "
                f"{width}{quote}; put quotes around cells that contain the separator {sep!r}"
            )
        cells.append((record + [""] * width)[:width])
    names, repeated = unique_names(header)
    frame = pd.DataFrame(cells, columns=names, index=[n for n, _ in body], dtype=object)
    frame.attrs[REPEATED_ATTR] = repeated
    return frame


REPEATED_ATTR = "forecast.repeated_columns"
"""The frame attribute holding the header names that appear more than once, with their
positions (1-based), as :func:`unique_names` found them."""


def unique_names(header: Sequence[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Return the header with repeated names made unique, and the repeated names' positions.

    A repeated name gets ``.1``, ``.2`` as spreadsheets show them; whether a
    repeated column may be read is decided once the reading is known (see
    :func:`_refuse_repeated_columns`): a Jira export repeats ``Labels`` and
    ``Sprint`` harmlessly.

    Examples
    --------
    >>> unique_names(["id", "done", "title", "done"])
    (['id', 'done', 'title', 'done.1'], {'done': [2, 4]})
    """
    seen: dict[str, int] = {}
    names: list[str] = []
    positions: dict[str, list[int]] = {}
    for at, name in enumerate(header, 1):
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
        positions.setdefault(name, []).append(at)
    return names, {n: p for n, p in positions.items() if len(p) > 1}


def _csv_records(text: str, sep: str, path: Path, what: str) -> tuple[list[list[str]], list[int]]:
    """Split CSV text into records, with the number of lines each spans.

    A quote that is never closed would swallow the rest of the file into one
    cell: it is refused, naming the row where it opened. Cells may be as long
    as the file (the csv module's limit is lifted while reading).
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_FILE_BYTES + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        records: list[list[str]] = []
        spans: list[int] = []
        line = 0
        for record in reader:
            records.append(record)
            spans.append(reader.line_num - line)
            line = reader.line_num
    except csv.Error as exc:
        raise DataError(f"{what} file '{path}' is not a readable CSV file: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    if records and _ends_in_open_quote(text, sep, line - spans[-1]):
        row = len(records)
        header = [c.strip() for c in records[0]] if row > 1 else []
        at = len(records[-1])
        column = (f", column {header[at - 1]!r}" if 0 < at <= len(header)
                  and recognisable(header) else "")
        rest = f" ({plural(spans[-1], 'line')} to the end of the file)" if spans[-1] > 1 else ""
        raise DataError(
            f"{what} file '{path}', row {row}{column}: a quote (\") opened in this row is never "
            f"closed, so the rest of the file{rest} would be read as one cell; close the quote, "
            "or remove it")
    return records, spans


def _ends_in_open_quote(text: str, sep: str, first_line: int) -> bool:
    """Return whether the CSV record starting after ``first_line`` lines ends inside a quote."""
    if '"' not in text:
        return False
    buffer = io.StringIO(text, newline="")
    for _ in range(first_line):
        buffer.readline()
    tail = buffer.read()
    if '"' not in tail:
        return False
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_FILE_BYTES + 1))
    try:
        list(csv.reader(io.StringIO(tail, newline=""), delimiter=sep, strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    finally:
        csv.field_size_limit(limit)
    return False


def _known_names() -> frozenset[str]:
    """Every column name some reading looks for, normalised (see :func:`norm_name`)."""
    names = {*DONE_COLUMN_NAMES, *COUNT_NAMES, *TYPE_NAMES, *START_NAMES, *ID_NAMES,
             *PARENT_NAMES, "title", "summary", "name", "status", "state"}
    for tracker in trackers.TRACKERS.values():
        for role_names in tracker.columns.values():
            names.update(role_names)
    return frozenset(names)


def recognisable(columns: Iterable[object]) -> bool:
    """Return whether a header names a column some reading knows, so it may be shown.

    An error never echoes a file that is not a recognisable export: the first
    line of ``/etc/shadow`` is no list of columns.

    Examples
    --------
    >>> recognisable(["id", "title"]), recognisable(["root:*:19000:0:99999:7:::"])
    (True, False)
    """
    known = _known_names()
    return any(norm_name(c) in known for c in columns)
