"""What a tracker is, and the helpers its reading is written with.

A tracker module (``jira.py``, ``ado.py``...) defines one :class:`Tracker`,
named ``TRACKER``: its columns, how it is recognised, what it needs, how to
export it, its status vocabularies, and its ``extract`` function, which
turns an export's rows into an :class:`Extracted` (done date, state and text
per row). The registry (:mod:`forecast.io.trackers`) lists the modules.

Every row ends in one of four states: :data:`DONE`, :data:`OPEN`,
:data:`CANCELED` or :data:`UNDATED` (see :mod:`forecast.io.trackers`).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"State": ["Closed", "Active"]})
>>> lower(frame, column(list(frame.columns), ("state",))).tolist()
['closed', 'active']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from forecast.exceptions import DataError
from forecast.io.columns import norm_name
from forecast.notes import warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Tracker", "Extracted", "DONE", "OPEN", "CANCELED", "UNDATED", "TODO_STATUSES",
           "DOING_STATUSES", "DONE_STATUSES", "CANCELED_STATUSES", "column", "text", "text_or",
           "present", "lower", "isin", "optional_dates", "open_states", "note_unknown_done",
           "finish"]

DONE, OPEN, CANCELED, UNDATED = "done", "open", "canceled", "undated"
"""The states of a row: finished, not finished, closed undelivered, done without a date."""

# Status names, lower-cased. Unknown statuses are judged by the done date.
TODO_STATUSES = frozenset({
    "to do", "todo", "open", "new", "backlog", "proposed", "approved", "ready",
    "selected for development", "ready for development", "reopened", "triage",
})
"""Statuses of work not started yet (lower case)."""

DOING_STATUSES = frozenset({
    "in progress", "active", "doing", "committed", "in review", "review", "code review",
    "in development", "development", "testing", "in testing", "in test", "in qa", "qa",
    "blocked",
})
"""Statuses of work started and not finished (lower case)."""

DONE_STATUSES = frozenset({"done", "closed", "completed", "complete", "resolved", "released"})
"""Statuses of finished work (lower case)."""

CANCELED_STATUSES = frozenset({
    "canceled", "cancelled", "removed", "won't do", "wont do", "won't fix", "wont fix",
    "rejected", "declined", "abandoned", "obsolete", "duplicate", "not planned", "cut",
})
"""Statuses of work closed without being delivered (lower case)."""

Columns = dict[str, str | None]
"""An export's column for each role of its tracker (None: the export has none)."""

DatesOf = Callable[[str], np.ndarray]
"""Reads a column as ``datetime64[D]`` (NaT where empty), raising DataError on a bad cell."""


@dataclass
class Extracted:
    """One export read through its tracker's rules: per-row dates, state and text.

    Attributes
    ----------
    tracker : str
        The tracker's key.
    done : numpy.ndarray of datetime64[D]
        Each row's done date (NaT unless the row is done, after :func:`finish`).
    state : numpy.ndarray of str
        Each row's state: :data:`DONE`, :data:`OPEN`, :data:`CANCELED` or :data:`UNDATED`.
    done_column : str
        The done-date column as notes name it.
    started : numpy.ndarray of datetime64[D], optional
        Each row's start date, or None when the export gives none.
    text : dict of str to numpy.ndarray
        Text columns by role (``id``, ``type``, ``parent``, ``status``, ``project``).
    notes : list of str
        What the reading noticed, for the history's notes.
    reason : numpy.ndarray of str, optional
        Why each canceled row is canceled (its resolution or status), '' for other rows.
    date_column : str
        The column whose date format describes the done dates (default: done_column).

    Examples
    --------
    >>> import numpy as np
    >>> got = Extracted("ado", np.array(["2024-06-03"], dtype="datetime64[D]"),
    ...                 np.array([DONE], dtype=object), "Closed Date")
    >>> got.date_column
    'Closed Date'
    """

    tracker: str
    done: np.ndarray
    state: np.ndarray
    done_column: str
    started: np.ndarray | None = None
    text: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reason: np.ndarray | None = None
    date_column: str = ""

    def __post_init__(self) -> None:
        if not self.date_column:
            self.date_column = self.done_column


Extract = Callable[["pd.DataFrame", Columns, DatesOf], Extracted]
"""A tracker's reading: the export, its column per role, and how to read dates."""

OPEN_EXPORT_HINT = "is the export filtered to open items? include the resolved or closed ones"
"""What to do about an export without done rows, unless the tracker says otherwise."""


