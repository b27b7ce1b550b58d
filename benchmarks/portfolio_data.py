"""Synthetic portfolios for the portfolio-scale benchmarks (built here, not in the package).

``build(n_teams, n_outcomes)`` returns a :class:`forecast.core.model.Portfolio`,
the same for the same arguments (everything is drawn from one fixed numpy
seed):

- teams: each with a history of Poisson(2) items per working day over the
  90 calendar days before :data:`START` (weekday calendar), window 90, WIP 2;
- outcomes: 90% on one team, 10% on two or three teams; parts are sized as
  uniform ranges ``[low, round(1.5 * low)]`` and scaled per team so that the
  team's expected load (mean part sizes plus expected risk items) is
  :data:`LOAD` of its expected capacity over the horizon (its sample's mean
  daily throughput times its working days in :data:`HORIZON` calendar days):
  the plan takes most of, but fits in, two years;
- dependencies: 10% of the outcomes depend on one or two earlier outcomes
  (acyclic by construction);
- risks: 2% of the outcomes carry one, alternately extra items
  (probability 0.3, 5..15 items on the outcome's first part) and a delay
  (probability 0.2, 20 working days).

Run as a script (``python benchmarks/portfolio_data.py``) it prints, for each
case, how long the plan takes (calendar days until the last outcome is done)
over 1,000 trials.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

import forecast
from forecast.core.model import Outcome, Part, Portfolio, Risk, Size, Team

START = dt.date(2024, 6, 3)
HORIZON = 730  # calendar days: two years
TRIALS = 10_000
SEED = 42
DATA_SEED = 20240603
WIP = 2
RATE = 2.0  # Poisson mean items per working day in every team's history
LOAD = 0.80  # expected items / expected capacity over the horizon, per team
MULTI = 0.10  # share of outcomes with parts on two or three teams
DEPENDENT = 0.10  # share of outcomes that depend on earlier outcomes
RISKY = 0.02  # share of outcomes with a risk
CASES = {"20x200": (20, 200), "50x1000": (50, 1000)}


def _history(rng: np.random.Generator) -> forecast.History:
    first = START - dt.timedelta(days=90)
    days = np.arange(np.datetime64(first, "D"), np.datetime64(START, "D"))
    days = days[np.is_busday(days)]
    return forecast.History.from_counts(days, rng.poisson(RATE, days.size),
                                        source="synthetic Poisson(2)")


@cache
def build(n_teams: int, n_outcomes: int) -> Portfolio:
    """Return the synthetic portfolio of ``n_teams`` teams and ``n_outcomes`` outcomes."""
    rng = np.random.default_rng([DATA_SEED, n_teams, n_outcomes])
    # daily sampling, as the single-team kernel the plan kernel is compared with
    teams = [Team(f"team{t:02d}", _history(rng), window=90, wip=WIP,
                  method="daily") for t in range(n_teams)]

    # Who works on what: outcome o's first team cycles over the teams (so the
    # teams' queues interleave in priority order); 10% get one or two more teams.
    members: list[list[int]] = []
    for o in range(n_outcomes):
        first = o % n_teams
        if rng.random() < MULTI:
            others = [t for t in range(n_teams) if t != first]
            extra = rng.choice(others, size=int(rng.integers(1, 3)), replace=False)
            members.append([first, *(int(t) for t in extra)])
        else:
            members.append([first])
    weight = [rng.uniform(0.5, 1.5, len(m)) for m in members]  # relative part sizes

    # Risks, before sizing, so that expected extra items count against capacity.
    risky = rng.choice(n_outcomes, size=max(1, round(RISKY * n_outcomes)), replace=False)
    risks = []
    extra_load = np.zeros(n_teams)
    for k, o in enumerate(sorted(int(o) for o in risky)):
        if k % 2 == 0:
            risks.append(Risk(f"risk{k}", 0.3, f"o{o:04d}", items=(5, 15)))
            extra_load[members[o][0]] += 0.3 * 10
        else:
            risks.append(Risk(f"risk{k}", 0.2, f"o{o:04d}", delay_days=20))

    # Scale each team's parts to LOAD of its expected capacity.
    end = START + dt.timedelta(days=HORIZON)
    scale = np.zeros(n_teams)
    for t, team in enumerate(teams):
        mean = team.history.sample(START, window=90).counts.mean()
        working = int(np.busday_count(START, end))
        budget = LOAD * mean * working - extra_load[t]
        total_weight = sum(w[i] for m, w in zip(members, weight, strict=True)
                           for i, tt in enumerate(m) if tt == t)
        scale[t] = budget / (1.25 * total_weight)  # mean of U[low, 1.5 low] is 1.25 low

    outcomes = []
    for o, (m, w) in enumerate(zip(members, weight, strict=True)):
        parts = []
        for t, wt in zip(m, w, strict=True):
            low = max(1, round(scale[t] * wt))
            parts.append(Part(teams[t].name, Size(low, max(low, round(1.5 * low)))))
        deps: tuple[str, ...] = ()
        if o > 0 and rng.random() < DEPENDENT:
            k = min(o, int(rng.integers(1, 3)))
            deps = tuple(f"o{int(d):04d}" for d in sorted(rng.choice(o, size=k, replace=False)))
        outcomes.append(Outcome(f"o{o:04d}", tuple(parts), depends_on=deps, priority=o))
    return Portfolio(tuple(teams), tuple(outcomes), tuple(risks), start=START,
                     trials=TRIALS, seed=SEED, source=f"synthetic {n_teams}x{n_outcomes}")


def summary(n_teams: int, n_outcomes: int) -> dict[str, float]:
    """Facts about a portfolio: outcomes with several teams, dependencies, risks."""
    p = build(n_teams, n_outcomes)
    return {
        "teams": n_teams,
        "outcomes": n_outcomes,
        "parts": sum(len(o.parts) for o in p.outcomes),
        "multi_team_outcomes": sum(len(o.parts) > 1 for o in p.outcomes),
        "dependent_outcomes": sum(bool(o.depends_on) for o in p.outcomes),
        "dependencies": sum(len(o.depends_on) for o in p.outcomes),
        "risks": len(p.risks),
        "mean_part_items": float(np.mean([(pt.size.low + pt.size.high) / 2
                                          for o in p.outcomes for pt in o.parts])),
    }


def trial_days(days: np.ndarray, horizon: int = HORIZON) -> np.ndarray:
    """Per trial: calendar days simulated (last completion day + 1, capped at the horizon).

    ``days`` is the plan kernel's ``(trials, outcomes)`` day-index array, in
    which an outcome not done within the horizon has the value ``horizon``.
    """
    return np.minimum(np.asarray(days, dtype=np.int64).max(axis=1) + 1, horizon)


if __name__ == "__main__":
    from forecast.forecasting.plan import plan_arrays
    from forecast.sampling.simulate import simulate_plan

    for label, (nt, no) in CASES.items():
        arrays = plan_arrays(build(nt, no), START, HORIZON)
        days, _ = simulate_plan(arrays, HORIZON, 1000, SEED)
        span = trial_days(days)
        not_done = float((days >= HORIZON).any(axis=1).mean())
        print(label, summary(nt, no))
        print(f"  calendar days to the last outcome: P5 {np.percentile(span, 5):.0f}, "
              f"P50 {np.percentile(span, 50):.0f}, P95 {np.percentile(span, 95):.0f}, "
              f"max {span.max()}; trials with an outcome not done: {not_done:.1%}")
