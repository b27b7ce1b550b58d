"""Single-team forecast results: When and How many, with percentiles, likelihoods and tables.

Both engines give a probability mass function (pmf), to which the rules of
:mod:`forecast.results.stats` are applied (P85 of When: the earliest working
day by which at least 85% of trials are done; of How many: the largest N that
at least 85% of trials reach); a Monte Carlo result also keeps its trials,
from which each percentile's 99% interval and standard error come.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from forecast import __version__
from forecast.core.calendar import Calendar, as_date
from forecast.core.history import Sample
from forecast.notes import messages, note_label
from forecast.results.stats import (
    DISTRIBUTION_COLUMNS,
    DISTRIBUTION_DECIMALS,
    TOLERANCE,
    Percentile,
    binomial_se,
    bound_text,
    first_reaching,
    order_interval,
    pct_label,
    se_text,
)
from forecast.sampling.methods import get_method

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WhenForecast", "HowManyForecast", "WHEN_COLUMNS", "HOW_MANY_COLUMNS"]


def _level_of(ordered: np.ndarray, value: int, n: int, below: bool) -> float:
    """Return the level at which sorted trial results put ``value``: the middle of its step.

    A recalibrated answer's percentile is a raw quantile at another level;
    its Monte Carlo precision is that quantile's, read at that level.
    ``below``: levels count results at or below (When), else at or above.
    """
    under = int(np.searchsorted(ordered, value, side="left"))
    upto = int(np.searchsorted(ordered, value, side="right"))
    mid = (under + upto) / 2.0 / n
    q = mid if below else 1.0 - mid
    return min(max(q, 0.5 / n), 1.0 - 0.5 / n)


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
    raw_draws: np.ndarray | None = None
    """A recalibrated Monte Carlo answer's trials before recalibration: the
    precision of its percentiles (``draws`` is None, as its distribution is
    the recalibrated pmf)."""
    notes: tuple[str, ...] = field(default=())
    backtest: Any = field(default=None, repr=False)  # a BacktestResult: evaluation is above

    @property
    def day1(self) -> dt.date:
        """The date of working day 1: the first working day on or after the start."""
        return self.calendar.date_of_day(self.start, 1)

    @property
    def _trials(self) -> np.ndarray | None:
        """The Monte Carlo results the precision comes from (None: exact)."""
        return self.draws if self.draws is not None else self.raw_draws

    @cached_property
    def _sorted(self) -> np.ndarray:
        assert self._trials is not None
        return np.sort(self._trials)

    def _interval(self, rank: int, q: float) -> tuple[int | None, int | None, float]:
        return order_interval(self._sorted, rank, q)

    def _precision_notes(self) -> list[str]:
        if self._trials is None:
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

    def engine_text(self) -> str:
        """How the answer was computed, in words: engine, method, trials and seed."""
        if self.engine == "exact":
            how = "Polya urn" if get_method(self.method).bayes else "convolution"
            return f"exact ({self.method} bootstrap, {how})"
        trials = f"{self.trials:,} trial{'s' if self.trials != 1 else ''}"
        return f"Monte Carlo ({self.method} bootstrap, {trials}, seed {self.seed})"

    def _head(self, title: str) -> list[str]:
        return [
            title,
            f"  start {self.start.isoformat()} (day 1 = {self.day1:%a} {self.day1.isoformat()})",
            f"  engine: {self.engine_text()}",
            f"  sample: {self._sample_text()}",
            "",
        ]

    def _warning_lines(self) -> list[str]:
        if not self.warnings:
            return []
        return [""] + [f"  {note_label(w)}: {w}" for w in self.warnings]

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

        return {
            "start": self.start.isoformat(),
            "day1": self.day1.isoformat(),
            "engine": self.engine,
            "method": self.method,
            "trials": self.trials,
            "seed": self.seed,
            "sample": self.sample.summary(),
            "warnings": [w for w in self.warnings if note_label(w) == "warning"],
            "notes": [w for w in self.warnings if note_label(w) == "note"],
            "messages": messages(self.warnings),
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
    backtest : BacktestResult or None
        The backtest ``method="auto"`` ran to choose the method and window
        (None for a fixed method, or when ``auto`` fell back to its default).

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
        day = first_reaching(self.cdf, q)
        if day is None:
            return Percentile(float(p), None, None, math.nan, None, None)
        if self._trials is None:
            return Percentile(float(p), day, self.date_of(day), 0.0, day, day)
        n = self._sorted.size
        if self.draws is None:  # recalibrated: the raw trials' level that gives this day
            q = _level_of(self._sorted, day, n, below=True)
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
        day = self.calendar.day_number(self.start, as_date(date, "date"))
        if day <= 0:
            return 0.0
        return float(self.cdf[min(day, self.horizon)])

    def likelihood_se(self, date: Any) -> float:
        """Return the Monte Carlo standard error of :meth:`likelihood` (0 for exact).

        The Agresti-Coull form, which stays honest (above 0) when every trial,
        or none, met the date.
        """
        if self._trials is None:
            return 0.0
        return binomial_se(self.likelihood(date), self._trials.size)

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
        reach = first_reaching(cdf, 1.0)
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
        mc = self.engine == "mc"  # the same columns for every Monte Carlo answer
        header = "  chance  done on or before   working days"
        if mc:
            header += "   ± se  99% interval"
        lines.append(header)
        for pc in self.percentiles():
            if pc.value is None or pc.date is None:
                lines.append(f"  {pct_label(pc.p):>6}  not within horizon ({self.horizon} days)")
                continue
            shown = f"{pc.date:%a} {pc.date.isoformat()}"
            row = f"  {pct_label(pc.p):>6}  {shown:<17}   {pc.value:>12}"
            if mc:
                row += f"  {se_text(pc.se)}  {bound_text(pc.low)}–{bound_text(pc.high)}"
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

    ``pmf[n]`` is the probability of completing exactly ``n`` items;
    ``backtest`` is the backtest ``method="auto"`` ran, as for
    :class:`WhenForecast`.

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
        if self._trials is None:
            return Percentile(float(p), value, None, 0.0, value, value)
        n = self._sorted.size
        if self.draws is None:  # recalibrated: the raw trials' level that gives this count
            q = _level_of(self._sorted, value, n, below=False)
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
        if self._trials is None:
            return 0.0
        return binomial_se(self.likelihood(items), self._trials.size)

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
        mc = self.engine == "mc"  # the same columns for every Monte Carlo answer
        header = "  chance  items or more"
        if mc:
            header += "   ± se  99% interval"
        lines.append(header)
        for pc in self.percentiles():
            row = f"  {pct_label(pc.p):>6}  {pc.value:>13}"
            if mc:
                row += f"  {se_text(pc.se)}  {bound_text(pc.low)}–{bound_text(pc.high)}"
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

