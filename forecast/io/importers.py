"""Read the exports of issue trackers: Jira, Azure DevOps, GitHub and Linear.

:func:`forecast.read_history` recognises each export by its columns (a JSON
file by its content) and reads it through the tracker's own rules, which this
module holds. Every row ends in one of four states:

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

How each export is read:

- **Jira** (CSV, "Export Excel CSV"): done date *Resolved*; done when the
  *Status Category* is *Done* (or, without that column, when the row has a
  Resolved date and its status is not an open one); id *Issue key*, type
  *Issue Type*, parent *Parent* (the parent's issue id, turned into its key)
  or *Epic Link*. Jira exports have no start date, so cycle times and ages
  are measured from *Created*, and only for rows that are done or in
  progress (not for the to-do backlog).
- **Azure DevOps** (query results, "Export to CSV"): done date *Closed Date*,
  start *Activated Date*, status *State*, type *Work Item Type*, parent
  *Parent*.
- **GitHub** (``gh issue list --json ...`` or ``gh pr list --json ...``,
  a JSON list of objects): an issue is done at *closedAt* unless closed as
  not planned (``stateReason``); a pull request is done at *mergedAt*, and
  starts at *createdAt*. Issues have no start date.
- **Linear** (CSV export): done date *Completed*, start *Started*, status
  *Status*, parent *Parent issue*; a *Canceled* date or status cancels.

Examples
--------
>>> detect_tracker(["Issue key", "Issue id", "Issue Type", "Status", "Created", "Resolved"])
'jira'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.exceptions import DataError, ParameterError, ref
from forecast.notes import info, warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKERS", "TRACKER_LABELS", "detect_tracker"]

TRACKERS: tuple[str, ...] = ("auto", "generic", "jira", "ado", "github", "linear")
"""Values of ``read_history(..., tracker=...)`` (``--source`` on the command line)."""

TRACKER_LABELS: dict[str, str] = {
    "generic": "generic history",
    "jira": "Jira export",
    "ado": "Azure DevOps export",
    "github": "GitHub export",
    "linear": "Linear export",
}
"""How each source is named in notes and messages."""

DONE, OPEN, CANCELED, UNDATED = "done", "open", "canceled", "undated"

# Column roles per tracker: normalised names (see forecast.io._norm), by preference.
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "jira": {
        "done": ("resolved", "resolution date", "resolutiondate"),
        "status": ("status",),
        "category": ("status category",),
        "category changed": ("status category changed",),
        "resolution": ("resolution",),
        "created": ("created",),
        "id": ("issue key", "key"),
        "issue id": ("issue id",),
        "type": ("issue type", "issuetype"),
        "parent": ("parent", "parent id", "parent key", "parent link"),
        "epic": ("custom field (epic link)", "epic link"),
    },
    "ado": {
        "done": ("closed date",),
        "status": ("state",),
        "started": ("activated date",),
        "id": ("id",),
        "type": ("work item type",),
        "parent": ("parent",),
    },
    "linear": {
        "done": ("completed",),
        "status": ("status",),
        "started": ("started",),
        "canceled": ("canceled",),
        "id": ("id",),
        "parent": ("parent issue",),
        "project": ("project",),
    },
    "github": {
        "done": ("closed at",),
        "merged": ("merged at",),
        "status": ("state",),
        "reason": ("state reason",),
        "created": ("created at",),
        "id": ("number",),
    },
}

# Columns that name the export: every group needs one of its names.
_IDENTITY: dict[str, tuple[tuple[str, ...], ...]] = {
    "jira": (("issue key", "issue id"), ("status",), ("issue type", "resolved", "created")),
    "ado": (("work item type",), ("state",)),
    "linear": (("completed",), ("canceled",), ("status",)),
    "github": (("number",), ("state",), ("created at",), ("closed at", "merged at")),
}

# Roles without which an export cannot be read (groups of alternatives).
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "jira": (("done",), ("status",)),
    "ado": (("done",), ("status",)),
    "linear": (("done",), ("status",)),
    "github": (("done", "merged"),),
}

# Display names of the roles above, for messages.
_SHOWN: dict[str, dict[str, str]] = {
    "jira": {"done": "Resolved", "status": "Status"},
    "ado": {"done": "Closed Date", "status": "State"},
    "linear": {"done": "Completed", "status": "Status"},
    "github": {"done": "closedAt", "merged": "mergedAt"},
}

_HOW_TO_EXPORT: dict[str, str] = {
    "jira": "export from the issue search with 'Export Excel CSV (all fields)'",
    "ado": "add the columns to the query (Column options) before 'Export to CSV'",
    "linear": "export the issues as CSV from Linear",
    "github": (
        "export with gh issue list --state all --json number,title,state,stateReason,"
        "createdAt,closedAt,labels, or gh pr list --state all --json number,title,state,"
        "createdAt,closedAt,mergedAt,isDraft,labels"
    ),
}

# Status names, lower-cased. Unknown statuses are judged by the done date.
TODO_STATUSES = frozenset({
    "to do", "todo", "open", "new", "backlog", "proposed", "approved", "ready",
    "selected for development", "ready for development", "reopened", "triage",
})
_DOING_STATUSES = frozenset({
    "in progress", "active", "doing", "committed", "in review", "review", "code review",
    "in development", "development", "testing", "in testing", "in test", "in qa", "qa",
    "blocked",
})
_DONE_STATUSES = frozenset({"done", "closed", "completed", "complete", "resolved", "released"})
_CANCELED_STATUSES = frozenset({
    "canceled", "cancelled", "removed", "won't do", "wont do", "won't fix", "wont fix",
    "rejected", "declined", "abandoned", "obsolete", "duplicate", "not planned", "cut",
})
_CANCELED_RESOLUTIONS = frozenset({
    "won't do", "wont do", "won't fix", "wont fix", "duplicate", "cannot reproduce",
    "can't reproduce", "incomplete", "declined", "rejected", "abandoned", "obsolete",
    "canceled", "cancelled", "not a bug", "invalid", "not planned", "won't implement",
})
# Azure DevOps: "Resolved" is an in-progress category there (the Closed Date is not set yet).
_ADO_OPEN_STATUSES = TODO_STATUSES | _DOING_STATUSES | {"resolved", "design"}
_ADO_DONE_STATUSES = frozenset({"closed", "done", "completed"})
_GITHUB_CANCELED_REASONS = frozenset({"not planned", "duplicate"})

_GH_ZERO_TIME = "0001-01-01T00:00:00Z"
"""What old ``gh`` versions print for a date that is not set."""

_KINDS_ATTR = "forecast.github_kinds"


def _norm(name: object) -> str:
    from forecast.io.columns import norm_name as norm

    return norm(name)


def _column(columns: Sequence[str], names: Sequence[str]) -> str | None:
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(_norm(col), col)
    for name in names:
        if name in by_norm:
            return by_norm[name]
    return None


def check_tracker(tracker: object, where: str) -> str:
    """Return ``tracker`` lower-cased, or raise a ParameterError naming the choices."""
    name = tracker.strip().lower() if isinstance(tracker, str) else ""
    if name not in TRACKERS:
        raise ParameterError(
            f"{where}: unknown source {tracker!r} (given as {ref('tracker')}); use one "
            f"of {', '.join(TRACKERS)} (auto recognises the export by its columns)"
        )
    return name


def detect_tracker(columns: Sequence[object]) -> str:
    """Return which tracker exported a file with these column names.

    The names are compared after lower-casing and turning ``_``, ``-``,
    ``.`` and camelCase into spaces, so ``closedAt`` and ``closed_at`` are the
    same column.

    Parameters
    ----------
    columns : sequence of str
        The header of the export (or the keys of its JSON objects).

    Returns
    -------
    str
        ``"jira"``, ``"ado"``, ``"github"``, ``"linear"``, or ``"generic"``
        when none of them is recognised.

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
    """
    names = {_norm(c) for c in columns}
    for tracker, groups in _IDENTITY.items():
        if all(any(name in names for name in group) for group in groups):
            return tracker
    return "generic"


def missing_columns(columns: Sequence[str], tracker: str) -> list[str]:
    """Return the display names of the columns ``tracker`` needs and ``columns`` lack."""
    roles = _COLUMNS[tracker]
    missing = []
    for group in _REQUIRED[tracker]:
        if not any(_column(columns, roles[role]) for role in group):
            missing.append(" or ".join(_SHOWN[tracker][role] for role in group))
    return missing


def missing_message(where: str, tracker: str, missing: Sequence[str],
                    columns: Sequence[str], forced: bool) -> str:
    """Return one line saying which columns an export lacks and how to get them."""
    how = ref("tracker", tracker)
    shown = ", ".join(columns[:25]) + (" …" if len(columns) > 25 else "")
    lead = (f"{where}: {how} needs the column" if forced
            else f"{where}: read as {label(tracker)}, it needs the column")
    plural = "s" if len(missing) > 1 else ""
    return (
        f"{lead}{plural} {', '.join(repr(m) for m in missing)}, which "
        f"{'are' if plural else 'is'} missing (columns found: {shown}); "
        f"{_HOW_TO_EXPORT[tracker]}, or use {ref('tracker', 'generic')} with {ref('done_column')}"
    )


def label(tracker: str) -> str:
    """Return the source's name with its article: 'a Jira export', 'an Azure DevOps export'."""
    name = TRACKER_LABELS[tracker]
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def is_json(text: str) -> bool:
    """Return whether a history file's text is JSON rather than CSV."""
    return text.lstrip()[:1] in ("[", "{")


