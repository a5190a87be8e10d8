"""Programs and their versions: upload, public comment, federal approval; county participation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from statevisa.api.deps import Caller, create, run
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import DEFAULT, Cursor, Limit, ProgramFilter, ProgramId, RecordId
from statevisa.api.schemas import CommentIn, CommentPeriod, DecisionIn, ParticipationIn, ProgramUpload
from statevisa.services import caps, integration
from statevisa.services import program_versions as versions
from statevisa.services.pages import Page

router = APIRouter(tags=["programs"], route_class=StrictJSONRoute)


@router.post(
    "/programs/versions",
    status_code=201,
    response_model=versions.VersionView,
    responses=problem_responses(403, 409),
)
def upload(request: Request, body: ProgramUpload, who: Caller) -> JSONResponse:
    """Upload a policy file (with its section files) as a new draft version; 422 names file:line:col."""
    return create(request, who, body, versions.upload, body.files)


@router.get("/programs/versions")
def list_versions(
    request: Request,
    who: Caller,
    program: ProgramFilter = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[versions.VersionView]:
    """Every version of every program (or of one), oldest first, a page at a time: versions are public."""
    return run(request, who, versions.list_versions, program, cursor, limit)


@router.get("/programs/versions/{version_id:int}", responses=problem_responses(404))
def get_version(request: Request, version_id: RecordId, who: Caller) -> versions.VersionView:
    """One version: its status, content hash, comment period and federal decision."""
    return run(request, who, versions.get, version_id)


@router.post("/programs/versions/{version_id:int}/publish", responses=problem_responses(403, 404, 409))
def publish(request: Request, version_id: RecordId, body: CommentPeriod, who: Caller) -> versions.VersionView:
    """Open the version for public comment from `opens` to `closes`."""
    return run(request, who, versions.publish, version_id, body.opens, body.closes)


@router.post(
    "/programs/versions/{version_id:int}/comments",
    status_code=201,
    response_model=versions.CommentView,
    responses=problem_responses(404, 409),
)
def comment(request: Request, version_id: RecordId, body: CommentIn, who: Caller) -> JSONResponse:
    """A public comment, while the version's comment period is open (anyone signed in may comment)."""
    return create(request, who, body, versions.comment, version_id, body.body)


@router.get("/programs/versions/{version_id:int}/comments", responses=problem_responses(404))
def comments(
    request: Request, version_id: RecordId, who: Caller, cursor: Cursor = None, limit: Limit = DEFAULT
) -> Page[versions.CommentView]:
    """The comments on a version, oldest first, a page at a time."""
    return run(request, who, versions.comments, version_id, cursor, limit)


@router.post("/programs/versions/{version_id:int}/submit", responses=problem_responses(403, 404, 409))
def submit(request: Request, version_id: RecordId, who: Caller) -> versions.VersionView:
    """Submit the version for federal approval."""
    return run(request, who, versions.submit, version_id)


@router.post("/programs/versions/{version_id:int}/decision", responses=problem_responses(403, 404, 409))
def decide(request: Request, version_id: RecordId, body: DecisionIn, who: Caller) -> versions.VersionView:
    """A federal reviewer approves or rejects, with reasons."""
    return run(request, who, versions.decide, version_id, body.approve, body.reasons)


@router.post(
    "/programs/{program_id}/participation",
    status_code=201,
    response_model=caps.ParticipationView,
    responses=problem_responses(403, 404, 409),
)
def participate(request: Request, program_id: ProgramId, body: ParticipationIn, who: Caller) -> JSONResponse:
    """A county officer records the county's opt-in or opt-out, with the vote."""
    vote = caps.Vote(body.deciding_body, body.votes_for, body.votes_against, body.votes_abstain)
    return create(
        request,
        who,
        body,
        caps.record_participation,
        program_id,
        body.county,
        body.decision,
        body.effective,
        vote,
        body.year,
    )


@router.get("/programs/{program_id}/integration", responses=problem_responses(403, 404, 409))
def integration_report(
    request: Request,
    program_id: ProgramId,
    who: Caller,
    by: Annotated[str, Query(pattern="^(county|state)$")] = "county",
) -> list[integration.IntegrationRow]:
    """Holders enrolled in and completing each integration service, per county or state (counts only)."""
    return run(request, who, integration.report, program_id, by)
