"""Rounds over eligible applications: ranked, committed lotteries and matching, each replayable."""

from __future__ import annotations

import pytest

from statevisa.errors import ConflictError, ForbiddenError
from statevisa.selection.lottery import commitment
from statevisa.services import applications, cases, rounds
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.context import Platform
from tests.platform import ANALYST, CALIFORNIA, FEDERAL, TEXAS, act

SEED = "9f86d081884c7d65ab8e2d3f1c0a4b79"


def apply(platform: Platform, years: list[int]) -> list[int]:
    return [
        act(
            platform,
            CALIFORNIA,
            applications.submit,
            Submission("integration-pilot", "06", {"years_of_experience": y}),
        ).id
        for y in years
    ]


def test_a_ranked_round_invites_the_best_scores_and_replays(
    platform: Platform, pilot: versions.VersionView
) -> None:
    ids = apply(platform, [3, 9, 1, 9, 5])  # 1 is ineligible (fewer than 2 years)
    done = act(platform, CALIFORNIA, rounds.run_ranked, "integration-pilot", "06", 2, None)
    assert (done.kind, done.entries, done.selected) == ("ranked", 4, [ids[1], ids[3]])
    assert (
        act(
            platform, CALIFORNIA, cases.get, act(platform, CALIFORNIA, applications.get, ids[1]).case_id
        ).state
        == "invited"
    )
    document = act(platform, CALIFORNIA, rounds.export, done.id)
    assert rounds.replay(document).ok
    document["drawn"].reverse()
    assert not rounds.replay(document).ok


def test_a_lottery_is_committed_then_drawn_with_the_revealed_seed(platform: Platform, pilot: object) -> None:
    apply(platform, [2, 3, 4, 5, 6, 7])
    opened = act(
        platform,
        CALIFORNIA,
        rounds.open_lottery,
        "integration-pilot",
        "06",
        3,
        commitment(bytes.fromhex(SEED)),
    )
    assert (opened.status, opened.entries, opened.seed) == ("committed", 6, None)
    with pytest.raises(ConflictError, match="does not match"):
        act(platform, CALIFORNIA, rounds.draw, opened.id, "00" * 16)
    drawn = act(platform, CALIFORNIA, rounds.draw, opened.id, SEED)
    assert (drawn.status, len(drawn.selected), drawn.seed) == ("drawn", 3, SEED)
    replayed = rounds.replay(act(platform, CALIFORNIA, rounds.export, opened.id))
    assert replayed.ok and len(replayed.expected) == 3
    with pytest.raises(ConflictError, match="not a committed lottery"):
        act(platform, CALIFORNIA, rounds.draw, opened.id, SEED)


def test_a_matching_round_places_applicants_by_score_within_capacity(
    platform: Platform, pilot: object
) -> None:
    low, high, mid = apply(platform, [2, 8, 5])
    done = act(platform, CALIFORNIA, rounds.run_matching, "integration-pilot", "06", {"A": 1, "B": 1},
               {str(low): ["A"], str(high): ["A", "B"], str(mid): ["A", "B"]})  # fmt: skip
    assert done.selected == [high, mid]
    assert rounds.replay(act(platform, CALIFORNIA, rounds.export, done.id)).ok


def test_only_the_states_office_runs_its_rounds(platform: Platform, pilot: object) -> None:
    apply(platform, [4])
    with pytest.raises(ForbiddenError):
        act(platform, TEXAS, rounds.run_ranked, "integration-pilot", "06", 1, None)
    with pytest.raises(ForbiddenError):
        act(platform, ANALYST, rounds.run_ranked, "integration-pilot", "06", 1, None)
    assert act(platform, FEDERAL, rounds.listing, None) == []