def json_frame(text: str, where: str) -> pd.DataFrame:
    """Return a JSON list of objects (``gh ... list --json``) as a frame of text cells.

    Several lists one after another (``gh api --paginate``) are joined. Rows
    are labelled by their position in the list (and their ``number``).
    """
    import pandas as pd

    decoder = json.JSONDecoder()
    values: list[Any] = []
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DataError(
                f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column "
                f"{exc.colno}; write it again with gh issue list --json ... > FILE (or gh pr "
                "list), without editing it"
            ) from None
        values.append(value)
    objects: list[dict[str, Any]] = []
    for value in values:
        if not isinstance(value, list):
            kind = "an object" if isinstance(value, dict) else f"a {type(value).__name__}"
            raise DataError(
                f"{where} holds {kind}, not a list of objects; give the output of "
                "gh issue list --json ... or gh pr list --json ... (a list: [{...}, {...}])"
            )
        for item in value:
            if not isinstance(item, dict):
                raise DataError(
                    f"{where}, item {len(objects) + 1}: {json.dumps(item)[:40]} is not an "
                    "object; give a list of objects such as gh issue list --json prints"
                )
            objects.append(item)
    if not objects:
        raise DataError(
            f"{where} is an empty list: no issues or pull requests; gh lists only open "
            "items by default, so export with --state all"
        )
    names: dict[str, None] = {}
    for item in objects:
        names.update(dict.fromkeys(str(k) for k in item))
    columns = list(names)
    cells = [[_cell(item.get(name)) for name in columns] for item in objects]
    labels = []
    for i, item in enumerate(objects, 1):
        number = item.get("number")
        labels.append(f"{i} (#{number})" if isinstance(number, int) else str(i))
    frame = pd.DataFrame(cells, columns=columns, index=labels, dtype=object)
    merged_keys = {"merged at", "is draft"}
    frame.attrs[_KINDS_ATTR] = [
        "pull request"
        if merged_keys & {_norm(k) for k in item} or str(item.get("state", "")).upper() == "MERGED"
        else "issue"
        for item in objects
    ]
    return frame


