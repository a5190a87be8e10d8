"""The authorisation matrix: every endpoint of the OpenAPI document, asked by every role, of a
record in the caller's own jurisdiction and of one in another.

Each row names an operation, the request it makes of each side of `tests.api.world`, and the
status each role must get, in the order F S C E A L N: federal reviewer (US), state officer
(06), county officer (06037), employer (acme-hr), applicant (maria), enforcement liaison (US),
analyst (US). Without a token, with a token signed by another key and with an expired one,
every endpoint but /health answers 401. A 404 for another jurisdiction's record must read as
the 404 for a record that does not exist (no leak of existence), and a listing must show
exactly the records the matching GET lets the caller read. A 409 or 422 in a cell is a caller
the policy let through, refused on the merits (the table forbids the move, the program has no
cap formula). An operation added to the API without a row here fails `test_every_operation_has_a_row`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from statevisa.api.app import create_app
from statevisa.config import Settings
from statevisa.services.authz import Principal
from statevisa.services.context import Platform
from statevisa.services.tokens import issue
from tests.api.conftest import SECRET
from tests.api.world import SEED, SHERIFF_ASKS, Rehearsal, Side, World, build, pilot_text
from tests.platform import ANALYST, APPLICANT, CALIFORNIA, EMPLOYER, FEDERAL, LIAISON, LOS_ANGELES, NOW, days
from tests.services.conftest import W_CASE

ROLES = (FEDERAL, CALIFORNIA, LOS_ANGELES, EMPLOYER, APPLICANT, LIAISON, ANALYST)
MISSING = 999_999


@dataclass(frozen=True)
class Ask:
    path: dict[str, int | str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


@dataclass(frozen=True)
class Row:
    """One operation: the request for a side, and the statuses F S C E A L N for own and other."""

    method: str
    path: str
    ask: Callable[[Side], Ask]
    own: str
    other: str | None = None  # None: the same as own
    shows: tuple[str, str] | None = None  # a listing: the Side attribute listed, and the GET path of one


ALL_200 = "200 200 200 200 200 200 200"
ALL_201 = "201 201 201 201 201 201 201"
NONE = Ask()
TODAY, YESTERDAY = str(NOW.date()), str(NOW.date() - days(1))


def version(attribute: str) -> Callable[[Side], Ask]:
    return lambda s: Ask({"version_id": getattr(s, attribute)})


ROWS = [
    Row("POST", "/programs/versions", lambda s: Ask(body={"files": pilot_text(s.program, s.state, "9.0.0")}),
        "201 201 403 403 403 403 403", "201 403 403 403 403 403 403"),
    Row("GET", "/programs/versions", lambda s: NONE, ALL_200),
    Row("GET", "/programs/versions/{version_id}", version("approved"), ALL_200),
    Row("POST", "/programs/versions/{version_id}/publish",
        lambda s: Ask({"version_id": s.draft}, body={"opens": TODAY, "closes": str(NOW.date() + days(30))}),
        "200 200 403 403 403 403 403", "200 403 403 403 403 403 403"),
    Row("POST", "/programs/versions/{version_id}/comments",
        lambda s: Ask({"version_id": s.in_comment}, body={"body": "Please lower the fee."}), ALL_201),
    Row("GET", "/programs/versions/{version_id}/comments", version("in_comment"), ALL_200),
    Row("POST", "/programs/versions/{version_id}/submit", version("draft"),
        "200 200 403 403 403 403 403", "200 403 403 403 403 403 403"),
    Row("POST", "/programs/versions/{version_id}/decision",
        lambda s: Ask({"version_id": s.submitted}, body={"approve": True, "reasons": "Meets the act."}),
        "200 403 403 403 403 403 403"),
    Row("POST", "/programs/{program_id}/participation",
        lambda s: Ask({"program_id": "w-visa"}, body={
            "county": s.county, "decision": "opt_in", "effective": TODAY,
            "deciding_body": "Board of Supervisors", "votes_for": 4, "votes_against": 1}),
        "403 403 201 403 403 403 403", "403 403 403 403 403 403 403"),
    # counts only, always within the caller's own territory: the program's state does not matter
    Row("GET", "/programs/{program_id}/integration",
        lambda s: Ask({"program_id": s.program}, {"by": "county"}), "200 200 200 403 403 403 200"),
    Row("POST", "/employers", lambda s: Ask(body={"name": "New Firm", "state": s.state}),
        "403 201 403 201 403 403 403", "403 403 403 201 403 403 403"),
    Row("GET", "/employers", lambda s: NONE, ALL_200, shows=("employer", "/employers/{employer_id}")),
    Row("GET", "/employers/{employer_id}", lambda s: Ask({"employer_id": s.employer}),
        "200 200 404 200 404 403 403", "200 404 404 404 404 403 403"),
    Row("POST", "/employers/{employer_id}/job-offers",
        lambda s: Ask({"employer_id": s.employer}, body={
            "title": "Analyst", "soc_code": "15-1252", "annual_wage": 100_000, "worksite_county": s.county}),
        "403 201 404 201 404 403 403", "403 404 404 404 404 403 403"),
    Row("GET", "/employers/{employer_id}/job-offers", lambda s: Ask({"employer_id": s.employer}),
        "200 200 404 200 404 403 403", "200 404 404 404 404 403 403"),
    Row("GET", "/job-offers/{offer_id}", lambda s: Ask({"offer_id": s.offer}), ALL_200),
    Row("POST", "/applicants",
        lambda s: Ask(body={"state": s.state, "given_name": "Ana", "family_name": "Ruiz"}),
        "403 201 403 403 201 403 403", "403 403 403 403 201 403 403"),
    Row("GET", "/applicants", lambda s: NONE, ALL_200, shows=("applicant", "/applicants/{applicant_id}")),
    Row("GET", "/applicants/{applicant_id}", lambda s: Ask({"applicant_id": s.applicant}),
        "200 200 404 404 200 403 403", "200 404 404 404 404 403 403"),
    Row("POST", "/applications", lambda s: Ask(body={
            "program": "w-visa", "state": s.state, "inputs": W_CASE, "applicant_id": s.applicant,
            "job_offer_id": s.offer}),
        "403 201 404 404 201 403 403", "403 404 404 404 404 403 403"),
    Row("GET", "/applications", lambda s: NONE, ALL_200,
        shows=("application", "/applications/{application_id}")),
    Row("GET", "/applications/{application_id}", lambda s: Ask({"application_id": s.application}),
        "200 200 200 404 200 403 403", "200 404 404 404 404 403 403"),
    # own: the national W visa (computed by the federal side); other: a Texas program, with no cap formula
    Row("POST", "/allocations/compute",
        lambda s: Ask(body={"program": "w-visa" if s.state == "06" else s.program, "year": NOW.year,
                            "population_year": 2024}),
        "200 403 403 403 403 403 403", "422 403 403 403 403 403 403"),
    Row("GET", "/allocations", lambda s: Ask(query={"program": s.program, "year": NOW.year}), ALL_200),
    Row("POST", "/rounds",
        lambda s: Ask(body={"program": s.program, "state": s.state, "kind": "ranked", "invitations": 1}),
        "201 201 403 403 403 403 403", "201 403 403 403 403 403 403"),
    Row("GET", "/rounds", lambda s: NONE, ALL_200),
    Row("POST", "/rounds/{round_id}/draw", lambda s: Ask({"round_id": s.lottery}, body={"seed": SEED}),
        "200 200 403 403 403 403 403", "200 403 403 403 403 403 403"),
    Row("GET", "/rounds/{round_id}", lambda s: Ask({"round_id": s.round}), ALL_200),
    Row("GET", "/rounds/{round_id}/export", lambda s: Ask({"round_id": s.round}),
        "200 200 403 403 403 403 403", "200 403 403 403 403 403 403"),
    Row("GET", "/cases", lambda s: NONE, ALL_200, shows=("case", "/cases/{case_id}")),
    Row("GET", "/cases/{case_id}", lambda s: Ask({"case_id": s.case}),
        "200 200 200 404 200 403 403", "200 404 404 404 404 403 403"),
    # eligible -> invited is the state office's move (or the engine's): federal is let in, then refused
    Row("POST", "/cases/{case_id}/transitions",
        lambda s: Ask({"case_id": s.case}, body={"to": "invited", "reason": "round 1"}),
        "409 200 403 403 403 403 403", "409 404 403 403 403 403 403"),
    Row("POST", "/cases/{case_id}/reports",
        lambda s: Ask({"case_id": s.holder_case}, body={"kind": "residence", "period_end": YESTERDAY}),
        "201 201 403 404 201 403 403", "201 404 403 404 404 403 403"),
    Row("POST", "/cases/{case_id}/integration",
        lambda s: Ask({"case_id": s.holder_case}, {}, {"service": "language_training", "status": "enrolled"}),
        "201 201 201 403 403 403 403", "201 404 404 403 403 403 403"),
    Row("POST", "/cases/sweep", lambda s: Ask(body={"jurisdiction": s.state}),
        "200 200 403 403 403 403 403", "200 403 403 403 403 403 403"),
    Row("POST", "/cooperation/requests", lambda s: Ask(body={
            "jurisdiction": s.state, "action": "honor_detainer", "facts": SHERIFF_ASKS,
            "fields": ["immigration_status"], "applicant_id": s.applicant}),
        "403 403 403 403 403 201 403"),
    Row("GET", "/cooperation/requests", lambda s: NONE, ALL_200,
        shows=("request", "/cooperation/requests/{request_id}")),
    Row("GET", "/cooperation/requests/{request_id}", lambda s: Ask({"request_id": s.request}),
        "200 200 403 403 403 200 403", "200 404 403 403 403 404 403"),
    Row("GET", "/cooperation/counts", lambda s: NONE, "200 200 403 403 403 403 200"),
    Row("GET", "/identity/adjudications", lambda s: NONE, ALL_200,
        shows=("adjudication", "/identity/adjudications/{adjudication_id}")),
    Row("GET", "/identity/adjudications/{adjudication_id}",
        lambda s: Ask({"adjudication_id": s.adjudication}),
        "200 200 403 403 403 403 403", "200 404 403 403 403 403 403"),
    Row("POST", "/identity/adjudications/{adjudication_id}/decision",
        lambda s: Ask({"adjudication_id": s.adjudication},
                      body={"outcome": "different-people", "reason": "Different photo and parents."}),
        "200 200 403 403 403 403 403", "200 404 403 403 403 403 403"),
    Row("GET", "/audit/head", lambda s: NONE, ALL_200),
    Row("GET", "/audit/proofs/inclusion/{index}", lambda s: Ask({"index": 0}), ALL_200),
    Row("GET", "/audit/proofs/consistency", lambda s: Ask(query={"old_size": 1}), ALL_200),
    Row("GET", "/audit/export", lambda s: NONE, "200 200 403 403 403 403 403"),
]  # fmt: skip
PUBLIC = {("GET", "/health")}


@dataclass
class Matrix:
    client: TestClient
    world: World
    tokens: dict[str, str]

    def send(self, row: Row, ask: Ask, token: str | None) -> Any:
        url = "/api/v1" + row.path.format(**ask.path)
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return self.client.request(row.method, url, params=ask.query, json=ask.body, headers=headers)


@pytest.fixture
def matrix(database_url: str) -> Iterator[Matrix]:
    """The world built once on this backend, and the app serving it through a rolled-back platform."""
    world = build(database_url)
    platform = Rehearsal(database_url)
    app = create_app(platform, Settings(SECRET, None, "test/audit"), clock=lambda: NOW)
    tokens = {who.subject: issue(who, SECRET, NOW, 3600) for who in ROLES}
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Matrix(client, world, tokens)
    finally:
        platform.close()


def expected(row: Row, side: str) -> list[int]:
    text = row.own if side == "own" or row.other is None else row.other
    return [int(code) for code in text.split()]


def operations(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) of the app's OpenAPI document."""
    return {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}


