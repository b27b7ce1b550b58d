"""Linear: the issues' CSV export.

Done date *Completed*, start *Started*, status *Status*, parent *Parent
issue*, project *Project*; a *Canceled* date or a canceled status cancels.

Examples
--------
>>> TRACKER.recognises(["ID", "Title", "Status", "Created", "Started", "Completed", "Canceled"])
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from forecast.io.trackers.base import (
    CANCELED,
    CANCELED_STATUSES,
    DONE,
    DONE_STATUSES,
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
    present,
    text,
    text_or,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKER"]


def _extract(frame: pd.DataFrame, cols: Columns, dates_of: DatesOf) -> Extracted:
    notes: list[str] = []
    done_col = str(cols["done"])
    completed = dates_of(done_col)
    status = lower(frame, cols["status"])
    canceled = present(frame, cols["canceled"]) | isin(status, CANCELED_STATUSES)
    state = open_states(len(frame))
    state[~np.isnat(completed)] = DONE
    state[np.isnat(completed) & isin(status, DONE_STATUSES)] = UNDATED
    state[canceled] = CANCELED
    started = optional_dates(frame, cols["started"], dates_of, notes)
    out = finish(frame, cols, Extracted(
        "linear", completed, state, done_col, started, notes=notes,
        reason=np.where(canceled, text_or(frame, cols["status"]), "")))
    if cols["project"] is not None:
        out.text["project"] = text(frame, str(cols["project"]))
    return out


TRACKER = Tracker(
    key="linear",
    label="Linear export",
    extract=_extract,
    columns={
        "done": ("completed",),
        "status": ("status",),
        "started": ("started",),
        "canceled": ("canceled",),
        "id": ("id",),
        "parent": ("parent issue",),
        "project": ("project",),
    },
    identity=(("completed",), ("canceled",), ("status",)),
    required=(("done",), ("status",)),
    shown={"done": "Completed", "status": "Status"},
    how_to_export="export the issues as CSV from Linear",
    done_statuses=DONE_STATUSES,
    canceled_statuses=CANCELED_STATUSES,
    own_start_column=True,
)
"""Linear's export, read by its Completed and Canceled dates."""
