"""The exact engine: forecasts by convolution, with no sampling noise.

With a daily bootstrap, each future working day's throughput is an
independent draw from the sample, whose distribution is the daily pmf ``p``
(``p[k]`` = share of sample days with ``k`` completions). Then

- the total over ``D`` days has the ``D``-fold convolution of ``p`` as its
  distribution (How-many), and
- the completion day ``T`` of ``N`` items satisfies
  ``P(T <= d) = P(S_d >= N)``; it is computed day by day by convolving the
  distribution of the running total, truncated below ``N`` (When).

These are the oracles the Monte Carlo engine is tested against.
"""

from __future__ import annotations

import numpy as np

__all__ = ["daily_pmf", "when_pmf", "how_many_pmf", "when_pmf_blocks", "how_many_pmf_blocks"]

_NEGLIGIBLE = 1e-15
"""Mass still unfinished below which the day-by-day When recursion stops."""


def support(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct daily counts and their shares in the sample.

    Examples
    --------
    >>> support(np.array([0, 2, 2, 1]))
    (array([0, 1, 2]), array([0.25, 0.25, 0.5 ]))
    """
    counts = np.asarray(counts, dtype=np.int64)
    freq = np.bincount(counts)  # faster than np.unique for small daily counts
    values = np.flatnonzero(freq)
    return values, freq[values] / counts.size


def daily_pmf(counts: np.ndarray) -> np.ndarray:
    """Return the distribution of one day's throughput drawn from ``counts``.

    Examples
    --------
    >>> daily_pmf(np.array([0, 2, 2, 1]))
    array([0.25, 0.25, 0.5 ])
    """
    counts = np.asarray(counts, dtype=np.int64)
    return np.bincount(counts) / counts.size


def when_pmf(counts: np.ndarray, items: int, horizon: int) -> tuple[np.ndarray, float]:
    """Return the distribution of the completion day of ``items`` items.

    Parameters
    ----------
    counts : numpy.ndarray of int
        Throughput per working day of the sample (at least one non-zero).
    items : int
        Items to complete (>= 1).
    horizon : int
        The last working day simulated.

    Returns
    -------
    pmf : numpy.ndarray
        ``pmf[d]`` = probability that the last item completes on day ``d``,
        for ``d`` in ``1..horizon`` (``pmf[0]`` is 0). Days after the
        unfinished mass fell below 1e-15 are zero.
    beyond : float
        Probability of not finishing within the horizon (below 1e-15 is
        reported as 0).

    Examples
    --------
    >>> pmf, beyond = when_pmf(np.array([0, 2]), items=3, horizon=4)
    >>> pmf.tolist()            # P(T = d) = (d - 1) / 2**d
    [0.0, 0.0, 0.25, 0.25, 0.1875]
    >>> round(beyond, 4)
    0.3125
    """
    from forecast.sampling import _kernels

    values, probs = support(counts)
    if items > int(horizon) * int(values.max()):  # cannot finish even at the best pace
        return np.zeros(int(horizon) + 1), 1.0
    pmf, remaining = _kernels.exact_when_pmf(values, probs, int(items), int(horizon), _NEGLIGIBLE)
    return pmf, (float(remaining) if remaining >= _NEGLIGIBLE else 0.0)


_DIRECT_LIMIT = 2e7
"""Above this many multiply-adds, How-many switches from direct to FFT powering."""


def how_many_pmf(counts: np.ndarray, days: int) -> np.ndarray:
    """Return the distribution of items completed in ``days`` working days.

    Small cases are convolved directly, one day at a time; large ones by
    binary powering with FFT convolutions, whose rounding (about 1e-16) is
    clipped at 0.

    Examples
    --------
    >>> how_many_pmf(np.array([0, 1]), 2).tolist()
    [0.25, 0.5, 0.25]
    """
    values, probs = support(counts)
    days = int(days)
    if days * days * int(values.max()) * values.size / 2 <= _DIRECT_LIMIT:
        from forecast.sampling import _kernels

        return _kernels.exact_how_many_pmf(values, probs, days)

    def conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        size = a.size + b.size - 1
        nfft = 1 << (size - 1).bit_length()
        out = np.fft.irfft(np.fft.rfft(a, nfft) * np.fft.rfft(b, nfft), nfft)[:size]
        np.clip(out, 0.0, None, out=out)
        return out

    return _power(daily_pmf(counts), days)


def _conv(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Convolve two pmfs: directly when small, by FFT (clipped at 0) when large."""
    if min(a.size, b.size) <= 64 or a.size * b.size <= 1_000_000:
        return np.convolve(a, b)
    size = a.size + b.size - 1
    nfft = 1 << (size - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(a, nfft) * np.fft.rfft(b, nfft), nfft)[:size]
    np.clip(out, 0.0, None, out=out)
    return out


def _power(pmf: np.ndarray, n: int) -> np.ndarray:
    """Return the ``n``-fold convolution of ``pmf`` with itself, by binary powering."""
    result = np.ones(1)
    base = pmf
    while n:
        if n & 1:
            result = _conv(result, base)
        n >>= 1
        if n:
            base = _conv(base, base)
    return result


def block_pmfs(blocks: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Pmf of a block's total and of the sum of its first ``j`` days, j = 0..width."""
    blocks = np.asarray(blocks, dtype=np.int64)
    prefix = np.concatenate([np.zeros((blocks.shape[0], 1), dtype=np.int64),
                             np.cumsum(blocks, axis=1)], axis=1)
    pmfs = [np.bincount(prefix[:, j]) / blocks.shape[0] for j in range(prefix.shape[1])]
    return pmfs[-1], pmfs


def when_pmf_blocks(blocks: np.ndarray, items: int, horizon: int) -> tuple[np.ndarray, float]:
    """Completion-day distribution when whole blocks of days are drawn (weekly).

    Each future block of ``width`` working days is a copy of a past block
    drawn uniformly. With ``S_k`` the total of ``k`` blocks and ``P_j`` the
    sum of a block's first ``j`` days, ``P(T <= k * width + j) =
    P(S_k + P_j >= items)``: the recursion keeps the distribution of ``S_k``
    below ``items`` and reads each day's probability from ``P_j``.

    Examples
    --------
    >>> pmf, beyond = when_pmf_blocks(np.array([[1, 0], [0, 2]]), items=2, horizon=4)
    >>> pmf.round(4).tolist()     # [0, 2] first: day 2; else [1, 0] then day 3 or 4
    [0.0, 0.0, 0.5, 0.25, 0.25]
    """
    blocks = np.asarray(blocks, dtype=np.int64)
    width = blocks.shape[1]
    total_pmf, prefix_pmfs = block_pmfs(blocks)
    # survival[j][m] = P(P_j >= m) for m = 0 .. items
    survival = []
    for pmf in prefix_pmfs:
        padded = np.zeros(items + 1)
        upto = min(pmf.size, items + 1)
        padded[:upto] = pmf[:upto]
        tail = 1.0 - np.concatenate([[0.0], np.cumsum(padded)[:-1]])
        survival.append(np.clip(tail, 0.0, 1.0))
    need = items - np.arange(items)  # items still missing for each running total s
    cdf = np.zeros(horizon + 1)
    running = np.zeros(items)
    running[0] = 1.0
    day = 0
    while day < horizon:
        alive = running.sum()
        for j in range(1, width + 1):
            day += 1
            if day > horizon:
                break
            cdf[day] = (1.0 - alive) + float(running @ survival[j][need])
        running = np.convolve(running, total_pmf)[:items]
        if running.sum() < _NEGLIGIBLE:
            cdf[day + 1:] = 1.0
            break
    cdf = np.maximum.accumulate(np.clip(cdf, 0.0, 1.0))
    pmf = np.diff(cdf, prepend=0.0)
    beyond = 1.0 - cdf[horizon]
    return pmf, (beyond if beyond >= _NEGLIGIBLE else 0.0)


def how_many_pmf_blocks(blocks: np.ndarray, days: int) -> np.ndarray:
    """Distribution of items in ``days`` working days when whole blocks are drawn.

    Examples
    --------
    >>> how_many_pmf_blocks(np.array([[1, 0], [0, 2]]), 3).round(3).tolist()
    [0.0, 0.25, 0.5, 0.25]
    """
    blocks = np.asarray(blocks, dtype=np.int64)
    width = blocks.shape[1]
    total_pmf, prefix_pmfs = block_pmfs(blocks)
    whole, rest = divmod(int(days), width)
    return _conv(_power(total_pmf, whole), prefix_pmfs[rest])
