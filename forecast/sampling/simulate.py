"""Monte Carlo runs: turn plain arrays into kernel calls and check their inputs.

The numba kernels are imported here lazily, on the first simulation, so
that importing :mod:`forecast` (and ``forecast --help``) never loads numba.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from forecast.exceptions import ParameterError
from forecast.notes import warning

__all__ = ["DEFAULT_SEED", "normalise_seed", "use_threads", "simulate_when", "simulate_how_many",
           "simulate_when_blocks", "simulate_how_many_blocks", "kernel_arrays", "simulate_plan"]

DEFAULT_SEED = 42
"""Seed used when none is given, so the same inputs always give the same answer."""

_SEED_MASK = (1 << 64) - 1


def normalise_seed(rng: Any) -> int:
    """Turn ``rng`` (None, an int, or a numpy Generator) into a 64-bit seed.

    None gives :data:`DEFAULT_SEED`; a ``numpy.random.Generator`` gives a
    seed drawn from it (so a seeded generator gives reproducible runs).

    Examples
    --------
    >>> normalise_seed(None), normalise_seed(7)
    (42, 7)
    """
    if rng is None:
        return DEFAULT_SEED
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ParameterError(f"seed = {rng}, must be >= 0")
        return int(rng) & _SEED_MASK
    raise ParameterError(
        f"rng = {rng!r} is not a seed; give None, a whole number >= 0, or a numpy Generator"
    )


def use_threads(parallel: bool | None, team_days: float) -> bool:
    """Whether a Monte Carlo run of ``team_days`` simulated days should use threads.

    ``parallel`` True or False decides; None decides by the size of the run.

    Examples
    --------
    >>> use_threads(None, 1e3), use_threads(None, 1e7), use_threads(True, 1.0)
    (False, True, True)
    """
    # Measured (benchmarks/): threads pay off above about a millisecond of work,
    # and below it a busy machine makes them many times slower than one thread.
    return team_days >= 2e6 if parallel is None else bool(parallel)


def simulate_when(
    counts: np.ndarray, items: int, horizon: int, trials: int, seed: int, parallel: bool = True
) -> np.ndarray:
    """Return each trial's completion day (``horizon + 1`` when not done in time).

    Examples
    --------
    >>> simulate_when(np.array([1]), items=3, horizon=10, trials=2, seed=1).tolist()
    [3, 3]
    """
    from forecast.sampling import _kernels

    kernel = _kernels.when_days if parallel else _kernels.when_days_serial
    values = np.ascontiguousarray(counts, dtype=np.int64)
    return kernel(values, int(items), int(horizon), np.uint64(seed), int(trials))


def _dirichlet(blocks: np.ndarray, bayes: bool, alphas: np.ndarray | None) -> np.ndarray:
    """Return the kernels' Dirichlet parameters: ``alphas``, or ones (none when not bayes)."""
    if not bayes:
        return np.empty(0)
    if alphas is None:
        return np.ones(blocks.shape[0])
    alphas = np.ascontiguousarray(alphas, dtype=np.float64)
    if alphas.shape != (blocks.shape[0],) or not (alphas > 0).all():
        raise ValueError("alphas: one positive Dirichlet parameter per block")
    return alphas


def simulate_when_blocks(
    blocks: np.ndarray, items: int, horizon: int, trials: int, seed: int, bayes: bool,
    parallel: bool = True, alphas: np.ndarray | None = None,
) -> np.ndarray:
    """Like :func:`simulate_when`, drawing whole blocks of days (and Dirichlet weights).

    With ``bayes``, each trial weights the blocks by Dirichlet(``alphas``)
    weights (Dirichlet(1, ..., 1), the Bayesian bootstrap, when ``alphas`` is
    None).

    Examples
    --------
    >>> simulate_when_blocks(np.array([[1, 1]]), 3, 10, 2, 1, bayes=True).tolist()
    [3, 3]
    >>> simulate_when_blocks(np.array([[1], [2]]), 4, 10, 3, 1, bayes=True,
    ...                      alphas=np.array([0.5, 2.0])).tolist()
    [4, 2, 2]
    """
    from forecast.sampling import _kernels

    kernel = _kernels.when_days_blocks if parallel else _kernels.when_days_blocks_serial
    values = np.ascontiguousarray(blocks, dtype=np.int64)
    return kernel(values, int(items), int(horizon), np.uint64(seed), int(trials), bool(bayes),
                  _dirichlet(values, bayes, alphas))


