"""Submitting an application: evaluated once by the approved version, its case opened, its reads scoped."""

from __future__ import annotations

import pytest

from statevisa.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from statevisa.services import applicants, applications
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.context import Platform
from tests.platform import ANALYST, APPLICANT, CALIFORNIA, FEDERAL, LOS_ANGELES, OTHER_APPLICANT, TEXAS, act
from tests.services.conftest import W_CASE


def test_an_eligible_principal_opens_an_eligible_case_with_its_explanation(
    platform: Platform, w_visa: versions.VersionView, maria: applicants.ApplicantView
) -> None:
    done = act(platform, APPLICANT, applications.submit, Submission("w-visa", "06", W_CASE, maria.id))
    assert (done.eligible, done.case_state, done.version_id) == (True, "eligible", w_visa.id)
    assert done.explanation is not None
    assert done.explanation["program"]["content_hash"] == w_visa.content_hash
    assert {t["name"] for t in done.explanation["explanation"]} >= {"eligible", "principal_qualifies"}


def test_an_ineligible_principal_gets_the_reason_from_the_rules(
    platform: Platform, w_visa: versions.VersionView
) -> None:
    done = act(
        platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", {**W_CASE, "purpose": "none"})
    )
    assert (done.eligible, done.case_state) == (False, "ineligible")
    assert done.outputs["ineligibility_reason"] == "no qualifying purpose (Sec. 2 [P])"


def test_a_bad_input_is_refused_at_its_field(platform: Platform, w_visa: versions.VersionView) -> None:
    with pytest.raises(InputError) as refused:
        act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", {**W_CASE, "role": "king"}))
    assert [p.location.field for p in refused.value.problems] == ["inputs/role"]


def test_a_program_without_an_approved_version_takes_no_applications(platform: Platform) -> None:
    act(platform, FEDERAL, versions.upload, versions.shipped_files("w-visa"))
    with pytest.raises(ConflictError, match="no approved version"):
        act(platform, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE))


def test_a_state_program_takes_applications_in_its_state_only(platform: Platform) -> None:
    with pytest.raises(NotFoundError, match="no program"):
        act(platform, CALIFORNIA, applications.submit, Submission("utah-hb116", "06", {}))


def test_the_job_offer_places_the_case_in_its_county(
    platform: Platform, w_visa: versions.VersionView, maria: applicants.ApplicantView, offer: object
) -> None:
    done = act(platform, APPLICANT, applications.submit,
               Submission("w-visa", "06", W_CASE, maria.id, job_offer_id=offer.id))  # type: ignore[attr-defined]  # fmt: skip
    assert done.county == "06037"
    assert act(platform, LOS_ANGELES, applications.get, done.id).county == "06037"


def test_reads_are_scoped_to_owner_and_territory(
    platform: Platform, w_visa: versions.VersionView, maria: applicants.ApplicantView
) -> None:
    done = act(platform, APPLICANT, applications.submit, Submission("w-visa", "06", W_CASE, maria.id))
    assert act(platform, CALIFORNIA, applications.get, done.id).id == done.id
    assert act(platform, FEDERAL, applications.get, done.id).id == done.id
    with pytest.raises(NotFoundError):
        act(platform, TEXAS, applications.get, done.id)
    with pytest.raises(NotFoundError):
        act(platform, OTHER_APPLICANT, applications.get, done.id)
    with pytest.raises(ForbiddenError):
        act(platform, ANALYST, applications.get, done.id)
    assert [a.id for a in act(platform, APPLICANT, applications.listing, None, None, 10).items] == [done.id]
    assert act(platform, TEXAS, applications.listing, None, None, 10).items == []


def test_an_applicant_cannot_submit_for_someone_else(
    platform: Platform, w_visa: versions.VersionView, maria: applicants.ApplicantView
) -> None:
    with pytest.raises(NotFoundError):
        act(platform, OTHER_APPLICANT, applications.submit, Submission("w-visa", "06", W_CASE, maria.id))