@dataclass(frozen=True)
class Tracker:
    """One issue tracker: how its export is recognised, checked and read.

    Attributes
    ----------
    key : str
        Its name in ``read_history(..., tracker=KEY)`` and ``--source KEY``.
    label : str
        How notes and messages name its export ("Jira export").
    extract : callable
        ``extract(frame, cols, dates_of) -> Extracted``: the reading, given
        the export, its column for each role of ``columns`` (None when
        missing) and a function that reads a column as dates. A reading that
        gives states calls :func:`finish` on its result.
    columns : mapping of str to tuple of str
        Per role (``done``, ``status``, ``started``, ``id``...), the column
        names that fill it by preference, normalised as
        :func:`~forecast.io.columns.norm_name` does.
    identity : tuple of tuple of str
        Normalised names that recognise the export: every group needs one of
        its names. Empty for the fallback reading (generic), which is never
        recognised, only chosen when no other is.
    required : tuple of tuple of str
        Groups of roles without which the export cannot be read (one role of
        each group must have a column).
    shown : mapping of str to str
        Display names of the required roles, for messages.
    how_to_export : str
        How to get an export with the required columns, for messages.
    no_done_hint : str
        How to get done rows into an export that has none.
    todo_statuses, open_statuses, done_statuses, canceled_statuses : frozenset of str
        Lower-case statuses of work not started; of work not done even when
        the row has a done date; of done work; of work canceled.
    own_start_column : bool
        Whether start dates come from a column of their own, so that an
        unfinished row without one is missing its start (rather than having
        none by design, as Jira's to-do rows and GitHub's issues do).
    done_roles : tuple of str
        Roles that hold a done date; naming the done column (``--done-column``)
        fills ``done`` and empties the others.
    reads_json : bool
        Whether the export may be a JSON list of objects (``gh ... --json``).
    detect_after : tuple of str
        Trackers tried before this one when recognising an export, whatever
        the registry's order (a file that matches both is theirs).

    Examples
    --------
    >>> def extract(frame, cols, dates_of):
    ...     raise NotImplementedError
    >>> tracker = Tracker("youtrack", "YouTrack export", extract,
    ...                   columns={"done": ("resolved",), "status": ("state",)},
    ...                   identity=(("issue id",), ("resolved",)),
    ...                   required=(("done",),), shown={"done": "Resolved"})
    >>> tracker.key, tracker.own_start_column
    ('youtrack', False)
    """

    key: str
    label: str
    extract: Extract = field(repr=False)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    identity: tuple[tuple[str, ...], ...] = ()
    required: tuple[tuple[str, ...], ...] = ()
    shown: Mapping[str, str] = field(default_factory=dict)
    how_to_export: str = ""
    no_done_hint: str = OPEN_EXPORT_HINT
    todo_statuses: frozenset[str] = TODO_STATUSES
    open_statuses: frozenset[str] = frozenset()
    done_statuses: frozenset[str] = frozenset()
    canceled_statuses: frozenset[str] = frozenset()
    own_start_column: bool = False
    done_roles: tuple[str, ...] = ("done",)
    reads_json: bool = False
    detect_after: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for group in self.required:
            for role in group:
                if role not in self.columns or role not in self.shown:
                    raise ValueError(f"tracker {self.key!r}: required role {role!r} needs "
                                     "its column names and its shown name")
        for role in self.done_roles:
            if role not in self.columns:
                raise ValueError(f"tracker {self.key!r}: done role {role!r} has no columns")
        names = [n for names in self.columns.values() for n in names]
        names += [n for group in self.identity for n in group]
        for name in names:
            if norm_name(name) != name:
                raise ValueError(f"tracker {self.key!r}: column name {name!r} is not "
                                 f"normalised (write {norm_name(name)!r})")

    def recognises(self, columns: Sequence[object]) -> bool:
        """Return whether an export with these column names is this tracker's.

        Examples
        --------
        >>> from forecast.io.trackers import TRACKERS
        >>> TRACKERS["ado"].recognises(["ID", "Work Item Type", "State", "Closed Date"])
        True
        >>> TRACKERS["generic"].recognises(["done"])  # the fallback is never recognised
        False
        """
        names = {norm_name(c) for c in columns}
        return bool(self.identity) and all(
            any(name in names for name in group) for group in self.identity)


def column(columns: Sequence[str], names: Sequence[str]) -> str | None:
    """Return the first column whose normalised name is in ``names`` (by preference), or None.

    Examples
    --------
    >>> column(["Key", "Closed_Date", "closedAt"], ("closed at", "closed date"))
    'closedAt'
    """
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(norm_name(col), col)
    for name in names:
        if name in by_norm:
            return by_norm[name]
    return None


def text(frame: pd.DataFrame, col: str) -> np.ndarray:
    """Return a column's cells as stripped text ('' where empty).

    Examples
    --------
    >>> import pandas as pd
    >>> text(pd.DataFrame({"Key": [" A-1", None]}), "Key").tolist()
    ['A-1', '']
    """
    return frame[col].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def text_or(frame: pd.DataFrame, col: str | None, default: str = "canceled") -> np.ndarray:
    """Return a column's stripped text, ``default`` where the column or the cell is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> text_or(pd.DataFrame({"State": ["Removed", ""]}), "State").tolist()
    ['Removed', 'canceled']
    """
    if col is None:
        return np.full(len(frame), default, dtype=object)
    values = text(frame, col)
    return np.where(values == "", default, values)


