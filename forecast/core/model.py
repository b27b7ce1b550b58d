"""The portfolio model: teams, outcomes, risks (frozen dataclasses).

A :class:`Portfolio` is plain data: it says what to simulate, not how.
:func:`forecast.plan` turns it into kernel arrays and runs every team and
outcome together on one timeline per trial.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from forecast.core.checks import DEFAULT_PERCENTILES
from forecast.core.history import History

__all__ = ["CapacityRange", "Team", "Size", "Part", "Outcome", "Risk", "Portfolio"]


@dataclass(frozen=True)
class CapacityRange:
    """A team's capacity factor over a date range (inclusive).

    Examples
    --------
    >>> import datetime as dt
    >>> CapacityRange(dt.date(2024, 8, 1), dt.date(2024, 8, 14), 0.5).factor
    0.5
    """

    first: dt.date
    last: dt.date
    factor: float


@dataclass(frozen=True, eq=False)
class Team:
    """A team: its history, how to sample it, its WIP limit and capacity calendar.

    Attributes
    ----------
    name : str
        Unique name.
    history : History
        Completed items (with the team's working-day calendar).
    window, since
        The history window, as for :func:`forecast.when` (default: chosen by
        ``auto``, or 90 days for a fixed method).
    wip : int
        How many outcomes the team works on at once (>= 1).
    capacity : tuple of CapacityRange
        Non-overlapping date ranges with a capacity factor (1 elsewhere).
    method : {"daily", "weekly", "bayes", "weighted", "auto"}
        How the team's past is sampled, as for :func:`forecast.when`
        (default ``auto``).

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> Team("api", h, wip=2).wip
    2
    """

    name: str
    history: History
    window: int | None = None
    since: dt.date | None = None
    wip: int = 1
    capacity: tuple[CapacityRange, ...] = ()
    method: str = "auto"


@dataclass(frozen=True)
class Size:
    """How many items a part has: fixed, a uniform range, or drawn from history.

    ``low == high`` is a fixed count; ``low < high`` a whole number drawn
    uniformly in ``[low, high]`` each trial; ``from_history`` draws it each
    trial from the sizes of the team's completed outcomes (parent items).

    Examples
    --------
    >>> Size(5, 5).fixed, Size(3, 8).fixed
    (True, False)
    """

    low: int = 0
    high: int = 0
    from_history: bool = False

    @property
    def fixed(self) -> bool:
        """Whether the size is the same in every trial."""
        return not self.from_history and self.low == self.high


@dataclass(frozen=True)
class Part:
    """The share of an outcome one team delivers.

    Examples
    --------
    >>> Part("api", Size(10, 10)).team
    'api'
    """

    team: str
    size: Size


@dataclass(frozen=True)
class Outcome:
    """A business outcome: parts per team, scope growth, dependencies, target.

    Attributes
    ----------
    name : str
        Unique name.
    parts : tuple of Part
        One part per team involved; the outcome is done when all are done.
    split : tuple of float or None
        ``(low, high)``: a scope multiplier drawn uniformly per trial.
    depends_on : tuple of str
        Outcomes that must be done before this one can start (finish-to-start:
        it can receive work from the day after the last of them is done).
    target : datetime.date or None
        The date it is committed for.
    priority : int
        Lower is worked first (default: the order in the file).

    Examples
    --------
    >>> o = Outcome("checkout", (Part("web", Size(20, 20)),), target=None, priority=0)
    >>> o.teams
    ('web',)
    """

    name: str
    parts: tuple[Part, ...]
    split: tuple[float, float] | None = None
    depends_on: tuple[str, ...] = ()
    target: dt.date | None = None
    priority: int = 0

    @property
    def teams(self) -> tuple[str, ...]:
        """Names of the teams with a part in this outcome."""
        return tuple(p.team for p in self.parts)


@dataclass(frozen=True)
class Risk:
    """Something that may happen to an outcome, with a probability per trial.

    Give either ``items`` (extra items drawn uniformly in ``[low, high]``,
    added to ``team``'s part, by default the outcome's first part) or
    ``delay_days`` (working days from the start during which the outcome
    cannot progress).

    Examples
    --------
    >>> Risk("vendor late", 0.3, "checkout", delay_days=10).delay_days
    10
    """

    name: str
    probability: float
    outcome: str
    items: tuple[int, int] | None = None
    team: str | None = None
    delay_days: int | None = None


@dataclass(frozen=True, eq=False)
class Portfolio:
    """Teams, outcomes and risks, with run settings.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> p = Portfolio(teams=(Team("api", h),),
    ...               outcomes=(Outcome("a", (Part("api", Size(4, 4)),)),))
    >>> [o.name for o in p.outcomes]
    ['a']
    """

    teams: tuple[Team, ...]
    outcomes: tuple[Outcome, ...]
    risks: tuple[Risk, ...] = ()
    start: dt.date | None = None
    trials: int = 10_000
    seed: int | None = None
    percentiles: tuple[float, ...] = DEFAULT_PERCENTILES
    source: str = "portfolio"
    notes: tuple[str, ...] = field(default=())
