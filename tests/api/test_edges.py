"""The edge refuses bad input before any service runs: one bad input per rule, its exact problem.

Every refusal is problem+json with the one problem named: its status, code, field and words.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.platform import CALIFORNIA, EMPLOYER

LIMIT = 4 * 1024 * 1024
OFFER = {"title": "Developer", "soc_code": "15-1252", "annual_wage": 150_000, "worksite_county": "06037"}


def refused(answer: Any) -> tuple[int, str, str | None, str]:
    """The answer's status and its one problem: code, field, message."""
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    problems = answer.json()["problems"]
    assert len(problems) == 1, problems
    return answer.status_code, problems[0]["code"], problems[0].get("field"), problems[0]["message"]


def raw(api: Api, path: str, body: bytes, **headers: str) -> Any:
    """POST `body` as it is (not re-encoded: NaN, duplicates and bad bytes get through)."""
    speaker = api.as_(CALIFORNIA)
    sent = {"Content-Type": "application/json", **speaker._headers(None), **headers}
    return api.client.post(f"/api/v1{path}", content=body, headers=sent)


def test_a_number_for_a_date_is_refused(api: Api) -> None:
    answer = api.as_(CALIFORNIA).post(
        "/programs/versions/1/publish", {"opens": 20260301, "closes": "2026-04-01"}
    )
    assert refused(answer) == (
        422,
        "value-error",
        "opens",
        "Value error, must be an ISO date string, YYYY-MM-DD",
    )


def test_a_number_for_a_string_is_refused(api: Api) -> None:
    answer = api.as_(EMPLOYER).post("/employers", {"name": 5, "state": "06"})
    assert refused(answer) == (422, "string-type", "name", "Input should be a valid string")


def test_a_string_for_a_number_is_refused(api: Api) -> None:
    answer = api.as_(EMPLOYER).post("/employers/1/job-offers", {**OFFER, "annual_wage": "150000"})
    assert refused(answer) == (422, "value-error", "annual_wage", "Value error, must be a JSON number")


@pytest.mark.parametrize("given", ["2026", True, 2026.0])
def test_anything_but_a_whole_number_for_an_integer_is_refused(api: Api, given: object) -> None:
    answer = api.as_(CALIFORNIA).post("/allocations/compute", {"program": "w-visa", "year": given})
    assert refused(answer) == (422, "int-type", "year", "Input should be a valid integer")


@pytest.mark.parametrize(("token", "at"), [("NaN", 82), ("Infinity", 82), ("-Infinity", 82)])
def test_nan_and_infinity_are_not_json(api: Api, token: str, at: int) -> None:
    body = f'{{"title":"Developer","soc_code":"15-1252","worksite_county":"06037","annual_wage":{token}}}'
    answer = raw(api, "/employers/1/job-offers", body.encode())
    message = f"the body is not JSON: {token} is not a JSON value (at character {at})"
    assert refused(answer) == (422, "json-invalid", "body", message)


def test_a_nan_in_free_form_details_never_reaches_the_database(api: Api) -> None:
    """A report's details are free-form: a NaN there was stored, and PostgreSQL failed on it (500)."""
    body = b'{"kind": "residence", "period_end": "2026-03-01", "details": {"hours": NaN}}'
    assert refused(raw(api, "/cases/1/reports", body))[:2] == (422, "json-invalid")


def test_every_body_refuses_nan(api: Api) -> None:
    """Whatever the route (a new one too), a body with NaN is malformed JSON, before anything else."""
    paths = api.client.get("/openapi.json").json()["paths"]
    for path, item in paths.items():
        if "requestBody" in item.get("post", {}):
            url = re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))
            assert refused(raw(api, url, b'{"x": NaN}'))[:2] == (422, "json-invalid"), path


def test_a_nul_character_is_refused_where_postgresql_could_not_store_it(api: Api) -> None:
    """A round's commitment with a NUL in it reached PostgreSQL, which cannot store one (500)."""
    answer = raw(api, "/employers", b'{"name": "Ac\\u0000me", "state": "06"}')
    message = "the body is not JSON: a string holds a NUL character (\\u0000) (at character 12)"
    assert refused(answer) == (422, "json-invalid", "body", message)


