"""Judge ``method="auto"`` exactly as it runs: re-chosen at every origin from its past.

At each origin of the second half of a history's backtest, the configuration
is chosen as ``method="auto"`` does (lowest CRPS over the last year of weekly
origins before it, from data before it only), then its How-many forecast at
20 and 40 working days is scored against what happened, beside the standard
forecast (daily, 30-day window) at the same origins. Recalibration is left
out, to see the choice alone.

Run:  .venv/bin/python benchmarks/calibration_nested.py   (several minutes)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

import forecast
from forecast.backtest import _crps, _levels_table, backtest
from forecast.questions import _auto

ROOT = Path(__file__).resolve().parents[1]
HISTORIES = [
    ("ADO team (LetPeopleWork FlowMetricsCSV)", ROOT / "tests/data/ado-flowmetrics.csv", None),
    ("Jira P1 (rueedlinger agile-project-dataset)", ROOT / "tests/data/jira-p1.csv",
     dt.date(2018, 3, 1)),
    ("pytest merges, all (2013 .. 2026)",
     ROOT.parent / "shared/data/gh-merges-pytest-dev-pytest.csv", None),
]
HORIZONS = (20, 40)


def actual(history: forecast.History, origin: dt.date, days: int) -> int:
    """Items dated from the origin through its ``days``-th working day."""
    end = history.calendar.date_of_day(origin, days)
    keep = (history.dates >= np.datetime64(origin, "D")) & (history.dates <= np.datetime64(end))
    return int(history.counts[keep].sum())


def main() -> None:
    print("| history | horizon | origins | standard: P85 held (N or more / at most) | "
          "auto re-chosen per origin: held | standard CRPS | auto CRPS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, path, end in HISTORIES:
        if not path.exists():
            continue
        history = forecast.read_history(path)
        full = backtest(history, start=end, horizons=HORIZONS, windows=(30, 60, 90), rng=1)
        origins = full.origins[len(full.origins) // 2:]
        rows = {h: {"std": [], "auto": []} for h in HORIZONS}
        for origin in origins:
            chosen = _auto(history, origin, 90, None)
            for h in HORIZONS:
                y = actual(history, origin, h)
                for key, method, window in (("std", "daily", 30),
                                            ("auto", chosen.method, chosen.window)):
                    try:
                        f = forecast.how_many(history, days=h, start=origin, window=window,
                                              method=method, trials=4000, rng=1)
                    except forecast.ForecastError:
                        continue
                    least, most = _levels_table(f.pmf, (85,))
                    rows[h][key].append((y >= least[0], y <= most[0], _crps(f.pmf, y)))
        for h in HORIZONS:
            std, auto = np.array(rows[h]["std"]), np.array(rows[h]["auto"])
            print(f"| {name} | {h} | {len(std)} / {len(auto)} | {std[:, 0].mean():.0%} / "
                  f"{std[:, 1].mean():.0%} | {auto[:, 0].mean():.0%} / {auto[:, 1].mean():.0%} "
                  f"| {std[:, 2].mean():.2f} | {auto[:, 2].mean():.2f} |", flush=True)


if __name__ == "__main__":
    main()
