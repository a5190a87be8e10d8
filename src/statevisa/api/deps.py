"""What every route needs: the platform, the caller, and one way to run a service.

`run` executes one service call in one unit of work as the authenticated caller and returns
its result; `create` does the same for a POST that creates something, honouring an
``Idempotency-Key``: the first answer is stored in the same transaction as the write, and a
replay with the same key and body gets that answer back (a different body is refused), so a
client that retries after a timeout never creates a duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError

from statevisa.api.encoding import EncodedJSON, encoded
from statevisa.config import Settings
from statevisa.errors import ConflictError, InputError, UnauthenticatedError, problem
from statevisa.services.authz import Principal
from statevisa.services.context import Platform
from statevisa.services.tokens import verify
from statevisa.store.models import IdempotencyKey

T = TypeVar("T")
KEY = re.compile(r"[\x21-\x7e]{1,200}")


@dataclass
class Api:
    """The app's state: the platform on its database, the settings, and the clock (the edge reads it)."""

    platform: Platform
    settings: Settings
    clock: Callable[[], dt.datetime]


def api(request: Request) -> Api:
    found: Api = request.app.state.api
    return found


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A token from `statevisa admin token --role ROLE --jurisdiction FIPS`.",
)
"""Declares the scheme in the OpenAPI document; `principal` reads the header itself to say what is wrong."""


def principal(
    request: Request, _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Principal:
    """The caller named by a valid bearer token; 401 otherwise."""
    authorization = request.headers.get("authorization")
    if authorization is None:
        raise UnauthenticatedError(problem("no-token", "this endpoint needs an Authorization: Bearer token"))
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthenticatedError(problem("no-token", "use Authorization: Bearer <token>"))
    state = api(request)
    return verify(token.strip(), state.settings.require_secret(), state.clock())


Caller = Annotated[Principal, Depends(principal)]


def run(request: Request, who: Principal, service: Callable[..., T], *args: Any, **kw: Any) -> T:
    """One service call in one transaction, as `who`, now."""
    state = api(request)
    with state.platform.unit(who, now=state.clock(), purpose=f"{request.method} {request.url.path}") as ctx:
        return service(ctx, *args, **kw)


def sequenced(request: Request) -> None:
    """Put every committed audit event into the log and sign a head before the log is read.

    A unit sequences its own events after it commits; one that crashed in between leaves
    events pending, and a reader of the log must see them (as `statevisa audit head` does).
    """
    state = api(request)
    if state.platform.sequencer is not None:
        state.platform.sequencer(state.platform.sessions, state.clock(), None)


def create(
    request: Request, who: Principal, payload: Any, service: Callable[..., Any], *args: Any, **kw: Any
) -> JSONResponse:
    """Run a creating service; answer 201, or the stored first answer when the Idempotency-Key repeats."""
    key = request.headers.get("idempotency-key")
    if key is not None and not KEY.fullmatch(key):
        raise InputError(
            problem("bad-idempotency-key", "1-200 visible ASCII characters", field="Idempotency-Key")
        )
    digest = hashlib.sha256(json.dumps(jsonable_encoder(payload), sort_keys=True).encode()).hexdigest()
    route = f"{request.method} {request.url.path}"
    state = api(request)
    try:
        with state.platform.unit(who, now=state.clock(), purpose=route) as ctx:
            if key is not None:
                stored = ctx.session.get(IdempotencyKey, (who.subject, key))
                if stored is not None:
                    return _replayed(stored, route, digest)
            text = encoded(service(ctx, *args, **kw))
            if key is not None:
                ctx.session.add(
                    IdempotencyKey(
                        subject=who.subject,
                        key=key,
                        route=route,
                        request_hash=digest,
                        status_code=201,
                        body={"data": json.loads(text)},
                        created_at=ctx.now,
                    )
                )
                ctx.session.flush()
    except IntegrityError:  # the same key raced in from another request: answer as it was answered
        with state.platform.session() as session:
            stored = session.get(IdempotencyKey, (who.subject, key))
            if stored is None:
                raise
            return _replayed(stored, route, digest)
    return EncodedJSON(text, 201)


def _replayed(stored: IdempotencyKey, route: str, digest: str) -> JSONResponse:
    if stored.route != route or stored.request_hash != digest:
        raise ConflictError(
            problem(
                "idempotency-key-reused",
                "this Idempotency-Key was used for another request",
                field="Idempotency-Key",
            )
        )
    return JSONResponse(stored.body["data"], stored.status_code, {"Idempotent-Replayed": "true"})
