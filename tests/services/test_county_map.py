"""The Heartland map: every county decided, who participates, and the cap shared by a method."""

from __future__ import annotations

import pytest

from statevisa.errors import InputError
from statevisa.services import caps, county_map
from statevisa.services import program_versions as versions
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Platform
from tests.platform import ANALYST, FEDERAL, LOS_ANGELES, NOW, act

VOTE = caps.Vote("Board of Supervisors", 4, 1)


@pytest.fixture
def heartland(platform: Platform) -> Platform:
    """Heartland approved and Los Angeles County opted in (its cap shared among one county)."""
    made = act(platform, FEDERAL, versions.upload, versions.shipped_files("heartland"))
    act(platform, FEDERAL, versions.submit, made.id)
    act(platform, FEDERAL, versions.decide, made.id, True, "fixture")
    act(platform, LOS_ANGELES, caps.record_participation, "heartland", "06037", "opt_in", NOW.date(), VOTE)
    return platform


def test_every_county_is_decided_and_the_participant_gets_the_cap(heartland: Platform) -> None:
    found = act(heartland, ANALYST, county_map.county_map, None, None, "webster")
    assert found.counties.height == 3144
    los_angeles = found.counties.filter(found.counties["fips"] == "06037").row(0, named=True)
    assert (los_angeles["participating"], los_angeles["status"]) == (True, "eligible")
    assert [(p.fips, p.share, p.on_record) for p in found.participants] == [("06037", 50_000, 50_000)]
    assert (found.method, found.cap_total, found.share_problems) == ("webster", 50_000, ())


def test_a_window_that_makes_a_participant_ineligible_names_it_instead_of_sharing(
    heartland: Platform,
) -> None:
    ocean = Principal("ocean-county-1", Role.COUNTY_OFFICER, "34029")  # eligible over 2010-2020 only
    act(heartland, ocean, caps.record_participation, "heartland", "34029", "opt_in", NOW.date(), VOTE)
    found = act(heartland, ANALYST, county_map.county_map, 3, None, None)
    assert [(p.fips, p.share) for p in found.participants] == [("06037", None), ("34029", None)]
    assert [p.code for p in found.share_problems] == ["not-eligible"]
    assert "34029" in found.share_problems[0].message


def test_a_county_is_explained_under_the_map_s_window(heartland: Platform) -> None:
    explained = act(heartland, ANALYST, county_map.explain, "06037", 3, 2024)
    assert explained.context["growth window"] == "July 1 2021 -> July 1 2024, V2024"
    with pytest.raises(InputError, match="not a county FIPS"):
        act(heartland, ANALYST, county_map.explain, "6037", None, None)
