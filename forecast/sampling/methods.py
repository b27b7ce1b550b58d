"""The registry of sampling methods: how a team's past becomes draws, and what runs them.

Every method is one :class:`Method` in :data:`METHODS`. A method says how a
:class:`~forecast.core.history.Sample` becomes the engines' rows (its
``blocks``: single working days, or whole working weeks, with its own window
rules and messages), whether a trial weights those rows by Dirichlet(1, ...,
1) weights (``bayes``), its exact engines for When and How many (or None),
and its Monte Carlo kernels. The questions (:func:`forecast.when`,
:func:`forecast.how_many`), the plan, the backtest, ``auto`` and the burn-up
bands all dispatch here, through :func:`get_method`,
:func:`when_distribution` and :func:`how_many_distribution`, and nowhere
else.

Adding a method
---------------
1. Its Monte Carlo kernels in :mod:`forecast.sampling._kernels`, their
   pure-Python twins in :mod:`forecast.sampling._reference` (the tests
   compare them draw for draw), and thin wrappers in
   :mod:`forecast.sampling.simulate` (or reuse the block kernels, as
   ``weekly`` and ``bayes`` do). The plan kernel knows rows and the ``bayes``
   flag only, so a method that fits those needs no plan kernel of its own.
2. One :class:`Method` entry in :data:`METHODS` below: its key, its rows,
   its exact engines (None if it has none) and its Monte Carlo functions.
3. The command line writes the keys out (so that ``--help`` imports no
   numpy): add the key to :data:`forecast.cli.options.METHOD_NAMES` (a test checks
   that both lists agree).

Everything else (the engine choice, ``auto``'s candidates, the backtest's
default methods, the portfolio checks, the report's backtest) reads this
registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from forecast.core.history import Sample
from forecast.exceptions import ParameterError, ref
from forecast.sampling.exact import (
    bayes_how_many_pmf,
    bayes_how_many_pmfs,
    bayes_when_pmf,
    how_many_pmf,
    how_many_pmf_blocks,
    how_many_pmfs,
    how_many_pmfs_blocks,
    recency_alphas,
    when_pmf,
    when_pmf_blocks,
)
from forecast.sampling.simulate import (
    simulate_how_many,
    simulate_how_many_blocks,
    simulate_when,
    simulate_when_blocks,
)

__all__ = ["Method", "METHODS", "DEFAULT_WINDOW", "ENGINES", "get_method", "method_blocks",
           "when_distribution", "how_many_distribution", "how_many_distributions"]

DEFAULT_WINDOW = 90
"""Calendar days sampled by a fixed method when no window or ``since`` is given."""

ENGINES = ("auto", "exact", "mc")
"""Engines of :func:`when_distribution` and :func:`how_many_distribution`."""

WhenExact = Callable[[np.ndarray, int, int], tuple[np.ndarray, float]]
HowManyExact = Callable[[np.ndarray, int], np.ndarray]
HowManyExactMany = Callable[[np.ndarray, tuple[int, ...]], list[np.ndarray]]
WhenKernel = Callable[[np.ndarray, int, int, int, int, bool, bool], np.ndarray]
HowManyKernel = Callable[[np.ndarray, int, int, int, bool, bool], np.ndarray]


@dataclass(frozen=True)
class Method:
    """One way to sample a team's past, and the engines that run it.

    Attributes
    ----------
    key : str
        Its name (``method=`` in Python, ``--method`` and TOML ``method``).
    summary : str
        What it draws, in a few words.
    blocks : callable
        ``blocks(sample)`` returns the rows the engines draw from, shape
        ``(rows, width)``: one working day per row (width 1) or one whole
        working week per row. It raises :class:`~forecast.exceptions.ParameterError`
        when the window cannot serve the method (the message says how to fix it).
    bayes : bool
        Whether each trial weights the rows by Dirichlet weights (a Bayesian
        bootstrap) instead of drawing them uniformly.
    alphas : callable or None
        ``alphas(rows)``: the Dirichlet parameters of a sample of ``rows``
        rows, oldest first, for a ``bayes`` method whose parameters are not
        all 1 (``weighted``: :func:`~forecast.sampling.exact.recency_alphas`).
    exact_when, exact_how_many : callable or None
        Exact engines: ``exact_when(blocks, items, horizon)`` returns
        ``(pmf, beyond)`` and ``exact_how_many(blocks, days)`` the pmf; None
        when the method has no exact engine.
    exact_how_many_many : callable or None
        ``exact_how_many`` for several spans in one pass:
        ``exact_how_many_many(blocks, days_tuple)`` returns one pmf per span
        (the backtest's horizons); None: one call per span.
    mc_when, mc_how_many : callable
        Monte Carlo runs: ``mc_when(blocks, items, horizon, trials, seed,
        bayes, parallel)`` returns each trial's completion day (``horizon + 1``
        when not done) and ``mc_how_many(blocks, days, trials, seed, bayes,
        parallel)`` each trial's total.

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> sample = h.sample(dt.date(2024, 6, 5), since=dt.date(2024, 6, 3))
    >>> daily = METHODS["daily"]
    >>> daily.blocks(sample).tolist(), daily.bayes, daily.exact
    ([[2], [1]], False, True)
    >>> METHODS["bayes"].exact, METHODS["bayes"].bayes
    (True, True)
    """

    key: str
    summary: str
    blocks: Callable[[Sample], np.ndarray]
    mc_when: WhenKernel
    mc_how_many: HowManyKernel
    exact_when: WhenExact | None = None
    exact_how_many: HowManyExact | None = None
    bayes: bool = False
    exact_how_many_many: HowManyExactMany | None = None
    alphas: Callable[[int], np.ndarray] | None = None

    @property
    def exact(self) -> bool:
        """Whether the method has exact engines (When and How many).

        Examples
        --------
        >>> METHODS["weekly"].exact
        True
        """
        return self.exact_when is not None and self.exact_how_many is not None

    def require_exact(self) -> None:
        """Raise :class:`~forecast.exceptions.ParameterError` unless the method has exact engines.

        Examples
        --------
        >>> sampled = Method("sampled", "Monte Carlo only", _day_rows, _days_mc_when,
        ...                  _days_mc_how_many)
        >>> sampled.require_exact()
        Traceback (most recent call last):
        ...
        forecast.exceptions.ParameterError: method 'sampled' has no exact engine; use ...
        """
        if not self.exact:
            raise ParameterError(
                f"method {self.key!r} has no exact engine; use {ref('engine', 'mc')} or "
                f"{ref('engine', 'auto')}", parameter="engine")

    def engine(self, engine: str) -> str:
        """Resolve ``engine``: ``"auto"`` is exact where the method has an exact engine.

        Examples
        --------
        >>> METHODS["bayes"].engine("auto"), METHODS["bayes"].engine("mc")
        ('exact', 'mc')
        """
        if engine not in ENGINES:
            raise ParameterError(
                f"engine = {engine!r} is not known; use one of {', '.join(ENGINES)}",
                parameter="engine")
        if engine == "auto":
            return "exact" if self.exact else "mc"
        if engine == "exact":
            self.require_exact()
        return engine

    def row_alphas(self, rows: int) -> np.ndarray | None:
        """Return the Dirichlet parameters of ``rows`` rows (None: rows are drawn uniformly).

        Examples
        --------
        >>> METHODS["daily"].row_alphas(3) is None, METHODS["bayes"].row_alphas(3).tolist()
        (True, [1.0, 1.0, 1.0])
        >>> METHODS["weighted"].row_alphas(3).round(3).tolist()   # the newest weighs most
        [0.929, 0.995, 1.067]
        """
        if not self.bayes:
            return None
        return np.ones(int(rows)) if self.alphas is None else self.alphas(int(rows))

    def when_draws(self, blocks: np.ndarray, items: int, horizon: int, trials: int, seed: int,
                   parallel: bool = False) -> np.ndarray:
        """Run the Monte Carlo When kernel: each trial's completion day (``horizon + 1``: not done).

        Examples
        --------
        >>> METHODS["weekly"].when_draws(np.array([[1, 1], [1, 1]]), 3, 10, 2, 1).tolist()
        [3, 3]
        """
        return self.mc_when(blocks, items, horizon, trials, seed, self.bayes, parallel)

    def how_many_draws(self, blocks: np.ndarray, days: int, trials: int, seed: int,
                       parallel: bool = False) -> np.ndarray:
        """Run the Monte Carlo How-many kernel: each trial's total in ``days`` working days.

        Examples
        --------
        >>> METHODS["daily"].how_many_draws(np.array([[2]]), 5, 2, 1).tolist()
        [10, 10]
        """
        return self.mc_how_many(blocks, days, trials, seed, self.bayes, parallel)


def _day_rows(sample: Sample) -> np.ndarray:
    """Single working days: one row per day of the window."""
    return sample.counts.reshape(-1, 1)


def _week_rows(sample: Sample) -> np.ndarray:
    """Whole working weeks, counted back from the window's end."""
    width = sample.calendar.working_days_per_week
    blocks = sample.blocks(width)
    if blocks.shape[0] < 2:
        raise ParameterError(
            f"method 'weekly' needs at least 2 whole weeks ({2 * width} working days) in "
            f"the window, which has {sample.working_days}; widen {ref('window')}",
            parameter="window")
    if not blocks.any():
        raise ParameterError(
            "method 'weekly': the window's whole weeks hold no completion; widen "
            f"{ref('window')}", parameter="window")
    return blocks