def present(frame: pd.DataFrame, col: str | None) -> np.ndarray:
    """Return whether each cell of a column holds something (a date, a text).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Canceled": ["2024-06-03", " ", None]}, dtype=object)
    >>> present(frame, "Canceled").tolist()
    [True, False, False]
    """
    if col is None:
        return np.zeros(len(frame), dtype=bool)
    series = frame[col]
    filled = series.notna().to_numpy(dtype=bool)
    if series.dtype == object:
        filled = filled & series.astype(str).str.strip().ne("").to_numpy(dtype=bool)
    return filled


def lower(frame: pd.DataFrame, col: str | None) -> np.ndarray:
    """Return a column's text as statuses are compared: lower case, ``_`` and ``’`` plain.

    Examples
    --------
    >>> import pandas as pd
    >>> lower(pd.DataFrame({"state": ["NOT_PLANNED", "Won\u2019t Do"]}), "state").tolist()
    ['not planned', "won't do"]
    """
    if col is None:
        return np.full(len(frame), "", dtype=object)
    values = frame[col].fillna("").astype(str).str.strip().str.lower()
    return values.str.replace("_", " ").str.replace("\u2019", "'").to_numpy(dtype=object)


def isin(values: np.ndarray, names: frozenset[str] | set[str]) -> np.ndarray:
    """Return whether each value is one of ``names``.

    Examples
    --------
    >>> import numpy as np
    >>> isin(np.array(["done", "open"], dtype=object), DONE_STATUSES).tolist()
    [True, False]
    """
    return np.array([v in names for v in values], dtype=bool)


def optional_dates(frame: pd.DataFrame, col: str | None, dates_of: DatesOf,
                   notes: list[str]) -> np.ndarray | None:
    """Return a column's dates, or None (with a note) when it is missing or not dates.

    Examples
    --------
    >>> import pandas as pd
    >>> from forecast.io.dates import parse_dates
    >>> frame = pd.DataFrame({"Started": ["soon"]})
    >>> notes = []
    >>> optional_dates(frame, "Started", lambda c: parse_dates(frame[c], column=c), notes)
    >>> notes
    ["column 'Started' could not be read as dates and was ignored"]
    """
    if col is None:
        return None
    try:
        return dates_of(col)
    except DataError:
        notes.append(warning(f"column {col!r} could not be read as dates and was ignored",
                             "column-unreadable"))
        return None


def open_states(n: int) -> np.ndarray:
    """Return ``n`` rows all :data:`OPEN`, for a reading to mark the others.

    Examples
    --------
    >>> open_states(2).tolist()
    ['open', 'open']
    """
    return np.full(n, OPEN, dtype=object)


def note_unknown_done(frame: pd.DataFrame, col: str, status: np.ndarray, state: np.ndarray,
                      notes: list[str], known: frozenset[str] = DONE_STATUSES) -> None:
    """Name the statuses counted as done only because the row has a done date.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"Status": ["Live", "Done"]})
    >>> notes = []
    >>> note_unknown_done(frame, "Status", lower(frame, "Status"),
    ...                   np.array([DONE, DONE], dtype=object), notes)
    >>> notes[0]
    "status 'Live' (1) counted as done (rows with a done date); if that is wrong, leave those rows out of the export"
    """  # noqa: E501
    unknown = (state == DONE) & ~isin(status, known)
    if unknown.any():
        raw = Counter(str(frame[col].iloc[i]).strip() for i in np.flatnonzero(unknown))
        shown = ", ".join(f"{s!r} ({k})" for s, k in raw.most_common(5))
        notes.append(warning(
            f"status{'es' if len(raw) > 1 else ''} {shown} counted as done (rows with a done "
            "date); if that is wrong, leave those rows out of the export", "unknown-done-status"))


TEXT_ROLES = ("id", "type", "parent", "status")
"""Roles whose column :func:`finish` keeps as text when the reading has not."""


def finish(frame: pd.DataFrame, cols: Columns, out: Extracted) -> Extracted:
    """Complete a reading: keep its text columns, and dates only where the state allows.

    The ``id``, ``type``, ``parent`` and ``status`` columns are kept as text
    unless the reading filled them; a done date is kept on done rows only,
    a start date on done and open rows only (and none at all when no row
    has one).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"ID": ["1", "2"]})
    >>> days = np.array(["2024-06-03", "2024-06-04"], dtype="datetime64[D]")
    >>> out = finish(frame, {"id": "ID"},
    ...              Extracted("ado", days, np.array([DONE, CANCELED], dtype=object), "Closed"))
    >>> out.text["id"].tolist(), out.done.astype(str).tolist()
    (['1', '2'], ['2024-06-03', 'NaT'])
    """
    for role in TEXT_ROLES:
        col = cols.get(role)
        if col is not None and role not in out.text:
            out.text[role] = text(frame, col)
    out.done = np.where(out.state == DONE, out.done, np.datetime64("NaT"))
    if out.started is not None:
        keep = (out.state == DONE) | (out.state == OPEN)
        out.started = np.where(keep, out.started, np.datetime64("NaT"))
        if np.isnat(out.started).all():
            out.started = None
    return out

