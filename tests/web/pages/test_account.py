"""Signing in puts the token in an HttpOnly, SameSite=Strict cookie; signing out removes it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from statevisa.web.site import COOKIE
from tests.web.conftest import CALIFORNIA, token


def test_a_valid_token_is_kept_in_a_cookie_scripts_cannot_read_and_other_sites_cannot_send(
    site: TestClient,
) -> None:
    answer = site.post(
        "/login",
        content=f"token={token(CALIFORNIA)}&next=/rounds/1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/rounds/1")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={token(CALIFORNIA)};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # served over http here; set over https


def test_a_bad_token_is_refused_on_the_form_and_sets_nothing(site: TestClient) -> None:
    answer = site.post(
        "/login", content="token=abc", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers
    assert "the bearer token is not valid" in answer.text


def test_after_signing_in_the_visitor_goes_only_to_a_page_of_this_site(site: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
        answer = site.post(
            "/login",
            data={"token": token(CALIFORNIA), "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/"


def test_signing_out_removes_the_cookie(site: TestClient) -> None:
    answer = site.post("/logout", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["set-cookie"].startswith(f'{COOKIE}="";')
