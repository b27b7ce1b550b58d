"""Checks of the parameters every question shares, each naming the parameter it checks."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from forecast.core.calendar import (
    DATE_RANGE,
    FIRST_DATE,
    LAST_DATE,
    check_date_range,
    parse_date,
)
from forecast.exceptions import PARAMETERS, ParameterError, ref

__all__ = ["DEFAULT_PERCENTILES", "MAX_TRIALS", "MAX_ITEMS", "check_whole", "check_trials",
           "check_items", "check_levels", "check_date", "start_date", "plural", "listed"]

DEFAULT_PERCENTILES = (50, 70, 85, 95)
"""The levels every answer is summarised at unless others are asked for."""

MAX_TRIALS = 100_000_000
"""More trials than this would need gigabytes and add no useful precision."""

MAX_ITEMS = 10_000_000
"""The most items a count may be: a backlog (``items``), an outcome part or a risk of a
portfolio (one rule for every input: the portfolio TOML and outcomes CSV check against
it, and so do ``forecast.when`` and the command line's ``--items``). More is a typo, or a
count of something that is not work items."""


def _named(name: str, value: Any) -> str:
    """``name`` and its value as each front end spells a parameter (see :func:`ref`)."""
    return ref(name, value) if name in PARAMETERS else f"{name} = {value}"


def check_whole(name: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int, or raise if it is not a whole number >= ``minimum``.

    Examples
    --------
    >>> check_whole("items", 3.0, 1)
    3
    """
    if (isinstance(value, bool) or not isinstance(value, (int, np.integer, float))
            or (isinstance(value, float) and not value.is_integer())):
        raise ParameterError(f"{_named(name, value)} must be a whole number >= {minimum}",
                             parameter=name)
    if value < minimum:
        raise ParameterError(f"{_named(name, int(value))}, must be >= {minimum}",
                             parameter=name)
    return int(value)


def check_trials(trials: Any) -> int:
    """Return the number of Monte Carlo trials, checked against :data:`MAX_TRIALS`.

    Examples
    --------
    >>> check_trials(10_000)
    10000
    """
    count = check_whole("trials", trials, 1)
    if count > MAX_TRIALS:
        raise ParameterError(
            f"{ref('trials', count)} is more than {MAX_TRIALS:,}; the precision is already "
            "far finer than a day at 1,000,000", parameter="trials"
        )
    return count


def check_items(items: Any, name: str = "items") -> int:
    """Return an item count, a whole number from 1 to :data:`MAX_ITEMS`.

    Examples
    --------
    >>> check_items(40)
    40
    >>> check_items(10**23)
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: items=100000000000000000000000 is more than 10,000,000; \
give a whole number from 1 to 10,000,000
    """
    count = check_whole(name, items, 1)
    if count > MAX_ITEMS:
        raise ParameterError(f"{_named(name, count)} is more than {MAX_ITEMS:,}; give a whole "
                             f"number from 1 to {MAX_ITEMS:,}", parameter=name)
    return count


def check_date(name: str, value: Any) -> dt.date:
    """Return a date parameter, read and checked against the one range of dates (1900..2200).

    Examples
    --------
    >>> check_date("by", "2024-06-28")
    datetime.date(2024, 6, 28)
    """
    day = parse_date(value, name)
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ParameterError(
            f"{_named(name, day.isoformat())} is out of range; give a date from {DATE_RANGE}",
            parameter=name)
    return day


def check_levels(levels: Any) -> tuple[float, ...]:
    """Return the percentile levels sorted and without repeats, each in (0, 100].

    Examples
    --------
    >>> check_levels("85, 50")
    (50.0, 85.0)
    """
    if isinstance(levels, str):
        levels = [v for v in levels.replace(" ", "").split(",") if v]
    elif isinstance(levels, (int, float)):
        levels = [levels]
    try:
        values = tuple(float(p) for p in levels)
    except (TypeError, ValueError):
        raise ParameterError(
            f"percentiles = {levels!r} must be numbers between 0 and 100, such as 50,70,85,95",
            parameter="percentiles") from None
    if not values:
        raise ParameterError("percentiles is empty; give at least one level such as 85",
                             parameter="percentiles")
    for p in values:
        if not (0 < p <= 100) or math.isnan(p):
            raise ParameterError(f"percentile {p:g} is out of range; each must be > 0 and <= 100",
                                 parameter="percentiles")
    return tuple(sorted(set(values)))



def start_date(start: Any) -> dt.date:
    """Return the forecast's start date: ``start``, or today when it is None.

    Examples
    --------
    >>> start_date("2024-06-03")
    datetime.date(2024, 6, 3)
    """
    return check_date_range(dt.date.today(), "today") if start is None else check_date(
        "start", start)


def plural(n: int, word: str, *, thousands: bool = False) -> str:
    """Return ``n`` and ``word``, with an ``s`` unless ``n`` is 1.

    Parameters
    ----------
    n : int
        The count.
    word : str
        The singular.
    thousands : bool
        Write ``n`` with thousands separators (``1,200``) instead of ``1200``.

    Examples
    --------
    >>> plural(1, "team"), plural(3, "team")
    ('1 team', '3 teams')
    >>> plural(1200, "row"), plural(1200, "row", thousands=True)
    ('1200 rows', '1,200 rows')
    """
    count = f"{n:,}" if thousands else f"{n}"
    return f"{count} {word}" if n == 1 else f"{count} {word}s"


def listed(values: Any) -> str:
    """Return ``values`` as words: ``30``, ``30 and 60``, ``10, 20 and 40``.

    Examples
    --------
    >>> listed([30]), listed((30, 60)), listed([10, 20, 40])
    ('30', '30 and 60', '10, 20 and 40')
    """
    words = [str(v) for v in values]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
