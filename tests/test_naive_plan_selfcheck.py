"""Self-checks of the naive portfolio-plan oracle (tests/naive.py) against hand-computed cases.

Conventions of the cases below: day indices start at 0, so with one item per
day and every day working, the n-th item is done on index n - 1.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import math  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from naive import (  # noqa: E402
    naive_day_throughput,
    naive_joint_probability,
    naive_percentile_days,
    naive_plan_mc,
)


def team(counts, horizon, wip=1, capacity=None):
    if capacity is None:
        capacity = [1.0] * horizon
    assert len(capacity) == horizon
    return {"counts": list(counts), "wip": wip, "capacity": list(capacity)}


def outcome(parts, priority=0, depends_on=(), split=None):
    return {
        "parts": dict(parts),
        "split": split,
        "depends_on": list(depends_on),
        "priority": priority,
    }


def assert_all_rows(days, expected_row):
    """Every trial has exactly ``expected_row`` (deterministic cases)."""
    expected = np.tile(np.asarray(expected_row, dtype=np.int64), (days.shape[0], 1))
    np.testing.assert_array_equal(days, expected)


def binomial_bound(p, n, sigmas=5.0):
    """A `sigmas`-sigma tolerance for a share estimated from n Bernoulli(p) trials."""
    return sigmas * math.sqrt(p * (1 - p) / n)


# ---------------------------------------------------------------------------
# Output shape and reproducibility of the oracle itself
# ---------------------------------------------------------------------------


def test_shape_dtype_and_same_seed_same_result():
    H = 30
    teams = [team([0, 1, 2], H)]
    outcomes = [outcome({0: 5}), outcome({0: (2, 4)}, priority=1)]
    a = naive_plan_mc(teams, outcomes, [], H, 50, seed=7)
    b = naive_plan_mc(teams, outcomes, [], H, 50, seed=7)
    assert a.shape == (50, 2) and a.dtype == np.int64
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() <= H


# ---------------------------------------------------------------------------
# One team, counts [1], wip 1: strictly sequential by priority
# ---------------------------------------------------------------------------
# 1 item per day. A (35 items, priority 0) takes days 0..34 -> index 34.
# B (20 items, priority 1) takes days 35..54 -> index 54.


def test_sequential_wip1():
    H = 60
    teams = [team([1], H, wip=1)]
    outcomes = [outcome({0: 35}, priority=0), outcome({0: 20}, priority=1)]
    days = naive_plan_mc(teams, outcomes, [], H, 20, seed=1)
    assert_all_rows(days, [34, 54])


def test_priority_not_index_decides_order_and_ties_go_to_lower_index():
    # Outcome 0 has priority 5, outcome 1 priority 1 -> outcome 1 first:
    # outcome 1 (3 items) days 0..2 -> 2; outcome 0 (4 items) days 3..6 -> 6.
    H = 10
    days = naive_plan_mc(
        [team([1], H)], [outcome({0: 4}, priority=5), outcome({0: 3}, priority=1)], [], H, 5, 0
    )
    assert_all_rows(days, [6, 2])
    # Equal priorities: lower outcome index first -> outcome 0 days 0..3 -> 3, outcome 1 -> 6.
    days = naive_plan_mc(
        [team([1], H)], [outcome({0: 4}, priority=2), outcome({0: 3}, priority=2)], [], H, 5, 0
    )
    assert_all_rows(days, [3, 6])


def test_not_within_horizon_gives_sentinel():
    # 35 + 20 items at 1/day need 55 days; horizon 40 -> A on 34, B never (sentinel 40).
    H = 40
    days = naive_plan_mc(
        [team([1], H)], [outcome({0: 35}), outcome({0: 20}, priority=1)], [], H, 5, 0
    )
    assert_all_rows(days, [34, 40])


# ---------------------------------------------------------------------------
# Same, wip 2
# ---------------------------------------------------------------------------
# 55 items in total, 1 per day, and there is always an eligible part until
# both are done, so the one finishing last always completes on index 54.
# While both are open each item goes to A or B with probability 1/2.
# B (20) finishes last iff A's 35th item comes before B's 20th, i.e. iff A
# gets >= 35 of the first 54 items: P = P(Binomial(54, 1/2) >= 35)
# = sum_{k=35}^{54} C(54, k) / 2^54 ~= 0.0201.
# NOTE: so "B completes before 54 in EVERY trial" is false; it does in ~98 %.
# In those trials A finishes last, on index 54 > 34; A can finish on 34 only
# if it gets all of the first 35 items (probability 2^-35).


def test_wip2_shares_the_team():
    H = 60
    n = 3000
    teams = [team([1], H, wip=2)]
    outcomes = [outcome({0: 35}, priority=0), outcome({0: 20}, priority=1)]
    days = naive_plan_mc(teams, outcomes, [], H, n, seed=2)
    a, b = days[:, 0], days[:, 1]
    np.testing.assert_array_equal(np.maximum(a, b), 54)
    assert np.all(b >= 19)  # B needs 20 items: at least 20 days
    assert np.any(a > 34)
    assert np.mean(a > 34) > 0.95
    p_b_last = sum(math.comb(54, k) for k in range(35, 55)) / 2**54
    assert p_b_last == pytest.approx(0.0201, abs=1e-4)
    share_b_last = float(np.mean(b == 54))
    assert abs(share_b_last - p_b_last) <= binomial_bound(p_b_last, n)
    assert np.mean(b < 54) > 0.95


# ---------------------------------------------------------------------------
# Spill-over within a day
# ---------------------------------------------------------------------------
# counts [3], wip 1, A = 5, B = 4.
# Day 0: 3 items -> A 5->2. Day 1: 2 items finish A (index 1), the 3rd goes to
# B 4->3. Day 2: 3 items -> B 3->0 (index 2).


def test_spill_over():
    H = 10
    days = naive_plan_mc(
        [team([3], H)], [outcome({0: 5}), outcome({0: 4}, priority=1)], [], H, 10, 3
    )
    assert_all_rows(days, [1, 2])


# ---------------------------------------------------------------------------
# Outcome split over two teams
# ---------------------------------------------------------------------------
# Team 0 at 2/day: 10 items on days 0..4 -> index 4.
# Team 1 at 1/day: 10 items on days 0..9 -> index 9. Outcome: max -> 9.


def test_outcome_over_two_teams_completes_with_the_slower():
    H = 20
    days = naive_plan_mc([team([2], H), team([1], H)], [outcome({0: 10, 1: 10})], [], H, 10, 4)
    assert_all_rows(days, [9])


# ---------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------
# Team 0 (1/day): A = 5 items -> index 4.
# Team 1 (1/day, wip 1): B = 3 items, priority 0, depends on A; C = 4 items,
# priority 1. Days 0..4: B blocked (A completes on 4, not strictly before 4),
# so C is the first unblocked part: C gets days 0..3 -> index 3. Day 4: C done,
# B still blocked -> item lost. Days 5..7: B -> index 7.
# If the team had waited for B, C would only have finished on 7 + 4 = 11.


@pytest.mark.parametrize("a_team, b_team", [(0, 1), (1, 0)])
def test_dependency_blocks_and_team_works_next_outcome(a_team, b_team):
    # Team order within a day must not matter for blocking (strictly-before rule).
    H = 20
    teams = [team([1], H), team([1], H)]
    outcomes = [
        outcome({a_team: 5}),
        outcome({b_team: 3}, priority=0, depends_on=[0]),
        outcome({b_team: 4}, priority=1),
    ]
    days = naive_plan_mc(teams, outcomes, [], H, 10, 5)
    assert_all_rows(days, [4, 7, 3])
    assert np.all(days[:, 2] < 11)


def test_dependency_stochastic_never_same_day_or_earlier():
    # Random throughput on both teams: B (depends on A) must complete strictly after A,
    # in every trial; when A is not done within the horizon, neither is B.
    H = 10  # A (8 items at mean 1/day) is done within 10 days in most but not all trials
    teams = [team([0, 1, 2], H), team([0, 1, 2, 5], H)]
    outcomes = [outcome({0: 8}), outcome({1: 2}, depends_on=[0])]
    days = naive_plan_mc(teams, outcomes, [], H, 400, 6)
    a, b = days[:, 0], days[:, 1]
    done = a < H
    assert done.any() and (~done).any()
    assert np.all(b[done] > a[done])
    assert np.all(b[~done] == H)


def test_lost_throughput_while_blocked():
    # Team 0 (1/day): A = 10 -> index 9. Team 1 (5/day): its only outcome B = 12 depends on A.
    # Days 0..9: B blocked, team 1's items are lost (not banked). Days 10, 11, 12 give
    # 5, 10, 15 >= 12 -> index 12 (if idle throughput were banked it would be 10).
    H = 30
    teams = [team([1], H), team([5], H)]
    outcomes = [outcome({0: 10}), outcome({1: 12}, depends_on=[0])]
    days = naive_plan_mc(teams, outcomes, [], H, 10, 7)
    assert_all_rows(days, [9, 12])


def test_dependency_chain_and_cycle():
    # Chain on one team at 1/day, 2 items each, C <- B <- A, priorities reversed so
    # that blocking (not priority) decides: A days 0,1 -> 1; B days 2,3 -> 3; C days 4,5 -> 5.
    H = 10
    outcomes = [
        outcome({0: 2}, priority=2),
        outcome({0: 2}, priority=1, depends_on=[0]),
        outcome({0: 2}, priority=0, depends_on=[1]),
    ]
    days = naive_plan_mc([team([1], H)], outcomes, [], H, 5, 8)
    assert_all_rows(days, [1, 3, 5])
    # A cycle never unblocks: both get the sentinel.
    cyc = [outcome({0: 1}, depends_on=[1]), outcome({0: 1}, depends_on=[0])]
    assert_all_rows(naive_plan_mc([team([1], H)], cyc, [], H, 5, 8), [H, H])


# ---------------------------------------------------------------------------
# Capacity
# ---------------------------------------------------------------------------
# counts [1], capacity 0 on day indices 5..9, 1 elsewhere.
# n-th item: days 0..4 give items 1..5 (n <= 5 -> index n - 1); days 5..9
# give nothing; days 10.. give items 6, 7, ... (n > 5 -> index n + 4).
# E.g. 8 items -> index 12. No completion ever falls in 5..9.


@pytest.mark.parametrize("items", list(range(1, 13)))
def test_capacity_zero_days_skip(items):
    H = 30
    cap = [0.0 if 5 <= i <= 9 else 1.0 for i in range(H)]
    days = naive_plan_mc([team([1], H, capacity=cap)], [outcome({0: items})], [], H, 5, 9)
    expected = items - 1 if items <= 5 else items + 4
    assert_all_rows(days, [expected])
    assert not (5 <= expected <= 9)
    if items == 8:
        assert expected == 12


def test_capacity_half_mean_two_per_day():
    # counts [4], capacity 0.5 on all 2000 days: per day Binomial(4, 1/2), mean 2,
    # variance 4 * 1/2 * 1/2 = 1. Mean over 2000 independent days: sd sqrt(1/2000) ~ 0.0224;
    # tolerance 5 sd ~ 0.112.
    # Observation: 250 outcomes of 20 items each (5000 items, far above the ~4000 +- 45
    # possible), wip 1, worked in order. If C outcomes completed by day 1999, the total S
    # done satisfies 20*C <= S <= 20*C + 19, so S/2000 is known within 0.01.
    H = 2000
    teams = [team([4], H, capacity=[0.5] * H)]
    outcomes = [outcome({0: 20}, priority=j) for j in range(250)]
    days = naive_plan_mc(teams, outcomes, [], H, 1, seed=10)
    completed = int(np.count_nonzero(days[0] < H))
    assert completed < 250  # supply never ran out, so no throughput was lost
    tol = 5 * math.sqrt(1.0 / H)
    low_mean = 20 * completed / H
    high_mean = (20 * completed + 19) / H
    assert low_mean <= 2 + tol and high_mean >= 2 - tol
    # wip 1, sequential: completion days never decrease; 20 items at <= 4 a day need at
    # least 5 days, so consecutive completions are at least 4 indices apart.
    done = days[0][days[0] < H]
    assert np.all(np.diff(done) >= 4)


def test_day_throughput_helper():
    rng = np.random.default_rng(11)
    # c == 0: nothing; c == 1: the drawn count itself.
    assert naive_day_throughput(rng, [7], 0.0) == 0
    assert naive_day_throughput(rng, [7], 1.0) == 7
    # c = 1.5, counts [2]: stochastic_round(3.0) = 3 exactly.
    assert all(naive_day_throughput(rng, [2], 1.5) == 3 for _ in range(50))
    # c = 1.25, counts [2]: 2.5 -> 2 or 3 with probability 1/2 each: mean 2.5, var 1/4.
    n = 4000
    vals = [naive_day_throughput(rng, [2], 1.25) for _ in range(n)]
    assert set(vals) == {2, 3}
    assert abs(np.mean(vals) - 2.5) <= 5 * math.sqrt(0.25 / n)
    # c = 0.5, counts [4]: Binomial(4, 1/2), values 0..4, mean 2, var 1.
    vals = [naive_day_throughput(rng, [4], 0.5) for _ in range(n)]
    assert set(vals) <= {0, 1, 2, 3, 4}
    assert abs(np.mean(vals) - 2) <= 5 * math.sqrt(1.0 / n)
    assert abs(np.var(vals) - 1) < 0.15


def test_capacity_above_one_deterministic():
    # counts [2], capacity 1.5: 3 items a day. 9 items -> days 0, 1, 2 -> index 2.
    H = 10
    days = naive_plan_mc([team([2], H, capacity=[1.5] * H)], [outcome({0: 9})], [], H, 5, 12)
    assert_all_rows(days, [2])


# ---------------------------------------------------------------------------
# Size specs and split
# ---------------------------------------------------------------------------


def test_size_range_and_pool():
    # counts [1]: completion index = size - 1.
    # (3, 5): size 3, 4, 5 with 1/3 each -> index 2, 3, 4 with 1/3 each.
    # [2, 2, 7]: size 2 w.p. 2/3 (index 1), 7 w.p. 1/3 (index 6).
    H = 20
    n = 3000
    d1 = naive_plan_mc([team([1], H)], [outcome({0: (3, 5)})], [], H, n, 13)[:, 0]
    assert set(d1.tolist()) == {2, 3, 4}
    for v in (2, 3, 4):
        assert abs(np.mean(d1 == v) - 1 / 3) <= binomial_bound(1 / 3, n)
    d2 = naive_plan_mc([team([1], H)], [outcome({0: [2, 2, 7]})], [], H, n, 14)[:, 0]
    assert set(d2.tolist()) == {1, 6}
    assert abs(np.mean(d2 == 1) - 2 / 3) <= binomial_bound(2 / 3, n)


def test_split_one_changes_nothing():
    # counts [1], 10 items: index 9 with or without split (1, 1) (m = 1 exactly, 10*1 = 10).
    H = 20
    plain = naive_plan_mc([team([1], H)], [outcome({0: 10})], [], H, 10, 15)
    split = naive_plan_mc([team([1], H)], [outcome({0: 10}, split=(1.0, 1.0))], [], H, 10, 15)
    assert_all_rows(plain, [9])
    assert_all_rows(split, [9])


def test_split_deterministic_multiplier_applies_to_every_part():
    # split (2, 2): parts 10 (team 0, 2/day) and 3 (team 1, 1/day) become 20 and 6:
    # team 0 days 0..9 -> 9; team 1 days 0..5 -> 5. Outcome -> 9 (without split: max(4, 2) = 4).
    H = 20
    teams = [team([2], H), team([1], H)]
    days = naive_plan_mc(teams, [outcome({0: 10, 1: 3}, split=(2.0, 2.0))], [], H, 10, 16)
    assert_all_rows(days, [9])


def test_split_stochastic_rounding_and_floor_of_one():
    # size 3, split (0.5, 0.5): 1.5 -> 1 or 2 w.p. 1/2 -> index 0 or 1 w.p. 1/2.
    # size 1, split (0.1, 0.1): 0.1 -> 0 or 1, then max(1, .) = 1 -> index 0 always.
    H = 10
    n = 2000
    d = naive_plan_mc([team([1], H)], [outcome({0: 3}, split=(0.5, 0.5))], [], H, n, 17)[:, 0]
    assert set(d.tolist()) == {0, 1}
    assert abs(np.mean(d == 0) - 0.5) <= binomial_bound(0.5, n)
    d = naive_plan_mc([team([1], H)], [outcome({0: 1}, split=(0.1, 0.1))], [], H, 200, 18)
    assert_all_rows(d, [0])


def test_split_range_mean():
    # size 100, split (0.5, 1.5): E[size] = 100 * E[m] = 100 (stochastic rounding is unbiased).
    # counts [100]: done on day index 0 if size <= 100, 1 otherwise; P(size <= 100) ~ 1/2
    # (P(m <= 1) = 1/2; the rounding moves it by at most P(99 < 100m < 101) = 1/50).
    H = 5
    n = 3000
    d = naive_plan_mc([team([100], H)], [outcome({0: 100}, split=(0.5, 1.5))], [], H, n, 19)
    share = float(np.mean(d[:, 0] == 0))
    assert abs(share - 0.5) <= binomial_bound(0.5, n) + 0.02


# ---------------------------------------------------------------------------
# Risks
# ---------------------------------------------------------------------------


def test_risk_probability_zero_and_one_items():
    # counts [1], 10 items -> index 9. Probability 0: unchanged, 9.
    # Probability 1 with items (3, 3): 13 items -> index 12, same as a plain 13-item outcome.
    H = 20
    teams = [team([1], H)]
    never = [{"outcome": 0, "probability": 0.0, "items": (3, 3)}]
    always = [{"outcome": 0, "probability": 1.0, "items": (3, 3)}]
    assert_all_rows(naive_plan_mc(teams, [outcome({0: 10})], never, H, 10, 20), [9])
    assert_all_rows(naive_plan_mc(teams, [outcome({0: 10})], always, H, 10, 20), [12])
    assert_all_rows(naive_plan_mc(teams, [outcome({0: 13})], [], H, 10, 20), [12])


def test_risk_probability_zero_same_distribution_stochastic():
    # Random throughput: a probability-0 risk must leave the distribution unchanged.
    # Compare means of two independent runs: sd of each mean <= sqrt(var/n).
    H = 60
    n = 2000
    teams = [team([0, 1, 2, 3], H)]
    never = [{"outcome": 0, "probability": 0.0, "items": (5, 9)}]
    a = naive_plan_mc(teams, [outcome({0: 20})], [], H, n, 21)[:, 0]
    b = naive_plan_mc(teams, [outcome({0: 20})], never, H, n, 22)[:, 0]
    assert a.max() < H and b.max() < H
    sd = math.sqrt(a.var() / n + b.var() / n)
    assert abs(a.mean() - b.mean()) <= 5 * sd


def test_risk_items_range_and_probability():
    # counts [1], 10 items, risk probability 1/2 with items (0, 2):
    # index 9 + extra where extra = 0 w.p. 1/2 + 1/2*1/3 = 2/3, 1 w.p. 1/6, 2 w.p. 1/6.
    H = 20
    n = 3000
    risks = [{"outcome": 0, "probability": 0.5, "items": (0, 2)}]
    d = naive_plan_mc([team([1], H)], [outcome({0: 10})], risks, H, n, 23)[:, 0]
    assert set(d.tolist()) == {9, 10, 11}
    for v, p in ((9, 2 / 3), (10, 1 / 6), (11, 1 / 6)):
        assert abs(np.mean(d == v) - p) <= binomial_bound(p, n)


def test_risk_items_team_choice():
    # Team 0 at 2/day, team 1 at 1/day; parts given as {1: 4, 0: 10} (dict order must not
    # matter): team 0 10 items -> index 4, team 1 4 items -> index 3; outcome 4.
    # +4 items on team 1 (explicit): 8 items -> index 7; outcome max(4, 7) = 7.
    # +4 items, no team -> lowest-indexed team 0: 14 items at 2/day -> index 6; outcome 6.
    H = 20
    teams = [team([2], H), team([1], H)]
    outs = [outcome({1: 4, 0: 10})]
    assert_all_rows(naive_plan_mc(teams, outs, [], H, 5, 24), [4])
    on_1 = [{"outcome": 0, "probability": 1.0, "items": (4, 4), "team": 1}]
    assert_all_rows(naive_plan_mc(teams, outs, on_1, H, 5, 24), [7])
    default = [{"outcome": 0, "probability": 1.0, "items": (4, 4)}]
    assert_all_rows(naive_plan_mc(teams, outs, default, H, 5, 24), [6])


def test_risk_items_after_split():
    # Split (2, 2) doubles the drawn size (5 -> 10), then the risk adds 3 (not doubled): 13.
    # counts [1] -> index 12.
    H = 20
    risks = [{"outcome": 0, "probability": 1.0, "items": (3, 3)}]
    d = naive_plan_mc([team([1], H)], [outcome({0: 5}, split=(2.0, 2.0))], risks, H, 5, 25)
    assert_all_rows(d, [12])


def test_delay_risk():
    # counts [1], A = 3 items with delay_start 10 (probability 1): days 10, 11, 12 -> 12.
    H = 30
    risks = [{"outcome": 0, "probability": 1.0, "delay_start": 10}]
    assert_all_rows(naive_plan_mc([team([1], H)], [outcome({0: 3})], risks, H, 5, 26), [12])
    # With wip 1 and B = 20 items (priority 1): days 0..9 go to B (A is blocked, so it does
    # not hold the wip slot): B 20 -> 10. Days 10..12: A -> 12. Days 13..22: B -> 22.
    outs = [outcome({0: 3}, priority=0), outcome({0: 20}, priority=1)]
    assert_all_rows(naive_plan_mc([team([1], H)], outs, risks, H, 5, 26), [12, 22])
    # Several delays: the latest start wins (4 and 10 -> 10). Probability 0: no delay -> 2.
    two = [
        {"outcome": 0, "probability": 1.0, "delay_start": 4},
        {"outcome": 0, "probability": 1.0, "delay_start": 10},
    ]
    assert_all_rows(naive_plan_mc([team([1], H)], [outcome({0: 3})], two, H, 5, 26), [12])
    none = [{"outcome": 0, "probability": 0.0, "delay_start": 10}]
    assert_all_rows(naive_plan_mc([team([1], H)], [outcome({0: 3})], none, H, 5, 26), [2])


def test_delay_unblocking_preempts_a_started_lower_priority_part():
    # Literal consequence of "first wip of the unblocked parts": wip 1, counts [1],
    # B (2 items, priority 0) delayed to 3, C (5 items, priority 1).
    # Days 0..2: C 5 -> 2. Day 3: B is unblocked and first -> B days 3, 4 -> 4.
    # C resumes days 5, 6 -> 6.
    H = 20
    risks = [{"outcome": 0, "probability": 1.0, "delay_start": 3}]
    outs = [outcome({0: 2}, priority=0), outcome({0: 5}, priority=1)]
    assert_all_rows(naive_plan_mc([team([1], H)], outs, risks, H, 5, 27), [4, 6])


# ---------------------------------------------------------------------------
# Joint probability and percentiles
# ---------------------------------------------------------------------------


def test_joint_probability_by_hand():
    days = np.array([[1, 5], [2, 3], [4, 4], [0, 9]])
    # targets (2, 4): rows 0 (5 > 4) no, 1 yes, 2 (4 > 2) no, 3 (9 > 4) no -> 1/4.
    assert naive_joint_probability(days, [2, 4]) == 0.25
    # only outcome 0 <= 2: rows 0, 1, 3 -> 3/4.
    assert naive_joint_probability(days, [2, None]) == 0.75
    # no target at all: every trial counts -> 1.
    assert naive_joint_probability(days, [None, None]) == 1.0


def test_percentile_days_by_hand():
    # Column [0, 1, 1, 3, H=10]: cdf at 0: 1/5, 1: 3/5, 2: 3/5, 3: 4/5, 4..9: 4/5.
    col = np.array([0, 1, 1, 3, 10])
    assert naive_percentile_days(col, 20, 10) == 0
    assert naive_percentile_days(col, 50, 10) == 1
    assert naive_percentile_days(col, 60, 10) == 1  # exact boundary 3/5
    assert naive_percentile_days(col, 80, 10) == 3  # exact boundary 4/5
    assert naive_percentile_days(col, 85, 10) is None  # the sentinel is never returned
    assert naive_percentile_days(col, 100, 10) is None


def test_joint_close_to_product_for_independent_teams():
    # Two outcomes on two teams with no dependency: completion days are independent, so
    # P(A <= a, B <= b) = P(A <= a) P(B <= b). Targets at the medians. The estimate of
    # the joint has sd sqrt(q (1 - q) / n) with q the product; tolerance 5 sd plus the
    # (smaller) error of the product of the two estimated marginals.
    H = 40
    n = 3000
    teams = [team([0, 1, 2, 3], H), team([0, 1, 2, 3], H)]
    outcomes = [outcome({0: 15}), outcome({1: 15})]
    days = naive_plan_mc(teams, outcomes, [], H, n, 28)
    assert days.max() < H
    ta = naive_percentile_days(days[:, 0], 50, H)
    tb = naive_percentile_days(days[:, 1], 50, H)
    pa = naive_joint_probability(days, [ta, None])
    pb = naive_joint_probability(days, [None, tb])
    assert pa >= 0.5 and pb >= 0.5
    joint = naive_joint_probability(days, [ta, tb])
    q = pa * pb
    tol = binomial_bound(q, n) + binomial_bound(pa, n) + binomial_bound(pb, n)
    assert abs(joint - q) <= tol
    # Sanity: joint is at most either marginal.
    assert joint <= min(pa, pb)
