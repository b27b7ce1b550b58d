"""Reading histories and writing outputs.

A history is a CSV file (or a DataFrame) with one row per completed item,
whose done-date column is found by name among the names that common trackers
export, or a daily throughput file with ``date`` and ``count`` columns. The
exports of Jira, Azure DevOps, GitHub (JSON from ``gh``) and Linear are
recognised and read by their own rules (see :mod:`forecast.io.trackers`).
Outputs are written atomically and never over an input file, and text cells
are made safe for spreadsheets.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import Calendar
from forecast.core.checks import plural
from forecast.core.history import History
from forecast.exceptions import ColumnError, DataError, InputFileError, ParameterError, ref
from forecast.io import trackers
from forecast.io.columns import (
    COUNT_NAMES,
    DONE_COLUMN_NAMES,
    TYPE_NAMES,
    find_column,
    find_columns,
    norm_name,
)
from forecast.io.dates import check_date_format, check_in_range, parse_dates, to_days
from forecast.io.files import REPEATED_ATTR, parse_csv, read_text_file, recognisable, unique_names
from forecast.notes import Note, info, warning

if TYPE_CHECKING:
    import pandas as pd

    from forecast.core.history import History

__all__ = ["read_history", "as_history", "read_csv"]


def read_csv(path: Path, what: str) -> pd.DataFrame:
    """Read a CSV file as text cells, indexed by spreadsheet row number.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "h.csv"
    ...     _ = path.write_text("id,done\\na,2024-06-03\\n")
    ...     read_csv(path, "history").to_dict("index")
    {2: {'id': 'a', 'done': '2024-06-03'}}
    """
    return parse_csv(_read_text(path, what), path, what)


def _read_text(path: Path, what: str) -> str:
    """Read a text file whatever its encoding, or raise a one-line InputFileError.

    Only a regular file of at most 1 GB is read (see :mod:`forecast.io.files`).
    """
    return read_text_file(path, what)


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
    :mod:`forecast.io.trackers`): only done rows count; rows not done are kept
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

    cal = Calendar.from_options(calendar, holidays)
    date_format = check_date_format(date_format)
    if done_column is not None and not isinstance(done_column, str):
        raise ParameterError(
            f"{ref('done_column')} = {done_column!r} must be a column's name (text)",
            parameter="done_column")
    if isinstance(exclude_types, str):
        exclude_types = (exclude_types,)
    if not all(isinstance(t, str) for t in exclude_types):
        raise ParameterError(
            f"{ref('exclude_types')} = {list(exclude_types)!r} must be type names (text)",
            parameter="exclude_types")
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
    wanted = trackers.check_tracker(tracker, where)
    frame, from_json = _history_frame(source, where, wanted)
    notes: list[str] = []
    columns = list(frame.columns)
    if done_column is not None:
        done_column = _named_column(columns, done_column, where)
    name, looks_like = trackers.choose_reading(columns, wanted, where, notes,
                                               from_json=from_json, done_column=done_column)
    _refuse_repeated_columns(frame, name, done_column, where)
    formats: dict[str, str] = {}
    dates_of = _date_reader(frame, date_format, where, formats, notes)

    summary_at = len(notes)  # the rows-used summary goes right after "read as ..."
    if name == "generic":
        done_column, count_col = _generic_done_column(columns, done_column, looks_like, where,
                                                      notes)
        if count_col is not None:
            return _throughput(frame, done_column, dates_of(done_column), count_col, where,
                               cal, formats, notes)
    got = trackers.extract(frame, name, dates_of, done_column)
    notes.extend(got.notes)
    items = pd.DataFrame({"done": got.done.astype("datetime64[D]")})
    for key in ("id", "type", "parent", "status", "project"):
        if key in got.text:
            items[key] = got.text[key]
    if got.started is not None:
        items["started"] = got.started.astype("datetime64[D]")
    items["state"] = got.state
    # Rows keep the labels the reader sees (spreadsheet rows of a CSV file), so that
    # notes and signals can point at a row.
    items.index = frame.index
    reason = got.reason
    duplicates = 0
    if "id" in items:
        repeated = _repeated_ids(items["id"])
        duplicates = int(repeated.sum())
        if duplicates:
            notes.append(_duplicates_note(where, items["id"], repeated))
            items = items.loc[~repeated].copy()
            if reason is not None:
                reason = reason[~repeated]
    # kept: an excluded Epic still tells which outcomes finished
    items["excluded"] = _excluded(items, exclude_types, where, columns, notes)
    return _item_history(items, reason, duplicates, name, got.done_column,
                         formats.get(got.date_column, ""), where, cal, len(frame), notes,
                         summary_at)


def _history_frame(source: str | os.PathLike[str] | pd.DataFrame, where: str,
                   wanted: str) -> tuple[pd.DataFrame, bool]:
    """Return the history's cells (a copy of a DataFrame) and whether the file was JSON."""
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        names, repeated = unique_names([str(c).strip() for c in frame.columns])
        frame.columns = names
        frame.attrs[REPEATED_ATTR] = repeated
        if len(frame) == 0:
            raise InputFileError("history DataFrame has no rows; it needs one row per item")
        return frame, False
    path = Path(source)
    text = _read_text(path, "history")
    if not trackers.is_json(text):
        return parse_csv(text, path, "history"), False
    if wanted != "auto" and not trackers.TRACKERS[wanted].reads_json:
        json_reading = trackers.detect_tracker((), from_json=True)
        raise ParameterError(
            f"{where} is a JSON file, and {trackers.label(wanted)} is a CSV "
            f"file; give the CSV export, or use {ref('tracker', 'auto')} (JSON is read as "
            f"{trackers.label(json_reading)})", parameter="tracker")
    return trackers.json_frame(text, where), True


