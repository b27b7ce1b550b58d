"""Plan a portfolio: every team and outcome on one shared timeline per trial.

:func:`plan` simulates every team and outcome together on one timeline per
trial (see :func:`forecast.sampling._kernels.plan_days` and its pure-Python
twin), so multi-team outcomes, dependencies freeing capacity, and joint
probabilities of several commitments come straight out of the same trials.
Each team's sample is chosen here first: by ``auto`` (its own backtest) or by
its fixed method.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.calendar import HORIZON_YEARS, years_after
from forecast.core.checks import check_levels, check_trials, check_whole, start_date
from forecast.core.history import History
from forecast.core.model import Portfolio
from forecast.evaluation.signals import window_drift
from forecast.exceptions import ForecastError
from forecast.forecasting.auto import AutoChoice, choose
from forecast.io.outcomes_csv import read_outcomes_csv
from forecast.io.portfolio_toml import check_portfolio, read_portfolio
from forecast.notes import as_note, warning
from forecast.results.plan import PlanResult
from forecast.sampling.methods import DEFAULT_WINDOW, get_method
from forecast.sampling.simulate import kernel_arrays, normalise_seed, simulate_plan, use_threads

__all__ = ["plan", "plan_arrays"]


def _choose_all(portfolio: Portfolio, start: dt.date) -> list[AutoChoice | None]:
    """Run ``auto``'s choice for every team on it, two teams at a time.

    Each team's choice depends on its own history only, so the order does not
    matter and the result is the sequential one; the compiled passes release
    the GIL, so one team's backtest computes while another's Python runs.
    """
    on_auto = [i for i, t in enumerate(portfolio.teams) if t.method == "auto"]
    found: list[AutoChoice | None] = [None] * len(portfolio.teams)

    def one(i: int) -> AutoChoice:
        team = portfolio.teams[i]
        # the plan kernel is not recalibrated: only the choice is needed, not When's scores
        return choose(team.history, start, team.window, team.since, when="none")

    if len(on_auto) < 2 or (os.cpu_count() or 1) < 2:
        for i in on_auto:
            found[i] = one(i)
        return found
    with ThreadPoolExecutor(max_workers=2) as pool:
        for i, chosen in zip(on_auto, pool.map(one, on_auto), strict=True):
            found[i] = chosen
    return found


def plan_arrays(portfolio: Portfolio, start: dt.date, horizon: int) -> dict[str, Any]:
    """Choose each team's sample and turn the portfolio into the plan kernel's arrays.

    A team on ``method="auto"`` gets the method and window its own backtest
    before ``start`` chose (said in the notes); the others sample their
    window by their method (90 days when neither window nor since is given).

    Returns
    -------
    dict
        ``kernel``: the positional arguments of the kernel (less horizon,
        seed and trials); ``samples``: each team's history sample; ``notes``;
        ``auto``: each team's :class:`~forecast.forecasting.auto.AutoChoice` (or None).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [2])
    >>> p = Portfolio((Team("api", h, method="daily"),),
    ...               (Outcome("a", (Part("api", Size(4, 4)),)),))
    >>> arrays = plan_arrays(p, dt.date(2024, 6, 4), 10)
    >>> arrays["kernel"][6].tolist()   # capacity: Tue..Fri, weekend, Mon..Thu
    [[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]]
    """
    auto_notes: list[str] = []
    samples, team_blocks, choices = [], [], []
    chosen_by_team = _choose_all(portfolio, start)
    for team, chosen in zip(portfolio.teams, chosen_by_team, strict=True):
        method, window = team.method, team.window
        if chosen is not None:
            method, window = chosen.method, chosen.window
            auto_notes.append(as_note(chosen.note).prefixed(f"team {team.name!r}: "))
        if window is None and team.since is None:
            window = DEFAULT_WINDOW
        try:
            sample = team.history.sample(start, window=window, since=team.since)
        except ForecastError as exc:
            raise exc.within(f"team {team.name!r}: ") from None
        changes = window_drift(team.history, sample)
        if changes:
            sample = replace(sample, warnings=sample.warnings + tuple(changes))
        try:
            spec = get_method(method)
            blocks = spec.blocks(sample)
        except ForecastError as exc:
            raise exc.within(f"team {team.name!r}: ") from None
        samples.append(sample)
        team_blocks.append((blocks, spec.row_alphas(blocks.shape[0])))
        choices.append(chosen)
    arrays = kernel_arrays(portfolio, start, horizon, team_blocks)
    return {"kernel": arrays["kernel"], "samples": samples,
            "notes": auto_notes + arrays["notes"], "auto": choices}


def plan(
    source: Portfolio | str | os.PathLike[str],
    *,
    start: Any = None,
    trials: int | None = None,
    rng: Any = None,
    percentiles: Iterable[float] | None = None,
    histories: Mapping[str, History | str | os.PathLike[str]] | None = None,
    horizon: int | None = None,
    parallel: bool | None = None,
) -> Any:
    """Plan a portfolio: every team and outcome on one shared timeline per trial.

    Parameters
    ----------
    source : Portfolio or path
        A Portfolio, a TOML portfolio file, or an outcomes CSV (then
        ``histories`` names each team's history).
    start : date, optional
        First day (default: the file's ``start``, else today).
    trials : int, optional
        Monte Carlo trials (default: the file's, else 10,000).
    rng : None, int or numpy.random.Generator
        Seed (default: the file's ``seed``, else a fixed default).
    percentiles : iterable of float, optional
        Levels to report (default: the file's, else 50, 70, 85, 95).
    histories : mapping, optional
        For an outcomes CSV: team name to History or history file.
    horizon : int, optional
        Calendar days simulated (default: 10 years).
    parallel : bool, optional
        Use all cores (results are identical either way).

    Returns
    -------
    PlanResult

    Examples
    --------
    >>> import forecast
    >>> from forecast.core.model import Outcome, Part, Portfolio, Size, Team
    >>> h = forecast.History.from_counts(["2024-06-03"], [1], calendar="all")
    >>> p = Portfolio((Team("api", h),), (Outcome("a", (Part("api", Size(35, 35)),)),
    ...                                   Outcome("b", (Part("api", Size(20, 20)),))))
    >>> result = forecast.plan(p, start="2024-06-04", trials=100)
    >>> [pc.date.isoformat() for pc in result.percentiles("b")][:1]
    ['2024-07-28']
    """
    if isinstance(source, Portfolio):
        portfolio = source
        check_portfolio(portfolio)
    else:
        path = Path(source)
        if path.suffix.lower() == ".csv":
            portfolio = read_outcomes_csv(path, histories or {})
        else:
            portfolio = read_portfolio(path)
    begin = start_date(start if start is not None else portfolio.start)
    count = check_trials(trials if trials is not None else portfolio.trials)
    seed = normalise_seed(rng if rng is not None else portfolio.seed)
    levels = check_levels(percentiles if percentiles is not None else portfolio.percentiles)
    if horizon is None:
        horizon = (years_after(begin, HORIZON_YEARS) - begin).days
    horizon = check_whole("horizon", horizon, 1)
    arrays = plan_arrays(portfolio, begin, horizon)
    team_days = float(count) * horizon * len(portfolio.teams) / 10
    days, items = simulate_plan(arrays, horizon, count, seed,
                                parallel=use_threads(parallel, team_days))
    notes = list(portfolio.notes) + arrays["notes"]
    for outcome in portfolio.outcomes:
        if outcome.target is not None and outcome.target < begin:
            notes.append(warning(
                f"outcome {outcome.name!r}: its target {outcome.target} is before the "
                f"start {begin}; it can only be missed", "target-before-start"))
    for team, sample in zip(portfolio.teams, arrays["samples"], strict=True):
        notes.extend(as_note(w).prefixed(f"team {team.name!r}: ") for w in sample.warnings)
        notes.extend(as_note(w).prefixed(f"team {team.name!r}: ") for w in team.history.notes)
    return PlanResult(
        portfolio=portfolio, start=begin, horizon=horizon, day_index=days,
        items=items, levels=levels, trials=count, seed=seed,
        samples=tuple(arrays["samples"]), notes=tuple(notes),
        backtests=tuple(c and c.result for c in arrays["auto"]), auto=tuple(arrays["auto"]),
        reference=np.asarray(portfolio.teams[0].history.calendar.working_dates(
            begin, begin + dt.timedelta(days=horizon - 1))),
    )
