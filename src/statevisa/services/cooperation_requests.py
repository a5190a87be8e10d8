"""Federal enforcement requests on the platform: the law's gate decides, only what it permits leaves.

An enforcement liaison files a request against a state's records: an action (``honor_detainer``,
``share_data:visa_program_record`` ...), the facts of the case, the fields asked for, and
optionally the applicant the request is about. The gate (`services.cooperation.decide_request`,
the same function as ``statevisa cooperation decide``) decides under the state's law on the day
of the request; the platform then releases exactly the fields the law does not prohibit and it
holds (immigration status always may go: 8 U.S.C. 1373), withholds the rest, and keeps the
request, the decision with its basis, and the release in its records and its audit log. The
facts about the person are logged only as a hash.

A state officer sees the requests made to their state and their outcomes; an analyst sees
counts only; the liaison sees their own requests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from statevisa.errors import NotFoundError, problem
from statevisa.services import cooperation
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.pages import Page, keyset
from statevisa.store.models import (
    Applicant,
    Application,
    Case,
    CooperationRequest,
    Employer,
    JobOffer,
    ProgramVersion,
)

HELD = ("immigration_status", "address", "workplace", "visa_program_record")
"""The requestable fields this platform holds; any other field asked for is 'not held'."""


@dataclass(frozen=True)
class RequestView:
    id: int
    jurisdiction: str
    action: str
    decision: str
    decided_on: dt.date
    requested_by: str
    applicant_id: int | None
    fields_asked: list[str]
    fields_released: list[str]
    released: dict[str, Any]
    withheld: list[str]
    not_held: list[str]
    basis: dict[str, Any]
    created_at: dt.datetime


def _resource(row: CooperationRequest) -> Resource:
    return Resource("CooperationRequest", str(row.id), row.jurisdiction, row.requested_by)


def _record(ctx: Context, person: Applicant) -> list[dict[str, Any]]:
    """A person's visa program record in this state: each application, its program and case."""
    rows = ctx.session.execute(
        select(
            Application.id,
            ProgramVersion.program_id,
            Application.submitted_at,
            Case.state,
            Application.eligible,
        )
        .join(ProgramVersion, ProgramVersion.id == Application.version_id)
        .join(Case, Case.application_id == Application.id)
        .where(Application.applicant_id == person.id)
        .order_by(Application.id)
    ).all()
    return [
        {
            "application_id": r[0],
            "program": r[1],
            "submitted_at": r[2].isoformat(),
            "case_state": r[3],
            "eligible": r[4],
        }
        for r in rows
    ]


def _workplace(ctx: Context, person: Applicant) -> list[dict[str, Any]]:
    rows = ctx.session.execute(
        select(Employer.name, JobOffer.worksite_county)
        .join(JobOffer, JobOffer.employer_id == Employer.id)
        .join(Application, Application.job_offer_id == JobOffer.id)
        .where(Application.applicant_id == person.id)
    ).all()
    return [{"employer": r[0], "worksite_county": r[1]} for r in rows]


