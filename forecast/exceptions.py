"""Exceptions and warnings raised by :mod:`forecast`.

Every mistake a user can make (a file that does not exist, a column that
cannot be found, a date that cannot be read, a parameter out of range) is
raised as a subclass of :class:`ForecastError` with a message that says what
is wrong, where, and how to fix it. The command line turns these into one
line on stderr and exit status 2.

An error knows the parameter it concerns (:attr:`ForecastError.parameter`,
the library's keyword), and its message names parameters through references
that each front end spells in its own terms (:meth:`ForecastError.render`):
the library says ``window`` or ``engine="mc"``, the command line ``--window``
or ``--engine mc``, a portfolio file its TOML key. A reference is made by
:func:`ref` (``f"widen {ref('window')}"``): a pair of unit separators around
the name, which no user-given text (a file or team name) is taken for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["ForecastError", "InputFileError", "ColumnError", "DataError", "ParameterError",
           "OutputError", "EmptyWindowError", "ForecastWarning", "PARAMETERS", "REFERENCE", "ref",
           "keyword",
           "spelled"]

PARAMETERS = frozenset({
    "items", "by", "days", "start", "window", "since", "target", "percentiles", "engine",
    "trials", "rng", "horizon", "method", "done_column", "date_format", "exclude_types",
    "calendar", "holidays", "tracker", "histories", "output", "record", "windows",
    "horizons", "methods", "wip",
})
"""The parameters a message may refer to: the library's keywords."""

REFERENCE = re.compile("\x1f([a-z][a-z_]*)(?:=([^\x1f]*))?\x1f")
"""A parameter reference in a message, as :func:`ref` writes it."""


def ref(name: str, value: object = None) -> str:
    """Refer to the parameter ``name`` (and a value for it) in a message.

    Examples
    --------
    >>> spelled(f"widen {ref('window')}; or use {ref('engine', 'mc')}")
    "widen window; or use engine='mc'"
    """
    if name not in PARAMETERS:
        raise ValueError(f"{name!r} is not a parameter a message may refer to")
    return f"\x1f{name}\x1f" if value is None else f"\x1f{name}={value}\x1f"

Spelling = Callable[[str, "str | None"], str]


def keyword(name: str, value: str | None = None) -> str:
    """Spell a parameter as the Python library does: its keyword (and value).

    Examples
    --------
    >>> keyword("window"), keyword("engine", "mc"), keyword("trials", "0")
    ('window', "engine='mc'", 'trials=0')
    """
    if value is None:
        return name
    number = value[1:] if value[:1] == "-" else value
    return f"{name}={value}" if number.isdigit() else f"{name}={value!r}"


def spelled(template: str, spell: Spelling = keyword) -> str:
    """Return ``template`` with each parameter reference spelled by ``spell``.

    Examples
    --------
    >>> spelled(f"no exact engine; use {ref('engine', 'mc')}")
    "no exact engine; use engine='mc'"
    >>> spelled(f"widen {ref('window')}", lambda name, value: "--" + name)
    'widen --window'
    """
    return REFERENCE.sub(lambda m: spell(m.group(1), m.group(2)), template)


class ForecastError(Exception):
    """Base class of every error caused by the user's input or parameters.

    Attributes
    ----------
    parameter : str or None
        The library keyword of the parameter at fault (``"window"``,
        ``"trials"``...), when one is.
    template : str
        The message with its parameter references unspelled (see
        :func:`spelled`); ``str(error)`` spells them as the library does.

    Examples
    --------
    >>> e = ParameterError(f"the window holds 3 days; widen {ref('window')}", parameter="window")
    >>> str(e), e.parameter
    ('the window holds 3 days; widen window', 'window')
    >>> e.render(lambda name, value: "--" + name.replace("_", "-"))
    'the window holds 3 days; widen --window'
    """

    def __init__(self, message: object = "", *args: object, parameter: str | None = None
                 ) -> None:
        self.template = str(message)
        self.parameter = parameter
        super().__init__(spelled(self.template), *args)

    def render(self, spell: Spelling = keyword) -> str:
        """Return the message with its parameter references spelled by ``spell``."""
        return spelled(self.template, spell)

    def within(self, prefix: str) -> ForecastError:
        """Return the same error with ``prefix`` (say, the team at fault) before its message."""
        return type(self)(prefix + self.template, parameter=self.parameter)


class InputFileError(ForecastError, OSError):
    """An input file is missing, unreadable, or empty."""


class ColumnError(ForecastError, KeyError):
    """A needed column is missing or cannot be recognised."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataError(ForecastError, ValueError):
    """A value in the input data cannot be used (unparseable date, negative count)."""


class ParameterError(ForecastError, ValueError):
    """A parameter is out of its allowed range or inconsistent with another one."""


class OutputError(ForecastError, OSError):
    """An output cannot be written where it was asked to go."""


class EmptyWindowError(ForecastError, ValueError):
    """The history window holds no completed items, so nothing can be forecast."""


class ForecastWarning(UserWarning):
    """Base class of warnings about the quality of a forecast's inputs."""