def simulate_how_many_blocks(
    blocks: np.ndarray, days: int, trials: int, seed: int, bayes: bool, parallel: bool = True,
    alphas: np.ndarray | None = None,
) -> np.ndarray:
    """Like :func:`simulate_how_many`, drawing whole blocks of days (and weights).

    ``bayes`` and ``alphas`` as for :func:`simulate_when_blocks`.

    Examples
    --------
    >>> simulate_how_many_blocks(np.array([[1, 2]]), 3, 2, 1, bayes=False).tolist()
    [4, 4]
    """
    from forecast.sampling import _kernels

    kernel = _kernels.how_many_blocks if parallel else _kernels.how_many_blocks_serial
    values = np.ascontiguousarray(blocks, dtype=np.int64)
    return kernel(values, int(days), np.uint64(seed), int(trials), bool(bayes),
                  _dirichlet(values, bayes, alphas))


def simulate_how_many(
    counts: np.ndarray, days: int, trials: int, seed: int, parallel: bool = True
) -> np.ndarray:
    """Return the number of items each trial completes in ``days`` working days.

    Examples
    --------
    >>> simulate_how_many(np.array([2]), days=5, trials=2, seed=1).tolist()
    [10, 10]
    """
    from forecast.sampling import _kernels

    kernel = _kernels.how_many_totals if parallel else _kernels.how_many_totals_serial
    values = np.ascontiguousarray(counts, dtype=np.int64)
    return kernel(values, int(days), np.uint64(seed), int(trials))