def _refuse_repeated_columns(frame: pd.DataFrame, reading: str, done_column: str | None,
                             where: str) -> None:
    """Refuse a header that names a column the reading uses twice (``id,done,title,done``).

    Which of the two holds the dates cannot be guessed; other repeated columns
    (a Jira export's several ``Labels``) are harmless and read as ``Labels.1``.
    """
    repeated: dict[str, list[int]] = frame.attrs.get(REPEATED_ATTR, {})
    if not repeated:
        return
    used = set(DONE_COLUMN_NAMES) | set(COUNT_NAMES) if reading == "generic" else set()
    for role_names in trackers.TRACKERS[reading].columns.values():
        used.update(role_names)
    if done_column is not None:
        used.add(norm_name(done_column))
    for name, positions in repeated.items():
        if norm_name(name) in used:
            raise ColumnError(
                f"{where}: the header names column {name!r} {len(positions)} times (columns "
                f"{', '.join(map(str, positions[:-1]))} and {positions[-1]}), and which one "
                "to read cannot be guessed; rename or delete the extra ones")


def _named_column(columns: Sequence[str], done_column: str, where: str) -> str:
    """Return the column ``--done-column`` names (exactly, else whatever its case)."""
    matches = [c for c in columns if c == done_column] or [
        c for c in columns if c.lower() == done_column.strip().lower()
    ]
    if not matches:
        found = (f"columns found: {', '.join(columns)}" if recognisable(columns) else
                 "its first row names no column forecast knows: is it a CSV export with a "
                 "header row?")
        raise ColumnError(f"{where}: no column named {done_column!r}; {found}")
    return matches[0]


