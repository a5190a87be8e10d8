"""Cooperation in public: the law by state through the request gate, 287(g) lists, capacity."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import InputError
from statevisa.services import cooperation_map


def test_the_law_map_answers_for_every_state_and_dc_through_the_gate() -> None:
    found = {s.usps: s for s in cooperation_map.law_map("honor_detainer", dt.date(2026, 3, 1))}
    assert len(found) == 51 and "PR" not in found
    assert found["CA"].verdict == "prohibited"
    assert found["CA"].rules == ("CA-honor_detainer-1: Cal. Gov. Code 7284.6(a)(1)(B)",)
    assert found["TX"].verdict == "required"


def test_the_date_moves_the_law() -> None:
    before = {s.usps: s.verdict for s in cooperation_map.law_map("honor_detainer", dt.date(2013, 1, 1))}
    after = {s.usps: s.verdict for s in cooperation_map.law_map("honor_detainer", dt.date(2026, 3, 1))}
    assert before["CA"] != after["CA"]  # California's TRUST and Values Acts came in between


def test_a_bad_action_profile_or_date_is_refused_at_its_field() -> None:
    for args, field in (
        (("fly", dt.date(2026, 1, 1)), "action"),
        (("honor_detainer", dt.date(2026, 1, 1), "famous"), "profile"),
        (("honor_detainer", dt.date(1990, 1, 1)), "on"),
    ):
        with pytest.raises(InputError) as refused:
            cooperation_map.law_map(*args)
        assert refused.value.problems[0].location.field == field


def test_agreements_are_counted_per_state_on_each_ice_list() -> None:
    newest = cooperation_map.agreements()
    assert newest.chosen == newest.list_dates[-1]
    assert int(newest.by_state["agreements"].sum()) == newest.totals[-1][1]
    first = cooperation_map.agreements(newest.list_dates[0])
    assert first.by_state["change"].null_count() == first.by_state.height
    with pytest.raises(InputError, match="is not an ICE list date"):
        cooperation_map.agreements(dt.date(2025, 1, 5))
    assert cooperation_map.contradictions(newest.chosen).height > 0


def test_the_capacity_scenarios_are_compared_with_the_baseline_and_the_target() -> None:
    report = cooperation_map.capacity()
    names = report.national["scenario"].to_list()
    assert names[0] == "baseline" and len(names) == 5
    assert report.target == 3000
