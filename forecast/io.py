"""Reading histories and writing outputs.

A history is a CSV file (or a DataFrame) with one row per completed item,
whose done-date column is found by name among the names that common trackers
export, or a daily throughput file with ``date`` and ``count`` columns. The
exports of Jira, Azure DevOps, GitHub (JSON from ``gh``) and Linear are
recognised and read by their own rules (see :mod:`forecast.importers`).
Outputs are written atomically and never over an input file, and text cells
are made safe for spreadsheets.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .calendar import Calendar
from .exceptions import ColumnError, DataError, InputFileError, OutputError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

    from .history import History

__all__ = [
    "DONE_COLUMN_NAMES",
    "DATE_FORMATS",
    "read_history",
    "parse_dates",
    "write_atomic",
    "check_output",
    "spreadsheet_safe",
]

DONE_COLUMN_NAMES: tuple[str, ...] = (
    "done",
    "done date",
    "done at",
    "completed",
    "completed at",
    "completed date",
    "resolved",
    "resolution date",
    "resolved date",
    "resolved at",
    "closed",
    "closed at",
    "closed date",
    "merged at",
    "end",
    "end date",
    "finished",
    "finished at",
    "date",
)
"""Names of the done-date column, in order of preference, compared after
lower-casing and turning ``_``, ``-``, ``.`` and camelCase into spaces."""

_COUNT_NAMES = ("count", "throughput", "items", "completed items")
_TYPE_NAMES = ("type", "item type", "issue type", "work item type", "issuetype", "kind")
_START_NAMES = ("started", "started at", "start", "start date", "activated date", "activated")
_ID_NAMES = ("id", "key", "issue key", "item id", "number")
_PARENT_NAMES = ("parent", "parent id", "parent key", "parent link", "epic", "epic link",
                 "epic key", "outcome", "feature")

DATE_FORMATS: tuple[str, ...] = (
    "%d/%b/%y %I:%M %p",  # Jira: 12/Mar/24 3:15 PM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%a %b %d %Y %H:%M:%S GMT%z",  # JavaScript's Date.toString (some Linear exports)
    "%m/%d/%Y %I:%M:%S %p",  # Azure DevOps (en-US): 3/12/2024 3:15:00 PM
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %I:%M %p",  # Excel (en-US): 3/12/24 3:15 PM
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)
"""Non-ISO date formats tried, in order, when ``date_format`` is not given.
The first one that reads every non-empty cell of the column wins, so a column
that reads both as month/day and day/month is taken as month/day (US exports)
and a warning says so; pass ``date_format`` to decide otherwise."""

_ISO = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2})"
    r"(?:[T ](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)

_JS_DATE_FORMAT = "%a %b %d %Y %H:%M:%S GMT%z"
_JS_DATE = re.compile(
    r"^\s*(?:mon|tue|wed|thu|fri|sat|sun)\s+([a-z]{3}\s+\d{1,2}\s+\d{4})"
    r"\s+(?:[01]?\d|2[0-3]):[0-5]\d:[0-5]\d\s+GMT[+-]\d{4}(?:\s*\([^()]*\))?\s*$",
    re.IGNORECASE,
)
"""JavaScript's ``Date.toString()``: ``Tue Mar 12 2024 15:04:05 GMT+0100 (Central
European Standard Time)``; like ISO dates, the calendar date as written is kept."""

_DETECT_SAMPLE = 400
"""Cells on which the date format is detected before the whole column is parsed."""


def _norm(name: object) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name).strip())
    return re.sub(r"[\s_.\-]+", " ", text).strip().lower()


def _find_columns(columns: Sequence[str], names: Iterable[str]) -> list[str]:
    """Return every column whose normalised name is in ``names``, by preference."""
    by_norm: dict[str, list[str]] = {}
    for col in columns:
        by_norm.setdefault(_norm(col), []).append(col)
    found: list[str] = []
    for name in names:
        found.extend(by_norm.get(name, []))
    return found


def _find_column(columns: Sequence[str], names: Iterable[str]) -> str | None:
    found = _find_columns(columns, names)
    return found[0] if found else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _to_days(parsed: Any) -> np.ndarray:
    """Datetimes of any unit (pandas 3 infers s, ms or us) to ``datetime64[D]``."""
    values = np.asarray(parsed.to_numpy() if hasattr(parsed, "to_numpy") else parsed)
    if values.dtype == object:
        values = values.astype("datetime64[us]")
    return values.astype("datetime64[D]")


def parse_dates(
    values: Sequence[object],
    *,
    date_format: str | None = None,
    where: str = "history",
    column: str = "done",
    rows: Sequence[object] | None = None,
    info: dict[str, Any] | None = None,
) -> np.ndarray:
    """Parse date strings into ``datetime64[D]``; empty cells become ``NaT``.

    ISO 8601 values (``2024-03-12``, ``2024-03-12T15:15:00Z``,
    ``2024-03-12 15:15+01:00``) keep the calendar date as written, whatever
    the time zone. Other values are tried against :data:`DATE_FORMATS`: the
    format is chosen on a sample of the cells, then every cell is parsed.

    Parameters
    ----------
    values : sequence of str
        The cells, in row order.
    date_format : str, optional
        A :func:`~datetime.datetime.strptime` format that every cell must
        match, or ``"ISO8601"``.
    where, column : str
        The file and column named in error messages.
    rows : sequence, optional
        The row label of each cell for error messages (default: spreadsheet
        numbering, the header being row 1).
    info : dict, optional
        Filled with ``"format"`` (the format used) and ``"ambiguous"`` (a
        day/month format that would also have read every cell, or None).

    Returns
    -------
    numpy.ndarray of datetime64[D]

    Raises
    ------
    DataError
        If a cell cannot be read, naming the file, row, column and value.

    Examples
    --------
    >>> parse_dates(["2024-03-12T15:15:00Z", ""])
    array(['2024-03-12',        'NaT'], dtype='datetime64[D]')
    >>> parse_dates(["12/Mar/24 3:15 PM", "1/Apr/24 9:00 AM"])
    array(['2024-03-12', '2024-04-01'], dtype='datetime64[D]')
    >>> parse_dates(["Tue Mar 12 2024 23:30:00 GMT-0500 (Eastern Standard Time)"])
    array(['2024-03-12'], dtype='datetime64[D]')
    """
    import pandas as pd

    cells = [
        "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
        for v in values
    ]
    labels = list(rows) if rows is not None else [i + 2 for i in range(len(cells))]
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[D]")
    filled = [i for i, c in enumerate(cells) if c]
    if not filled:
        return out
    texts = pd.Series([cells[i] for i in filled], dtype=object)

    def fail(pos: int, hint: str) -> DataError:
        i = filled[pos]
        return DataError(
            f"{where}, row {labels[i]}, column {column!r}: cannot read {cells[i]!r} as a "
            f"date; {hint}"
        )

    def try_format(fmt: str, subset: pd.Series) -> np.ndarray:
        if fmt.upper() == "ISO8601":
            subset = subset.str.extract(_ISO, expand=False)
            fmt = "%Y-%m-%d"
        elif fmt == _JS_DATE_FORMAT:
            subset = subset.str.extract(_JS_DATE, expand=False)
            fmt = "%b %d %Y"
        return _to_days(pd.to_datetime(subset, format=fmt, errors="coerce"))

    if date_format is None:
        step = max(1, len(texts) // _DETECT_SAMPLE)
        sample = texts.iloc[::step]
        chosen = None
        for fmt in ("ISO8601", *DATE_FORMATS):
            if not np.isnat(try_format(fmt, sample)).any():
                chosen = fmt
                break
        if chosen is None:
            # No format reads the sample: find the one that reads the most
            # cells, to point at a cell that is really at fault.
            best: tuple[int, str] | None = None
            for fmt in ("ISO8601", *DATE_FORMATS):
                n_bad = int(np.isnat(try_format(fmt, texts)).sum())
                if n_bad < len(texts) and (best is None or n_bad < best[0]):
                    best = (n_bad, fmt)
            if best is None:
                raise fail(
                    0,
                    "expected ISO 8601 (2024-03-12) or a Jira, Azure DevOps or Excel export "
                    "format; pass --date-format (e.g. '%d/%m/%Y %H:%M') to name the format",
                )
            chosen = best[1]
        shown = "ISO 8601" if chosen == "ISO8601" else repr(chosen)
        hint = f"the other rows read as {shown}; fix this cell or pass --date-format"
    else:
        chosen = date_format
        hint = f"it does not match the date format {date_format!r}"
    parsed = try_format(chosen, texts)
    bad = np.flatnonzero(np.isnat(parsed))
    if bad.size and date_format is None:
        # The sample misled us (e.g. day/month with days above 12 only outside it):
        # take the first format that reads the whole column.
        for fmt in ("ISO8601", *DATE_FORMATS):
            whole = try_format(fmt, texts)
            if not np.isnat(whole).any():
                chosen, parsed, bad = fmt, whole, np.array([], dtype=np.int64)
                break
    if bad.size:
        raise fail(int(bad[0]), hint)
    out[filled] = parsed
    if info is not None:
        info["format"] = chosen
        info["ambiguous"] = None
        if date_format is None and "%m/%d" in chosen:
            other = chosen.replace("%m/%d", "%d/%m")
            if not np.isnat(try_format(other, texts)).any():
                info["ambiguous"] = other
    return out


def _decode(raw: bytes, path: Path, what: str) -> str:
    if raw[:2] == b"PK":
        raise InputFileError(
            f"{what} file '{path}' looks like an Excel workbook, not a CSV file; "
            "save it as 'CSV UTF-8' and give that file"
        )
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    """Read a CSV file as text cells, indexed by spreadsheet row number."""
    return _parse_csv(_read_text(path, what), path, what)


def _read_text(path: Path, what: str) -> str:
    """Read a text file whatever its encoding, or raise a one-line InputFileError."""
    if not path.exists():
        raise InputFileError(f"{what} file '{path}' does not exist; check the path")
    if path.is_dir():
        raise InputFileError(f"{what} '{path}' is a directory; give a CSV file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{what} file '{path}' cannot be read: {exc.strerror}") from None
    text = _decode(raw, path, what)
    if "\x00" in text:
        raise InputFileError(f"{what} file '{path}' is not a text file; give a CSV file")
    return text


def _parse_csv(text: str, path: Path, what: str) -> pd.DataFrame:
    """Split CSV text into text cells, indexed by spreadsheet row number."""
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
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise DataError(f"{what} file '{path}' is not a readable CSV file: {exc}") from None
    # Rows are numbered as a spreadsheet shows them: Excel hides a sep= line.
    numbered = [(n + 1, r) for n, r in enumerate(records) if any(c.strip() for c in r)]
    if not numbered:
        raise InputFileError(f"{what} file '{path}' is empty; it needs a header row")
    header = [c.strip() for c in numbered[0][1]]
    width = len(header)
    body = numbered[1:]
    if not body:
        raise InputFileError(
            f"{what} file '{path}' has a header ({', '.join(header)}) but no rows; "
            "it needs one row per completed item"
        )
    cells = []
    for number, record in body:
        if len(record) > width and any(c.strip() for c in record[width:]):
            raise DataError(
                f"{what} file '{path}', row {number}: {len(record)} cells but the header has "
                f"{width}; put quotes around cells that contain the separator {sep!r}"
            )
        cells.append((record + [""] * width)[:width])
    seen: dict[str, int] = {}
    names = []
    for name in header:  # make duplicate names unique, as spreadsheets show them
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}.{seen[name] - 1}")
    return pd.DataFrame(cells, columns=names, index=[n for n, _ in body], dtype=object)


def read_history(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    done_column: str | None = None,
    date_format: str | None = None,
    calendar: str | Calendar = "weekdays",
    holidays: str | Iterable[object] | None = None,
    exclude_types: Iterable[str] = (),
    tracker: str = "auto",
) -> History:
    """Read a history of completed items, or a daily throughput file.

    Exports of Jira, Azure DevOps, GitHub (``gh issue list --json`` /
    ``gh pr list --json``) and Linear are recognised by their columns (a JSON
    file by its content) and read by their own rules (see
    :mod:`forecast.importers`): only done rows count; rows not done are kept
    aside as work in progress; canceled rows are counted and left out. A row
    whose id repeats an earlier row's is left out, so a doubled export does
    not double the throughput. The history's notes say how the file was read
    and how many rows were used, and warn of what looks wrong (duplicate ids,
    completions dated after today, which are kept).

    Parameters
    ----------
    source : path or pandas.DataFrame
        A CSV file with one row per completed item (a done-date column is
        found by name, see :data:`DONE_COLUMN_NAMES`), a tracker's export,
        or a daily throughput file with columns ``date`` and ``count`` (days
        with no completions may be left out). A DataFrame is read the same
        way.
    done_column : str, optional
        The done-date column's name, when it is not found automatically.
    date_format : str, optional
        A ``strptime`` format for the dates (``"ISO8601"`` for ISO dates);
        by default ISO 8601 and the usual Jira and Azure DevOps formats are
        recognised.
    calendar : {"weekdays", "all"} or Calendar
        Which days are working days.
    holidays : str or iterable of dates, optional
        A country code for the ``holidays`` package, or explicit dates.
    exclude_types : iterable of str
        Item types to leave out (needs a type column), compared
        case-insensitively.
    tracker : {"auto", "generic", "jira", "ado", "github", "linear"}
        Which tool exported the file: ``"auto"`` recognises it by its
        columns, ``"generic"`` reads any CSV by its done-date column alone
        (every row with a done date counts), a tracker's name forces its
        reading (and its columns must be there).

    Returns
    -------
    History

    Raises
    ------
    InputFileError, ColumnError, DataError, ParameterError
        With a message naming the file, row, column and value at fault.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"Resolved": ["2024-06-03", "2024-06-03", "2024-06-04"]})
    >>> history = read_history(items)
    >>> history.total
    3
    >>> jira = pd.DataFrame({
    ...     "Issue key": ["A-1", "A-2", "A-3", "A-4"],
    ...     "Status": ["Done", "In Progress", "Done", "Won't Do"],
    ...     "Resolution": ["Done", "", "Done", "Won't Do"],
    ...     "Created": ["3/Jun/24 9:00 AM"] * 4,
    ...     "Resolved": ["4/Jun/24 3:04 PM", "", "5/Jun/24 10:00 AM", "5/Jun/24 11:00 AM"]})
    >>> h = read_history(jira)
    >>> h.tracker, h.total, h.skipped, h.canceled
    ('jira', 2, 1, 1)
    >>> h.notes[0]
    'read as a Jira export (recognised by its columns; choose another reading with --source)'
    """
    import pandas as pd

    from . import importers
    from .history import History

    cal = Calendar.from_options(calendar, holidays)
    if isinstance(source, pd.DataFrame):
        where = "history DataFrame"
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        where = f"'{path}'"
        if path.suffix.lower() == ".toml":
            raise InputFileError(f"{where} is a portfolio, not a history; forecast it with "
                                 f"'forecast plan {path}' (or forecast.plan)")
    else:
        raise ParameterError(
            f"history source {type(source).__name__} is not supported; give a CSV file path "
            "or a pandas DataFrame"
        )
    wanted = importers.check_tracker(tracker, where)
    from_json = False
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).strip() for c in frame.columns]
        if len(frame) == 0:
            raise InputFileError("history DataFrame has no rows; it needs one row per item")
    else:
        text = _read_text(path, "history")
        from_json = importers.is_json(text)
        if from_json and wanted in ("jira", "ado", "linear"):
            raise ParameterError(
                f"{where} is a JSON file, and {importers.label(wanted)} is a CSV "
                "file; give the CSV export, or use --source auto (JSON is read as a GitHub "
                "export)"
            )
        frame = importers.json_frame(text, where) if from_json else _parse_csv(
            text, path, "history")
    rows = list(frame.index)
    notes: list[str] = []

    columns = list(frame.columns)
    if done_column is not None:
        matches = [c for c in columns if c == done_column] or [
            c for c in columns if c.lower() == done_column.strip().lower()
        ]
        if not matches:
            raise ColumnError(
                f"{where}: no column named {done_column!r}; columns found: "
                f"{', '.join(columns)}"
            )
        done_column = matches[0]

    # Which reading: a tracker's rules, or the generic done-date column.
    looks_like: str | None = None
    if wanted == "auto":
        name = "github" if from_json else importers.detect_tracker(columns)
        missing = [] if name == "generic" or done_column is not None else (
            importers.missing_columns(columns, name))
        if missing and not from_json:
            looks_like, name = name, "generic"
            notes.append(
                f"looks like {importers.label(looks_like)} but has no "
                f"{' or '.join(repr(m) for m in missing)} column: read as a generic history"
            )
        elif missing:
            raise ColumnError(importers.missing_message(where, name, missing, columns, False))
        if name != "generic":
            how = "a JSON list of objects" if from_json else "recognised by its columns"
            notes.append(f"read as {importers.label(name)} ({how}; choose another "
                         "reading with --source)")
    else:
        name = wanted
        if name != "generic":
            missing = [] if done_column is not None else importers.missing_columns(columns, name)
            if missing:
                raise ColumnError(importers.missing_message(where, name, missing, columns, True))
            notes.append(f"read as {importers.label(name)} (--source {name})")

    formats: dict[str, str] = {}

    def dates_of(col: str) -> np.ndarray:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            if getattr(series.dt, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            formats[col] = "datetime"
            return _to_days(series)
        info: dict[str, Any] = {}
        parsed = parse_dates(
            list(series), date_format=date_format, where=where, column=col, rows=rows,
            info=info,
        )
        formats[col] = info.get("format", "")
        if info.get("ambiguous"):
            notes.append(
                f"dates in column {col!r} read as {info['format']!r} (month first); they also "
                f"read as {info['ambiguous']!r}: if the day comes first, pass --date-format "
                f"'{info['ambiguous']}'"
            )
        return parsed

    summary_at = len(notes)  # the rows-used summary goes right after "read as ..."
    if name != "generic":
        got = importers.extract(frame, name, dates_of, done_column)
        notes.extend(got.notes)
        done = got.done_column
        items = pd.DataFrame({"done": got.done.astype("datetime64[D]")})
        for key in ("id", "type", "parent", "status", "project"):
            if key in got.text:
                items[key] = got.text[key]
        if got.started is not None:
            items["started"] = got.started.astype("datetime64[D]")
        items["state"] = got.state
        reason = got.reason
        date_format_used = formats.get(got.date_column, "")
    else:
        count_col = _find_column(columns, _COUNT_NAMES)
        date_col = _find_column(columns, ("date", "day"))
        if done_column is not None:
            done = done_column
        elif count_col is not None and date_col is not None:
            done = date_col
        else:
            found = _find_columns(columns, DONE_COLUMN_NAMES)
            if not found:
                hint = (
                    f"; it looks like {importers.label(looks_like)} without its "
                    f"{importers.missing_columns(columns, looks_like)[0]!r} column: add it to "
                    "the export"
                ) if looks_like else ""
                raise ColumnError(
                    f"{where}: no done-date column found among columns: {', '.join(columns)}; "
                    f"looked for: {', '.join(DONE_COLUMN_NAMES)} (any case); "
                    f"name it with --done-column NAME{hint}"
                )
            done = found[0]
            others = [c for c in found[1:] if _norm(c) != "date"]
            if others:
                notes.append(
                    f"done dates read from column {done!r}; also found "
                    f"{', '.join(repr(c) for c in others)}: choose with --done-column"
                )

        done_dates = dates_of(done)

        if count_col is not None and done == date_col:
            counts = _parse_counts(frame[count_col], where, count_col, rows)
            keep = ~np.isnat(done_dates)
            if not keep.any():
                raise DataError(f"{where}: column {done!r} has no dates")
            days, inverse = np.unique(done_dates[keep], return_inverse=True)
            per_day = np.bincount(inverse, weights=counts[keep]).astype(np.int64)
            future = _future_note(where, done, done_dates, keep & (counts > 0), rows)
            if future:
                notes.append(future)
            return History(
                dates=days, counts=per_day, calendar=cal, source=where.strip("'"),
                first=days[0].astype(dt.date), last=days[-1].astype(dt.date),
                kind="throughput", items=None, skipped=int((~keep).sum()),
                done_column=done, date_format=formats.get(done, ""), notes=tuple(notes),
                rows=len(frame),
            )

        items = pd.DataFrame({"done": done_dates})
        type_col = _find_column(columns, _TYPE_NAMES)
        start_col = _find_column([c for c in columns if c != done], _START_NAMES)
        id_col = _find_column(columns, _ID_NAMES)
        if id_col is not None:
            items["id"] = frame[id_col].astype(str).to_numpy()
        if type_col is not None:
            items["type"] = frame[type_col].astype(str).str.strip().to_numpy()
        parent_col = _find_column(columns, _PARENT_NAMES)
        if parent_col is not None:
            items["parent"] = frame[parent_col].astype(str).str.strip().to_numpy()
        if start_col is not None:
            try:
                items["started"] = dates_of(start_col)
            except DataError:
                notes.append(f"column {start_col!r} could not be read as dates and was ignored")
        items["state"] = np.where(np.isnat(done_dates), "open", "done").astype(object)
        reason = None
        date_format_used = formats.get(done, "")

    # Rows keep the labels the reader sees (spreadsheet rows of a CSV file), so that
    # notes and signals can point at a row.
    items.index = frame.index
    duplicates = 0
    if "id" in items:
        repeated = _repeated_ids(items["id"])
        duplicates = int(repeated.sum())
        if duplicates:
            notes.append(_duplicates_note(where, items["id"], repeated))
            items = items.loc[~repeated].copy()
            if reason is not None:
                reason = reason[~repeated]

    excluded = {t.strip().lower() for t in exclude_types if t.strip()}
    if excluded:
        if "type" not in items:
            raise ColumnError(
                f"{where}: --exclude-type needs a type column, and none was found among: "
                f"{', '.join(columns)} (looked for: {', '.join(_TYPE_NAMES)})"
            )
        lowered = items["type"].str.lower()
        drop = lowered.isin(excluded).to_numpy()
        missing_types = sorted(excluded - set(lowered))
        if missing_types:
            present = sorted(set(items["type"]) - {""})
            notes.append(
                f"no item has type {', '.join(repr(m) for m in missing_types)}; types present: "
                f"{', '.join(present[:15])}{' …' if len(present) > 15 else ''}"
            )
        if drop.any():
            given = sorted({t.strip() for t in exclude_types if t.strip()})
            notes.append(
                f"{_plural(int(drop.sum()), 'item')} of type {', '.join(given)} left out"
            )
        items["excluded"] = drop  # kept: an excluded Epic still tells which outcomes finished
    else:
        items["excluded"] = False

    state = items["state"].to_numpy(dtype=object)
    counted = ~items["excluded"].to_numpy(dtype=bool)
    done_array = items["done"].to_numpy().astype("datetime64[D]")
    used = counted & (state == "done")
    skipped = int((counted & (state == "open")).sum())
    canceled = int((counted & (state == "canceled")).sum())
    undated = int((counted & (state == "undated")).sum())
    if name == "generic":
        if skipped:
            notes.append(
                f"{_plural(skipped, 'row')} without a done date left out (work in progress)"
            )
        if not used.any():
            raise DataError(
                f"{where}: column {done!r} has no dates in any row; "
                "is it the right column? name another with --done-column"
            )
    else:
        parts = []
        if skipped:
            parts.append(f"{skipped} not done (kept as work in progress)")
        if canceled:
            why = Counter(reason[counted & (state == "canceled")]) if reason is not None else {}
            shown = (next(iter(why)) if len(why) == 1 else
                     ", ".join(f"{k} {r}" for r, k in Counter(why).most_common(4))
                     + (" …" if len(why) > 4 else ""))
            parts.append(f"{canceled} canceled ({shown})" if why else f"{canceled} canceled")
        if undated:
            parts.append(f"{undated} in a done status without a done date")
        n_excluded = int((~counted).sum())
        if n_excluded:
            parts.append(f"{n_excluded} of excluded types")
        if duplicates:
            parts.append(f"{duplicates} repeating an id")
        n_used = int(used.sum())
        notes.insert(
            summary_at,
            f"used {n_used} of {_plural(len(frame), 'row')}: {', '.join(parts)}" if parts
            else f"used all {_plural(len(frame), 'row')}",
        )
        if not used.any():
            raise DataError(
                f"{where}: no row is done ({', '.join(parts) or 'no rows'}); "
                f"{importers.no_done_hint(name)}"
            )
    future = _future_note(where, done, done_array, used, list(items.index))
    if future:
        notes.append(future)
    days, per_day = np.unique(done_array[used], return_counts=True)
    return History(
        dates=days, counts=per_day.astype(np.int64), calendar=cal, source=where.strip("'"),
        first=days[0].astype(dt.date), last=days[-1].astype(dt.date),
        kind="items", items=items, skipped=skipped, done_column=done,
        date_format=date_format_used, notes=tuple(notes), tracker=name,
        rows=len(frame), canceled=canceled, undated=undated,
    )


_NO_ID = frozenset({"", "nan", "none", "<na>", "nat"})
"""Id cells that hold no id (empty, or a DataFrame's missing value as text)."""


def _repeated_ids(ids: pd.Series) -> np.ndarray:
    """Return which rows carry the id of an earlier row (rows without an id never do)."""
    text = ids.astype(str).str.strip()
    has_id = ~text.str.lower().isin(_NO_ID).to_numpy(dtype=bool)
    return has_id & text.duplicated(keep="first").to_numpy(dtype=bool)


def _duplicates_note(where: str, ids: pd.Series, repeated: np.ndarray) -> str:
    """One line on the rows left out because their id repeats an earlier row's."""
    text = ids.astype(str).str.strip()
    at = int(np.flatnonzero(repeated)[0])
    first_id = text.iloc[at]
    original = text.index[int(np.flatnonzero((text == first_id).to_numpy())[0])]
    n = int(repeated.sum())
    return (
        f"{where}: {_plural(n, 'duplicate row')} of the same id left out "
        f"({'first: ' if n > 1 else ''}row {text.index[at]}, id {first_id!r}, as in row "
        f"{original}); each id is counted once — if they are different items, give each its "
        "own id"
    )


def _future_note(where: str, column: str, dates: np.ndarray, rows_used: np.ndarray,
                 labels: Sequence[object]) -> str | None:
    """One line on completions dated after today (the computer's date), or None.

    They are kept: the date is wrong, not the completion, and leaving them out
    would hide the error from every forecast that reads the history.
    """
    today = np.datetime64(dt.date.today(), "D")
    future = rows_used & ~np.isnat(dates) & (dates > today)
    if not future.any():
        return None
    at = int(np.flatnonzero(future)[np.argmax(dates[future])])
    n = int(future.sum())
    return (
        f"{where}: {_plural(n, 'row')} done after today ({today}), the latest on {dates[at]} "
        f"(row {labels[at]}): a completion cannot be in the future; kept in the history, "
        f"but check the dates in column {column!r} (or the computer's clock)"
    )


def _parse_counts(
    series: pd.Series, where: str, column: str, rows: Sequence[object]
) -> np.ndarray:
    import pandas as pd

    values = pd.to_numeric(series.astype(str).str.strip(), errors="coerce").to_numpy(
        dtype=float
    )
    for i, v in enumerate(values):
        cell = str(series.iloc[i]).strip()
        if not np.isfinite(v) or v != np.floor(v):
            raise DataError(
                f"{where}, row {rows[i]}, column {column!r}: {cell!r} is not a "
                "whole number of items; counts must be whole numbers such as 0, 1, 2"
            )
        if v < 0:
            raise DataError(
                f"{where}, row {rows[i]}, column {column!r}: {cell!r} is negative; "
                "a day's count of completed items must be 0 or more"
            )
        if v > _MAX_DAILY_COUNT:
            raise DataError(
                f"{where}, row {rows[i]}, column {column!r}: {cell!r} items in one day is "
                f"beyond belief (more than {_MAX_DAILY_COUNT:,}); check the cell"
            )
    return values.astype(np.int64)


_MAX_DAILY_COUNT = 1_000_000
"""A day's count above this in a throughput file is taken as a typo."""


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return ``value`` so that no spreadsheet reads it as a formula.

    Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading apostrophe. Numbers are returned unchanged.

    Examples
    --------
    >>> spreadsheet_safe("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> spreadsheet_safe(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def check_output(
    path: str | os.PathLike[str], *, protect: Iterable[str | os.PathLike[str]] = ()
) -> Path:
    """Check that ``path`` can be written as an output, before any work is done.

    Raises
    ------
    OutputError
        When ``path`` is an input file, a directory, a device or other special
        file, or lies in a directory that does not exist.

    Examples
    --------
    >>> check_output("/nonexistent-dir/out.csv")
    Traceback (most recent call last):
    ...
    forecast.exceptions.OutputError: output directory '/nonexistent-dir' does not exist; ...
    """
    target = Path(path)
    for other in protect:
        if Path(other).exists() and target.exists() and target.resolve() == Path(other).resolve():
            raise OutputError(
                f"output '{target}' is an input file; refusing to overwrite it, "
                "choose another output path"
            )
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise OutputError(
            f"output '{target}' exists and is not a regular file; give a file path "
            "(leave out --output to print to the terminal)"
        )
    if target.is_symlink():
        raise OutputError(f"output '{target}' is a symbolic link; give the real file's path")
    parent = target.parent
    if not parent.is_dir():
        raise OutputError(f"output directory '{parent}' does not exist; create it first")
    return target


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file, then a rename.

    The new file gets the permissions of the file it replaces, or the usual
    ones for a new file (``0o666`` less the umask).

    Parameters
    ----------
    path : path
        Where to write (see :func:`check_output` for what is refused).
    data : str or bytes
        The whole content.
    protect : iterable of paths
        Input files that must never be overwritten.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> write_atomic(target, "a,b\\n1,2\\n").read_text()
    'a,b\\n1,2\\n'
    """
    target = check_output(path, protect=protect)
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(
            f"cannot write '{target}': {exc.strerror or exc}; choose another path"
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return target
