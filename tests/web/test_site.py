"""The web shell: a visitor is a token's principal or the public; refusals render as HTML pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from statevisa.web.site import COOKIE, value
from tests.web.conftest import CALIFORNIA, signed_in


def test_pages_are_not_part_of_the_api_schema(site: TestClient) -> None:
    paths = site.get("/openapi.json").json()["paths"]
    assert paths and not [path for path in paths if not path.startswith("/api/v1") and path != "/health"]


def test_a_public_visitor_is_offered_a_sign_in_and_a_token_holder_sees_who_they_are(site: TestClient) -> None:
    assert "Sign in</a>" in site.get("/").text
    signed = site.get("/", headers=signed_in(CALIFORNIA)).text
    assert "Signed in: ca-officer-web (state_officer, 06)" in signed


def test_a_bad_cookie_token_is_dropped_with_a_notice_not_an_error(site: TestClient) -> None:
    page = site.get("/programs", headers={"Cookie": f"{COOKIE}=not-a-token"})
    assert page.status_code == 200
    assert "signed out: the bearer token is not valid" in page.text


def test_a_refusal_is_an_html_page_with_its_status_and_problem(site: TestClient) -> None:
    page = site.get("/programs/no-such-program")
    assert (page.status_code, page.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert "<code>not-found</code> program: no program no-such-program" in page.text


def test_a_refusal_asked_for_by_htmx_is_a_fragment(site: TestClient) -> None:
    page = site.get("/rounds/x/verify", headers={"HX-Request": "true"})
    assert page.status_code == 422
    assert page.text.lstrip().startswith('<div class="problems" role="alert">')
    assert "round: &#39;x&#39; is not a whole number" in page.text


def test_decided_values_read_as_the_policy_language_writes_them() -> None:
    assert [value(True), value(2.0), value(0.125), value(None), value("x")] == [
        "true",
        "2.0",
        "0.125",
        "",
        "x",
    ]


def test_pages_load_scripts_only_from_this_site_and_cannot_be_framed(site: TestClient) -> None:
    policy = site.get("/").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-eval';" in policy and "frame-ancestors 'none'" in policy
    assert "cdn" not in site.get("/heartland").text.lower()
