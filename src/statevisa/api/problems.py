"""Errors as RFC 9457 problem details (``application/problem+json``), from the same Problem objects
the CLI prints.

Every body has ``type`` (``urn:statevisa:problem:<code>``, the first problem's code), ``title``,
``status``, ``detail`` (the problems rendered one per line), ``instance`` (the request path)
and the extension member ``problems``: each problem as data (code, message, field, file, line,
column, row), so a client can point at the field without parsing words. An illegal case move
adds ``allowed``: the moves possible from where the case stands.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from statevisa.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    PolicyError,
    Problem,
    StatevisaError,
    StoreError,
    UnauthenticatedError,
    problem,
)

MEDIA_TYPE = "application/problem+json"
TOO_LARGE = "Request too large"
STATUS: list[tuple[type[StatevisaError], int, str]] = [
    (UnauthenticatedError, 401, "Unauthenticated"),
    (ForbiddenError, 403, "Forbidden"),
    (NotFoundError, 404, "Not found"),
    (ConflictError, 409, "Conflict"),
    (StoreError, 503, "Store unavailable"),
    (PolicyError, 422, "Invalid policy file"),
    (InputError, 422, "Invalid input"),
    (StatevisaError, 422, "Invalid request"),
]


def body(status: int, title: str, problems: list[Problem], instance: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"urn:statevisa:problem:{problems[0].code}",
        "title": title,
        "status": status,
        "detail": "\n".join(str(p) for p in problems),
        "instance": instance,
        "problems": [p.to_json() for p in problems],
        **extra,
    }


def respond(status: int, title: str, problems: list[Problem], request: Request, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body(status, title, problems, request.url.path, **extra), status, headers, MEDIA_TYPE)


def status_of(error: StatevisaError) -> tuple[int, str]:
    return next((status, title) for kind, status, title in STATUS if isinstance(error, kind))


async def statevisa_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StatevisaError)
    status, title = status_of(error)
    extra = {"allowed": error.allowed} if hasattr(error, "allowed") else {}
    return respond(status, title, error.problems, request, **extra)


def _pointer(location: tuple[Any, ...]) -> str:
    """The field as services name it: `inputs/age`, `limit`, `case_id` (not `body/...` or `query/...`)."""
    parts = location[1:] if location and location[0] in ("body", "query", "path", "header") else location
    return "/".join(str(part) for part in parts) or str(location[0] if location else "body")


def _malformed(item: dict[str, Any]) -> Problem:
    """A body that is not JSON: what the parser said and where (FastAPI puts the offset in `loc`)."""
    where = item.get("loc", ("body", 0))[-1]
    said = (item.get("ctx") or {}).get("error", "not JSON")
    return problem("json-invalid", f"the body is not JSON: {said} (at character {where})", field="body")


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = [
        _malformed(item)
        if item.get("type") == "json_invalid"
        else problem(
            str(item.get("type", "invalid")).replace("_", "-"),
            str(item.get("msg", "invalid")),
            field=_pointer(tuple(item.get("loc", ()))),
        )
        for item in error.errors()
    ]
    return respond(422, "Invalid request", found or [problem("invalid", "the request is not valid")], request)


async def http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = {
        400: "bad-request",
        401: "unauthenticated",
        404: "no-such-route",
        405: "method-not-allowed",
        413: "too-large",
        415: "unsupported-media-type",
    }.get(error.status_code, "http-error")
    said = str(error.detail)
    title = TOO_LARGE if error.status_code == 413 else said
    answer = respond(error.status_code, title, [problem(code, said)], request)
    answer.headers.update(error.headers or {})
    if error.status_code == 405:
        answer.headers["Allow"] = _allowed(request) or answer.headers.get("Allow", "")
    return answer


def _allowed(request: Request) -> str:
    """Every method the OpenAPI document gives the path (Starlette names only the first route matched)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    methods = {
        method.upper()
        for template, item in paths.items()
        if _pattern(template, item).fullmatch(request.url.path)
        for method in item
    }
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


def _pattern(template: str, item: dict[str, Any]) -> re.Pattern[str]:
    """The paths a template matches: an integer parameter only digits (the routes say `{id:int}`)."""
    integers = {
        parameter["name"]
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["schema"].get("type") == "integer"
    }
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(
            ("[0-9]+" if part in integers else "[^/]+") if odd else re.escape(part)
            for odd, part in ((i % 2 == 1, part) for i, part in enumerate(parts))
        )
    )


async def server_error(request: Request, error: Exception) -> JSONResponse:
    """A bug: say so without leaking its details (the server log has the traceback)."""
    return respond(
        500, "Internal error", [problem("internal-error", "the server failed; it has been logged")], request
    )
