"""Forecast results: distributions with percentiles, likelihoods and tables.

Both engines produce a probability mass function (pmf): the exact engine
directly, the Monte Carlo engine as the share of trials on each value. The
percentile rules are applied to that pmf, so both engines answer by the same
definitions:

- When: P85 is the earliest working day by which at least 85% of trials are
  done.
- How many: P85 is the largest N such that at least 85% of trials completed
  N or more items.

Monte Carlo results also carry the per-trial values, from which a
distribution-free 99% interval and a standard error of each percentile are
computed (from the order statistics around the percentile's rank).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .calendar import Calendar, _as_date
from .exceptions import ParameterError
from .history import Sample
from .io import _plural

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Percentile", "WhenForecast", "HowManyForecast", "PlanResult", "TOLERANCE", "Z_99",
           "WHEN_COLUMNS", "HOW_MANY_COLUMNS", "PLAN_COLUMNS", "DISTRIBUTION_COLUMNS"]

TOLERANCE = 1e-9
"""Slack when comparing a probability with a percentile level, so that 0.85
computed as 0.8499999999 still counts as reaching 85%."""

Z_99 = 2.5758293035489004
"""Normal quantile of 0.995: the reported Monte Carlo intervals are 99%."""

MIN_TAIL_TRIALS = 10
"""Fewer trials than this beyond a percentile (n * (1 - q)) leave its interval open."""


@dataclass(frozen=True)
class Percentile:
    """One percentile of a forecast.

    Attributes
    ----------
    p : float
        The level, in percent.
    value : int or None
        Working day (When) or items (How many); None when the level is not
        reached within the horizon.
    date : datetime.date or None
        The date of that working day (When only).
    se : float
        Standard error of ``value`` from Monte Carlo sampling (0 for exact).
    low, high : int or None
        A 99% interval for ``value`` (equal to it for exact).
    """

    p: float
    value: int | None
    date: dt.date | None
    se: float
    low: int | None
    high: int | None


def _check_levels(levels: Any) -> tuple[float, ...]:
    if isinstance(levels, str):
        levels = [v for v in levels.replace(" ", "").split(",") if v]
    elif isinstance(levels, (int, float)):
        levels = [levels]
    try:
        values = tuple(float(p) for p in levels)
    except (TypeError, ValueError):
        raise ParameterError(
            f"percentiles = {levels!r} must be numbers between 0 and 100, such as 50,70,85,95"
        ) from None
    if not values:
        raise ParameterError("percentiles is empty; give at least one level such as 85")
    for p in values:
        if not (0 < p <= 100) or math.isnan(p):
            raise ParameterError(f"percentile {p:g} is out of range; each must be > 0 and <= 100")
    return tuple(sorted(set(values)))


def order_interval(ordered: np.ndarray, rank: int, q: float
                   ) -> tuple[int | None, int | None, float]:
    """Order-statistic 99% interval around 1-based ``rank`` of sorted trial results.

    Returns ``(low, high, se)``. A bound whose rank falls outside the trials
    is open (None): too few trials to pin that percentile down, and the
    standard error is NaN.

    Examples
    --------
    >>> order_interval(np.arange(1, 10_001), 8500, 0.85)
    (8408, 8592, 35.71...)
    """
    n = ordered.size
    if n * min(q, 1.0 - q) < MIN_TAIL_TRIALS:
        # The normal approximation of the rank's spread needs trials in the
        # tail beyond the percentile; P100 (or P99.99 of 1000 trials) has none.
        return None, None, math.nan
    half = Z_99 * math.sqrt(n * q * (1.0 - q))
    lo, hi = int(math.floor(rank - half)), int(math.ceil(rank + half))
    low = int(ordered[lo - 1]) if lo >= 1 else None
    high = int(ordered[hi - 1]) if hi <= n else None
    if low is None or high is None:
        return low, high, math.nan
    return low, high, (high - low) / (2.0 * Z_99)


def _binomial_se(prob: float, n: int) -> float:
    """Agresti-Coull standard error of a share ``prob`` of ``n`` trials."""
    z2 = 1.959963984540054**2
    adjusted = (prob * n + z2 / 2.0) / (n + z2)
    return math.sqrt(adjusted * (1.0 - adjusted) / (n + z2))


def _se_text(se: float) -> str:
    return "    ?" if math.isnan(se) else f"{se:>5.1f}"


def _bound(value: int | None) -> str:
    return "…" if value is None else str(value)


def _pct_label(p: float) -> str:
    return f"{p:.10g}%"


def _label(warning: str) -> str:
    """``note`` for a line that only says how a history was read, else ``warning``."""
    import re

    from .signals import informational

    bare = re.sub(r"^team ('[^']*'|\"[^\"]*\"): ", "", warning)  # a plan's team prefix
    if bare.startswith(("method auto chose", "engine auto chose")):
        return "note"  # what auto chose, said so: information, not a problem
    return "note" if informational(bare) else "warning"


def _first_reaching(cdf: np.ndarray, level: float) -> int | None:
    """Smallest index whose cdf reaches ``level`` (with tolerance), or None."""
    idx = int(np.searchsorted(cdf, level - TOLERANCE, side="left"))
    return idx if idx < cdf.size else None


@dataclass(frozen=True, eq=False)
class _Forecast:
    start: dt.date
    calendar: Calendar
    sample: Sample
    engine: str
    levels: tuple[float, ...]
    pmf: np.ndarray
    trials: int | None = None
    seed: int | None = None
    draws: np.ndarray | None = None
    method: str = "daily"
    notes: tuple[str, ...] = field(default=())

    @property
    def day1(self) -> dt.date:
        """The date of working day 1: the first working day on or after the start."""
        return self.calendar.date_of_day(self.start, 1)

    @cached_property
    def _sorted(self) -> np.ndarray:
        assert self.draws is not None
        return np.sort(self.draws)

    def _interval(self, rank: int, q: float) -> tuple[int | None, int | None, float]:
        return order_interval(self._sorted, rank, q)

    def _precision_notes(self) -> list[str]:
        if self.draws is None:
            return []
        loose = [p for p in self.percentiles() if p.value is not None and math.isnan(p.se)]
        if not loose:
            return []
        levels = ", ".join(f"P{p.p:.10g}" for p in loose)
        return [
            f"{self.trials:,} trials cannot pin down {levels}: too few outcomes lie beyond it "
            "for a 99% interval; use more trials (--trials)"
        ]

    def percentiles(self) -> tuple[Percentile, ...]:
        """Return the requested percentiles.

        Returns
        -------
        tuple of Percentile
        """
        return tuple(self.percentile(p) for p in self.levels)

    def percentile(self, p: float) -> Percentile:  # pragma: no cover - overridden
        """Return the percentile at level ``p``."""
        raise NotImplementedError

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings about the inputs and the result, as plain sentences."""
        return tuple(self.sample.warnings) + tuple(self.notes) + tuple(self._precision_notes())

    def _engine_text(self) -> str:
        if self.engine == "exact":
            return f"exact ({self.method} bootstrap, convolution)"
        trials = f"{self.trials:,} trial{'s' if self.trials != 1 else ''}"
        return f"Monte Carlo ({self.method} bootstrap, {trials}, seed {self.seed})"

    def _head(self, title: str) -> list[str]:
        return [
            title,
            f"  start {self.start.isoformat()} (day 1 = {self.day1:%a} {self.day1.isoformat()})",
            f"  engine: {self._engine_text()}",
            f"  sample: {self._sample_text()}",
            "",
        ]

    def _warning_lines(self) -> list[str]:
        if not self.warnings:
            return []
        return [""] + [f"  {_label(w)}: {w}" for w in self.warnings]

    def _sample_text(self) -> str:
        s = self.sample
        text = (
            f"{s.source}: {s.first.isoformat()} .. {s.last.isoformat()}, {s.working_days} "
            f"working days, {s.items} items, {s.active_days} active days "
            f"({s.mean:.2f}/day), calendar {s.calendar.describe()}"
        )
        if s.date_format and s.date_format not in ("ISO8601", "datetime"):
            text += f", dates in {s.done_column!r} read as {s.date_format!r}"
        return text

    def _common_dict(self) -> dict[str, Any]:
        from . import __version__

        return {
            "start": self.start.isoformat(),
            "day1": self.day1.isoformat(),
            "engine": self.engine,
            "method": self.method,
            "trials": self.trials,
            "seed": self.seed,
            "sample": self.sample.summary(),
            "warnings": [w for w in self.warnings if _label(w) == "warning"],
            "notes": [w for w in self.warnings if _label(w) == "note"],
            "version": __version__,
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - overridden
        """Return the result as JSON-ready values."""
        raise NotImplementedError

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        head = html.escape(str(self).splitlines()[0])
        return f"<p><b>{head}</b></p>" + frame.to_html(index=False, escape=True)

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - overridden
        """Return one row per percentile."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class WhenForecast(_Forecast):
    """When will ``items`` items be done? A distribution of completion days.

    Attributes
    ----------
    items : int
        Items to complete.
    horizon : int
        Last working day simulated.
    beyond : float
        Probability of not finishing within the horizon.
    target : datetime.date or None
        The date asked about with ``target=``.

    ``pmf[d]`` is the probability of completing on working day ``d``.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
    >>> f = forecast.when(h, 5, start="2024-06-04", window=1)
    >>> [(p.p, p.value, p.date.isoformat()) for p in f.percentiles()][:2]
    [(50.0, 5, '2024-06-08'), (70.0, 5, '2024-06-08')]
    >>> f.likelihood("2024-06-07")
    0.0
    """

    items: int = 1
    horizon: int = 0
    beyond: float = 0.0
    target: dt.date | None = None

    @cached_property
    def cdf(self) -> np.ndarray:
        """``cdf[d]`` = probability of being done on or before working day ``d``."""
        if self.draws is not None:
            counts = np.bincount(self.draws, minlength=self.horizon + 2)[: self.horizon + 1]
            return np.cumsum(counts) / self.draws.size
        return np.cumsum(self.pmf)

    @cached_property
    def _dates(self) -> np.ndarray:
        last = int(np.flatnonzero(self.pmf)[-1]) if np.any(self.pmf) else 1
        return self.calendar.day_dates(self.start, max(last, 1))

    def date_of(self, day: int) -> dt.date:
        """Return the calendar date of working day ``day``."""
        if day <= self._dates.size:
            return self._dates[day - 1].astype(dt.date)
        return self.calendar.date_of_day(self.start, day)

    def percentile(self, p: float) -> Percentile:
        """Return the earliest day by which at least ``p`` percent of outcomes are done.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03"], [2], calendar="all")
        >>> forecast.when(h, 5, start="2024-06-04", window=1).percentile(85).value
        3
        """
        q = float(p) / 100.0
        day = _first_reaching(self.cdf, q)
        if day is None:
            return Percentile(float(p), None, None, math.nan, None, None)
        if self.draws is None:
            return Percentile(float(p), day, self.date_of(day), 0.0, day, day)
        n = self.draws.size
        rank = math.ceil((q - TOLERANCE) * n)
        low, high, se = self._interval(rank, q)
        if high is not None and high > self.horizon:
            high, se = None, math.nan
        return Percentile(float(p), day, self.date_of(day), se, low, high)

    def likelihood(self, date: Any) -> float:
        """Return the probability of being done on or before ``date``.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
        >>> forecast.when(h, 3, start="2024-06-04", window=1).likelihood("2024-06-06")
        1.0
        """
        day = self.calendar.day_number(self.start, _as_date(date, "date"))
        if day <= 0:
            return 0.0
        return float(self.cdf[min(day, self.horizon)])

    def likelihood_se(self, date: Any) -> float:
        """Return the Monte Carlo standard error of :meth:`likelihood` (0 for exact).

        The Agresti-Coull form, which stays honest (above 0) when every trial,
        or none, met the date.
        """
        if self.draws is None:
            return 0.0
        return _binomial_se(self.likelihood(date), self.draws.size)

    @property
    def not_within_horizon(self) -> float:
        """Share of outcomes not finished within the horizon."""
        if self.draws is not None:
            return float(np.count_nonzero(self.draws > self.horizon) / self.draws.size)
        return min(1.0, max(0.0, float(self.beyond)))  # 1 - a sum that rounds past 1

    def distribution(self, name: str | None = None) -> pd.DataFrame:
        """Return the probability of being done by each working date, one row per date.

        Columns :data:`DISTRIBUTION_COLUMNS` (``outcome, date, probability``):
        ``date`` is an ISO date and ``probability`` the chance of being done
        on or before it (:meth:`likelihood`). The rows run over every working
        date from the first with a probability above 0 to the first where it
        reaches 1 (within :data:`TOLERANCE`), or to the horizon.

        Parameters
        ----------
        name : str, optional
            The ``outcome`` cell of every row (default: "40 items").

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [1, 2])
        >>> f = forecast.when(h, 2, start="2024-06-05", method="daily")   # 1 or 2 a day
        >>> f.distribution().values.tolist()
        [['2 items', '2024-06-05', 0.5], ['2 items', '2024-06-06', 1.0]]
        """
        import pandas as pd

        cdf = np.round(np.minimum(self.cdf, 1.0), DISTRIBUTION_DECIMALS)  # no 9e-13 cells
        positive = np.flatnonzero(cdf[: self.horizon + 1] > 0)
        label = name if name is not None else f"{self.items:,} items"
        if positive.size == 0:
            return pd.DataFrame({c: [] for c in DISTRIBUTION_COLUMNS}).astype(
                {"probability": float})
        first = int(positive[0])
        reach = _first_reaching(cdf, 1.0)
        last = min(reach if reach is not None else cdf.size - 1, self.horizon)
        dates = self.calendar.day_dates(self.start, last)[first - 1:]
        return pd.DataFrame({
            "outcome": [label] * dates.size,
            "date": dates.astype(str).astype(object),
            "probability": cdf[first:last + 1].astype(float),
        }, columns=list(DISTRIBUTION_COLUMNS))

    def _percentile_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "p": pc.p,
                "date": pc.date.isoformat() if pc.date else None,
                "days": pc.value,
                "se_days": None if math.isnan(pc.se) else round(pc.se, 4),
                "low_days": pc.low,
                "high_days": pc.high,
            }
            for pc in self.percentiles()
        ]

    def to_frame(self) -> pd.DataFrame:
        """Return one row per percentile with stable columns.

        Columns: ``question, start, items, p, date, days, se_days, low_days,
        high_days`` (dates ISO; empty when not within the horizon).
        """
        import pandas as pd

        head = {"question": "when", "start": self.start.isoformat(), "items": self.items}
        rows = [{**head, **row} for row in self._percentile_rows()]
        frame = pd.DataFrame(rows, columns=WHEN_COLUMNS)
        for col in ("days", "low_days", "high_days"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready values.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
        >>> d = forecast.when(h, 2, start="2024-06-04", window=1, percentiles=[85]).to_dict()
        >>> d["question"], d["percentiles"][0]["date"]
        ('when', '2024-06-05')
        """
        out: dict[str, Any] = {"question": "when", "items": self.items}
        out.update(self._common_dict())
        out["horizon_days"] = self.horizon
        out["not_within_horizon"] = self.not_within_horizon
        out["percentiles"] = self._percentile_rows()
        if self.target is not None:
            out["likelihood"] = {
                "date": self.target.isoformat(),
                "probability": self.likelihood(self.target),
                "se": self.likelihood_se(self.target),
            }
        return out

    def __str__(self) -> str:
        lines = self._head(f"When will {self.items:,} items be done?")
        mc = self.draws is not None
        header = "  chance  done on or before   working days"
        if mc:
            header += "   ± se  99% interval"
        lines.append(header)
        for pc in self.percentiles():
            if pc.value is None or pc.date is None:
                lines.append(f"  {_pct_label(pc.p):>6}  not within horizon ({self.horizon} days)")
                continue
            shown = f"{pc.date:%a} {pc.date.isoformat()}"
            row = f"  {_pct_label(pc.p):>6}  {shown:<17}   {pc.value:>12}"
            if mc:
                row += f"  {_se_text(pc.se)}  {_bound(pc.low)}–{_bound(pc.high)}"
            lines.append(row)
        lines.append("")
        lines.append(
            "  Read: \"85%\" = 85% of outcomes are done on or before that date "
            "(working days count from day 1)."
        )
        if self.target is not None:
            prob = self.likelihood(self.target)
            text = (
                f"  Target {self.target.isoformat()}: {prob:.1%} chance of being done "
                "on or before it"
            )
            if mc:
                text += f" (± {self.likelihood_se(self.target):.1%})"
            lines.append(text + ".")
        if self.not_within_horizon > 0:
            lines.append(
                f"  {self.not_within_horizon:.2%} of outcomes are not done within the "
                f"horizon of {self.horizon} working days."
            )
        return "\n".join(lines + self._warning_lines())


