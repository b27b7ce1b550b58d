"""The numba kernels against their pure-Python twins, and thread-count independence."""

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from forecast.sampling import _kernels, _reference
from forecast.sampling.simulate import normalise_seed, simulate_how_many, simulate_when

CASES = [
    (np.array([0, 1, 2, 0, 3, 5, 0, 0, 1]), 40, 2600, 42),
    (np.array([1]), 7, 100, 0),
    (np.array([0, 0, 0, 9]), 30, 12, 2**64 - 1),  # many trials run out of horizon
    (np.array([0, 2, 2, 1, 0, 0, 4]), 1, 50, 123456789),
]


@pytest.mark.parametrize(("counts", "items", "horizon", "seed"), CASES)
def test_when_kernel_equals_twin(counts, items, horizon, seed):
    trials = 500
    twin = _reference.when_days(counts, items, horizon, seed, trials)
    for kernel in (_kernels.when_days, _kernels.when_days_serial):
        got = kernel(counts.astype(np.int64), items, horizon, np.uint64(seed), trials)
        np.testing.assert_array_equal(got, twin)
    assert twin.dtype == np.int32


@pytest.mark.parametrize(("counts", "days", "seed"), [(c, d, s) for c, d, _, s in CASES])
def test_how_many_kernel_equals_twin(counts, days, seed):
    days = min(days, 60)
    trials = 500
    twin = _reference.how_many_totals(counts, days, seed, trials)
    for kernel in (_kernels.how_many_totals, _kernels.how_many_totals_serial):
        got = kernel(counts.astype(np.int64), days, np.uint64(seed), trials)
        np.testing.assert_array_equal(got, twin)


def test_rng_words_equal_twin():
    key = int(_kernels.mix64(np.uint64(99)))
    assert key == _reference.mix64(99)
    s = _kernels.trial_state(np.uint64(key), 5)
    ref = _reference.trial_state(key, 5)
    assert [int(w) for w in s] == ref
    out = _kernels.next_u64(*(np.uint64(w) for w in s))
    assert int(out[0]) == _reference.next_u64(ref)
    assert [int(w) for w in out[1:]] == ref


def test_streams_differ_between_trials_and_seeds():
    counts = np.arange(20, dtype=np.int64)
    a = simulate_how_many(counts, 10, 2000, 1)
    b = simulate_how_many(counts, 10, 2000, 2)
    assert len(np.unique(a)) > 100
    assert not np.array_equal(a, b)
    # a longer run extends a shorter one: trial t depends only on (seed, t)
    np.testing.assert_array_equal(simulate_how_many(counts, 10, 500, 1), a[:500])


def test_uniform_index_is_unbiased_enough():
    counts = np.arange(7, dtype=np.int64)
    totals = simulate_how_many(counts, 1, 70_000, 3)
    freq = np.bincount(totals, minlength=7)
    expected = 10_000
    chi2 = float(((freq - expected) ** 2 / expected).sum())
    assert chi2 < 22.46  # chi-square 6 dof, p = 0.001


def test_normalise_seed():
    assert normalise_seed(None) == 42
    assert normalise_seed(np.random.default_rng(5)) == normalise_seed(np.random.default_rng(5))
    with pytest.raises(Exception, match="seed = -1, must be >= 0"):
        normalise_seed(-1)
    with pytest.raises(Exception, match="is not a seed"):
        normalise_seed("x")


SCRIPT = textwrap.dedent(
    """
    import hashlib, numba, numpy as np
    from forecast.sampling.simulate import simulate_when, simulate_how_many
    counts = np.array([0, 1, 2, 0, 3, 5, 0, 0, 1, 4])
    a = simulate_when(counts, 60, 2600, 20_001, 7)
    b = simulate_how_many(counts, 33, 20_001, 7)
    print(numba.get_num_threads(), hashlib.sha256(a.tobytes() + b.tobytes()).hexdigest())
    """
)


def test_one_and_two_threads_give_identical_arrays():
    digests = {}
    for threads in ("1", "2"):
        env = dict(os.environ, NUMBA_NUM_THREADS=threads)
        out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        assert out[0] == threads
        digests[threads] = out[1]
    counts = np.array([0, 1, 2, 0, 3, 5, 0, 0, 1, 4])
    here = simulate_when(counts, 60, 2600, 20_001, 7, parallel=False)
    there = simulate_how_many(counts, 33, 20_001, 7, parallel=False)
    in_process = hashlib.sha256(here.tobytes() + there.tobytes()).hexdigest()
    assert digests["1"] == digests["2"] == in_process
