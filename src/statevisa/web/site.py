"""What every page needs: the platform, the visitor, one way to run a service, and the templates.

`mount` adds the pages, the static files and the login to the API's app (`create_app`), so
`statevisa serve` and `make demo` serve both. A page acts as its visitor (`visitor`): the
principal of the token in the login cookie, or the public, which browses as an analyst of the
nation (aggregates and public records: the policy gives that role no personal data). A page
runs each use case through `call`, one unit of work as that visitor, exactly as an API route
does; a refusal the services raise (404, 403, bad input) becomes an HTML page or fragment
with the same status, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from statevisa.audit.note import VerifierKey
from statevisa.config import Settings
from statevisa.errors import (
    ConflictError,
    ForbiddenError,
    InputError,
    NotFoundError,
    StatevisaError,
    UnauthenticatedError,
    problem,
)
from statevisa.services.authz import Principal, Role
from statevisa.services.context import Context, Platform
from statevisa.services.lab_report import shown
from statevisa.web.lab_jobs import Jobs

T = TypeVar("T")
COOKIE = "statevisa_token"
PUBLIC = Principal("public", Role.ANALYST, "US")
"""Who a visitor without a token is: aggregates and public records only."""
MAX_FORM_FIELDS = 400
HERE = Path(str(files("statevisa.web")))
STATUS = ((UnauthenticatedError, 401), (ForbiddenError, 403), (NotFoundError, 404), (ConflictError, 409))
HEADERS = {
    # Scripts only from this site; Vega compiles its expressions with Function ('unsafe-eval').
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NAV = (
    ("programs", "/programs", "Programs"),
    ("heartland", "/heartland", "Heartland"),
    ("allocation", "/allocation", "Allocation"),
    ("rounds", "/rounds", "Rounds"),
    ("cooperation", "/cooperation", "Cooperation"),
    ("lab", "/lab", "Scenario lab"),
    ("audit", "/audit", "Audit"),
)


@dataclass(frozen=True)
class Site:
    """The app's web state: the platform, the settings, the clock and the templates."""

    platform: Platform
    settings: Settings
    clock: Callable[[], dt.datetime]
    templates: Jinja2Templates
    verifier: VerifierKey | None
    """The log's verifier key when this server holds the signing key; else None (not checked)."""
    jobs: Jobs
    """The scenario lab's runs started from the page."""


@dataclass(frozen=True)
class Visitor:
    """Who is looking: a signed-in principal, or the public; `notice` says why a token was dropped."""

    principal: Principal
    signed_in: bool
    notice: str | None = None

    @property
    def label(self) -> str:
        who = self.principal
        return f"{who.subject} ({who.role}, {who.jurisdiction})" if self.signed_in else "public"


def site(request: Request) -> Site:
    found: Site = request.app.state.web
    return found


def visitor(request: Request) -> Visitor:
    """The principal in the login cookie if its token verifies now; otherwise the public."""
    from statevisa.services.tokens import verify

    token = request.cookies.get(COOKIE)
    if not token:
        return Visitor(PUBLIC, False)
    state = site(request)
    try:
        return Visitor(verify(token, state.settings.require_secret(), state.clock()), True)
    except UnauthenticatedError as error:
        return Visitor(PUBLIC, False, f"signed out: {error.problems[0].message}")


def call(request: Request, service: Callable[..., T], *args: Any, **kw: Any) -> T:
    """One service call in one unit of work, as the visitor, now."""
    state = site(request)
    who = visitor(request).principal
    purpose = f"web {request.method} {request.url.path}"
    with state.platform.unit(who, now=state.clock(), purpose=purpose) as ctx:
        return service(ctx, *args, **kw)


def today(request: Request) -> dt.date:
    return site(request).clock().date()


def in_unit(request: Request, work: Callable[[Context], T]) -> T:
    """Several reads of one page in one unit of work (one transaction, one consistent view)."""
    return call(request, work)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    """A page or fragment from `template`, with the visitor and the navigation in its context."""
    return site(request).templates.TemplateResponse(
        request,
        template,
        {"visitor": visitor(request), "nav": NAV, **context},
        status_code=status_code,
        headers=HEADERS,
    )


async def form(request: Request) -> dict[str, str]:
    """An urlencoded form body as single values (the last of repeated names), UTF-8 only."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FORM_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise InputError(problem("bad-form", "the form is not UTF-8 urlencoded text")) from None
    return {key: values[-1] for key, values in parsed.items()}


def status_of(error: StatevisaError) -> int:
    return next((code for kind, code in STATUS if isinstance(error, kind)), 422)


def _error_template(request: Request) -> str:
    return "fragments/problems.html" if request.headers.get("hx-request") else "error.html"


class PageRoute(APIRoute):
    """A route whose refusals render as HTML: a page, or a fragment when htmx asked for one."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as invalid:
                error = InputError(
                    [
                        problem("invalid", str(item.get("msg", "")), field=str(item.get("loc", ("",))[-1]))
                        for item in invalid.errors()
                    ]
                )
                return render(request, _error_template(request), 422, problems=error.problems, status=422)
            except StatevisaError as error:
                code = status_of(error)
                return render(request, _error_template(request), code, problems=error.problems, status=code)

        return guarded


def number(value: object) -> str:
    """A count with thousands separators; other values as text (a Jinja filter)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.3g}"
    return str(value)


def value(item: object) -> str:
    """A decided value as the policy language writes it: true/false, numbers in full (a Jinja filter)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float):
        return f"{item:.1f}" if item.is_integer() else f"{item:.6g}"
    return "" if item is None else str(item)


def mount(app: FastAPI, platform: Platform, settings: Settings, clock: Callable[[], dt.datetime]) -> None:
    """Serve the dashboard from `app`: static files, the pages, the login."""
    from statevisa.web.pages import ROUTERS

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["number"] = number
    templates.env.filters["value"] = value
    templates.env.filters["shown"] = shown
    verifier = None
    if settings.audit_key_file is not None:
        from statevisa.services.auditlog import load_signer

        verifier = load_signer(settings).verifier
    app.state.web = Site(platform, settings, clock, templates, verifier, Jobs())
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
