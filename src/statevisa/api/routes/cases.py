"""Cases: their moves through the one transition table, compliance reports and integration steps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from statevisa.api.deps import Caller, run
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import EnrolmentIn, ReportIn, SweepIn, TransitionIn
from statevisa.services import cases, integration
from statevisa.services.pages import Page

router = APIRouter(tags=["cases"])


@router.get("/cases")
def list_cases(
    request: Request,
    who: Caller,
    state: Annotated[str | None, Query(max_length=32)] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[cases.CaseView]:
    return run(request, who, cases.listing, state, cursor, limit)


@router.get("/cases/{case_id}")
def get_case(request: Request, case_id: RecordId, who: Caller) -> cases.CaseView:
    """A case, its history of moves, and the moves allowed from where it stands."""
    return run(request, who, cases.get, case_id)


@router.post(
    "/cases/{case_id}/transitions", responses={409: {"description": "An illegal move, with `allowed`"}}
)
def transition(request: Request, case_id: RecordId, body: TransitionIn, who: Caller) -> cases.CaseView:
    """Move a case; 409 with the allowed moves when the table or the program refuses."""
    transfer = None if body.transfer is None else cases.Transfer(**body.transfer.model_dump())
    return run(request, who, cases.transition, case_id, body.to, body.reason, transfer)


@router.post("/cases/{case_id}/reports", status_code=201)
def report(request: Request, case_id: RecordId, body: ReportIn, who: Caller) -> cases.ReportView:
    """A compliance report (residence or employment) owed under the program."""
    return run(request, who, cases.report, case_id, body.kind, body.period_end, body.details)


@router.post("/cases/{case_id}/integration", status_code=201)
def enrol(request: Request, case_id: RecordId, body: EnrolmentIn, who: Caller) -> integration.EnrolmentView:
    return run(request, who, integration.record, case_id, body.service, body.status)


@router.post("/cases/sweep")
def sweep(request: Request, body: SweepIn, who: Caller) -> cases.Swept:
    """Move every holder past a report deadline to in_violation (run daily by the state office)."""
    return run(request, who, cases.sweep, body.jurisdiction)
