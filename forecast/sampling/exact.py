"""The exact engine: forecasts by convolution, with no sampling noise.

Daily and weekly bootstrap
--------------------------
With a daily bootstrap, each future working day's throughput is an
independent draw from the sample, whose distribution is the daily pmf ``p``
(``p[k]`` = share of sample days with ``k`` completions). Then

- the total over ``D`` days has the ``D``-fold convolution of ``p`` as its
  distribution (How-many), and
- the completion day ``T`` of ``N`` items satisfies
  ``P(T <= d) = P(S_d >= N)``; it is computed day by day by convolving the
  distribution of the running total, truncated below ``N`` (When).

The weekly bootstrap draws whole weeks the same way (see
:func:`when_pmf_blocks`).

The Bayesian bootstrap
----------------------
Under ``bayes``, a trial first draws weights ``w ~ Dirichlet(1, ..., 1)`` over
the ``n`` rows of the sample (days, or whole weeks) and then draws every
future row independently with probabilities ``w``. Integrated over ``w``,
the future is a Polya urn: the urn starts with one ball per row, and each
draw puts its ball back with one more of the same row, so the ``(i+1)``-th
draw is row ``r`` with probability ``(1 + k_r) / (n + i)`` after ``k_r`` of the
first ``i`` draws were ``r``. Grouping rows by their total ``v_j`` (seen
``c_j`` times, ``c_1 + ... + c_k = n``), the weights of the groups are
Dirichlet(c_1, ..., c_k), and the counts ``M_j`` of draws of each total in
``m`` draws are Dirichlet-multinomial:

    P(M) = m! / prod_j M_j! * Gamma(n) / Gamma(m + n) * prod_j Gamma(M_j + c_j) / Gamma(c_j)

with ``S_m = sum_j v_j M_j``. The draws are exchangeable, not independent,
so ``S_m`` is not a convolution power; but the Dirichlet vector is neutral:
the weight of total ``j`` against the totals before it, ``B ~ Beta(c_j,
c_1 + ... + c_{j-1})``, is independent of how the earlier totals share the
rest. So of ``m`` draws from the urn of the first ``j`` totals, the number
``a`` of total ``j`` is beta-binomial,

    P(a) = C(m, a) * B(a + c_j, m - a + c_1 + ... + c_{j-1}) / B(c_j, c_1 + ... + c_{j-1}),

and the other ``m - a`` are ``m - a`` draws from the urn of the first
``j - 1`` totals. Adding totals one at a time (ascending, so a zero total,
whose layer is a point mass, comes first) gives the distribution of
``S_m`` for every ``m`` at once: a dynamic programme over (draws, items)
whose weights are probabilities, so nothing overflows however long the
horizon (:func:`forecast.sampling._kernels.polya_rows`). For When,
``P(T <= m) = P(S_m >= N)`` because totals never decrease; only totals
below ``N`` are kept, which caps each total's count at ``(N - 1) // v_j``
(:func:`forecast.sampling._kernels.polya_rows` with a cap).

The time-weighted bootstrap (``weighted``) changes only the urn's start:
day ``i`` holds ``alpha_i`` balls instead of one, with ``alpha_i``
decreasing with the day's age (:func:`recency_alphas`). Nothing above needs
whole numbers of balls: the Polya urn with real ``alpha_i > 0`` is the
Dirichlet(alpha)-multinomial (draw ``i + 1`` is row ``r`` with probability
``(alpha_r + k_r) / (A + i)``, ``A = sum alpha``), the Gamma-function form of
``P(M)`` holds with ``c_j`` the sum of the parameters of the days of total
``v_j``, and so does the neutrality argument, the beta-binomial weights
taking real parameters. The programme is the same one; only the
one-ball-at-a-time step (which adds a whole ball) is used for whole ``c_j``
alone. The Monte Carlo twin draws Gamma(``alpha_i``) weights instead of
Exp(1) ones.

Whole weeks (rows of ``w`` working days) add one step. Day ``K w + j``
(``1 <= j <= w``) falls in the ``(K+1)``-th drawn week, so ``T <= K w + j``
exactly when ``S_K + P_j >= N``, with ``P_j`` the first ``j`` days of that
week. By exchangeability the ``(K+1)``-th draw may be taken first: it is row
``b`` with probability ``1 / n``, and then the other ``K`` are ``K`` draws from
the urn with one more ball of row ``b``, whose totals are
Dirichlet-multinomial with ``c + e_(total of b)``. So

    P(T > K w + j) = (1 / n) * sum_b P(S_K < N - P_(b, j) | urn c + e_(total of b)),

one programme per distinct week total; How many in ``K w + j`` days is the
same mixture of ``S_K + P_(b, j)``. Daily rows are weeks of one day, with
``j = w`` always: then no conditioning is needed.

These engines are the oracles the Monte Carlo engine is tested against, and
the Monte Carlo kernels theirs (``tests/test_mc_vs_exact.py``); the urn's
are also tested against exhaustive enumeration of the urn in exact fractions
and against a million Dirichlet trials (``tests/test_exact_bayes.py``).
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["daily_pmf", "when_pmf", "how_many_pmf", "when_pmf_blocks", "how_many_pmf_blocks",
           "bayes_when_pmf", "bayes_how_many_pmf", "how_many_pmfs", "recency_alphas", "HALF_LIFE",
           "how_many_pmfs_blocks",
           "bayes_how_many_pmfs", "polya_below_backlog", "score_pmf", "score_pmfs",
           "scored_how_many", "COMPILED_KINDS"]

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
    from forecast.sampling import _kernels

    blocks = np.asarray(blocks, dtype=np.int64)
    items, horizon = int(items), int(horizon)
    cdf, last = _kernels.blocks_when_pmf(blocks, items, horizon, _NEGLIGIBLE)
    cdf[last + 1:] = 1.0
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


HALF_LIFE = 10.0
"""Working days over which a day's weight halves in the time-weighted bootstrap."""


