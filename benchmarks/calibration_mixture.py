"""Experiment: does averaging the exact How-many distributions of several windows (model
averaging over the window length) calibrate better than the standard daily 30-day one?

Origins every 7 days over the second half of each history (as in calibration.py); at
each, How many in 20 and 40 working days from the data before the origin, scored by
whether "85% chance of N or more" and "85% chance of at most N" held, and by the exact
CRPS. Not a method of the package (yet): the evidence is mixed, see the README.

Run:  .venv/bin/python benchmarks/calibration_mixture.py
"""

import datetime as dt
import warnings
from pathlib import Path

import numpy as np

import forecast
from forecast.evaluation.backtest import daily_series
from forecast.evaluation.scoring import crps_of

ROOT = Path(__file__).resolve().parents[1]
H = [("ADO", ROOT / "tests/data/ado-flowmetrics.csv", None),
     ("Jira P1", ROOT / "tests/data/jira-p1.csv", dt.date(2018, 3, 1)),
     ("pytest all", ROOT.parent / "shared/data/gh-merges-pytest-dev-pytest.csv", None)]

def pmf_of(h, origin, days, window, method="daily"):
    """The exact How-many pmf of one configuration at one origin."""
    f = forecast.how_many(h, days=days, start=origin, window=window, method=method, engine="exact")
    return np.asarray(f.pmf, dtype=float)

def score(pmf, y):
    cdf = np.cumsum(pmf)
    surv = 1 - np.concatenate([[0], cdf[:-1]])  # P(X >= n)
    n_or_more = int(np.flatnonzero(surv >= 0.85 - 1e-12).max())  # largest n with P(X>=n)>=.85
    at_most = int(np.flatnonzero(cdf >= 0.85 - 1e-12).min())   # smallest n with P(X<=n)>=.85
    return y >= n_or_more, y <= at_most, crps_of(pmf, y)

def mix(pmfs):
    n = max(p.size for p in pmfs)
    out = np.zeros(n)
    for p in pmfs:
        out[:p.size] += p
    return out / len(pmfs)

configs = {
    "std d30": lambda h, o, d: pmf_of(h, o, d, 30),
    "mix d30-180": lambda h, o, d: mix([pmf_of(h, o, d, w) for w in (30, 60, 90, 180)]),
    "mix d30-90": lambda h, o, d: mix([pmf_of(h, o, d, w) for w in (30, 60, 90)]),
    "mix w60-180": lambda h, o, d: mix([pmf_of(h, o, d, w, "weekly") for w in (60, 90, 180)]),
    "mix d+w": lambda h, o, d: mix([pmf_of(h, o, d, w, m) for w in (30, 90, 180)
                                    for m in ("daily", "weekly")]),
}
warnings.simplefilter("ignore")
for name, path, end in H:
    if not path.exists():
        print(f"{name}: {path} not found, skipped")
        continue
    h = forecast.read_history(path)
    last = end or h.last
    work, counts = daily_series(h, last)
    work = work[work <= np.datetime64(last, "D")]
    counts = counts[:work.size]
    cum = np.concatenate([[0], np.cumsum(counts)])
    first = h.first + dt.timedelta(days=180)
    for days in (20, 40):
        lasto = work[work.size - days].astype(dt.date)
        count = (lasto - first).days // 7 + 1
        origins = [lasto - dt.timedelta(days=7 * i) for i in range(count)][::-1]
        origins = origins[len(origins) // 2:]
        res = {k: [] for k in configs}
        for o in origins:
            i = int(np.searchsorted(work, np.datetime64(o, "D")))
            y = int(cum[i + days] - cum[i])
            for k, fn in configs.items():
                try:
                    res[k].append(score(fn(h, o, days), y))
                except forecast.ForecastError:
                    pass
        line = f"{name:10s} h={days} n={len(origins)}: "
        for k, v in res.items():
            a = np.array(v, dtype=float)
            line += f"| {k}: {a[:,0].mean():.0%}/{a[:,1].mean():.0%} crps {a[:,2].mean():.2f} "
        print(line, flush=True)
