"""Portfolio scale: the plan kernel on 20 teams x 200 and 50 teams x 1000 outcomes.

The synthetic portfolios are built in ``portfolio_data.py`` (Poisson(2)
histories, WIP 2, 10% multi-team outcomes, 10% with dependencies on earlier
outcomes, 2% with risks, sized to take most of a 730-calendar-day horizon).
Every kernel runs 10,000 trials, horizon 730 calendar days.

- ``plan_arrays_<case>``: ``forecast.forecasting.plan.plan_arrays`` (the kernel's
  inputs, from the Portfolio), timed apart from the kernel;
- ``plan_parallel_<case>`` / ``plan_serial_<case>``: ``simulate_plan``, i.e.
  ``forecast.sampling._kernels.plan_days`` / ``plan_days_serial``;
- ``when_portfolio_parallel`` / ``when_portfolio_serial``: the single-team
  kernel ``forecast.sampling._kernels.when_days`` / ``when_days_serial`` on a
  comparable question, in the same run: the first team's sample of the
  50 x 1000 portfolio, that team's expected load in items (``LOAD`` of its
  expected capacity, about 840 items, about 420 working days), horizon = the
  working days of the 730 calendar days;
- ``plan_memory_<what>``: peak resident memory of a fresh ``python -c``
  process, read from ``VmHWM`` in ``/proc/self/status``: ``baseline``
  imports forecast and numba and runs the plan kernel once on a 2-team
  portfolio (so the compiled kernel is loaded and numba's threads are
  started); ``kernel`` also builds the 50 x 1000 portfolio and its arrays and
  runs the parallel kernel (10k trials); ``plan`` calls ``forecast.plan`` on
  it instead (end to end, with the per-outcome summary table). The time is
  the subprocess's wall time. ``ru_maxrss`` is kept in ``extra_info`` but not
  used: on Linux, a child started by ``subprocess`` reports in ``ru_maxrss``
  at least the resident size the parent (here the pytest process, about
  350 MB after the kernel benchmarks) had when it forked, which hides the
  child's own peak; ``VmHWM`` is the peak of the child's own address space.

Team-days of a plan call: the sum over trials of (number of teams x calendar
days simulated until the trial's last outcome was done, or the horizon), from
the returned days array (``max`` over outcomes + 1, capped at the horizon).
Weekend days count (the kernel visits them, cheaply); ``working_team_days``
in ``extra_info`` counts working days only. The single-team kernel counts
working days (the existing convention).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
import portfolio_data as pdata
import pytest

from forecast.forecasting.plan import plan_arrays
from forecast.sampling import _kernels
from forecast.sampling.simulate import simulate_plan

HERE = Path(__file__).resolve().parent
HORIZON = pdata.HORIZON
TRIALS = pdata.TRIALS
SEED = pdata.SEED
CASES = pdata.CASES
ROUNDS = {"parallel": 3, "serial": 2}


def working_team_days(capacity: np.ndarray, span: np.ndarray) -> int:
    """Team-days with capacity > 0 among the first ``span`` days of each trial."""
    per_day = (capacity > 0).sum(axis=0).cumsum()  # working team-days in days 0..d
    return int(per_day[np.asarray(span) - 1].sum())


@pytest.fixture(scope="module")
def cases() -> dict[str, dict[str, Any]]:
    """Build both portfolios, load/compile the kernels, check parallel == serial."""
    out = {}
    for label, (n_teams, n_outcomes) in CASES.items():
        portfolio = pdata.build(n_teams, n_outcomes)
        began = time.perf_counter()
        arrays = plan_arrays(portfolio, pdata.START, HORIZON)
        cold = time.perf_counter() - began
        par, _ = simulate_plan(arrays, HORIZON, 200, SEED, parallel=True)
        ser, _ = simulate_plan(arrays, HORIZON, 200, SEED, parallel=False)
        np.testing.assert_array_equal(par, ser, err_msg=label)
        out[label] = {"portfolio": portfolio, "arrays": arrays, "teams": n_teams,
                      "plan_arrays_cold_s": cold}
    return out


def describe(case: dict[str, Any], days: np.ndarray) -> dict[str, Any]:
    """Facts about one plan call, for ``extra_info``."""
    span = pdata.trial_days(days)
    capacity = case["arrays"]["kernel"][6]
    return {
        "calendar_team_days": int(span.sum()) * case["teams"],
        "working_team_days": working_team_days(capacity, span),
        "span_p50": float(np.percentile(span, 50)),
        "span_p95": float(np.percentile(span, 95)),
        "span_max": int(span.max()),
        "all_done_share": float((days < HORIZON).all(axis=1).mean()),
    }


@pytest.mark.parametrize("label", list(CASES))
def test_plan_arrays(benchmark, cases, rate, label):
    case = cases[label]
    benchmark.group = "portfolio: build kernel inputs (plan_arrays)"
    arrays = benchmark.pedantic(
        plan_arrays, args=(case["portfolio"], pdata.START, HORIZON),
        rounds=20, iterations=1, warmup_rounds=1,
    )
    assert arrays["kernel"][6].shape == (case["teams"], HORIZON)
    rate(benchmark, f"plan_arrays_{label}", None, None, case=label,
         cold_first_call_s=case["plan_arrays_cold_s"], **pdata.summary(*CASES[label]))


@pytest.mark.parametrize("mode", ["parallel", "serial"])
@pytest.mark.parametrize("label", list(CASES))
def test_plan_kernel(benchmark, cases, rate, label, mode):
    case = cases[label]
    benchmark.group = f"portfolio: plan kernel, {TRIALS:,} trials, {HORIZON} days"
    days, items = benchmark.pedantic(
        simulate_plan, args=(case["arrays"], HORIZON, TRIALS, SEED),
        kwargs={"parallel": mode == "parallel"},
        rounds=ROUNDS[mode], iterations=1, warmup_rounds=0,
    )
    n_outcomes = CASES[label][1]
    assert days.shape == items.shape == (TRIALS, n_outcomes)
    facts = describe(case, days)
    # the synthetic portfolio is meant to take most of the horizon, and to fit in it
    assert 0.6 * HORIZON < facts["span_p50"] and facts["span_p95"] < HORIZON
    rate(benchmark, f"plan_{mode}_{label}", TRIALS, facts["calendar_team_days"],
         case=label, mode=mode, threads=numba.get_num_threads() if mode == "parallel" else 1,
         **facts)


@pytest.fixture(scope="module")
def single_team(cases) -> dict[str, Any]:
    """The comparable single-team question: first team's sample and expected load."""
    label = "50x1000"
    sample = cases[label]["arrays"]["samples"][0]
    counts = np.ascontiguousarray(sample.counts, dtype=np.int64)
    start = pdata.START
    working = int(np.busday_count(start, start + dt.timedelta(days=HORIZON)))
    items = round(pdata.LOAD * counts.mean() * working)
    for kernel in (_kernels.when_days, _kernels.when_days_serial):
        kernel(counts, items, working, np.uint64(SEED), 1000)
    return {"counts": counts, "items": items, "horizon": working, "from": f"{label} team 0"}


