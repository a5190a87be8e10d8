"""Programs as the public sees them: each at its stage, its dated values, a case evaluated."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import InputError, NotFoundError
from statevisa.services import catalogue
from statevisa.services import program_versions as versions
from statevisa.services.context import Platform
from tests.platform import ANALYST, NOW, UTAH, act, days


def test_each_program_on_the_platform_is_listed_at_its_latest_stage(
    platform: Platform, w_visa: versions.VersionView
) -> None:
    utah = act(platform, UTAH, versions.upload, versions.shipped_files("utah-hb116"))
    act(platform, UTAH, versions.publish, utah.id, NOW.date(), (NOW + days(30)).date())
    found = act(platform, ANALYST, catalogue.listing)
    assert [(row.id, row.status, row.version_id) for row in found.on_platform] == [
        ("utah-hb116", "in_comment", utah.id),
        ("w-visa", "approved", w_visa.id),
    ]
    assert "canada-crs" in {row.id for row in found.shipped_only}
    assert "w-visa" not in {row.id for row in found.shipped_only}


def test_a_program_page_has_every_dated_value_and_its_comment_thread(
    platform: Platform, w_visa: versions.VersionView
) -> None:
    page = act(platform, ANALYST, catalogue.page, "w-visa")
    assert page.version_view is not None and page.version_view.id == w_visa.id
    base = next(row for row in page.values if row.parameter == "base_per_state")
    assert (base.start, base.end, base.number, base.status) == (dt.date(2017, 5, 4), None, 5000.0, "reported")
    assert "eligible" in page.outputs and not page.commenting_open
    assert {field.name for field in page.fields} >= {"stage", "purpose"}


def test_a_shipped_program_not_on_the_platform_is_read_from_its_file(platform: Platform) -> None:
    page = act(platform, ANALYST, catalogue.page, "canada-crs")
    assert page.version_view is None and page.history == ()
    with pytest.raises(NotFoundError, match="no program no-such"):
        act(platform, ANALYST, catalogue.page, "no-such")
    with pytest.raises(NotFoundError, match="no program src"):  # an id, never a path on the server
        act(platform, ANALYST, catalogue.page, "src")


def test_a_case_is_evaluated_from_form_text_and_blank_optional_inputs_take_defaults(
    platform: Platform,
) -> None:
    values = {"age": "34", "with_spouse": "false", "education": "bachelors", "canadian_work_years": ""}
    with pytest.raises(InputError) as refused:
        act(platform, ANALYST, catalogue.evaluate, "canada-crs", None, values, dt.date(2025, 3, 24))
    assert refused.value.problems[0].code == "missing-column"
    case = {
        "age": "34", "with_spouse": "false", "education": "bachelors", "first_official_language": "en",
        "english_speaking": "9", "english_listening": "7", "english_reading": "9", "english_writing": "9",
        "french_speaking": "0", "french_listening": "0", "french_reading": "0", "french_writing": "0",
        "canadian_work_years": "1", "foreign_work_years": "0", "certificate_of_qualification": "false",
        "canadian_education": "none", "sibling_in_canada": "false", "provincial_nomination": "false",
        "job_offer": "noc_00",
    }  # fmt: skip
    found = act(platform, ANALYST, catalogue.evaluate, "canada-crs", None, case, dt.date(2025, 3, 24))
    assert found.result.outputs["score"] == 579  # canada-crs.md §7, worked example E3