def kernel_arrays(portfolio: Any, start: Any, horizon: int,
                  team_blocks: Sequence[tuple[np.ndarray, np.ndarray | None]]
                  ) -> dict[str, Any]:
    """Turn a :class:`~forecast.core.model.Portfolio` into the plan kernel's arrays.

    The timeline is calendar days ``0 .. horizon - 1`` from ``start``; each
    team's capacity on a day is 0 on its non-working days, else its capacity
    factor for that date (1 outside its ranges). ``team_blocks`` gives each
    team's sample as the engines draw it: ``(blocks, alphas)``, its rows
    (:attr:`forecast.sampling.methods.Method.blocks`) and their Dirichlet
    parameters (:meth:`forecast.sampling.methods.Method.row_alphas`; None: rows
    drawn uniformly).

    Returns
    -------
    dict
        ``kernel``: the positional arguments of the kernel (less horizon,
        seed and trials), and ``notes``: where outcome sizes were drawn from.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(4, 4)),)),))
    >>> arrays = kernel_arrays(p, dt.date(2024, 6, 4), 10, [(np.array([[2]]), None)])
    >>> arrays["kernel"][6].tolist()   # capacity: Tue..Fri, weekend, Mon..Thu
    [[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]]
    """
    teams = {team.name: i for i, team in enumerate(portfolio.teams)}
    outcomes = {o.name: i for i, o in enumerate(portfolio.outcomes)}
    first = np.datetime64(start, "D")
    dates = first + np.arange(horizon)
    end = start + dt.timedelta(days=horizon)

    values, offsets = [], [0]
    widths: list[int] = []
    bayes_flags: list[bool] = []
    alphas_flat: list[np.ndarray] = []
    capacity = np.zeros((len(teams), horizon))
    pools: dict[str, np.ndarray] = {}
    for t, (team, (blocks, alphas)) in enumerate(zip(portfolio.teams, team_blocks, strict=True)):
        values.append(blocks.ravel())
        offsets.append(offsets[-1] + blocks.size)
        widths.append(blocks.shape[1])
        bayes_flags.append(alphas is not None)
        # the kernel reads a team's parameters where its values start, one per block
        row = np.ones(blocks.size)
        if alphas is not None:
            row[: blocks.shape[0]] = _dirichlet(blocks, True, alphas)
        alphas_flat.append(row)
        cal = team.history.calendar
        row = np.is_busday(dates, busdaycal=cal.busdaycalendar(start, end)).astype(float)
        for span in team.capacity:
            inside = (dates >= np.datetime64(span.first, "D")) & (
                dates <= np.datetime64(span.last, "D")
            )
            row[inside] *= span.factor
        capacity[t] = row

    part_team: list[int] = []
    part_outcome: list[int] = []
    size_low: list[int] = []
    size_high: list[int] = []
    pool_offset: list[int] = []
    pool_count: list[int] = []
    pool_values: list[int] = []
    outcome_parts: list[list[int]] = [[] for _ in portfolio.outcomes]
    for o, outcome in enumerate(portfolio.outcomes):
        for part in outcome.parts:
            p = len(part_team)
            part_team.append(teams[part.team])
            part_outcome.append(o)
            outcome_parts[o].append(p)
            if part.size.from_history:
                if part.team not in pools:
                    history = portfolio.teams[teams[part.team]].history
                    pools[part.team] = history.outcome_sizes(before=start)
                pool = pools[part.team]
                pool_offset.append(len(pool_values))
                pool_count.append(pool.size)
                pool_values.extend(int(v) for v in pool)
                size_low.append(0)
                size_high.append(0)
            else:
                pool_offset.append(0)
                pool_count.append(0)
                size_low.append(part.size.low)
                size_high.append(part.size.high)

    order = sorted(range(len(portfolio.outcomes)),
                   key=lambda o: (portfolio.outcomes[o].priority, o))
    team_parts: list[list[int]] = [[] for _ in portfolio.teams]
    for o in order:
        for p in outcome_parts[o]:
            team_parts[part_team[p]].append(p)

    dependents: list[list[int]] = [[] for _ in portfolio.outcomes]
    n_prereq = []
    for o, outcome in enumerate(portfolio.outcomes):
        n_prereq.append(len(set(outcome.depends_on)))
        for name in set(outcome.depends_on):
            dependents[outcomes[name]].append(o)

    risk_outcome, risk_prob, risk_kind, risk_low, risk_high, risk_part, risk_delay = (
        [], [], [], [], [], [], []
    )
    for risk in portfolio.risks:
        o = outcomes[risk.outcome]
        outcome = portfolio.outcomes[o]
        risk_outcome.append(o)
        risk_prob.append(float(risk.probability))
        if risk.items is not None:
            team = risk.team or outcome.parts[0].team
            part = next(p for p in outcome_parts[o] if part_team[p] == teams[team])
            risk_kind.append(0)
            risk_low.append(risk.items[0])
            risk_high.append(risk.items[1])
            risk_part.append(part)
            risk_delay.append(0)
        else:
            cal = portfolio.teams[teams[outcome.parts[0].team]].history.calendar
            free = cal.date_of_day(start, int(risk.delay_days) + 1)
            risk_kind.append(1)
            risk_low.append(0)
            risk_high.append(0)
            risk_part.append(0)
            risk_delay.append((free - start).days)

    def ints(seq: Any) -> np.ndarray:
        return np.asarray(seq, dtype=np.int64).reshape(-1)

    def flat(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        bounds = np.cumsum([0] + [len(g) for g in groups])
        return ints([v for g in groups for v in g]), ints(bounds)

    team_flat, team_bounds = flat(team_parts)
    outcome_flat, outcome_bounds = flat(outcome_parts)
    dep_flat, dep_bounds = flat(dependents)
    split_low = np.array([o.split[0] if o.split else 1.0 for o in portfolio.outcomes])
    split_high = np.array([o.split[1] if o.split else 1.0 for o in portfolio.outcomes])
    kernel = (
        ints(np.concatenate(values)), ints(offsets), ints(widths),
        np.asarray(bayes_flags, dtype=np.bool_), np.concatenate(alphas_flat),
        ints([team.wip for team in portfolio.teams]), capacity,
        ints(part_team), ints(part_outcome), ints(size_low), ints(size_high),
        ints(pool_offset), ints(pool_count), ints(pool_values),
        team_flat, team_bounds, outcome_flat, outcome_bounds,
        split_low, split_high, dep_flat, dep_bounds, ints(n_prereq),
        ints(risk_outcome), np.asarray(risk_prob, dtype=float), ints(risk_kind),
        ints(risk_low), ints(risk_high), ints(risk_part), ints(risk_delay),
    )
    notes = [
        warning(f"team {name!r}: outcome sizes drawn from {pool.size} completed outcomes "
                f"({int(pool.min())} to {int(pool.max())} items, median "
                f"{int(np.median(pool))})", "sizes-from-history")
        for name, pool in pools.items()
    ]
    return {"kernel": kernel, "notes": notes}


def simulate_plan(
    arrays: dict[str, Any], horizon: int, trials: int, seed: int, parallel: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Run the plan kernel: ``(days, items)``, each of shape ``(trials, outcomes)``.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [2], calendar="all")
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(5, 5)),)),))
    >>> arrays = kernel_arrays(p, dt.date(2024, 6, 4), 30, [(np.array([[2]]), None)])
    >>> days, items = simulate_plan(arrays, 30, 2, 1)
    >>> days.tolist(), items.tolist()   # 2 + 2 + 1: done on day index 2
    ([[2], [2]], [[5], [5]])
    """
    from forecast.sampling import _kernels

    kernel = _kernels.plan_days if parallel else _kernels.plan_days_serial
    return kernel(*arrays["kernel"], int(horizon), np.uint64(seed), int(trials))