@pytest.mark.parametrize("mode", ["parallel", "serial"])
def test_when_comparable(benchmark, single_team, rate, count_team_days, mode):
    q = single_team
    kernel = _kernels.when_days if mode == "parallel" else _kernels.when_days_serial
    benchmark.group = f"portfolio: plan kernel, {TRIALS:,} trials, {HORIZON} days"
    days = benchmark.pedantic(
        kernel, args=(q["counts"], q["items"], q["horizon"], np.uint64(SEED), TRIALS),
        rounds=50, iterations=1, warmup_rounds=2,
    )
    assert days.shape == (TRIALS,) and days.max() <= q["horizon"]
    rate(benchmark, f"when_portfolio_{mode}", TRIALS, count_team_days(days, q["horizon"]),
         mode=mode, items=q["items"], horizon_working_days=q["horizon"],
         sample=q["from"], sample_days=int(q["counts"].size),
         median_days=float(np.median(days)))


# --------------------------------------------------------------------------- memory

_PRELUDE = f"""
import resource, sys, json
sys.path.insert(0, {str(HERE)!r})
import numba, numpy as np, forecast
import portfolio_data as pdata
from forecast.forecasting.plan import plan_arrays
from forecast.sampling.simulate import simulate_plan
tiny = plan_arrays(pdata.build(2, 4), pdata.START, pdata.HORIZON)
simulate_plan(tiny, pdata.HORIZON, 10, pdata.SEED, parallel=True)
"""
_WORK = {
    "baseline": "",
    "kernel": """
arrays = plan_arrays(pdata.build(50, 1000), pdata.START, pdata.HORIZON)
days, items = simulate_plan(arrays, pdata.HORIZON, pdata.TRIALS, pdata.SEED, parallel=True)
assert days.shape == (pdata.TRIALS, 1000)
""",
    "plan": """
result = forecast.plan(pdata.build(50, 1000), start=pdata.START, trials=pdata.TRIALS,
                       rng=pdata.SEED, horizon=pdata.HORIZON, parallel=True)
table = result.outcomes()
assert len(table) == 1000
""",
}
_REPORT = """
try:
    with open("/proc/self/status") as fh:
        hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    hwm = None
print(json.dumps({"vmhwm_kib": hwm,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "threads": numba.get_num_threads()}))
"""


def peak_rss(what: str) -> dict[str, Any]:
    code = _PRELUDE + _WORK[what] + _REPORT
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=HERE.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("what", list(_WORK))
def test_plan_memory(benchmark, rate, what):
    benchmark.group = "portfolio: peak memory, 50x1000, 10k trials (subprocess wall time)"
    got = benchmark.pedantic(peak_rss, args=(what,), rounds=1, iterations=1, warmup_rounds=0)
    peak = got["vmhwm_kib"] if got["vmhwm_kib"] is not None else got["maxrss_kib"]
    assert peak > 0
    rate(benchmark, f"plan_memory_{what}", TRIALS if what != "baseline" else None, None,
         case="50x1000", what=what, peak_rss_bytes=1024 * int(peak),
         peak_from="VmHWM" if got["vmhwm_kib"] is not None else "ru_maxrss",
         ru_maxrss_bytes=1024 * int(got["maxrss_kib"]), threads=got["threads"])
