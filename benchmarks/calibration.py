"""How often "85%" held on real histories: ``auto`` exactly as it runs, against the standard.

At every weekly origin of the second half of each history, two forecasts of
How many items in 20 and in 40 working days are made through the public API
from the data before the origin only, and scored against what happened:

- ``auto``: ``forecast.how_many(history, days=H, start=origin)``, all defaults:
  the team's backtest over the year before the origin keeps the time-weighted
  Bayesian bootstrap of 180 days unless another configuration was clearly
  better, and recalibrates the answer by the chosen configuration's past
  outcomes (up to 104);
- the standard: ``method="daily", window=30`` (independent working days from
  the last 30 days), what most tools do.

Printed: the share of origins where each P85 statement held ("85% chance of
N or more" and "85% chance of at most N"), the mean calibration gap over the
levels 50, 70, 85, 95 in both directions, and the mean CRPS (lower is
better), as a Markdown table; then what auto chose.

Run:  .venv/bin/python benchmarks/calibration.py   (about four minutes on 2 cores)
"""

from __future__ import annotations

import collections
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import forecast
from forecast.evaluation.backtest import daily_series
from forecast.evaluation.scoring import crps_of, levels_table

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared/data/gh-merges-pytest-dev-pytest.csv"
HORIZONS = (20, 40)
LEVELS = (50, 70, 85, 95)


def histories() -> list[tuple[str, forecast.History, dt.date | None, dt.date | None]]:
    """(name, history, first date used, last date used)."""
    items = [
        ("ADO team (LetPeopleWork FlowMetricsCSV, 2023-01 .. 2024-05)",
         forecast.read_history(ROOT / "tests/data/ado-flowmetrics.csv"), None, None),
        ("Jira P1 (rueedlinger agile-project-dataset, 2015-01 .. 2018-02)",
         forecast.read_history(ROOT / "tests/data/jira-p1.csv"), None, dt.date(2018, 3, 1)),
    ]
    if SHARED.exists():  # the shared data's README: use 2016 onward
        frame = pd.read_csv(SHARED)
        items.append(("pytest merges, all (2016 .. 2026)",
                      forecast.read_history(frame), dt.date(2016, 1, 1), None))
        items.append(("pytest merges, people only (2016 .. 2026)",
                      forecast.read_history(frame[frame["bot"] == 0]), dt.date(2016, 1, 1),
                      None))
    return items


def origins(history: forecast.History, first: dt.date | None, end: dt.date | None
            ) -> list[dt.date]:
    """Weekly origins with 180 days of history before them and 40 working days after."""
    end = end or history.last
    work, _ = daily_series(history, end)
    work = work[work <= np.datetime64(end, "D")]
    last = work[work.size - max(HORIZONS)].astype(dt.date)
    begin = max(history.first, first or history.first) + dt.timedelta(days=180)
    out = []
    while last >= begin:
        out.append(last)
        last -= dt.timedelta(days=7)
    return out[::-1]


def actual(history: forecast.History, origin: dt.date, days: int) -> int:
    """Items dated from the origin through its ``days``-th working day."""
    end = history.calendar.date_of_day(origin, days)
    keep = (history.dates >= np.datetime64(origin, "D")) & (history.dates <= np.datetime64(end))
    return int(history.counts[keep].sum())


class Tally:
    def __init__(self) -> None:
        self.least: dict[int, list[bool]] = {p: [] for p in LEVELS}
        self.most: dict[int, list[bool]] = {p: [] for p in LEVELS}
        self.crps: list[float] = []

    def add(self, pmf: np.ndarray, y: int) -> None:
        least, most = levels_table(pmf, LEVELS)
        for i, p in enumerate(LEVELS):
            self.least[p].append(y >= least[i])
            self.most[p].append(y <= most[i])
        self.crps.append(crps_of(pmf, y))

    def cells(self) -> str:
        gap = np.mean([abs(np.mean(self.least[p]) - p / 100) for p in LEVELS]
                      + [abs(np.mean(self.most[p]) - p / 100) for p in LEVELS])
        return (f"{np.mean(self.least[85]):.0%} / {np.mean(self.most[85]):.0%} | "
                f"{gap * 100:.1f} | {np.mean(self.crps):.2f}")


def main() -> None:
    print("| history | horizon (working days) | origins | standard: P85 \"N or more\" / "
          "\"at most\" held | standard: mean gap (points) | standard CRPS | auto: P85 held "
          "| auto: mean gap | auto CRPS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    chosen_by: dict[str, collections.Counter[str]] = {}
    for name, history, first, end in histories():
        points = origins(history, first, end)
        scored = points[len(points) // 2:]
        std = {h: Tally() for h in HORIZONS}
        auto = {h: Tally() for h in HORIZONS}
        chosen: collections.Counter[str] = collections.Counter()
        for origin in scored:
            for h in HORIZONS:
                y = actual(history, origin, h)
                s = forecast.how_many(history, days=h, start=origin, method="daily", window=30)
                a = forecast.how_many(history, days=h, start=origin)
                std[h].add(s.pmf, y)
                auto[h].add(a.pmf, y)
                if h == HORIZONS[0]:
                    note = next(w for w in a.warnings if w.startswith("method auto"))
                    chosen[note.split(":")[0].removeprefix("method auto ")] += 1
                chosen["recalibrated" + f" at {h} days"] += any(
                    w.startswith("recalibrated") for w in a.warnings)
        for h in HORIZONS:
            print(f"| {name} | {h} | {len(scored)} | {std[h].cells()} | {auto[h].cells()} |")
        sys.stdout.flush()
        chosen_by[name] = chosen
    print()
    for name, chosen in chosen_by.items():
        print(f"- {name}: " + "; ".join(f"{k}: {v}" for k, v in chosen.most_common()))


if __name__ == "__main__":
    main()