def _cell(value: Any) -> str:
    """Return a JSON value as a text cell: labels and other lists joined by ', '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "" if value == _GH_ZERO_TIME else value
    if isinstance(value, dict):
        for key in ("name", "login", "title"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return json.dumps(value)
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    return str(value)


@dataclass
class Extracted:
    """One export read through its tracker's rules: per-row dates, state and text."""

    tracker: str
    done: np.ndarray
    state: np.ndarray
    done_column: str
    started: np.ndarray | None = None
    text: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reason: np.ndarray | None = None
    """Why each canceled row is canceled (its resolution or status), '' for other rows."""
    date_column: str = ""
    """The column whose date format describes the done dates (default: done_column)."""

    def __post_init__(self) -> None:
        if not self.date_column:
            self.date_column = self.done_column


DatesOf = Callable[[str], np.ndarray]


def extract(frame: pd.DataFrame, tracker: str, dates_of: DatesOf,
            done_column: str | None = None) -> Extracted:
    """Read ``frame`` as an export of ``tracker`` (its columns already checked)."""
    columns = list(frame.columns)
    cols = {role: _column(columns, names) for role, names in _COLUMNS[tracker].items()}
    if done_column is not None:
        cols["done"] = done_column
        if tracker == "github":
            cols["merged"] = None
    reader = {"jira": _jira, "ado": _ado, "linear": _linear, "github": _github}[tracker]
    out = reader(frame, cols, dates_of)
    for role in ("id", "type", "parent", "status"):
        col = cols.get(role)
        if col is not None and role not in out.text:
            out.text[role] = _text(frame, col)
    if tracker == "jira":
        _jira_parents(frame, cols, out)
    if tracker == "linear" and cols.get("project") is not None:
        out.text["project"] = _text(frame, str(cols["project"]))
    out.done = np.where(out.state == DONE, out.done, np.datetime64("NaT"))
    if out.started is not None:
        keep = (out.state == DONE) | (out.state == OPEN)
        out.started = np.where(keep, out.started, np.datetime64("NaT"))
        if np.isnat(out.started).all():
            out.started = None
    return out


