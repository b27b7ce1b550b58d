"""The trackers whose exports are read: Jira, Azure DevOps, GitHub, Linear, and generic files.

:func:`forecast.read_history` recognises each export by its columns (a JSON
file by its content) and reads it through the tracker's own rules, which
the tracker's module holds (:mod:`~forecast.io.trackers.jira`,
:mod:`~forecast.io.trackers.ado`, :mod:`~forecast.io.trackers.github`,
:mod:`~forecast.io.trackers.linear`, and :mod:`~forecast.io.trackers.generic`
for any other file). Every row ends in one of four states:

``done``
    Finished work: the row has the tracker's done date and a status that is
    not an open one. Only these rows count as throughput.
``open``
    Not done (to do, in progress, in review, reopened...): kept aside as
    work in progress, with its start date when the tracker has one, so that
    the aging signal sees it.
``canceled``
    Closed without being delivered: Jira resolutions such as *Won't Do*,
    *Duplicate* or *Cannot Reproduce* (or a canceled status), Azure DevOps
    *Removed*, a Linear *Canceled* date or status, a GitHub issue closed as
    *not planned* or *duplicate*, a pull request closed without being merged.
    Canceled work is not delivered work, so it is neither throughput nor
    work in progress; it is counted and reported.
``undated``
    A done status without a done date (a Jira workflow that sets no
    resolution, when the export has no *Status Category Changed* column to
    date it): it cannot be placed in time, so it is counted and reported.

The registry is :data:`TRACKERS`, one :class:`~forecast.io.trackers.base.Tracker`
per module, in the order ``--source`` lists them. An export is recognised by
trying the trackers in :func:`detection_order`: Jira, Azure DevOps, Linear,
then GitHub; a file none of them recognises is read as a generic history.
Adding a tracker is one module that defines ``TRACKER`` (see
:mod:`~forecast.io.trackers.base`) and its line in :data:`TRACKERS` (and its
name in the command line's written-out ``SOURCES``, which a test compares).

Examples
--------
>>> detect_tracker(["Issue key", "Issue id", "Issue Type", "Status", "Created", "Resolved"])
'jira'
>>> list(TRACKERS)
['generic', 'jira', 'ado', 'github', 'linear']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from forecast.exceptions import ColumnError, ParameterError, ref
from forecast.io.trackers import ado, generic, github, jira, linear
from forecast.io.trackers.base import DatesOf, Extracted, Tracker, column
from forecast.io.trackers.github import json_frame
from forecast.notes import info, warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKERS", "Tracker", "Extracted", "sources", "detection_order", "detect_tracker",
           "check_tracker", "choose_reading", "missing_columns", "missing_message", "label",
           "is_json", "json_frame", "extract", "no_done_hint"]

TRACKERS: dict[str, Tracker] = {tracker.key: tracker for tracker in (
    generic.TRACKER,
    jira.TRACKER,
    ado.TRACKER,
    github.TRACKER,
    linear.TRACKER,
)}
"""The registry: each tracker by its key, in the order ``--source`` lists them."""

FALLBACK = "generic"
"""The reading of a file that no tracker recognises."""


def sources() -> tuple[str, ...]:
    """Return the values of ``read_history(..., tracker=...)`` (``--source``): auto, then each key.

    Examples
    --------
    >>> sources()
    ('auto', 'generic', 'jira', 'ado', 'github', 'linear')
    """
    return ("auto", *TRACKERS)


def detection_order() -> tuple[str, ...]:
    """Return the trackers an export is recognised by, in the order they are tried.

    The registry's order, except that a tracker comes after those it names in
    :attr:`~forecast.io.trackers.base.Tracker.detect_after`. The fallback
    (generic) is not among them: it is never recognised.

    Examples
    --------
    >>> detection_order()
    ('jira', 'ado', 'linear', 'github')
    """
    pending = [t for t in TRACKERS.values() if t.identity]
    order: list[str] = []
    while pending:
        ready = next((t for t in pending
                      if all(k in order or k not in TRACKERS for k in t.detect_after)), None)
        if ready is None:
            raise ValueError(f"trackers {', '.join(t.key for t in pending)} each wait to be "
                             "detected after another (detect_after)")
        order.append(ready.key)
        pending.remove(ready)
    return tuple(order)


def check_tracker(tracker: object, where: str) -> str:
    """Return ``tracker`` lower-cased, or raise a ParameterError naming the choices.

    Examples
    --------
    >>> check_tracker(" Jira", "'h.csv'")
    'jira'
    >>> check_tracker("trello", "'h.csv'")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: 'h.csv': unknown source 'trello' (given as tracker); \
