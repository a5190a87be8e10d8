"""Cases: their moves through the one transition table, compliance reports and integration steps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import EnrolmentIn, ReportIn, SweepIn, TransitionIn
from statevisa.cases.states import CaseState
from statevisa.services import cases, integration
from statevisa.services.pages import Page

router = APIRouter(tags=["cases"], route_class=StrictJSONRoute)


@router.get("/cases")
def list_cases(
    request: Request,
    who: Caller,
    state: Annotated[CaseState | None, Query(description="Only cases in this state of the lifecycle")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[cases.CaseView]:
    """The cases the caller may see (optionally in one state of the lifecycle), a page at a time."""
    return run(request, who, cases.listing, state, cursor, limit)


@router.get("/cases/{case_id:int}", responses=problem_responses(403, 404))
def get_case(request: Request, case_id: RecordId, who: Caller) -> cases.CaseView:
    """A case, its history of moves, and the moves allowed from where it stands."""
    return run(request, who, cases.get, case_id)


@router.post(
    "/cases/{case_id:int}/transitions",
    responses=problem_responses(
        403, 404, 409, s409="The table or the program refuses the move; `allowed` lists the moves from here"
    ),
)
def transition(request: Request, case_id: RecordId, body: TransitionIn, who: Caller) -> cases.CaseView:
    """Move a case; 409 with the allowed moves when the table or the program refuses."""
    transfer = None if body.transfer is None else cases.Transfer(**body.transfer.model_dump())
    return run(request, who, cases.transition, case_id, body.to, body.reason, transfer)


@router.post(
    "/cases/{case_id:int}/reports",
    status_code=201,
    response_model=cases.ReportView,
    responses=problem_responses(403, 404, 409),
)
def report(request: Request, case_id: RecordId, body: ReportIn, who: Caller) -> JSONResponse:
    """A compliance report (residence or employment) owed under the program."""
    return create(request, who, body, cases.report, case_id, body.kind, body.period_end, body.details)


@router.post(
    "/cases/{case_id:int}/integration",
    status_code=201,
    response_model=integration.EnrolmentView,
    responses=problem_responses(403, 404, 409),
)
def enrol(request: Request, case_id: RecordId, body: EnrolmentIn, who: Caller) -> JSONResponse:
    """A holder's enrolment in, or completion of, an integration service their program declares."""
    return create(request, who, body, integration.record, case_id, body.service, body.status)


@router.post("/cases/sweep", responses=problem_responses(403))
def sweep(request: Request, body: SweepIn, who: Caller) -> cases.Swept:
    """Move every holder past a report deadline to in_violation (run daily by the state office)."""
    return run(request, who, cases.sweep, body.jurisdiction)
