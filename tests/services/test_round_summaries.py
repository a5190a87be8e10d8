"""Rounds in public: cut-offs and counts, a draw replayed, and invitees only by policy."""

from __future__ import annotations

from statevisa.selection.lottery import commitment
from statevisa.services import applications, round_summaries, rounds
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.context import Platform
from tests.platform import ANALYST, CALIFORNIA, TEXAS, act

SEED = "9f86d081884c7d65ab8e2d3f1c0a4b79"


def _apply(platform: Platform, years: list[int]) -> None:
    for y in years:
        act(
            platform,
            CALIFORNIA,
            applications.submit,
            Submission("integration-pilot", "06", {"years_of_experience": y}),
        )


def test_a_ranked_round_s_cutoff_is_the_lowest_score_it_invited(
    platform: Platform, pilot: versions.VersionView
) -> None:
    _apply(platform, [3, 9, 5, 9, 5])
    act(platform, CALIFORNIA, rounds.run_ranked, "integration-pilot", "06", 3, None)
    [found] = act(platform, ANALYST, round_summaries.summaries)
    invited_scores = sorted(
        act(platform, CALIFORNIA, applications.get, a).score or 0.0
        for a in act(platform, CALIFORNIA, rounds.get, found.id).selected
    )
    assert (found.kind, found.entries, found.invited, found.slots) == ("ranked", 5, 3, 3)
    assert found.cutoff == invited_scores[0]


def test_a_drawn_lottery_verifies_and_says_what_it_checked(
    platform: Platform, pilot: versions.VersionView
) -> None:
    _apply(platform, [3, 4, 5, 6])
    opened = act(
        platform,
        CALIFORNIA,
        rounds.open_lottery,
        "integration-pilot",
        "06",
        2,
        commitment(bytes.fromhex(SEED)),
    )
    early = act(platform, ANALYST, round_summaries.verify, opened.id)
    assert not early.ok and "the seed has not been revealed yet" in early.checks[-1]
    act(platform, CALIFORNIA, rounds.draw, opened.id, SEED)
    done = act(platform, ANALYST, round_summaries.verify, opened.id)
    assert done.ok and done.kind == "lottery"
    assert done.checks[0].startswith("read the 4 entries frozen when round")
    assert "SHA-256 of the revealed seed equals the commitment" in done.checks[1]
    assert done.checks[-1] == "the same entries, in the same order"


def test_invitees_are_shown_only_to_those_who_may_read_them(
    platform: Platform, pilot: versions.VersionView
) -> None:
    _apply(platform, [3, 4, 5])
    done = act(platform, CALIFORNIA, rounds.run_ranked, "integration-pilot", "06", 2, None)
    mine = act(platform, CALIFORNIA, round_summaries.invitations, done.id)
    assert ([a.id for a in mine.shown], mine.hidden) == (done.selected, 0)
    for outsider in (TEXAS, ANALYST):
        theirs = act(platform, outsider, round_summaries.invitations, done.id)
        assert (theirs.shown, theirs.hidden) == ((), 2)