def recency_alphas(n: int, half_life: float = HALF_LIFE) -> np.ndarray:
    """Dirichlet parameters of ``n`` days (oldest first) for the time-weighted bootstrap.

    Day ``i`` weighs ``w_i = 2 ** (-(n - 1 - i) / half_life)``: yesterday's
    weight halves every ``half_life`` working days. The parameters are
    ``n_eff * w_i / sum(w)``, with Kish's effective sample size ``n_eff =
    sum(w) ** 2 / sum(w ** 2)``, so the weights are as uncertain as
    ``n_eff`` equally weighted days would be (Dirichlet(1, ..., 1) when every
    weight is equal: the Bayesian bootstrap).

    Examples
    --------
    >>> recency_alphas(3, half_life=1.0).round(4).tolist()   # weights 1/4, 1/2, 1; n_eff 7/3
    [0.3333, 0.6667, 1.3333]
    >>> recency_alphas(4, half_life=float("inf")).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    from forecast.sampling import _kernels

    return _kernels.recency_weights(int(n), float(half_life))


def _urn(totals: np.ndarray, alphas: np.ndarray | None = None
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct row totals (ascending), their balls and each row's index.

    A value's balls are how many rows have it, or the sum of those rows'
    Dirichlet parameters ``alphas``.
    """
    if alphas is not None:
        alphas = np.asarray(alphas, dtype=np.float64)
        if alphas.shape != totals.shape or not (np.isfinite(alphas) & (alphas > 0)).all():
            raise ValueError("alphas: one finite, positive Dirichlet parameter per row")
    freq = np.bincount(totals)  # faster than np.unique for small counts
    values = np.flatnonzero(freq)
    index = np.zeros(freq.size, dtype=np.int64)
    index[values] = np.arange(values.size)
    balls = (freq[values].astype(np.float64) if alphas is None else
             np.bincount(totals, weights=alphas)[values])
    return values.astype(np.int64), balls, index[totals]


def _single_days(blocks: np.ndarray, alphas: np.ndarray | None) -> None:
    if alphas is not None and blocks.shape[1] != 1:
        raise ValueError("Dirichlet parameters other than 1 take single days (one column)")