WHEN_COLUMNS = (
    "question", "start", "items", "p", "date", "days", "se_days", "low_days", "high_days",
)
"""Columns of :meth:`WhenForecast.to_frame` and of ``forecast when --format csv``."""


@dataclass(frozen=True, eq=False)
class HowManyForecast(_Forecast):
    """How many items in ``days`` working days? A distribution of counts.

    ``pmf[n]`` is the probability of completing exactly ``n`` items.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2], calendar="all")
    >>> f = forecast.how_many(h, days=10, start="2024-06-04", window=1)
    >>> f.percentile(85).value
    20
    """

    days: int = 1
    by: dt.date | None = None

    @property
    def end(self) -> dt.date:
        """The date of the last working day counted."""
        return self.calendar.date_of_day(self.start, self.days)

    @cached_property
    def survival(self) -> np.ndarray:
        """``survival[n]`` = probability of completing ``n`` items or more."""
        if self.draws is not None:
            counts = np.bincount(self.draws)
            return np.cumsum(counts[::-1])[::-1] / self.draws.size
        return np.cumsum(self.pmf[::-1])[::-1]

    def percentile(self, p: float) -> Percentile:
        """Return the largest N completed in at least ``p`` percent of outcomes.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [0, 1],
        ...                                  calendar="all")
        >>> f = forecast.how_many(h, days=2, start="2024-06-05", window=2, method="daily")
        >>> [f.percentile(p).value for p in (85, 70, 50, 25)]
        [0, 1, 1, 2]
        """
        q = float(p) / 100.0
        reach = self.survival >= q - TOLERANCE
        value = int(np.flatnonzero(reach)[-1]) if reach.any() else 0
        if self.draws is None:
            return Percentile(float(p), value, None, 0.0, value, value)
        n = self.draws.size
        rank_from_top = math.ceil((q - TOLERANCE) * n)
        low, high, se = self._interval(n + 1 - rank_from_top, q)
        return Percentile(float(p), value, None, se, low, high)

    def likelihood(self, items: int) -> float:
        """Return the probability of completing ``items`` items or more.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03"], [2], calendar="all")
        >>> forecast.how_many(h, days=3, start="2024-06-04", window=1).likelihood(6)
        1.0
        """
        n = int(items)
        if n <= 0:
            return 1.0
        if n >= self.survival.size:
            return 0.0
        return float(self.survival[n])

    def likelihood_se(self, items: int) -> float:
        """Return the Monte Carlo standard error of :meth:`likelihood` (0 for exact)."""
        if self.draws is None:
            return 0.0
        return _binomial_se(self.likelihood(items), self.draws.size)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per percentile with stable columns.

        Columns: ``question, start, end, days, p, items, se_items,
        low_items, high_items``.
        """
        import pandas as pd

        head = {"question": "how-many", "start": self.start.isoformat(),
                "end": self.end.isoformat(), "days": self.days}
        rows = [{**head, **row} for row in self._percentile_rows()]
        return pd.DataFrame(rows, columns=HOW_MANY_COLUMNS)

    def _percentile_rows(self) -> list[dict[str, Any]]:
        return [
            {"p": pc.p, "items": pc.value,
             "se_items": None if math.isnan(pc.se) else round(pc.se, 4),
             "low_items": pc.low, "high_items": pc.high}
            for pc in self.percentiles()
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready values.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
        >>> forecast.how_many(h, days=4, start="2024-06-04", window=1).to_dict()["end"]
        '2024-06-07'
        """
        out: dict[str, Any] = {"question": "how-many"}
        out.update(self._common_dict())
        out["days"] = self.days
        out["end"] = self.end.isoformat()
        out["by"] = self.by.isoformat() if self.by else None
        out["direction"] = "at least: P85 = 85% chance of completing this many items or more"
        out["percentiles"] = self._percentile_rows()
        return out

    def __str__(self) -> str:
        span = f"{self.day1.isoformat()} .. {self.end.isoformat()}"
        lines = self._head(f"How many items in {self.days} working days ({span})?")
        mc = self.draws is not None
        header = "  chance  items or more"
        if mc:
            header += "   ± se  99% interval"
        lines.append(header)
        for pc in self.percentiles():
            row = f"  {_pct_label(pc.p):>6}  {pc.value:>13}"
            if mc:
                row += f"  {_se_text(pc.se)}  {_bound(pc.low)}–{_bound(pc.high)}"
            lines.append(row)
        lines.append("")
        lines.append(
            "  Read: \"85%\" = an 85% chance of completing that many items or more by "
            f"{self.end.isoformat()}."
        )
        return "\n".join(lines + self._warning_lines())


