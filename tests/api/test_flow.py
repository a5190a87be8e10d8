"""The state office's day over HTTP: a program approved, an application in, a case moved."""

from __future__ import annotations

from statevisa.services import program_versions as versions
from tests.api.conftest import Api
from tests.platform import ANALYST, APPLICANT, CALIFORNIA, FEDERAL, TEXAS
from tests.services.conftest import W_CASE


def approve_w_visa(api: Api) -> int:
    made = api.as_(FEDERAL).post("/programs/versions", {"files": versions.shipped_files("w-visa")})
    assert made.status_code == 201, made.text
    version = made.json()["id"]
    assert api.as_(FEDERAL).post(f"/programs/versions/{version}/submit").status_code == 200
    decided = api.as_(FEDERAL).post(
        f"/programs/versions/{version}/decision", {"approve": True, "reasons": "ok"}
    )
    assert decided.json()["status"] == "approved"
    return int(version)


def test_an_application_goes_in_and_its_case_moves(api: Api) -> None:
    approve_w_visa(api)
    sent = api.as_(CALIFORNIA).post("/applications", {"program": "w-visa", "state": "06", "inputs": W_CASE})
    assert sent.status_code == 201, sent.text
    case_id = sent.json()["case_id"]
    moved = api.as_(CALIFORNIA).post(f"/cases/{case_id}/transitions", {"to": "invited", "reason": "round 1"})
    assert moved.json()["state"] == "invited"
    refused = api.as_(CALIFORNIA).post(f"/cases/{case_id}/transitions", {"to": "issued", "reason": "skip"})
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["allowed"] == [
        {"to": "nominated", "by": ["state_officer"]},
        {"to": "expired", "by": ["state_officer", "system"]},
    ]
    assert api.as_(TEXAS).get(f"/cases/{case_id}").status_code == 404
    assert api.as_(ANALYST).get(f"/cases/{case_id}").status_code == 403
    assert api.as_(None).get(f"/cases/{case_id}").status_code == 401


def test_a_bad_input_names_its_field_as_problem_json(api: Api) -> None:
    approve_w_visa(api)
    sent = api.as_(CALIFORNIA).post(
        "/applications", {"program": "w-visa", "state": "06", "inputs": {**W_CASE, "role": "king"}}
    )
    assert sent.status_code == 422
    assert [p["field"] for p in sent.json()["problems"]] == ["inputs/role"]
    lax = api.as_(CALIFORNIA).post("/applications", {"program": "w-visa", "state": 6, "inputs": {}})
    assert lax.status_code == 422 and lax.json()["problems"][0]["field"] == "state"


def test_an_idempotency_key_replays_the_first_answer(api: Api) -> None:
    approve_w_visa(api)
    body = {"program": "w-visa", "state": "06", "inputs": W_CASE}
    first = api.as_(APPLICANT).post("/applications", body, {"Idempotency-Key": "abc-1"})
    again = api.as_(APPLICANT).post("/applications", body, {"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert len(api.as_(APPLICANT).get("/applications").json()["items"]) == 1
    other = api.as_(APPLICANT).post("/applications", {**body, "state": "48"}, {"Idempotency-Key": "abc-1"})
    assert other.status_code == 409
