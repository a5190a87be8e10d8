"""Keyed identity tokens: what a state sends the federal hub instead of an identity.

A token is HMAC-SHA-256 (RFC 2104, FIPS 198-1) under a secret key over one normalised identity
key, so two states that hold the same key and see the same person compute the same token,
and anyone without the key learns nothing from it. Two keys:

* ``document``: the document number (letters and digits only, upper case) and the issuing
  country (ISO alpha-3; Germany's MRZ ``D`` counts as ``DEU``);
* ``person``: the name key of `names` (transliterated, folded, order-free), the date of birth
  (ISO 8601) and the country of birth.

Each message starts with a domain tag naming the version and the kind, so a document token can
never equal a person token and a change of normalisation is a new version, not a silent
mismatch. Every token carries the id of the key that made it; rotating means computing tokens
under the new key inside the state, from the state's own records (`Keyring`), never sending
raw data anywhere. The key is an argument here: the shell reads it from configuration.

Why not a plain hash: SHA-512 of a name, a birth date and a country has maybe 2^40 plausible
inputs; a GPU tries that many in minutes, so a plain hash is a pseudonym anyone can reverse
with a list of candidates. Without the 256-bit key, each guess at an HMAC input needs a guess
at the key too: the same search costs 2^256. docs/identity.md#tokens sets out who holds the key.

Bulk tokens are computed by DuckDB (HMAC written out in SQL over its SHA-256), one vectorised
pass per column; `token` computes one with the standard library, and the tests hold the two
equal.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import duckdb
import polars as pl

from statevisa.errors import InputError, problem
from statevisa.identity import codes, names

Kind = Literal["document", "person"]
VERSION = "statevisa-identity-v1"
SEPARATOR = "\x1f"
KEY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
MIN_SECRET_BYTES = 32
BLOCK = 64
"""SHA-256's block size in bytes: HMAC pads the key to it (RFC 2104 §2)."""


@dataclass(frozen=True)
class TokenKey:
    """One secret and its public id. The secret never appears in a repr, a log or an error."""

    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not KEY_ID.match(self.key_id):
            raise InputError(
                problem("bad-key-id", f"key id {self.key_id!r} must match {KEY_ID.pattern}", field="key_id")
            )
        if len(self.secret) < MIN_SECRET_BYTES:
            raise InputError(
                problem(
                    "weak-key",
                    f"key {self.key_id}: the secret has {len(self.secret)} bytes;"
                    f" it needs at least {MIN_SECRET_BYTES}",
                    field="secret",
                )
            )


@dataclass(frozen=True)
class Keyring:
    """The keys a state holds: the `active` one makes new tokens; older ones stay readable while
    the hub still holds tokens made with them (a rotation's overlap)."""

    keys: tuple[TokenKey, ...]
    active: str

    def __post_init__(self) -> None:
        ids = [key.key_id for key in self.keys]
        if len(set(ids)) != len(ids):
            raise InputError(problem("duplicate-key-id", "two keys share an id", field="keys"))
        if self.active not in ids:
            raise InputError(
                problem("no-active-key", f"active key {self.active!r} is not among {ids}", field="active")
            )

    @property
    def current(self) -> TokenKey:
        return next(key for key in self.keys if key.key_id == self.active)


@dataclass(frozen=True)
class Token:
    """A token as the hub stores it: kind, key id and the 64 hex digits of the MAC."""

    kind: Kind
    key_id: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key_id}:{self.value}"


def _header(kind: Kind) -> str:
    return f"{VERSION}{SEPARATOR}{kind}{SEPARATOR}"


def _country(code: str, field_name: str) -> str:
    text = code.strip().upper().replace("<", "")
    if not codes.is_nationality(text) and not codes.is_issuer(text):
        raise InputError(problem("unknown-country", f"unknown country code {code!r}", field=field_name))
    return codes.canonical(text)


def _document_number(number: str) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", number.upper())
    if not compact:
        raise InputError(
            problem("empty-document-number", "the document number is empty", field="document_number")
        )
    return compact


def document_message(number: str, country: str) -> bytes:
    """The normalised document key (number, issuing country) as the bytes the MAC covers."""
    parts = [_document_number(number), _country(country, "document_country")]
    return (_header("document") + SEPARATOR.join(parts)).encode()


def person_message(given: str, family: str, birth: date, country_of_birth: str) -> bytes:
    """The normalised person key (name key, birth date, country of birth) as MAC input bytes."""
    parts = [names.name_key(given, family), birth.isoformat(), _country(country_of_birth, "country_of_birth")]
    return (_header("person") + SEPARATOR.join(parts)).encode()


def token(key: TokenKey, kind: Kind, message: bytes) -> Token:
    """One token with the standard library's HMAC-SHA-256."""
    return Token(kind, key.key_id, hmac.new(key.secret, message, hashlib.sha256).hexdigest())


def _padded(secret: bytes) -> bytes:
    key = hashlib.sha256(secret).digest() if len(secret) > BLOCK else secret
    return key.ljust(BLOCK, b"\x00")


def hmac_column(key: TokenKey, messages: pl.Series) -> pl.Series:
    """HMAC-SHA-256 hex of every message (a String or Binary column) in one DuckDB pass.

    RFC 2104: H((K ^ opad) || H((K ^ ipad) || m)), K zero-padded to the 64-byte block. Nulls
    stay null.
    """
    padded = _padded(key.secret)
    inner = bytes(byte ^ 0x36 for byte in padded).hex()
    outer = bytes(byte ^ 0x5C for byte in padded).hex()
    frame = pl.DataFrame({"message": messages.cast(pl.Binary)})
    with duckdb.connect() as connection:
        connection.register("messages", frame.to_arrow())
        result = connection.sql(
            "select sha256(unhex($outer) || unhex(sha256(unhex($inner) || message))) as mac from messages",
            params={"outer": outer, "inner": inner},
        ).to_arrow_table()
    return pl.Series("token", result.column("mac"), dtype=pl.String)


def person_messages(frame: pl.DataFrame) -> pl.Series:
    """Person-key messages for a frame with given_name, family_name, date_of_birth (Date) and
    country_of_birth (canonical codes); null where the name key, birth date or country is missing."""
    key = names.keys(frame["given_name"], frame["family_name"])
    parts = pl.DataFrame(
        {
            "key": key,
            "birth": frame["date_of_birth"].cast(pl.Date).dt.to_string("%Y-%m-%d"),
            "country": frame["country_of_birth"],
        }
    ).select(pl.when(pl.col("key") != "").then(pl.col("key")), "birth", "country")
    message = parts.select(
        pl.concat_str([pl.lit(_header("person")), pl.concat_str(parts.columns, separator=SEPARATOR)])
    )
    return message.to_series().alias("message")


def document_messages(frame: pl.DataFrame) -> pl.Series:
    """Document-key messages for a frame with document_number and document_country (canonical)."""
    number = frame["document_number"].str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    parts = pl.DataFrame({"number": number, "country": frame["document_country"]}).select(
        pl.when(pl.col("number") != "").then(pl.col("number")), "country"
    )
    message = parts.select(
        pl.concat_str([pl.lit(_header("document")), pl.concat_str(parts.columns, separator=SEPARATOR)])
    )
    return message.to_series().alias("message")