HOW_MANY_COLUMNS = (
    "question", "start", "end", "days", "p", "items", "se_items", "low_items", "high_items",
)
"""Columns of :meth:`HowManyForecast.to_frame` and of ``forecast how-many --format csv``."""


PLAN_COLUMNS = ("outcome", "teams", "items", "p50", "p70", "p85", "p95", "target",
                "probability", "status", "not_within_horizon")
"""Columns of :meth:`PlanResult.outcomes` with the default percentiles, and of
``forecast plan --format csv`` (a ``pNN`` column per requested percentile)."""

DISTRIBUTION_COLUMNS = ("outcome", "date", "probability")
"""Columns of :meth:`PlanResult.distribution` and :meth:`WhenForecast.distribution`,
and of ``--distribution FILE.csv``: the chance of being done by each working date."""

DISTRIBUTION_DECIMALS = 6
"""Decimals of the distribution's probabilities (a spreadsheet needs no 9e-13)."""

ON_TRACK, WATCH = 0.85, 0.50
"""Status thresholds: on track at 85% or more, watch from 50%, else at risk."""


def _status(probability: float | None) -> str:
    if probability is None:
        return "no target"
    if probability >= ON_TRACK:
        return "on track"
    if probability >= WATCH:
        return "watch"
    return "at risk"


