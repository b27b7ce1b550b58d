"""Pure-Python twins of the numba kernels: the readable specification.

Each function here draws exactly the same random numbers as its kernel in
:mod:`forecast.sampling._kernels` and returns exactly the same array; the tests assert
equality. Python integers are masked to 64 bits where the kernel's ``uint64``
arithmetic wraps.
"""

from __future__ import annotations

import math
from typing import Any

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


def unit(r: int) -> float:
    """Return a uniform float in ``[0, 1)`` from the top 53 bits of ``r``."""
    return float(r >> 11) * (1.0 / 9007199254740992.0)


SIZE_SALT = 0x632BE59BD9B4E019
TEAM_SALT = 0xD1B54A32D192ED03
SPARE_BITS = 11


def team_key(key: int, team: int) -> int:
    """Mixed seed of a team's stream: team 0 uses the run's own key."""
    return key if team == 0 else mix64((key + team * TEAM_SALT) & MASK)


def plan_days(
    sample_values, sample_offsets, team_width, team_bayes, sample_alphas, wip, capacity,
    part_team, part_outcome, size_low, size_high, pool_offset, pool_count, pool_values,
    team_parts, team_offsets, outcome_parts, outcome_offsets,
    split_low, split_high, dependents, dependent_offsets, n_prereq,
    risk_outcome, risk_prob, risk_kind, risk_low, risk_high, risk_part, risk_delay,
    horizon, seed, trials,
):  # noqa: D417 - the arguments are the kernel's, documented in forecast.sampling.simulate
    """Completion day index of each outcome in each trial, as the plan kernel computes it.

    Per trial: draw part sizes, scope growth and risks from the trial's size
    stream, then walk the shared timeline day by day; each team with capacity
    that day and something eligible draws its throughput from its own stream
    and hands each item to one of its first ``wip`` unfinished, unblocked parts
    (uniformly), spilling over to the next part when one finishes.

    Streams: sizes, growth and risks come from ``trial_state(mix64(key +
    SIZE_SALT), trial)``; team ``t``'s days from ``trial_state(team_key(key,
    t), trial)``, so a team's draws depend only on its own days. Draws per
    working day with something eligible: the throughput (a daily draw, or a
    block when the last one is used up), thinning or rounding draws when the
    capacity factor is not 1, then the picks: none with one part in progress;
    with two and at most 64 items, one coin per item, bit ``i`` of a word for
    item ``i``: the daily draw's low ``SPARE_BITS`` bits when the sample is
    drawn day by day and the items fit in them, else a fresh draw; otherwise
    one draw per item. After a part finishes, the rest of the day draws one
    pick per item while more than one part is eligible.
    """
    n_teams, n_parts, n_outcomes = len(wip), len(part_team), len(n_prereq)
    out = np.full((trials, n_outcomes), horizon, dtype=np.int32)
    sizes = np.zeros((trials, n_outcomes), dtype=np.int64)
    key = mix64(seed & MASK)
    size_key = mix64((key + SIZE_SALT) & MASK)
    for trial in range(trials):
        state = trial_state(size_key, trial)

        def draw() -> int:
            return next_u64(state)  # noqa: B023 - the state of this trial

        remaining = [0] * n_parts
        parts_left = [int(outcome_offsets[o + 1] - outcome_offsets[o]) for o in range(n_outcomes)]
        waiting = [int(v) for v in n_prereq]
        ready = [0] * n_outcomes
        delay = [0] * n_outcomes
        head = [int(team_offsets[t]) for t in range(n_teams)]
        for p in range(n_parts):
            if pool_count[p] > 0:
                remaining[p] = int(pool_values[pool_offset[p] + below(draw(), int(pool_count[p]))])
            elif size_high[p] > size_low[p]:
                span = int(size_high[p] - size_low[p] + 1)
                remaining[p] = int(size_low[p]) + below(draw(), span)
            else:
                remaining[p] = int(size_low[p])
        for o in range(n_outcomes):
            low, high = float(split_low[o]), float(split_high[o])
            if low == 1.0 and high == 1.0:
                continue
            m = low + unit(draw()) * (high - low) if high > low else low
            for k in range(outcome_offsets[o], outcome_offsets[o + 1]):
                p = int(outcome_parts[k])
                x = remaining[p] * m
                whole = math.floor(x)
                frac = x - whole
                grown = whole + (1 if frac > 0.0 and unit(draw()) < frac else 0)
                remaining[p] = max(grown, 1)
        for q in range(len(risk_outcome)):
            prob = float(risk_prob[q])
            if prob <= 0.0 or (prob < 1.0 and unit(draw()) >= prob):
                continue
            o = int(risk_outcome[q])
            if risk_kind[q] == 0:
                extra = int(risk_low[q])
                if risk_high[q] > risk_low[q]:
                    extra += below(draw(), int(risk_high[q] - risk_low[q] + 1))
                remaining[int(risk_part[q])] += extra
            else:
                delay[o] = max(delay[o], int(risk_delay[q]))
        for p in range(n_parts):
            sizes[trial, int(part_outcome[p])] += remaining[p]
        streams = [trial_state(team_key(key, t), trial) for t in range(n_teams)]
        position = [int(w) for w in team_width]
        base = [0] * n_teams
        weights: dict[int, list[float]] = {}
        for t in range(n_teams):
            if team_bayes[t]:
                n_blocks = (int(sample_offsets[t + 1]) - int(sample_offsets[t])) // int(
                    team_width[t])
                first = int(sample_offsets[t])
                weights[t] = dirichlet_cdf(sample_alphas[first:first + n_blocks], streams[t])

        def eligible_parts(t: int, day: int) -> list[int]:
            found = []
            for k in range(head[t], int(team_offsets[t + 1])):  # noqa: B023
                p = int(team_parts[k])
                o = int(part_outcome[p])
                if remaining[p] > 0 and waiting[o] == 0 and ready[o] <= day and delay[o] <= day:  # noqa: B023
                    found.append(p)
                    if len(found) >= wip[t]:
                        break
            return found

        n_done = 0
        for day in range(horizon):
            if n_done == n_outcomes:
                break
            for t in range(n_teams):
                c = float(capacity[t, day])
                if c == 0.0:
                    continue
                eligible = eligible_parts(t, day)
                width = int(team_width[t])
                if not eligible:
                    if position[t] < width:
                        position[t] += 1
                    continue
                stream = streams[t]
                lo, hi = int(sample_offsets[t]), int(sample_offsets[t + 1])
                spare, n_spare = 0, 0
                if width == 1 and not team_bayes[t]:
                    r = next_u64(stream)
                    throughput = int(sample_values[lo + below(r, hi - lo)])
                    spare, n_spare = r, SPARE_BITS
                else:
                    if position[t] >= width:
                        r = next_u64(stream)
                        if team_bayes[t]:
                            block = weighted_index(weights[t], unit(r) * weights[t][-1])
                        else:
                            block = below(r, (hi - lo) // width)
                        base[t] = lo + block * width
                        position[t] = 0
                    throughput = int(sample_values[base[t] + position[t]])
                    position[t] += 1
                if c < 1.0:
                    throughput = sum(1 for _ in range(throughput) if unit(next_u64(stream)) < c)
                elif c > 1.0:
                    x = throughput * c
                    whole = math.floor(x)
                    frac = x - whole
                    throughput = whole + (1 if frac > 0.0 and unit(next_u64(stream)) < frac else 0)
                coins: list[int] = []
                if len(eligible) == 2 and throughput <= 64:
                    # one fair coin per item (bit i of one word goes with item i); a day in
                    # which neither outcome finishes is settled by counting them
                    word = spare if throughput <= n_spare else next_u64(stream)
                    coins = [(word >> i) & 1 for i in range(throughput)]
                    to_second = sum(coins)
                    to_first = throughput - to_second
                    if to_first < remaining[eligible[0]] and to_second < remaining[eligible[1]]:
                        remaining[eligible[0]] -= to_first
                        remaining[eligible[1]] -= to_second
                        continue
                for _ in range(throughput):
                    if not eligible:
                        break
                    if coins:
                        pick = coins.pop(0)
                    else:
                        pick = below(next_u64(stream), len(eligible)) if len(eligible) > 1 else 0
                    p = eligible[pick]
                    remaining[p] -= 1
                    if remaining[p] > 0:
                        continue
                    coins = []
                    o = int(part_outcome[p])
                    parts_left[o] -= 1
                    if parts_left[o] == 0:
                        out[trial, o] = day
                        n_done += 1
                        for k in range(dependent_offsets[o], dependent_offsets[o + 1]):
                            d = int(dependents[k])
                            waiting[d] -= 1
                            if waiting[d] == 0:
                                ready[d] = day + 1
                    end = int(team_offsets[t + 1])
                    while head[t] < end and remaining[int(team_parts[head[t]])] <= 0:
                        head[t] += 1
                    eligible = eligible_parts(t, day)
    return out, sizes


def gamma_draw(a: float, state: list[int]) -> float:
    """One Gamma(``a``, 1) draw from ``state``, as the kernel draws it."""
    boost = 1.0
    if a < 1.0:
        boost = unit(next_u64(state)) ** (1.0 / a)
        a += 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        radius = math.sqrt(-2.0 * math.log(1.0 - unit(next_u64(state))))
        z = radius * math.cos(2.0 * math.pi * unit(next_u64(state)))
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        if math.log(1.0 - unit(next_u64(state))) < 0.5 * z * z + d - d * v + d * math.log(v):
            return d * v * boost


def dirichlet_cdf(alphas: Any, state: list[int]) -> list[float]:
    """Cumulative Gamma(``alphas[i]``) weights (Exp(1) where it is 1), drawn from ``state``."""
    cdf, acc = [], 0.0
    for a in alphas:
        if float(a) == 1.0:
            acc += -math.log(1.0 - unit(next_u64(state)))
        else:
            acc += gamma_draw(float(a), state)
        cdf.append(acc)
    return cdf


def weighted_index(cdf: list[float], x: float) -> int:
    """Smallest ``i`` with ``cdf[i] > x``."""
    return next(i for i, c in enumerate(cdf) if c > x) if x < cdf[-1] else len(cdf) - 1


def _ones(n: int, alphas: Any) -> Any:
    return [1.0] * n if alphas is None or len(alphas) == 0 else alphas


def _pick(blocks: np.ndarray, cdf: list[float] | None, state: list[int]) -> int:
    r = next_u64(state)
    if cdf is None:
        return below(r, blocks.shape[0])
    return weighted_index(cdf, unit(r) * cdf[-1])


def when_days_blocks(blocks: np.ndarray, items: int, horizon: int, seed: int, trials: int,
                     bayes: bool, alphas: Any = None) -> np.ndarray:
    """Completion day per trial, drawing whole blocks of days (and Dirichlet weights)."""
    key = mix64(seed & MASK)
    out = np.empty(trials, dtype=np.int32)
    rows = [[int(v) for v in row] for row in blocks]
    for t in range(trials):
        state = trial_state(key, t)
        cdf = dirichlet_cdf(_ones(len(rows), alphas), state) if bayes else None
        total = day = 0
        while total < items and day < horizon:
            for value in rows[_pick(blocks, cdf, state)]:
                total += value
                day += 1
                if total >= items or day >= horizon:
                    break
        out[t] = day if total >= items else horizon + 1
    return out


def how_many_blocks(blocks: np.ndarray, days: int, seed: int, trials: int,
                    bayes: bool, alphas: Any = None) -> np.ndarray:
    """Items completed in ``days`` working days per trial, drawing blocks as above."""
    key = mix64(seed & MASK)
    out = np.empty(trials, dtype=np.int64)
    rows = [[int(v) for v in row] for row in blocks]
    for t in range(trials):
        state = trial_state(key, t)
        cdf = dirichlet_cdf(_ones(len(rows), alphas), state) if bayes else None
        total = day = 0
        while day < days:
            for value in rows[_pick(blocks, cdf, state)]:
                total += value
                day += 1
                if day >= days:
                    break
        out[t] = total
    return out