def bayes_how_many_pmf(blocks: np.ndarray, days: int, alphas: np.ndarray | None = None
                       ) -> np.ndarray:
    """Distribution of items in ``days`` working days under the Bayesian bootstrap (exact).

    ``blocks`` holds the sample's rows: single days (one column) or whole
    weeks; a trial weights them by Dirichlet(1, ..., 1) and draws rows by
    those weights (see the module's notes for the derivation). ``alphas``
    (single days only) replaces the ones by other Dirichlet parameters, one
    per row: the time-weighted bootstrap's :func:`recency_alphas`.

    Examples
    --------
    >>> bayes_how_many_pmf(np.array([[0], [1]]), 2).round(4).tolist()  # urn: 1/3 each
    [0.3333, 0.3333, 0.3333]
    >>> # weeks [1, 0] and [0, 2]: 3 days are a whole week and the next one's first day
    >>> bayes_how_many_pmf(np.array([[1, 0], [0, 2]]), 3).round(4).tolist()
    [0.0, 0.1667, 0.6667, 0.1667]
    >>> # Dirichlet(2, 1): the first day (0 items) has weight 2/3 on average; P(S_1 = 1) = 1/3
    >>> bayes_how_many_pmf(np.array([[0], [1]]), 1, alphas=np.array([2.0, 1.0])).tolist()
    [0.6666666666666666, 0.3333333333333333]
    """
    from forecast.sampling import _kernels

    blocks = np.asarray(blocks, dtype=np.int64)
    _single_days(blocks, alphas)
    rows, width = blocks.shape
    values, counts, where = _urn(blocks.sum(axis=1), alphas)
    whole, rest = divmod(int(days), width)
    if rest == 0:
        return _kernels.polya_rows(values, counts, whole, 0)[whole].copy()
    # the week in progress on the last day is row b with chance 1 / rows; given b, the
    # whole weeks are draws from the urn with one more ball of b's total
    prefix = blocks[:, :rest].sum(axis=1)
    out = np.zeros(whole * int(values[-1]) + int(prefix.max()) + 1)
    for i in range(values.size):
        extra = counts.copy()
        extra[i] += 1.0
        pmf = _kernels.polya_rows(values, extra, whole, 0)[whole]
        shifts, times = np.unique(prefix[where == i], return_counts=True)
        for shift, n in zip(shifts, times, strict=True):
            out[shift: shift + pmf.size] += pmf * (n / rows)
    return out