def _days_when(blocks: np.ndarray, items: int, horizon: int) -> tuple[np.ndarray, float]:
    return when_pmf(blocks[:, 0], items, horizon)


def _days_how_many(blocks: np.ndarray, days: int) -> np.ndarray:
    return how_many_pmf(blocks[:, 0], days)


def _days_how_many_many(blocks: np.ndarray, days: tuple[int, ...]) -> list[np.ndarray]:
    return how_many_pmfs(blocks[:, 0], days)


def _days_mc_when(blocks: np.ndarray, items: int, horizon: int, trials: int, seed: int,
                  bayes: bool, parallel: bool) -> np.ndarray:
    return simulate_when(blocks[:, 0], items, horizon, trials, seed, parallel=parallel)


def _days_mc_how_many(blocks: np.ndarray, days: int, trials: int, seed: int, bayes: bool,
                      parallel: bool) -> np.ndarray:
    return simulate_how_many(blocks[:, 0], days, trials, seed, parallel=parallel)


def _blocks_mc_when(blocks: np.ndarray, items: int, horizon: int, trials: int, seed: int,
                    bayes: bool, parallel: bool) -> np.ndarray:
    return simulate_when_blocks(blocks, items, horizon, trials, seed, bayes, parallel=parallel)


def _blocks_mc_how_many(blocks: np.ndarray, days: int, trials: int, seed: int, bayes: bool,
                        parallel: bool) -> np.ndarray:
    return simulate_how_many_blocks(blocks, days, trials, seed, bayes, parallel=parallel)


