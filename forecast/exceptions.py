"""Exceptions and warnings raised by :mod:`forecast`.

Every mistake a user can make (a file that does not exist, a column that
cannot be found, a date that cannot be read, a parameter out of range) is
raised as a subclass of :class:`ForecastError` with a message that says what
is wrong, where, and how to fix it. The command line turns these into one
line on stderr and exit status 2.
"""

from __future__ import annotations


class ForecastError(Exception):
    """Base class of every error caused by the user's input or parameters."""


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
