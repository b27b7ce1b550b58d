"""When (50 items, horizon 2600 working days): simulated team-days per second.

Implementations, all on the same throughput sample:

- ``kernel_parallel`` / ``kernel_serial``: the package's numba kernels
  (``forecast.sampling._kernels.when_days`` / ``when_days_serial``);
- ``bare_serial`` / ``bare_prange``: the minimal ``@numba.njit`` bootstrap loop
  written here, with the same xoshiro256** streams inlined (so its results are
  identical to the kernel's, which is checked);
- ``numpy``: vectorised with a ``numpy.random.Generator`` (blocks of days per
  chunk of trials, cumulative sums, first crossing by ``argmax``);
- ``python``: a pure-Python loop with ``random.Random`` (on 2,000 trials).

Throughput = team-days (sum over trials of the days simulated) / median time.
"""

from __future__ import annotations

import math
import random

import numba
import numpy as np
import pytest
from conftest import HORIZON, ITEMS, SEED, day_percentiles

from forecast.sampling import _kernels

# --------------------------------------------------------------------------- bare loop
# The same generator as forecast.sampling._kernels, inlined: SplitMix64 seeding of a
# per-trial xoshiro256** state, top 53 bits mapped to an index.

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_U5 = np.uint64(5)
_U7 = np.uint64(7)
_U9 = np.uint64(9)
_U11 = np.uint64(11)
_U17 = np.uint64(17)
_U19 = np.uint64(19)
_U27 = np.uint64(27)
_U30 = np.uint64(30)
_U31 = np.uint64(31)
_U45 = np.uint64(45)
_U57 = np.uint64(57)
_UNIT = 1.0 / 9007199254740992.0


@numba.njit
def _mix(z):
    z = (z ^ (z >> _U30)) * _M1
    z = (z ^ (z >> _U27)) * _M2
    return z ^ (z >> _U31)


def _bare(counts, items, horizon, seed, trials):
    out = np.empty(trials, dtype=np.int32)
    n = counts.size
    key = _mix(seed)
    for t in numba.prange(trials):
        x = _mix(key + np.uint64(t) * _GAMMA)
        x += _GAMMA
        s0 = _mix(x)
        x += _GAMMA
        s1 = _mix(x)
        x += _GAMMA
        s2 = _mix(x)
        x += _GAMMA
        s3 = _mix(x)
        total = 0
        day = 0
        while total < items and day < horizon:
            v = s1 * _U5
            r = ((v << _U7) | (v >> _U57)) * _U9
            tmp = s1 << _U17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= tmp
            s3 = (s3 << _U45) | (s3 >> _U19)
            total += counts[np.int64(np.float64(r >> _U11) * _UNIT * n)]
            day += 1
        out[t] = day if total >= items else horizon + 1
    return out


# numba.prange is plain range when not compiled with parallel=True.
bare_serial = numba.njit(_bare)
bare_prange = numba.njit(parallel=True)(_bare)


# --------------------------------------------------------------------------- numpy


