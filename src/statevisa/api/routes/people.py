"""Employers, job offers and applicants."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, RecordId
from statevisa.api.schemas import ApplicantIn, EmployerIn, JobOfferIn
from statevisa.services import applicants, employers
from statevisa.services.pages import Page

router = APIRouter(route_class=StrictJSONRoute)


@router.post(
    "/employers",
    status_code=201,
    response_model=employers.EmployerView,
    responses=problem_responses(403),
    tags=["employers"],
)
def create_employer(request: Request, body: EmployerIn, who: Caller) -> JSONResponse:
    """Register an employer: an employer registers itself; a state office may register one in its state."""
    return create(request, who, body, employers.create_employer, body.name, body.state, body.ein, body.owner)


@router.get("/employers", tags=["employers"])
def list_employers(
    request: Request, who: Caller, cursor: Cursor = None, limit: Limit = DEFAULT
) -> Page[employers.EmployerView]:
    """The employers the caller may see (their own, or their state's), a page at a time."""
    return run(request, who, employers.list_employers, cursor, limit)


@router.get("/employers/{employer_id:int}", responses=problem_responses(403, 404), tags=["employers"])
def get_employer(request: Request, employer_id: RecordId, who: Caller) -> employers.EmployerView:
    """One employer."""
    return run(request, who, employers.get_employer, employer_id)


@router.post(
    "/employers/{employer_id:int}/job-offers",
    status_code=201,
    response_model=employers.JobOfferView,
    responses=problem_responses(403, 404),
    tags=["job offers"],
)
def create_job_offer(request: Request, employer_id: RecordId, body: JobOfferIn, who: Caller) -> JSONResponse:
    """A job offer; its OEWS wage level is computed for the worksite's state and the SOC code."""
    return create(
        request,
        who,
        body,
        employers.create_job_offer,
        employer_id,
        body.title,
        body.soc_code,
        body.annual_wage,
        body.worksite_county,
    )


@router.get(
    "/employers/{employer_id:int}/job-offers", responses=problem_responses(403, 404), tags=["job offers"]
)
def list_job_offers(
    request: Request, employer_id: RecordId, who: Caller, cursor: Cursor = None, limit: Limit = DEFAULT
) -> Page[employers.JobOfferView]:
    """An employer's job offers, a page at a time (the employer must be one the caller may see)."""
    return run(request, who, employers.list_job_offers, employer_id, cursor, limit)


@router.get("/job-offers/{offer_id:int}", responses=problem_responses(404), tags=["job offers"])
def get_job_offer(request: Request, offer_id: RecordId, who: Caller) -> employers.JobOfferView:
    """One job offer: offers are posted to be taken up, so anyone signed in may read them."""
    return run(request, who, employers.get_job_offer, offer_id)


@router.post(
    "/applicants",
    status_code=201,
    response_model=applicants.ApplicantView,
    responses=problem_responses(403),
    tags=["applicants"],
)
def create_applicant(request: Request, body: ApplicantIn, who: Caller) -> JSONResponse:
    """Record a person: an applicant records themself; a state office may record someone it serves."""
    new = applicants.NewApplicant(**body.model_dump())
    return create(request, who, body, applicants.create, new)


@router.get("/applicants", tags=["applicants"])
def list_applicants(
    request: Request, who: Caller, cursor: Cursor = None, limit: Limit = DEFAULT
) -> Page[applicants.ApplicantSummary]:
    """Names and ids only: listing reads no protected field."""
    return run(request, who, applicants.listing, cursor, limit)


@router.get("/applicants/{applicant_id:int}", responses=problem_responses(403, 404), tags=["applicants"])
def get_applicant(request: Request, applicant_id: RecordId, who: Caller) -> applicants.ApplicantView:
    """One applicant with protected fields; the read is recorded in the audit log."""
    return run(request, who, applicants.get, applicant_id)
