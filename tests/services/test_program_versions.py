"""A program's way onto the platform: upload, public comment, federal approval; on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import ConflictError, ForbiddenError, InputError, NotFoundError, PolicyError
from statevisa.services import program_versions as versions
from statevisa.services.context import Platform
from tests.platform import ANALYST, CALIFORNIA, FEDERAL, NOW, TEXAS, UTAH, days


def upload(platform: Platform, program_id: str = "utah-hb116", who=UTAH) -> versions.VersionView:  # type: ignore[no-untyped-def]
    with platform.unit(who, now=NOW, purpose="test") as ctx:
        return versions.upload(ctx, versions.shipped_files(program_id))


def test_an_upload_is_a_checked_draft_with_the_hash_of_its_files(platform: Platform) -> None:
    made = upload(platform)
    files = versions.shipped_files("utah-hb116")
    assert (made.program_id, made.status, made.jurisdiction) == ("utah-hb116", "draft", "49")
    assert made.content_hash == versions.content_hash(files) and len(made.content_hash) == 64


def test_a_broken_policy_file_is_refused_at_its_line_and_column(platform: Platform) -> None:
    files = versions.shipped_files("utah-hb116")
    files["program.yaml"] = files["program.yaml"].replace("outputs:", "outputs:\n  - no_such_rule", 1)
    with pytest.raises(PolicyError) as refused, platform.unit(UTAH, now=NOW, purpose="test") as ctx:
        versions.upload(ctx, files)
    assert any(p.location.file == "program.yaml" and p.location.line for p in refused.value.problems)


def test_another_states_officer_cannot_upload_its_program(platform: Platform) -> None:
    with pytest.raises(ForbiddenError), platform.unit(TEXAS, now=NOW, purpose="test") as ctx:
        versions.upload(ctx, versions.shipped_files("utah-hb116"))


def test_the_same_version_twice_is_a_conflict(platform: Platform) -> None:
    upload(platform)
    with pytest.raises(ConflictError, match="already version"):
        upload(platform)


def test_comment_period_then_submission_then_federal_approval(platform: Platform) -> None:
    made = upload(platform)
    with platform.unit(UTAH, now=NOW, purpose="test") as ctx:
        opened = versions.publish(ctx, made.id, NOW.date(), NOW.date() + days(30))
    assert opened.status == "in_comment"
    with platform.unit(ANALYST, now=NOW + days(1), purpose="test") as ctx:
        versions.comment(ctx, made.id, "Please publish the wage floor's source.")
    with platform.unit(CALIFORNIA, now=NOW + days(2), purpose="test") as ctx:
        versions.comment(ctx, made.id, "Support.")
    with pytest.raises(ConflictError, match="open until"), platform.unit(UTAH, now=NOW + days(3), purpose="t") as ctx:
        versions.submit(ctx, made.id)
    with pytest.raises(ConflictError, match="comment period runs"):
        with platform.unit(ANALYST, now=NOW + days(31), purpose="test") as ctx:
            versions.comment(ctx, made.id, "Too late.")
    with platform.unit(UTAH, now=NOW + days(31), purpose="test") as ctx:
        submitted = versions.submit(ctx, made.id)
    assert (submitted.status, submitted.comments) == ("submitted", 2)
    with pytest.raises(ForbiddenError), platform.unit(UTAH, now=NOW + days(32), purpose="test") as ctx:
        versions.decide(ctx, made.id, True, "self-approval")
    with platform.unit(FEDERAL, now=NOW + days(40), purpose="test") as ctx:
        decided = versions.decide(ctx, made.id, True, "Meets the pilot's conditions.")
    assert (decided.status, decided.decided_by) == ("approved", FEDERAL.subject)
    with platform.unit(FEDERAL, now=NOW + days(41), purpose="test") as ctx:
        page = versions.comments(ctx, made.id, None, 1)
        rest = versions.comments(ctx, made.id, page.next_cursor, 10)
    assert [c.body for c in page.items + rest.items] == ["Please publish the wage floor's source.", "Support."]
    assert rest.next_cursor is None


def test_a_decision_is_final_and_needs_reasons(platform: Platform) -> None:
    made = upload(platform)
    with platform.unit(UTAH, now=NOW, purpose="test") as ctx:
        versions.submit(ctx, made.id)
    with pytest.raises(InputError, match="needs its reasons"), platform.unit(FEDERAL, now=NOW, purpose="t") as ctx:
        versions.decide(ctx, made.id, False, "  ")
    with platform.unit(FEDERAL, now=NOW, purpose="test") as ctx:
        versions.decide(ctx, made.id, False, "The program lacks a residence rule.")
    with pytest.raises(ConflictError, match="rejected: it cannot become approved"):
        with platform.unit(FEDERAL, now=NOW, purpose="test") as ctx:
            versions.decide(ctx, made.id, True, "Changed my mind.")


def test_a_missing_version_is_not_found(platform: Platform) -> None:
    with pytest.raises(NotFoundError), platform.unit(FEDERAL, now=NOW, purpose="test") as ctx:
        versions.get(ctx, 999)


def test_a_comment_period_that_ends_before_it_starts_is_refused(platform: Platform) -> None:
    made = upload(platform)
    with pytest.raises(InputError, match="before it opens"), platform.unit(UTAH, now=NOW, purpose="t") as ctx:
        versions.publish(ctx, made.id, NOW.date(), NOW.date() - dt.timedelta(days=1))