def _recent_alphas(blocks: np.ndarray) -> np.ndarray:
    return recency_alphas(blocks.shape[0])


def _weighted_when(blocks: np.ndarray, items: int, horizon: int) -> tuple[np.ndarray, float]:
    return bayes_when_pmf(blocks, items, horizon, alphas=_recent_alphas(blocks))


def _weighted_how_many(blocks: np.ndarray, days: int) -> np.ndarray:
    return bayes_how_many_pmf(blocks, days, alphas=_recent_alphas(blocks))


def _weighted_how_many_many(blocks: np.ndarray, days: tuple[int, ...]) -> list[np.ndarray]:
    return bayes_how_many_pmfs(blocks, days, alphas=_recent_alphas(blocks))


def _weighted_mc_when(blocks: np.ndarray, items: int, horizon: int, trials: int, seed: int,
                      bayes: bool, parallel: bool) -> np.ndarray:
    return simulate_when_blocks(blocks, items, horizon, trials, seed, bayes, parallel=parallel,
                                alphas=_recent_alphas(blocks))


def _weighted_mc_how_many(blocks: np.ndarray, days: int, trials: int, seed: int, bayes: bool,
                          parallel: bool) -> np.ndarray:
    return simulate_how_many_blocks(blocks, days, trials, seed, bayes, parallel=parallel,
                                    alphas=_recent_alphas(blocks))