def test_every_operation_has_a_row(sqlite_template: Path) -> None:
    platform = Platform(f"sqlite:///{sqlite_template}")
    found = operations(create_app(platform, Settings(SECRET, None, "test/audit"))) - PUBLIC
    platform.close()
    written = {(row.method, "/api/v1" + row.path) for row in ROWS}
    assert sorted(found - written) == [], "operations with no row in the authorisation matrix"
    assert sorted(written - found) == [], "rows for operations the API does not have"


def test_every_role_gets_what_the_policy_says_of_own_and_other_records(matrix: Matrix) -> None:
    """Also: every status met is one the operation declares in the OpenAPI document."""
    paths = matrix.client.get("/openapi.json").json()["paths"]
    declared = {
        (method, path.removeprefix("/api/v1")): set(operation["responses"])
        for path, item in paths.items()
        for method, operation in item.items()
    }
    wrong: list[str] = []
    for row in ROWS:
        for side in ("own", "other"):
            ask = row.ask(getattr(matrix.world, side))
            for who, want in zip(ROLES, expected(row, side), strict=True):
                got = matrix.send(row, ask, matrix.tokens[who.subject])
                label = f"{row.method} {row.path} as {who.role} ({side})"
                if str(got.status_code) not in declared[row.method.lower(), row.path]:
                    wrong.append(f"{label}: {got.status_code} is not in its OpenAPI responses")
                if got.status_code != want:
                    wrong.append(f"{label}: expected {want}, got {got.status_code} {got.text[:200]}")
                elif want == 404 and ask.path:
                    wrong.extend(_leaks(matrix, row, ask, who, got.json(), label))
        if row.shows is not None:
            wrong.extend(_listing(matrix, row))
    assert not wrong, "\n".join(wrong)


