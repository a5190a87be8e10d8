"""The application: routers under ``/api/v1``, problem+json errors, size limits, the policy checked.

`create_app(platform, settings)` builds it on an open platform, with the dashboard's pages
(`statevisa.web`) beside the API; `statevisa serve` runs it with uvicorn. ``/health`` and
``/openapi.json`` are public; every other API route needs a bearer token.
The Cedar policy is validated when the app starts, so a bad policy stops the server, not a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from statevisa import __version__
from statevisa.api import problems
from statevisa.api.deps import Api
from statevisa.api.limits import BodyLimit
from statevisa.api.openapi import StatevisaAPI
from statevisa.api.routes import applications, audit, cases, cooperation, identity, people, programs
from statevisa.config import Settings
from statevisa.errors import StatevisaError
from statevisa.services.authz import check_policy
from statevisa.services.context import Platform, open_platform
from statevisa.web.site import mount as mount_web

PREFIX = "/api/v1"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(platform: Platform, settings: Settings, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    check_policy()
    settings.require_secret()
    app = StatevisaAPI(
        title="statevisa",
        version=__version__,
        summary="State visa programs, caps, applications, rounds and cases, with a verifiable audit log.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.api = Api(platform, settings, clock)
    app.add_exception_handler(StatevisaError, problems.statevisa_error)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(HTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.server_error)
    app.add_middleware(BodyLimit)
    for module in (programs, people, applications, cases, cooperation, identity, audit):
        app.include_router(module.router, prefix=PREFIX)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Public: the server answers and its database is at this code's revision."""
        return {"status": "ok", "version": __version__}

    mount_web(app, platform, settings, clock)
    return app


def served(url: str | None = None) -> FastAPI:
    """The app as `statevisa serve` runs it, in each of its worker processes: a platform of its own on
    `url` (else ``STATEVISA_DATABASE_URL``), with the configured keys, closed when the server stops.

    Several processes may serve one database: each unit of work is its own transaction, and the
    audit log is sequenced under the database's lock (`services.auditlog.sequence`)."""
    from statevisa.config import settings
    from statevisa.store.db import database_url

    config = settings()
    platform = open_platform(database_url(url), config, identity=True)
    app = create_app(platform, config)

    @asynccontextmanager
    async def closing(_: object) -> AsyncIterator[None]:
        yield
        platform.close()

    app.router.lifespan_context = closing
    return app
