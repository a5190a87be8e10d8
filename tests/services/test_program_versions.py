"""A program's way onto the platform: upload, public comment, federal approval; on both databases."""

from __future__ import annotations

import pytest

from statevisa.errors import ConflictError, ForbiddenError, InputError, NotFoundError, PolicyError
from statevisa.services import caps
from statevisa.services import program_versions as versions
from statevisa.services.context import Platform
from tests.platform import ANALYST, CALIFORNIA, FEDERAL, LOS_ANGELES, NOW, TEXAS, UTAH, act, days
from tests.services.conftest import PILOT

UTAH_FILES = versions.shipped_files("utah-hb116")


def test_an_upload_is_a_checked_draft_with_the_hash_of_its_files(platform: Platform) -> None:
    made = act(platform, UTAH, versions.upload, UTAH_FILES)
    assert (made.program_id, made.status, made.jurisdiction) == ("utah-hb116", "draft", "49")
    assert made.content_hash == versions.content_hash(UTAH_FILES) and len(made.content_hash) == 64


def test_a_broken_policy_file_is_refused_at_its_line_and_column(platform: Platform) -> None:
    files = dict(UTAH_FILES)
    files["program.yaml"] = files["program.yaml"].replace("outputs:", "outputs:\n  - no_such_rule", 1)
    with pytest.raises(PolicyError) as refused:
        act(platform, UTAH, versions.upload, files)
    assert any(p.location.file == "program.yaml" and p.location.line for p in refused.value.problems)


def test_another_states_officer_cannot_upload_its_program(platform: Platform) -> None:
    with pytest.raises(ForbiddenError, match="in 49"):
        act(platform, TEXAS, versions.upload, UTAH_FILES)


def test_the_same_version_twice_is_a_conflict(platform: Platform) -> None:
    act(platform, UTAH, versions.upload, UTAH_FILES)
    with pytest.raises(ConflictError, match="already version"):
        act(platform, UTAH, versions.upload, UTAH_FILES)


def test_comment_period_then_submission_then_federal_approval(platform: Platform) -> None:
    made = act(platform, UTAH, versions.upload, UTAH_FILES)
    opened = act(platform, UTAH, versions.publish, made.id, NOW.date(), NOW.date() + days(30))
    assert opened.status == "in_comment"
    act(
        platform,
        ANALYST,
        versions.comment,
        made.id,
        "Please publish the wage floor's source.",
        at=NOW + days(1),
    )
    act(platform, CALIFORNIA, versions.comment, made.id, "Support.", at=NOW + days(2))
    with pytest.raises(ConflictError, match="open until"):
        act(platform, UTAH, versions.submit, made.id, at=NOW + days(3))
    with pytest.raises(ConflictError, match="comment period runs"):
        act(platform, ANALYST, versions.comment, made.id, "Too late.", at=NOW + days(31))
    submitted = act(platform, UTAH, versions.submit, made.id, at=NOW + days(31))
    assert (submitted.status, submitted.comments) == ("submitted", 2)
    with pytest.raises(ForbiddenError):
        act(platform, UTAH, versions.decide, made.id, True, "self-approval", at=NOW + days(32))
    decided = act(
        platform, FEDERAL, versions.decide, made.id, True, "Meets the conditions.", at=NOW + days(40)
    )
    assert (decided.status, decided.decided_by) == ("approved", FEDERAL.subject)
    first = act(platform, FEDERAL, versions.comments, made.id, None, 1)
    rest = act(platform, FEDERAL, versions.comments, made.id, first.next_cursor, 10)
    assert [c.body for c in first.items + rest.items] == [
        "Please publish the wage floor's source.",
        "Support.",
    ]
    assert rest.next_cursor is None


def test_a_decision_is_final_and_needs_reasons(platform: Platform) -> None:
    made = act(platform, UTAH, versions.upload, UTAH_FILES)
    act(platform, UTAH, versions.submit, made.id)
    with pytest.raises(InputError, match="needs its reasons"):
        act(platform, FEDERAL, versions.decide, made.id, False, "  ")
    act(platform, FEDERAL, versions.decide, made.id, False, "The program lacks a residence rule.")
    with pytest.raises(ConflictError, match="rejected: it cannot become approved"):
        act(platform, FEDERAL, versions.decide, made.id, True, "Changed my mind.")


def test_a_missing_version_is_not_found(platform: Platform) -> None:
    with pytest.raises(NotFoundError):
        act(platform, FEDERAL, versions.get, 999)


def test_a_comment_period_that_ends_before_it_starts_is_refused(platform: Platform) -> None:
    made = act(platform, UTAH, versions.upload, UTAH_FILES)
    with pytest.raises(InputError, match="before it opens"):
        act(platform, UTAH, versions.publish, made.id, NOW.date(), NOW.date() - days(1))


def test_a_program_id_longer_than_the_store_keeps_is_refused(platform: Platform) -> None:
    files = {
        "program.yaml": PILOT.read_text(encoding="utf-8").replace("id: integration-pilot", f"id: {'p' * 65}")
    }
    with pytest.raises(InputError) as refused:
        act(platform, CALIFORNIA, versions.upload, files)
    assert refused.value.messages == [
        "program.yaml: id 'pppppppppppppppppppp…' has 65 characters: "
        "the platform keeps program ids of at most 64"
    ]


def test_a_program_with_the_longest_id_has_its_county_decisions_logged(platform: Platform) -> None:
    """The audit event names it '<id>/<county>': 70 characters, which PostgreSQL once refused."""
    longest = "p" * 64
    files = {
        "program.yaml": PILOT.read_text(encoding="utf-8").replace("id: integration-pilot", f"id: {longest}")
    }
    act(platform, CALIFORNIA, versions.upload, files)
    vote = caps.Vote("Board of Supervisors", 4, 1)
    made = act(platform, LOS_ANGELES, caps.record_participation, longest, "06037", "opt_in", NOW.date(), vote)
    assert made.participating == ["06037"]
