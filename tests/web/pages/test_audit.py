"""The audit page: the signed head, and an inclusion proof checked step by step."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_head_is_shown_as_signed_and_its_signature_checked(site: TestClient) -> None:
    page = site.get("/audit").text
    assert '<span class="badge ok">verified</span> signed by web-test.statevisa/audit' in page
    assert '<pre class="note">web-test.statevisa/audit\n' in page


def test_an_event_s_inclusion_proof_is_verified_against_the_signed_root(site: TestClient) -> None:
    answer = site.get("/audit/inclusion?index=5", headers={"HX-Request": "true"}).text
    assert "<strong>Included.</strong>" in answer
    assert "hashing up the path gives the root the checkpoint" in answer
    assert "the checkpoint&#39;s Ed25519 signature verifies" in answer


def test_an_index_outside_the_log_is_refused(site: TestClient) -> None:
    answer = site.get("/audit/inclusion?index=999999", headers={"HX-Request": "true"})
    assert answer.status_code == 422
    assert "index: the log holds events 0 to" in answer.text
