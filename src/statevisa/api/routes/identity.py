"""One person, one visa: the adjudication queue of possible second holdings across states."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from statevisa.api.deps import Caller, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import AdjudicationIn
from statevisa.services import hub
from statevisa.services.pages import Page

router = APIRouter(tags=["identity"], route_class=StrictJSONRoute)
Status = Literal["open", "same-person", "different-people"]


@router.get("/identity/adjudications")
def queue(
    request: Request,
    who: Caller,
    status: Annotated[Status | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[hub.AdjudicationView]:
    """The possible duplicates found at submission in the officer's state, open ones first to decide."""
    return run(request, who, hub.queue, status, cursor, limit)


@router.get("/identity/adjudications/{adjudication_id}", responses=problem_responses(403, 404))
def get(request: Request, adjudication_id: RecordId, who: Caller) -> hub.AdjudicationView:
    return run(request, who, hub.get, adjudication_id)


@router.post(
    "/identity/adjudications/{adjudication_id}/decision",
    responses=problem_responses(403, 404, 409, s409="The adjudication was decided already"),
)
def decide(
    request: Request, adjudication_id: RecordId, body: AdjudicationIn, who: Caller
) -> hub.AdjudicationView:
    """Same person (the new case ends ineligible) or different people (it goes on), with a reason."""
    return run(request, who, hub.decide, adjudication_id, body.outcome, body.reason)
