"""One person, one visa: keyed tokens at submission, a second holding sent to adjudication."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from statevisa.errors import ConflictError, InputError, NotFoundError
from statevisa.identity.tokens import Keyring, TokenKey
from statevisa.services import applicants, applications, cases, hub, rounds
from statevisa.services import program_versions as versions
from statevisa.services.applications import Submission
from statevisa.services.authz import Principal
from statevisa.services.context import Platform
from statevisa.store.models import HubToken
from tests.platform import CALIFORNIA, FEDERAL, TEXAS, act
from tests.services.conftest import W_CASE

KEYRING = Keyring((TokenKey("k1", b"k" * 32),), "k1")
TD3 = ["P<USADOE<<JANE<MARIE<<<<<<<<<<<<<<<<<<<<<<<<", "X123456785USA8503105F3104150<<<<<<<<<<<<<<00"]
"""A passport zone laid out as ICAO 9303 Part 4 says, its check digits computed (an invented person)."""
SPECIMEN = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F3104150ZE184226B<<<<<16"]
"""ICAO 9303 Part 4's specimen, its expiry moved to 2031 (check digits recomputed): still a specimen."""


@pytest.fixture
def keyed(database_url: str) -> Iterator[Platform]:
    opened = Platform(database_url, keyring=KEYRING)
    yield opened
    opened.close()


@pytest.fixture
def w(keyed: Platform) -> None:
    made = act(keyed, FEDERAL, versions.upload, versions.shipped_files("w-visa"))
    act(keyed, FEDERAL, versions.submit, made.id)
    act(keyed, FEDERAL, versions.decide, made.id, True, "test")


def person(platform: Platform, state: str, officer: Principal, name: str = "Anna Maria") -> int:
    new = applicants.NewApplicant(
        state=state,
        given_name=name,
        family_name="Eriksson",
        country_of_birth="SWE",
        document_number="L898902C3",
        document_country="UTO",
    )
    return act(platform, officer, applicants.create, new).id


def test_the_same_passport_in_a_second_state_opens_an_adjudication_and_holds_the_case(
    keyed: Platform, w: None
) -> None:
    first = act(
        keyed,
        CALIFORNIA,
        applications.submit,
        Submission("w-visa", "06", W_CASE, person(keyed, "06", CALIFORNIA)),
    )
    second = act(
        keyed, TEXAS, applications.submit, Submission("w-visa", "48", W_CASE, person(keyed, "48", TEXAS))
    )
    assert first.explanation is not None and first.explanation["identity"]["possible_duplicates"] == []
    assert second.explanation is not None
    assert second.explanation["identity"]["possible_duplicates"] == [
        {"state": "06", "holding": "lottery-entry", "matched": ["document"]}
    ]
    (item,) = act(keyed, TEXAS, hub.queue, "open", None, 10).items
    assert (item.application_id, item.other_state) == (second.id, "06")
    assert (
        act(keyed, CALIFORNIA, hub.queue, None, None, 10).items == []
    )  # the queue of the state that decides
    with pytest.raises(ConflictError, match="waits for an identity adjudication"):
        act(keyed, TEXAS, cases.transition, second.case_id, "invited", "round")
    assert act(keyed, TEXAS, rounds.run_matching, "w-visa", "48", {}, {}).entries == 0
    with pytest.raises(NotFoundError):  # another state's queue: not California's to know of
        act(keyed, CALIFORNIA, hub.decide, item.id, "same-person", "Same passport and birth date.")
    decided = act(
        keyed, TEXAS, hub.decide, item.id, "same-person", "Same passport, same birth date, same photo."
    )
    assert decided.status == "same-person"
    ended = act(keyed, TEXAS, cases.get, second.case_id)
    assert (ended.state, ended.events[-1].reason.startswith(f"adjudication {item.id}")) == (
        "ineligible",
        True,
    )
    with pytest.raises(ConflictError, match="was decided"):
        act(keyed, TEXAS, hub.decide, item.id, "different-people", "Changed my mind after all.")


def test_different_people_go_on_and_the_hub_holds_only_tokens(keyed: Platform, w: None) -> None:
    act(
        keyed,
        CALIFORNIA,
        applications.submit,
        Submission("w-visa", "06", W_CASE, person(keyed, "06", CALIFORNIA)),
    )
    second = act(
        keyed, TEXAS, applications.submit, Submission("w-visa", "48", W_CASE, person(keyed, "48", TEXAS))
    )
    (item,) = act(keyed, TEXAS, hub.queue, "open", None, 10).items
    act(keyed, TEXAS, hub.decide, item.id, "different-people", "Different photo and parents' names.")
    assert act(keyed, TEXAS, cases.transition, second.case_id, "invited", "round").state == "invited"
    with keyed.session() as session:
        stored = session.scalars(select(HubToken)).all()
    assert {row.kind for row in stored} == {"document"} and all(len(row.token) == 64 for row in stored)
    text = " ".join(f"{row.reference} {row.token} {row.state} {row.holding}" for row in stored)
    assert "L898902C3" not in text and "Eriksson" not in text.title()


def test_an_ineligible_application_enters_no_hub_and_an_ended_case_leaves_it(
    keyed: Platform, w: None
) -> None:
    inadmissible = Submission("w-visa", "06", {**W_CASE, "purpose": "none"}, person(keyed, "06", CALIFORNIA))
    refused = act(keyed, CALIFORNIA, applications.submit, inadmissible)
    later = act(
        keyed, TEXAS, applications.submit, Submission("w-visa", "48", W_CASE, person(keyed, "48", TEXAS))
    )
    assert refused.eligible is False
    assert later.explanation is not None and later.explanation["identity"]["possible_duplicates"] == []


def test_a_checked_passport_zone_is_recorded_and_a_failed_one_refused(keyed: Platform, w: None) -> None:
    new = applicants.NewApplicant(
        state="06",
        given_name="Jane Marie",
        family_name="Doe",
        document_number="X12345678",
        document_country="USA",
    )
    applicant = act(keyed, CALIFORNIA, applicants.create, new).id
    done = act(
        keyed, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE, applicant, mrz=tuple(TD3))
    )
    assert done.explanation is not None and done.explanation["identity"]["mrz"]["valid"] is True
    damaged = (TD3[0], TD3[1][:9] + "7" + TD3[1][10:])  # the document number's check digit
    with pytest.raises(InputError) as refused:
        act(
            keyed, CALIFORNIA, applications.submit, Submission("w-visa", "06", W_CASE, applicant, mrz=damaged)
        )
    assert {p.location.field for p in refused.value.problems} == {"identity/mrz"}
    with pytest.raises(InputError, match="specimen"):
        act(
            keyed,
            CALIFORNIA,
            applications.submit,
            Submission("w-visa", "06", W_CASE, applicant, mrz=tuple(SPECIMEN)),
        )
    with pytest.raises(InputError) as bad_number:
        bad = Submission("w-visa", "06", W_CASE, applicant, national_ids={"us-ssn": "000-12-3456"})
        act(keyed, CALIFORNIA, applications.submit, bad)
    assert bad_number.value.problems[0].location.field == "identity/national_ids/us-ssn"


def test_the_same_person_under_another_key_gives_another_token() -> None:
    from statevisa.services.identity import Person, identity_tokens

    anna = Person("Anna Maria", "Eriksson", None, None, "L898902C3", "UTO")
    other = Keyring((TokenKey("k2", b"x" * 32),), "k2")
    (mine,), (theirs,) = identity_tokens(anna, KEYRING), identity_tokens(anna, other)
    assert mine.kind == theirs.kind == "document" and mine.value != theirs.value and theirs.key_id == "k2"
