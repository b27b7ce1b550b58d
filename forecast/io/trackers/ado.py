"""Azure DevOps: a query's results, "Export to CSV".

Done date *Closed Date*, start *Activated Date*, status *State*, type
*Work Item Type*, parent *Parent*. *Resolved* is an in-progress state in
Azure DevOps (the Closed Date is not set yet); *Removed* cancels.

Examples
--------
>>> TRACKER.recognises(["ID", "Work Item Type", "Title", "State", "Closed Date"])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from forecast.io.trackers.base import (
    CANCELED,
    CANCELED_STATUSES,
    DOING_STATUSES,
    DONE,
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
    text_or,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKER"]

# "Resolved" is an in-progress category there (the Closed Date is not set yet).
_OPEN_STATUSES = TODO_STATUSES | DOING_STATUSES | {"resolved", "design"}
_DONE_STATUSES = frozenset({"closed", "done", "completed"})


def _extract(frame: pd.DataFrame, cols: Columns, dates_of: DatesOf) -> Extracted:
    notes: list[str] = []
    done_col = str(cols["done"])
    closed = dates_of(done_col)
    status = lower(frame, cols["status"])
    canceled = isin(status, CANCELED_STATUSES)
    open_status = isin(status, _OPEN_STATUSES)
    state = open_states(len(frame))
    state[~np.isnat(closed) & ~open_status] = DONE
    state[np.isnat(closed) & isin(status, _DONE_STATUSES)] = UNDATED
    state[canceled] = CANCELED
    started = optional_dates(frame, cols["started"], dates_of, notes)
    if cols["status"] is not None:
        note_unknown_done(frame, str(cols["status"]), status, state, notes, _DONE_STATUSES)
    return finish(frame, cols, Extracted(
        "ado", closed, state, done_col, started, notes=notes,
        reason=np.where(canceled, text_or(frame, cols["status"]), "")))


TRACKER = Tracker(
    key="ado",
    label="Azure DevOps export",
    extract=_extract,
    columns={
        "done": ("closed date",),
        "status": ("state",),
        "started": ("activated date",),
        "id": ("id",),
        "type": ("work item type",),
        "parent": ("parent",),
    },
    identity=(("work item type",), ("state",)),
    required=(("done",), ("status",)),
    shown={"done": "Closed Date", "status": "State"},
    how_to_export="add the columns to the query (Column options) before 'Export to CSV'",
    open_statuses=_OPEN_STATUSES,
    done_statuses=_DONE_STATUSES,
    canceled_statuses=CANCELED_STATUSES,
    own_start_column=True,
)
"""Azure DevOps' export, read by its State and Closed Date."""
