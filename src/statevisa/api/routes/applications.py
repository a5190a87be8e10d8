"""Applications, caps and rounds: submission through the rules engine, selection through the core."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, ProgramFilter, ProgramName, RecordId, Year
from statevisa.api.schemas import ApplicationIn, CapsIn, DrawIn, RoundIn
from statevisa.errors import InputError, problem
from statevisa.services import applications, caps, rounds
from statevisa.services.context import Context
from statevisa.services.pages import Page

router = APIRouter(route_class=StrictJSONRoute)


@router.post(
    "/applications",
    status_code=201,
    response_model=applications.ApplicationView,
    responses=problem_responses(403, 404, 409),
    tags=["applications"],
)
def submit(request: Request, body: ApplicationIn, who: Caller) -> JSONResponse:
    """Submit one application: evaluated by the program's approved version, its case opened.

    The answer has the decision, the outputs and the identity findings; the explanation tree is
    stored with it and returned by `GET /api/v1/applications/{id}`."""
    given = applications.Submission(
        body.program,
        body.state,
        body.inputs,
        body.applicant_id,
        body.job_offer_id,
        body.external_id,
        tuple(body.mrz or ()),
        dict(body.national_ids or {}),
    )
    return create(request, who, body, applications.submit, given, receipt=True)


@router.get("/applications", tags=["applications"])
def list_applications(
    request: Request,
    who: Caller,
    program: ProgramFilter = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[applications.ApplicationView]:
    """The applications the caller may see, oldest first, without explanation trees."""
    return run(request, who, applications.listing, program, cursor, limit)


@router.get(
    "/applications/{application_id:int}", responses=problem_responses(403, 404), tags=["applications"]
)
def get_application(request: Request, application_id: RecordId, who: Caller) -> applications.ApplicationView:
    """One application with its decision and the explanation tree of that decision (the read is audited)."""
    return run(request, who, applications.get, application_id)


@router.post("/allocations/compute", responses=problem_responses(403, 404, 409), tags=["allocations"])
def compute_caps(request: Request, body: CapsIn, who: Caller) -> list[caps.CapView]:
    """Compute a program's caps for a year from its approved version's own parameters."""
    return run(request, who, caps.compute, body.program, body.year, body.population_year)


@router.get("/allocations", responses=problem_responses(404), tags=["allocations"])
def list_caps(request: Request, who: Caller, program: ProgramName, year: Year) -> list[caps.CapView]:
    """A program's caps for a year, per jurisdiction, with how many have been issued."""
    return run(request, who, caps.listing, program, year)


def _round(ctx: Context, body: RoundIn) -> rounds.RoundView:
    missing = {
        "ranked": ["invitations"],
        "lottery": ["slots", "commitment"],
        "matching": ["capacities", "preferences"],
    }[body.kind]
    absent = [name for name in missing if getattr(body, name) is None]
    if absent:
        raise InputError(
            [problem("missing", f"a {body.kind} round needs {name}", field=name) for name in absent]
        )
    values: dict[str, Any] = body.model_dump()
    if body.kind == "ranked":
        return rounds.run_ranked(ctx, body.program, body.state, values["invitations"], body.min_score)
    if body.kind == "lottery":
        return rounds.open_lottery(ctx, body.program, body.state, values["slots"], values["commitment"])
    return rounds.run_matching(ctx, body.program, body.state, values["capacities"], values["preferences"])


@router.post(
    "/rounds",
    status_code=201,
    response_model=rounds.RoundView,
    responses=problem_responses(403, 404, 409),
    tags=["rounds"],
)
def start_round(request: Request, body: RoundIn, who: Caller) -> JSONResponse:
    """Run a ranked round or a matching now, or open a lottery with its published commitment."""
    return create(request, who, body, _round, body)


@router.post("/rounds/{round_id:int}/draw", responses=problem_responses(403, 404, 409), tags=["rounds"])
def draw(request: Request, round_id: RecordId, body: DrawIn, who: Caller) -> rounds.RoundView:
    """Reveal a committed lottery's seed and draw."""
    return run(request, who, rounds.draw, round_id, body.seed)


@router.get("/rounds", tags=["rounds"])
def list_rounds(request: Request, who: Caller, program: ProgramFilter = None) -> list[rounds.RoundView]:
    """Every round (or one program's): rounds are public, their entries are not."""
    return run(request, who, rounds.listing, program)


@router.get("/rounds/{round_id:int}", responses=problem_responses(404), tags=["rounds"])
def get_round(request: Request, round_id: RecordId, who: Caller) -> rounds.RoundView:
    """One round: its kind, parameters, commitment, seed once revealed, and who was selected."""
    return run(request, who, rounds.get, round_id)


@router.get("/rounds/{round_id:int}/export", responses=problem_responses(403, 404), tags=["rounds"])
def export_round(request: Request, round_id: RecordId, who: Caller) -> dict[str, Any]:
    """Everything that went into the round and came out: replay it with `statevisa rounds replay`."""
    return run(request, who, rounds.export, round_id)
