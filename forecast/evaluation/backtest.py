"""Rolling-origin backtests: how often did "85%" really hold on the team's own past?

At many past dates (origins), each configuration (sampling method x window)
forecasts from the data before the origin only, and the forecast is compared
with what happened next: How many items in each horizon of working days, and
When a batch of items was done. The scores per configuration and horizon are
the coverage of every percentile statement in both directions, the
probability integral transform (PIT) histogram, the pinball loss and the
continuous ranked probability score (CRPS, exact from the distribution).

The recommended configuration, which ``method="auto"`` uses, is
:data:`AUTO_DEFAULT` unless another one's CRPS (which rewards calibration and
sharpness together) was lower by more than :data:`SWITCH_Z` standard errors
over the same origins. Measured on four real histories
(``benchmarks/calibration_policies.py``), picking the lowest CRPS outright
chased noise: the best configuration of the past year was often worse in
the next. The default is the time-weighted Bayesian bootstrap of the last
180 days, which on five real histories (``benchmarks/calibration_drift.py``)
had a lower CRPS than the Bayesian bootstrap of 30 days, the previous
default, which was itself sharper and better calibrated than the
industry's standard nearly everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from forecast.core.checks import listed
from forecast.core.history import History
from forecast.evaluation.compiled import compiled_scores, memo_for
from forecast.evaluation.origins import (
    DEFAULT_HORIZONS,
    DEFAULT_LEVELS,
    DEFAULT_METHODS,
    DEFAULT_WINDOWS,
    MIN_ORIGINS,
    backtest_settings,
    daily_series,
    fit_to_history,
    rolling_origins,
)
from forecast.evaluation.tally import Score, Tally, score_pending
from forecast.exceptions import ForecastError, ParameterError
from forecast.notes import messages, note_label, warning
from forecast.sampling.methods import get_method, how_many_distributions, when_distribution

__all__ = ["backtest", "BacktestResult", "Score", "STANDARD", "AUTO_DEFAULT", "SWITCH_Z",
           "DEFAULT_HORIZONS", "DEFAULT_WINDOWS", "DEFAULT_METHODS", "MIN_ORIGINS"]

STANDARD = ("daily", 30)
"""The industry's usual forecast: independent working days from the last 30 days."""

AUTO_DEFAULT = ("weighted", 180)
"""What ``method="auto"`` keeps unless the backtest shows something clearly better."""

