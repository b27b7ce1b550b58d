"""Jira: the issue search's "Export Excel CSV".

Done date *Resolved*; done when the *Status Category* is *Done* (or, without
that column, when the row has a Resolved date and its status is not an open
one); id *Issue key*, type *Issue Type*, parent *Parent* (the parent's issue
id, turned into its key) or *Epic Link*. A resolution such as *Won't Do*,
*Duplicate* or *Cannot Reproduce* (or a canceled status) cancels. A done row
without a Resolved date (a workflow that sets no resolution) is dated by
*Status Category Changed* when the export has it. Jira exports have no start
date, so cycle times and ages are measured from *Created*, and only for rows
that are done or in progress (not for the to-do backlog).

Examples
--------
>>> TRACKER.recognises(["Issue key", "Issue id", "Issue Type", "Status", "Created", "Resolved"])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from forecast.core.checks import plural
from forecast.io.trackers.base import (
    CANCELED,
    CANCELED_STATUSES,
    DOING_STATUSES,
    DONE,
    DONE_STATUSES,
    OPEN,
    TODO_STATUSES,
    UNDATED,
    Columns,
    DatesOf,
    Extracted,
    Tracker,
    finish,
    isin,
    lower,
    note_unknown_done,
    open_states,
    optional_dates,
    text,
    text_or,
)
from forecast.notes import info

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKER", "CANCELED_RESOLUTIONS"]

CANCELED_RESOLUTIONS = frozenset({
    "won't do", "wont do", "won't fix", "wont fix", "duplicate", "cannot reproduce",
    "can't reproduce", "incomplete", "declined", "rejected", "abandoned", "obsolete",
    "canceled", "cancelled", "not a bug", "invalid", "not planned", "won't implement",
})
"""Resolutions of issues closed without being delivered (lower case)."""

_OPEN_STATUSES = TODO_STATUSES | DOING_STATUSES


def _extract(frame: pd.DataFrame, cols: Columns, dates_of: DatesOf) -> Extracted:
    n = len(frame)
    notes: list[str] = []
    done_col = str(cols["done"])
    resolved = dates_of(done_col)
    status = lower(frame, cols["status"])
    resolution = lower(frame, cols["resolution"])
    category_col = cols["category"]
    by_resolution = isin(resolution, CANCELED_RESOLUTIONS)
    canceled = by_resolution | isin(status, CANCELED_STATUSES)
    if category_col is not None:
        category = lower(frame, category_col)
        is_done = category == "done"
        is_todo = category == "to do"
    else:
        open_status = isin(status, _OPEN_STATUSES)
        is_done = (~np.isnat(resolved) & ~open_status) | isin(status, DONE_STATUSES)
        is_todo = isin(status, TODO_STATUSES)
    is_done = is_done & ~canceled
    undated = is_done & np.isnat(resolved)
    if undated.any():
        changed = optional_dates(frame, cols["category changed"], dates_of, notes)
        if changed is not None:
            fill = undated & ~np.isnat(changed)
            if fill.any():
                resolved = np.where(fill, changed, resolved)
                notes.append(info(
                    f"{plural(int(fill.sum()), 'row')} done without a {done_col!r} date "
                    f"(the workflow sets no resolution): dated by "
                    f"{cols['category changed']!r}", "dated-by-status-change"))
    state = open_states(n)
    state[is_done & ~np.isnat(resolved)] = DONE
    state[is_done & np.isnat(resolved)] = UNDATED
    state[canceled] = CANCELED
    why = np.where(by_resolution, text_or(frame, cols["resolution"]),
                   text_or(frame, cols["status"]))
    started = None
    created = optional_dates(frame, cols["created"], dates_of, notes)
    if created is not None:
        in_progress = (state == OPEN) & ~is_todo
        started = np.where((state == DONE) | in_progress, created, np.datetime64("NaT"))
    if category_col is None and cols["status"] is not None:
        note_unknown_done(frame, str(cols["status"]), status, state, notes)
    out = finish(frame, cols, Extracted("jira", resolved, state, done_col, started,
                                        notes=notes, reason=np.where(canceled, why, "")))
    _parents(frame, cols, out)
    return out


def _parents(frame: pd.DataFrame, cols: Columns, out: Extracted) -> None:
    """Parent from Parent (an issue id in Jira Cloud: turned into its key) or Epic Link."""
    parent = out.text.get("parent")
    if parent is not None and cols["issue id"] is not None and "id" in out.text:
        key_of = dict(zip(text(frame, str(cols["issue id"])), out.text["id"], strict=True))
        if any(p in key_of for p in parent if p):
            parent = np.array([key_of.get(p, p) for p in parent], dtype=object)
    if cols["epic"] is not None:
        epic = text(frame, str(cols["epic"]))
        parent = epic if parent is None else np.where(parent == "", epic, parent)
    if parent is not None:
        out.text["parent"] = parent


TRACKER = Tracker(
    key="jira",
    label="Jira export",
    extract=_extract,
    columns={
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
    identity=(("issue key", "issue id"), ("status",), ("issue type", "resolved", "created")),
    required=(("done",), ("status",)),
    shown={"done": "Resolved", "status": "Status"},
    how_to_export="export from the issue search with 'Export Excel CSV (all fields)'",
    open_statuses=_OPEN_STATUSES,
    done_statuses=DONE_STATUSES,
    canceled_statuses=CANCELED_STATUSES,
)
"""Jira's export, read by its status category, resolution and Resolved date."""
