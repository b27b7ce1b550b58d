"""Working-day calendars: which days produce work, and day numbers <-> dates.

A forecast counts time in *working days*. Day 1 is the first working day on
or after the start date; day ``d`` is the ``d``-th working day from there.
Non-working days (weekends by default, and holidays) produce no work in the
future and are left out of the throughput sample of the past.

The heavy lifting is done by NumPy's business-day functions
(:func:`numpy.busday_offset`, :func:`numpy.busday_count`), which accept a
week mask and a list of holidays, so mapping thousands of days is vectorised.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from forecast.exceptions import ParameterError

__all__ = ["Calendar", "HORIZON_YEARS", "FIRST_DATE", "LAST_DATE", "DATE_RANGE", "as_date",
           "check_date_range", "parse_date", "years_after"]

HORIZON_YEARS = 10
"""Default simulation horizon, in years of working days after the start."""

FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2200, 12, 31)
"""The one range of dates every input must lie in (history rows, holidays, --start, a
target...): wide enough for any real history and plan, narrow enough that a forecast's
horizon after the last date stays inside what the calendar can count."""

DATE_RANGE = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
"""The range as messages state it."""


def check_date_range(day: dt.date, what: str) -> dt.date:
    """Return ``day``, or raise a ParameterError when it is outside the dates forecast reads.

    Examples
    --------
    >>> check_date_range(dt.date(2024, 6, 3), "start")
    datetime.date(2024, 6, 3)
    >>> check_date_range(dt.date(1700, 1, 1), "start")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: start = 1700-01-01 is out of range; give a date from \
1900-01-01 to 2200-12-31
    """
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ParameterError(
            f"{what} = {day.isoformat()} is out of range; give a date from {DATE_RANGE}")
    return day

_WEEKMASKS = {"weekdays": "1111100", "all": "1111111"}


def as_date(value: object, what: str) -> dt.date:
    """Return ``value`` as a :class:`datetime.date` or raise a clear error.

    Parameters
    ----------
    value : date, datetime, numpy.datetime64, pandas.Timestamp or str
        A string is read as ``YYYY-MM-DD``, or as an ISO timestamp such as
        ``2024-06-03T09:30:00`` (its day); anything after the date that is
        not a time (``2024-06-05garbage``) is refused.
    what : str
        The parameter's name, for the error.

    Raises
    ------
    ParameterError
        ``value`` is not a date, or is outside :data:`DATE_RANGE`.

    Examples
    --------
    >>> as_date("2024-06-03T09:30:00", "start")
    datetime.date(2024, 6, 3)
    >>> as_date("next monday", "start")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: start = 'next monday' is not a date; write it as YYYY-MM-DD
    >>> as_date("2024-06-05garbage", "holiday")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: holiday = '2024-06-05garbage' is not a date; write it as \
YYYY-MM-DD
    """
    return check_date_range(parse_date(value, what), what)


def parse_date(value: object, what: str) -> dt.date:
    """Return ``value`` as a :class:`datetime.date`, as :func:`as_date` reads it, any year.

    For a caller that words its own range check (the CLI's date parameters).

    Examples
    --------
    >>> parse_date("1700-01-01", "start")
    datetime.date(1700, 1, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]")
        if np.isnat(day) or not np.datetime64("0001-01-01") <= day <= np.datetime64("9999-12-31"):
            raise ParameterError(f"{what} = {value!r} is not a date; write it as YYYY-MM-DD")
        return day.astype(dt.date)
    if hasattr(value, "date") and callable(value.date):  # pandas.Timestamp
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        if _ISO_DATE.match(text):  # a timestamp: its day, if what follows is a time
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                pass
    raise ParameterError(f"{what} = {value!r} is not a date; write it as YYYY-MM-DD")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]")


