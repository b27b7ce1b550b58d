"""Reading histories and writing outputs.

A history is a CSV file (or a DataFrame) with one row per completed item,
whose done-date column is found by name among the names that common trackers
export, or a daily throughput file with ``date`` and ``count`` columns.
Outputs are written atomically and never over an input file, and text cells
are made safe for spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .calendar import Calendar
from .exceptions import ColumnError, DataError, InputFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

    from .history import History

__all__ = [
    "DONE_COLUMN_NAMES",
    "DATE_FORMATS",
    "read_history",
    "parse_dates",
    "write_atomic",
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

DATE_FORMATS: tuple[str, ...] = (
    "%d/%b/%y %I:%M %p",  # Jira: 12/Mar/24 3:15 PM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%d/%b/%Y %H:%M",
    "%d/%b/%y",
    "%d/%b/%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d, %Y",
    "%m/%d/%Y %I:%M:%S %p",  # Azure DevOps (en-US): 3/12/2024 3:15:00 PM
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
)
"""Non-ISO date formats tried, in order, when ``date_format`` is not given.
The first one that reads every non-empty cell of the column wins, so a column
that reads both as month/day and day/month is taken as month/day (US exports);
pass ``date_format`` to decide otherwise."""

_ISO = re.compile(
    r"^\s*(\d{4}-\d{2}-\d{2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)


def _norm(name: object) -> str:
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name).strip())
    return re.sub(r"[\s_.\-]+", " ", text).strip().lower()


def _find_column(columns: Sequence[str], names: Iterable[str]) -> str | None:
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(_norm(col), col)
    for name in names:
        if name in by_norm:
            return by_norm[name]
    return None


def _row_label(index: int, from_file: bool) -> str:
    # Spreadsheet numbering: the header is row 1, the first item row 2.
    return f"row {index + 2}" if from_file else f"row {index}"


def parse_dates(
    values: Sequence[str],
    *,
    date_format: str | None = None,
    where: str = "history",
    column: str = "done",
    from_file: bool = True,
) -> np.ndarray:
    """Parse date strings into ``datetime64[D]``; empty cells become ``NaT``.

    ISO 8601 values (``2024-03-12``, ``2024-03-12T15:15:00Z``,
    ``2024-03-12 15:15+01:00``) keep the calendar date as written, whatever
    the time zone. Other values are tried against :data:`DATE_FORMATS`.

    Parameters
    ----------
    values : sequence of str
        The cells, in row order.
    date_format : str, optional
        A :func:`~datetime.datetime.strptime` format that every cell must
        match, or ``"ISO8601"``.
    where, column : str
        The file and column named in error messages.
    from_file : bool
        Number rows as a spreadsheet does (header = row 1) in messages.

    Returns
    -------
    numpy.ndarray of datetime64[D]

    Raises
    ------
    DataError
        If a cell cannot be read, naming the file, row, column and value.

    Examples
    --------
    >>> parse_dates(["2024-03-12T15:15:00Z", "", "12/Mar/24 3:15 PM"][:2])
    array(['2024-03-12',        'NaT'], dtype='datetime64[D]')
    >>> parse_dates(["12/Mar/24 3:15 PM", "1/Apr/24 9:00 AM"])
    array(['2024-03-12', '2024-04-01'], dtype='datetime64[D]')
    """
    import pandas as pd

    cells = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()
             for v in values]
    out = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[D]")
    filled = [i for i, c in enumerate(cells) if c]
    if not filled:
        return out
    texts = pd.Series([cells[i] for i in filled], dtype=object)

    def fail(pos: int, hint: str) -> DataError:
        i = filled[pos]
        return DataError(
            f"{where}, {_row_label(i, from_file)}, column {column!r}: cannot read "
            f"{cells[i]!r} as a date; {hint}"
        )

    def try_format(fmt: str) -> np.ndarray:
        if fmt.upper() == "ISO8601":
            iso = texts.str.extract(_ISO, expand=False)
            parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
        else:
            parsed = pd.to_datetime(texts, format=fmt, errors="coerce")
        return parsed.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")

    if date_format is not None:
        parsed = try_format(date_format)
        bad = np.flatnonzero(np.isnat(parsed))
        if bad.size:
            raise fail(int(bad[0]), f"it does not match the date format {date_format!r}")
        out[filled] = parsed
        return out

    candidates = ("ISO8601", *DATE_FORMATS)
    best: tuple[int, str, np.ndarray] | None = None
    for fmt in candidates:
        parsed = try_format(fmt)
        n_bad = int(np.isnat(parsed).sum())
        if n_bad == 0:
            out[filled] = parsed
            return out
        if n_bad < len(parsed) and (best is None or n_bad < best[0]):
            best = (n_bad, fmt, parsed)
    if best is None:
        raise fail(
            0,
            "expected ISO 8601 (2024-03-12) or a Jira/Azure DevOps export format; "
            "pass --date-format (e.g. '%d/%m/%Y') to name the format",
        )
    _, fmt, parsed = best
    first_bad = int(np.flatnonzero(np.isnat(parsed))[0])
    shown = "ISO 8601" if fmt == "ISO8601" else repr(fmt)
    raise fail(
        first_bad,
        f"the other rows read as {shown}; fix this cell or pass --date-format",
    )


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    import pandas as pd

    if not path.exists():
        raise InputFileError(f"{what} file '{path}' does not exist; check the path")
    if path.is_dir():
        raise InputFileError(f"{what} '{path}' is a directory; give a CSV file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{what} file '{path}' cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputFileError(
            f"{what} file '{path}' is empty; it needs a header row and one row per "
            "completed item"
        )
    header = lines[0]
    sep = max((",", ";", "\t"), key=header.count)
    import io as _io

    try:
        frame = pd.read_csv(
            _io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
            skipinitialspace=True, skip_blank_lines=True,
        )
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0]
        raise DataError(f"{what} file '{path}' is not a readable CSV file: {first}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if len(frame) == 0:
        raise InputFileError(
            f"{what} file '{path}' has a header ({', '.join(frame.columns)}) but no rows; "
            "it needs one row per completed item"
        )
    return frame


def read_history(
    source: str | os.PathLike[str] | pd.DataFrame,
    *,
    done_column: str | None = None,
    date_format: str | None = None,
    calendar: str | Calendar = "weekdays",
    holidays: str | Iterable[object] | None = None,
    exclude_types: Iterable[str] = (),
) -> History:
    """Read a history of completed items, or a daily throughput file.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A CSV file with one row per completed item (a done-date column is
        found by name, see :data:`DONE_COLUMN_NAMES`), or a daily throughput
        file with columns ``date`` and ``count`` (days with no completions may
        be left out). A DataFrame is read the same way.
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
    """
    import pandas as pd

    from .history import History

    cal = Calendar.from_options(calendar, holidays)
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).strip() for c in frame.columns]
        where, from_file = "history DataFrame", False
        if len(frame) == 0:
            raise InputFileError("history DataFrame has no rows; it needs one row per item")
    else:
        path = Path(source)
        frame = _read_csv(path, "history")
        where, from_file = f"'{path}'", True

    columns = list(frame.columns)
    count_col = _find_column(columns, _COUNT_NAMES)
    date_col = _find_column(columns, ("date", "day"))
    if done_column is not None:
        matches = [c for c in columns if c == done_column] or [
            c for c in columns if c.lower() == done_column.strip().lower()
        ]
        if not matches:
            raise ColumnError(
                f"{where}: no column named {done_column!r}; columns found: "
                f"{', '.join(columns)}"
            )
        done = matches[0]
    elif count_col is not None and date_col is not None:
        done = date_col
    else:
        found = _find_column(columns, DONE_COLUMN_NAMES)
        if found is None:
            raise ColumnError(
                f"{where}: no done-date column found among columns: {', '.join(columns)}; "
                f"looked for: {', '.join(DONE_COLUMN_NAMES)} (any case); "
                "name it with --done-column NAME"
            )
        done = found

    def dates_of(col: str) -> np.ndarray:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            if getattr(series.dt, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            return series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        return parse_dates(
            list(series), date_format=date_format, where=where, column=col, from_file=from_file
        )

    done_dates = dates_of(done)
    notes: list[str] = []

    if count_col is not None and done == date_col:
        counts = _parse_counts(frame[count_col], where, count_col, from_file)
        keep = ~np.isnat(done_dates)
        if not keep.any():
            raise DataError(f"{where}: column {done!r} has no dates")
        days, inverse = np.unique(done_dates[keep], return_inverse=True)
        per_day = np.bincount(inverse, weights=counts[keep]).astype(np.int64)
        return History(
            dates=days, counts=per_day, calendar=cal, source=where.strip("'"),
            first=days[0].astype(dt.date), last=days[-1].astype(dt.date),
            kind="throughput", items=None, skipped=int((~keep).sum()),
            done_column=done, notes=tuple(notes),
        )

    items = pd.DataFrame({"done": done_dates})
    type_col = _find_column(columns, _TYPE_NAMES)
    start_col = _find_column([c for c in columns if c != done], _START_NAMES)
    id_col = _find_column(columns, _ID_NAMES)
    if id_col is not None:
        items["id"] = frame[id_col].astype(str).to_numpy()
    if type_col is not None:
        items["type"] = frame[type_col].astype(str).str.strip().to_numpy()
    if start_col is not None:
        try:
            items["started"] = dates_of(start_col)
        except DataError:
            notes.append(f"column {start_col!r} could not be read as dates and was ignored")

    excluded = {t.strip().lower() for t in exclude_types if t.strip()}
    if excluded:
        if type_col is None:
            raise ColumnError(
                f"{where}: --exclude-type needs a type column, and none was found among: "
                f"{', '.join(columns)} (looked for: {', '.join(_TYPE_NAMES)})"
            )
        drop = items["type"].str.lower().isin(excluded).to_numpy()
        if drop.any():
            notes.append(f"{int(drop.sum())} items of type {', '.join(sorted(excluded))} left out")
        items = items.loc[~drop].reset_index(drop=True)

    has_done = ~np.isnat(items["done"].to_numpy())
    skipped = int((~has_done).sum())
    if skipped:
        notes.append(f"{skipped} rows without a done date were left out (work in progress)")
    if not has_done.any():
        raise DataError(
            f"{where}: column {done!r} has no dates in any row; "
            "is it the right column? name another with --done-column"
        )
    done_only = items["done"].to_numpy().astype("datetime64[D]")[has_done]
    days, per_day = np.unique(done_only, return_counts=True)
    return History(
        dates=days, counts=per_day.astype(np.int64), calendar=cal, source=where.strip("'"),
        first=days[0].astype(dt.date), last=days[-1].astype(dt.date),
        kind="items", items=items, skipped=skipped, done_column=done, notes=tuple(notes),
    )


def _parse_counts(series: pd.Series, where: str, column: str, from_file: bool) -> np.ndarray:
    import pandas as pd

    values = pd.to_numeric(series.astype(str).str.strip(), errors="coerce").to_numpy(
        dtype=float
    )
    for i, v in enumerate(values):
        cell = str(series.iloc[i]).strip()
        if not np.isfinite(v) or v != np.floor(v):
            raise DataError(
                f"{where}, {_row_label(i, from_file)}, column {column!r}: {cell!r} is not a "
                "whole number of items; counts must be whole numbers such as 0, 1, 2"
            )
        if v < 0:
            raise DataError(
                f"{where}, {_row_label(i, from_file)}, column {column!r}: {cell!r} is negative; "
                "a day's count of completed items must be 0 or more"
            )
    return values.astype(np.int64)


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


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file, then a rename.

    Parameters
    ----------
    path : path
        Where to write.
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
    target = Path(path)
    for other in protect:
        if Path(other).exists() and target.exists() and target.resolve() == Path(other).resolve():
            raise ParameterError(
                f"output '{target}' is an input file; refusing to overwrite it, "
                "choose another --output or --plot path"
            )
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise ParameterError(f"output directory '{parent}' does not exist; create it first")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target