def _text(frame: pd.DataFrame, col: str) -> np.ndarray:
    return frame[col].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _text_or(frame: pd.DataFrame, col: str | None, default: str = "canceled") -> np.ndarray:
    """Return a column's stripped text, ``default`` where the column or the cell is empty."""
    if col is None:
        return np.full(len(frame), default, dtype=object)
    text = _text(frame, col)
    return np.where(text == "", default, text)


def _present(frame: pd.DataFrame, col: str | None) -> np.ndarray:
    """Return whether each cell of a column holds something (a date, a text)."""
    if col is None:
        return np.zeros(len(frame), dtype=bool)
    series = frame[col]
    filled = series.notna().to_numpy(dtype=bool)
    if series.dtype == object:
        filled = filled & series.astype(str).str.strip().ne("").to_numpy(dtype=bool)
    return filled


def _lower(frame: pd.DataFrame, col: str | None) -> np.ndarray:
    if col is None:
        return np.full(len(frame), "", dtype=object)
    values = frame[col].fillna("").astype(str).str.strip().str.lower()
    return values.str.replace("_", " ").str.replace("\u2019", "'").to_numpy(dtype=object)


def _isin(values: np.ndarray, names: frozenset[str] | set[str]) -> np.ndarray:
    return np.array([v in names for v in values], dtype=bool)


def _optional_dates(frame: pd.DataFrame, col: str | None, dates_of: DatesOf,
                    notes: list[str]) -> np.ndarray | None:
    if col is None:
        return None
    try:
        return dates_of(col)
    except DataError:
        notes.append(warning(f"column {col!r} could not be read as dates and was ignored",
                             "column-unreadable"))
        return None


def _states(n: int) -> np.ndarray:
    return np.full(n, OPEN, dtype=object)