use one of auto, generic, jira, ado, github, linear (auto recognises the export by its columns)
    """
    name = tracker.strip().lower() if isinstance(tracker, str) else ""
    if name not in sources():
        raise ParameterError(
            f"{where}: unknown source {tracker!r} (given as {ref('tracker')}); use one "
            f"of {', '.join(sources())} (auto recognises the export by its columns)",
            parameter="tracker")
    return name


def detect_tracker(columns: Sequence[object], *, from_json: bool = False) -> str:
    """Return which tracker exported a file with these column names.

    The names are compared after lower-casing and turning ``_``, ``-``,
    ``.`` and camelCase into spaces, so ``closedAt`` and ``closed_at`` are the
    same column.

    Parameters
    ----------
    columns : sequence of str
        The header of the export (or the keys of its JSON objects).
    from_json : bool
        Whether the file is JSON: only trackers that read JSON are tried, and
        the first of them is the answer when none recognises the keys (its
        missing columns then say what the file lacks).

    Returns
    -------
    str
        The key of the first tracker in :func:`detection_order` that
        recognises the columns (``"jira"``, ``"ado"``, ``"linear"``,
        ``"github"``), or ``"generic"`` when none does.

    Examples
    --------
    >>> detect_tracker(["ID", "Work Item Type", "Title", "State", "Closed Date"])
    'ado'
    >>> detect_tracker(["number", "title", "state", "createdAt", "closedAt"])
    'github'
    >>> detect_tracker(["ID", "Title", "Status", "Created", "Started", "Completed", "Canceled"])
    'linear'
    >>> detect_tracker(["id", "done", "started"])
    'generic'
    >>> detect_tracker(["key", "finished"], from_json=True)
    'github'
    """
    order = [TRACKERS[key] for key in detection_order()]
    if from_json:
        order = [t for t in order if t.reads_json]
    for tracker in order:
        if tracker.recognises(columns):
            return tracker.key
    return order[0].key if from_json and order else FALLBACK


def choose_reading(columns: Sequence[str], wanted: str, where: str, notes: list[str], *,
                   from_json: bool = False, done_column: str | None = None,
                   ) -> tuple[str, str | None]:
    """Return which reading a file gets, and the tracker it looks like but cannot be read as.

    ``wanted`` is what the user chose (:func:`check_tracker`): a tracker's
    key forces its reading (its columns must be there); ``"auto"``
    recognises the export (:func:`detect_tracker`), and reads an export that
    looks like a tracker's but lacks its columns as a generic history, the
    tracker it looks like being the second value (None otherwise). A line
    saying how the file is read is added to ``notes``.

    Raises
    ------
    ColumnError
        When a forced tracker's columns are missing, or a JSON file is not a
        JSON tracker's export.

    Examples
    --------
    >>> notes = []
    >>> choose_reading(["Issue key", "Status", "Issue Type", "done"], "auto", "'h.csv'", notes)
    ('generic', 'jira')
    >>> notes
    ["looks like a Jira export but has no 'Resolved' column: read as a generic history"]
    >>> choose_reading(["ID", "Work Item Type", "State", "Closed Date"], "auto", "'h.csv'", notes)
    ('ado', None)
    >>> notes[-1]
    'read as an Azure DevOps export (recognised by its columns; choose another reading with --source)'
    """  # noqa: E501
    if wanted != "auto":
        if wanted != FALLBACK:
            missing = [] if done_column is not None else missing_columns(columns, wanted)
            if missing:
                raise ColumnError(missing_message(where, wanted, missing, columns, True))
            notes.append(info(f"read as {label(wanted)} (--source {wanted})", "read-as"))
        return wanted, None
    name = detect_tracker(columns, from_json=from_json)
    missing = [] if name == FALLBACK or done_column is not None else (
        missing_columns(columns, name))
    if missing and from_json:
        raise ColumnError(missing_message(where, name, missing, columns, False))
    if missing:
        notes.append(warning(
            f"looks like {label(name)} but has no "
            f"{' or '.join(repr(m) for m in missing)} column: read as a generic history",
            "read-as-generic"))
        return FALLBACK, name
    if name != FALLBACK:
        how = "a JSON list of objects" if from_json else "recognised by its columns"
        notes.append(info(f"read as {label(name)} ({how}; choose another reading with "
                          "--source)", "read-as"))
    return name, None


def missing_columns(columns: Sequence[str], tracker: str) -> list[str]:
    """Return the display names of the columns ``tracker`` needs and ``columns`` lack.

    Examples
    --------
    >>> missing_columns(["ID", "Work Item Type", "State"], "ado")
    ['Closed Date']
    >>> missing_columns(["number", "state"], "github")
    ['closedAt or mergedAt']
    """
    found = TRACKERS[tracker]
    missing = []
    for group in found.required:
        if not any(column(columns, found.columns[role]) for role in group):
            missing.append(" or ".join(found.shown[role] for role in group))
    return missing


def missing_message(where: str, tracker: str, missing: Sequence[str],
                    columns: Sequence[str], forced: bool) -> str:
    """Return one line saying which columns an export lacks and how to get them.

    The line is an error message: its parameters are references that each front end
    spells (see :func:`forecast.exceptions.ref`).

    Examples
    --------
    >>> from forecast.exceptions import spelled
    >>> print(spelled(missing_message("'h.csv'", "ado", ["Closed Date"], ["ID", "State"], True)))
    ... # doctest: +NORMALIZE_WHITESPACE
    'h.csv': tracker='ado' needs the column 'Closed Date', which is missing (columns found:
    ID, State); add the columns to the query (Column options) before 'Export to CSV', or use
    tracker='generic' with done_column
    """
    how = ref("tracker", tracker)
    shown = ", ".join(columns[:25]) + (" …" if len(columns) > 25 else "")
    lead = (f"{where}: {how} needs the column" if forced
            else f"{where}: read as {label(tracker)}, it needs the column")
    plural = "s" if len(missing) > 1 else ""
    return (
        f"{lead}{plural} {', '.join(repr(m) for m in missing)}, which "
        f"{'are' if plural else 'is'} missing (columns found: {shown}); "
        f"{TRACKERS[tracker].how_to_export}, or use {ref('tracker', 'generic')} with "
        f"{ref('done_column')}"
    )


def label(tracker: str) -> str:
    """Return the source's name with its article: 'a Jira export', 'an Azure DevOps export'.

    Examples
    --------
    >>> label("jira"), label("ado")
    ('a Jira export', 'an Azure DevOps export')
    """
    name = TRACKERS[tracker].label
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def is_json(text: str) -> bool:
    """Return whether a history file's text is JSON rather than CSV.

    Examples
    --------
    >>> is_json('  [{"number": 1}]'), is_json("id,done")
    (True, False)
    """
    return text.lstrip()[:1] in ("[", "{")


def extract(frame: pd.DataFrame, tracker: str, dates_of: DatesOf,
            done_column: str | None = None) -> Extracted:
    """Read ``frame`` as an export of ``tracker`` (its columns already checked).

    Parameters
    ----------
    frame : pandas.DataFrame
        The export, as text cells (or dates, from a DataFrame).
    tracker : str
        A key of :data:`TRACKERS`.
    dates_of : callable
        Reads a column as ``datetime64[D]``.
    done_column : str, optional
        The done-date column, when named by the user: it fills the ``done``
        role, and the tracker's other done roles are left empty.

    Returns
    -------
    Extracted

    Examples
    --------
    >>> import pandas as pd
    >>> from forecast.io.dates import parse_dates
    >>> frame = pd.DataFrame({"ID": ["1", "2", "3"], "Work Item Type": ["Bug"] * 3,
    ...                       "State": ["Closed", "Active", "Removed"],
    ...                       "Closed Date": ["2024-06-03", "", "2024-06-04"]})
    >>> got = extract(frame, "ado", lambda c: parse_dates(frame[c]))
    >>> got.state.tolist(), got.done.astype(str).tolist()
    (['done', 'open', 'canceled'], ['2024-06-03', 'NaT', 'NaT'])
    """
    found = TRACKERS[tracker]
    columns = list(frame.columns)
    cols = {role: column(columns, names) for role, names in found.columns.items()}
    if done_column is not None:
        for role in found.done_roles:
            cols[role] = None
        cols["done"] = done_column
    return found.extract(frame, cols, dates_of)


def no_done_hint(tracker: str) -> str:
    """Return how to get done rows into an export that has none.

    Examples
    --------
    >>> no_done_hint("jira")
    'is the export filtered to open items? include the resolved or closed ones'
    """
    return TRACKERS[tracker].no_done_hint
