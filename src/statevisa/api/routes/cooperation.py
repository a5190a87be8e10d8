"""Federal enforcement requests: the law's gate decides, only what it permits is released."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import CooperationRequestIn
from statevisa.services import cooperation_requests as requests
from statevisa.services.pages import Page

router = APIRouter(tags=["cooperation"])


@router.post("/cooperation/requests", status_code=201, response_model=requests.RequestView)
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


@router.get("/cooperation/requests/{request_id}")
def get_request(request: Request, request_id: RecordId, who: Caller) -> requests.RequestView:
    return run(request, who, requests.get, request_id)


@router.get("/cooperation/counts")
def counts(request: Request, who: Caller) -> list[requests.Count]:
    """Requests per state, action and decision: counts only."""
    return run(request, who, requests.counts)
