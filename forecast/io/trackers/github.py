"""GitHub: ``gh issue list --json ...`` or ``gh pr list --json ...`` (a JSON list of objects).

An issue is done at *closedAt* unless closed as not planned or as a
duplicate (``stateReason``); a pull request is done at *mergedAt*, starts at
*createdAt*, and is canceled when closed without being merged. Issues have
no start date. The REST spelling (``closed_at``, ``gh api --paginate``) is
read too.

Examples
--------
>>> TRACKER.recognises(["number", "title", "state", "createdAt", "closedAt"])
True
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.exceptions import DataError
from forecast.io.columns import norm_name
from forecast.io.trackers.base import (
    CANCELED,
    DONE,
    OPEN,
    UNDATED,
    Columns,
    DatesOf,
    Extracted,
    Tracker,
    finish,
    isin,
    lower,
    open_states,
    optional_dates,
    text,
)
from forecast.notes import warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKER", "json_frame"]

_CANCELED_REASONS = frozenset({"not planned", "duplicate"})

_GH_ZERO_TIME = "0001-01-01T00:00:00Z"
"""What old ``gh`` versions print for a date that is not set."""

_KINDS_ATTR = "forecast.github_kinds"
"""The frame attribute where :func:`json_frame` says which rows are pull requests."""


def json_frame(text: str, where: str) -> pd.DataFrame:
    """Return a JSON list of objects (``gh ... list --json``) as a frame of text cells.

    Several lists one after another (``gh api --paginate``) are joined. Rows
    are labelled by their position in the list (and their ``number``).

    Examples
    --------
    >>> frame = json_frame('[{"number": 7, "state": "MERGED", "labels": [{"name": "bug"}]}]',
    ...                    "prs.json")
    >>> frame.to_dict("index")
    {'1 (#7)': {'number': '7', 'state': 'MERGED', 'labels': 'bug'}}
    """
    import pandas as pd

    try:
        objects = _objects(text, where)
        names: dict[str, None] = {}
        for item in objects:
            names.update(dict.fromkeys(str(k) for k in item))
        columns = list(names)
        cells = [[_cell(item.get(name)) for name in columns] for item in objects]
    except RecursionError:
        raise DataError(
            f"{where} is JSON nested too deeply to be an export (lists or objects within "
            "each other hundreds of levels deep); give the output of gh issue list --json ... "
            "or gh pr list --json ... (a list: [{...}, {...}])") from None
    labels = []
    for i, item in enumerate(objects, 1):
        number = item.get("number")
        labels.append(f"{i} (#{number})" if isinstance(number, int) else str(i))
    frame = pd.DataFrame(cells, columns=columns, index=labels, dtype=object)
    merged_keys = {"merged at", "is draft"}
    frame.attrs[_KINDS_ATTR] = [
        "pull request"
        if merged_keys & {norm_name(k) for k in item}
        or str(item.get("state", "")).upper() == "MERGED"
        else "issue"
        for item in objects
    ]
    return frame


def _objects(text: str, where: str) -> list[dict[str, Any]]:
    """Return the objects of one or more JSON lists, or raise a DataError saying what is wrong."""
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
    return objects


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


def _extract(frame: pd.DataFrame, cols: Columns, dates_of: DatesOf) -> Extracted:
    n = len(frame)
    notes: list[str] = []
    nat = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    kinds = frame.attrs.get(_KINDS_ATTR)
    if kinds is None or len(kinds) != n:
        kinds = ["pull request" if cols["merged"] is not None else "issue"] * n
    is_pr = np.array([k == "pull request" for k in kinds], dtype=bool)
    closed = dates_of(str(cols["done"])) if cols["done"] is not None else nat
    merged = dates_of(str(cols["merged"])) if cols["merged"] is not None else nat
    status = lower(frame, cols["status"])
    reason = lower(frame, cols["reason"])
    has_state = cols["status"] is not None
    is_closed = (status == "closed") | (status == "merged") if has_state else (
        ~np.isnat(closed) | ~np.isnat(merged))
    # Pull requests are done when merged (on the done column itself when one is named).
    done_date = np.where(is_pr, merged if cols["merged"] is not None else closed, closed)
    unmerged = np.isnat(merged) if cols["merged"] is not None else (status == "closed")
    pr_canceled = is_pr & is_closed & unmerged
    issue_canceled = ~is_pr & is_closed & isin(reason, _CANCELED_REASONS)
    canceled = pr_canceled | issue_canceled
    state = open_states(n)
    state[is_closed & ~np.isnat(done_date)] = DONE
    state[is_closed & np.isnat(done_date)] = UNDATED
    state[canceled] = CANCELED
    if has_state:
        state[status == "open"] = OPEN
    why = np.where(pr_canceled, "closed without merging",
                   np.array([f"closed as {r}" for r in reason], dtype=object))
    created = optional_dates(frame, cols["created"], dates_of, notes)
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
    ids = np.array([f"#{v}" if v else v for v in text(frame, cols["id"])], dtype=object) if (
        cols["id"] is not None) else None
    texts = {"type": kind_text}
    if ids is not None:
        texts["id"] = ids
    return finish(frame, cols, Extracted(
        "github", done_date, state, done_col, started, text=texts, notes=notes,
        reason=np.where(canceled, why, ""), date_column=date_col))


TRACKER = Tracker(
    key="github",
    label="GitHub export",
    extract=_extract,
    columns={
        "done": ("closed at",),
        "merged": ("merged at",),
        "status": ("state",),
        "reason": ("state reason",),
        "created": ("created at",),
        "id": ("number",),
    },
    identity=(("number",), ("state",), ("created at",), ("closed at", "merged at")),
    required=(("done", "merged"),),
    shown={"done": "closedAt", "merged": "mergedAt"},
    how_to_export=(
        "export with gh issue list --state all --json number,title,state,stateReason,"
        "createdAt,closedAt,labels, or gh pr list --state all --json number,title,state,"
        "createdAt,closedAt,mergedAt,isDraft,labels"
    ),
    no_done_hint=("gh lists open items by default: export with --state all (or --state "
                  "merged for pull requests)"),
    todo_statuses=frozenset(),  # an open issue may or may not be started
    open_statuses=frozenset({"open"}),
    done_statuses=frozenset({"closed", "merged"}),
    done_roles=("done", "merged"),
    reads_json=True,
    # A file with Linear's columns as well is read as Linear (the order before the registry).
    detect_after=("linear",),
)
"""GitHub's issues and pull requests, read by their state, dates and stateReason."""
