"""Platform fixtures for service tests: an approved W visa, a Californian applicant and employer."""

from __future__ import annotations

from pathlib import Path

import pytest

from statevisa.services import applicants, employers
from statevisa.services import program_versions as versions
from statevisa.services.context import Platform
from tests.platform import APPLICANT, CALIFORNIA, EMPLOYER, FEDERAL, act

W_CASE: dict[str, object] = {
    "stage": "application", "role": "principal", "sponsored_by_state": True,
    "will_live_in_sponsoring_state": True, "purpose": "perform_services", "state_law_enacted": True,
    "program_legislature_approved": True, "program_regulates_employment": True,
    "program_regulates_residence": True, "program_reports_noncompliance": True,
    "program_allows_employer_change": True, "program_reports_annually": True,
}  # fmt: skip
"""A State-sponsored principal whom every W condition admits (docs/programs/w-visa.md, rule 1)."""


@pytest.fixture
def w_visa(platform: Platform) -> versions.VersionView:
    """S. 1040's W visa, uploaded and approved by the federal side."""
    made = act(platform, FEDERAL, versions.upload, versions.shipped_files("w-visa"))
    act(platform, FEDERAL, versions.submit, made.id)
    return act(platform, FEDERAL, versions.decide, made.id, True, "Pilot approved for the test.")


@pytest.fixture
def maria(platform: Platform) -> applicants.ApplicantView:
    new = applicants.NewApplicant(
        state="06", given_name="María", family_name="González", country_of_birth="MEX",
        document_number="G1234567", document_country="MEX", address="1 Main St, Los Angeles",
    )  # fmt: skip
    return act(platform, APPLICANT, applicants.create, new)


@pytest.fixture
def offer(platform: Platform) -> employers.JobOfferView:
    """A software developer's offer in Los Angeles County at Level II-ish pay."""
    firm = act(platform, EMPLOYER, employers.create_employer, "Acme Robotics", "06", None, None)
    return act(
        platform, EMPLOYER, employers.create_job_offer, firm.id, "Developer", "15-1252", 150_000.0, "06037"
    )


@pytest.fixture
def ca_officer_employer(platform: Platform) -> employers.EmployerView:
    return act(platform, CALIFORNIA, employers.create_employer, "Sun Farms", "06", None, "sun-farms-hr")


PILOT = Path(__file__).parent / "data" / "integration-pilot" / "program.yaml"


@pytest.fixture
def pilot(platform: Platform) -> versions.VersionView:
    """A scored state program (fixture, California), approved."""
    made = act(platform, CALIFORNIA, versions.upload, {"program.yaml": PILOT.read_text(encoding="utf-8")})
    act(platform, CALIFORNIA, versions.submit, made.id)
    return act(platform, FEDERAL, versions.decide, made.id, True, "fixture")