def bayes_when_pmf(blocks: np.ndarray, items: int, horizon: int,
                   alphas: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Completion-day distribution of ``items`` items under the Bayesian bootstrap (exact).

    Returns ``(pmf, beyond)`` as :func:`when_pmf` does; ``blocks`` and
    ``alphas`` as for :func:`bayes_how_many_pmf`.

    Examples
    --------
    >>> pmf, beyond = bayes_when_pmf(np.array([[0], [1]]), items=2, horizon=3)
    >>> pmf.round(4).tolist(), round(beyond, 4)   # P(T <= d) = P(S_d >= 2) = (d - 1) / (d + 1)
    ([0.0, 0.0, 0.3333, 0.1667], 0.5)
    """
    from forecast.sampling import _kernels

    blocks = np.asarray(blocks, dtype=np.int64)
    _single_days(blocks, alphas)
    rows, width = blocks.shape
    items, horizon = int(items), int(horizon)
    if items > horizon * int(blocks.max()):  # cannot finish even at the best pace
        return np.zeros(horizon + 1), 1.0
    values, counts, where = _urn(blocks.sum(axis=1), alphas)
    if width == 1:
        alive, last = _alive(values, counts, horizon, items)
    else:
        weeks = (horizon - 1) // width  # whole weeks before the last day's week
        prefix = np.concatenate([np.zeros((rows, 1), dtype=np.int64),
                                 np.cumsum(blocks, axis=1)], axis=1)
        alive = np.zeros(horizon + 1)
        alive[0] = 1.0
        day = np.arange(weeks + 1) * width
        for i in range(values.size):
            extra = counts.copy()
            extra[i] += 1.0
            table = _kernels.polya_rows(values, extra, weeks, items)
            # below[K, t] = P(S_K < t) for t = 0..items; a table narrower than items (K whole
            # weeks cannot reach it) has all its mass below every later t
            below = np.zeros((weeks + 1, items + 1))
            below[:, 1: table.shape[1] + 1] = np.cumsum(table, axis=1)
            below[:, table.shape[1] + 1:] = below[:, table.shape[1]: table.shape[1] + 1]
            for b in np.flatnonzero(where == i):
                for j in range(1, width + 1):
                    keep = day + j <= horizon
                    need = max(items - int(prefix[b, j]), 0)
                    alive[day[keep] + j] += below[keep, need] / rows
        last = horizon
    alive = np.minimum.accumulate(np.clip(alive, 0.0, 1.0))
    pmf = np.zeros(horizon + 1)
    pmf[1: last + 1] = alive[: last] - alive[1: last + 1]
    remaining = float(alive[last])
    return pmf, (remaining if remaining >= _NEGLIGIBLE else 0.0)


def _alive(values: np.ndarray, counts: np.ndarray, horizon: int, items: int
           ) -> tuple[np.ndarray, int]:
    """``P(S_m < items)`` for ``m = 0 .. horizon``, and the day it fell below 1e-15.

    The urn's tail is polynomial (a trial may weight the slowest days
    heavily), so the days needed are not known in advance: the programme
    runs to a first guess and doubles it until the mass not done is
    negligible or the horizon is reached.
    """
    from forecast.sampling import _kernels

    mean = float(values @ counts) / float(counts.sum())
    # short horizons (a backtest's) at once; long ones (a forecast's ten years) by doubling
    days = horizon if horizon <= 400 else min(horizon, max(64, int(4 * items / mean) + 32))
    while True:
        alive = _kernels.polya_rows(values, counts, days, items).sum(axis=1)
        done = np.flatnonzero(alive[1:] < _NEGLIGIBLE)
        if done.size or days >= horizon:
            break
        days = min(horizon, 2 * days)
    out = np.zeros(horizon + 1)
    last = int(done[0]) + 1 if done.size else days
    out[: last + 1] = alive[: last + 1]
    return out, last


@functools.lru_cache(maxsize=64)
def _ascending(days: tuple[int, ...]) -> np.ndarray:
    """Return the distinct spans, ascending (a backtest asks for the same ones often)."""
    return np.array(sorted(set(int(d) for d in days)), dtype=np.int64)  # callers only read it


def how_many_pmfs(counts: np.ndarray, days: tuple[int, ...]) -> list[np.ndarray]:
    """:func:`how_many_pmf` for each of ``days`` at once (one pass up to the longest).

    Examples
    --------
    >>> [p.tolist() for p in how_many_pmfs(np.array([0, 1]), (2, 1))]
    [[0.25, 0.5, 0.25], [0.5, 0.5]]
    """
    values, probs = support(counts)
    order = _ascending(tuple(days))
    top = int(values.max())
    if int(order[-1]) ** 2 * top * values.size / 2 > _DIRECT_LIMIT:
        return [how_many_pmf(counts, d) for d in days]
    from forecast.sampling import _kernels

    rows = _kernels.exact_how_many_rows(values, probs, order)
    found = {int(d): rows[i, : int(d) * top + 1] for i, d in enumerate(order)}
    return [found[int(d)] for d in days]


def how_many_pmfs_blocks(blocks: np.ndarray, days: tuple[int, ...]) -> list[np.ndarray]:
    """:func:`how_many_pmf_blocks` for each of ``days`` at once.

    Examples
    --------
    >>> [p.round(3).tolist() for p in how_many_pmfs_blocks(np.array([[1, 0], [0, 2]]), (3, 2))]
    [[0.0, 0.25, 0.5, 0.25], [0.0, 0.5, 0.5]]
    """
    from forecast.sampling import _kernels

    blocks = np.asarray(blocks, dtype=np.int64)
    order = _ascending(tuple(days))
    if int(order[-1]) // blocks.shape[1] > 64:  # long spans: binary powering
        return [how_many_pmf_blocks(blocks, d) for d in days]
    rows = _kernels.blocks_how_many_rows(blocks, order)
    width = blocks.shape[1]
    prefix = np.cumsum(blocks, axis=1)
    found = {}
    for i, d in enumerate(order):
        whole, rest = divmod(int(d), width)
        top = whole * int(prefix[:, -1].max()) + (int(prefix[:, rest - 1].max()) if rest else 0)
        found[int(d)] = rows[i, : top + 1]
    return [found[int(d)] for d in days]


def bayes_how_many_pmfs(blocks: np.ndarray, days: tuple[int, ...],
                        alphas: np.ndarray | None = None) -> list[np.ndarray]:
    """:func:`bayes_how_many_pmf` for each of ``days`` at once (one urn programme for days).

    Examples
    --------
    >>> [p.round(4).tolist() for p in bayes_how_many_pmfs(np.array([[0], [1]]), (1, 2))]
    [[0.5, 0.5], [0.3333, 0.3333, 0.3333]]
    """
    blocks = np.asarray(blocks, dtype=np.int64)
    _single_days(blocks, alphas)
    if blocks.shape[1] != 1:
        return [bayes_how_many_pmf(blocks, d) for d in days]
    from forecast.sampling import _kernels

    values, counts, _ = _urn(blocks[:, 0], alphas)
    order = _ascending(tuple(days))
    rows = _kernels.polya_rows(values, counts, int(order[-1]), 0)
    top = int(values[-1])
    return [rows[int(d), : int(d) * top + 1] for d in days]


def polya_below_backlog(blocks: np.ndarray, items: int, days: int,
                        alphas: np.ndarray | None = None) -> np.ndarray:
    """``out[d, s] = P(S_d = s)`` for totals ``s`` below ``items``, days ``d = 0 .. days``.

    The Bayesian bootstrap of single days (``blocks`` of one column; with
    ``alphas`` as for :func:`bayes_how_many_pmf`): the burn-up's bands read
    it, capping at the backlog as When does.

    Examples
    --------
    >>> polya_below_backlog(np.array([[0], [1]]), 2, 2).round(4).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.3333, 0.3333]]
    """
    from forecast.sampling import _kernels

    blocks = np.asarray(blocks, dtype=np.int64)
    if blocks.shape[1] != 1:
        raise ValueError("polya_below_backlog takes single days (one column)")
    values, counts, _ = _urn(blocks[:, 0], alphas)
    return _kernels.polya_rows(values, counts, int(days), int(items))


def score_pmf(pmf: np.ndarray, y: int, levels: np.ndarray
              ) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """Return the compiled scores of ``pmf`` against ``y`` (see ``scoring.score``).

    Examples
    --------
    >>> crps, loss, pit, least, most = score_pmf(np.array([0.5, 0.5]), 1, np.array([85.0]))
    >>> crps, pit, least.tolist(), most.tolist()
    (0.25, 0.75, [0], [1])
    """
    from forecast.sampling import _kernels

    return _kernels.score_count(pmf, y, levels)


def score_pmfs(flat: np.ndarray, offsets: np.ndarray, ys: np.ndarray, levels: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`score_pmf` of ``flat[offsets[i]:offsets[i + 1]]`` against ``ys[i]``, for every i.

    Examples
    --------
    >>> flat, offsets = np.array([0.5, 0.5, 1.0]), np.array([0, 2, 3])
    >>> score_pmfs(flat, offsets, np.array([1, 3]), np.array([85.0]))[0].tolist()
    [0.25, 3.0]
    """
    from forecast.sampling import _kernels

    return _kernels.score_counts(flat, offsets, ys, levels)


