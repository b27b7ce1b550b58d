"""What ``auto`` delivers on the dev histories, walk-forward, against another version of it.

The same histories, weekly origins and outcomes as
``benchmarks/calibration_drift.py`` (pytest merges from 2016, Jira P1 to
2018-03 and the three Azure DevOps files of ``../shared/data``; pytest
"people only" shown, not pooled). At each origin, How many items in the next
20 and in the next 40 working days, by ``forecast.how_many(history, days=H,
start=origin)`` with every default: exactly what a user gets. Nothing is
sampled (auto's engines are exact), so a run is deterministic.

``--save FILE`` keeps the forecasts (a pickle: history name -> one
``{horizon: pmf}`` per origin); ``--baseline FILE`` reads forecasts saved by
another version of the package (run this script with that version first, e.g.
from a worktree of an older commit) and prints both, pooled and per history:
the share of origins where "85% chance of N or more" and "85% chance of at
most N" held, the mean CRPS, this version's summed CRPS relative to the
baseline's on the same origins, the origins, the binomial standard error of an
85% share counting overlapping horizons once, and the mean gap in points over
P50, P70, P85 and P95 in both directions.

Run (from the repository root; about five minutes on the 2-core machine)::

    nice .venv/bin/python benchmarks/calibration_auto.py --save /tmp/auto-now.pkl \\
        [--baseline /tmp/auto-before.pkl] [--reuse]

``--reuse`` reads this version's forecasts back from ``--save`` (to print
them against another baseline without making them again).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np

import forecast

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibration_drift import HORIZONS, Tally, Team, cells, header, teams  # noqa: E402


def auto_forecasts(all_teams: list[Team]) -> dict[str, list[dict[int, np.ndarray]]]:
    """Every origin's How-many pmfs from ``forecast.how_many`` with its defaults."""
    out = {}
    for team in all_teams:
        rows = []
        for origin in team.origins:
            rows.append({h: np.asarray(forecast.how_many(team.history, days=h,
                                                         start=origin).pmf, dtype=float)
                         for h in HORIZONS})
        out[team.name] = rows
    return out


def tally(team: Team, rows: list[dict[int, np.ndarray]], h: int) -> Tally:
    t = Tally()
    for row, y in zip(rows, team.outcome[h], strict=True):
        if y is not None:
            t.add(row[h], y, h)
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--save", type=Path, help="keep this version's forecasts here")
    parser.add_argument("--baseline", type=Path, help="forecasts saved by another version")
    parser.add_argument("--reuse", action="store_true",
                        help="read this version's forecasts from --save instead of making them")
    args = parser.parse_args()
    start = time.perf_counter()
    all_teams = teams()
    if args.reuse and args.save:
        now = pickle.loads(args.save.read_bytes())
    else:
        now = auto_forecasts(all_teams)
        if args.save:
            args.save.write_bytes(pickle.dumps(now))
    found = {"auto (this version)": now}
    if args.baseline:
        found["auto (baseline)"] = pickle.loads(args.baseline.read_bytes())
    ref = "auto (baseline)" if args.baseline else "auto (this version)"
    print(f"forecast {forecast.__version__}; relative CRPS against {ref}\n")
    print(header("policy", extra=True))
    for name, rows in found.items():
        pooled = {h: Tally() for h in HORIZONS}
        base = {h: Tally() for h in HORIZONS}
        for team in all_teams:
            if team.pooled:
                for h in HORIZONS:
                    pooled[h].extend(tally(team, rows[team.name], h))
                    base[h].extend(tally(team, found[ref][team.name], h))
        print(f"| {name} | " + " | ".join(cells(pooled[h], base[h], extra=True)
                                          for h in HORIZONS) + " |")
    print("\nPer history\n")
    print(header("history | policy", extra=True))
    for team in all_teams:
        for name, rows in found.items():
            print(f"| {team.name} | {name} | " + " | ".join(
                cells(tally(team, rows[team.name], h), tally(team, found[ref][team.name], h),
                      extra=True) for h in HORIZONS) + " |")
    print(f"\n(run time {time.perf_counter() - start:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
