"""The tallies of a backtest: each configuration's forecasts scored against what happened.

A :class:`Tally` collects one configuration's scores at one horizon (or for
the When batch) as the backtest walks its origins, and turns them into a
:class:`Score`; forecasts that need no walk-forward recalibration wait and
are scored all at once (:func:`score_pending`), in one compiled call.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from forecast.evaluation.recalibration import MIN_RECALIBRATION_ORIGINS, knot_recalibration
from forecast.evaluation.scoring import Scores, score, score_many

__all__ = ["Score", "Tally", "score_pending"]


@dataclass(frozen=True)
class Score:
    """Scores of one configuration at one horizon (How many) or for the batch (When).

    Attributes
    ----------
    method, window : str, int
        The configuration.
    question : {"how-many", "when"}
    horizon : int
        Working days (How many) or the batch size in items (When).
    origins : int
        How many forecasts were compared with what happened.
    at_least, at_most : dict
        For each level p, the share of origins where "p% chance of N or
        more" (When: "done by that date") and "p% chance of at most N" held.
    crps, pinball : float
        Mean CRPS (items or days) and mean pinball loss over the levels.
    pit : tuple of float
        Shares of the PIT values in ten equal bins.
    recalibrated : Score or None
        The same forecasts as ``auto`` reports them: each recalibrated by
        :func:`knot_recalibration` from the PIT values of the earlier
        forecasts whose outcome was known at its origin (walk-forward), scored
        over the origins where at least :data:`MIN_RECALIBRATION_ORIGINS`
        were known.
    """

    method: str
    window: int
    question: str
    horizon: int
    origins: int
    at_least: dict[float, float]
    at_most: dict[float, float]
    crps: float
    pinball: float
    pit: tuple[float, ...]
    recalibrated: Score | None = None
    pit_values: tuple[float, ...] = ()
    crps_values: tuple[float, ...] = ()
    origin_ids: tuple[int, ...] = ()

    @property
    def calibration_error(self) -> float:
        """Mean absolute gap between stated and observed coverage, both directions."""
        gaps = [abs(v - p / 100) for p, v in self.at_least.items()]
        gaps += [abs(v - p / 100) for p, v in self.at_most.items()]
        return float(np.mean(gaps))



_PIT_EDGES = np.linspace(0.0, 1.0, 11)


def _pit_histogram(pits: list[float]) -> np.ndarray:
    """Count ``pits`` in ten equal bins of [0, 1], as ``np.histogram(pits, 10, (0, 1))`` does.

    The same bins (each closed on the left, the last on both sides), found by
    binary search on the same edges: a tenth of the time for a few dozen values.
    """
    found = np.searchsorted(_PIT_EDGES, np.asarray(pits, dtype=float), side="right") - 1
    return np.bincount(np.clip(found, 0, 9), minlength=10)[:10]


@dataclass
class Tally:
    """One configuration's forecasts at one horizon, scored as the backtest walks its origins.

    Attributes
    ----------
    held_least, held_most : list of list of bool
        Per forecast and level, whether "p% chance of N or more" (When: done
        by the date) and "p% chance of at most N" held.
    crps, pinball, pit : list of float
        Per forecast.
    known_days, known_pits : list
        The outcomes known so far (day resolved, PIT), for walk-forward
        recalibration.
    origin_ids : list of int
        The origin of each forecast.
    recal : Tally or None
        The same forecasts as recalibrated walk-forward.
    online : bool
        Whether to score the recalibrated copy too; without it forecasts wait
        in ``pending`` and are scored all at once.

    Examples
    --------
    >>> t = Tally(online=False)
    >>> t.add(np.array([0.5, 0.5]), 1, (85.0,))
    >>> t.crps, t.held_least
    ([0.25], [[True]])
    """

    held_least: list[list[bool]] = field(default_factory=list)
    held_most: list[list[bool]] = field(default_factory=list)
    crps: list[float] = field(default_factory=list)
    pinball: list[float] = field(default_factory=list)
    pit: list[float] = field(default_factory=list)

    known_days: list[int] = field(default_factory=list)
    known_pits: list[float] = field(default_factory=list)
    origin_ids: list[int] = field(default_factory=list)
    recal: Tally | None = None
    online: bool = True  # also score the forecasts as recalibrated walk-forward
    pending: list[tuple[np.ndarray | None, int, bool, Any]] = field(default_factory=list)
    known: dict[int, Scores] = field(default_factory=dict)  # pending entries already scored
    made: tuple[tuple[Any, ...], Score] | None = None  # the last score, while nothing is added

    def add(self, pmf: np.ndarray, y: int, levels: tuple[float, ...], when: bool = False
            ) -> None:
        """Score one forecast against its outcome ``y`` and keep the scores."""
        self.add_scored(score(pmf, y, levels), y, when)

    def add_known(self, found: Scores, y: int, when: bool = False) -> None:
        """Keep a forecast scored before (a memo's), after any that wait to be scored."""
        if not self.pending:
            self.add_scored(found, y, when)
            return
        self.known[len(self.pending)] = found
        self.pending.append((None, y, when, None))

    def add_scored(self, found: Scores, y: int, when: bool = False) -> None:
        """Keep one forecast's scores (``found``) against its outcome ``y``."""
        least, most = found.at_least, found.at_most
        if when:  # "done by the date": the earlier day statements read the other way
            self.held_least.append([y <= d for d in most])
            self.held_most.append([y >= d for d in least])
        else:
            self.held_least.append([y >= n for n in least])
            self.held_most.append([y <= n for n in most])
        self.crps.append(found.crps)
        self.pinball.append(found.pinball)
        self.pit.append(found.pit)

    def extend(self, crps: np.ndarray, pinball: np.ndarray, pit: np.ndarray,
               at_least: np.ndarray, at_most: np.ndarray, ys: np.ndarray,
               origin_ids: list[int]) -> None:
        """Keep many How-many forecasts' scores at once, as :meth:`add_scored` keeps one."""
        ys = np.asarray(ys, dtype=np.int64)[:, None]
        self.held_least.extend((ys >= at_least).tolist())
        self.held_most.extend((ys <= at_most).tolist())
        self.crps.extend(np.asarray(crps, dtype=float).tolist())
        self.pinball.extend(np.asarray(pinball, dtype=float).tolist())
        self.pit.extend(np.asarray(pit, dtype=float).tolist())
        self.origin_ids.extend(origin_ids)

    def add_online(self, pmf: np.ndarray, y: int, levels: tuple[float, ...], origin: Any,
                   resolved: Any, span_days: float, when: bool = False, key: Any = None
                   ) -> None:
        """Score the forecast, and the forecast as ``auto`` would report it.

        That is, recalibrated by the PITs known at ``origin``
        (:func:`knot_recalibration`) once there are enough of them.
        """
        if not self.online:  # scored later, all at once (see score_pending)
            self.pending.append((pmf, y, when, key))
            return
        cut = bisect.bisect_left(self.known_days, int(origin.astype(np.int64)))
        if cut >= MIN_RECALIBRATION_ORIGINS:
            if self.recal is None:
                self.recal = Tally()
            fixed = knot_recalibration(pmf, self.known_pits[:cut])
            self.recal.add(pmf if fixed is None else fixed, y, levels, when)
        self.add(pmf, y, levels, when)
        day = int(np.datetime64(resolved, "D").astype(np.int64))
        at = bisect.bisect_right(self.known_days, day)
        self.known_days.insert(at, day)
        self.known_pits.insert(at, self.pit[-1])

    def score(self, method: str, window: int, question: str, horizon: int,
              levels: tuple[float, ...]) -> Score:
        """Return the :class:`Score` of everything tallied so far."""
        score_pending([self], levels)
        key = (method, window, question, horizon, levels, len(self.crps))
        if self.made is not None and self.made[0] == key:  # nothing added since
            return self.made[1]
        recal = None
        if self.recal is not None:
            recal = self.recal.score(method, window, question, horizon, levels)
        least = np.asarray(self.held_least, dtype=float).reshape(-1, len(levels))
        most = np.asarray(self.held_most, dtype=float).reshape(-1, len(levels))
        hist = _pit_histogram(self.pit)
        n = len(self.crps)
        made = Score(
            method=method, window=window, question=question, horizon=horizon, origins=n,
            at_least={p: float(least[:, i].mean()) for i, p in enumerate(levels)},
            at_most={p: float(most[:, i].mean()) for i, p in enumerate(levels)},
            crps=float(np.mean(self.crps)), pinball=float(np.mean(self.pinball)),
            pit=tuple(float(v) for v in hist / max(n, 1)), recalibrated=recal,
            pit_values=tuple(self.pit), crps_values=tuple(self.crps),
            origin_ids=tuple(self.origin_ids),
        )
        self.made = (key, made)
        return made


def score_pending(tallies: list[Tally], levels: tuple[float, ...],
                  memo: dict[Any, Scores] | None = None) -> None:
    """Score every tally's pending forecasts in one compiled call.

    A pending forecast queued with a ``key`` has its scores kept in ``memo``
    under it.

    Examples
    --------
    >>> t = Tally(online=False)
    >>> t.add_online(np.array([0.5, 0.5]), 1, (85.0,), None, None, 10.0)
    >>> score_pending([t], (85.0,)); t.crps
    [0.25]
    """
    queued = [(t, pmf, y, key) for t in tallies for pmf, y, _, key in t.pending
              if pmf is not None]
    found = iter(score_many([pmf for _, pmf, _, _ in queued], [y for _, _, y, _ in queued],
                            levels))
    for t in tallies:  # in the order each tally was given them
        for i, (pmf, y, when, key) in enumerate(t.pending):
            scored = t.known[i] if pmf is None else next(found)
            t.add_scored(scored, y, when)
            if memo is not None and key is not None:
                memo[key] = scored
        t.pending.clear()
        t.known.clear()
