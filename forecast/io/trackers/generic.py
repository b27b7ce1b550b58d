"""The generic reading: any CSV file, by its done-date column alone.

Every row with a done date is done, every other row is open (work in
progress); nothing is canceled. The id, type, parent and start columns are
found by their usual names (:mod:`forecast.io.columns`). It is the fallback:
no export is recognised as generic, a file is read so when no tracker
recognises it (or with ``--source generic``). Which column holds the done
dates, and whether the file is a daily throughput instead, is decided by
:func:`forecast.read_history` before this reading.

Examples
--------
>>> import pandas as pd
>>> from forecast.io.dates import parse_dates
>>> from forecast.io.trackers import extract
>>> frame = pd.DataFrame({"id": ["a", "b"], "done": ["2024-06-03", ""]})
>>> got = extract(frame, "generic", lambda c: parse_dates(frame[c]), done_column="done")
>>> got.state.tolist(), got.text["id"].tolist()
(['done', 'open'], ['a', 'b'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from forecast.io.columns import (
    DONE_COLUMN_NAMES,
    ID_NAMES,
    PARENT_NAMES,
    START_NAMES,
    TYPE_NAMES,
    find_column,
)
from forecast.io.trackers.base import (
    DONE,
    OPEN,
    Columns,
    DatesOf,
    Extracted,
    Tracker,
    optional_dates,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TRACKER"]


def _extract(frame: pd.DataFrame, cols: Columns, dates_of: DatesOf) -> Extracted:
    done = str(cols["done"])
    done_dates = dates_of(done)
    texts: dict[str, np.ndarray] = {}
    if cols.get("id") is not None:
        texts["id"] = frame[cols["id"]].astype(str).to_numpy()
    for role in ("type", "parent"):
        col = cols.get(role)
        if col is not None:
            texts[role] = frame[col].astype(str).str.strip().to_numpy()
    notes: list[str] = []
    # The start column is never the done column (a file may name both "date"-like).
    start_col = find_column([c for c in frame.columns if c != done], START_NAMES)
    started = optional_dates(frame, start_col, dates_of, notes)
    state = np.where(np.isnat(done_dates), OPEN, DONE).astype(object)
    # Not finished: every row keeps its dates, and a start column stays even when empty.
    return Extracted("generic", done_dates, state, done, started, text=texts, notes=notes)


TRACKER = Tracker(
    key="generic",
    label="generic history",
    extract=_extract,
    columns={
        "done": DONE_COLUMN_NAMES,
        "id": ID_NAMES,
        "type": TYPE_NAMES,
        "parent": PARENT_NAMES,
        "started": START_NAMES,
    },
    own_start_column=True,
    reads_json=True,
)
"""Any history, read by its done-date column: the fallback when no tracker is recognised."""