METHODS: dict[str, Method] = {
    "daily": Method(
        "daily", "independent draws of single working days (the industry standard)",
        _day_rows, _days_mc_when, _days_mc_how_many, _days_when, _days_how_many,
        exact_how_many_many=_days_how_many_many),
    "weekly": Method(
        "weekly", "draws of whole working weeks (keeps a team's batching)",
        _week_rows, _blocks_mc_when, _blocks_mc_how_many, when_pmf_blocks,
        how_many_pmf_blocks, exact_how_many_many=how_many_pmfs_blocks),
    "bayes": Method(
        "bayes", "working days with Bayesian-bootstrap weights drawn per trial",
        _day_rows, _blocks_mc_when, _blocks_mc_how_many, bayes_when_pmf, bayes_how_many_pmf,
        bayes=True, exact_how_many_many=bayes_how_many_pmfs),
    "weighted": Method(
        "weighted", "working days with Bayesian-bootstrap weights that favour recent days "
        "(half-life 10 working days)",
        _day_rows, _weighted_mc_when, _weighted_mc_how_many, _weighted_when, _weighted_how_many,
        bayes=True, exact_how_many_many=_weighted_how_many_many, alphas=recency_alphas),
}
"""Every sampling method by key, in the order they are listed and scored.

``tuple(METHODS)`` is the keys: ``('daily', 'weekly', 'bayes', 'weighted')``; ``auto``
is not a method but a policy that chooses one (:mod:`forecast.forecasting.auto`)."""


def get_method(name: str | Method, *, strict: bool = False) -> Method:
    """Return the method called ``name`` (spaces and case ignored unless ``strict``).

    Examples
    --------
    >>> get_method(" Weekly").key
    'weekly'
    >>> get_method("monthly")
    Traceback (most recent call last):
    ...
    forecast.exceptions.ParameterError: method = 'monthly' is not known; use one of daily, ...
    """
    if isinstance(name, Method):
        return name
    key = name if strict else str(name).strip().lower()
    found = METHODS.get(key) if isinstance(key, str) else None
    if found is None:
        raise ParameterError(
            f"method = {name!r} is not known; use one of {', '.join(METHODS)}",
            parameter="method")
    return found


def method_blocks(method: str, sample: Sample) -> tuple[str, np.ndarray, bool]:
    """Return ``(method, blocks, bayes)`` for the kernels and exact engines.

    ``blocks`` holds one row per draw: single working days (one column) or
    whole working weeks; ``bayes`` says whether a trial weights them by
    Dirichlet(1, ..., 1) weights (see :class:`Method`).

    Examples
    --------
    >>> import datetime as dt, forecast
    >>> h = forecast.History.from_counts(["2024-06-03", "2024-06-04"], [2, 1])
    >>> sample = h.sample(dt.date(2024, 6, 5), since=dt.date(2024, 6, 3))
    >>> kind, blocks, bayes = method_blocks("daily", sample)
    >>> kind, blocks.ravel().tolist(), bayes
    ('daily', [2, 1], False)
    """
    spec = get_method(method)
    return spec.key, spec.blocks(sample), spec.bayes


