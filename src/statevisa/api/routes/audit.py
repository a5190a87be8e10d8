"""The transparency log over HTTP: its signed head, inclusion and consistency proofs, and the export.

The answers are the documents `statevisa audit head|prove|consistency|export` print, byte for
byte, so `tools/verify_audit.py` checks what either hands out. Pending events are sequenced
first, so the head answers for every write committed before the request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel

from statevisa.api.deps import Caller, api, run, sequenced
from statevisa.api.limits import StrictJSONRoute
from statevisa.api.openapi import problem_responses
from statevisa.api.params import MAX_ID
from statevisa.services import auditlog

router = APIRouter(prefix="/audit", tags=["audit"], route_class=StrictJSONRoute)


class InclusionProof(BaseModel):
    """RFC 9162 §2.1.3 inclusion proof of one leaf against the latest signed checkpoint (base64)."""

    leaf_index: int
    tree_size: int
    leaf: str
    inclusion_path: list[str]


class ConsistencyProof(BaseModel):
    """RFC 9162 §2.1.4 consistency proof from an earlier tree size to the latest checkpoint (base64)."""

    old_size: int
    new_size: int
    consistency_path: list[str]


class JsonLines(StreamingResponse):
    media_type = "application/jsonl"


@router.get(
    "/head",
    response_class=PlainTextResponse,
    responses={
        200: {"description": "A C2SP signed note holding a tlog-checkpoint"},
        **problem_responses(404),
    },
)
def head(request: Request, who: Caller) -> PlainTextResponse:
    """The latest signed checkpoint, exactly as the note text (origin, size, root hash, signatures)."""
    sequenced(request)
    return PlainTextResponse(run(request, who, auditlog.read_head))


@router.get("/proofs/inclusion/{index:int}", response_model=InclusionProof, responses=problem_responses(404))
def inclusion(
    request: Request,
    who: Caller,
    index: Annotated[int, Path(ge=0, le=MAX_ID, description="The event's position in the log, from 0")],
) -> dict[str, object]:
    """The inclusion proof of event `index` against the latest signed checkpoint."""
    sequenced(request)
    return run(request, who, auditlog.read_inclusion, index)


@router.get("/proofs/consistency", response_model=ConsistencyProof, responses=problem_responses(404))
def consistency(
    request: Request,
    who: Caller,
    old_size: Annotated[int, Query(ge=1, le=MAX_ID, description="A tree size the caller saw signed")],
) -> dict[str, object]:
    """The consistency proof from `old_size` to the latest signed checkpoint."""
    sequenced(request)
    return run(request, who, auditlog.read_consistency, old_size)


@router.get(
    "/export",
    response_class=JsonLines,
    responses={
        200: {"description": "One event per line, in log order, each with its base64 leaf"},
        **problem_responses(403),
    },
)
def export(request: Request, who: Caller) -> JsonLines:
    """Every event in the log, so anyone can rebuild the tree and check every leaf against its fields."""
    sequenced(request)
    size = run(request, who, auditlog.export_size)
    return JsonLines(auditlog.export_batches(api(request).platform.sessions, size))
