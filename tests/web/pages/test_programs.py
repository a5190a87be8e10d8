"""The programs pages: statuses from the platform, a program's dated values, a case, a comment."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from statevisa.services.seed import W_CASE
from tests.web.conftest import ANALYST, CALIFORNIA, signed_in

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_the_listing_shows_each_program_at_its_stage(site: TestClient) -> None:
    page = site.get("/programs").text
    stages = dict(re.findall(r'href="/programs/([a-z0-9-]+)">.*?class="badge status-([a-z_]+)"', page, re.S))
    assert stages == {
        "california-ab20": "draft",
        "heartland": "approved",
        "utah-hb116": "in_comment",
        "w-visa": "active",  # approved, and the demo issued five W visas
    }
    assert 'href="/programs/canada-crs"' in page  # shipped, not on the platform


def test_a_program_page_shows_its_values_over_time_with_citations(site: TestClient) -> None:
    page = site.get("/programs/w-visa").text
    assert "<code>base_per_state</code></td><td>2017-05-04</td><td>open</td>" in page
    assert 'id="spec-timeline"' in page
    assert "S1 [S]" in page  # the short citation of the value


CASE = {
    **{name: "true" if value is True else str(value) for name, value in W_CASE.items()},
    "purpose": "none",
    "on": "2026-03-02",
    "version": "1",
}
"""A W visa principal whose purpose is none: every form field as the page sends it."""


def test_evaluating_a_case_explains_the_decision_without_storing_it(site: TestClient) -> None:
    answer = site.post("/programs/w-visa/evaluate", data=CASE, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "<tr><td><code>eligible</code></td><td><strong>false</strong></td></tr>" in answer.text
    assert "<code>principal_qualifies</code> = <strong>false</strong>" in answer.text


def test_a_case_with_a_bad_value_is_refused_at_the_input(site: TestClient) -> None:
    answer = site.post(
        "/programs/w-visa/evaluate", data={**CASE, "stage": "nonsense"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 422
    assert "column stage: &#39;nonsense&#39; is not one of" in answer.text


def test_the_comment_thread_is_public_and_commenting_needs_a_token(writable: TestClient) -> None:
    page = writable.get("/programs/utah-hb116").text
    assert "and is open" in page and "Sign in with a token</a> to comment" in page
    refused = writable.post("/programs/utah-hb116/versions/3/comments", content="body=hi", headers=FORM)
    assert refused.status_code == 401
    done = writable.post(
        "/programs/utah-hb116/versions/3/comments",
        content="body=Utah+counties+support+this.",
        headers=signed_in(ANALYST, **FORM),
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/programs/utah-hb116?version=3#comments")
    assert "Utah counties support this." in writable.get("/programs/utah-hb116").text


def test_a_closed_comment_period_refuses_a_comment_with_the_period(writable: TestClient) -> None:
    answer = writable.post(
        "/programs/w-visa/versions/1/comments",
        content="body=late",
        headers=signed_in(CALIFORNIA, **FORM),
    )
    assert answer.status_code == 409
    assert "version 1 is approved, not open for comment" in answer.text
