"""Federal enforcement requests: the law's gate decides, only what it permits is released."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import CooperationRequestIn
from statevisa.services import cooperation_requests as requests
from statevisa.services.pages import Page

router = APIRouter(tags=["cooperation"], route_class=StrictJSONRoute)


@router.post(
    "/cooperation/requests",
    status_code=201,
    response_model=requests.RequestView,
    responses=problem_responses(403, 404),
)
def file_request(request: Request, body: CooperationRequestIn, who: Caller) -> JSONResponse:
    """An enforcement liaison files a request; the state's law decides it today, with its basis."""
    return create(
        request,
        who,
        body,
        requests.file,
        body.jurisdiction,
        body.action,
        body.facts,
        body.fields,
        body.applicant_id,
        body.include_unconfirmed,
    )


@router.get("/cooperation/requests")
def list_requests(
    request: Request, who: Caller, cursor: Cursor = None, limit: Limit = DEFAULT
) -> Page[requests.RequestView]:
    """The liaison's own requests, or those made to the officer's state."""
    return run(request, who, requests.listing, cursor, limit)


@router.get("/cooperation/requests/{request_id:int}", responses=problem_responses(403, 404))
def get_request(request: Request, request_id: RecordId, who: Caller) -> requests.RequestView:
    """One request, its decision and basis (what was released is not repeated)."""
    return run(request, who, requests.get, request_id)


@router.get("/cooperation/counts", responses=problem_responses(403))
def counts(request: Request, who: Caller) -> list[requests.Count]:
    """Requests per state, action and decision: counts only."""
    return run(request, who, requests.counts)
