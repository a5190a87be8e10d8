"""Caps from the program's own file, re-split as counties opt in, and exact under concurrent issuance."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from statevisa.errors import ConflictError, ForbiddenError, InputError
from statevisa.services import applications, caps, cases
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.context import Platform
from tests.platform import ANALYST, CALIFORNIA, FEDERAL, LOS_ANGELES, NOW, act, days
from tests.services.conftest import W_CASE


def test_w_visa_caps_are_the_allocate_command_s_numbers(
    platform: Platform, w_visa: versions.VersionView
) -> None:
    computed = act(platform, FEDERAL, caps.compute, "w-visa", 2025, 2024)
    by_state = {row.jurisdiction: row.cap for row in computed}
    assert len(by_state) == 51 and sum(by_state.values()) == 500_000
    assert (by_state["06"], by_state["56"], by_state["11"]) == (33_404, 5_423, 5_506)
    assert all(row.version_id == w_visa.id and "2024" in row.basis for row in computed)


def test_only_the_federal_side_sets_national_caps(platform: Platform, w_visa: versions.VersionView) -> None:
    with pytest.raises(ForbiddenError):
        act(platform, CALIFORNIA, caps.compute, "w-visa", 2025, 2024)
    with pytest.raises(InputError) as refused:
        act(platform, FEDERAL, caps.compute, "w-visa", 2025, 1890)
    assert refused.value.problems[0].location.field == "population_year"


def test_a_county_opts_in_by_vote_and_the_heartland_cap_is_shared_again(platform: Platform) -> None:
    made = act(platform, FEDERAL, versions.upload, versions.shipped_files("heartland"))
    act(platform, FEDERAL, versions.submit, made.id)
    act(platform, FEDERAL, versions.decide, made.id, True, "Heartland pilot.")
    vote = caps.Vote("Board of Supervisors", 3, 2)
    with pytest.raises(ForbiddenError):  # another county's officer
        act(
            platform, LOS_ANGELES, caps.record_participation, "heartland", "06019", "opt_in", NOW.date(), vote
        )
    with pytest.raises(InputError, match="did not pass"):
        act(platform, LOS_ANGELES, caps.record_participation, "heartland", "06037", "opt_in", NOW.date(),
            caps.Vote("Board", 2, 3))  # fmt: skip
    recorded = act(
        platform, LOS_ANGELES, caps.record_participation, "heartland", "06037", "opt_in", NOW.date(), vote
    )
    assert recorded.participating == ["06037"]
    shared = act(platform, ANALYST, caps.listing, "heartland", NOW.year)
    assert [(row.jurisdiction, row.issued) for row in shared] == [("06037", 0)] and shared[0].cap > 0


def approved_cases(platform: Platform, count: int) -> list[int]:
    """`count` W cases in California moved to `approved` through the services."""
    found = []
    for _ in range(count):
        done = act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE))
        for who, target in ((CALIFORNIA, "invited"), (CALIFORNIA, "nominated"), (FEDERAL, "approved")):
            act(platform, who, cases.transition, done.case_id, target, "test path")
        found.append(done.case_id)
    return found


@pytest.mark.parametrize("attempt", range(3))  # repeated: a race that loses once in a while must show
def test_fifty_parallel_issuances_against_a_cap_of_ten_issue_exactly_ten(
    platform: Platform, w_visa: versions.VersionView, attempt: int
) -> None:
    act(platform, FEDERAL, caps.compute, "w-visa", NOW.year, 2024)
    with platform.session() as session:  # a cap of ten for California this year
        from sqlalchemy import update

        from statevisa.store.models import Allocation

        session.execute(update(Allocation).where(Allocation.jurisdiction == "06").values(cap=10))
    pending = approved_cases(platform, 50)

    def issue(case_id: int) -> str:
        try:
            return act(platform, FEDERAL, cases.transition, case_id, "issued", "within the cap").state
        except ConflictError as refused:
            return refused.problems[0].code

    for _ in range(2):  # twice: once racing, once more on a cap already used up
        with ThreadPoolExecutor(max_workers=16) as pool:
            outcomes = list(pool.map(issue, pending))
        pending = [c for c, outcome in zip(pending, outcomes, strict=True) if outcome != "issued"]
    issued = act(platform, FEDERAL, caps.listing, "w-visa", NOW.year)
    california = next(row for row in issued if row.jurisdiction == "06")
    assert (california.cap, california.issued, len(pending)) == (10, 10, 40)
    assert act(platform, FEDERAL, cases.listing, "issued", None, 100).items.__len__() == 10


def test_issuing_without_a_cap_is_refused(platform: Platform, w_visa: versions.VersionView) -> None:
    (case_id,) = approved_cases(platform, 1)
    with pytest.raises(ConflictError, match="no cap is recorded"):
        act(platform, FEDERAL, cases.transition, case_id, "issued", "no cap yet", at=NOW + days(1))
