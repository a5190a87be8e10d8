"""Lists a page at a time, by keyset: a cursor is the last id seen, opaque to the caller.

Keyset paging (``WHERE id > :last ORDER BY id LIMIT :n``) stays fast at any depth and never
skips or repeats a row when others are inserted meanwhile, which offset paging does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from statevisa.errors import InputError, problem

T = TypeVar("T")
MAX_LIMIT = 500
MAX_KEY = 2**63 - 1
"""The largest id a database key holds (BIGINT, SQLite's INTEGER): a cursor past it is forged."""
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id a cursor stands for (0 before the first page); a forged or damaged one is refused."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _, number = text.partition(":")
        if prefix != "id" or not (number.isascii() and number.isdigit()) or int(number) > MAX_KEY:
            raise ValueError
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InputError(problem("bad-cursor", "is not a cursor this API gave out", field="cursor")) from None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(problem("bad-limit", f"must be between 1 and {MAX_LIMIT}", field="limit"))
    return limit


def keyset(
    session: Session,
    query: Select[Any],
    key: InstrumentedAttribute[int],
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Any], str | None]:
    """Rows after the cursor, up to `limit`, and the cursor of the next page (None at the end)."""
    check_limit(limit)
    rows = session.scalars(query.where(key > decode_cursor(cursor)).order_by(key).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(getattr(rows[-1], key.key))
