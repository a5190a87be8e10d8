"""Identity use cases one application at a time: certify a document, check numbers, make tokens.

These are the calls the operations platform makes when an application is submitted:

* `check_document(lines, on)` → `MrzReport` (every check, passed or failed, with the parsed
  fields) for the case file and its explanation;
* `check_numbers({kind: number})` → one `NumberCheck` per national or tax number;
* `identity_tokens(person, keyring)` → the keyed tokens (document, person) the state sends the
  federal hub, made with the keyring's active key;
* `keyring_from_environment(environ)` → the keys, read once from configuration at the edge.

`retokenise(frame, keyring)` recomputes every token of a state's records under the active key
after a rotation, inside the state. None of them prints; bad input raises `InputError`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from statevisa.errors import InputError, problem

if TYPE_CHECKING:
    import polars as pl

    from statevisa.identity.mrz import MrzReport
    from statevisa.identity.national import NumberCheck
    from statevisa.identity.tokens import Keyring, Token

KEYS_VARIABLE = "STATEVISA_IDENTITY_KEYS"
"""``id:base64secret,id:base64secret``: every key the state may still need to read."""
ACTIVE_VARIABLE = "STATEVISA_IDENTITY_ACTIVE_KEY"
"""The id of the key that makes new tokens."""


def parse_on(text: str | None, today: dt.date) -> dt.date:
    """The ``--on YYYY-MM-DD`` date (default `today`, which the edge reads from its clock)."""
    if text is None:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            problem("bad-date", f"'{text}' is not a date in the form YYYY-MM-DD", field="--on")
        ) from None


def check_document(lines: Sequence[str], on: dt.date) -> MrzReport:
    """Certify an MRZ as of `on`: every check of `statevisa.identity.mrz`."""
    from statevisa.identity.mrz import check_mrz

    return check_mrz(lines, on)


def check_numbers(numbers: Mapping[str, str]) -> list[NumberCheck]:
    """Check each national or tax number by its kind (``us-ssn``, ``us-itin``, ``br-cpf`` ...)."""
    from statevisa.identity.national import check_number

    return [check_number(kind, number) for kind, number in numbers.items()]


@dataclass(frozen=True)
class Person:
    """What a state tokenises for one applicant; a missing document or birth field means no token
    of that kind."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    country_of_birth: str | None
    document_number: str | None = None
    document_country: str | None = None


def identity_tokens(person: Person, keyring: Keyring) -> list[Token]:
    """The applicant's tokens under the keyring's active key: a document token when the document
    is known, a person token when the birth date and country of birth are."""
    from statevisa.identity import tokens

    key = keyring.current
    made: list[Token] = []
    if person.document_number and person.document_country:
        message = tokens.document_message(person.document_number, person.document_country)
        made.append(tokens.token(key, "document", message))
    if person.date_of_birth is not None and person.country_of_birth:
        message = tokens.person_message(
            person.given_name, person.family_name, person.date_of_birth, person.country_of_birth
        )
        made.append(tokens.token(key, "person", message))
    return made


def retokenise(frame: pl.DataFrame, keyring: Keyring) -> pl.DataFrame:
    """Every record's tokens under the active key, for a rotation done inside the state.

    `frame` has ``id``, the name, birth and document columns of `tokens.person_messages` and
    `tokens.document_messages` (codes canonical, birth dates as Date); the result has ``id``,
    ``kind``, ``key_id`` and ``token``, one row per token (records missing a field get none).
    """
    import polars as pl

    from statevisa.identity import tokens

    key = keyring.current
    parts = []
    for kind, messages in (
        ("document", tokens.document_messages(frame)),
        ("person", tokens.person_messages(frame)),
    ):
        made = pl.DataFrame({"id": frame["id"], "token": tokens.hmac_column(key, messages)})
        parts.append(made.drop_nulls("token").with_columns(kind=pl.lit(kind), key_id=pl.lit(key.key_id)))
    return pl.concat(parts).select("id", "kind", "key_id", "token")


def keyring_from_environment(environ: Mapping[str, str]) -> Keyring:
    """Read the keys from configuration (`KEYS_VARIABLE`, `ACTIVE_VARIABLE`); a missing or
    malformed setting is an error, never a default key."""
    from statevisa.identity.tokens import Keyring, TokenKey

    raw = environ.get(KEYS_VARIABLE, "").strip()
    if not raw:
        raise InputError(problem("no-identity-keys", f"{KEYS_VARIABLE} is not set", field=KEYS_VARIABLE))
    keys = []
    for index, item in enumerate(raw.split(","), 1):
        key_id, sep, encoded = item.strip().partition(":")
        try:
            if not sep:
                raise ValueError
            secret = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error):
            message = f"entry {index} is not key_id:base64-secret"
            raise InputError(problem("bad-identity-key", message, field=KEYS_VARIABLE)) from None
        keys.append(TokenKey(key_id, secret))
    active = environ.get(ACTIVE_VARIABLE, "").strip()
    if not active and len(keys) > 1:
        message = f"{len(keys)} keys are configured; name the one that makes new tokens"
        raise InputError(problem("no-active-key", message, field=ACTIVE_VARIABLE))
    return Keyring(tuple(keys), active or keys[0].key_id)
