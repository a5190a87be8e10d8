"""The rounds page: invitations and commitments in public, a draw verified, invitees by policy."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import CALIFORNIA, TEXAS, Demo, signed_in


def test_the_lottery_shows_its_commitment_and_revealed_seed(site: TestClient) -> None:
    page = site.get("/rounds").text
    assert "<small>commitment</small>" in page and "<small>seed (revealed)</small>" in page
    assert 'id="spec-invitations"' in page
    assert "No ranked round has run yet" in page


def test_verifying_a_draw_replays_it_and_says_what_was_checked(site: TestClient, demo: Demo) -> None:
    answer = site.get(f"/rounds/{demo.seeded.round_id}/verify", headers={"HX-Request": "true"}).text
    assert "<strong>Verified:</strong>" in answer
    assert "SHA-256 of the revealed seed equals the commitment published before the draw" in answer
    assert "the same entries, in the same order" in answer


def test_who_was_invited_is_shown_only_to_whom_the_policy_lets_see_it(site: TestClient, demo: Demo) -> None:
    path = f"/rounds/{demo.seeded.round_id}"
    invited = demo.seeded.invited
    assert "Who was invited is personal" in site.get(path).text
    officer = site.get(path, headers=signed_in(CALIFORNIA)).text
    assert f"<p>{invited} shown.</p>" in officer
    other_state = site.get(path, headers=signed_in(TEXAS)).text
    assert f"<p>0 shown; {invited} not yours to see.</p>" in other_state
