"""A created record as JSON text, the same text FastAPI would send, at the speed of `json.dumps`.

An application carries its explanation tree (about 90 KB of JSON for the W visa). FastAPI's
`jsonable_encoder` walks such a tree in Python and took 5 to 20 times as long as evaluating
the application (`bench/api.py`); `json.dumps` walks it in C and calls `_plain` only for the
few values JSON has no type for. The text is what `JSONResponse` renders from
`jsonable_encoder`'s result (compact separators, non-ASCII kept, NaN refused), which a test
holds it to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import PurePath
from typing import Any

from fastapi.responses import JSONResponse


def _plain(value: object) -> object:
    """A value JSON has no type for, as jsonable_encoder gives it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"cannot encode a {type(value).__name__} as JSON")


def encoded(value: object) -> str:
    """`value` (dataclasses, dicts, lists, dates, enums) as compact JSON text."""
    return json.dumps(value, default=_plain, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class EncodedJSON(JSONResponse):
    """A JSON response whose content is JSON text already (from `encoded`), sent as it is."""

    def render(self, content: Any) -> bytes:
        return str(content).encode("utf-8")