def _values(ctx: Context, person: Applicant, fields: Sequence[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in fields:
        if name == "immigration_status":
            found[name] = person.immigration_status
        elif name == "address":
            found[name] = person.address
        elif name == "workplace":
            found[name] = _workplace(ctx, person)
        elif name == "visa_program_record":
            found[name] = _record(ctx, person)
    return found


def file(
    ctx: Context,
    jurisdiction: str,
    action: str,
    facts: Mapping[str, object],
    fields: Sequence[str],
    applicant_id: int | None = None,
    include_unconfirmed: bool = False,
) -> RequestView:
    """Decide a request under the state's law today and release only what the law permits."""
    ctx.authorize(
        "cooperation.file",
        Resource(
            "CooperationRequest",
            "new",
            jurisdiction if len(jurisdiction) == 2 else "US",
            ctx.principal.subject,
        ),
        creating=True,
    )
    decision = cooperation.decide_request(
        jurisdiction, ctx.today, action, facts, fields, include_unconfirmed=include_unconfirmed
    )
    person = None
    if applicant_id is not None:
        person = ctx.session.get(Applicant, applicant_id)
        if person is None or person.state != jurisdiction:
            raise NotFoundError(
                problem("not-found", f"no applicant {applicant_id} in {jurisdiction}", field="applicant_id")
            )
    released_names = [name for name in decision.released if person is not None and name in HELD]
    not_held = [name for name in decision.released if person is None or name not in HELD]
    values = {} if person is None else _values(ctx, person, released_names)
    record = cooperation.audit_record(decision)
    basis = {key: value for key, value in decision.to_json().items() if key != "facts"}
    row = CooperationRequest(
        requested_by=ctx.principal.subject,
        jurisdiction=jurisdiction,
        action=record["action"],
        decision=decision.decision.value,
        decided_on=decision.on,
        facts_sha256=str(record["facts_sha256"]),
        applicant_id=applicant_id,
        fields_asked=list(dict.fromkeys(fields)),
        fields_released=released_names,
        basis=basis,
        created_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    rule_ids = ",".join(rule.id for rule in decision.outcome.deciding)[:1000]
    ctx.audit(
        "cooperation.file",
        _resource(row),
        detail={
            "action": row.action,
            "decision": row.decision,
            "rules": rule_ids,
            "facts_sha256": row.facts_sha256,
            "applicant_id": applicant_id,
        },
    )
    if person is not None and released_names:
        ctx.audit(
            "cooperation.release",
            Resource("Applicant", str(person.id), person.state, person.owner),
            fields=released_names,
            detail={"request": row.id},
        )
    return _view(row, values, list(decision.withheld), not_held)


def _view(
    row: CooperationRequest, released: dict[str, Any], withheld: list[str], not_held: list[str]
) -> RequestView:
    return RequestView(
        row.id,
        row.jurisdiction,
        row.action,
        row.decision,
        row.decided_on,
        row.requested_by,
        row.applicant_id,
        list(row.fields_asked),
        list(row.fields_released),
        released,
        withheld,
        not_held,
        row.basis,
        row.created_at,
    )


def get(ctx: Context, request_id: int) -> RequestView:
    """One request and its outcome (what was released is not repeated: it left when it was decided)."""
    row = ctx.fetch(CooperationRequest, request_id, "request", "cooperation.read", _resource)
    withheld = [name for name in row.fields_asked if name not in row.fields_released]
    return _view(row, {}, withheld, [])


def listing(ctx: Context, cursor: str | None, limit: int) -> Page[RequestView]:
    query = ctx.scoped(
        select(CooperationRequest), CooperationRequest.requested_by, CooperationRequest.jurisdiction
    )
    rows, next_cursor = keyset(ctx.session, query, CooperationRequest.id, cursor, limit)
    seen = [row for row in rows if ctx.allowed("cooperation.read", _resource(row))]
    return Page(
        [_view(r, {}, [n for n in r.fields_asked if n not in r.fields_released], []) for r in seen],
        next_cursor,
    )


@dataclass(frozen=True)
class Count:
    jurisdiction: str
    action: str
    decision: str
    requests: int


def counts(ctx: Context) -> list[Count]:
    """How many requests, per state, action and decision: all an analyst may see."""
    ctx.authorize("cooperation.count", Resource("CooperationRequest", "counts", ctx.principal.jurisdiction))
    query = select(CooperationRequest.jurisdiction, CooperationRequest.action, CooperationRequest.decision)
    if ctx.principal.jurisdiction != "US":
        query = query.where(CooperationRequest.jurisdiction == ctx.principal.jurisdiction[:2])
    tally = Counter(tuple(row) for row in ctx.session.execute(query))
    return [Count(j, a, d, n) for (j, a, d), n in sorted(tally.items())]