@dataclass(frozen=True, eq=False)
class PlanResult:
    """A portfolio plan: completion days of every outcome in every trial.

    Attributes
    ----------
    portfolio : Portfolio
        What was simulated.
    start : datetime.date
        Day index 0 of the timeline.
    horizon : int
        Calendar days simulated; an outcome not done by then has day index
        ``horizon`` ("not within horizon").
    day_index : numpy.ndarray of int32, shape (trials, outcomes)
        Calendar-day offset from ``start`` of the day each outcome completed.
    items : numpy.ndarray of int32, shape (trials, outcomes)
        Items each outcome had in each trial (after scope growth and risks).
    reference : numpy.ndarray of datetime64[D]
        Working days of the first team's calendar, which numbers the
        ``days`` columns.

    Examples
    --------
    >>> import forecast
    >>> from forecast.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(3, 3)),)),))
    >>> r = forecast.plan(p, start="2024-06-04", trials=10)
    >>> r.outcomes()["p85"].tolist()
    ['2024-06-06']
    """

    portfolio: Any
    start: dt.date
    horizon: int
    day_index: np.ndarray
    items: np.ndarray
    levels: tuple[float, ...]
    trials: int
    seed: int
    samples: tuple[Sample, ...]
    reference: np.ndarray
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        """Outcome names, in the portfolio's order."""
        return [o.name for o in self.portfolio.outcomes]

    def _column(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise ParameterError(
                f"no outcome named {name!r}; outcomes: {', '.join(self.names)}"
            ) from None

    def _date(self, index: int) -> dt.date:
        return self.start + dt.timedelta(days=int(index))

    def _day_index(self, date: Any) -> int:
        return (_as_date(date, "date") - self.start).days

    @cached_property
    def _sorted(self) -> np.ndarray:
        return np.sort(self.day_index, axis=0)

    def percentiles(self, name: str) -> tuple[Percentile, ...]:
        """Return the requested percentiles of one outcome's completion date.

        ``value`` is the working-day number (first team's calendar) and
        ``date`` the date; both None when not within the horizon.
        """
        column = self._sorted[:, self._column(name)]
        out = []
        for p in self.levels:
            q = p / 100.0
            rank = max(math.ceil((q - TOLERANCE) * self.trials), 1)
            index = int(column[rank - 1])
            if index >= self.horizon:
                out.append(Percentile(p, None, None, math.nan, None, None))
                continue
            date = self._date(index)
            low, high, se = order_interval(column, rank, q)
            # the interval in working days of the first team's calendar, like ``value``
            low_day = None if low is None or low >= self.horizon else self.working_day(
                self._date(low))
            high_day = None if high is None or high >= self.horizon else self.working_day(
                self._date(high))
            if low_day is None or high_day is None:
                se = math.nan
            else:
                se = (high_day - low_day) / (2.0 * Z_99)
            out.append(Percentile(p, self.working_day(date), date, se, low_day, high_day))
        return tuple(out)

    def working_day(self, date: Any) -> int:
        """Return the working-day number of ``date`` on the first team's calendar."""
        stamp = np.datetime64(_as_date(date, "date"), "D")
        return int(np.searchsorted(self.reference, stamp, side="right"))

    def probability(self, name: str, by: Any = None) -> float | None:
        """Return the share of trials in which ``name`` is done on or before ``by``.

        ``by`` defaults to the outcome's target; None when it has none.
        """
        column = self._column(name)
        when = by if by is not None else self.portfolio.outcomes[column].target
        if when is None:
            return None
        return float(np.count_nonzero(self._met(column, when)) / self.trials)

    def _met(self, column: int, when: Any) -> np.ndarray:
        """Per trial: whether outcome ``column`` is done on or before ``when``."""
        done = self.day_index[:, column]
        return (done < self.horizon) & (done <= self._day_index(when))

    def joint_probability(self, names: Iterable[str] | None = None, by: Any = None) -> float:
        """Return the share of trials in which all ``names`` meet their dates.

        Parameters
        ----------
        names : iterable of str, optional
            Outcomes to combine (default: every outcome with a target, or
            every outcome when ``by`` is given).
        by : date, optional
            One date for all of them instead of their own targets.

        Returns
        -------
        float
            Read straight from the shared trials: no independence assumed.

        Examples
        --------
        >>> import forecast
        >>> from forecast.model import Outcome, Part, Portfolio, Size, Team
        >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
        >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(3, 3)),)),))
        >>> forecast.plan(p, start="2024-06-04", trials=10).joint_probability(by="2024-06-06")
        1.0
        """
        outcomes = self.portfolio.outcomes
        if names is not None:
            chosen = list(names)
        elif by is not None:
            chosen = [o.name for o in outcomes]
        else:
            chosen = [o.name for o in outcomes if o.target is not None]
        if not chosen:
            raise ParameterError("no outcome has a target; give names and by=DATE")
        met = np.ones(self.trials, dtype=bool)
        for name in chosen:
            column = self._column(name)
            when = by if by is not None else outcomes[column].target
            if when is None:
                raise ParameterError(f"outcome {name!r} has no target; give by=DATE")
            met &= self._met(column, when)
        return float(np.count_nonzero(met) / self.trials)

    @property
    def all_done(self) -> np.ndarray:
        """Day index by which every outcome is done, per trial."""
        return self.day_index.max(axis=1)

    def all_done_percentile(self, p: float = 85) -> dt.date | None:
        """Return the date by which the whole portfolio is done with chance ``p``."""
        column = np.sort(self.all_done)
        index = int(column[max(math.ceil((p / 100 - TOLERANCE) * self.trials), 1) - 1])
        return None if index >= self.horizon else self._date(index)

    @property
    def days(self) -> pd.DataFrame:
        """One row per trial, one column per outcome: the working day it finished on.

        Working days are numbered on the first team's calendar from the start
        (day 1); missing (``<NA>``) when not within the horizon.
        """
        import pandas as pd

        dates = np.datetime64(self.start, "D") + self.day_index.astype("timedelta64[D]")
        numbers = np.searchsorted(self.reference, dates, side="right")
        frame = pd.DataFrame(numbers, columns=self.names).astype("Int64")
        frame[pd.DataFrame(self.day_index >= self.horizon, columns=self.names)] = pd.NA
        return frame

    def outcomes(self) -> pd.DataFrame:
        """Return one row per outcome, in priority order, with stable columns.

        Columns: ``outcome, teams, items`` (median simulated), one ``pNN``
        column per percentile (ISO dates), ``target, probability, status,
        not_within_horizon``.
        """
        import pandas as pd

        rows = []
        for o in self._priority_order():
            outcome = self.portfolio.outcomes[o]
            prob = self.probability(outcome.name)
            row: dict[str, Any] = {
                "outcome": outcome.name,
                "teams": ";".join(outcome.teams),
                "items": int(round(float(np.median(self.items[:, o])))),
            }
            for pc in self.percentiles(outcome.name):
                row[f"p{pc.p:g}"] = pc.date.isoformat() if pc.date else None
            row.update({
                "target": outcome.target.isoformat() if outcome.target else None,
                "probability": prob,
                "status": _status(prob),
                "not_within_horizon": float(
                    np.count_nonzero(self.day_index[:, o] >= self.horizon) / self.trials
                ),
            })
            rows.append(row)
        columns = ["outcome", "teams", "items", *[f"p{p:g}" for p in self.levels],
                   "target", "probability", "status", "not_within_horizon"]
        return pd.DataFrame(rows, columns=columns)

    to_frame = outcomes

    def distribution(self) -> pd.DataFrame:
        """Return, per outcome and working date, the probability of being done by that date.

        Long format, columns :data:`DISTRIBUTION_COLUMNS` (``outcome, date,
        probability``), outcomes in priority order. ``probability`` is the
        share of trials in which the outcome is done on or before ``date`` (an
        ISO date), as :meth:`probability` with ``by=date``. An outcome's dates
        are the working days of the teams it needs (any of them: it can be
        done on a day any of them works), from the first date with a
        probability above 0 to the first where it reaches 1, or to the last
        day of the horizon when some trials do not finish; an outcome never
        done within the horizon has no rows.

        Returns
        -------
        pandas.DataFrame

        Examples
        --------
        >>> import forecast
        >>> from forecast.model import Outcome, Part, Portfolio, Size, Team
        >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [1, 2])
        >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(2, 2)),)),))
        >>> r = forecast.plan(p, start="2024-06-05", trials=1000, rng=1)
        >>> d = r.distribution()              # 1 or 2 items a day: half are done on day 1
        >>> d["date"].tolist(), d["probability"].round(1).tolist()
        (['2024-06-05', '2024-06-06'], [0.5, 1.0])
        """
        import pandas as pd

        teams = {team.name: team for team in self.portfolio.teams}
        first_day = np.datetime64(self.start, "D")
        last_date = self.start + dt.timedelta(days=self.horizon - 1)
        working: dict[str, np.ndarray] = {}  # each team's working days, as offsets
        outcome_col: list[str] = []
        date_col: list[str] = []
        prob_col: list[float] = []
        for o in self._priority_order():
            outcome = self.portfolio.outcomes[o]
            done = self.day_index[:, o]
            finished = np.sort(done[done < self.horizon])
            if finished.size == 0:
                continue
            offsets = np.unique(finished)  # every day some trial finished on
            for name in dict.fromkeys(outcome.teams):
                if name not in working:
                    dates = teams[name].history.calendar.working_dates(self.start, last_date)
                    working[name] = (dates - first_day).astype(np.int64)
                offsets = np.union1d(offsets, working[name])
            last = int(finished[-1]) if finished.size == self.trials else self.horizon - 1
            offsets = offsets[(offsets >= finished[0]) & (offsets <= last)]
            shares = np.searchsorted(finished, offsets, side="right") / self.trials
            dates = (first_day + offsets.astype("timedelta64[D]")).astype(str)
            outcome_col += [outcome.name] * offsets.size
            date_col += dates.tolist()
            prob_col += shares.tolist()
        return pd.DataFrame({"outcome": outcome_col, "date": date_col,
                             "probability": np.asarray(prob_col, dtype=float)},
                            columns=list(DISTRIBUTION_COLUMNS))

    def _priority_order(self) -> list[int]:
        outcomes = self.portfolio.outcomes
        return sorted(range(len(outcomes)), key=lambda o: (outcomes[o].priority, o))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings about the inputs and the result."""
        notes = list(self.notes)
        loose = [p for p in self.levels if self.trials * (1 - p / 100) < MIN_TAIL_TRIALS]
        if loose:
            levels = ", ".join(f"P{p:.10g}" for p in loose)
            notes.append(f"{self.trials:,} trials cannot pin down {levels}: too few trials lie "
                         "beyond it; use more trials (--trials)")
        late = [self.names[o] for o in range(len(self.names))
                if np.count_nonzero(self.day_index[:, o] >= self.horizon) > 0.001 * self.trials]
        if late:
            notes.append(f"not always done within the horizon of {self.horizon} days: "
                         f"{', '.join(late)}")
        return tuple(notes)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready values."""
        from . import __version__

        outcomes = []
        for o in self._priority_order():
            outcome = self.portfolio.outcomes[o]
            prob = self.probability(outcome.name)
            outcomes.append({
                "name": outcome.name,
                "teams": list(outcome.teams),
                "items": int(round(float(np.median(self.items[:, o])))),
                "priority": outcome.priority,
                "depends_on": list(outcome.depends_on),
                "percentiles": [
                    {"p": pc.p, "date": pc.date.isoformat() if pc.date else None,
                     "days": pc.value, "se_days": None if math.isnan(pc.se) else
                     round(pc.se, 4), "low_days": pc.low, "high_days": pc.high}
                    for pc in self.percentiles(outcome.name)
                ],
                "target": outcome.target.isoformat() if outcome.target else None,
                "probability": prob,
                "probability_se": None if prob is None else _binomial_se(prob, self.trials),
                "status": _status(prob),
                "not_within_horizon": float(
                    np.count_nonzero(self.day_index[:, o] >= self.horizon) / self.trials
                ),
            })
        targets = [o.target for o in self.portfolio.outcomes if o.target is not None]
        joint_p = self.joint_probability() if targets else None
        joint: dict[str, Any] = {
            "probability": joint_p,
            "se": None if joint_p is None else _binomial_se(joint_p, self.trials),
            "outcomes_with_target": len(targets),
            "all_done_p85": (lambda d: d.isoformat() if d else None)(self.all_done_percentile()),
            "all_done_by_latest_target": (
                float(np.count_nonzero((self.all_done < self.horizon)
                                       & (self.all_done <= self._day_index(max(targets))))
                      / self.trials) if targets else None
            ),
            "latest_target": max(targets).isoformat() if targets else None,
        }
        return {
            "question": "plan",
            "source": self.portfolio.source,
            "start": self.start.isoformat(),
            "outcomes": outcomes,
            "joint": joint,
            "teams": [
                {"name": team.name, "wip": team.wip, "sample": sample.summary()}
                for team, sample in zip(self.portfolio.teams, self.samples, strict=True)
            ],
            "trials": self.trials,
            "seed": self.seed,
            "horizon_days": self.horizon,
            "warnings": [w for w in self.warnings if _label(w) == "warning"],
            "notes": [w for w in self.warnings if _label(w) == "note"],
            "version": __version__,
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def __str__(self) -> str:
        doc = self.to_dict()
        lines = [
            f"Plan: {self.portfolio.source}: {_plural(len(self.names), 'outcome')}, "
            f"{_plural(len(self.portfolio.teams), 'team')}, start {self.start.isoformat()}",
            f"  engine: Monte Carlo on one shared timeline, {self.trials:,} trials, "
            f"seed {self.seed}",
            "",
        ]
        header = ["outcome", "teams", "items", *[f"P{p:g}" for p in self.levels], "target",
                  "chance", "status"]
        table = []
        for item in doc["outcomes"]:
            prob = item["probability"]
            table.append([
                str(item["name"]), "+".join(item["teams"]), str(item["items"]),
                *[pc["date"] or "not within horizon" for pc in item["percentiles"]],
                item["target"] or "—", "—" if prob is None else f"{prob:.0%}", item["status"],
            ])
        widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(header)]
        right = {2, len(header) - 2}

        def fmt(cells: list[str]) -> str:
            padded = [c.rjust(w) if i in right else c.ljust(w)
                      for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
            return ("  " + "  ".join(padded)).rstrip()

        lines.append(fmt(header))
        lines.extend(fmt(r) for r in table)
        joint = doc["joint"]
        if joint["all_done_p85"]:
            everything = f"85% chance everything is done by {joint['all_done_p85']}"
        else:
            everything = "less than 85% chance everything is done within the horizon"
        lines.append("")
        if joint["probability"] is not None:
            n_target = joint["outcomes_with_target"]
            which = ("the outcome with a target meets it" if n_target == 1 else
                     f"all {n_target} outcomes with a target meet it")
            lines.append(
                f"  Joint: {joint['probability']:.1%} (± {joint['se']:.1%}) chance that "
                f"{which} (read from the same trials, no independence assumed)."
            )
            lines.append(
                f"  Everything done by the latest target {joint['latest_target']}: "
                f"{joint['all_done_by_latest_target']:.1%}; {everything}."
            )
        else:
            lines.append(f"  {everything[0].upper()}{everything[1:]}.")
        lines.append("")
        lines.append("  Teams:")
        for team, sample in zip(self.portfolio.teams, self.samples, strict=True):
            lines.append(
                f"    {team.name}: {sample.source}, {sample.first.isoformat()} .. "
                f"{sample.last.isoformat()}, {sample.items} items in {sample.working_days} "
                f"working days ({sample.mean:.2f}/day), WIP {team.wip}"
                + (f", {_plural(len(team.capacity), 'capacity range')}" if team.capacity else "")
            )
        if self.warnings:
            lines.append("")
            lines.extend(f"  {_label(w)}: {w}" for w in self.warnings)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(str(self).splitlines()[0])
        return f"<p><b>{head}</b></p>" + self.outcomes().to_html(index=False, escape=True)


def pd_isna(value: Any) -> bool:
    """Whether ``value`` is a missing number (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))
