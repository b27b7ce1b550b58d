"""Independent review checks of the time-weighted Bayesian bootstrap (``weighted``).

The oracle below was written from the exact engines' docstrings only: the
Dirichlet(alpha)-multinomial pmf of the counts of ``m`` draws over the rows,
summed over every composition in exact rational arithmetic (``Fraction`` of
the float alphas, rising factorials), then mapped to the total. The other
checks: Dirichlet-multinomial moments on large windows, the Gamma sampler's
mean, variance and two-sample KS against numpy on the kernel's own streams,
kernel/twin equality of ``gamma_draw``, a plan whose second team is
``weighted`` against the exact When, and ``knot_recalibration`` on
degenerate PITs.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from fractions import Fraction

import numpy as np
import pytest

import forecast
from forecast.core.model import Outcome, Part, Portfolio, Size, Team
from forecast.evaluation.recalibration import KNOTS, knot_recalibration, through_knots
from forecast.sampling import _kernels, _reference
from forecast.sampling.exact import (
    bayes_how_many_pmf,
    bayes_how_many_pmfs,
    bayes_when_pmf,
    polya_below_backlog,
    recency_alphas,
)

# ---------------------------------------------------------------- the oracle


def _compositions(m, n):
    if n == 1:
        yield (m,)
        return
    for k in range(m + 1):
        for rest in _compositions(m - k, n - 1):
            yield (k, *rest)


def _rising(a, k):
    out = Fraction(1)
    for j in range(k):
        out *= a + j
    return out


def dm_total_pmf(values, alphas, m):
    """Exact pmf of sum_i k_i v_i with k ~ DirichletMultinomial(m, alphas) (Fractions)."""
    al = [Fraction(float(a)) for a in alphas]
    denom = _rising(sum(al), m)
    found: dict[int, Fraction] = {}
    for k in _compositions(m, len(values)):
        p = Fraction(math.factorial(m))
        for ki, ai in zip(k, al, strict=True):
            p *= _rising(ai, ki) / math.factorial(ki)
        s = sum(ki * int(v) for ki, v in zip(k, values, strict=True))
        found[s] = found.get(s, Fraction(0)) + p / denom
    return [float(found.get(s, 0)) for s in range(max(found) + 1)]


def dm_when(values, alphas, items, horizon):
    """Completion day T = min{d: S_d >= items} (items >= 1): pmf over 0..horizon, beyond."""
    surv = [0.0] + [sum(dm_total_pmf(values, alphas, d)[items:]) for d in range(1, horizon + 1)]
    return np.diff(surv, prepend=0.0), 1.0 - surv[-1]


def _pad(a, size):
    out = np.zeros(size)
    out[: len(a)] = np.asarray(a, dtype=float)
    return out


def _close(a, b):
    size = max(len(a), len(b))
    return float(np.abs(_pad(a, size) - _pad(b, size)).max())


CHOICES = [1e-4, 1e-8, 0.3, 0.5, 1.0, 2.0, 3.0, 1 - 1e-12, 1 + 1e-12, 2 + 1e-9, 50.0]


def _random_case(rng):
    n = int(rng.integers(1, 6))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        values = rng.integers(0, 4, size=n)
    elif kind == 1:  # all zeros but one day
        values = np.zeros(n, dtype=np.int64)
        values[rng.integers(n)] = rng.integers(1, 5)
    elif kind == 2:  # repeated values
        values = rng.choice([0, 2, 2, 5], size=n)
    else:
        values = rng.choice([0, 1, 3, 1000], size=n)
    pick = int(rng.integers(0, 5))
    if pick == 0:
        alphas = np.full(n, 1e-4)
    elif pick == 1:
        alphas = rng.choice(CHOICES, size=n)  # whole numbers mixed with fractional ones
    elif pick == 2:
        alphas = 10 ** rng.uniform(-4, 1, size=n)
    elif pick == 3:
        alphas = rng.choice([1.0, 2.0, 3.0], size=n)
    else:
        alphas = recency_alphas(n, float(rng.choice([1.0, 3.0, 10.0])))
    return values.astype(np.int64), np.asarray(alphas, dtype=float)


def test_exact_engines_match_the_enumerated_dirichlet_multinomial():
    rng = np.random.default_rng(2024)
    worst = {"how_many": 0.0, "how_many_many": 0.0, "when": 0.0, "below": 0.0}
    for _ in range(250):
        values, alphas = _random_case(rng)
        rows = values.reshape(-1, 1)
        m = int(rng.integers(0, 6))
        want = dm_total_pmf(values, alphas, m)
        worst["how_many"] = max(worst["how_many"],
                                _close(bayes_how_many_pmf(rows, m, alphas=alphas), want))
        spans = tuple(sorted({m, max(m - 1, 0), min(m + 1, 5)}))
        for d, got in zip(spans, bayes_how_many_pmfs(rows, spans, alphas=alphas), strict=True):
            worst["how_many_many"] = max(worst["how_many_many"],
                                         _close(got, dm_total_pmf(values, alphas, d)))
        items, horizon = int(rng.integers(1, 8)), int(rng.integers(0, 5))
        pmf, beyond = bayes_when_pmf(rows, items, horizon, alphas=alphas)
        want_pmf, want_beyond = dm_when(values, alphas, items, horizon)
        assert len(pmf) == horizon + 1
        worst["when"] = max(worst["when"], _close(pmf, want_pmf), abs(beyond - want_beyond))
        below = polya_below_backlog(rows, items, horizon, alphas=alphas)
        for d in range(horizon + 1):
            want_d = _pad(dm_total_pmf(values, alphas, d), items + max(values) * d + 1)[:items]
            worst["below"] = max(worst["below"], _close(below[d, :items], want_d))
    assert max(worst.values()) < 1e-12, worst


def test_exact_moments_on_long_windows():
    # E[S_m] = m p.c and Var[S_m] = m (A + m) / (A + 1) * Var_p(c), p = alpha / A
    rng = np.random.default_rng(11)
    for trial in range(25):
        n, days = int(rng.integers(1, 400)), int(rng.integers(0, 200))
        counts = rng.poisson(rng.uniform(0.1, 15), size=n)
        if trial % 5 == 0:  # all zeros but one (large) day
            counts[:] = 0
            counts[rng.integers(n)] = int(rng.integers(1, 400))
        counts[-1] += counts.max() == 0
        alphas = recency_alphas(n, float(rng.choice([2.0, 10.0, 50.0])))
        a_total = alphas.sum()
        p = alphas / a_total
        pmf = bayes_how_many_pmf(counts.reshape(-1, 1), days, alphas=alphas)
        s = np.arange(pmf.size)
        mean = days * (p @ counts)
        var = days * (a_total + days) / (a_total + 1) * (p @ counts ** 2 - (p @ counts) ** 2)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
        assert pmf.min() > -1e-15
        assert s @ pmf == pytest.approx(mean, rel=1e-9, abs=1e-9)
        assert (s - s @ pmf) ** 2 @ pmf == pytest.approx(var, rel=1e-9, abs=1e-9)


def test_recency_alphas_by_the_formula():
    for n in (1, 2, 7, 180, 2600):
        for half_life in (1.0, 3.5, 10.0, float("inf")):
            w = 2.0 ** (-(n - 1 - np.arange(n)) / half_life)
            want = (w.sum() ** 2 / (w ** 2).sum()) * w / w.sum()
            np.testing.assert_allclose(recency_alphas(n, half_life), want, rtol=1e-13)


# ---------------------------------------------------------- the Gamma sampler


@_kernels.njit
def _gammas(a, seed, n, per_trial):
    key = _kernels.mix64(np.uint64(seed))
    s0, s1, s2, s3 = _kernels.trial_state(key, 0)
    out = np.empty(n)
    for t in range(n):
        if per_trial:
            s0, s1, s2, s3 = _kernels.trial_state(key, t)
        x, s0, s1, s2, s3 = _kernels.gamma_draw(a, s0, s1, s2, s3)
        out[t] = x
    return out


def _ks_p(x, y):
    x, y = np.sort(x), np.sort(y)
    z = np.concatenate([x, y])
    d = np.abs(np.searchsorted(x, z, "right") / x.size
               - np.searchsorted(y, z, "right") / y.size).max()
    ne = x.size * y.size / (x.size + y.size)
    lam = (math.sqrt(ne) + 0.12 + 0.11 / math.sqrt(ne)) * d
    return min(1.0, max(0.0, 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam)
                                     for k in range(1, 100))))


@pytest.mark.parametrize("a", [1e-3, 0.3, 1.0, 2.5, 10.0])
@pytest.mark.parametrize("per_trial", [True, False])
def test_gamma_draw_has_the_gamma_moments_and_shape(a, per_trial):
    n = 400_000
    x = _gammas(a, 77, n, per_trial)
    assert np.isfinite(x).all() and x.min() >= 0
    # Gamma(a): mean a, variance a; the sample variance's variance is (mu4 - a^2) / n with
    # mu4 = 3a^2 + 6a
    assert abs(x.mean() - a) < 5 * math.sqrt(a / n)
    assert abs(x.var() - a) < 5 * math.sqrt((2 * a * a + 6 * a) / n)
    assert _ks_p(x, np.random.default_rng(1).gamma(a, size=n)) > 1e-4


def test_gamma_draw_equals_its_twin():
    key = _kernels.mix64(np.uint64(5))
    for a in (1e-5, 1e-3, 0.3, 0.999, 1.0, 1.7, 2.5, 10.0, 300.0):
        for t in range(200):
            words = _kernels.trial_state(key, t)
            got = _kernels.gamma_draw(a, *(np.uint64(w) for w in words))[0]
            state = list(_reference.trial_state(int(key), t))
            assert got == _reference.gamma_draw(a, state)


@_kernels.njit
def _dirichlet_shares(alphas, seed, n):
    key = _kernels.mix64(np.uint64(seed))
    out = np.empty((n, alphas.size))
    for t in range(n):
        s0, s1, s2, s3 = _kernels.trial_state(key, t)
        cdf, s0, s1, s2, s3 = _kernels.dirichlet_cdf(alphas, s0, s1, s2, s3)
        prev = 0.0
        for i in range(alphas.size):
            out[t, i] = (cdf[i] - prev) / cdf[alphas.size - 1]
            prev = cdf[i]
    return out


@pytest.mark.parametrize("alphas", [[1e-4, 0.3, 1.0, 2.5, 10.0], list(recency_alphas(30))])
def test_dirichlet_cdf_shares_have_the_dirichlet_moments(alphas):
    alphas = np.array(alphas)
    n = 200_000
    w = _dirichlet_shares(alphas, 7, n)
    a_total = alphas.sum()
    mean = alphas / a_total
    var = alphas * (a_total - alphas) / (a_total ** 2 * (a_total + 1))
    assert np.all(np.abs(w.mean(0) - mean) < 5 * np.sqrt(var / n))
    se_var = np.sqrt(((w - w.mean(0)) ** 2).var(0) / n)
    assert np.all(np.abs(w.var(0) - var) < 5 * se_var + 1e-12)


# ------------------------------------------------------------------- a plan

START = dt.date(2024, 6, 3)


def _history(mean, seed, days=70):
    counts = np.random.default_rng(seed).poisson(mean, days)
    counts[0] += 1
    counts[-10:] += 3  # a recent speed-up, so that the recency weights matter
    return forecast.History.from_counts(np.datetime64(START) - days + np.arange(days), counts,
                                        calendar="all")


def test_a_plans_second_team_on_weighted_draws_the_exact_distribution():
    # the kernel-vs-twin tests share plan_arrays; this checks the layout of a later team's
    # Dirichlet parameters against the exact When engine, by distribution
    a, b = _history(1.0, 1), _history(2.0, 2)
    portfolio = Portfolio((Team("a", a, window=70, method="daily"),
                           Team("b", b, window=70, method="weighted")),
                          (Outcome("B", (Part("b", Size(60, 60)),)),))
    trials = 40_000
    r = forecast.plan(portfolio, start=START, trials=trials, rng=5, horizon=400)
    f = forecast.when(b, 60, start=START, window=70, method="weighted", engine="exact",
                      horizon=400)
    got = np.cumsum(np.bincount(r.day_index[:, 0] + 1, minlength=f.pmf.size)[: f.pmf.size])
    assert np.abs(got / trials - np.cumsum(f.pmf)).max() < 5 * 0.5 / math.sqrt(trials)


# --------------------------------------------------------- the recalibration

PMF = np.array([0.0, 0.1, 0.2, 0.3, 0.2, 0.1])  # 0.1 beyond the horizon


@pytest.mark.parametrize("pits", [np.zeros(50), np.ones(50), np.full(50, 0.5),
                                  np.r_[np.zeros(25), np.ones(25)], np.full(20, 0.3)])
def test_knot_recalibration_on_degenerate_pits(pits):
    out = knot_recalibration(PMF, pits)
    assert out is not None and np.isfinite(out).all()
    assert out.min() >= 0 and out.sum() <= 1 + 1e-12
    assert out[0] == 0  # ruled out stays ruled out
    assert 1 - out.sum() > 0  # beyond the horizon stays beyond it (some of it)


def test_knot_recalibration_all_low_or_all_high_pits_move_the_mass_to_the_ends():
    low = knot_recalibration(PMF, np.zeros(50))
    high = knot_recalibration(PMF, np.ones(50))
    assert low[1] > 0.95  # outcomes below everything: the first possible cell
    assert 1 - high.sum() > 0.95  # outcomes above everything: beyond the horizon


def test_knot_recalibration_random_stress():
    rng = np.random.default_rng(0)
    for _ in range(3000):
        n = int(rng.integers(1, 30))
        p = rng.dirichlet(np.full(n, 0.3)) * (1.0 if rng.random() < 0.5 else rng.uniform(0.5, 1))
        p[rng.random(n) < 0.3] = 0
        k = int(rng.integers(20, 150))
        pits = [rng.uniform(size=k), rng.beta(0.3, 0.3, size=k), np.round(rng.uniform(size=k), 1),
                rng.choice([0.0, 0.5, 1.0], size=k)][int(rng.integers(4))]
        out = knot_recalibration(p, pits)
        assert out.min() >= 0 and out.sum() <= 1 + 1e-12
        assert np.all(out[p == 0] == 0)  # every cell the forecast ruled out stays ruled out
    assert np.abs(through_knots(p, KNOTS) - p).max() < 1e-8  # calibrated knots: identity


def _calibrated_knot_shift(pmf):
    """Largest CDF shift of a perfectly calibrated forecast, with infinitely many PITs."""
    p = np.asarray(pmf, dtype=float) / np.sum(pmf)
    cdf = np.cumsum(p)
    mid = cdf - p / 2  # the package's mid-point PIT of each outcome
    q = [mid[np.searchsorted(cdf, k - 1e-15)] for k in KNOTS]  # inverted_cdf quantiles
    return float(np.abs(np.cumsum(through_knots(p, q)) - cdf).max())


def test_knot_recalibration_moves_a_calibrated_discrete_forecast_only_a_little():
    # mid-point PITs of a few distinct counts are not uniform, so the map is not the
    # identity for a calibrated discrete forecast (documented in knot_recalibration)
    poisson1 = np.array([math.exp(-1) / math.factorial(k) for k in range(15)])
    assert 0.0 < _calibrated_knot_shift(poisson1) < 0.07  # observed: 0.064


# -------------------------------------------------------------- the findings


def test_the_docstrings_list_weighted():
    from forecast.core.model import Team as TeamClass

    assert '"weighted"' in inspect.getdoc(forecast.when).split("method :")[1].split("\n")[0]
    assert "weighted" in inspect.getdoc(TeamClass).split("method :")[1].split("\n")[0]
