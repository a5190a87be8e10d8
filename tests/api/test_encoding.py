"""A created record's JSON is the text FastAPI's own encoder and JSONResponse would have sent."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from statevisa.api.encoding import EncodedJSON, encoded
from statevisa.services.pages import Page
from statevisa.services.program_versions import VersionStatus


@dataclass(frozen=True)
class Inner:
    on: dt.date
    at: dt.datetime
    status: VersionStatus
    where: Path


@dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    items: list[Inner]
    tree: dict[str, object] = field(default_factory=dict)
    tags: frozenset[str] = frozenset()
    missing: int | None = None


def test_the_text_is_what_jsonable_encoder_and_jsonresponse_give() -> None:
    inner = Inner(dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC), VersionStatus.APPROVED,
                  Path("a/b.yaml"))  # fmt: skip
    value = Page(
        [
            Outer(
                "María",
                inner,
                [inner, inner],
                {"rules": [{"value": 1.5, "ok": True, "why": "über"}]},
                frozenset({"x"}),
            )
        ],
        "cursor",
    )
    expected = JSONResponse(jsonable_encoder(value)).body
    assert EncodedJSON(encoded(value), 201).body == expected
    assert EncodedJSON(encoded(value), 201).status_code == 201


def test_a_value_json_cannot_hold_is_refused_as_fastapi_would() -> None:
    with pytest.raises(ValueError, match="Out of range float values"):
        encoded({"score": math.nan})
    with pytest.raises(TypeError, match="cannot encode a object as JSON"):
        encoded({"what": object()})
