"""What the door refuses before a route sees it: a body over the size limit, and JSON that is not JSON.

`BodyLimit` answers 413 (problem+json) to a declared length over the limit at once, and to a
streamed (chunked) body as soon as it passes it: its refusal is an HTTPException, which FastAPI
lets through to the problem handler (any other error while reading a body it turns into a 400).
FastAPI's own `max_body_size` is not used: for a declared length Starlette replaces whatever
the app answered with a text/plain 413.

JSON is parsed as RFC 8259 writes it: Python's `json` also takes ``NaN``, ``Infinity`` and
``-Infinity`` and keeps the last of two members with the same name, so a NaN could reach a
free-form member (a report's details) and the database (PostgreSQL refuses it as JSON: a 500),
and ``{"state": "06", "state": "48"}`` would mean whatever the parser chose. A NUL character
(``\\u0000``) is valid JSON but no text PostgreSQL can store (a round's commitment held one: a 500
there, stored as it was on SQLite), and no field of this API means one. All three are refused as
malformed JSON (422, ``json-invalid``), naming the token or the member and where it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from statevisa.errors import problem

MAX_BODY_BYTES = 4 * 1024 * 1024
NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*(\\u0000)")
"""A ``\\u0000`` escape in JSON text: after an even number of backslashes (an odd one escapes it)."""


class BodyLimit:
    """Refuse with 413 a request whose declared or streamed body exceeds `limit` bytes."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(scope, send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:  # raised outside a route (a route's handler answers it as below)
            await _too_large(scope, send, self.limit)


class _TooLarge(HTTPException):
    def __init__(self, limit: int = MAX_BODY_BYTES) -> None:
        super().__init__(413, f"the request body is over {limit:,} bytes")


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    from statevisa.api.problems import MEDIA_TYPE, TOO_LARGE, body

    payload = body(413, TOO_LARGE, [problem("too-large", _TooLarge(limit).detail)], scope.get("path", ""))
    data = json.dumps(payload).encode()
    headers = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class StrictJSONRequest(Request):
    """A request whose `json()` refuses what RFC 8259 does not allow (FastAPI reads bodies through it)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            text = (await self.body()).decode("utf-8")  # not UTF-8: FastAPI answers 400
            nul = NUL_ESCAPE.search(text)
            if nul is not None:  # raw control characters are refused by `json.loads` itself
                _refuse("a string holds a NUL character (\\u0000)", text, nul.start(1))
            self._json = json.loads(
                text,
                parse_constant=lambda token: _refuse(f"{token} is not a JSON value", text, text.find(token)),
                object_pairs_hook=lambda pairs: _members(pairs, text),
            )
        return self._json


def _refuse(message: str, text: str, position: int) -> Any:
    raise json.JSONDecodeError(message, text, max(position, 0))


def _members(pairs: list[tuple[str, Any]], text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            quoted = json.dumps(name)
            again = text.find(quoted, text.find(quoted) + 1)
            _refuse(f"member {quoted} appears twice in one object", text, again)
        found[name] = value
    return found


class StrictJSONRoute(APIRoute):
    """The routes' class: every request body is read as `StrictJSONRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
