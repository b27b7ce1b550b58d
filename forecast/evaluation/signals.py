"""Signals that warn early: data quality, drift in throughput, aging work in progress.

Everything here reads a :class:`~forecast.core.history.History` and returns plain
data classes with a readable ``__str__``; :func:`check` gathers them for a window
it is given (``forecast check`` and :func:`forecast.check` give it the window a
forecast samples: :func:`forecast.forecasting.trust.check`), and :func:`drift` is
also consulted by the forecasts, which warn when their window spans a detected
change.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast.core.checks import plural, start_date
from forecast.core.history import MIN_ACTIVE_DAYS, History, Sample
from forecast.evaluation.cycle import NO_START_COLUMN, AgingItem, aging, start_signals
from forecast.evaluation.misses import held_statements, miss_warnings
from forecast.notes import Note, info, informational, messages, warning

if TYPE_CHECKING:
    from forecast.evaluation.backtest import BacktestResult

__all__ = ["Change", "Quality", "AgingItem", "CheckResult", "drift", "quality", "aging",
           "start_signals", "check", "checked_as_of", "where_is", "EDGE_DAYS", "NO_START_COLUMN"]
# AgingItem, aging, start_signals and NO_START_COLUMN live in forecast.evaluation.cycle

MIN_SEGMENT_WEEKS = 4
"""A change point needs at least this many weeks on either side."""

DRIFT_P_VALUE = 0.01
"""A split is a change when a permutation test rejects 'no change' at this level."""

_PERMUTATIONS = 400

EDGE_DAYS = 7
"""A change is at a window's edge when its date (the Monday of the new regime's first
week) is 1 to this many days before the window's first day: the window begins within
one weekly bucket after the change (see :func:`where_is`)."""


@dataclass(frozen=True)
class Change:
    """A change point in weekly throughput.

    Attributes
    ----------
    date : datetime.date
        The Monday of the first week of the new regime.
    before, after : float
        Mean items per week of the regimes on either side: from the previous
        change (or the first week examined) to this one, and from this one to
        the next (or the last week examined). So one change's ``after`` is
        the next one's ``before``.
    p_value : float
        Permutation p-value of the split.
    """

    date: dt.date
    before: float
    after: float
    p_value: float

    def __str__(self) -> str:
        ratio = self.after / self.before if self.before > 0 else math.inf
        return (
            f"throughput changed in the week of {self.date.isoformat()}: "
            f"{self.before:.1f} -> {self.after:.1f} items a week ({ratio:.1f}x)"
        )


def weekly_counts(history: History, first: dt.date | None = None,
                  last: dt.date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(mondays, counts)``: items completed per calendar week.

    Weeks run Monday to Sunday, zeros included. Over the whole history the
    first and last weeks may be partial; given ``first`` or ``last``, only
    the whole weeks inside ``[first, last]`` are counted.

    Examples
    --------
    >>> h = History.from_counts(["2024-06-03", "2024-06-05", "2024-06-12"], [1, 2, 4])
    >>> mondays, counts = weekly_counts(h)
    >>> mondays.astype(str).tolist(), counts.tolist()
    (['2024-06-03', '2024-06-10'], [3, 4])
    """
    whole = first is not None or last is not None
    start = np.datetime64(first or history.first, "D")
    end = np.datetime64(last or history.last, "D")
    back = int((start.view("int64") - 4) % 7)  # days since Monday (1970-01-05 was one)
    # Given a span, keep whole weeks only: a partial week would look like a slump.
    start = start + (7 - back) % 7 if whole else start - back
    if whole:
        end = end - int((end.view("int64") - 4 + 1) % 7)  # back to a Sunday
    weeks = max(int((end - start).astype(int) // 7) + 1, 0)
    mondays = start + 7 * np.arange(weeks)
    if weeks == 0:
        return mondays, np.zeros(0, dtype=np.int64)
    keep = (history.dates >= start) & (history.dates <= end)
    index = ((history.dates[keep] - start).astype(int) // 7)
    counts = np.bincount(index, weights=history.counts[keep], minlength=weeks).astype(np.int64)
    return mondays, counts


def _cusum(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardised CUSUM of each row of ``x``: (split positions, statistics per row)."""
    m = x.shape[-1]
    k = np.arange(MIN_SEGMENT_WEEKS, m - MIN_SEGMENT_WEEKS + 1)
    csum = np.cumsum(x, axis=-1)
    left = csum[..., k - 1]
    total = csum[..., -1:]
    return k, np.abs(left - k / m * total) / np.sqrt(k * (m - k) / m)


def _split(x: np.ndarray, rng: np.random.Generator) -> tuple[int, float] | None:
    if x.size < 2 * MIN_SEGMENT_WEEKS or np.all(x == x[0]):
        return None
    k, stat = _cusum(x)
    best = int(np.argmax(stat))
    shuffled = rng.permuted(np.tile(x, (_PERMUTATIONS, 1)), axis=1)
    null = _cusum(shuffled)[1].max(axis=1)
    p_value = (int(np.count_nonzero(null >= stat[best])) + 1) / (_PERMUTATIONS + 1)
    return (int(k[best]), p_value) if p_value <= DRIFT_P_VALUE else None


def drift(history: History, first: dt.date | None = None,
          last: dt.date | None = None) -> tuple[Change, ...]:
    """Find change points in weekly throughput by binary segmentation.

    Each segment's best split (the largest standardised CUSUM) is a change
    when a permutation test of the weekly counts rejects "no change" at
    :data:`DRIFT_P_VALUE`; segments are then split again. The test has a
    fixed seed, so the answer is reproducible. Each change's sizes are the
    mean weekly counts of the final segments on either side of it (not of the
    larger segment it was found in), so consecutive changes chain: one's
    ``after`` is the next one's ``before``.

    Parameters
    ----------
    history : History
        Completed items.
    first, last : datetime.date, optional
        The span to examine (default: the whole history).

    Returns
    -------
    tuple of Change
        In date order.

    Examples
    --------
    >>> import numpy as np
    >>> days = np.datetime64("2024-01-01") + np.arange(140)
    >>> counts = np.r_[np.full(70, 1), np.full(70, 4)]   # 7 -> 28 items a week
    >>> [c.date.isoformat() for c in drift(History.from_counts(days, counts))]
    ['2024-03-11']
    """
    mondays, counts = weekly_counts(history, first, last)
    rng = np.random.default_rng(20240603)
    found: dict[int, float] = {}  # cut (index of the new regime's first week) -> p-value
    stack = [(0, counts.size)]
    while stack and len(found) < 10:
        lo, hi = stack.pop()
        result = _split(counts[lo:hi].astype(float), rng)
        if result is None:
            continue
        where, p_value = result
        found[lo + where] = p_value
        stack.extend([(lo, lo + where), (lo + where, hi)])
    # Sizes from the final segments, not from the segment each split was found in: a
    # later split of either side changes the regimes the change separates.
    cuts = sorted(found)
    edges = [0, *cuts, counts.size]
    return tuple(
        Change(date=mondays[cut].astype(dt.date),
               before=float(counts[edges[i]:cut].mean()),
               after=float(counts[cut:edges[i + 2]].mean()), p_value=found[cut])
        for i, cut in enumerate(cuts)
    )


@dataclass(frozen=True)
class Quality:
    """Data-quality figures of a sample window, with the warnings they raise."""

    working_days: int
    items: int
    active_days: int
    longest_zero_streak: int
    outlier_days: tuple[tuple[dt.date, int], ...]
    halves: tuple[float, float]
    warnings: tuple[str, ...]


def quality(sample: Sample) -> Quality:
    """Measure a window: size, active days, zero streaks, outliers, split-half stability.

    Examples
    --------
    >>> import datetime as dt
    >>> h = History.from_counts(["2024-06-03", "2024-06-04"], [1, 30])
    >>> q = quality(h.sample(dt.date(2024, 6, 5), window=2))
    >>> q.active_days, q.warnings[0][:39]
    (2, 'only 2 working days with completions in')
    """
    counts = sample.counts
    notes: list[str] = []
    active = int(np.count_nonzero(counts))
    if active < MIN_ACTIVE_DAYS:
        notes.append(warning(
            f"only {active} working days with completions in the window; at least "
            f"{MIN_ACTIVE_DAYS} are needed: widen the window", "thin-window"))
    streak = longest = 0
    for c in counts:
        streak = streak + 1 if c == 0 else 0
        longest = max(longest, streak)
    mean = float(counts.mean())
    if mean > 0 and longest >= 10 and longest > 3 / max(mean, 1e-9):
        notes.append(warning(
            f"{longest} working days in a row without a completion: "
            "the team may have stopped, or items were closed in bulk later", "zero-streak"))
    nonzero = counts[counts > 0]
    outliers: list[tuple[dt.date, int]] = []
    if nonzero.size >= 5:
        q1, q3 = np.percentile(nonzero, [25, 75])
        limit = max(q3 + 3 * (q3 - q1), 3 * float(np.median(nonzero)), 3.0)
        for day, c in zip(sample.dates, counts, strict=True):
            if c > limit:
                outliers.append((day.astype(dt.date), int(c)))
    if outliers:
        listed = ", ".join(f"{d.isoformat()} ({c})" for d, c in outliers[:5])
        notes.append(warning(
            f"{plural(len(outliers), 'outlier day', thousands=True)} (bulk closes?): {listed}; "
            "check whether they are real deliveries", "outlier-days"))
    half = counts.size // 2
    first_half = float(counts[:half].mean()) if half else mean
    second_half = float(counts[half:].mean()) if counts.size - half else mean
    if half >= 10 and min(first_half, second_half) > 0:
        # Poisson-style test of equal rates: difference over its standard error.
        se = math.sqrt(first_half / half + second_half / (counts.size - half))
        z = abs(first_half - second_half) / se if se > 0 else 0.0
        ratio = max(first_half, second_half) / min(first_half, second_half)
        if z > 3 and ratio > 1.5:
            notes.append(warning(
                f"the window's halves differ: {first_half:.2f} vs {second_half:.2f} items a "
                "day; throughput is not stable over the window", "unstable-halves"))
    return Quality(
        working_days=int(counts.size), items=int(counts.sum()), active_days=active,
        longest_zero_streak=longest, outlier_days=tuple(outliers),
        halves=(first_half, second_half), warnings=tuple(notes),
    )


def _how_read(history: History) -> Note | None:
    """One line on how a generic history was read (tracker exports have their own note)."""
    if any(getattr(n, "code", None) == "read-as" for n in history.notes) or history.rows == 0:
        return None
    if history.kind == "throughput":
        return info(f"read as daily throughput: dates in column {history.done_column!r}, "
                    f"{plural(history.rows, 'row', thousands=True)}", "read-as")
    return info(f"read as a generic history: done dates in column {history.done_column!r}; "
                f"used {history.total:,} of {plural(history.rows, 'row', thousands=True)}",
                "read-as")


def _code(message: str) -> str | None:
    return message.code if isinstance(message, Note) else None


def _older(n: int) -> str:
    return f"{n:,} item in progress is older" if n == 1 else f"{n:,} items in progress are older"


@dataclass(frozen=True, eq=False)
class CheckResult:
    """Everything ``forecast check`` reports about a history and its window.

    Attributes
    ----------
    notes : tuple of str
        Warnings beyond the window's own (for example the history's notes
        that are warnings); part of :attr:`warnings`.
    info : tuple of str
        How the history was read and which rows were used: shown as notes,
        never as warnings, so ``--strict`` does not fail on them.
    why : str or None
        Which window this is and why (``auto``'s note, for the window a
        forecast samples): a note.
    backtest : BacktestResult or None
        The team's own backtest the window was chosen by; its P85 statements
        that held under 75% are warnings (:func:`~forecast.evaluation.misses.miss_warnings`).
    """

    sample: Sample
    quality: Quality
    changes: tuple[Change, ...]
    aging: tuple[AgingItem, ...]
    cycle_p85: float | None
    today: dt.date
    notes: tuple[str, ...] = field(default=())
    info: tuple[str, ...] = field(default=())
    why: str | None = None
    backtest: BacktestResult | None = field(default=None, repr=False)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning, as sentences."""
        out = list(self.sample.warnings) + [
            w for w in self.quality.warnings
            if w not in self.sample.warnings and not (  # one thin-window warning is enough
                _code(w) == "thin-window"
                and any(_code(x) == "thin-window" for x in self.sample.warnings))
        ]
        out.extend(drift_warnings(self.changes, self.sample, edge=True))
        out.extend(miss_warnings(self.backtest))
        if self.aging:
            out.append(warning(
                f"{_older(len(self.aging))} than the 85th percentile "
                f"cycle time ({self.cycle_p85:.0f} days); oldest: {self.aging[0].id} "
                f"({self.aging[0].age_days} days)", "aging-work"))
        out.extend(self.notes)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Return the check as JSON-ready values."""
        q = self.quality
        return {
            "question": "check",
            "sample": self.sample.summary(),
            "quality": {
                "working_days": q.working_days, "items": q.items,
                "active_days": q.active_days, "longest_zero_streak": q.longest_zero_streak,
                "outlier_days": [{"date": d.isoformat(), "items": c} for d, c in q.outlier_days],
                "halves_per_day": list(q.halves),
            },
            "window": {"first": self.sample.first.isoformat(),
                       "last": self.sample.last.isoformat(),
                       "calendar_days": (self.sample.last - self.sample.first).days + 1,
                       "why": None if self.why is None else str.__str__(self.why)},
            "backtest": None if self.backtest is None else {
                "method": self.backtest.best[0], "window": self.backtest.best[1],
                "origins": len(self.backtest.origins),
                "p85_held": [h.to_dict() for h in held_statements(self.backtest)]},
            "changes": [
                {"date": c.date.isoformat(), "before_per_week": c.before,
                 "after_per_week": c.after, "p_value": c.p_value,
                 "where": where_is(c, self.sample)}
                for c in self.changes
            ],
            "suggested_since": self.changes[-1].date.isoformat() if self.changes else None,
            "aging": [
                {"id": a.id, "started": a.started.isoformat(), "age_days": a.age_days}
                for a in self.aging
            ],
            "cycle_time_p85_days": self.cycle_p85,
            "notes": self._notes(),
            "warnings": list(self.warnings),
            "messages": messages([*self._notes(), *self.warnings]),
        }

    def _notes(self) -> list[str]:
        return [*self.info, *([self.why] if self.why else [])]

    def __str__(self) -> str:
        s, q = self.sample, self.quality
        lines = [
            f"Check of {s.source} (window {s.first.isoformat()} .. {s.last.isoformat()})",
            *(f"  note: {n}" for n in self.info),
            *([f"  window: {self.why}"] if self.why else []),
            f"  sample: {q.working_days} working days, {q.items} items, {q.active_days} active "
            f"days, longest run without a completion {q.longest_zero_streak} "
            f"day{'' if q.longest_zero_streak == 1 else 's'}",
            f"  halves of the window: {q.halves[0]:.2f} then {q.halves[1]:.2f} items a day",
        ]
        if self.backtest is not None:
            lines.extend(_held_lines(self.backtest))
        if self.changes:
            lines.append("  changes in weekly throughput (whole history):")
            lines.extend(f"    {c}{_MARK[where_is(c, s)]}" for c in self.changes)
            lines.append(f"  suggestion: --since {self.changes[-1].date.isoformat()} samples "
                         "only the current regime")
        else:
            lines.append("  no change in weekly throughput detected")
        if self.cycle_p85 is not None:
            lines.append(f"  85th percentile cycle time: {self.cycle_p85:.0f} days; "
                         f"{_older(len(self.aging))}")
            lines.extend(f"    {a.id}: started {a.started.isoformat()}, {a.age_days} days"
                         for a in self.aging[:20])
        if self.warnings:
            lines.append("")
            lines.extend(f"  warning: {w}" for w in self.warnings)
        else:
            lines.append("")
            lines.append("  no warnings")
        return "\n".join(lines)


_MARK = {"inside": "  (inside the window)", "edge": "  (at the window's edge)", "before": ""}


def _held_lines(result: BacktestResult) -> list[str]:
    """Return the table's lines on how often the chosen configuration's P85 statements held."""
    method, window = result.best
    lines = [f"  backtest of {method} over {window} days, {len(result.origins)} origins: "
             "how often its stated 85% held"]
    held = held_statements(result)
    for first, second in zip(held[::2], held[1::2], strict=True):
        what = (f"When {first.horizon:,} items" if first.question == "when"
                else f"How many in {first.horizon} working days")
        lines.append(f"    {what}: {first.held:.0%} ({first.short}), "
                     f"{second.held:.0%} ({second.short})")
    return lines


def where_is(change: Change, sample: Sample) -> str:
    """Where a change falls: ``"inside"`` the window, at its ``"edge"``, or ``"before"`` it.

    Inside: its date (the Monday of the new regime's first week) is after
    the window's first day and on or before its last. At the edge: its date
    is 1 to :data:`EDGE_DAYS` days before the window's first day, so the
    window begins within one weekly bucket after the change; since a change
    is dated only to its week, the window's first days may still belong to
    the earlier regime. A window that begins on the change's date itself
    (what ``since`` at the change gives) has it before.

    Examples
    --------
    >>> import datetime as dt
    >>> h = History.from_counts(["2024-05-01", "2024-06-03"], [1, 1])
    >>> s = h.sample(dt.date(2024, 6, 8), window=30)                  # 2024-05-09 .. 06-07
    >>> [where_is(Change(dt.date(2024, m, d), 1.0, 2.0, 0.01), s)
    ...  for m, d in ((5, 27), (5, 6), (5, 9), (4, 29))]
    ['inside', 'edge', 'before', 'before']
    """
    if sample.first < change.date <= sample.last:
        return "inside"
    if 0 < (sample.first - change.date).days <= EDGE_DAYS:
        return "edge"
    return "before"


def window_drift(history: History, sample: Sample) -> list[str]:
    """Warnings when the sample's window spans a change in weekly throughput.

    The window's whole weeks and as many weeks again before it are tested (a
    change near the window's end needs that context to stand out), so this
    stays cheap enough to run with every forecast.
    """
    span = (sample.last - sample.first).days + 1
    first = max(history.first, sample.first - dt.timedelta(days=span))
    # Weeks after the history's last completion are not a change in throughput: the
    # export ends there (the trailing-gap warning says so when it matters).
    last = min(sample.last, history.last)
    if last <= first:
        return []
    return drift_warnings(drift(history, first, last), sample)


def drift_warnings(changes: tuple[Change, ...], sample: Sample, edge: bool = False
                   ) -> list[str]:
    """Warnings for changes that fall inside a sample's window (or, with ``edge``, at it).

    The latest change inside the window is ``"window-spans-change"``; without
    one, with ``edge``, a change at the window's edge (:func:`where_is`) is
    ``"window-edge-change"``. Either suggests the ``since`` that starts the
    window at the change.
    """
    inside = [c for c in changes if where_is(c, sample) == "inside"]
    if inside:
        last = inside[-1]
        return [warning(f"the window spans a change: {last}; consider --since "
                        f"{last.date.isoformat()}", "window-spans-change")]
    near = [c for c in changes if where_is(c, sample) == "edge"] if edge else []
    if not near:
        return []
    c = near[-1]
    days = (sample.first - c.date).days
    return [warning(
        f"the window starts {plural(days, 'day')} after a change: {c}; a change is dated "
        "only to its week, so the window's first days may still be of the earlier regime: "
        f"consider --since {c.date.isoformat()}, which starts the window at the change",
        "window-edge-change")]


def checked_as_of(history: History, start: Any, span: int, since: Any
                  ) -> tuple[dt.date, list[str]]:
    """Return the day a check is made as of, and a warning when it is not today.

    Without ``start`` and ``since``, a history that ends more than ``span``
    days before today (so that today's window of ``span`` days would be
    empty) is checked as of the day after its end, and a warning says so.

    Examples
    --------
    >>> h = History.from_counts(["2020-01-06"], [1])
    >>> day, notes = checked_as_of(h, None, 30, None)
    >>> day, notes[0].code
    (datetime.date(2020, 1, 7), 'stale-history')
    """
    begin = start_date(start)
    if start is None and since is None and history.last < begin - dt.timedelta(days=span):
        # today's window would be empty: check the history as of its end, and say so
        days = (begin - history.last).days
        begin = history.last + dt.timedelta(days=1)
        return begin, [warning(
            f"{history.source}: the history ends on {history.last.isoformat()}, "
            f"{days:,} days before today, so it is checked as of "
            f"{begin.isoformat()}; if the team still delivers, the export is out of "
            "date (--start chooses the day)", "stale-history")]
    return begin, []


def check(history: History, *, start: Any = None, window: int | None = 90,
          since: Any = None, why: str | None = None,
          backtest: BacktestResult | None = None) -> CheckResult:
    """Check a history: data quality of the window, drift, and aging work.

    The history's notes are reported too: those that only say how the file
    was read and which rows were used as :attr:`CheckResult.info`, the
    others (see :func:`informational`) as warnings; so are the start dates
    that cycle times and aging read (see :func:`start_signals`), and a note
    says why there is no cycle time when there is none.

    Parameters
    ----------
    history : History
        Completed items (and, for aging, rows with a start and no done date).
    start, window, since
        The window, as for :func:`forecast.when` with a fixed method (the
        window is 90 days unless given); ``start`` is also "today" for the
        age of items in progress. :func:`forecast.check` checks the window
        a forecast samples instead, as ``method="auto"`` chooses it.
    why : str, optional
        A note on which window this is and why (:attr:`CheckResult.why`).
    backtest : BacktestResult, optional
        The team's own backtest the window was chosen by
        (:attr:`CheckResult.backtest`): its stated 85% that held under 75%
        are warnings.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> import forecast
    >>> h = forecast.read_history("examples/team.csv")  # doctest: +SKIP
    >>> print(check(h, start="2024-06-03"))              # doctest: +SKIP
    """
    begin, stale = checked_as_of(history, start, window if window is not None else 90, since)
    sample = history.sample(begin, window=window, since=since)
    changes = drift(history, last=begin - dt.timedelta(days=1))
    items, threshold = aging(history, begin)
    start_warnings, start_notes = start_signals(history)
    how = _how_read(history)
    read = ([how] if how else []) + [n for n in history.notes if informational(n)]
    return CheckResult(sample=sample, quality=quality(sample), changes=changes, aging=items,
                       cycle_p85=threshold, today=begin, why=why, backtest=backtest,
                       notes=tuple(stale)
                       + tuple(n for n in history.notes if not informational(n))
                       + tuple(start_warnings),
                       info=tuple(read + start_notes))