def _leaks(
    matrix: Matrix, row: Row, ask: Ask, who: Principal, refused: dict[str, Any], label: str
) -> Iterator[str]:
    """A 404 for a record out of reach must be the 404 for a record that does not exist."""
    name = next(iter(ask.path))
    absent = matrix.send(
        row, Ask({**ask.path, name: MISSING}, ask.query, ask.body), matrix.tokens[who.subject]
    )
    same = re.sub(r"\d+", "N", refused["detail"]) == re.sub(r"\d+", "N", absent.json()["detail"])
    if absent.status_code != 404 or not same or refused["type"] != absent.json()["type"]:
        yield f"{label}: its 404 is not a missing record's: {refused['detail']!r} vs {absent.text[:200]}"


def _listing(matrix: Matrix, row: Row) -> Iterator[str]:
    """A listing shows a record exactly when the GET of that record answers 200 to the same caller."""
    assert row.shows is not None
    attribute, one = row.shows
    getter = next(r for r in ROWS if r.method == "GET" and r.path == one)
    for index, who in enumerate(ROLES):
        listed = matrix.send(row, NONE, matrix.tokens[who.subject]).json()["items"]
        ids = {item["id"] for item in listed}
        for side in ("own", "other"):
            record = getattr(getattr(matrix.world, side), attribute)
            if (record in ids) != (expected(getter, side)[index] == 200):
                yield f"GET {row.path} as {who.role}: {side} {attribute} {record} listed: {record in ids}"