def _date_reader(frame: pd.DataFrame, date_format: str | None, where: str,
                 formats: dict[str, str], notes: list[str]) -> Callable[[str], np.ndarray]:
    """Return a function that reads a column as dates, noting its format and any ambiguity."""
    import pandas as pd

    rows = list(frame.index)

    def dates_of(col: str) -> np.ndarray:
        series = frame[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            if getattr(series.dt, "tz", None) is not None:
                series = series.dt.tz_localize(None)
            formats[col] = "datetime"
            return check_in_range(to_days(series), where, col, rows)
        seen: dict[str, Any] = {}
        parsed = parse_dates(
            list(series), date_format=date_format, where=where, column=col, rows=rows,
            info=seen,
        )
        formats[col] = seen.get("format", "")
        if seen.get("ambiguous"):
            notes.append(warning(
                f"dates in column {col!r} read as {seen['format']!r} (month first); they also "
                f"read as {seen['ambiguous']!r}: if the day comes first, pass --date-format "
                f"'{seen['ambiguous']}'", "ambiguous-dates"))
        return parsed

    return dates_of


def _generic_done_column(columns: Sequence[str], done_column: str | None,
                         looks_like: str | None, where: str,
                         notes: list[str]) -> tuple[str, str | None]:
    """Return a generic history's done-date column, and its count column if it is throughput.

    A file with ``date`` and ``count`` columns is a daily throughput file
    (unless ``--done-column`` names another column).
    """
    count_col = find_column(columns, COUNT_NAMES)
    date_col = find_column(columns, ("date", "day"))
    if done_column is not None:
        done = done_column
    elif count_col is not None and date_col is not None:
        done = date_col
    else:
        found = find_columns(columns, DONE_COLUMN_NAMES)
        if not found:
            hint = (
                f"; it looks like {trackers.label(looks_like)} without its "
                f"{trackers.missing_columns(columns, looks_like)[0]!r} column: add it to "
                "the export"
            ) if looks_like else ""
            if not recognisable(columns):  # not an export: never echo what it holds
                raise ColumnError(
                    f"{where} does not look like a history: its first row names none of the "
                    f"columns forecast reads; give a CSV export with a header row and a "
                    f"done-date column ({', '.join(DONE_COLUMN_NAMES[:6])} …), or name the "
                    f"column with {ref('done_column', 'NAME')}")
            raise ColumnError(
                f"{where}: no done-date column found among columns: {', '.join(columns)}; "
                f"looked for: {', '.join(DONE_COLUMN_NAMES)} (any case); "
                f"name it with {ref('done_column', 'NAME')}{hint}"
            )
        done = found[0]
        others = [c for c in found[1:] if norm_name(c) != "date"]
        if others:
            notes.append(warning(
                f"done dates read from column {done!r}; also found "
                f"{', '.join(repr(c) for c in others)}: choose with --done-column",
                "several-done-columns"))
    return done, (count_col if count_col is not None and done == date_col else None)


def _throughput(frame: pd.DataFrame, done: str, done_dates: np.ndarray, count_col: str,
                where: str, cal: Calendar, formats: dict[str, str],
                notes: list[str]) -> History:
    """Return the history of a daily throughput file (a count per date)."""
    rows = list(frame.index)
    counts = _parse_counts(frame[count_col], where, count_col, rows)
    keep = ~np.isnat(done_dates)
    if not keep.any():
        raise DataError(f"{where}: column {done!r} has no dates")
    days, inverse, repeats = np.unique(done_dates[keep], return_inverse=True,
                                       return_counts=True)
    per_day = np.bincount(inverse, weights=counts[keep]).astype(np.int64)
    if (repeats > 1).any():
        labels = np.asarray(rows, dtype=object)[keep]
        first = int(np.flatnonzero(repeats > 1)[0])
        at = labels[inverse == first][:2]
        n = int((repeats > 1).sum())
        notes.append(warning(
            f"{where}: {plural(n, 'date')} appear{'s' if n == 1 else ''} on more than one row "
            f"(first: {days[first]}, rows {at[0]} and {at[1]}); their counts are added up — "
            "if a row was repeated by mistake, remove it", "duplicate-dates"))
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


def _excluded(items: pd.DataFrame, exclude_types: Iterable[str], where: str,
              columns: Sequence[str], notes: list[str]) -> np.ndarray | bool:
    """Return which items are of an excluded type (False when none is excluded), with notes."""
    excluded = {t.strip().lower() for t in exclude_types if t.strip()}
    if not excluded:
        return False
    if "type" not in items:
        raise ColumnError(
            f"{where}: {ref('exclude_types')} needs a type column, and none was found among: "
            f"{', '.join(columns)} (looked for: {', '.join(TYPE_NAMES)})"
        )
    lowered = items["type"].str.lower()
    drop = lowered.isin(excluded).to_numpy()
    missing_types = sorted(excluded - set(lowered))
    if missing_types:
        present = sorted(set(items["type"]) - {""})
        notes.append(warning(
            f"no item has type {', '.join(repr(m) for m in missing_types)}; types present: "
            f"{', '.join(present[:15])}{' …' if len(present) > 15 else ''}", "unknown-type"))
    if drop.any():
        given = sorted({t.strip() for t in exclude_types if t.strip()})
        notes.append(info(
            f"{plural(int(drop.sum()), 'item')} of type {', '.join(given)} left out",
            "types-left-out"))
    return drop


def _item_history(items: pd.DataFrame, reason: np.ndarray | None, duplicates: int, name: str,
                  done: str, date_format: str, where: str, cal: Calendar, n_rows: int,
                  notes: list[str], summary_at: int) -> History:
    """Return the history of items read with ``name``'s rules, noting the rows it used."""
    state = items["state"].to_numpy(dtype=object)
    counted = ~items["excluded"].to_numpy(dtype=bool)
    done_array = items["done"].to_numpy().astype("datetime64[D]")
    used = counted & (state == "done")
    skipped = int((counted & (state == "open")).sum())
    canceled = int((counted & (state == "canceled")).sum())
    undated = int((counted & (state == "undated")).sum())
    if name == "generic":
        if skipped:
            notes.append(info(
                f"{plural(skipped, 'row')} without a done date left out (work in progress)",
                "in-progress-left-out"))
        _refuse_all_excluded(where, used, counted, state)
        if not used.any():
            raise DataError(
                f"{where}: column {done!r} has no dates in any row; "
                f"is it the right column? name another with {ref('done_column')}"
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
            info(f"used {n_used} of {plural(n_rows, 'row')}: {', '.join(parts)}" if parts
                 else f"used all {plural(n_rows, 'row')}", "rows-used"),
        )
        _refuse_all_excluded(where, used, counted, state)
        if not used.any():
            raise DataError(
                f"{where}: no row is done ({', '.join(parts) or 'no rows'}); "
                f"{trackers.no_done_hint(name)}"
            )
    future = _future_note(where, done, done_array, used, list(items.index))
    if future:
        notes.append(future)
    days, per_day = np.unique(done_array[used], return_counts=True)
    return History(
        dates=days, counts=per_day.astype(np.int64), calendar=cal, source=where.strip("'"),
        first=days[0].astype(dt.date), last=days[-1].astype(dt.date),
        kind="items", items=items, skipped=skipped, done_column=done,
        date_format=date_format, notes=tuple(notes), tracker=name,
        rows=n_rows, canceled=canceled, undated=undated,
    )


def _refuse_all_excluded(where: str, used: np.ndarray, counted: np.ndarray,
                         state: np.ndarray) -> None:
    """Refuse a history whose every done item is of an excluded type (nothing is left)."""
    if used.any():
        return
    excluded_done = int((~counted & (state == "done")).sum())
    if excluded_done:
        raise DataError(
            f"{where}: every done item is of an excluded type ({plural(excluded_done, 'item')} "
            f"left out by {ref('exclude_types')}), so no throughput is left to forecast from; "
            "exclude fewer types")


_NO_ID = frozenset({"", "nan", "none", "<na>", "nat"})
"""Id cells that hold no id (empty, or a DataFrame's missing value as text)."""


def _repeated_ids(ids: pd.Series) -> np.ndarray:
    """Return which rows carry the id of an earlier row (rows without an id never do)."""
    text = ids.astype(str).str.strip()
    has_id = ~text.str.lower().isin(_NO_ID).to_numpy(dtype=bool)
    return has_id & text.duplicated(keep="first").to_numpy(dtype=bool)


def _duplicates_note(where: str, ids: pd.Series, repeated: np.ndarray) -> Note:
    """One line on the rows left out because their id repeats an earlier row's."""
    text = ids.astype(str).str.strip()
    at = int(np.flatnonzero(repeated)[0])
    first_id = text.iloc[at]
    original = text.index[int(np.flatnonzero((text == first_id).to_numpy())[0])]
    n = int(repeated.sum())
    return warning(
        f"{where}: {plural(n, 'duplicate row')} of the same id left out "
        f"({'first: ' if n > 1 else ''}row {text.index[at]}, id {first_id!r}, as in row "
        f"{original}); each id is counted once — if they are different items, give each its "
        "own id", "duplicate-ids")


def _future_note(where: str, column: str, dates: np.ndarray, rows_used: np.ndarray,
                 labels: Sequence[object]) -> Note | None:
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
    return warning(
        f"{where}: {plural(n, 'row')} done after today ({today}), the latest on {dates[at]} "
        f"(row {labels[at]}): a completion cannot be in the future; kept in the history, "
        f"but check the dates in column {column!r} (or the computer's clock)",
        "done-in-future")


def as_history(history: History | str | os.PathLike[str] | pd.DataFrame) -> History:
    """Return ``history`` as a :class:`~forecast.core.history.History`, reading it if needed.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> as_history(h) is h
    True
    """
    if isinstance(history, History):
        return history
    return read_history(history)


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
