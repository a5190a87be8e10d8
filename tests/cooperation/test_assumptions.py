"""The capacity model's assumptions: every one dated, cited and given a status, in the parameter
format of program files."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.cooperation.assumptions import PROFILES, RANGED, assumptions_on, baseline_list, parameter_specs
from statevisa.errors import InputError


def test_every_assumption_is_dated_cited_and_has_a_status() -> None:
    for spec in parameter_specs().values():
        assert spec.description, spec.name
        for period in spec.periods:
            assert str(period.citation), spec.name
            assert period.status.value in ("reported", "default", "confirmed", "unconfirmed"), spec.name


def test_ranges_hold_their_central_value_and_shares_stay_shares() -> None:
    values = assumptions_on(baseline_list()).values
    assert set(values) == set(RANGED)
    for item in values.values():
        assert item.low <= item.central <= item.high, item.name
        top = 10 if item.name == "task_force_productivity" else 1
        assert item.low >= 0 and item.high <= top, item.name


def test_the_custodial_share_carries_both_published_figures() -> None:
    share = assumptions_on(baseline_list()).values["custodial_share"]
    assert (share.central, share.low, share.high, share.status) == (0.48, 0.44, 0.75, "reported")
    assert share.note is not None and "70-75%" in share.note


def test_the_officers_are_a_dated_series() -> None:
    assert assumptions_on(dt.date(2025, 12, 31)).officers.central == 10_000
    assert assumptions_on(dt.date(2026, 1, 1)).officers.central == 22_000


def test_profile_weights_cover_the_panel_and_sum_to_one() -> None:
    weights = assumptions_on(baseline_list()).profile_weights
    assert tuple(weights) == PROFILES
    assert sum(weights.values()) == pytest.approx(1.0)


def test_a_date_before_the_target_was_set_is_refused() -> None:
    with pytest.raises(
        InputError, match=r"'daily_target' has no value on 2025-05-20 \(it starts on 2025-05-21\)"
    ):
        assumptions_on(dt.date(2025, 5, 20))


def test_scenario_values_replace_the_range_and_say_so() -> None:
    changed = assumptions_on(baseline_list()).with_values({"substitution": 0.9}, "scenario 'x'")
    item = changed.values["substitution"]
    assert (item.central, item.low, item.high, item.status, item.citation) == (
        0.9,
        0.9,
        0.9,
        "scenario",
        "scenario 'x'",
    )
