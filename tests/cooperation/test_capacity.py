"""The capacity model: the identity at the baseline, monotone in the law, national = sum of states,
the at-large cap reported rather than dropped."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.cooperation import capacity
from statevisa.cooperation.assumptions import PROFILES, RANGED, assumptions_on, baseline_list
from statevisa.cooperation.capacity import BASELINE_DAYS, Changes, Draws, Regime
from statevisa.cooperation.load import load_law
from statevisa.cooperation.simulate import groups

ASSUMED = assumptions_on(baseline_list())
INPUTS = capacity.load_inputs(ASSUMED.baseline_list)
BASE = capacity.regime(load_law(), INPUTS.fips, ASSUMED.baseline_list)
WEIGHTS = np.array([ASSUMED.profile_weights[p] for p in PROFILES])
SLOPE = capacity.calibrate(INPUTS).slope
NONE = Changes(np.zeros(len(INPUTS.fips)), np.zeros(len(INPUTS.fips)), 1.0)


def draws(count: int, seed: int) -> Draws:
    rng = np.random.default_rng(seed)
    return Draws(
        {name: rng.uniform(ASSUMED.values[name].low, ASSUMED.values[name].high, count) for name in RANGED}
    )


def test_the_inputs_are_the_vendored_data() -> None:
    assert BASELINE_DAYS == 577
    assert len(INPUTS.fips) == 51
    assert INPUTS.arrests_per_day.sum() * BASELINE_DAYS == pytest.approx(565_539)
    assert INPUTS.task_force.sum() == 684 - 1  # the 2025-12-31 list's TFM rows, less Guam's
    assert (INPUTS.counties_with_agreement <= INPUTS.counties).all()


def test_the_regime_comes_from_the_gate() -> None:
    index = {state: i for i, state in enumerate(INPUTS.fips)}
    assert (BASE.handover[index["06"], PROFILES.index("no_record")] == 2).all()
    assert BASE.handover[index["48"], PROFILES.index("no_record"), 0] == 0
    assert BASE.mandate[index["12"]] and not BASE.mandate[index["48"]]
    assert BASE.ban[index["06"]] and BASE.ban[index["41"]]
    named = groups(BASE, INPUTS.fips)
    assert named["restrictive"] == ("06", "08", "17", "41", "53")
    assert named["mandating"] == ("12", "37", "40", "48")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_with_no_change_the_model_returns_the_data_exactly(seed: int) -> None:
    found = capacity.arrests(INPUTS, BASE, BASE, NONE, draws(50, seed), WEIGHTS, SLOPE)
    np.testing.assert_allclose(
        found.total, np.broadcast_to(INPUTS.arrests_per_day, found.total.shape), rtol=1e-12
    )
    np.testing.assert_allclose(found.total.sum(axis=1) * BASELINE_DAYS, 565_539, rtol=1e-12)
    assert (found.excess == 0).all()


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32), state=st.integers(0, 50), profile=st.integers(0, 3))
def test_a_hold_turned_from_prohibited_to_required_never_lowers_custodial_arrests(
    seed: int, state: int, profile: int
) -> None:
    prohibited, required = BASE.handover.copy(), BASE.handover.copy()
    prohibited[state, profile, 0], required[state, profile, 0] = 2, 0
    before = capacity.arrests(
        INPUTS, BASE, dataclasses.replace(BASE, handover=prohibited), NONE, draws(20, seed), WEIGHTS, SLOPE
    )
    after = capacity.arrests(
        INPUTS, BASE, dataclasses.replace(BASE, handover=required), NONE, draws(20, seed), WEIGHTS, SLOPE
    )
    assert (after.custodial[:, state] >= before.custodial[:, state] - 1e-12).all()


def test_national_is_the_sum_of_states_and_a_full_cap_is_reported() -> None:
    more = Changes(np.full(len(INPUTS.fips), 10.0), np.zeros(len(INPUTS.fips)), 1.0)
    found = capacity.arrests(INPUTS, BASE, BASE, more, draws(10, 7), WEIGHTS, SLOPE)
    np.testing.assert_allclose(
        found.total.sum(axis=1), found.custodial.sum(axis=1) + found.at_large.sum(axis=1)
    )
    added = found.task_force_change.sum(axis=1)
    assert (added > 0).all()
    np.testing.assert_allclose(found.excess, added)
    np.testing.assert_allclose(found.at_large.sum(axis=1), found.at_large_cap)


def test_more_officers_lift_the_cap() -> None:
    more = Changes(np.zeros(len(INPUTS.fips)), np.zeros(len(INPUTS.fips)), 2.2)
    central = Draws({name: np.array([ASSUMED.values[name].central]) for name in RANGED})
    found = capacity.arrests(INPUTS, BASE, BASE, more, central, WEIGHTS, SLOPE)
    baseline_at_large = (1 - 0.48) * INPUTS.arrests_per_day.sum()
    assert found.at_large.sum() == pytest.approx(baseline_at_large * (1 + 1.2 * 0.5))
    assert found.excess[0] == 0


def test_a_new_ban_removes_task_force_agreements() -> None:
    banned = Regime(BASE.handover, BASE.mandate, np.ones(len(INPUTS.fips), dtype=np.bool_))
    found = capacity.arrests(INPUTS, BASE, banned, NONE, draws(5, 1), WEIGHTS, SLOPE)
    assert (found.task_force_agreements == 0).all()
    assert (found.total.sum(axis=1) <= INPUTS.arrests_per_day.sum() + 1e-9).all()


def test_the_calibration_is_a_least_squares_line_through_the_states() -> None:
    fit = capacity.calibrate(INPUTS)
    per = INPUTS.population / 100_000
    residuals = INPUTS.arrests_per_day / per - fit.fitted_per_day / per
    assert residuals.sum() == pytest.approx(0.0, abs=1e-9)
    assert 0 <= fit.r_squared <= 1 and fit.states == 51
