"""A federal request through the API gate: decided by the state's law, only the permitted fields released."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.platform import ANALYST, APPLICANT, CALIFORNIA, LIAISON, TEXAS

SHERIFF_ASKS = {"requester": "ICE", "purpose": "civil_immigration_enforcement", "agency_type": "sheriff",
                "in_custody": True, "detainer": True}  # fmt: skip


def person(api: Api) -> int:
    made = api.as_(APPLICANT).post("/applicants", {
        "state": "06", "given_name": "Ana", "family_name": "Ruiz", "address": "12 Elm St, Fresno",
        "immigration_status": "W nonimmigrant",
    })  # fmt: skip
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_california_withholds_the_address_and_the_visa_file_but_not_the_status(api: Api) -> None:
    applicant = person(api)
    asked = api.as_(LIAISON).post("/cooperation/requests", {
        "jurisdiction": "06", "action": "share_data:visa_program_record", "facts": SHERIFF_ASKS,
        "fields": ["immigration_status", "address", "visa_program_record"], "applicant_id": applicant,
    })  # fmt: skip
    assert asked.status_code == 201, asked.text
    answer = asked.json()
    assert answer["decision"] == "prohibited"
    assert answer["basis"]["rule_id"] == "CA-share_data-1"
    assert answer["released"] == {"immigration_status": "W nonimmigrant"}
    assert answer["withheld"] == ["address", "visa_program_record"]
    seen = api.as_(CALIFORNIA).get(f"/cooperation/requests/{answer['id']}").json()
    assert (seen["decision"], seen["fields_released"]) == ("prohibited", ["immigration_status"])
    assert api.as_(TEXAS).get(f"/cooperation/requests/{answer['id']}").status_code == 404
    assert api.as_(ANALYST).get(f"/cooperation/requests/{answer['id']}").status_code == 403
    assert api.as_(ANALYST).get("/cooperation/counts").json() == [
        {
            "jurisdiction": "06",
            "action": "share_data:visa_program_record",
            "decision": "prohibited",
            "requests": 1,
        }
    ]


def test_bad_requests_name_their_field_and_decide_nothing(api: Api) -> None:
    wrong = api.as_(LIAISON).post("/cooperation/requests", {
        "jurisdiction": "06", "action": "share_data:diary", "facts": {**SHERIFF_ASKS, "in_custody": "yes"},
    })  # fmt: skip
    assert wrong.status_code == 422
    fields = sorted(p["field"] for p in wrong.json()["problems"])
    assert fields == ["action", "facts.in_custody"]
    officer = api.as_(CALIFORNIA).post(
        "/cooperation/requests", {"jurisdiction": "06", "action": "honor_detainer", "facts": SHERIFF_ASKS}
    )
    assert officer.status_code == 403
    assert api.as_(LIAISON).get("/cooperation/requests").json()["items"] == []
