"""What a portfolio's keys may hold, and the files it may name: checked before anything is read.

:func:`check_keys` refuses an unknown key or a value of the wrong kind (text
where a number belongs, a list where a name belongs) for every key of a TOML
table, naming the key, what was given and what is expected.
:func:`confined_path` keeps the files a portfolio names inside its folder,
and :func:`~forecast.io.files.path_kind` names what is not a regular file, without
opening it.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forecast.exceptions import InputFileError
from forecast.io.files import path_kind
from forecast.io.portfolio_checks import Where, refuse_unknown

__all__ = ["Kind", "TEXT", "WHOLE", "NUMBER", "DATE", "FLAG", "shown", "check_keys",
           "confined_path"]


class Kind:
    """What a key's value may be: the Python types a TOML value may have, and in words.

    Attributes
    ----------
    types : tuple of type
        The accepted types (``bool`` only when listed: ``true`` is not a number).
    expected : str
        What to write, for the message, e.g. ``"text in quotes, the column's name"``.

    Examples
    --------
    >>> Kind((str,), "text").accepts(5), Kind((str,), "text").accepts("done")
    (False, True)
    """

    def __init__(self, types: tuple[type, ...], expected: str) -> None:
        self.types = types
        self.expected = expected

    def accepts(self, value: Any) -> bool:
        """Return whether ``value`` has one of the accepted types."""
        if isinstance(value, bool):
            return bool in self.types
        return isinstance(value, self.types)

    def but(self, expected: str) -> Kind:
        """Return the same types, described as ``expected``."""
        return Kind(self.types, expected)


TEXT = Kind((str,), "text in quotes")
"""A text value (a name, a column, a format)."""

WHOLE = Kind((int, float, str), "a whole number")
"""A count (its range is checked by :func:`whole_at`)."""

NUMBER = Kind((int, float, str), "a number")
"""A number (its range is checked by :func:`number_at`)."""

DATE = Kind((dt.date, str), "a date such as 2024-06-03")
"""A date: a TOML date, or text in ISO 8601."""

FLAG = Kind((bool,), "true or false")
"""A switch."""

_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 3, 60, 60


def shown(value: Any) -> str:
    """Return ``value`` as a TOML user wrote it, cut short: for a message.

    Examples
    --------
    >>> shown(True), shown("web"), shown(5), shown(list(range(100)))
    ('true', "'web'", '5', '[0, 1, 2, 3, ...]')
    >>> shown(dt.date(2024, 6, 3))
    '2024-06-03'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _SHORT.repr(value)


def _kind_of(value: Any) -> str:
    """Say what a TOML value is: ``a whole number``, ``text``, ``a list``..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, dt.time):
        return "a time of day"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def check_keys(where: Where, entry: str, table: Mapping[str, Any],
               schema: Mapping[str, Kind]) -> None:
    """Refuse an unknown key and a value of the wrong kind, for every key of ``table``.

    The one check every key of a portfolio goes through before it is read;
    ranges and formats are checked where each value is read.

    Raises
    ------
    DataError
        Naming the key, what was given and what is expected.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> check_keys(where, "team 'web'", {"done_column": 5}, {"done_column": TEXT})
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.DataError: 'plan.toml', team 'web': done_column = 5 is a whole number;
    expected text in quotes
    """
    refuse_unknown(where, entry, table, set(schema))
    for key, value in table.items():
        kind = schema[key]
        if not kind.accepts(value):
            raise where.error(entry, f"{key} = {shown(value)} is {_kind_of(value)}; "
                              f"expected {kind.expected}")


def confined_path(where: Where, entry: str, key: str, value: str, folder: Path,
                  allow_outside: bool) -> Path:
    """Return the file a portfolio names, relative to its folder; refuse one outside it.

    A path in a portfolio is relative to the portfolio's folder. An absolute
    path, or one that leaves the folder (through ``..`` or a symbolic link
    that resolves outside it), is refused unless ``allow_outside``. Anything
    that is not a regular file (a directory, FIFO, device) is refused as what
    it is, without opening it.

    Parameters
    ----------
    where, entry : Where, str
        The file and entry, for the message.
    key : str
        The key, e.g. ``"history"``.
    value : str
        The path as written.
    folder : Path
        The portfolio's folder.
    allow_outside : bool
        Whether paths outside ``folder`` are allowed (``allow_outside = true``).

    Raises
    ------
    InputFileError
        Naming the key and the path, and how to fix it.

    Examples
    --------
    >>> where = Where("'plan.toml'")
    >>> confined_path(where, "team 'web'", "history", "team.csv", Path("examples"), False)
    PosixPath('examples/team.csv')
    >>> confined_path(where, "team 'web'", "history", "/etc/passwd", Path("examples"), False)
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    forecast.exceptions.InputFileError: 'plan.toml', team 'web': history = '/etc/passwd' is an
    absolute path; give a path relative to the portfolio's folder, or set allow_outside = true
    at the top of the portfolio to read files outside it
    """
    allow = "or set allow_outside = true at the top of the portfolio to read files outside it"
    if not value.strip():
        raise where.error(entry, f"{key} = '' is empty; give a file's path relative to the "
                          "portfolio's folder", InputFileError)
    written = Path(value)
    path = written if written.is_absolute() else folder / written
    if not allow_outside:
        if written.is_absolute() or written.drive or written.root:
            raise where.error(entry, f"{key} = {shown(value)} is an absolute path; give a path "
                              f"relative to the portfolio's folder, {allow}", InputFileError)
        try:
            inside = path.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a bad name
            inside = False
        if not inside:
            how = "through '..'" if ".." in written.parts else "through a symbolic link"
            raise where.error(entry, f"{key} = {shown(value)} leads outside the portfolio's "
                              f"folder ({how}); move the file into that folder, {allow}",
                              InputFileError)
    kind = path_kind(path)
    if kind is not None:
        raise where.error(entry, f"{key} = {shown(value)} is {kind}, not a file; give a "
                          "regular file", InputFileError)
    return path
