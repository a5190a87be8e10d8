"""Integration tailored to the state: the services a program offers or requires, per case and in aggregate.

A program declares its services in ``operations: integration`` (language training,
orientation, settlement support, local residence...), each `offered` or `required` and cited.
A state or county officer records a holder's enrolment and completion; the aggregate report
counts, per county and per state, how many holders are enrolled in and have completed each
service, and how many owe a required one they have not completed. It counts; it never lists
people, so an analyst may read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from statevisa.cases.states import HOLDING, CaseState
from statevisa.errors import ConflictError, InputError, problem
from statevisa.services.authz import Resource
from statevisa.services.cases import load, resource
from statevisa.services.context import Context
from statevisa.services.program_versions import approved_version, policy_of
from statevisa.store.models import Application, Case, IntegrationEnrolment

STEPS = {"enrolled": frozenset({None}), "completed": frozenset({"enrolled"})}
"""A service step and the steps it may follow: enrol first, complete after."""


@dataclass(frozen=True)
class EnrolmentView:
    case_id: int
    service: str
    obligation: str
    status: str
    at: dt.datetime


def record(ctx: Context, case_id: int, service: str, status: str) -> EnrolmentView:
    """Record that a holder enrolled in or completed a service their program declares."""
    loaded = load(ctx, case_id, "case.enrol")
    declared = {item.service: item for item in loaded.operations.integration}
    if service not in declared:
        known = ", ".join(sorted(declared)) or "none"
        raise InputError(
            problem(
                "not-offered",
                f"{loaded.version.program_id} declares no '{service}' service (it declares: {known})",
                field="service",
            )
        )
    if status not in STEPS:
        raise InputError(problem("not-a-choice", f"'{status}' is not enrolled or completed", field="status"))
    if CaseState(loaded.case.state) not in HOLDING:
        raise ConflictError(
            problem("not-holding", f"case {case_id} is {loaded.case.state}: only holders enrol", field="case")
        )
    last = ctx.session.scalar(
        select(IntegrationEnrolment.status)
        .where(IntegrationEnrolment.case_id == case_id, IntegrationEnrolment.service == service)
        .order_by(IntegrationEnrolment.id.desc())
        .limit(1)
    )
    if last not in STEPS[status]:
        raise ConflictError(
            problem(
                "out-of-order",
                f"{service} is {last or 'not started'}: it cannot become {status}",
                field="status",
            )
        )
    row = IntegrationEnrolment(
        case_id=case_id, service=service, status=status, recorded_by=ctx.principal.subject, at=ctx.now
    )
    ctx.session.add(row)
    ctx.audit(
        "case.enrol",
        resource(loaded.case, loaded.application.owner),
        detail={"service": service, "status": status},
    )
    return EnrolmentView(case_id, service, declared[service].obligation, status, ctx.now)


@dataclass(frozen=True)
class IntegrationRow:
    jurisdiction: str
    service: str
    obligation: str
    holders: int
    enrolled: int
    completed: int
    owing: int


def report(ctx: Context, program_id: str, by: str) -> list[IntegrationRow]:
    """Per county or per state: holders, enrolled, completed and (for required services) still owing."""
    if by not in ("county", "state"):
        raise InputError(problem("not-a-choice", f"'{by}' is not county or state", field="by"))
    version, _ = approved_version(ctx, program_id)
    scope = ctx.principal.jurisdiction
    ctx.authorize("stats.read", Resource("Statistics", f"integration/{program_id}", scope))
    services = policy_of(version).operations.integration
    holders = ctx.session.execute(
        select(Case.id, Case.jurisdiction, Case.county)
        .join(Application, Application.id == Case.application_id)
        .where(Application.version_id == version.id, Case.state.in_(sorted(HOLDING)))
    ).all()
    steps = ctx.session.execute(
        select(IntegrationEnrolment.case_id, IntegrationEnrolment.service, IntegrationEnrolment.status)
        .where(IntegrationEnrolment.case_id.in_([h.id for h in holders]))
        .order_by(IntegrationEnrolment.id)
    ).all()
    latest = {(s.case_id, s.service): s.status for s in steps}
    rows: dict[tuple[str, str], list[int]] = {}
    for holder in holders:
        where = (holder.county or holder.jurisdiction) if by == "county" else holder.jurisdiction
        inside = scope == "US" or where.startswith(scope) or (scope.startswith(where) and by == "state")
        if not inside:
            continue
        for item in services:
            counts = rows.setdefault((where, item.service), [0, 0, 0])
            status = latest.get((holder.id, item.service))
            counts[0] += 1
            counts[1] += status in ("enrolled", "completed")
            counts[2] += status == "completed"
    obligation = {item.service: item.obligation for item in services}
    return [
        IntegrationRow(
            where,
            service,
            obligation[service],
            n,
            enrolled,
            done,
            n - done if obligation[service] == "required" else 0,
        )
        for (where, service), (n, enrolled, done) in sorted(rows.items())
    ]
