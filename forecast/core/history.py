"""Histories of completed items and the throughput samples drawn from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.calendar import DATE_RANGE, FIRST_DATE, LAST_DATE, Calendar, as_date
from forecast.exceptions import ColumnError, EmptyWindowError, ParameterError, ref
from forecast.notes import warning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["History", "Sample"]

MIN_ACTIVE_DAYS = 5
"""Fewer working days with completions than this in the window draws a warning."""

MAX_WINDOW = 36_525
"""The longest window, in calendar days (100 years)."""

TRAILING_GAP_DAYS = 5
"""A window whose last this-many working days come after the history's last
completion draws a warning: the export may have ended before the start."""


@dataclass(frozen=True, eq=False)
class Sample:
    """Throughput per working day in a history window: what the engines draw from.

    Attributes
    ----------
    first, last : datetime.date
        The window's first and last calendar dates (inclusive).
    dates : numpy.ndarray of datetime64[D]
        Every working day in the window, in order.
    counts : numpy.ndarray of int64
        Items completed on each of those days (zeros included).
    source : str
        Where the history came from.
    clipped : bool
        Whether the window was cut short by the start of the history.
    calendar : Calendar
        The calendar that decided which days are working days.
    warnings : tuple of str
        What looks doubtful about the window (few active days, a gap).
    done_column, date_format : str
        The history column and date format the done dates were read with.
    """

    first: dt.date
    last: dt.date
    dates: np.ndarray
    counts: np.ndarray
    source: str
    clipped: bool
    calendar: Calendar
    warnings: tuple[str, ...] = field(default=())
    done_column: str = ""
    date_format: str = ""

    @property
    def working_days(self) -> int:
        """Number of working days in the window."""
        return int(self.counts.size)

    @property
    def items(self) -> int:
        """Number of items completed in the window."""
        return int(self.counts.sum())

    @property
    def active_days(self) -> int:
        """Number of working days with at least one completion."""
        return int(np.count_nonzero(self.counts))

    @property
    def mean(self) -> float:
        """Mean items per working day."""
        return float(self.counts.mean())

    def blocks(self, width: int) -> np.ndarray:
        """Cut the throughput into consecutive blocks of ``width`` working days.

        Blocks are counted back from the window's end, so the most recent days
        are always used; an incomplete block at the window's start is left
        out. Returns an array of shape ``(blocks, width)``.

        Examples
        --------
        >>> import datetime as dt
        >>> s = Sample(dt.date(2024, 6, 3), dt.date(2024, 6, 7),
        ...            np.array(["2024-06-03"], dtype="datetime64[D]"),
        ...            np.array([9, 1, 2, 3, 4]), "demo", False, Calendar())
        >>> s.blocks(2).tolist()
        [[1, 2], [3, 4]]
        """
        n = self.counts.size // width
        if n == 0:
            return np.zeros((0, width), dtype=np.int64)
        return self.counts[self.counts.size - n * width:].reshape(n, width)

    def summary(self) -> dict[str, Any]:
        """Return the window's description as plain JSON-ready values.

        Examples
        --------
        >>> import datetime as dt, numpy as np
        >>> s = Sample(dt.date(2024, 6, 3), dt.date(2024, 6, 4),
        ...            np.array(["2024-06-03", "2024-06-04"], dtype="datetime64[D]"),
        ...            np.array([2, 0]), "demo", False, Calendar())
        >>> s.summary()["items"]
        2
        """
        return {
            "source": self.source,
            "window_start": self.first.isoformat(),
            "window_end": self.last.isoformat(),
            "calendar": self.calendar.describe(),
            "working_days": self.working_days,
            "items": self.items,
            "active_days": self.active_days,
            "mean_per_day": round(self.mean, 4),
            "clipped": self.clipped,
            "done_column": self.done_column,
            "date_format": self.date_format,
        }


@dataclass(frozen=True, eq=False)
class History:
    """Completed items per calendar date, with the calendar to read them by.

    Build one with :func:`forecast.read_history`.

    Attributes
    ----------
    dates : numpy.ndarray of datetime64[D]
        The distinct dates on which items were completed (as recorded,
        before any move to a working day), ascending.
    counts : numpy.ndarray of int64
        Items completed on each of those dates.
    calendar : Calendar
        Working days and holidays.
    source : str
        File name, or ``"history DataFrame"``.
    first, last : datetime.date
        The first and last dates in the history.
    kind : {"items", "throughput"}
        Whether it was read from one row per item or from daily counts.
    items : pandas.DataFrame or None
        One row per item (column ``done``, and ``type``, ``started``,
        ``id``, ``parent``, ``status`` when found), including rows without a
        done date, indexed by the row as the reader counts rows (a CSV
        file's spreadsheet row number, a DataFrame's index). A row whose id
        repeats an earlier row's is left out (a history note says so).
        Column ``state`` says what each row is: ``"done"``,
        ``"open"`` (not done: work in progress), ``"canceled"`` or
        ``"undated"`` (a done status without a done date); ``done`` holds a
        date only for done rows and ``started`` only for done and open rows,
        so no signal reads canceled work as finished or in progress.
    skipped : int
        Rows not done (no done date, or an open status): work in progress,
        left out of the throughput.
    done_column : str
        The column the done dates were read from.
    date_format : str
        The date format the done dates were read with (``"ISO8601"``, a
        ``strptime`` format, or ``"datetime"`` for a DataFrame's datetimes).
    notes : tuple of str
        What happened while reading (how the file was read, rows used and
        left out, columns ignored).
    tracker : {"generic", "jira", "ado", "github", "linear"}
        Which tool's export the history was read as (see
        :mod:`forecast.io.trackers`); ``"generic"`` for any other file.
    rows : int
        Rows read, duplicates included (0 for a history not read from a file
        or DataFrame).
    canceled : int
        Rows left out because the work was canceled (tracker exports only).
    undated : int
        Rows left out because their status is done but they have no done
        date (tracker exports only).
    """

    dates: np.ndarray
    counts: np.ndarray
    calendar: Calendar
    source: str
    first: dt.date
    last: dt.date
    kind: str = "items"
    items: pd.DataFrame | None = None
    skipped: int = 0
    done_column: str = "done"
    date_format: str = ""
    notes: tuple[str, ...] = ()
    tracker: str = "generic"
    rows: int = 0
    canceled: int = 0
    undated: int = 0

    @property
    def total(self) -> int:
        """Number of completed items in the whole history."""
        return int(self.counts.sum())

    def outcome_sizes(self, before: dt.date | None = None) -> np.ndarray:
        """Return the sizes of completed outcomes: completed items per parent.

        Needs a parent column (``parent``, ``epic link``, ``outcome``...).
        When parents are rows of the history themselves (even rows left out
        with ``exclude_types``), only those with a done date count as
        completed outcomes; otherwise every parent of completed items does.
        With ``before``, only outcomes completed before that date count.

        Examples
        --------
        >>> import pandas as pd, forecast
        >>> h = forecast.read_history(pd.DataFrame({
        ...     "id": ["E1", "S1", "S2", "S3"], "parent": ["", "E1", "E1", "E2"],
        ...     "done": ["2024-06-05", "2024-06-03", "2024-06-04", "2024-06-04"]}))
        >>> h.outcome_sizes().tolist()   # E2 is not a done row: only E1 counts
        [2]
        """
        if self.items is None or "parent" not in self.items:
            raise ColumnError(
                f"{self.source}: no parent column (looked for parent, epic link, outcome, "
                "feature), so outcome sizes cannot be learned from it; give the outcome a size"
            )
        frame = self.items
        done = frame["done"].to_numpy().astype("datetime64[D]")
        limit = np.datetime64(before, "D") if before is not None else None
        finished = ~np.isnat(done) & ((done < limit) if limit is not None else True)
        excluded = (frame["excluded"].to_numpy(dtype=bool) if "excluded" in frame
                    else np.zeros(len(frame), dtype=bool))
        counted = finished & ~excluded
        children = frame[counted & (frame["parent"].astype(str).str.len() > 0).to_numpy()]
        sizes = children.groupby("parent").size()
        if "id" in frame:
            listed = set(frame["id"].astype(str))
            if listed & set(sizes.index):
                closed = set(frame.loc[finished, "id"].astype(str))
                sizes = sizes[[p in closed for p in sizes.index]]
            else:
                last = children.groupby("parent")["done"].max()
                sizes = sizes[last.reindex(sizes.index).notna().to_numpy()]
        if sizes.empty:
            raise ColumnError(
                f"{self.source}: no completed outcome (a done parent with done children) in "
                "the history; give the outcome a size"
            )
        return np.sort(sizes.to_numpy(dtype=np.int64))

    def __repr__(self) -> str:
        return (
            f"History(source={self.source!r}, items={self.total}, "
            f"first={self.first.isoformat()}, last={self.last.isoformat()}, "
            f"calendar={self.calendar.describe()!r})"
        )

    @classmethod
    def from_counts(
        cls,
        dates: Any,
        counts: Any,
        *,
        calendar: Calendar | str = "weekdays",
        source: str = "counts",
    ) -> History:
        """Build a history from dates and the number of items completed on each.

        Examples
        --------
        >>> h = History.from_counts(["2024-06-03", "2024-06-04"], [3, 1])
        >>> h.total
        4
        """
        days = np.asarray(dates, dtype="datetime64[D]")
        values = np.asarray(counts, dtype=np.int64)
        if days.shape != values.shape or days.size == 0:
            raise ParameterError("dates and counts must be non-empty and of the same length")
        if (values < 0).any():
            raise ParameterError("counts must be >= 0")
        if np.isnat(days).any():
            raise ParameterError("dates must all be dates (one is NaT)")
        outside = (days < np.datetime64(FIRST_DATE, "D")) | (days > np.datetime64(LAST_DATE, "D"))
        if outside.any():
            raise ParameterError(
                f"date = {days[outside][0]} is out of range; give dates from {DATE_RANGE}")
        uniq, inverse = np.unique(days, return_inverse=True)
        per_day = np.bincount(inverse, weights=values).astype(np.int64)
        cal = calendar if isinstance(calendar, Calendar) else Calendar.from_options(calendar)
        return cls(
            dates=uniq, counts=per_day, calendar=cal, source=source,
            first=uniq[0].astype(dt.date), last=uniq[-1].astype(dt.date), kind="throughput",
        )

    def window_bounds(
        self, start: dt.date, window: int | None = 90, since: object | None = None
    ) -> tuple[dt.date, dt.date, bool]:
        """Return ``(first, last, clipped)``: the calendar dates of the window.

        The window ends the day before ``start``. It begins ``window`` calendar
        days earlier, or on ``since``, but never before the history's first date.

        Examples
        --------
        >>> import datetime as dt
        >>> h = History.from_counts(["2024-01-10"], [1])
        >>> h.window_bounds(dt.date(2024, 6, 1), window=30)
        (datetime.date(2024, 5, 2), datetime.date(2024, 5, 31), False)
        """
        last = start - dt.timedelta(days=1)
        if since is not None:
            first = as_date(since, "since")
            if first > last:
                raise ParameterError(
                    f"since = {first.isoformat()} is not before the start "
                    f"{start.isoformat()}; the window must end before the forecast starts"
                )
        else:
            if window is None or isinstance(window, bool) or int(window) != window or window < 1:
                raise ParameterError(f"window = {window!r}, must be a whole number of days >= 1")
            if window > MAX_WINDOW:
                raise ParameterError(
                    f"window = {window} days is more than {MAX_WINDOW} (100 years); "
                    "use --since to sample the whole history"
                )
            first = start - dt.timedelta(days=int(window))
        clipped = first < self.first
        return max(first, self.first), last, clipped

    def sample(
        self, start: dt.date, window: int | None = 90, since: object | None = None
    ) -> Sample:
        """Return the throughput per working day in the window before ``start``.

        Items completed on a non-working day count on the next working day;
        those that would move past the window's last working day count on that
        last working day instead, so the window's total is preserved.

        Parameters
        ----------
        start : datetime.date
            The forecast's start; the window ends the day before.
        window : int
            Calendar days in the window (ignored when ``since`` is given).
        since : date, optional
            The window's first date.

        Returns
        -------
        Sample

        Raises
        ------
        EmptyWindowError
            When the window has no working day or no completed item.

        Examples
        --------
        >>> import datetime as dt
        >>> h = History.from_counts(["2024-06-01", "2024-06-03"], [2, 1])  # Sat, Mon
        >>> s = h.sample(dt.date(2024, 6, 5), window=5)
        >>> s.counts.tolist()    # Saturday's two items count on Monday
        [3, 0]
        """
        first, last, clipped = self.window_bounds(start, window, since)
        hint = self._widen_hint(start, first, last)
        if first > last:
            raise EmptyWindowError(
                f"{self.source}: the window before {start.isoformat()} is empty "
                f"(the history starts on {self.first.isoformat()}); {hint}"
            )
        work = self.calendar.working_dates(first, last)
        if work.size == 0:
            raise EmptyWindowError(
                f"{self.source}: the window {first.isoformat()} .. {last.isoformat()} has no "
                f"working day under the '{self.calendar.describe()}' calendar; {hint}"
            )
        lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
        inside = (self.dates >= lo) & (self.dates <= hi)
        moved = self.calendar.roll_forward(self.dates[inside])
        moved = np.minimum(moved, work[-1])
        slot = np.searchsorted(work, moved)
        counts = np.bincount(slot, weights=self.counts[inside], minlength=work.size).astype(
            np.int64
        )
        sample_warnings: list[str] = []
        if counts.sum() == 0:
            raise EmptyWindowError(
                f"{self.source}: no completed items between {first.isoformat()} and "
                f"{last.isoformat()}; {hint}"
            )
        if clipped:
            sample_warnings.append(warning(
                f"the window was cut short: the history starts on {self.first.isoformat()}",
                "window-cut-short"))
        active = int(np.count_nonzero(counts))
        if active < MIN_ACTIVE_DAYS:
            sample_warnings.append(warning(
                f"only {active} working day{'s' if active != 1 else ''} with completions in the "
                "window; at least "
                f"{MIN_ACTIVE_DAYS} are needed for a trustworthy forecast: widen --window",
                "thin-window"))
        tail = int(np.count_nonzero(work > np.datetime64(self.last, "D")))
        if tail >= TRAILING_GAP_DAYS:
            after = self.last + dt.timedelta(days=1)
            sample_warnings.append(warning(
                f"the history ends on {self.last.isoformat()}: the window's last {tail} working "
                "days have no completions at all; if the export ended there, set --start "
                f"{after.isoformat()}", "trailing-gap"))
        return Sample(
            first=first, last=last, dates=work, counts=counts, source=self.source,
            clipped=clipped, calendar=self.calendar, warnings=tuple(sample_warnings),
            done_column=self.done_column, date_format=self.date_format,
        )

    def samples(self, starts: list[dt.date], window: int) -> list[Sample | None]:
        """Return :meth:`sample` for each start, without warnings; None where it would raise.

        The backtest's many windows at once: the same days and counts as
        :meth:`sample` (a test checks it), found by binary search in arrays
        computed once, without the warnings that only a forecast shows.

        Examples
        --------
        >>> h = History.from_counts(["2024-06-01", "2024-06-04"], [2, 1])
        >>> [s if s is None else s.counts.tolist()
        ...  for s in h.samples([dt.date(2024, 6, 1), dt.date(2024, 6, 5)], 7)]
        [None, [2, 1]]
        """
        if not starts:
            return []
        latest = max(starts) - dt.timedelta(days=1)
        work_all = self.calendar.working_dates(self.first, max(latest, self.first))
        moved_all = self.calendar.roll_forward(self.dates)
        out: list[Sample | None] = []
        for start in starts:
            first, last = start - dt.timedelta(days=int(window)), start - dt.timedelta(days=1)
            clipped = first < self.first
            first = max(first, self.first)
            if first > last:
                out.append(None)
                continue
            lo, hi = np.datetime64(first, "D"), np.datetime64(last, "D")
            a, b = np.searchsorted(work_all, lo), np.searchsorted(work_all, hi, side="right")
            i, j = np.searchsorted(self.dates, lo), np.searchsorted(self.dates, hi, side="right")
            if a == b or int(self.counts[i:j].sum()) == 0:
                out.append(None)
                continue
            work = work_all[a:b]
            slot = np.searchsorted(work, np.minimum(moved_all[i:j], work[-1]))
            counts = np.bincount(slot, weights=self.counts[i:j], minlength=work.size)
            out.append(Sample(first=first, last=last, dates=work, counts=counts.astype(np.int64),
                              source=self.source, clipped=clipped, calendar=self.calendar,
                              done_column=self.done_column, date_format=self.date_format))
        return out

    def _widen_hint(self, start: dt.date, first: dt.date, last: dt.date) -> str:
        if self.last < first:
            after = self.last + dt.timedelta(days=1)
            return (
                f"the history ends on {self.last.isoformat()}: widen {ref('window')}, use "
                f"{ref('since')}, or set {ref('start', after.isoformat())}"
            )
        if self.first > last:
            after = self.first + dt.timedelta(days=1)
            return f"set {ref('start', after.isoformat())} or later"
        return f"widen {ref('window')} or use an earlier {ref('since')}"