def test_no_token_a_foreign_token_and_an_expired_one_are_401_everywhere(database_url: str) -> None:
    """Refused before anything is looked up: on an empty database, for records that do not exist."""
    foreign = issue(CALIFORNIA, b"another-secret-key-of-at-least-32-bytes", NOW, 3600)
    expired = issue(CALIFORNIA, SECRET, NOW - days(2), 60)
    nowhere = Side("06", "06037", "integration-pilot", *[MISSING] * 13)
    platform = Platform(database_url)
    app = create_app(platform, Settings(SECRET, None, "test/audit"), clock=lambda: NOW)
    wrong: list[str] = []
    with TestClient(app, raise_server_exceptions=False) as client:
        caller = Matrix(client, World(nowhere, nowhere), {})
        for row in ROWS:
            for token, code in ((None, "no-token"), (foreign, "bad-token"), (expired, "expired-token"),
                                ("x.y.z", "bad-token")):  # fmt: skip
                got = caller.send(row, row.ask(nowhere), token)
                problem = got.json()["problems"][0]["code"] if got.status_code == 401 else None
                if (got.status_code, problem, got.headers.get("www-authenticate")) != (401, code, "Bearer"):
                    wrong.append(f"{row.method} {row.path} with {code}: {got.status_code} {got.text[:200]}")
        assert client.get("/health").status_code == 200
    platform.close()
    assert not wrong, "\n".join(wrong)
