"""Deferred acceptance on arrays: feasibility, stability and optimality against brute force."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection.market import (
    Preferences,
    Priorities,
    market_with_common_priority,
    market_with_priorities,
)
from statevisa.selection.matching import (
    Market,
    applicant_proposing,
    blocking_entries,
    is_feasible,
    program_proposing,
)


@dataclass(frozen=True)
class Instance:
    """A small market in plain Python: lists of program and applicant indices."""

    applicant_lists: list[list[int]]
    program_lists: list[list[int]]
    capacity: list[int]

    def market(self) -> Market:
        pairs = [(a, p, r + 1) for a, lst in enumerate(self.applicant_lists) for r, p in enumerate(lst)]
        ranked = [(p, a, r + 1) for p, lst in enumerate(self.program_lists) for r, a in enumerate(lst)]
        prefs = Preferences(
            applicant=np.array([a for a, _, _ in pairs], dtype=np.int64),
            program=np.array([p for _, p, _ in pairs], dtype=np.int64),
            rank=np.array([r for _, _, r in pairs], dtype=np.int64),
            n_applicants=len(self.applicant_lists),
        )
        priorities = Priorities(
            program=np.array([p for p, _, _ in ranked], dtype=np.int64),
            applicant=np.array([a for _, a, _ in ranked], dtype=np.int64),
            rank=np.array([r for _, _, r in ranked], dtype=np.int64),
        )
        return market_with_priorities(prefs, np.array(self.capacity, dtype=np.int64), priorities)

    def acceptable(self, a: int, p: int) -> bool:
        return p in self.applicant_lists[a] and a in self.program_lists[p]

    def stable(self, assignment: tuple[int, ...]) -> bool:
        """Feasible and without a blocking pair, checked directly from the definitions."""
        for a, p in enumerate(assignment):
            if p >= 0 and not self.acceptable(a, p):
                return False
        for p, cap in enumerate(self.capacity):
            if sum(1 for q in assignment if q == p) > cap:
                return False
        for a, lst in enumerate(self.applicant_lists):
            for p in lst:
                if not self.acceptable(a, p):
                    continue
                current = assignment[a]
                if current >= 0 and lst.index(current) <= lst.index(p):
                    continue
                held = [b for b, q in enumerate(assignment) if q == p]
                if len(held) < self.capacity[p]:
                    return False
                order = self.program_lists[p]
                if any(order.index(a) < order.index(b) for b in held):
                    return False
        return True

    def stable_matchings(self) -> list[tuple[int, ...]]:
        options = [[-1, *lst] for lst in self.applicant_lists]
        return [m for m in itertools.product(*options) if self.stable(m)]

    def prefers_or_equal(self, a: int, p: int, q: int) -> bool:
        """Applicant a likes p at least as much as q (-1 = unmatched, the worst)."""
        if p == q:
            return True
        if p < 0:
            return False
        if q < 0:
            return True
        lst = self.applicant_lists[a]
        return lst.index(p) < lst.index(q)


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 3))
    applicant_lists = [
        draw(
            st.permutations(range(m))
            .map(lambda perm: list(perm))
            .flatmap(lambda perm: st.integers(0, len(perm)).map(lambda k: perm[:k]))
        )
        for _ in range(n)
    ]
    program_lists = [
        draw(
            st.permutations(range(n))
            .map(lambda perm: list(perm))
            .flatmap(lambda perm: st.integers(0, len(perm)).map(lambda k: perm[:k]))
        )
        for _ in range(m)
    ]
    capacity = [draw(st.integers(0, 2)) for _ in range(m)]
    return Instance(applicant_lists, program_lists, capacity)


@settings(max_examples=300, deadline=None)
@given(instance=instances())
def test_applicant_proposing_is_the_applicant_optimal_stable_matching(instance: Instance) -> None:
    market = instance.market()
    result = tuple(applicant_proposing(market).tolist())
    stable = instance.stable_matchings()
    assert result in stable
    for other in stable:
        for a in range(len(instance.applicant_lists)):
            assert instance.prefers_or_equal(a, result[a], other[a])


@settings(max_examples=300, deadline=None)
@given(instance=instances())
def test_program_proposing_is_the_applicant_pessimal_stable_matching(instance: Instance) -> None:
    market = instance.market()
    result = tuple(program_proposing(market).tolist())
    stable = instance.stable_matchings()
    assert result in stable
    for other in stable:
        for a in range(len(instance.applicant_lists)):
            assert instance.prefers_or_equal(a, other[a], result[a])


@settings(max_examples=200, deadline=None)
@given(instance=instances(), data=st.data())
def test_blocking_entries_agree_with_the_definition(instance: Instance, data: st.DataObject) -> None:
    market = instance.market()
    options = [
        [-1, *[p for p in lst if instance.acceptable(a, p)]] for a, lst in enumerate(instance.applicant_lists)
    ]
    assignment = tuple(data.draw(st.sampled_from(opts)) for opts in options)
    array = np.array(assignment, dtype=np.int64)
    if is_feasible(market, array):
        assert (len(blocking_entries(market, array)) == 0) == instance.stable(assignment)


def test_infeasible_assignments_are_recognised() -> None:
    instance = Instance([[0], [0]], [[0, 1]], [1])
    market = instance.market()
    assert not is_feasible(market, np.array([0, 0]))
    assert is_feasible(market, np.array([0, -1]))
    assert not is_feasible(Instance([[0], []], [[0]], [1]).market(), np.array([0, 0]))


def test_the_sides_get_their_own_optimum_when_they_disagree() -> None:
    instance = Instance(applicant_lists=[[0, 1], [1, 0]], program_lists=[[1, 0], [0, 1]], capacity=[1, 1])
    market = instance.market()
    assert applicant_proposing(market).tolist() == [0, 1]
    assert program_proposing(market).tolist() == [1, 0]


def test_unacceptable_pairs_and_zero_capacity_are_respected() -> None:
    instance = Instance(applicant_lists=[[0, 1], [0], []], program_lists=[[1], [0]], capacity=[1, 0])
    market = instance.market()
    assert applicant_proposing(market).tolist() == [-1, 0, -1]
    assert program_proposing(market).tolist() == [-1, 0, -1]


def _serial_dictatorship(prefs: np.ndarray, rank: np.ndarray, capacity: np.ndarray) -> list[int]:
    left = capacity.copy()
    result = [-1] * len(prefs)
    for a in np.argsort(rank).tolist():
        for p in prefs[a].tolist():
            if left[p] > 0:
                left[p] -= 1
                result[a] = p
                break
    return result


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_common_priority_gives_serial_dictatorship(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m, length = 300, 20, 4
    prefs = np.argsort(rng.random((n, m)), axis=1)[:, :length]
    rank = rng.permutation(n)
    capacity = rng.integers(0, 25, m)
    market = market_with_common_priority(
        Preferences(
            applicant=np.repeat(np.arange(n), length),
            program=prefs.reshape(-1),
            rank=np.tile(np.arange(1, length + 1), n),
            n_applicants=n,
        ),
        capacity,
        rank,
    )
    expected = _serial_dictatorship(prefs, rank, capacity)
    assert applicant_proposing(market).tolist() == expected
    assert program_proposing(market).tolist() == expected
    assert len(blocking_entries(market, np.array(expected))) == 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_larger_random_markets_are_stable_and_feasible(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = 400, 15
    lengths = rng.integers(0, 6, n)
    applicant = np.repeat(np.arange(n), lengths)
    program = np.concatenate([rng.permutation(m)[:k] for k in lengths]).astype(np.int64)
    rank = np.concatenate([np.arange(1, k + 1) for k in lengths]).astype(np.int64)
    listed = rng.random((m, n)) < 0.7
    pr_program, pr_applicant = np.nonzero(listed)
    pr_rank = rng.permutation(len(pr_program)) + 1
    market = market_with_priorities(
        Preferences(applicant, program, rank, n),
        rng.integers(0, 30, m),
        Priorities(pr_program.astype(np.int64), pr_applicant.astype(np.int64), pr_rank),
    )
    for solve in (applicant_proposing, program_proposing):
        result = solve(market)
        assert is_feasible(market, result)
        assert len(blocking_entries(market, result)) == 0
    ap, pp = applicant_proposing(market), program_proposing(market)
    ranks = market.rank_of()
    for a in range(n):
        if pp[a] >= 0:
            entries = range(market.start[a], market.start[a + 1])
            rank_of = {int(market.program[e]): int(ranks[e]) for e in entries}
            assert ap[a] >= 0
            assert rank_of[int(ap[a])] <= rank_of[int(pp[a])]
