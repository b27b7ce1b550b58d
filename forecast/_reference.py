"""Pure-Python twins of the numba kernels: the readable specification.

Each function here draws exactly the same random numbers as its kernel in
:mod:`forecast._kernels` and returns exactly the same array; the tests assert
equality. Python integers are masked to 64 bits where the kernel's ``uint64``
arithmetic wraps.
"""

from __future__ import annotations

import numpy as np

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15


def mix64(z: int) -> int:
    """SplitMix64's output function."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def trial_state(key: int, trial: int) -> list[int]:
    """Return the four xoshiro256** state words of ``trial`` for mixed seed ``key``."""
    x = mix64((key + trial * GAMMA) & MASK)
    state = []
    for _ in range(4):
        x = (x + GAMMA) & MASK
        state.append(mix64(x))
    return state


def rotl(x: int, k: int) -> int:
    """Rotate a 64-bit word left by ``k`` bits."""
    return ((x << k) | (x >> (64 - k))) & MASK


def next_u64(s: list[int]) -> int:
    """Advance the xoshiro256** state ``s`` in place and return its output."""
    result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
    t = (s[1] << 17) & MASK
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return result


def below(r: int, n: int) -> int:
    """Index in ``[0, n)`` from the top 53 bits of ``r`` (as the kernel does)."""
    return int(float(r >> 11) * (1.0 / 9007199254740992.0) * n)


def when_days(counts: np.ndarray, items: int, horizon: int, seed: int, trials: int) -> np.ndarray:
    """Completion day of each trial, or ``horizon + 1`` when not done in time."""
    key = mix64(seed & MASK)
    out = np.empty(trials, dtype=np.int32)
    values = [int(c) for c in counts]
    for t in range(trials):
        state = trial_state(key, t)
        total = day = 0
        while total < items and day < horizon:
            total += values[below(next_u64(state), len(values))]
            day += 1
        out[t] = day if total >= items else horizon + 1
    return out


def how_many_totals(counts: np.ndarray, days: int, seed: int, trials: int) -> np.ndarray:
    """Items completed over ``days`` working days, per trial."""
    key = mix64(seed & MASK)
    out = np.empty(trials, dtype=np.int64)
    values = [int(c) for c in counts]
    for t in range(trials):
        state = trial_state(key, t)
        out[t] = sum(values[below(next_u64(state), len(values))] for _ in range(days))
    return out
