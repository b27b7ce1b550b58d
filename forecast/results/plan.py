"""A portfolio plan's result: completion days of every outcome in every trial."""

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

from forecast import __version__
from forecast.core.calendar import as_date
from forecast.core.checks import plural
from forecast.core.history import Sample
from forecast.exceptions import ParameterError
from forecast.notes import messages, note_label, warning
from forecast.results.stats import (
    DISTRIBUTION_COLUMNS,
    MIN_TAIL_TRIALS,
    TOLERANCE,
    Z_99,
    Percentile,
    binomial_se,
    order_interval,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PlanResult", "PLAN_COLUMNS"]


PLAN_COLUMNS = ("outcome", "teams", "items", "p50", "p70", "p85", "p95", "target",
                "probability", "status", "not_within_horizon")
"""Columns of :meth:`PlanResult.outcomes` with the default percentiles, and of
``forecast plan --format csv`` (a ``pNN`` column per requested percentile)."""


ON_TRACK, WATCH = 0.85, 0.50
"""Status thresholds: on track at 85% or more, watch from 50%, else at risk."""


def status_of(probability: float | None) -> str:
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
    backtests : tuple of BacktestResult or None
        Per team, in the portfolio's order: the backtest ``method="auto"``
        ran to choose its method and window (None for a fixed method, or
        when ``auto`` fell back to its default).
    auto : tuple of AutoChoice or None
        Per team: what ``method="auto"`` chose and why (its method, window
        and note), or None for a fixed method.

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
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
    backtests: tuple[Any, ...] = field(default=(), repr=False)  # BacktestResult or None
    auto: tuple[Any, ...] = field(default=(), repr=False)  # AutoChoice or None

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
        return (as_date(date, "date") - self.start).days

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
        stamp = np.datetime64(as_date(date, "date"), "D")
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
        >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
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
        for o in self.priority_order():
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
                "status": status_of(prob),
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
        >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
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
        for o in self.priority_order():
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

    def priority_order(self) -> list[int]:
        """Return the outcomes' indices in priority order (file order among equal ones)."""
        outcomes = self.portfolio.outcomes
        return sorted(range(len(outcomes)), key=lambda o: (outcomes[o].priority, o))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings about the inputs and the result."""
        notes = list(self.notes)
        loose = [p for p in self.levels if self.trials * (1 - p / 100) < MIN_TAIL_TRIALS]
        if loose:
            levels = ", ".join(f"P{p:.10g}" for p in loose)
            notes.append(warning(
                f"{self.trials:,} trials cannot pin down {levels}: too few trials lie "
                "beyond it; use more trials (--trials)", "too-few-trials"))
        late = [self.names[o] for o in range(len(self.names))
                if np.count_nonzero(self.day_index[:, o] >= self.horizon) > 0.001 * self.trials]
        if late:
            notes.append(warning(f"not always done within the horizon of {self.horizon} "
                                 f"days: {', '.join(late)}", "beyond-horizon"))
        return tuple(notes)

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready values."""
        outcomes = []
        for o in self.priority_order():
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
                "probability_se": None if prob is None else binomial_se(prob, self.trials),
                "status": status_of(prob),
                "not_within_horizon": float(
                    np.count_nonzero(self.day_index[:, o] >= self.horizon) / self.trials
                ),
            })
        targets = [o.target for o in self.portfolio.outcomes if o.target is not None]
        joint_p = self.joint_probability() if targets else None
        joint: dict[str, Any] = {
            "probability": joint_p,
            "se": None if joint_p is None else binomial_se(joint_p, self.trials),
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
            "warnings": [w for w in self.warnings if note_label(w) == "warning"],
            "notes": [w for w in self.warnings if note_label(w) == "note"],
            "messages": messages(self.warnings),
            "version": __version__,
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def __str__(self) -> str:
        doc = self.to_dict()
        lines = [
            f"Plan: {self.portfolio.source}: {plural(len(self.names), 'outcome')}, "
            f"{plural(len(self.portfolio.teams), 'team')}, start {self.start.isoformat()}",
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
                + (f", {plural(len(team.capacity), 'capacity range')}" if team.capacity else "")
            )
        if self.warnings:
            lines.append("")
            lines.extend(f"  {note_label(w)}: {w}" for w in self.warnings)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = html.escape(str(self).splitlines()[0])
        return f"<p><b>{head}</b></p>" + self.outcomes().to_html(index=False, escape=True)

