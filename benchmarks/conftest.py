"""Shared set-up of the benchmark suite (run with ``make bench``).

- Every benchmark answers questions about the same throughput sample: the
  90-day window of ``examples/team.csv`` before Monday 2024-06-03.
- Unless ``--benchmark-json``/``--benchmark-save``/``--benchmark-autosave`` is
  given, the run is written to ``.benchmarks/latest.json`` (the Makefile's
  ``bench`` target passes none of them); ``benchmarks/report.py`` reads it.
- The machine (CPU model, cores, numba/numpy versions, numba threads) and the
  agreement of each engine with the exact answer are added to that JSON, and
  the agreement figures are printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import forecast

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / ".benchmarks" / "latest.json"

START = dt.date(2024, 6, 3)
WINDOW = 90
ITEMS = 50
HORIZON = 2600
HOW_MANY_DAYS = 20
SEED = 42
LEVELS = (50, 85, 95)

_AGREEMENT = pytest.StashKey[list[dict[str, Any]]]()


# --------------------------------------------------------------------------- hooks


def pytest_configure(config: pytest.Config) -> None:
    """Default to writing ``.benchmarks/latest.json`` (runs before pytest-benchmark's own)."""
    config.stash[_AGREEMENT] = []
    opt = config.option
    if not hasattr(opt, "benchmark_json"):  # pytest-benchmark not installed
        return
    if getattr(opt, "benchmark_disable", False) or getattr(opt, "benchmark_skip", False):
        return
    if opt.benchmark_json or opt.benchmark_save or opt.benchmark_autosave:
        return
    DEFAULT_JSON.parent.mkdir(parents=True, exist_ok=True)
    opt.benchmark_json = DEFAULT_JSON


def machine() -> dict[str, Any]:
    """Describe the machine and the numerical stack the run used."""
    import numba

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        layer = "not initialised"
    return {
        "cpu_model": model,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": usable,
        "numba_threads": numba.config.NUMBA_NUM_THREADS,
        "numba_threading_layer": layer,
        "numba": numba.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: Any, output_json: dict[str, Any]
) -> None:
    output_json["forecast_bench"] = {
        "machine": machine(),
        "question": {
            "history": "examples/team.csv",
            "start": START.isoformat(),
            "window": WINDOW,
            "items": ITEMS,
            "horizon": HORIZON,
            "how_many_days": HOW_MANY_DAYS,
        },
        "agreement": config.stash.get(_AGREEMENT, []),
    }


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = config.stash.get(_AGREEMENT, [])
    if not rows:
        return
    terminalreporter.section("agreement with the exact engine (engine minus exact)")
    for row in rows:
        diffs = ", ".join(f"P{p}: {d:+d}" for p, d in row["diff"].items())
        values = ", ".join(f"P{p}={v}" for p, v in row["values"].items())
        exact = ", ".join(f"P{p}={v}" for p, v in row["exact"].items())
        terminalreporter.write_line(
            f"{row['question']:<9} {row['engine']:<34} {diffs}   ({values}; exact {exact})"
        )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def history() -> forecast.History:
    return forecast.read_history(ROOT / "examples" / "team.csv")


@pytest.fixture(scope="session")
def counts(history: forecast.History) -> np.ndarray:
    sample = history.sample(START, window=WINDOW)
    values = np.ascontiguousarray(sample.counts, dtype=np.int64)
    assert values.size > 0 and values.sum() > 0
    return values


@pytest.fixture
def record_agreement(request: pytest.FixtureRequest) -> Callable[..., dict[str, Any]]:
    """Return ``record(question, engine, values, exact)``: store and print the differences."""

    def record(
        question: str, engine: str, values: dict[int, int], exact: dict[int, int]
    ) -> dict[str, Any]:
        diff = {p: int(values[p]) - int(exact[p]) for p in values}
        row = {
            "question": question,
            "engine": engine,
            "values": {p: int(v) for p, v in values.items()},
            "exact": {p: int(v) for p, v in exact.items()},
            "diff": diff,
        }
        request.config.stash[_AGREEMENT].append(row)
        print(f"{question} {engine}: engine minus exact = {diff}")
        return row

    return record


@pytest.fixture
def rate() -> Callable[..., None]:
    """Return ``rate(benchmark, impl, trials, team_days, **info)``: fill ``extra_info``.

    ``team_days`` is the number of simulated team-days of one call; the rate
    is ``team_days / median time``.
    """

    def record(
        benchmark: Any, impl: str, trials: int | None, team_days: int | None, **info: Any
    ) -> None:
        benchmark.extra_info["impl"] = impl
        benchmark.extra_info["trials"] = trials
        benchmark.extra_info["team_days"] = team_days
        median = None
        if benchmark.stats is not None:  # None under --benchmark-disable
            median = float(benchmark.stats.stats.median)
        benchmark.extra_info["median_s"] = median
        benchmark.extra_info["team_days_per_s"] = (
            team_days / median if team_days is not None and median else None
        )
        benchmark.extra_info.update(info)

    return record


def team_days(days: Any, horizon: int = HORIZON) -> int:
    """Days simulated by all trials: a trial not done (``horizon + 1``) counts ``horizon``."""
    return int(np.minimum(np.asarray(days, dtype=np.int64), horizon).sum())


@pytest.fixture(scope="session")
def count_team_days() -> Callable[..., int]:
    return team_days


def day_percentiles(days: Any, levels: tuple[int, ...] = LEVELS) -> dict[int, int]:
    """Earliest day by which at least ``p`` percent of the trials are done (as forecast does)."""
    values = np.sort(np.asarray(days, dtype=np.int64))
    return {p: int(values[math.ceil(p / 100 * values.size) - 1]) for p in levels}


@pytest.fixture(scope="session")
def exact_when_days(history: forecast.History) -> dict[int, int]:
    """P50/P85/P95 of the When question by the exact engine, in working days."""
    result = forecast.when(
        history, ITEMS, start=START, window=WINDOW, engine="exact", percentiles=LEVELS,
        method="daily",
    )
    return {p: result.percentile(p).value for p in LEVELS}
