"""Keyed tokens: RFC 4231 HMAC-SHA-256 vectors, one person's records agree, nothing else does."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.identity import tokens

KEY = tokens.TokenKey("k2026a", bytes(range(32)))
OTHER = tokens.TokenKey("k2027a", bytes(range(1, 33)))

RFC_4231_LONG_KEY = bytes([0xAA] * 131)
"""RFC 4231 §4.7 and §4.8: a key longer than the block, hashed first."""


@pytest.mark.parametrize(
    ("message", "mac"),
    [
        (
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        ),
        (
            b"This is a test using a larger than block-size key and a larger than block-size data."
            b" The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ],
)
def test_both_implementations_reproduce_rfc_4231(message: bytes, mac: str) -> None:
    key = tokens.TokenKey("rfc4231", RFC_4231_LONG_KEY)
    assert tokens.token(key, "person", message).value == mac
    assert tokens.hmac_column(key, pl.Series([message])).to_list() == [mac]


@settings(max_examples=50, deadline=None)
@given(
    secret=st.binary(min_size=32, max_size=200),
    messages=st.lists(st.binary(max_size=300), min_size=1, max_size=20),
)
def test_the_bulk_path_equals_the_standard_library(secret: bytes, messages: list[bytes]) -> None:
    key = tokens.TokenKey("any", secret)
    expected = [hmac.new(secret, message, hashlib.sha256).hexdigest() for message in messages]
    assert tokens.hmac_column(key, pl.Series(messages, dtype=pl.Binary)).to_list() == expected


def test_one_person_written_three_ways_gets_one_person_token() -> None:
    birth = date(1986, 3, 15)
    written = [
        tokens.person_message("Jürgen", "Müller", birth, "DEU"),
        tokens.person_message("MUELLER", "JUERGEN", birth, "deu"),
        tokens.person_message("Juergen", "Mueller", birth, "DEU"),
    ]
    assert len({tokens.token(KEY, "person", message).value for message in written}) == 1


def test_one_document_written_two_ways_gets_one_document_token() -> None:
    germany = tokens.token(KEY, "document", tokens.document_message("C01X00T47", "D"))
    assert germany == tokens.token(KEY, "document", tokens.document_message("c01x-00t47", "DEU"))
    assert str(germany) == f"document:k2026a:{germany.value}"


def test_a_different_key_person_or_kind_gives_a_different_token() -> None:
    message = tokens.person_message("Anna Maria", "Eriksson", date(1974, 8, 12), "SWE")
    base = tokens.token(KEY, "person", message).value
    assert tokens.token(OTHER, "person", message).value != base
    assert (
        tokens.token(KEY, "person", tokens.person_message("Anna", "Eriksson", date(1974, 8, 12), "SWE")).value
        != base
    )
    assert tokens.person_message("A", "B", date(2000, 1, 1), "USA").startswith(
        b"statevisa-identity-v1\x1fperson\x1f"
    )
    assert tokens.document_message("A1", "USA").startswith(b"statevisa-identity-v1\x1fdocument\x1f")


def test_a_token_is_not_the_plain_hash_of_its_key() -> None:
    message = tokens.document_message("L898902C3", "UTO")
    assert tokens.token(KEY, "document", message).value != hashlib.sha256(message).hexdigest()


def test_the_secret_never_shows_in_a_repr() -> None:
    assert repr(KEY) == "TokenKey(key_id='k2026a')"
    assert "secret" not in repr(tokens.Keyring((KEY, OTHER), "k2027a"))


@pytest.mark.parametrize(
    ("build", "code", "message"),
    [
        (
            lambda: tokens.TokenKey("k1", b"short"),
            "weak-key",
            "secret: key k1: the secret has 5 bytes; it needs at least 32",
        ),
        (
            lambda: tokens.TokenKey("K 1", bytes(32)),
            "bad-key-id",
            "key_id: key id 'K 1' must match ^[a-z0-9][a-z0-9._-]{0,31}$",
        ),
        (lambda: tokens.Keyring((KEY, KEY), "k2026a"), "duplicate-key-id", "keys: two keys share an id"),
        (
            lambda: tokens.Keyring((KEY,), "k9"),
            "no-active-key",
            "active: active key 'k9' is not among ['k2026a']",
        ),
        (
            lambda: tokens.document_message(" - ", "USA"),
            "empty-document-number",
            "document_number: the document number is empty",
        ),
        (
            lambda: tokens.document_message("A1", "ZZZ"),
            "unknown-country",
            "document_country: unknown country code 'ZZZ'",
        ),
        (
            lambda: tokens.person_message("", "", date(2000, 1, 1), "USA"),
            "empty-name",
            "name: the name is empty once titles and punctuation are removed",
        ),
    ],
)
def test_unusable_keys_and_keys_of_nothing_are_refused(build: object, code: str, message: str) -> None:
    assert callable(build)
    with pytest.raises(InputError) as refused:
        build()
    assert (refused.value.problems[0].code, str(refused.value)) == (code, message)


def test_the_keyring_makes_new_tokens_with_its_active_key() -> None:
    ring = tokens.Keyring((KEY, OTHER), "k2027a")
    assert ring.current == OTHER


def test_column_messages_match_one_at_a_time_messages() -> None:
    frame = pl.DataFrame(
        {
            "given_name": ["Anna Maria", "Wei", None],
            "family_name": ["Eriksson", "王", "Lopez"],
            "date_of_birth": [date(1974, 8, 12), date(1990, 1, 2), None],
            "country_of_birth": ["SWE", "CHN", "MEX"],
            "document_number": ["L898902C3", " ", "X1"],
            "document_country": ["SWE", "CHN", "MEX"],
        }
    )
    people = tokens.person_messages(frame).to_list()
    assert people[:2] == [
        tokens.person_message("Anna Maria", "Eriksson", date(1974, 8, 12), "SWE").decode(),
        tokens.person_message("Wei", "王", date(1990, 1, 2), "CHN").decode(),
    ]
    assert people[2] is None
    documents = tokens.document_messages(frame).to_list()
    assert documents == [
        tokens.document_message("L898902C3", "SWE").decode(),
        None,
        tokens.document_message("X1", "MEX").decode(),
    ]
