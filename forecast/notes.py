"""Notes on a forecast: what a front end shows beside the numbers.

A note is either information (how a file was read, what ``auto`` chose) or a
warning (something that may make the forecast wrong).
"""

from __future__ import annotations

import re

__all__ = ["informational", "note_label"]

_INFORMATIONAL = (
    re.compile(r"^read as "),
    re.compile(r"^used (all )?[\d,]+ (of )?"),
    re.compile(r"^[\d,]+ rows? without a done date left out \(work in progress\)$"),
    re.compile(r"^[\d,]+ items? of type .* left out$"),
    re.compile(r"^[\d,]+ rows? done without a .* date .*: dated by "),
)
"""History notes that only say how the file was read and which rows were used."""


def informational(note: str) -> bool:
    """Return whether a history note is informational rather than a warning.

    A note is informational when it only says how the file was read (which
    export, which columns) and which rows were used or left out as the
    reading rules say; every other note (an ambiguous date format, a column
    that could not be read, a type that no item has, an export that may be
    cut short) is a warning.

    Examples
    --------
    >>> informational("used 5 of 11 rows: 4 not done (kept as work in progress)")
    True
    >>> informational("exactly 30 items: gh lists 30 by default, so the history may be cut short")
    False
    """
    return any(pattern.search(note) for pattern in _INFORMATIONAL)


def note_label(warning: str) -> str:
    """``note`` for a line that only says how a history was read, else ``warning``.

    Examples
    --------
    >>> note_label("team 'web': method auto chose bayes"), note_label("only 3 active days")
    ('note', 'warning')
    """
    bare = re.sub(r"^team ('[^']*'|\"[^\"]*\"): ", "", warning)  # a plan's team prefix
    if bare.startswith(("method auto chose", "engine auto chose")):
        return "note"  # what auto chose, said so: information, not a problem
    return "note" if informational(bare) else "warning"
