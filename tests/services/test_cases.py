"""A case's life: the transition table, transfers by the program's portability, compliance, integration."""

from __future__ import annotations

import pytest

from statevisa.errors import ConflictError, ForbiddenError, InputError
from statevisa.services import applications, caps, cases, employers, integration
from statevisa.services import program_versions as versions
from statevisa.services.applications import ApplicationView, Submission
from statevisa.services.cases import Transfer
from statevisa.services.context import Platform
from statevisa.services.moves import IllegalMove
from tests.platform import ANALYST, CALIFORNIA, EMPLOYER, FEDERAL, LOS_ANGELES, NOW, TEXAS, act, days
from tests.services.conftest import W_CASE


def holder(
    platform: Platform,
    program_id: str = "w-visa",
    inputs: dict[str, object] = W_CASE,
    offer_id: int | None = None,
) -> ApplicationView:
    """An application whose case has been moved all the way to active, cap computed first (its
    county the job offer's, when it names one)."""
    done = act(
        platform, CALIFORNIA, applications.submit, Submission(program_id, "06", inputs, None, offer_id)
    )
    path = [(CALIFORNIA, "invited"), (CALIFORNIA, "nominated"), (FEDERAL, "approved"), (FEDERAL, "issued"),
            (CALIFORNIA, "active")]  # fmt: skip
    for who, target in path:
        act(platform, who, cases.transition, done.case_id, target, f"to {target}")
    return done


@pytest.fixture
def w_caps(platform: Platform, w_visa: versions.VersionView) -> None:
    act(platform, FEDERAL, caps.compute, "w-visa", NOW.year, 2024)


def test_a_case_walks_the_table_with_every_move_on_record(platform: Platform, w_caps: None) -> None:
    done = holder(platform)
    case = act(platform, CALIFORNIA, cases.get, done.case_id)
    assert case.state == "active"
    assert [e.to_state for e in case.events] == [
        "submitted", "eligible", "invited", "nominated", "approved", "issued", "active"
    ]  # fmt: skip
    assert case.events[1].role == "system" and "eligible is true" in case.events[1].reason
    assert case.reporting_due == NOW.date() + days(365)


def test_an_illegal_move_is_refused_with_the_moves_allowed_from_here(
    platform: Platform, w_visa: object
) -> None:
    done = act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE))
    with pytest.raises(IllegalMove) as refused:
        act(platform, CALIFORNIA, cases.transition, done.case_id, "issued", "skip ahead")
    assert refused.value.allowed == [
        {"to": "invited", "by": ["state_officer", "system"]},
        {"to": "ineligible", "by": ["federal_reviewer", "state_officer"]},
    ]
    assert "a case cannot move from eligible to issued; allowed from here: invited" in str(refused.value)
    act(platform, CALIFORNIA, cases.transition, done.case_id, "invited", "round 1")
    act(platform, CALIFORNIA, cases.transition, done.case_id, "nominated", "nominated")
    with pytest.raises(IllegalMove, match="state_officer may not move a case from nominated to approved"):
        act(platform, CALIFORNIA, cases.transition, done.case_id, "approved", "self-approval")
    with pytest.raises(InputError, match="not a case state"):
        act(platform, FEDERAL, cases.transition, done.case_id, "teleported", "no")


def test_w_holders_change_employer_within_the_state_only(platform: Platform, w_caps: None) -> None:
    done = holder(platform)
    local = act(platform, CALIFORNIA, employers.create_employer, "Sun Farms", "06", None, "sun-hr")
    texan = act(platform, TEXAS, employers.create_employer, "Lone Star Ltd", "48", None, "ls-hr")
    with pytest.raises(ConflictError, match="change employer only within 06"):
        act(
            platform, CALIFORNIA, cases.transition, done.case_id, "transferred", "new job", Transfer(texan.id)
        )
    moved = act(
        platform, CALIFORNIA, cases.transition, done.case_id, "transferred", "new job", Transfer(local.id)
    )
    assert moved.employer_id == local.id and "C1" in moved.events[-1].details["portability"]


