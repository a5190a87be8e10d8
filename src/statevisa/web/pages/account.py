"""Sign in with a token, sign out: the token lives in an HttpOnly, SameSite=Strict cookie.

The cookie is the bearer token the API takes (``statevisa admin token``, or one `make demo`
prints), so a page acts with exactly the rights the API gives that token. HttpOnly keeps it
from page scripts; SameSite=Strict keeps other sites' forms from sending it (no cross-site
request can act as the visitor); Secure is set when the page was served over HTTPS.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from statevisa.errors import UnauthenticatedError
from statevisa.web.site import COOKIE, PageRoute, form, render, site

router = APIRouter(route_class=PageRoute, include_in_schema=False)
MAX_TOKEN_CHARS = 4_000


def _local(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", title="Sign in", page="login", next=_local(next))


@router.post("/login")
async def login(request: Request) -> Response:
    from statevisa.services.tokens import verify

    given = await form(request)
    token = given.get("token", "").strip()
    target = _local(given.get("next"))
    state = site(request)
    try:
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise UnauthenticatedError(
                "paste the whole token: `statevisa admin token` prints it on its last line"
            )
        verify(token, state.settings.require_secret(), state.clock())
    except UnauthenticatedError as error:
        return render(
            request, "login.html", 401, title="Sign in", page="login", next=target, problems=error.problems
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response
