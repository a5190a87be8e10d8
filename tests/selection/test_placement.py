"""Outcome-maximising placement: optimal against brute force, capacities and sizes respected."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection.placement import place, total_outcome


def _brute_force(outcome: np.ndarray, capacity: np.ndarray, size: np.ndarray, everyone: bool) -> float | None:
    cases, places = outcome.shape
    best: float | None = None
    options = [[-1, *range(places)] if not everyone else list(range(places))] * cases
    for assignment in itertools.product(*options):
        used = np.zeros(places, dtype=np.int64)
        value = 0.0
        ok = True
        for case, where in enumerate(assignment):
            if where < 0:
                continue
            if np.isnan(outcome[case, where]):
                ok = False
                break
            used[where] += size[case]
            value += outcome[case, where]
        if ok and (used <= capacity).all() and (best is None or value > best + 1e-12):
            best = value
    return best


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    cases=st.integers(1, 5),
    places=st.integers(1, 3),
    everyone=st.booleans(),
)
def test_placement_is_optimal_and_feasible(seed: int, cases: int, places: int, everyone: bool) -> None:
    rng = np.random.default_rng(seed)
    outcome = rng.random((cases, places)).round(2)
    outcome[rng.random((cases, places)) < 0.2] = np.nan
    capacity = rng.integers(0, 4, places)
    size = rng.integers(1, 3, cases)
    best = _brute_force(outcome, capacity, size, everyone)
    if best is None:
        with pytest.raises(ValueError):
            place(outcome, capacity, size=size, place_everyone=everyone)
        return
    result = place(outcome, capacity, size=size, place_everyone=everyone)
    placed = result >= 0
    assert not np.isnan(outcome[np.flatnonzero(placed), result[placed]]).any()
    used = np.bincount(result[placed], weights=size[placed], minlength=places)
    assert (used <= capacity).all()
    if everyone:
        assert placed.all()
    assert total_outcome(outcome, result) == pytest.approx(best, abs=1e-9)


def test_the_better_fit_goes_where_it_gains_most() -> None:
    outcome = np.array([[0.9, 0.8], [0.5, 0.1]])
    assert place(outcome, np.array([1, 1])).tolist() == [1, 0]


def test_a_family_needs_room_for_all_its_members() -> None:
    outcome = np.array([[0.9, 0.2], [0.5, 0.4]])
    result = place(outcome, np.array([2, 3]), size=np.array([3, 2]), place_everyone=True)
    assert result.tolist() == [1, 0]


def test_malformed_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        place(np.zeros((2, 2)), np.array([1]))
    with pytest.raises(ValueError):
        place(np.zeros((2, 2)), np.array([1, -1]))
    with pytest.raises(ValueError):
        place(np.zeros((2, 2)), np.array([1, 1]), size=np.array([0, 1]))
    with pytest.raises(ValueError):
        place(np.full((1, 2), np.nan), np.array([1, 1]), place_everyone=True)
