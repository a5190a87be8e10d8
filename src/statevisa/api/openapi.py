"""The OpenAPI document, complete: every problem answer declared with its schema, the bearer scheme,
the Idempotency-Key header, and a summary per operation from its docstring.

FastAPI documents what a route returns when it succeeds. What it can refuse is documented here,
once: the statuses every operation of a shape can answer (401 for a signed-in route; 400, 413 and
422 for one with a body; 422 for one with parameters) are added to each, and a route lists in
``responses=problem_responses(...)`` the statuses that come from its records (403, 404, 409).
Every 4xx answer is ``application/problem+json`` with the `Problem` schema, which is what
`statevisa.api.problems` sends, so a client (and schemathesis) can check it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from statevisa.api.deps import KEY
from statevisa.api.problems import MEDIA_TYPE

DESCRIPTIONS = {
    400: "The body is not JSON (or not UTF-8)",
    401: "No bearer token, or one that is malformed, expired or not signed by this platform",
    403: "The caller's role may not do this (here, or at all)",
    404: "No such record, or not one the caller may see: the two answers are the same",
    409: "The records' state forbids it now (or, creating, the Idempotency-Key was used for another body)",
    413: "The request body is over 4 MiB",
    422: "Invalid input: each problem names its field",
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Repeating a request with the same key and body returns the first answer (with "
    "`Idempotent-Replayed: true`) instead of creating a duplicate; another body gets 409.",
    "schema": {"type": "string", "pattern": f"^{KEY.pattern}$"},
}


class ProblemItem(BaseModel):
    """One problem as data: a stable code, the words, and where (whichever location members apply)."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(description="Stable, kebab-case: branch on it, not on the message")
    message: str
    text: str = Field(description="The location and the message, as the CLI prints them")
    file: str | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    row_id: str | None = None
    field: str | None = Field(
        None, description="The input at fault: a body member (`inputs/age`) or a parameter"
    )


class AllowedMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str
    by: list[str]


class Problem(BaseModel):
    """RFC 9457 problem details, with the problems as data in the extension member `problems`."""

    model_config = ConfigDict(extra="forbid")
    type: str = Field(description="`urn:statevisa:problem:<code>`, the first problem's code")
    title: str
    status: int
    detail: str = Field(description="Every problem's text, one per line")
    instance: str = Field(description="The request path")
    problems: list[ProblemItem] = Field(min_length=1)
    allowed: list[AllowedMove] | None = Field(
        None, description="For an illegal case move: the moves allowed from where the case stands"
    )


def problem_responses(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the statuses its records can cause (`s409="..."` rewords the 409's)."""
    return {
        status: {"description": descriptions.get(f"s{status}", DESCRIPTIONS[status])} for status in statuses
    }


class StatevisaAPI(FastAPI):
    """FastAPI whose OpenAPI document declares every refusal (see the module docstring)."""

    def openapi(self) -> dict[str, Any]:
        if self.openapi_schema is None:
            self.openapi_schema = complete(super().openapi())
        return self.openapi_schema


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses, their schema, the idempotency header and the summaries to `schema`."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    _, found = models_json_schema([(Problem, "serialization")], ref_template="#/components/schemas/{model}")
    components.update(found["$defs"])
    for operation in (op for item in schema["paths"].values() for op in item.values()):
        _summarise(operation)
        responses = operation["responses"]
        implied = [401] if operation.get("security") else []
        implied += [400, 413, 422] if "requestBody" in operation else []
        implied += [422] if operation.get("parameters") else []
        for status in implied:
            responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
        if "201" in responses:  # creations go through `deps.create`: replayable, and 409 on a reused key
            operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
            responses.setdefault("409", {"description": DESCRIPTIONS[409]})
        for status, response in responses.items():
            if int(status) >= 400:
                response["content"] = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
                if response.get("description") in (None, "Validation Error"):
                    response["description"] = DESCRIPTIONS[int(status)]
        if "401" in responses:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}
            }
        operation["responses"] = dict(sorted(responses.items()))
    return schema


def _summarise(operation: dict[str, Any]) -> None:
    """The docstring's first paragraph is the summary; the rest, if any, the description."""
    text = operation.pop("description", "").strip()
    if not text:
        return
    first, _, rest = text.partition("\n\n")
    operation["summary"] = " ".join(first.split())
    if rest.strip():
        operation["description"] = rest.strip()
