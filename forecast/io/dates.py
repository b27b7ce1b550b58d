"""Dates in the formats trackers and spreadsheets export: detected once per column, parsed whole."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import DATE_RANGE, FIRST_DATE, LAST_DATE
from forecast.exceptions import DataError, ParameterError, ref

if TYPE_CHECKING:
    import pandas as pd


__all__ = ["DATE_FORMATS", "parse_dates", "check_date_format", "check_in_range"]

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



_DIRECTIVES = frozenset("aAbBcdfGHIjmMpSuUVwWxXyYzZ%")
"""The ``strptime`` directives a date format may use."""

_YEAR_DIRECTIVES = frozenset("YyGcx")
"""Directives that read a year: without one every date would fall in 1900."""


def check_date_format(date_format: object) -> str | None:
    """Return ``date_format`` if it is a usable ``strptime`` format (or None), else raise.

    Raises
    ------
    ParameterError
        Naming the directive at fault, so that ``--date-format %Q`` (or a TOML
        ``date_format = "%Q"``) is one line, not a traceback.

    Examples
    --------
    >>> check_date_format("%d/%m/%Y"), check_date_format("iso8601")
    ('%d/%m/%Y', 'iso8601')
    >>> check_date_format("%Q%Q")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: date_format = '%Q%Q': '%Q' is not a date directive;
    use strptime directives such as '%d/%m/%Y %H:%M' (or 'ISO8601')
    """
    if date_format is None:
        return None
    if not isinstance(date_format, str):
        raise ParameterError(
            f"{ref('date_format')} = {date_format!r} must be text, a strptime format such as "
            "'%d/%m/%Y' (or 'ISO8601')", parameter="date_format")
    if date_format.strip().upper() == "ISO8601":
        return date_format
    hint = "use strptime directives such as '%d/%m/%Y %H:%M' (or 'ISO8601')"
    shown = f"{ref('date_format')} = {date_format!r}"
    if not date_format.strip():
        raise ParameterError(f"{shown} is empty; {hint}", parameter="date_format")
    used = set()
    i = 0
    while i < len(date_format):
        if date_format[i] == "%":
            code = date_format[i + 1:i + 2]
            if code not in _DIRECTIVES or not code:
                what = f"'%{code}' is not a date directive" if code else "it ends with a lone '%'"
                raise ParameterError(f"{shown}: {what}; {hint}", parameter="date_format")
            used.add(code)
            i += 2
        else:
            i += 1
    if not used & _YEAR_DIRECTIVES:
        raise ParameterError(
            f"{shown} has no year (%Y or %y), so every date would fall in 1900; {hint}",
            parameter="date_format")
    return date_format


def check_in_range(days: np.ndarray, where: str, column: str,
                   labels: Sequence[object]) -> np.ndarray:
    """Return ``days``, or raise a DataError naming the first row dated outside the range.

    Every date forecast reads lies in :data:`~forecast.core.calendar.DATE_RANGE`.

    Examples
    --------
    >>> days = np.array(["2024-06-03", "1700-01-01"], dtype="datetime64[D]")
    >>> check_in_range(days, "'h.csv'", "done", [2, 3])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'h.csv', row 3, column 'done': 1700-01-01 is out of range;
    dates must lie from 1900-01-01 to 2200-12-31: fix the cell
    """
    valid = ~np.isnat(days)
    outside = valid & ((days < np.datetime64(FIRST_DATE, "D"))
                       | (days > np.datetime64(LAST_DATE, "D")))
    if outside.any():
        at = int(np.flatnonzero(outside)[0])
        raise DataError(
            f"{where}, row {labels[at]}, column {column!r}: {days[at]} is out of range; "
            f"dates must lie from {DATE_RANGE}: fix the cell")
    return days


def to_days(parsed: Any) -> np.ndarray:
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

    date_format = check_date_format(date_format)
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
        try:
            return to_days(pd.to_datetime(subset, format=fmt, errors="coerce"))
        except ValueError as exc:  # a format strptime knows and pandas refuses (%G alone)
            raise ParameterError(
                f"{ref('date_format')} = {date_format!r} cannot be used: "
                f"{str(exc).splitlines()[0]}", parameter="date_format") from None

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
                    f"format; pass {ref('date_format')} (e.g. '%d/%m/%Y %H:%M') to name the format",
                )
            chosen = best[1]
        shown = "ISO 8601" if chosen == "ISO8601" else repr(chosen)
        hint = f"the other rows read as {shown}; fix this cell or pass {ref('date_format')}"
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
    check_in_range(out, where, column, labels)
    if info is not None:
        info["format"] = chosen
        info["ambiguous"] = None
        if date_format is None and "%m/%d" in chosen:
            other = chosen.replace("%m/%d", "%d/%m")
            if not np.isnat(try_format(other, texts)).any():
                info["ambiguous"] = other
    return out