def test_moving_states_needs_the_receiving_states_consent(platform: Platform, w_caps: None) -> None:
    done = holder(platform)
    with pytest.raises(ConflictError, match="needs both states' agreement"):
        act(platform, CALIFORNIA, cases.transition, done.case_id, "transferred", "move", Transfer(state="48"))
    moved = act(platform, CALIFORNIA, cases.transition, done.case_id, "transferred", "move",
                Transfer(state="48", consent="TX-WVISA-2026-17"))  # fmt: skip
    assert moved.jurisdiction == "48"
    assert act(platform, TEXAS, cases.get, done.case_id).jurisdiction == "48"


def test_a_missing_report_past_its_deadline_puts_the_holder_in_violation(
    platform: Platform, w_caps: None
) -> None:
    reported, silent = holder(platform), holder(platform)
    later = NOW + days(300)
    act(
        platform,
        CALIFORNIA,
        cases.report,
        reported.case_id,
        "residence",
        later.date(),
        {"address": "LA"},
        at=later,
    )
    act(
        platform,
        CALIFORNIA,
        cases.report,
        reported.case_id,
        "employment",
        later.date(),
        {"employer": 1},
        at=later,
    )
    swept = act(platform, CALIFORNIA, cases.sweep, "06", at=NOW + days(400))
    assert swept.moved == [silent.case_id]
    violated = act(platform, CALIFORNIA, cases.get, silent.case_id)
    assert (violated.state, violated.events[-1].role) == ("in_violation", "system")
    assert act(platform, CALIFORNIA, cases.get, reported.case_id).state == "active"


def test_reports_the_program_does_not_ask_for_are_refused(platform: Platform, w_caps: None) -> None:
    done = holder(platform)
    with pytest.raises(InputError, match="asks for no 'tax' report"):
        act(platform, CALIFORNIA, cases.report, done.case_id, "tax", NOW.date(), {})


def test_integration_services_are_tracked_per_case_and_counted_per_county(
    platform: Platform, pilot: object
) -> None:
    with platform.session() as session:
        from statevisa.store.models import Allocation

        cap = Allocation(program_id="integration-pilot", year=NOW.year, jurisdiction="06", cap=5, issued=0,
                         method="fixed", basis="test", computed_at=NOW, computed_by="test")  # fmt: skip
        session.add(cap)
    first, second = (
        holder(platform, "integration-pilot", {"years_of_experience": 5}),
        holder(platform, "integration-pilot", {"years_of_experience": 3}),
    )
    act(platform, CALIFORNIA, integration.record, first.case_id, "language_training", "enrolled")
    act(platform, CALIFORNIA, integration.record, first.case_id, "language_training", "completed")
    act(platform, CALIFORNIA, integration.record, second.case_id, "orientation", "enrolled")
    with pytest.raises(ConflictError, match="not started: it cannot become completed"):
        act(platform, CALIFORNIA, integration.record, second.case_id, "language_training", "completed")
    with pytest.raises(InputError, match="declares no 'civics' service"):
        act(platform, CALIFORNIA, integration.record, second.case_id, "civics", "enrolled")
    rows = act(platform, ANALYST, integration.report, "integration-pilot", "state")
    assert [(r.service, r.holders, r.enrolled, r.completed, r.owing) for r in rows] == [
        ("language_training", 2, 1, 1, 1),
        ("orientation", 2, 1, 0, 0),
    ]
    with pytest.raises(ConflictError, match="may not move to another state"):
        act(platform, CALIFORNIA, cases.transition, first.case_id, "transferred", "move", Transfer(state="48",
            consent="x"))  # fmt: skip
    assert act(platform, LOS_ANGELES, integration.report, "integration-pilot", "county") == []


def test_a_county_sweep_moves_that_county_s_holders_only(
    platform: Platform, w_caps: None, offer: employers.JobOfferView
) -> None:
    san_diego = act(platform, EMPLOYER, employers.create_job_offer, offer.employer_id, "Nurse", "29-1141",
                    120_000.0, "06073")  # fmt: skip
    in_la, in_san_diego = (holder(platform, offer_id=offer.id), holder(platform, offer_id=san_diego.id))
    swept = act(platform, CALIFORNIA, cases.sweep, "06037", at=NOW + days(400))
    assert swept.moved == [in_la.case_id]
    assert act(platform, CALIFORNIA, cases.get, in_san_diego.case_id).state == "active"


def test_sweeping_another_state_is_forbidden_not_hidden(platform: Platform) -> None:
    with pytest.raises(ForbiddenError, match="the state_officer role may not transition this case in 48"):
        act(platform, CALIFORNIA, cases.sweep, "48")