def _jira(
    frame: pd.DataFrame, cols: dict[str, str | None], dates_of: DatesOf
) -> Extracted:
    n = len(frame)
    notes: list[str] = []
    done_col = str(cols["done"])
    resolved = dates_of(done_col)
    status = _lower(frame, cols["status"])
    resolution = _lower(frame, cols["resolution"])
    category_col = cols["category"]
    by_resolution = _isin(resolution, _CANCELED_RESOLUTIONS)
    canceled = by_resolution | _isin(status, _CANCELED_STATUSES)
    if category_col is not None:
        category = _lower(frame, category_col)
        is_done = category == "done"
        is_todo = category == "to do"
    else:
        open_status = _isin(status, TODO_STATUSES | _DOING_STATUSES)
        is_done = (~np.isnat(resolved) & ~open_status) | _isin(status, _DONE_STATUSES)
        is_todo = _isin(status, TODO_STATUSES)
    is_done = is_done & ~canceled
    undated = is_done & np.isnat(resolved)
    if undated.any():
        changed = _optional_dates(frame, cols["category changed"], dates_of, notes)
        if changed is not None:
            fill = undated & ~np.isnat(changed)
            if fill.any():
                resolved = np.where(fill, changed, resolved)
                notes.append(info(
                    f"{_plural(int(fill.sum()), 'row')} done without a {done_col!r} date "
                    f"(the workflow sets no resolution): dated by "
                    f"{cols['category changed']!r}", "dated-by-status-change"))
    state = _states(n)
    state[is_done & ~np.isnat(resolved)] = DONE
    state[is_done & np.isnat(resolved)] = UNDATED
    state[canceled] = CANCELED
    why = np.where(by_resolution, _text_or(frame, cols["resolution"]),
                   _text_or(frame, cols["status"]))
    started = None
    created = _optional_dates(frame, cols["created"], dates_of, notes)
    if created is not None:
        in_progress = (state == OPEN) & ~is_todo
        started = np.where((state == DONE) | in_progress, created, np.datetime64("NaT"))
    if category_col is None and cols["status"] is not None:
        _note_unknown_done(frame, str(cols["status"]), status, state, notes)
    return Extracted("jira", resolved, state, done_col, started, notes=notes,
                     reason=np.where(canceled, why, ""))


def _jira_parents(frame: pd.DataFrame, cols: dict[str, str | None], out: Extracted) -> None:
    """Parent from Parent (an issue id in Jira Cloud: turned into its key) or Epic Link."""
    parent = out.text.get("parent")
    if parent is not None and cols["issue id"] is not None and "id" in out.text:
        key_of = dict(zip(_text(frame, str(cols["issue id"])), out.text["id"], strict=True))
        if any(p in key_of for p in parent if p):
            parent = np.array([key_of.get(p, p) for p in parent], dtype=object)
    if cols["epic"] is not None:
        epic = _text(frame, str(cols["epic"]))
        parent = epic if parent is None else np.where(parent == "", epic, parent)
    if parent is not None:
        out.text["parent"] = parent


def _ado(
    frame: pd.DataFrame, cols: dict[str, str | None], dates_of: DatesOf
) -> Extracted:
    notes: list[str] = []
    done_col = str(cols["done"])
    closed = dates_of(done_col)
    status = _lower(frame, cols["status"])
    canceled = _isin(status, _CANCELED_STATUSES)
    open_status = _isin(status, _ADO_OPEN_STATUSES)
    state = _states(len(frame))
    state[~np.isnat(closed) & ~open_status] = DONE
    state[np.isnat(closed) & _isin(status, _ADO_DONE_STATUSES)] = UNDATED
    state[canceled] = CANCELED
    started = _optional_dates(frame, cols["started"], dates_of, notes)
    if cols["status"] is not None:
        _note_unknown_done(frame, str(cols["status"]), status, state, notes, _ADO_DONE_STATUSES)
    return Extracted("ado", closed, state, done_col, started, notes=notes,
                     reason=np.where(canceled, _text_or(frame, cols["status"]), ""))


def _linear(
    frame: pd.DataFrame, cols: dict[str, str | None], dates_of: DatesOf
) -> Extracted:
    notes: list[str] = []
    done_col = str(cols["done"])
    completed = dates_of(done_col)
    status = _lower(frame, cols["status"])
    canceled = _present(frame, cols["canceled"]) | _isin(status, _CANCELED_STATUSES)
    state = _states(len(frame))
    state[~np.isnat(completed)] = DONE
    state[np.isnat(completed) & _isin(status, _DONE_STATUSES)] = UNDATED
    state[canceled] = CANCELED
    started = _optional_dates(frame, cols["started"], dates_of, notes)
    return Extracted("linear", completed, state, done_col, started, notes=notes,
                     reason=np.where(canceled, _text_or(frame, cols["status"]), ""))


