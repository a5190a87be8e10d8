"""Cursors: what the API gave out is read back; anything else is refused as a cursor, never a crash."""

from __future__ import annotations

import base64

import pytest

from statevisa.errors import InputError
from statevisa.services.pages import decode_cursor, encode_cursor


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_cursor_reads_back_as_the_id_it_was_made_from() -> None:
    assert decode_cursor(encode_cursor(41)) == 41
    assert decode_cursor(None) == decode_cursor("") == 0


@pytest.mark.parametrize(
    "cursor",
    ["abc", forged("id:9223372036854775808"), forged("id:9999999999999999999"), forged("id:١٢"),
     forged("id:-1"), forged("row:5"), "!!!"],
)  # fmt: skip
def test_a_forged_cursor_is_refused_by_name(cursor: str) -> None:
    with pytest.raises(InputError) as refused:
        decode_cursor(cursor)
    assert refused.value.messages == ["cursor: is not a cursor this API gave out"]
