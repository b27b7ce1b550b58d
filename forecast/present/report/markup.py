"""The values the report's templates take, and the text they are made of.

A template writes only text: :class:`Span`, :class:`Bullets`, :class:`Table`,
:class:`Card`, :class:`Box` and :class:`Chart` hold text that this package
formatted (``macros.html.j2`` lays each out), and :func:`table_of`,
:func:`spaced`, :func:`percent` and :func:`timestamp` format it. Nothing here
writes markup: the templates do, escaping every piece of text as they write it.

Examples
--------
>>> t = table_of(["Team", "Items"], [["api", 12], ["web", None]], numeric=[1])
>>> t.rows
[(None, ['api', '12']), (None, ['web', ''])]
>>> percent(0.8512), percent(None)
('85%', '—')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Span", "Bullets", "Inline", "Table", "Card", "Box", "Chart", "table_of", "spaced",
           "percent", "timestamp"]


@dataclass(frozen=True)
class Span:
    """Text in a ``<span>``: a status pill, a tag, the P85 in bold.

    Attributes
    ----------
    text : str
        What the span says.
    cls : str, optional
        Its class (for example ``"status at-risk"``, ``"tag"``, ``"p85"``).
    """

    text: str
    cls: str | None = None


@dataclass(frozen=True)
class Bullets:
    """A ``<ul>`` of lines.

    Attributes
    ----------
    entries : sequence of str
        One ``<li>`` each.
    """

    entries: Sequence[str]


Inline = str | Span | Bullets | list[Any]
"""What a table cell or a card's line holds: text, a span, a list, or several of them."""


@dataclass(frozen=True)
class Table:
    """A table for the ``table`` macro: rows of (row class, cells), all text.

    Attributes
    ----------
    header : sequence of str
        The column headings.
    rows : sequence of (str or None, sequence of Inline)
        Each row's class and its cells.
    numeric : frozenset of int
        The columns aligned as numbers.
    groups : sequence of (str, str or None)
        A header row above: each group's label and the columns it spans
        (None for one).
    id, cls : str, optional
        The table's id and class.
    """

    header: Sequence[str]
    rows: Sequence[tuple[str | None, Sequence[Inline]]]
    numeric: frozenset[int] = frozenset()
    groups: Sequence[tuple[str, str | None]] = ()
    id: str | None = None
    cls: str | None = None


@dataclass(frozen=True)
class Card:
    """A headline card: a big number over lines of text.

    Attributes
    ----------
    big : str
        The number (or date) in large type.
    lines : sequence of Inline
        What it means, a line each.
    kind : str, optional
        Colours the card's border (a status's slug, or ``"joint"``).
    """

    big: str
    lines: Sequence[Inline]
    kind: str | None = None


@dataclass(frozen=True)
class Box:
    """A box of warnings.

    Attributes
    ----------
    label : str
        Its heading ("Warning", "Warnings (3)").
    lines : sequence of str
        The warnings.
    """

    label: str
    lines: Sequence[str]


@dataclass(frozen=True)
class Chart:
    """A chart drawn to an inlined PNG, or the note saying why it could not be drawn.

    Attributes
    ----------
    title : str
        The chart's title (and the image's alt text).
    caption : str
        How to read it.
    src : str
        The ``data:image/png;base64,...`` URI ("" when not drawn).
    width, height : str
        Its size in CSS pixels ("" when not drawn).
    note : str
        Why it could not be drawn ("" when it was).
    """

    title: str
    caption: str = ""
    src: str = ""
    width: str = ""
    height: str = ""
    note: str = ""


def _text(value: Any) -> Inline:
    """Give a cell as the templates take it: text as is, None empty, anything else str()."""
    if value is None:
        return ""
    return value if isinstance(value, str | Span | Bullets | list) else str(value)


def table_of(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
             numeric: Iterable[int] = (), row_classes: Sequence[str | None] | None = None,
             groups: Sequence[tuple[str, int]] = (), id: str | None = None,
             cls: str | None = None) -> Table:
    """Lay out a table: every cell as text (None empty, a number by ``str``).

    Parameters
    ----------
    header : sequence of str
        The column headings.
    rows : iterable of sequences
        The cells of each row: text, :class:`Span`, :class:`Bullets`, a list
        of them, None, or anything ``str`` formats.
    numeric : iterable of int
        The columns aligned as numbers.
    row_classes : sequence of (str or None), optional
        A class for each row.
    groups : sequence of (str, int)
        A header row above: (label, columns spanned).
    id, cls : str, optional
        The table's id and class.

    Returns
    -------
    Table

    Examples
    --------
    >>> t = table_of(["a", "b", "c"], [[1, None, Span("x", "tag")]], groups=[("", 1), ("g", 2)])
    >>> t.rows, t.groups
    ([(None, ['1', '', Span(text='x', cls='tag')])], [('', None), ('g', '2')])
    """
    body = [(row_classes[r] if row_classes is not None else None, [_text(c) for c in row])
            for r, row in enumerate(rows)]
    return Table(header, body, frozenset(numeric),
                 [(label, str(span) if span > 1 else None) for label, span in groups], id, cls)


def spaced(parts: Iterable[Inline]) -> list[Inline]:
    """Parts with a space between each two.

    Examples
    --------
    >>> spaced(["daily 30d", Span("best", "tag")])
    ['daily 30d', ' ', Span(text='best', cls='tag')]
    """
    out: list[Inline] = []
    for part in parts:
        out += [" ", part] if out else [part]
    return out


def percent(value: float | None, digits: int = 0) -> str:
    """Format a share as a percentage, or a dash when there is none (None or NaN).

    Examples
    --------
    >>> percent(0.8512, 1), percent(float("nan"))
    ('85.1%', '—')
    """
    return "—" if value is None or math.isnan(value) else f"{value:.{digits}%}"


def timestamp(moment: dt.datetime, timespec: str = "minutes") -> str:
    """``2026-11-25 19:05 UTC`` (or the moment's own offset; none when it is naive).

    Examples
    --------
    >>> timestamp(dt.datetime(2026, 11, 25, 19, 5, 30, tzinfo=dt.UTC))
    '2026-11-25 19:05 UTC'
    >>> timestamp(dt.datetime(2026, 11, 25, 19, 5, 30), "seconds")
    '2026-11-25 19:05:30'
    """
    text = moment.replace(tzinfo=None).isoformat(sep=" ", timespec=timespec)
    offset = moment.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if offset == dt.timedelta(0) else f"{text} {moment:%z}"