COMPILED_KINDS = {"daily": 0, "weekly": 1, "bayes": 2, "weighted": 3}
"""The methods :func:`scored_how_many` computes in one compiled pass, and their codes."""


def scored_how_many(work_all: np.ndarray, dates: np.ndarray, moved: np.ndarray,
                    counts: np.ndarray, firsts: np.ndarray, lasts: np.ndarray,
                    todo: np.ndarray, method: str, width: int, horizons: np.ndarray,
                    actual: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, ...]:
    """Score exact How-many forecasts of one window and method at many origins, compiled.

    The backtest's inner loop in one call: for each origin ``o`` with
    ``todo[o]``, the window ``[firsts[o], lasts[o]]`` (day numbers) counted as
    ``History.sample`` counts it, ``method``'s exact distributions of items in
    each of ``horizons`` (ascending) working days, exactly as
    :func:`how_many_pmfs`, :func:`how_many_pmfs_blocks` and
    :func:`bayes_how_many_pmfs` (with :func:`recency_alphas` for
    ``weighted``) give them, and their scores against ``actual[o, i]``
    (:func:`score_pmf`). Returns ``(status, crps, pinball, pit, at_least,
    at_most)``; ``status[o]`` is 1 when scored, 2 for an empty
    window, 3 when the method cannot use the window (weekly: fewer than two
    whole weeks, or none with a completion), 4 when it is too large for this
    pass (compute it the other way), 0 when not asked.

    Examples
    --------
    >>> days = np.arange(10, dtype=np.int64)            # ten working days, day numbers 0..9
    >>> counts = np.array([1, 0, 2, 1, 0, 1, 1, 0, 2, 1])
    >>> status, crps, *_ = scored_how_many(
    ...     days, days, days, counts, np.array([0]), np.array([4]), np.array([True]), "daily",
    ...     5, np.array([2]), np.array([[2]]), np.array([85.0]))
    >>> status.tolist(), round(float(crps[0, 0]), 6) == round(
    ...     score_pmf(how_many_pmf(counts[:5], 2), 2, np.array([85.0]))[0], 6)
    ([1], True)
    """
    from forecast.sampling import _kernels

    return _kernels.backtest_how_many(
        work_all, dates, moved, counts, firsts, lasts, todo, COMPILED_KINDS[method], int(width),
        horizons, actual, levels, _DIRECT_LIMIT, float(HALF_LIFE))
