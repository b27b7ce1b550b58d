"""The experiment behind ``auto``'s rules: which choice and recalibration policies hold up.

For every weekly origin of each real history (with 180 days before it), the
exact or Monte Carlo How-many distributions of every configuration (daily,
weekly, bayes x 30, 60, 90, 180 days) at 10, 20 and 40 working days are
computed from the data before the origin. Policies are then replayed walk-
forward over the second half of the origins, each deciding from the origins
whose 40-day outcome was known at the time:

- ``standard``: daily, 30 days; ``bayes30``: Bayesian bootstrap, 30 days;
- ``lowest``: the configuration with the lowest mean relative CRPS over the
  last 52 known origins (the rule ``auto`` had before);
- ``kept-unless-z2``: bayes 30 unless the lowest one beat it by more than two
  standard errors (paired, overlapping horizons counted once): ``auto`` now;
- ``kept-unless-z2-3y``: the same, judged on three years of origins instead
  of one;

each without recalibration, with a full quantile recalibration by the last
52 known PITs, and with ``auto``'s rule (halfway, only on a miss of more than
one standard error). Printed per history and horizon: P85 "N or more" / "at
most" held, the mean calibration gap over 50/70/85/95 both ways (points),
and the mean CRPS.

Run:  .venv/bin/python benchmarks/calibration_policies.py   (about five minutes)
"""

from __future__ import annotations

import math
import sys

import numpy as np
from calibration import actual, histories, origins

from forecast.evaluation import scoring
from forecast.evaluation.recalibration import partial_recalibration, recalibrate
from forecast.evaluation.scoring import levels_table, pit_of
from forecast.exceptions import ForecastError
from forecast.sampling.methods import METHODS, how_many_distribution

HORIZONS = (10, 20, 40)
SCORED = (20, 40)
WINDOWS = (30, 60, 90, 180)
CONFIGS = [(m, w) for m in METHODS for w in WINDOWS]
STANDARD, DEFAULT = ("daily", 30), ("bayes", 30)
LEVELS = (50, 70, 85, 95)


def forecasts(history, points):
    rows = []
    for k, origin in enumerate(points):
        row = {"origin": origin, "pmf": {},
               "actual": {h: actual(history, origin, h) for h in HORIZONS},
               "known": history.calendar.date_of_day(origin, max(HORIZONS))}
        for w in WINDOWS:
            try:
                s = history.sample(origin, window=w)
            except ForecastError:
                continue
            for name, method in METHODS.items():
                try:
                    blocks = method.blocks(s)
                except ForecastError:
                    continue  # e.g. weekly without two whole weeks in the window
                for h in HORIZONS:  # exact where the method has an exact engine
                    row["pmf"][(name, w, h)] = how_many_distribution(
                        method, blocks, h, trials=2000, seed=7 + k)[0]
        rows.append(row)
    return rows


def crps_of(row, config, h):
    cache = row.setdefault("crps", {})
    if (config, h) not in cache:
        pmf = row["pmf"].get((*config, h))
        cache[(config, h)] = math.nan if pmf is None else scoring.crps_of(pmf, row["actual"][h])
    return cache[(config, h)]


def choose(rows, k, rule):
    if rule in ("standard", "bayes30"):
        return STANDARD if rule == "standard" else DEFAULT
    lookback = 156 if rule.endswith("-3y") else 52
    known = [j for j in range(k) if rows[j]["known"] < rows[k]["origin"]][-lookback:]
    if len(known) < 10:
        return DEFAULT
    rel: dict[tuple[str, int], list[float]] = {c: [] for c in CONFIGS}
    per: dict[tuple[str, int], dict[int, np.ndarray]] = {c: {} for c in CONFIGS}
    for h in HORIZONS:
        values = {c: np.array([crps_of(rows[j], c, h) for j in known]) for c in CONFIGS}
        ok = np.all([~np.isnan(v) for v in values.values()], axis=0)
        if not ok.any():
            continue
        scale = np.mean([values[c][ok].mean() for c in CONFIGS])
        for c in CONFIGS:
            rel[c].append(values[c][ok].mean() / scale)
            per[c][h] = values[c][ok]
    best = min(CONFIGS, key=lambda c: (np.mean(rel[c]) if rel[c] else math.inf, c))
    if rule == "lowest" or best == DEFAULT:
        return best
    zs = []
    for h in per[best]:
        d = per[DEFAULT][h] - per[best][h]
        n_eff = max(1.0, d.size * 7 / (h * 7 / 5))
        sd = d.std(ddof=1)
        zs.append(d.mean() / (sd / math.sqrt(n_eff)) if sd > 0 else 0.0)
    return best if np.mean(zs) > 2 else DEFAULT


def score(rows, rule, recal):
    start = len(rows) // 2
    out = {}
    choices = {k: choose(rows, k, rule) for k in range(len(rows))}
    for h in SCORED:
        past, held_least, held_most, crps = [], {p: [] for p in LEVELS}, {p: [] for p in LEVELS}, []
        for k, row in enumerate(rows):
            pmf = row["pmf"].get((*choices[k], h))
            if pmf is None:
                pmf = row["pmf"][(*STANDARD, h)]
            y = row["actual"][h]
            known = [u for j, u in past if rows[j]["known"] < row["origin"]]
            shown = pmf
            if recal == "full" and len(known) >= 20:
                shown = recalibrate(pmf, np.array(known[-52:]))
            elif recal == "auto":
                fixed = partial_recalibration(pmf, known, h * 7 / 5)
                shown = pmf if fixed is None else fixed
            past.append((k, pit_of(pmf, y)))
            if k < start:
                continue
            least, most = levels_table(shown, LEVELS)
            for i, p in enumerate(LEVELS):
                held_least[p].append(y >= least[i])
                held_most[p].append(y <= most[i])
            crps.append(scoring.crps_of(shown, y))
        gap = np.mean([abs(np.mean(held_least[p]) - p / 100) for p in LEVELS]
                      + [abs(np.mean(held_most[p]) - p / 100) for p in LEVELS])
        out[h] = (f"{np.mean(held_least[85]):.0%} / {np.mean(held_most[85]):.0%}, "
                  f"{gap * 100:.1f}, {np.mean(crps):.2f}")
    return out


def main() -> None:
    print("| history | policy | recalibration | 20 days: held, gap, CRPS "
          "| 40 days: held, gap, CRPS |")
    print("|---|---|---|---|---|")
    for name, history, first, end in histories():
        rows = forecasts(history, origins(history, first, end))
        for rule in ("standard", "bayes30", "lowest", "kept-unless-z2", "kept-unless-z2-3y"):
            for recal in ("none", "full", "auto"):
                cells = score(rows, rule, recal)
                print(f"| {name} | {rule} | {recal} | {cells[20]} | {cells[40]} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