def test_an_escaped_backslash_before_u0000_is_text_not_nul(api: Api) -> None:
    answer = raw(api, "/employers", b'{"name": "Ac\\\\u0000me", "state": "06"}')
    assert answer.status_code == 201, answer.text


def test_a_member_given_twice_is_refused(api: Api) -> None:
    answer = raw(api, "/employers", b'{"name": "Acme", "state": "06", "state": "48"}')
    message = 'the body is not JSON: member "state" appears twice in one object (at character 32)'
    assert refused(answer) == (422, "json-invalid", "body", message)


def test_an_unknown_member_is_refused(api: Api) -> None:
    answer = api.as_(EMPLOYER).post("/employers", {"name": "Acme", "state": "06", "ceo": "Wile E."})
    assert refused(answer) == (422, "extra-forbidden", "ceo", "Extra inputs are not permitted")


def test_a_body_over_the_limit_is_413_declared_or_streamed(api: Api) -> None:
    body = b'{"name": "' + b"a" * LIMIT + b'", "state": "06"}'

    def streamed() -> Iterator[bytes]:  # no Content-Length: chunked
        yield from (body[i : i + 65536] for i in range(0, len(body), 65536))

    message = f"the request body is over {LIMIT:,} bytes"
    assert refused(raw(api, "/employers", body)) == (413, "too-large", None, message)
    speaker = api.as_(CALIFORNIA)
    sent = {"Content-Type": "application/json", **speaker._headers(None)}
    chunked = api.client.post("/api/v1/employers", content=streamed(), headers=sent)
    assert refused(chunked) == (413, "too-large", None, message)


def test_malformed_json_names_where_it_breaks(api: Api) -> None:
    answer = raw(api, "/employers", b'{"name": ')
    assert refused(answer) == (
        422,
        "json-invalid",
        "body",
        "the body is not JSON: Expecting value (at character 9)",
    )


def test_a_body_that_is_not_utf8_is_a_bad_request(api: Api) -> None:
    answer = raw(api, "/employers", b'{"name": "\xff"}')
    assert refused(answer) == (400, "bad-request", None, "There was an error parsing the body")


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", ["abc", forged("id:9999999999999999999")])
def test_a_forged_cursor_is_refused(api: Api, cursor: str) -> None:
    """The second was a 500: an id past any database key overflowed the query."""
    answer = api.as_(CALIFORNIA).get("/employers", cursor=cursor)
    assert refused(answer) == (422, "bad-cursor", "cursor", "is not a cursor this API gave out")


@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        (0, "greater-than-equal", "Input should be greater than or equal to 1"),
        (501, "less-than-equal", "Input should be less than or equal to 500"),
    ],
)
def test_a_page_size_out_of_range_is_refused(api: Api, limit: int, code: str, message: str) -> None:
    assert refused(api.as_(CALIFORNIA).get("/cases", limit=limit)) == (422, code, "limit", message)


def test_an_over_long_idempotency_key_is_refused(api: Api) -> None:
    answer = api.as_(EMPLOYER).post(
        "/employers", {"name": "Acme", "state": "06"}, {"Idempotency-Key": "k" * 201}
    )
    assert refused(answer) == (
        422,
        "bad-idempotency-key",
        "Idempotency-Key",
        "1-200 visible ASCII characters",
    )


def test_an_idempotency_key_replayed_with_another_body_is_a_conflict(api: Api) -> None:
    key = {"Idempotency-Key": "acme-2026-03-02"}
    first = api.as_(EMPLOYER).post("/employers", {"name": "Acme", "state": "06"}, key)
    again = api.as_(EMPLOYER).post("/employers", {"name": "Acme", "state": "06"}, key)
    other = api.as_(EMPLOYER).post("/employers", {"name": "Acme Two", "state": "06"}, key)
    assert (first.status_code, again.json(), again.headers["idempotent-replayed"]) == (
        201,
        first.json(),
        "true",
    )
    message = "this Idempotency-Key was used for another request"
    assert refused(other) == (409, "idempotency-key-reused", "Idempotency-Key", message)
