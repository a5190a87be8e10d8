"""The programs pages: the listing with statuses, one program's page, a case evaluated, a comment."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from statevisa.errors import NotFoundError, UnauthenticatedError, problem
from statevisa.services import catalogue
from statevisa.services import program_versions as versions
from statevisa.web import forms
from statevisa.web.site import PageRoute, call, form, render, today, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PROGRAM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
RESERVED = {"version", "on"}


def _program_id(text: str) -> str:
    if not PROGRAM_ID.fullmatch(text):
        raise NotFoundError(problem("not-found", f"no program {text[:64]!r}", field="program"))
    return text


@router.get("/programs")
def programs_page(request: Request) -> Response:
    found = call(request, catalogue.listing)
    return render(request, "programs.html", title="Programs", page="programs", listing=found)


@router.get("/programs/{program_id}")
def program_page(request: Request, program_id: str, version: str = "", on: str = "") -> Response:
    from statevisa.web import charts

    day = forms.date(on, "on", today(request))
    version_id = forms.optional_whole(version, "version", minimum=1, maximum=2**31 - 1)
    found = call(request, catalogue.page, _program_id(program_id), version_id)
    timeline = charts.parameter_timeline([vars(row) for row in found.values], day) if found.values else None
    return render(
        request,
        "program.html",
        title=found.title,
        page="programs",
        program=found,
        on=day,
        timeline=timeline,
    )


@router.post("/programs/{program_id}/evaluate")
async def evaluate(request: Request, program_id: str) -> Response:
    """Evaluate the form's case; nothing is stored (a fragment for htmx, a page otherwise)."""
    given = await form(request)
    day = forms.date(given.get("on"), "on", today(request))
    version_id = forms.optional_whole(given.get("version"), "version", minimum=1, maximum=2**31 - 1)
    values = {name: value for name, value in given.items() if name not in RESERVED}
    found = call(request, catalogue.evaluate, _program_id(program_id), version_id, values, day)
    return render(request, "fragments/explanation.html", explanation=found.to_json())


@router.post("/programs/{program_id}/versions/{version_id}/comments")
async def comment(request: Request, program_id: str, version_id: str) -> Response:
    """Comment in the visitor's name: only with a token (the policy then decides)."""
    if not visitor(request).signed_in:
        raise UnauthenticatedError(problem("sign-in", "sign in with a token to comment in your name"))
    number = forms.whole(version_id, "version", minimum=1, maximum=2**31 - 1)
    given = await form(request)
    call(request, versions.comment, number, given.get("body", ""))
    target = f"/programs/{_program_id(program_id)}?version={number}#comments"
    if request.headers.get("hx-request"):
        response = Response(status_code=204)
        response.headers["HX-Redirect"] = target
        return response
    return RedirectResponse(target, status_code=303)