def _github(
    frame: pd.DataFrame, cols: dict[str, str | None], dates_of: DatesOf
) -> Extracted:
    n = len(frame)
    notes: list[str] = []
    nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    kinds = frame.attrs.get(_KINDS_ATTR)
    if kinds is None or len(kinds) != n:
        kinds = ["pull request" if cols["merged"] is not None else "issue"] * n
    is_pr = np.array([k == "pull request" for k in kinds], dtype=bool)
    closed = dates_of(str(cols["done"])) if cols["done"] is not None else nat
    merged = dates_of(str(cols["merged"])) if cols["merged"] is not None else nat
    status = _lower(frame, cols["status"])
    reason = _lower(frame, cols["reason"])
    has_state = cols["status"] is not None
    is_closed = (status == "closed") | (status == "merged") if has_state else (
        ~np.isnat(closed) | ~np.isnat(merged))
    # Pull requests are done when merged (on the done column itself when one is named).
    done_date = np.where(is_pr, merged if cols["merged"] is not None else closed, closed)
    unmerged = np.isnat(merged) if cols["merged"] is not None else (status == "closed")
    pr_canceled = is_pr & is_closed & unmerged
    issue_canceled = ~is_pr & is_closed & _isin(reason, _GITHUB_CANCELED_REASONS)
    canceled = pr_canceled | issue_canceled
    state = _states(n)
    state[is_closed & ~np.isnat(done_date)] = DONE
    state[is_closed & np.isnat(done_date)] = UNDATED
    state[canceled] = CANCELED
    if has_state:
        state[status == "open"] = OPEN
    why = np.where(pr_canceled, "closed without merging",
                   np.array([f"closed as {r}" for r in reason], dtype=object))
    created = _optional_dates(frame, cols["created"], dates_of, notes)
    started = None
    if created is not None and is_pr.any():
        started = np.where(is_pr, created, np.datetime64("NaT"))
    if cols["reason"] is None and (~is_pr & (state == DONE)).any():
        notes.append(warning(
            "closed issues are all counted as done: add stateReason to gh's --json "
            "fields to leave out those closed as not planned", "no-state-reason"))
    if n == 30 and frame.attrs.get(_KINDS_ATTR) is not None:
        notes.append(warning(
            "exactly 30 items: gh lists 30 by default, so the history may be cut short; "
            "export again with --limit (e.g. --limit 5000)", "gh-default-limit"))
    date_col = str(cols["merged"] if is_pr.any() and cols["merged"] is not None
                   else cols["done"])
    if cols["merged"] is not None and cols["done"] is not None and (~is_pr).any() and is_pr.any():
        done_col = f"{cols['merged']} (pull requests), {cols['done']} (issues)"
    else:
        done_col = date_col
    kind_text = np.array(kinds, dtype=object)
    ids = np.array([f"#{v}" if v else v for v in _text(frame, cols["id"])], dtype=object) if (
        cols["id"] is not None) else None
    text = {"type": kind_text}
    if ids is not None:
        text["id"] = ids
    return Extracted("github", done_date, state, done_col, started, text=text, notes=notes,
                     reason=np.where(canceled, why, ""), date_column=date_col)


def _note_unknown_done(frame: pd.DataFrame, col: str, status: np.ndarray, state: np.ndarray,
                       notes: list[str], known: frozenset[str] = _DONE_STATUSES) -> None:
    """Name the statuses counted as done only because the row has a done date."""
    unknown = (state == DONE) & ~_isin(status, known)
    if unknown.any():
        raw = Counter(str(frame[col].iloc[i]).strip() for i in np.flatnonzero(unknown))
        shown = ", ".join(f"{s!r} ({k})" for s, k in raw.most_common(5))
        notes.append(warning(
            f"status{'es' if len(raw) > 1 else ''} {shown} counted as done (rows with a done "
            "date); if that is wrong, leave those rows out of the export", "unknown-done-status"))


def no_done_hint(tracker: str) -> str:
    """Return how to get done rows into an export that has none."""
    if tracker == "github":
        return ("gh lists open items by default: export with --state all (or --state merged "
                "for pull requests)")
    return "is the export filtered to open items? include the resolved or closed ones"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
