"""Identity use cases the submission service calls: documents, numbers, tokens, keys, rotation."""

from __future__ import annotations

import base64
import datetime as dt

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.identity.tokens import Keyring, TokenKey
from statevisa.services import identity

OLD = TokenKey("k2026a", bytes(range(32)))
NEW = TokenKey("k2027a", bytes(range(100, 132)))
ANNA = identity.Person("Anna Maria", "Eriksson", dt.date(1974, 8, 12), "SWE", "L898902C3", "SWE")


def test_a_document_check_returns_every_check_as_of_the_date() -> None:
    lines = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
    report = identity.check_document(lines, dt.date(2010, 1, 1))
    assert report.valid and report.fields.specimen
    assert identity.parse_on(None, dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


def test_numbers_are_checked_by_kind() -> None:
    results = identity.check_numbers({"us-ssn": "536-90-4399", "us-itin": "123-45-6789"})
    assert [(result.kind, result.valid) for result in results] == [("us-ssn", True), ("us-itin", False)]


def test_an_applicant_gets_a_document_and_a_person_token_under_the_active_key() -> None:
    made = identity.identity_tokens(ANNA, Keyring((OLD, NEW), "k2027a"))
    assert [(token.kind, token.key_id) for token in made] == [("document", "k2027a"), ("person", "k2027a")]
    again = identity.identity_tokens(
        identity.Person("ERIKSSON", "ANNA MARIA", dt.date(1974, 8, 12), "swe", "l898902c3", "SWE"),
        Keyring((NEW,), "k2027a"),
    )
    assert again == made


def test_missing_fields_mean_no_token_of_that_kind() -> None:
    person = identity.Person("Anna", "Eriksson", None, None, "L898902C3", "SWE")
    assert [token.kind for token in identity.identity_tokens(person, Keyring((OLD,), "k2026a"))] == [
        "document"
    ]


def test_a_rotation_retokenises_every_record_inside_the_state() -> None:
    records = pl.DataFrame(
        {
            "id": ["a", "b"],
            "given_name": ["Anna Maria", "Wei"],
            "family_name": ["Eriksson", "Wang"],
            "date_of_birth": [dt.date(1974, 8, 12), None],
            "country_of_birth": ["SWE", "CHN"],
            "document_number": ["L898902C3", "E12345678"],
            "document_country": ["SWE", "CHN"],
        }
    )
    rotated = identity.retokenise(records, Keyring((OLD, NEW), "k2027a"))
    assert rotated.select("id", "kind", "key_id").rows() == [
        ("a", "document", "k2027a"),
        ("b", "document", "k2027a"),
        ("a", "person", "k2027a"),
    ]
    one_by_one = {str(token) for token in identity.identity_tokens(ANNA, Keyring((NEW,), "k2027a"))}
    assert {
        f"{kind}:{key}:{value}" for _, kind, key, value in rotated.filter(pl.col("id") == "a").rows()
    } == one_by_one


def encoded(key: TokenKey) -> str:
    return f"{key.key_id}:{base64.b64encode(key.secret).decode()}"


def test_keys_come_from_configuration() -> None:
    environ = {identity.KEYS_VARIABLE: f"{encoded(OLD)}, {encoded(NEW)}", identity.ACTIVE_VARIABLE: "k2027a"}
    ring = identity.keyring_from_environment(environ)
    assert ring.current == NEW and len(ring.keys) == 2
    assert identity.keyring_from_environment({identity.KEYS_VARIABLE: encoded(OLD)}).current == OLD


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "STATEVISA_IDENTITY_KEYS: STATEVISA_IDENTITY_KEYS is not set"),
        ({"STATEVISA_IDENTITY_KEYS": "k1"}, "STATEVISA_IDENTITY_KEYS: entry 1 is not key_id:base64-secret"),
        (
            {"STATEVISA_IDENTITY_KEYS": "k1:not base64!"},
            "STATEVISA_IDENTITY_KEYS: entry 1 is not key_id:base64-secret",
        ),
        (
            {"STATEVISA_IDENTITY_KEYS": f"{encoded(OLD)},{encoded(NEW)}"},
            "STATEVISA_IDENTITY_ACTIVE_KEY: 2 keys are configured; name the one that makes new tokens",
        ),
        (
            {"STATEVISA_IDENTITY_KEYS": "k1:" + base64.b64encode(b"short").decode()},
            "secret: key k1: the secret has 5 bytes;",
        ),
    ],
)
def test_missing_or_malformed_keys_are_refused_never_defaulted(environ: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as refused:
        identity.keyring_from_environment(environ)
    assert str(refused.value).startswith(message)