def years_after(start: dt.date, years: int) -> dt.date:
    """Return the same day ``years`` years later (28 February for a 29th).

    Examples
    --------
    >>> years_after(dt.date(2024, 2, 29), 10)
    datetime.date(2034, 2, 28)
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@functools.lru_cache(maxsize=64)
def _country_holidays(country: str, first_year: int, last_year: int) -> tuple[dt.date, ...]:
    import holidays as holidays_pkg

    code, _, subdiv = country.partition("-")
    found = holidays_pkg.country_holidays(
        code, subdiv=subdiv or None, years=range(first_year, last_year + 1)
    )
    return tuple(sorted(found.keys()))


def _check_country(country: str) -> str:
    import holidays as holidays_pkg

    code, _, subdiv = country.strip().upper().partition("-")
    supported = holidays_pkg.list_supported_countries()
    if code not in supported:
        raise ParameterError(
            f"holidays = {country!r} is not a country code the holidays package knows; "
            "use an ISO 3166 alpha-2 code such as US, GB, DE or FR "
            "(or a subdivision such as US-CA)"
        )
    if subdiv and subdiv not in {s.upper() for s in supported[code]}:
        raise ParameterError(
            f"holidays = {country!r}: {code} has no subdivision {subdiv!r}; "
            f"known ones: {', '.join(sorted(supported[code])[:12])}"
            f"{' …' if len(supported[code]) > 12 else ''}"
        )
    return f"{code}-{subdiv}" if subdiv else code


@functools.lru_cache(maxsize=64)
def _busdaycalendar(
    weekmask: str,
    country: str | None,
    extra: tuple[dt.date, ...],
    first_year: int,
    last_year: int,
) -> np.busdaycalendar:
    days: list[dt.date] = list(extra)
    if country is not None:
        days.extend(_country_holidays(country, first_year, last_year))
    return np.busdaycalendar(weekmask=weekmask, holidays=np.array(days, dtype="datetime64[D]"))


@dataclass(frozen=True)
class Calendar:
    """Which days are working days.

    Parameters
    ----------
    weekmask : str
        Seven characters, Monday to Sunday, ``"1"`` for a working day.
        ``"1111100"`` (Monday to Friday) by default.
    country : str or None
        A country code known to the ``holidays`` package (for example
        ``"GB"`` or ``"US-CA"``); its public holidays are non-working days.
    dates : tuple of datetime.date
        Explicit extra non-working dates.
    name : str
        A short label used in outputs (``"weekdays"`` or ``"all"``).

    Examples
    --------
    >>> import datetime as dt
    >>> cal = Calendar.from_options("weekdays", holidays=[dt.date(2024, 12, 25)])
    >>> cal.date_of_day(dt.date(2024, 12, 21), 1)   # a Saturday: day 1 is Monday
    datetime.date(2024, 12, 23)
    >>> cal.date_of_day(dt.date(2024, 12, 21), 3)   # Christmas is skipped
    datetime.date(2024, 12, 26)
    """

    weekmask: str = "1111100"
    country: str | None = None
    dates: tuple[dt.date, ...] = ()
    name: str = "weekdays"

    @classmethod
    def from_options(
        cls,
        calendar: str | Calendar = "weekdays",
        holidays: str | Iterable[object] | None = None,
    ) -> Calendar:
        """Build a calendar from the user-facing options.

        Parameters
        ----------
        calendar : {"weekdays", "all"} or Calendar
            ``"weekdays"`` works Monday to Friday, ``"all"`` every day. A
            seven-character week mask such as ``"1111110"`` is also accepted.
        holidays : str, iterable of dates, or None
            A country code for the ``holidays`` package, or explicit dates
            (``datetime.date`` or ISO strings).

        Returns
        -------
        Calendar

        Examples
        --------
        >>> Calendar.from_options("all").weekmask
        '1111111'
        """
        if isinstance(calendar, Calendar):
            base = calendar
        else:
            key = str(calendar).strip().lower()
            if key in _WEEKMASKS:
                base = cls(weekmask=_WEEKMASKS[key], name=key)
            elif len(key) == 7 and set(key) <= {"0", "1"}:
                base = cls(weekmask=key, name=key)
            else:
                raise ParameterError(
                    f"calendar = {calendar!r} is not known; use 'weekdays', 'all', "
                    "or a 7-character week mask such as '1111100' (Monday first)"
                )
        if "1" not in base.weekmask:
            raise ParameterError(
                f"calendar week mask {base.weekmask!r} has no working day; "
                "at least one day of the week must be a working day"
            )
        country, dates = base.country, base.dates
        if isinstance(holidays, str):
            country = _check_country(holidays)
        elif holidays is not None:
            dates = tuple(sorted(set(dates) | {as_date(d, "holiday") for d in holidays}))
        return cls(weekmask=base.weekmask, country=country, dates=dates, name=base.name)

    @property
    def working_days_per_week(self) -> int:
        """Number of working days in a normal week."""
        return self.weekmask.count("1")

    def describe(self) -> str:
        """Return a short human description, e.g. ``"weekdays + GB holidays"``.

        Examples
        --------
        >>> Calendar.from_options("weekdays").describe()
        'weekdays'
        """
        parts = [self.name]
        if self.country:
            parts.append(f"{self.country} holidays")
        if self.dates:
            parts.append(f"{len(self.dates)} listed holidays")
        return " + ".join(parts)

    def busdaycalendar(self, first: dt.date, last: dt.date) -> np.busdaycalendar:
        """Return numpy's business-day calendar of this calendar, from ``first`` to ``last``."""
        # Holidays are looked up for whole years with a year of slack either side,
        # and the cache key is the year range, so neighbouring calls share it.
        return _busdaycalendar(
            self.weekmask, self.country, self.dates, first.year - 1, last.year + 1
        )

    def is_working(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day.

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar().is_working(dt.date(2024, 6, 1))   # a Saturday
        False
        """
        return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=self.busdaycalendar(day, day)))

    def working_dates(self, first: dt.date, last: dt.date) -> np.ndarray:
        """Return the working days in ``[first, last]`` as ``datetime64[D]``.

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar().working_dates(dt.date(2024, 5, 31), dt.date(2024, 6, 3))
        array(['2024-05-31', '2024-06-03'], dtype='datetime64[D]')
        """
        if last < first:
            return np.array([], dtype="datetime64[D]")
        span = np.arange(
            np.datetime64(first, "D"), np.datetime64(last, "D") + 1, dtype="datetime64[D]"
        )
        return span[np.is_busday(span, busdaycal=self.busdaycalendar(first, last))]

    def roll_forward(self, days: np.ndarray) -> np.ndarray:
        """Move each date to the first working day on or after it.

        Examples
        --------
        >>> import numpy as np
        >>> Calendar().roll_forward(np.array(["2024-06-01"], dtype="datetime64[D]"))
        array(['2024-06-03'], dtype='datetime64[D]')
        """
        days = np.asarray(days, dtype="datetime64[D]")
        if days.size == 0:
            return days
        first = days.min().astype(dt.date)
        last = days.max().astype(dt.date) + dt.timedelta(days=400)
        return np.busday_offset(days, 0, roll="forward", busdaycal=self.busdaycalendar(first, last))

    def day_dates(self, start: dt.date, n: int) -> np.ndarray:
        """Return the dates of days ``1..n`` counted from ``start``.

        Day 1 is the first working day on or after ``start``.

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar().day_dates(dt.date(2024, 5, 31), 2)   # Friday, then Monday
        array(['2024-05-31', '2024-06-03'], dtype='datetime64[D]')
        """
        per_year = max(1, self.working_days_per_week * 52 - 30)
        years = n // per_year + 2
        last = dt.date(min(start.year + years, 9998), 12, 31)
        offsets = np.arange(n, dtype=np.int64)
        return np.busday_offset(
            np.datetime64(start, "D"), offsets, roll="forward",
            busdaycal=self.busdaycalendar(start, last),
        )

    def date_of_day(self, start: dt.date, day: int) -> dt.date:
        """Return the date of working day ``day`` (1-based) counted from ``start``.

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar().date_of_day(dt.date(2024, 6, 3), 6)
        datetime.date(2024, 6, 10)
        """
        if day < 1:
            raise ParameterError(f"day = {day}, must be >= 1")
        return self.day_dates(start, day)[-1].astype(dt.date)

    def day_number(self, start: dt.date, day: dt.date) -> int:
        """Return how many working days lie in ``[start, day]``.

        This is the day number of ``day`` when it is a working day, and the
        number of the last working day before it otherwise (0 if none).

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar().day_number(dt.date(2024, 6, 3), dt.date(2024, 6, 9))  # Mon..Sun
        5
        """
        if day < start:
            return 0
        cal = self.busdaycalendar(start, day)
        return int(
            np.busday_count(np.datetime64(start, "D"), np.datetime64(day, "D") + 1, busdaycal=cal)
        )

    def horizon(self, start: dt.date, years: int = HORIZON_YEARS) -> int:
        """Return the number of working days in ``years`` years from ``start``.

        Examples
        --------
        >>> import datetime as dt
        >>> Calendar("1111111", name="all").horizon(dt.date(2024, 1, 1), 1)
        366
        """
        return self.day_number(start, years_after(start, years) - dt.timedelta(days=1))