SWITCH_Z = 2.0
"""How many standard errors lower another configuration's CRPS must be to replace
:data:`AUTO_DEFAULT` (paired over origins, counting overlapping horizons once)."""


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """All scores of a backtest, the ranking, and the recommended configuration."""

    source: str
    origins: tuple[dt.date, ...]
    scores: tuple[Score, ...]
    levels: tuple[float, ...]
    horizons: tuple[int, ...]
    batch: int | None
    notes: tuple[str, ...] = ()
    batch_days: float = 28.0
    """Calendar days a When forecast of the batch typically spans."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """The keyword arguments of :func:`backtest` that reproduce this run (``rng`` as the seed)."""
    history: History | None = field(default=None, repr=False)
    """The history it was run on."""
    windows: tuple[int, ...] = ()
    """The windows scored (those of ``settings`` that fit the history)."""

    def ran_with(self, history: History, **settings: Any) -> bool:
        """Whether ``backtest(history, **settings)`` is this run: same history, same settings.

        The history must be the very object this ran on; a setting that
        :func:`backtest` refuses, or a ``rng`` Generator, never matches.

        Examples
        --------
        >>> import forecast
        >>> h = forecast.read_history("examples/team.csv")
        >>> r = backtest(h, methods=("daily",), windows=(30,), horizons=(10,), max_origins=12)
        >>> r.ran_with(h, **r.settings), r.ran_with(h, **{**r.settings, "trials": 99})
        (True, False)
        """
        if history is not self.history or not self.settings:
            return False
        if isinstance(settings.get("rng"), np.random.Generator):
            return False
        try:
            return backtest_settings(**settings) == dict(self.settings)
        except (ForecastError, TypeError, ValueError):
            return False

    def ranking(self) -> list[tuple[str, int, float]]:
        """Return configurations by relative CRPS over the How-many horizons, best first.

        Every configuration is scored on the same origins (those where all
        could forecast), and each horizon's CRPS is divided by the mean CRPS
        of all configurations at that horizon, so long horizons do not drown
        short ones.
        """
        return list(self._ranked)

    @cached_property
    def _ranked(self) -> tuple[tuple[str, int, float], ...]:
        """The ranking, made once (the result is frozen)."""
        configs = sorted({(s.method, s.window) for s in self.scores})
        totals: dict[tuple[str, int], list[float]] = {c: [] for c in configs}
        for h in self.horizons:
            at_h = {(s.method, s.window): s for s in self.scores
                    if s.horizon == h and s.question == "how-many"}
            if len(at_h) != len(configs):
                continue
            common = set.intersection(*(set(s.origin_ids) for s in at_h.values()))
            if not common:
                continue
            means = {}
            for config, s in at_h.items():
                values = [c for i, c in zip(s.origin_ids, s.crps_values, strict=True)
                          if i in common]
                means[config] = float(np.mean(values))
            scale = float(np.mean(list(means.values())))
            for config in configs:
                totals[config].append(means[config] / scale if scale > 0 else 1.0)
        rows = [(m, w, float(np.mean(v))) for (m, w), v in totals.items() if v]
        return tuple(sorted(rows, key=lambda r: (r[2], r[0], r[1])))

    @property
    def best(self) -> tuple[str, int]:
        """The recommended ``(method, window)``: see :meth:`choice`."""
        method, window, _, _ = self.choice()
        return method, window

    def default(self) -> tuple[str, int]:
        """Return the configuration kept unless another is clearly better.

        :data:`AUTO_DEFAULT` when it was scored; else its method at the
        longest scored window (its weights already favour the latest days);
        else the standard; else the first scored configuration.
        """
        configs = sorted({(s.method, s.window) for s in self.scores})
        if not configs:
            raise ParameterError("the backtest scored no configuration")
        if AUTO_DEFAULT in configs:
            return AUTO_DEFAULT
        kept = [c for c in configs if c[0] == AUTO_DEFAULT[0]]
        if kept:
            return max(kept, key=lambda c: c[1])
        return STANDARD if STANDARD in configs else configs[0]

    def choice(self) -> tuple[str, int, float, tuple[str, int]]:
        """Return ``(method, window, z, default)``: the recommendation and why.

        ``z`` is how many standard errors lower the best-ranked configuration's
        CRPS was than the default's (:meth:`default`), paired over the origins
        both scored, per How-many horizon (relative to that horizon's mean, so
        horizons weigh alike) and averaged over horizons. Neighbouring origins
        share outcome days, so each horizon counts its origins as
        ``origins x 7 / calendar days of the horizon`` independent ones. The
        best-ranked configuration is recommended when ``z`` exceeds
        :data:`SWITCH_Z`; otherwise the default is.
        """
        return self._chosen

    @cached_property
    def _chosen(self) -> tuple[str, int, float, tuple[str, int]]:
        """The choice, made once (the result is frozen)."""
        default = self.default()
        ranked = self.ranking()
        if not ranked or (ranked[0][0], ranked[0][1]) == default:
            return default[0], default[1], 0.0, default
        top = (ranked[0][0], ranked[0][1])
        zs = []
        for h in self.horizons:
            try:
                a = self.score(*default, h)
                b = self.score(*top, h)
            except ParameterError:
                continue
            common = sorted(set(a.origin_ids) & set(b.origin_ids))
            if len(common) < 2:
                continue
            ca = dict(zip(a.origin_ids, a.crps_values, strict=True))
            cb = dict(zip(b.origin_ids, b.crps_values, strict=True))
            diff = np.array([ca[i] - cb[i] for i in common])
            n_eff = max(1.0, diff.size * 7 / (h * 7 / 5))
            sd, mean = float(diff.std(ddof=1)), float(diff.mean())
            if sd == 0:
                zs.append(math.inf if mean > 0 else 0.0)
            else:
                zs.append(mean / (sd / math.sqrt(n_eff)))
        z = float(np.mean(zs)) if zs else 0.0
        if z > SWITCH_Z:
            return top[0], top[1], z, default
        return default[0], default[1], z, default

    def score(self, method: str, window: int, horizon: int,
              question: str = "how-many") -> Score:
        """Return the score of one configuration at one horizon."""
        for s in self.scores:
            if (s.method, s.window, s.horizon, s.question) == (method, window, horizon,
                                                                question):
                return s
        raise ParameterError(f"no score for {method}, {window} days, horizon {horizon}")

    def to_dict(self) -> dict[str, Any]:
        """Return the backtest as JSON-ready values."""
        best = self.best
        return {
            "question": "backtest",
            "source": self.source,
            "origins": len(self.origins),
            "first_origin": self.origins[0].isoformat(),
            "last_origin": self.origins[-1].isoformat(),
            "levels": list(self.levels),
            "windows": list(self.windows),
            "horizons": list(self.horizons),
            "batch": self.batch,
            "recommended": {"method": best[0], "window": best[1]},
            "standard": {"method": STANDARD[0], "window": STANDARD[1]},
            "ranking": [{"method": m, "window": w, "relative_crps": v}
                        for m, w, v in self.ranking()],
            "scores": [
                {"method": s.method, "window": s.window, "question": s.question,
                 "horizon": s.horizon, "origins": s.origins,
                 "coverage_at_least": {f"{p:g}": v for p, v in s.at_least.items()},
                 "coverage_at_most": {f"{p:g}": v for p, v in s.at_most.items()},
                 "crps": s.crps, "pinball": s.pinball, "pit": list(s.pit),
                 "calibration_error": s.calibration_error}
                for s in self.scores
            ],
            "warnings": [n for n in self.notes if note_label(n) == "warning"],
            "notes": [n for n in self.notes if note_label(n) == "note"],
            "messages": messages(self.notes),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def to_frame(self) -> Any:
        """Return one row per configuration, question and horizon."""
        import pandas as pd

        rows = []
        for s in self.scores:
            row: dict[str, Any] = {"method": s.method, "window": s.window,
                                   "question": s.question, "horizon": s.horizon,
                                   "origins": s.origins, "crps": round(s.crps, 4),
                                   "pinball": round(s.pinball, 4),
                                   "calibration_error": round(s.calibration_error, 4)}
            for p, v in s.at_least.items():
                row[f"p{p:g}_or_more"] = round(v, 4)
            for p, v in s.at_most.items():
                row[f"p{p:g}_at_most"] = round(v, 4)
            rows.append(row)
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        best = self.best
        lines = [
            f"Backtest of {self.source}: {len(self.origins)} origins from "
            f"{self.origins[0].isoformat()} to {self.origins[-1].isoformat()}",
            "  each forecast uses only the data before its origin; 'held' is the share of "
            "origins where the statement came true",
            f"  scored window{'s' * (len(self.windows) > 1)} of {listed(self.windows)} days "
            f"at horizon{'s' * (len(self.horizons) > 1)} of {listed(self.horizons)} working days",
            "",
            "  rank  method  window  relative CRPS",
        ]
        for i, (method, window, value) in enumerate(self.ranking(), 1):
            mark = "  <- recommended" if (method, window) == best else ""
            mark += "  (standard)" if (method, window) == STANDARD else ""
            lines.append(f"  {i:>4}  {method:<6}  {window:>4}d   {value:>12.3f}{mark}")
        _, _, z, default = self.choice()
        ranked = self.ranking()
        top = (ranked[0][0], ranked[0][1]) if ranked else default
        if best == default and top != default:
            lines.append(f"  recommended: {default[0]} {default[1]}d, the default: the first "
                         f"ranked beat it by {z:.1f} standard errors, not the {SWITCH_Z:g} needed")
        elif best != default:
            lines.append(f"  recommended: {best[0]} {best[1]}d, {z:.1f} standard errors better "
                         f"than the default {default[0]} {default[1]}d")
        lines.append("")
        lines.append("  How many, P85 statements: held (both directions), best vs standard")
        lines.append("  horizon  config            85% or more  85% at most   CRPS")
        for h in self.horizons:
            for m, w in (best, STANDARD):
                try:
                    s = self.score(m, w, h)
                except ParameterError:
                    continue
                config = f"{m} {w}d"
                lines.append(
                    f"  {h:>5}d   {config:<16}  {s.at_least.get(85, math.nan):>10.0%}"
                    f"  {s.at_most.get(85, math.nan):>10.0%}  {s.crps:>6.2f}"
                )
        if self.batch:
            lines.append("")
            lines.append(f"  When {self.batch} items: 'done by the P85 date' held")
            for label, (m, w) in (("recommended", best), ("standard", STANDARD)):
                try:
                    s = self.score(m, w, self.batch, "when")
                except ParameterError:
                    continue
                lines.append(f"    {label:<11} {m} {w}d: {s.at_least.get(85, math.nan):.0%} "
                             f"over {s.origins} origins")
        if self.notes:
            lines.append("")
            lines.extend(f"  {note_label(n)}: {n}" for n in self.notes)
        return "\n".join(lines)


def backtest(
    history: History,
    *,
    start: Any = None,
    methods: tuple[str, ...] = DEFAULT_METHODS,
    windows: tuple[int, ...] | None = None,
    horizons: tuple[int, ...] | None = None,
    step: int = 7,
    batch: int | None = None,
    levels: tuple[float, ...] = DEFAULT_LEVELS,
    trials: int = 2000,
    rng: Any = None,
    progress: Any = None,
    max_origins: int | None = None,
    recalibrated: bool = True,
    engine: str = "exact",
    fit: bool | tuple[str, ...] | None = None,
    when: str = "all",
) -> BacktestResult:
    """Score sampling methods and windows on the history's own past.

    Parameters
    ----------
    history : History
        Completed items.
    start : date, optional
        Use only data before this date (default: all of it). ``auto``
        passes the forecast's start here.
    methods, windows, horizons
        Configurations to score: sampling methods, window lengths (calendar
        days) and How-many horizons (working days). ``windows`` and
        ``horizons`` left at None are :data:`DEFAULT_WINDOWS` and
        :data:`DEFAULT_HORIZONS`, less those too long for the history (see
        ``fit``).
    step : int
        Calendar days between origins (default 7).
    batch : int, optional
        Items for the When test (default: the median number of items
        completed in 20 working days before the first origin).
    levels : tuple of float
        Percentile levels whose statements are scored.
    trials : int
        Monte Carlo trials per forecast with ``engine="mc"``.
    rng : None, int or numpy.random.Generator
        Seed of the Monte Carlo runs (``engine="mc"``).
    progress : callable, optional
        Called with (done, total) origins as the run advances.
    max_origins : int, optional
        Keep only the most recent origins (``auto`` uses a year of them).
    recalibrated : bool
        Also score every configuration as recalibrated walk-forward
        (:attr:`Score.recalibrated`); ``auto``, which needs only the raw
        scores, turns this off.
    engine : {"exact", "mc"}
        Every method has an exact engine, so a backtest carries no sampling
        noise by default; ``"mc"`` runs ``trials`` Monte Carlo trials per
        forecast instead (as a check of the kernels on real histories).
    when : {"all", "best", "none"}
        Score the When question for every configuration, only for the
        recommended one (found from the How-many scores first: ``auto``
        needs the When scores of the configuration it uses, to recalibrate
        a When answer), or not at all (``auto`` for How many and plans).
    fit : bool or tuple of str, optional
        Which of ``"windows"`` and ``"horizons"`` may be shortened to fit
        the history (:func:`~forecast.evaluation.origins.fit_to_history`:
        the longest windows are dropped first, then the longest horizons,
        and a ``backtest-fitted`` note says what was kept and why). None (the
        default): those left at None; True: both; False: neither, so that
        every window and horizon given must fit.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ParameterError
        Too little history for :data:`MIN_ORIGINS` origins with the windows
        and horizons that may not be shortened, or with the shortest of
        those that may (the message says how many days are needed and how
        many the history spans), an unknown method, or a horizon <= 0.

    Examples
    --------
    >>> import forecast
    >>> h = forecast.read_history("examples/team.csv")   # doctest: +SKIP
    >>> print(backtest(h).best)                          # doctest: +SKIP
    """
    settings = backtest_settings(
        start=start, methods=methods, windows=windows, horizons=horizons, step=step, batch=batch,
        levels=levels, trials=trials, rng=rng, max_origins=max_origins, recalibrated=recalibrated,
        engine=engine, fit=fit, when=when)
    methods = settings["methods"]
    specs = {m: get_method(m) for m in methods}
    seed = settings["rng"]
    end = history.last if start is None else min(history.last,
                                                 settings["start"] - dt.timedelta(days=1))
    work, counts = daily_series(history, end)
    work = work[work <= np.datetime64(end, "D")]
    counts = counts[: work.size]
    raw_cum = np.concatenate([[0], np.cumsum(history.counts)])
    # items with a raw date on or before each working day, and before a given day
    through = raw_cum[np.searchsorted(history.dates, work, side="right")]

    def raw_before(day: np.datetime64) -> int:
        return int(raw_cum[np.searchsorted(history.dates, day, side="left")])

    # auto's default method is scored at any window that fits (Method weighted's weights
    # fade within weeks), so no window is kept at the cost of a horizon
    windows, horizons, fitted = fit_to_history(history, end, settings["windows"],
                                               settings["horizons"], step, settings["fit"])
    origins = rolling_origins(history, end, work, windows, horizons, step, max_origins)
    span = counts[int(np.searchsorted(work, np.datetime64(origins[0], "D"))):]  # scored
    if batch is None:
        # the question's size (not its answer): a typical 20 working days of the span scored
        sums = np.convolve(span, np.ones(20, dtype=np.int64), mode="valid") if span.size >= 20 \
            else np.array([span.sum()])
        batch = max(1, int(np.median(sums)))
    # calendar days a When forecast typically spans (how far apart origins must be to
    # count as independent evidence when deciding on recalibration)
    rate = float(span.mean())
    batch_days = min(batch / rate, 2600.0) * 7 / 5 if rate > 0 else 2600.0 * 7 / 5
    tallies: dict[tuple[str, int, str, int], Tally] = {}
    skipped = 0
    # exact scores without walk-forward recalibration are a function of the history, the
    # origin and the configuration only: kept with the history for the next backtest of it
    memo = memo_for(history) if not recalibrated and settings["engine"] == "exact" else None
    found_samples: dict[int, list[Any]] = {}

    warm = bool(memo)  # a history backtested before: only its new origins need samples

    def sample_at(window: int, done: int) -> Any:
        if warm:
            return history.samples([origins[done]], window)[0]
        if window not in found_samples:  # all of a window's at once, on first need
            found_samples[window] = history.samples(origins, window)
        return found_samples[window][done]

    later: list[tuple[Any, ...]] = []  # When forecasts yet to make
    levels = tuple(levels)

    def when_forecast(done: int, origin: dt.date, index: int, when_actual: int, window: int,
                      method: str, blocks: np.ndarray | None) -> None:
        tally = tallies.setdefault((method, window, "when", batch), Tally(online=recalibrated))
        key = (origin, window, method, "when", batch, when_actual, levels)
        if memo is not None and key in memo:
            tally.add_known(memo[key], when_actual, when=True)
            return
        if blocks is None:
            sample = sample_at(window, done)
            assert sample is not None  # a window that was empty has no When forecast
            blocks = specs[method].blocks(sample)
        run = {"engine": settings["engine"], "trials": trials, "seed": seed + done,
               "parallel": False}
        limit = max(4 * when_actual, 200)
        day_pmf, _, _ = when_distribution(specs[method], blocks, batch, limit, **run)
        tally.add_online(day_pmf, when_actual, levels, np.datetime64(origin, "D"),
                         work[index + when_actual - 1], batch_days, when=True, key=key)

    compiled: dict[tuple[int, str], Any] = {}
    if memo is not None:  # the exact How-many forecasts in compiled passes
        # what happened after each origin, at each horizon
        at = np.searchsorted(work, np.array([np.datetime64(o, "D") for o in origins]))
        befores = np.array([raw_before(np.datetime64(o, "D")) for o in origins])
        outcomes = np.stack([through[at + h - 1] - befores for h in horizons], axis=1)
        compiled = compiled_scores(history, origins, windows, methods, horizons, levels, memo,
                                   outcomes)
    for (window, method), (status, crps, loss, pit, least, most) in compiled.items():
        ok = np.flatnonzero(status == 1)
        if not ok.size:
            continue
        for i, h in enumerate(horizons):
            ys = outcomes[ok, i]
            tallies.setdefault((method, window, "how-many", h), Tally(online=recalibrated)
                               ).extend(crps[ok, i], loss[ok, i], pit[ok, i], least[ok, i],
                                        most[ok, i], ys, ok.tolist())
    window_seen: dict[int, np.ndarray] = {}  # per window, what a compiled pass saw (2: empty)
    for (window, _), found in compiled.items():
        window_seen.setdefault(window, found[0])
    for done, origin in enumerate(origins):
        index = int(np.searchsorted(work, np.datetime64(origin, "D")))
        # What happened: items dated from the origin through each working day after it
        # (an item on a weekend just before the origin belongs to the past, not to this).
        before = raw_before(np.datetime64(origin, "D"))
        done_by = through[index:] - before
        actual = {h: int(done_by[h - 1]) for h in horizons}
        reached = np.flatnonzero(done_by >= batch)
        when_actual = int(reached[0]) + 1 if reached.size else None
        for window in windows:
            seen = window_seen.get(window)
            known = None if seen is None else seen[done]
            if known is not None and known != 0:  # the compiled pass saw this window
                if known == 2:  # empty
                    skipped += 1
                    continue
            empty = (origin, window)
            sample: Any
            if known is not None and known != 0:
                sample = False  # not empty; made on need
            elif memo is not None and empty in memo:
                sample = None if memo[empty] else False  # False: not empty, not yet made
            else:
                sample = sample_at(window, done)
                if memo is not None:
                    memo[empty] = sample is None
            if sample is None:  # an empty window
                skipped += 1
                continue
            for method in methods:
                spec = specs[method]
                blocks = None
                if (window, method) in compiled:
                    state = compiled[(window, method)][0][done]
                    if state == 3:  # the method cannot use this window
                        skipped += 1
                        continue
                    if when_actual is not None and settings["when"] != "none":
                        # How many is tallied: When is left
                        later.append((done, origin, index, when_actual, window, method, None))
                        if settings["when"] == "all":
                            when_forecast(*later.pop())
                    continue
                keys = [(origin, window, method, h, levels) for h in horizons]
                if memo is not None and memo.get((origin, window, method)) is False:
                    skipped += 1  # the method cannot use this window (known from before)
                    continue
                if memo is not None and all(k in memo for k in keys):
                    for h, key in zip(horizons, keys, strict=True):
                        tally = tallies.setdefault((method, window, "how-many", h),
                                                   Tally(online=recalibrated))
                        tally.add_known(memo[key], actual[h])
                        tally.origin_ids.append(done)
                else:
                    if sample is False:
                        sample = sample_at(window, done)
                    try:
                        blocks = spec.blocks(sample)
                    except ForecastError:
                        skipped += 1
                        if memo is not None:
                            memo[(origin, window, method)] = False
                        continue
                    run = {"engine": settings["engine"], "trials": trials, "seed": seed + done,
                           "parallel": False}
                    pmfs = how_many_distributions(spec, blocks, horizons, **run)
                    for h, pmf, key in zip(horizons, pmfs, keys, strict=True):
                        tally = tallies.setdefault((method, window, "how-many", h),
                                                   Tally(online=recalibrated))
                        tally.add_online(pmf, actual[h], levels, np.datetime64(origin, "D"),
                                         work[index + h - 1], h * 7 / 5, key=key)
                        tally.origin_ids.append(done)
                if when_actual is None or settings["when"] == "none":
                    continue
                later.append((done, origin, index, when_actual, window, method, blocks))
                if settings["when"] == "all":
                    when_forecast(*later.pop())
        if progress is not None:
            progress(done + 1, len(origins))
    if later:  # When for the recommended configuration only
        score_pending(list(tallies.values()), levels, memo)
        best = BacktestResult(
            source=history.source, origins=tuple(origins), levels=tuple(levels),
            scores=tuple(t.score(m, w, q, h, levels) for (m, w, q, h), t in tallies.items()),
            horizons=tuple(horizons), batch=batch).best
        for entry in later:
            if (entry[5], entry[4]) == best:
                when_forecast(*entry)
    score_pending(list(tallies.values()), levels, memo)
    scores = tuple(t.score(m, w, q, h, levels) for (m, w, q, h), t in sorted(tallies.items()))
    notes = list(fitted)
    if skipped:
        notes.append(warning(f"{skipped} forecasts could not be made (empty or too short "
                             "windows) and were left out", "origins-skipped"))
    return BacktestResult(source=history.source, origins=tuple(origins), scores=scores,
                          levels=tuple(levels), horizons=tuple(horizons), batch=batch,
                          notes=tuple(notes), batch_days=batch_days, settings=settings,
                          history=history, windows=tuple(windows))

