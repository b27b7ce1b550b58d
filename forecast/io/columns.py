"""Column names: how a history's columns are recognised, whatever the export wrote."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["DONE_COLUMN_NAMES", "COUNT_NAMES", "TYPE_NAMES", "START_NAMES", "ID_NAMES",
           "PARENT_NAMES", "norm_name", "find_columns", "find_column"]

DONE_COLUMN_NAMES: tuple[str, ...] = (
    "done",
    "done date",
    "done at",
    "completed",
    "completed at",
    "completed date",
    "resolved",
    "resolution date",
    "resolved date",
    "resolved at",
    "closed",
    "closed at",
    "closed date",
    "merged at",
    "end",
    "end date",
    "finished",
    "finished at",
    "date",
)
"""Names of the done-date column, in order of preference, compared after
lower-casing and turning ``_``, ``-``, ``.`` and camelCase into spaces."""

COUNT_NAMES = ("count", "throughput", "items", "completed items")
TYPE_NAMES = ("type", "item type", "issue type", "work item type", "issuetype", "kind")
START_NAMES = ("started", "started at", "start", "start date", "activated date", "activated")
ID_NAMES = ("id", "key", "issue key", "item id", "number")
PARENT_NAMES = ("parent", "parent id", "parent key", "parent link", "epic", "epic link",
                 "epic key", "outcome", "feature")



def norm_name(name: object) -> str:
    """Return a column name as compared: words split at case changes and separators, lower case.

    Examples
    --------
    >>> norm_name("Closed_Date"), norm_name("closedAt")
    ('closed date', 'closed at')
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name).strip())
    return re.sub(r"[\s_.\-]+", " ", text).strip().lower()


def find_columns(columns: Sequence[str], names: Iterable[str]) -> list[str]:
    """Return every column whose normalised name is one of ``names``, in the order of ``names``.

    Parameters
    ----------
    columns : sequence of str
        The columns as the file names them.
    names : iterable of str
        Normalised names (see :func:`norm_name`), most preferred first.

    Returns
    -------
    list of str
        The matching columns as the file names them, the best match first.

    Examples
    --------
    >>> find_columns(["Key", "closed_at", "Created", "Resolved"], DONE_COLUMN_NAMES)
    ['Resolved', 'closed_at']
    """
    by_norm: dict[str, list[str]] = {}
    for col in columns:
        by_norm.setdefault(norm_name(col), []).append(col)
    found: list[str] = []
    for name in names:
        found.extend(by_norm.get(name, []))
    return found


def find_column(columns: Sequence[str], names: Iterable[str]) -> str | None:
    """Return the best match of :func:`find_columns`, or None when no column matches.

    Examples
    --------
    >>> find_column(["Issue key", "Summary"], ID_NAMES)
    'Issue key'
    >>> find_column(["Issue key", "Summary"], START_NAMES) is None
    True
    """
    found = find_columns(columns, names)
    return found[0] if found else None
