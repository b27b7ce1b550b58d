"""Forecasting under drift: which policy's "85%" holds 85% of the time, walk-forward.

What it measures
----------------
Over the dev histories (pytest merges from 2016, Jira P1 to 2018-03, and the
three Azure DevOps files of ``../shared/data``), at weekly origins, How many
items will be done in the next 20 and in the next 40 working days. At each
origin a policy sees the history before the origin only, and may learn only
from outcomes already known then: the outcome of a forecast made at origin
``o`` over ``H`` working days is known after the ``H``-th working day from
``o`` (so by an origin strictly later than that day). Every forecast is an
exact pmf (the library's exact engines, or the urn programme below for
time-weighted samples); nothing is sampled, so the run is deterministic.

Compared:

- ``auto (today)``: ``forecast.how_many(history, days=H, start=origin)`` with
  every default, exactly as the library runs today (its own backtest of the
  year before the origin, its choice, its halfway recalibration on a miss);
- ``standard``: the daily bootstrap of the last 30 days;
- fixed configurations: the Bayesian bootstrap of 30, 90 and 180 days
  (``bayes30`` is ``auto``'s default), the weekly (block) bootstrap of 90;
- time-weighted samples: the last 180 days, each working day weighted
  ``w = 2 ** (-age / half_life)`` (age in working days, 0 for the day before
  the origin). ``twbN`` (half-life N = 5, 10, 15, 20, 40) realises the
  weights as the Bayesian bootstrap's Dirichlet parameters,
  ``alpha_i = n_eff * w_i / sum(w)`` with Kish's ``n_eff = sum(w) ** 2 /
  sum(w ** 2)`` (about 2.9 half-lives), so the pace is as uncertain as
  ``n_eff`` equally weighted days make it; its How-many pmf is a
  Dirichlet-multinomial with non-integer parameters, computed exactly by
  beta-binomial layers (:func:`_dirichlet_multinomial_rows`). ``twd20``: the
  weighted daily pmf (half-life 20) convolved ``H`` times;
- ``trend``: ``bayes30`` stretched by the shrunk level ratio ``c = (rate of the
  last 10 working days / rate of the window) ** 0.5``, clipped to [0.5, 2]
  (the total ``S`` becomes ``c * S``, rounded up or down at random so that its
  mean is exactly ``c`` times as large);
- ``stack(...)``: a mixture of those members whose weights minimise the summed
  CRPS of the mixture over the latest 104 known outcomes of the same horizon
  (online CRPS stacking: the CRPS of a mixture is quadratic in its weights, so
  this is a quadratic programme on the simplex); equal weights until 20
  outcomes are known;

each raw, or recalibrated on the PIT scale by the mid-point PIT values of its
own raw forecasts at the latest known outcomes of the same horizon (every
recalibration waits for 20 known, the library's ``MIN_RECALIBRATION_ORIGINS``;
``n_eff = n * 5 / H`` counts overlapping horizons once):

- ``halfway``: ``auto``'s rule (``partial_recalibration``: halfway quantile
  recalibration by the latest 52 PITs, only when a P85 missed by more than
  one standard error);
- ``full`` / ``full104``: full quantile recalibration ``H(F)`` by the latest 52
  / 104 PITs (``recalibrate``: ``H`` is their interpolated empirical CDF);
- ``shrunk``: ``(1 - lam) F + lam H(F)`` by the latest 104 PITs with
  ``lam = n_eff / (n_eff + 4)``: the posterior mean of a Dirichlet-process
  prior on the PIT distribution centred on "calibrated";
- ``knots``: split conformal on the PIT scale, both tails and the middle: the
  empirical quantiles ``q_l`` of the latest 104 known PITs at the levels
  ``l`` = 5, 15, 30, 50, 70, 85, 95%, and the forecast's CDF mapped through the
  piecewise-linear curve through (0, 0), (q_l, l), (1, 1): a smoothed
  ``H(F)`` with seven knots;
- ``conformal``: ``knots`` with the split-conformal finite-sample correction,
  each level moved away from 50% by the factor ``1 + 1 / n_eff`` (85% becomes
  ``0.85 * (1 + 1 / n_eff)``), for a guaranteed rather than an exact 85%;
- ``aci`` / ``aci05``: adaptive conformal inference (Gibbs and Candes, 2021)
  on the PIT scale: the same seven knots, each tracked online as outcomes
  become known, ``q_l += gamma * (l - [u <= q_l])`` with ``gamma`` = 0.02 /
  0.05, starting calibrated (``q_l = l``).

Printed (Markdown): for each policy and horizon, pooled over the five dev
histories, over the first and the second half of each history's origins (for
a few policies), and per history (pytest "people only", bots left out, is
shown too, outside the pool): the share of origins where "85% chance of N or
more" held, the share where "85% chance of at most N" held, the mean CRPS,
the CRPS relative to ``auto (today)`` on the same origins (the ratio of the
summed CRPS), the number of origins, the binomial standard error of an 85%
share counting overlapping horizons once, and the mean gap over P50, P70,
P85 and P95 in both directions.

Origins are every 7 days, back from the last one whose 20-day outcome is in
the history, from 30 days after the history's start (pytest: after
2016-01-01); an origin counts at a horizon when its outcome over that horizon
is in the history. The two short ADO files (13 weeks each) give 4 and 5
origins at 20 days and 0 and 1 at 40.

Run
---
From the repository root, with scipy installed (``.venv/bin/pip install -e
'.[research]'``; the stacking weights are a small quadratic programme)::

    nice .venv/bin/python benchmarks/calibration_drift.py [--cache FILE]

about five minutes on the 2-core dev machine, nearly all of it in
``auto``'s own backtests (2,640 calls of ``forecast.how_many``). ``--cache
FILE`` keeps the forecasts between runs (a pickle, keyed by history and
configuration).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numba
import numpy as np
import pandas as pd

import forecast
from forecast.evaluation.origins import daily_series
from forecast.evaluation.recalibration import (
    MIN_RECALIBRATION_ORIGINS,
    partial_recalibration,
    recalibrate,
)
from forecast.evaluation.scoring import score
from forecast.exceptions import ForecastError
from forecast.sampling.methods import METHODS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
HORIZONS = (20, 40)
FIRST_GAP = 30
"""Calendar days of history before the first origin (the standard's window)."""
STEP = 7
KNOTS = (0.05, 0.15, 0.30, 0.50, 0.70, 0.85, 0.95)
"""Levels at which the PIT-scale recalibrations place their knots."""
MIN_KNOWN = MIN_RECALIBRATION_ORIGINS
"""Known outcomes a learning policy needs before it departs from its raw forecast (20)."""


# ---------------------------------------------------------------- histories and origins

@dataclass
class Team:
    name: str
    history: forecast.History
    pooled: bool
    origins: list[dt.date] = field(default_factory=list)
    outcome: dict[int, list[int | None]] = field(default_factory=dict)
    known: dict[int, list[dt.date]] = field(default_factory=dict)


def teams() -> list[Team]:
    """The dev histories, each with its weekly origins and outcomes."""
    pytest_frame = pd.read_csv(DATA / "gh-merges-pytest-dev-pytest.csv")
    spec = [
        ("pytest merges (2016 ..)", pytest_frame, dt.date(2016, 1, 1), None, True),
        ("Jira P1 (.. 2018-02)", DATA / "jira-rueedlinger-P1.csv", None, dt.date(2018, 3, 1),
         True),
        ("ADO FlowMetrics", DATA / "ado-letpeoplework-flowmetricscsv-example.csv", None, None,
         True),
        ("ADO MonteCarlo", DATA / "ado-letpeoplework-montecarlocsv-example.csv", None, None,
         True),
        ("ADO Lighthouse", DATA / "ado-letpeoplework-lighthouse.csv", None, None, True),
        ("pytest people only (not pooled)", pytest_frame[pytest_frame["bot"] == 0],
         dt.date(2016, 1, 1), None, False),
    ]
    out = []
    for name, source, first, end, pooled in spec:
        history = forecast.read_history(source)
        team = Team(name, history, pooled)
        end = end or history.last
        work, counts = daily_series(history, end)
        keep = work <= np.datetime64(end, "D")
        work, counts = work[keep], counts[keep]
        cum = np.concatenate([[0], np.cumsum(counts)])
        last = work[work.size - min(HORIZONS)].astype(dt.date)
        begin = max(history.first, first or history.first) + dt.timedelta(days=FIRST_GAP)
        while last >= begin:
            team.origins.append(last)
            last -= dt.timedelta(days=STEP)
        team.origins.reverse()
        for h in HORIZONS:
            team.outcome[h], team.known[h] = [], []
            for origin in team.origins:
                i = int(np.searchsorted(work, np.datetime64(origin, "D")))
                team.known[h].append(history.calendar.date_of_day(origin, h))
                team.outcome[h].append(int(cum[i + h] - cum[i]) if i + h <= work.size else None)
        out.append(team)
    return out


# ---------------------------------------------------------------- exact engines

@numba.njit(cache=False)
def _dirichlet_multinomial_rows(values, alphas, days):  # pragma: no cover - compiled
    """``rows[m, s] = P(S_m = s)``: totals of ``m`` draws, weights ~ Dirichlet(alphas).

    ``values`` distinct and ascending, ``alphas > 0`` (not necessarily whole).
    Values join one at a time: of ``m`` draws from the urn of the first ``j``
    values, the number of value ``j`` is beta-binomial(m, alpha_j, A_(j-1)),
    by the neutrality of the Dirichlet (see :mod:`forecast.sampling.exact`).
    """
    k = values.size
    size = days * values[k - 1] + 1
    cur = np.zeros((days + 1, size))
    for m in range(days + 1):
        cur[m, values[0] * m] = 1.0
    total = alphas[0]
    lgm = np.empty(days + 1)
    for m in range(days + 1):
        lgm[m] = math.lgamma(m + 1.0)
    for j in range(1, k):
        v, a, b = values[j], alphas[j], total
        base = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
        nxt = np.zeros((days + 1, size))
        for m in range(days + 1):
            lnorm = base - math.lgamma(m + a + b)
            for x in range(m + 1):
                w = math.exp(lgm[m] - lgm[x] - lgm[m - x] + lnorm
                             + math.lgamma(x + a) + math.lgamma(m - x + b))
                if w < 1e-300:
                    continue
                src = cur[m - x]
                top = values[j - 1] * (m - x) + 1  # the first j - 1 values reach no further
                shift = x * v
                for s in range(top):
                    nxt[m, s + shift] += w * src[s]
        cur = nxt
        total += a
    return cur


def weights_by_age(n: int, half_life: float) -> np.ndarray:
    """``2 ** (-age / half_life)`` for the ``n`` days of a sample, oldest first."""
    return 0.5 ** (np.arange(n)[::-1] / half_life)


def twb_pmfs(counts: np.ndarray, half_life: float) -> dict[int, np.ndarray]:
    """Time-weighted Bayesian bootstrap: Dirichlet(n_eff * w / sum(w)) over the days."""
    w = weights_by_age(counts.size, half_life)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    values, where = np.unique(counts, return_inverse=True)
    alphas = np.bincount(where, weights=w) * (n_eff / w.sum())
    rows = _dirichlet_multinomial_rows(values.astype(np.int64), alphas, max(HORIZONS))
    return {h: rows[h].copy() for h in HORIZONS}


def twd_pmfs(counts: np.ndarray, half_life: float) -> dict[int, np.ndarray]:
    """Time-weighted daily bootstrap: the weighted daily pmf convolved ``H`` times."""
    w = weights_by_age(counts.size, half_life)
    day = np.bincount(counts, weights=w) / w.sum()
    out, total = {}, np.ones(1)
    for d in range(1, max(HORIZONS) + 1):
        total = np.convolve(total, day)
        if d in HORIZONS:
            out[d] = total.copy()
    return out


def stretch(pmf: np.ndarray, c: float) -> np.ndarray:
    """The pmf of ``c * S`` rounded up or down at random, keeping its mean exactly ``c * E[S]``."""
    x = np.arange(pmf.size) * c
    lo = np.floor(x).astype(np.int64)
    frac = x - lo
    out = np.zeros(int(lo.max()) + 2)
    np.add.at(out, lo, pmf * (1 - frac))
    np.add.at(out, lo + 1, pmf * frac)
    return out


# ---------------------------------------------------------------- base forecasts

Maker = Callable[[Team, list], list]


def library(method: str, window: int) -> Maker:
    """A fixed configuration through the library's exact engine."""
    def make(team: Team, _cache: list) -> list:
        out = []
        for s in team.history.samples(team.origins, window):
            try:
                blocks = METHODS[method].blocks(s)
            except (ForecastError, AttributeError):  # None, or e.g. no two whole weeks
                out.append(None)
                continue
            pmfs = METHODS[method].exact_how_many_many(blocks, HORIZONS)
            out.append(dict(zip(HORIZONS, pmfs, strict=True)))
        return out
    return make


def weighted(kind: str, half_life: float, window: int = 180) -> Maker:
    def make(team: Team, _cache: list) -> list:
        fn = twb_pmfs if kind == "twb" else twd_pmfs
        return [None if s is None else fn(s.counts.astype(np.int64), half_life)
                for s in team.history.samples(team.origins, window)]
    return make


def trend(recent: int = 10, power: float = 0.5) -> Maker:
    """bayes 30 stretched by (rate of the last ``recent`` working days / the window's) ** power."""
    def make(team: Team, cache: list) -> list:
        base = cache["bayes30"]
        out = []
        for s, b in zip(team.history.samples(team.origins, 30), base, strict=True):
            if b is None:
                out.append(None)
                continue
            ratio = s.counts[-recent:].mean() / s.counts.mean()
            c = float(np.clip(ratio, 0.5, 2.0) ** power)
            out.append({h: stretch(b[h], c) for h in HORIZONS})
        return out
    return make


def auto(team: Team, _cache: list) -> list:
    out = []
    for origin in team.origins:
        row = {}
        for h in HORIZONS:
            f = forecast.how_many(team.history, days=h, start=origin)
            row[h] = np.asarray(f.pmf, dtype=float)
            row[("recalibrated", h)] = any(w.startswith("recalibrated") for w in f.warnings)
        out.append(row)
    return out


BASES: dict[str, Maker] = {
    "auto": auto,
    "standard": library("daily", 30),
    "bayes30": library("bayes", 30),
    "bayes90": library("bayes", 90),
    "bayes180": library("bayes", 180),
    "weekly90": library("weekly", 90),
    "twb5": weighted("twb", 5),
    "twb10": weighted("twb", 10),
    "twb15": weighted("twb", 15),
    "twb20": weighted("twb", 20),
    "twb40": weighted("twb", 40),
    "twd20": weighted("twd", 20),
    "trend": trend(),
}
FALLBACK = "bayes30"  # where a configuration cannot serve an origin (too few whole weeks)


def base_forecasts(all_teams: list[Team], cache_path: Path | None) -> dict[str, dict]:
    cache: dict = {}
    if cache_path and cache_path.exists():
        cache = pickle.loads(cache_path.read_bytes())
    out: dict[str, dict] = {}
    for team in all_teams:
        key = (team.name, tuple(team.origins))
        found = cache.setdefault(key, {})
        for name, make in BASES.items():
            if name not in found:
                t = time.perf_counter()
                found[name] = make(team, found)
                print(f"  {team.name}: {name} in {time.perf_counter() - t:.1f} s",
                      file=sys.stderr)
        out[team.name] = found
    if cache_path:
        cache_path.write_bytes(pickle.dumps(cache))
    return out


# ---------------------------------------------------------------- policies, walk-forward

def pit(pmf: np.ndarray, y: int) -> float:
    return score(pmf, y).pit


def known_counts(team: Team, h: int) -> np.ndarray:
    """At each origin, how many of the first origins' ``h``-day outcomes are known."""
    known = np.array(team.known[h], dtype="datetime64[D]")
    return np.searchsorted(known, np.array(team.origins, dtype="datetime64[D]"), side="left")


def raw(found: dict, name: str, h: int, n: int) -> list[np.ndarray]:
    out = []
    for k in range(n):
        row = found[name][k] or found[FALLBACK][k]
        out.append(row[h])
    return out


def cdf_on(pmf: np.ndarray, size: int) -> np.ndarray:
    c = np.cumsum(pmf)[:size]
    return np.concatenate([c, np.ones(size - c.size)]) if c.size < size else c


def simplex_qp(a: np.ndarray, b: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Weights on the simplex minimising ``w @ a @ w - 2 * b @ w`` (the summed mixture CRPS)."""
    m = b.size
    scale = np.trace(a) / m
    from scipy.optimize import minimize  # the research extra; only the stacking needs it

    res = minimize(lambda v: (v @ a @ v - 2 * b @ v) / scale, start,
                   jac=lambda v: (2 * a @ v - 2 * b) / scale, method="SLSQP",
                   bounds=[(0, 1)] * m,
                   constraints=({"type": "eq", "fun": lambda v: v.sum() - 1,
                                 "jac": lambda v: np.ones(m)},))
    w = np.clip(res.x, 0, None)
    return w / w.sum()


def stack(found: dict, members: tuple[str, ...], h: int, team: Team, n: int,
          lookback: int = 104, minimum: int = MIN_KNOWN
          ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Mixtures whose weights minimise the CRPS over the latest known outcomes."""
    series = [raw(found, m, h, n) for m in members]
    ys = team.outcome[h]
    quad, lin = [], []
    for j in range(n):
        if ys[j] is None:
            break
        size = max(max(s[j].size for s in series), ys[j] + 1)
        cdfs = np.array([cdf_on(s[j], size) for s in series])
        step = (np.arange(size) >= ys[j]).astype(float)
        quad.append(cdfs @ cdfs.T)
        lin.append(cdfs @ step)
    known = known_counts(team, h)
    m = len(members)
    out, weights = [], []
    w0 = np.full(m, 1.0 / m)
    for k in range(n):
        lo, hi = max(0, known[k] - lookback), min(known[k], len(quad))
        w = np.full(m, 1.0 / m)
        if hi - lo >= minimum:
            w = simplex_qp(np.sum(quad[lo:hi], axis=0), np.sum(lin[lo:hi], axis=0), w0)
            w0 = w
        size = max(s[k].size for s in series)
        mix = np.zeros(size)
        for wi, s in zip(w, series, strict=True):
            mix[: s[k].size] += wi * s[k]
        out.append(mix)
        weights.append(w)
    return out, weights


def through_knots(pmf: np.ndarray, q: np.ndarray, levels: tuple[float, ...] = KNOTS
                  ) -> np.ndarray:
    """Map the forecast's CDF through the piecewise-linear curve (0,0), (q_i, level_i), (1,1)."""
    q = np.maximum.accumulate(np.clip(q, 1e-6, 1 - 1e-6))
    q = q + np.arange(q.size) * 1e-9  # strictly increasing for interp
    cdf = np.clip(np.cumsum(pmf), 0.0, 1.0)
    mapped = np.interp(cdf, np.r_[0.0, q, 1.0], np.r_[0.0, levels, 1.0])
    mapped[cdf <= 0.0] = 0.0
    return np.diff(mapped, prepend=0.0)


def conformal_knots(pits: np.ndarray, n_eff: float) -> np.ndarray:
    """Empirical PIT quantiles at the knot levels, widened by the factor ``1 + 1 / n_eff``."""
    out = []
    for level in KNOTS:
        if level > 0.5:
            adj = min(1.0, level * (1 + 1 / n_eff))
        elif level < 0.5:
            adj = max(0.0, 1 - (1 - level) * (1 + 1 / n_eff))
        else:
            adj = level
        out.append(np.quantile(pits, adj, method="inverted_cdf") if 0 < adj < 1
                   else float(adj >= 1))
    return np.array(out)


RECALS = ("none", "halfway", "full", "full104", "shrunk", "knots", "conformal", "aci", "aci05")
ACI_GAMMA = {"aci": 0.02, "aci05": 0.05}
SHRINK_KAPPA = 4.0


def recalibrated(pmfs: list[np.ndarray], team: Team, h: int, kind: str) -> list[np.ndarray]:
    """Each forecast recalibrated by the PITs of the raw forecasts whose outcome it knows."""
    if kind == "none":
        return pmfs
    ys = team.outcome[h]
    pits = [pit(p, y) for p, y in zip(pmfs, ys, strict=False) if y is not None]
    known = known_counts(team, h)
    out = []
    q = np.array(KNOTS, dtype=float)
    fed = 0
    for k, pmf in enumerate(pmfs):
        past = np.array(pits[: known[k]])
        recent = past[-104:]
        n_eff = max(1.0, recent.size * 5 / h)
        if kind == "halfway":
            fixed = partial_recalibration(pmf, past, h * 7 / 5)
            out.append(pmf if fixed is None else fixed)
        elif kind == "full":
            out.append(recalibrate(pmf, past[-52:]) if past.size >= MIN_KNOWN else pmf)
        elif kind == "full104":
            out.append(recalibrate(pmf, recent) if past.size >= MIN_KNOWN else pmf)
        elif kind == "shrunk":
            lam = n_eff / (n_eff + SHRINK_KAPPA)
            out.append((1 - lam) * pmf + lam * recalibrate(pmf, recent)
                       if recent.size >= MIN_KNOWN else pmf)
        elif kind in ("knots", "conformal"):
            if recent.size < MIN_KNOWN:
                out.append(pmf)
                continue
            knots = conformal_knots(recent, n_eff if kind == "conformal" else math.inf)
            out.append(through_knots(pmf, knots))
        elif kind in ACI_GAMMA:
            while fed < known[k]:
                q = q + ACI_GAMMA[kind] * (np.array(KNOTS) - (pits[fed] <= q))
                fed += 1
            out.append(through_knots(pmf, q))
        else:
            raise ValueError(kind)
    return out


def policies(found: dict, team: Team, h: int) -> dict[str, list[np.ndarray]]:
    n = sum(y is not None for y in team.outcome[h])
    out = {"auto (today)": raw(found, "auto", h, n)}
    series = {name: raw(found, name, h, n) for name in BASES if name != "auto"}
    for members in STACKS:
        series["stack(" + ", ".join(members) + ")"] = stack(found, members, h, team, n)[0]
    for name, pmfs in series.items():
        for kind in RECALS:
            out[name if kind == "none" else f"{name} + {kind}"] = recalibrated(pmfs, team, h, kind)
    return out


STACKS = (("bayes30", "bayes90", "bayes180", "weekly90", "twb10", "trend"),)


# ---------------------------------------------------------------- scores and tables

LEVELS = (50.0, 70.0, 85.0, 95.0)
HIGHLIGHT = ("auto (today)", "standard", "bayes30", "bayes30 + full", "twb10", "twb20",
             "twb10 + full104", "twb10 + knots", "twb15 + knots", "twb20 + knots",
             "twb10 + aci")
"""Policies also shown over the first and the second half of each history's origins."""


@dataclass
class Tally:
    least: list[list[bool]] = field(default_factory=list)  # per origin, per level
    most: list[list[bool]] = field(default_factory=list)
    crps: list[float] = field(default_factory=list)
    n_eff: float = 0.0  # origins with non-overlapping horizons

    def add(self, pmf: np.ndarray, y: int, h: int) -> None:
        s = score(pmf, y, LEVELS)
        self.least.append([y >= v for v in s.at_least])
        self.most.append([y <= v for v in s.at_most])
        self.crps.append(s.crps)
        self.n_eff += min(1.0, STEP * 5 / 7 / h)

    def extend(self, other: Tally) -> None:
        self.least += other.least
        self.most += other.most
        self.crps += other.crps
        self.n_eff += other.n_eff

    def half(self, which: int) -> Tally:
        cut = len(self.crps) // 2
        part = slice(0, cut) if which == 0 else slice(cut, None)
        out = Tally(self.least[part], self.most[part], self.crps[part])
        out.n_eff = self.n_eff * len(out.crps) / max(1, len(self.crps))
        return out

    def held(self) -> tuple[float, float]:
        i = LEVELS.index(85.0)
        return float(np.mean([r[i] for r in self.least])), float(np.mean([r[i] for r in self.most]))

    def gap(self) -> float:
        least, most = np.mean(self.least, axis=0), np.mean(self.most, axis=0)
        target = np.array(LEVELS) / 100
        return float(np.mean(np.r_[np.abs(least - target), np.abs(most - target)]) * 100)


def tallies(all_teams: list[Team], forecasts: dict[str, dict]) -> dict:
    out: dict = {}
    for team in all_teams:
        for h in HORIZONS:
            ys = [y for y in team.outcome[h] if y is not None]
            for name, pmfs in policies(forecasts[team.name], team, h).items():
                t = out.setdefault((name, team.name, h), Tally())
                for pmf, y in zip(pmfs, ys, strict=True):
                    t.add(pmf, y, h)
    return out


def cells(t: Tally, ref: Tally, extra: bool = False) -> str:
    if not t.crps:
        return "- | - | - | - | 0" + (" | - | -" if extra else "")
    least, most = t.held()
    out = (f"{least:.0%} | {most:.0%} | {np.mean(t.crps):.2f} | "
           f"{np.sum(t.crps) / np.sum(ref.crps):.3f} | {len(t.crps)}")
    if extra:
        out += f" | {math.sqrt(0.85 * 0.15 / t.n_eff) * 100:.1f} | {t.gap():.1f}"
    return out


COLUMNS = ("N or more", "at most", "CRPS", "vs auto", "origins")


def header(first: str, extra: bool = False) -> str:
    cols = COLUMNS + (("SE", "gap") if extra else ())
    head = f"| {first} | " + " | ".join(f"{h}d: {c}" for h in HORIZONS for c in cols) + " |"
    return head + "\n|" + "---|" * first.count("|") + "---|" + "---:|" * (len(cols) * 2)


def pooled_tally(found: dict, all_teams: list[Team], name: str, h: int,
                 which: int | None = None) -> Tally:
    t = Tally()
    for team in all_teams:
        if team.pooled:
            part = found[(name, team.name, h)]
            t.extend(part if which is None else part.half(which))
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="keep the forecasts in this pickle")
    args = parser.parse_args()
    start = time.perf_counter()
    all_teams = teams()
    forecasts = base_forecasts(all_teams, args.cache)
    found = tallies(all_teams, forecasts)
    names = list(dict.fromkeys(k[0] for k in found))
    ref = "auto (today)"
    print("Pooled over the five dev histories: the share of origins where \"85% chance of N or "
          "more\" and \"85% chance of at most N\" held, the mean CRPS, the summed CRPS over "
          "auto's, the origins; SE: the binomial standard error of an 85% share in points, "
          "counting origins with overlapping horizons once; gap: the mean distance in points "
          "between stated and observed coverage over P50, P70, P85, P95 both ways.\n")
    print(header("policy", extra=True))
    for name in names:
        print(f"| {name} | " + " | ".join(
            cells(pooled_tally(found, all_teams, name, h), pooled_tally(found, all_teams, ref, h),
                  extra=True) for h in HORIZONS) + " |")
    print("\nPooled, over the first and the second half of each history's origins\n")
    print(header("policy | half"))
    for name in HIGHLIGHT:
        for which, label in ((0, "first"), (1, "second")):
            print(f"| {name} | {label} | " + " | ".join(
                cells(pooled_tally(found, all_teams, name, h, which),
                      pooled_tally(found, all_teams, ref, h, which)) for h in HORIZONS) + " |")
    print("\nPer history\n")
    print(header("history | policy", extra=True))
    for team in all_teams:
        for name in names:
            print(f"| {team.name} | {name} | " + " | ".join(
                cells(found[(name, team.name, h)], found[(ref, team.name, h)], extra=True)
                for h in HORIZONS) + " |")
    print(f"\n(run time {time.perf_counter() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