def when_distribution(
    method: str | Method, blocks: np.ndarray, items: int, horizon: int, *,
    engine: str = "auto", trials: int = 2000, seed: int = 0, parallel: bool = False,
) -> tuple[np.ndarray, float, np.ndarray | None]:
    """Return the completion-day distribution of ``items`` items by ``method``'s engine.

    Parameters
    ----------
    method : str or Method
        The sampling method.
    blocks : numpy.ndarray
        Its rows (``Method.blocks(sample)``).
    items, horizon : int
        Items to complete; the last working day simulated.
    engine : {"auto", "exact", "mc"}
        ``"auto"``: exact where the method has an exact engine, else Monte
        Carlo; ``"exact"`` raises for a method without one.
    trials, seed, parallel
        The Monte Carlo run (ignored by the exact engine).

    Returns
    -------
    pmf : numpy.ndarray
        ``pmf[d]`` = probability of completing on working day ``d`` (0..horizon).
    beyond : float
        Probability of not finishing within the horizon.
    draws : numpy.ndarray or None
        Each trial's completion day (``horizon + 1`` when not done); None
        from the exact engine.

    Examples
    --------
    >>> pmf, beyond, draws = when_distribution("daily", np.array([[0], [2]]), 3, 4)
    >>> pmf.tolist(), round(beyond, 4), draws
    ([0.0, 0.0, 0.25, 0.25, 0.1875], 0.3125, None)
    >>> _, _, draws = when_distribution("bayes", np.array([[1]]), 3, 10, engine="mc", trials=2,
    ...                                 seed=1)
    >>> draws.tolist()
    [3, 3]
    """
    spec = get_method(method)
    if spec.engine(engine) == "exact":
        assert spec.exact_when is not None
        pmf, beyond = spec.exact_when(blocks, items, horizon)
        return pmf, beyond, None
    if items > horizon * int(blocks.max()):  # cannot finish even at the best pace
        draws = np.full(trials, horizon + 1, dtype=np.int32)
    else:
        draws = spec.when_draws(blocks, items, horizon, trials, seed, parallel)
    pmf = np.bincount(draws, minlength=horizon + 2)[: horizon + 1] / trials
    return pmf, float(np.count_nonzero(draws > horizon) / trials), draws


def how_many_distribution(
    method: str | Method, blocks: np.ndarray, days: int, *, engine: str = "auto",
    trials: int = 2000, seed: int = 0, parallel: bool = False, max_count: float | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the distribution of items done in ``days`` working days by ``method``'s engine.

    Parameters
    ----------
    method, blocks, engine, trials, seed, parallel
        As for :func:`when_distribution`.
    days : int
        Working days.
    max_count : float, optional
        A Monte Carlo total above this raises
        :class:`~forecast.exceptions.ParameterError` before it is tabulated.

    Returns
    -------
    pmf : numpy.ndarray
        ``pmf[n]`` = probability of completing exactly ``n`` items.
    draws : numpy.ndarray or None
        Each trial's total; None from the exact engine.

    Examples
    --------
    >>> how_many_distribution("weekly", np.array([[1, 0], [0, 2]]), 3)[0].round(3).tolist()
    [0.0, 0.25, 0.5, 0.25]
    >>> pmf, draws = how_many_distribution("daily", np.array([[2]]), 5, engine="mc", trials=2)
    >>> pmf.tolist()[-1], draws.tolist()
    (1.0, [10, 10])
    """
    spec = get_method(method)
    if spec.engine(engine) == "exact":
        assert spec.exact_how_many is not None
        return spec.exact_how_many(blocks, days), None
    draws = spec.how_many_draws(blocks, days, trials, seed, parallel)
    if max_count is not None and int(draws.max()) > max_count:
        raise ParameterError(
            f"outcomes of up to {int(draws.max()):,} items are too many to tabulate; check "
            "the history for a bulk close, or use a window without it"
        )
    return np.bincount(draws) / trials, draws


def how_many_distributions(
    method: str | Method, blocks: np.ndarray, days: tuple[int, ...], *, engine: str = "auto",
    trials: int = 2000, seed: int = 0, parallel: bool = False,
) -> list[np.ndarray]:
    """Return :func:`how_many_distribution`'s pmf for each span of ``days``.

    The exact engines compute every span in one pass where the method has a
    pass for several (:attr:`Method.exact_how_many_many`); Monte Carlo runs
    each span with the same ``seed``, as separate calls would.

    Examples
    --------
    >>> [p.tolist() for p in how_many_distributions("daily", np.array([[0], [1]]), (1, 2))]
    [[0.5, 0.5], [0.25, 0.5, 0.25]]
    """
    spec = get_method(method)
    if spec.engine(engine) == "exact" and spec.exact_how_many_many is not None:
        return spec.exact_how_many_many(blocks, tuple(days))
    return [how_many_distribution(spec, blocks, d, engine=engine, trials=trials, seed=seed,
                                  parallel=parallel)[0] for d in days]
