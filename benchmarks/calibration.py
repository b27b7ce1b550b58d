"""Measure how often "85%" held on real histories: the standard forecast against auto.

Walk-forward, so that auto is judged on data it did not choose from: the
configuration (method x window) is chosen by the lowest CRPS using only the
data before the middle origin, and both it and the standard forecast (daily,
30-day window) are scored on the origins after it. Auto's forecasts are
recalibrated as ``method="auto"`` does, each by the PIT values of the
earlier forecasts whose outcomes were known at its origin.

Run:  .venv/bin/python benchmarks/calibration.py  (prints a Markdown table)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import forecast
from forecast.backtest import STANDARD, backtest

ROOT = Path(__file__).resolve().parents[1]
HISTORIES = [
    ("ADO team (LetPeopleWork FlowMetricsCSV)", ROOT / "tests/data/ado-flowmetrics.csv", None),
    ("Jira P1 (rueedlinger agile-project-dataset)", ROOT / "tests/data/jira-p1.csv",
     dt.date(2018, 3, 1)),
    ("pytest merges, people only (2023-06 .. 2024-05)", ROOT / "examples/platform.csv", None),
]
WINDOWS = (30, 60, 90)
SHARED = ROOT.parent / "shared/data/gh-merges-pytest-dev-pytest.csv"


def measure(name: str, history: forecast.History, end: dt.date | None) -> list[str]:
    try:
        full = backtest(history, start=end, horizons=(20, 40), windows=WINDOWS, rng=1)
        half = len(full.origins) // 2
        chooser = backtest(history, start=full.origins[half], horizons=(20, 40),
                           windows=WINDOWS, rng=1)
    except forecast.ForecastError as exc:
        return [f"| {name} | — | — | {str(exc).split(': ', 1)[-1].split(';')[0]} "
                "| | | | | |"]
    chosen = chooser.best
    later = backtest(history, start=end, horizons=(20, 40), windows=WINDOWS, rng=1,
                     max_origins=len(full.origins) - half)
    rows = []
    for h in (20, 40):
        std, raw = later.score(*STANDARD, h), later.score(*chosen, h)
        recal = raw.recalibrated
        shown = (f"{recal.at_least[85]:.0%} / {recal.at_most[85]:.0%} ({recal.origins})"
                 if recal else "—")
        rows.append(
            f"| {name} | {h} | {std.origins} | {std.at_least[85]:.0%} / {std.at_most[85]:.0%} "
            f"| {chosen[0]} {chosen[1]}d | {raw.at_least[85]:.0%} / {raw.at_most[85]:.0%} "
            f"| {shown} | {std.crps:.2f} | {raw.crps:.2f} |"
        )
    return rows


def main() -> None:
    print("| history | horizon (working days) | origins | standard (daily 30d): P85 "
          "\"N or more\" / \"at most\" held | auto chose | auto: held | auto recalibrated: "
          "held (origins) | standard CRPS | auto CRPS |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    items = list(HISTORIES)
    if SHARED.exists():
        items.append(("pytest merges, all (2013 .. 2026)", SHARED, None))
    for name, path, end in items:
        for row in measure(name, forecast.read_history(path), end):
            print(row)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