def when_days_numpy(counts, items, horizon, trials, rng, chunk=1 << 16):
    """Completion day of each trial (``horizon + 1`` when not done), vectorised.

    Per chunk of trials: draw a block of days for every trial still running,
    take cumulative sums, read the first crossing with ``argmax``; trials not
    done carry their total into the next (shorter) block.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n = counts.size
    expected = items / counts.mean()
    first_block = max(1, math.ceil(1.25 * expected))
    next_block = max(8, math.ceil(0.25 * expected))
    out = np.empty(trials, dtype=np.int32)
    for lo in range(0, trials, chunk):
        m = min(chunk, trials - lo)
        res = np.full(m, horizon + 1, dtype=np.int32)
        pending = np.arange(m)
        total = np.zeros(m, dtype=np.int64)
        day = 0
        block = first_block
        while pending.size and day < horizon:
            width = min(block, horizon - day)
            running = counts[rng.integers(0, n, size=(pending.size, width))].cumsum(axis=1)
            running += total[:, None]
            reached = running >= items
            done = reached[:, -1]  # totals never decrease
            res[pending[done]] = day + 1 + reached[done].argmax(axis=1)
            total = running[~done, -1]
            pending = pending[~done]
            day += width
            block = next_block
        out[lo : lo + m] = res
    return out


# --------------------------------------------------------------------------- pure Python


def when_days_python(counts, items, horizon, trials, seed):
    """Completion day of each trial, one ``random.Random`` draw per day."""
    rand = random.Random(seed).random
    values = [int(c) for c in counts]
    n = len(values)
    out = [0] * trials
    for t in range(trials):
        total = day = 0
        while total < items and day < horizon:
            total += values[int(rand() * n)]
            day += 1
        out[t] = day if total >= items else horizon + 1
    return out


# --------------------------------------------------------------------------- set-up

KERNELS = {
    "kernel_parallel": _kernels.when_days,
    "kernel_serial": _kernels.when_days_serial,
    "bare_serial": bare_serial,
    "bare_prange": bare_prange,
}
ROUNDS = {10_000: 100, 1_000_000: 10}
PYTHON_TRIALS = 2_000


@pytest.fixture(scope="module")
def warm(counts):
    """Compile (or load from cache) every kernel and check the bare loop's streams."""
    seed = np.uint64(SEED)
    reference = _kernels.when_days_serial(counts, ITEMS, HORIZON, seed, 1000)
    for name, kernel in KERNELS.items():
        got = kernel(counts, ITEMS, HORIZON, seed, 1000)
        np.testing.assert_array_equal(got, reference, err_msg=name)
    assert reference.max() <= HORIZON  # the question is answerable within the horizon
    return True


@pytest.mark.parametrize("trials", [10_000, 1_000_000], ids=["10k", "1M"])
@pytest.mark.parametrize("impl", list(KERNELS))
def test_when_numba(benchmark, warm, counts, rate, count_team_days, impl, trials):
    kernel = KERNELS[impl]
    benchmark.group = f"when: {trials:,} trials"
    days = benchmark.pedantic(
        kernel,
        args=(counts, ITEMS, HORIZON, np.uint64(SEED), trials),
        rounds=ROUNDS[trials],
        iterations=1,
        warmup_rounds=2,
    )
    assert days.shape == (trials,)
    rate(benchmark, impl, trials, count_team_days(days), threads=numba.get_num_threads())


@pytest.mark.parametrize("trials", [10_000, 1_000_000], ids=["10k", "1M"])
def test_when_numpy(benchmark, counts, rate, count_team_days, trials, exact_when_days,
                    record_agreement):
    benchmark.group = f"when: {trials:,} trials"
    rng = np.random.default_rng(SEED)
    days = benchmark.pedantic(
        when_days_numpy,
        args=(counts, ITEMS, HORIZON, trials, rng),
        rounds=ROUNDS[trials] // 2,
        iterations=1,
        warmup_rounds=1,
    )
    assert days.shape == (trials,)
    info = {}
    if trials == 1_000_000:  # a check that the vectorised loop answers the same question
        row = record_agreement("when", f"numpy vectorised, {trials:,} trials",
                               day_percentiles(days), exact_when_days)
        info["diff_vs_exact"] = row["diff"]
    rate(benchmark, "numpy", trials, count_team_days(days), **info)


def test_when_python(benchmark, counts, rate, count_team_days):
    benchmark.group = f"when: {PYTHON_TRIALS:,} trials (pure Python)"
    days = benchmark.pedantic(
        when_days_python,
        args=(counts, ITEMS, HORIZON, PYTHON_TRIALS, SEED),
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    assert len(days) == PYTHON_TRIALS
    rate(benchmark, "python", PYTHON_TRIALS, count_team_days(days))
