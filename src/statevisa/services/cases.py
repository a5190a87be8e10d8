"""Cases: moves through the one transition table, issuance within the cap, transfers, compliance.

Every move is checked against `statevisa.cases.states` (the only place states and moves are
written) for the caller's role, recorded as an Event with actor, reason and time, and
audited. The program's own file decides what a move needs beyond the table: issuance takes a
unit of the cap that covers the case; a transfer obeys the program's portability; compliance
reports are due as its `operations: reporting` says, and a report missing past its deadline
moves the case to `in_violation` when the deadlines are swept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from statevisa.cases.states import FINAL, HOLDING, CaseState, IllegalTransition, allowed_from, check
from statevisa.errors import ConflictError, InputError, NotFoundError, problem
from statevisa.rules.model import Operations
from statevisa.services import caps, hub
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.employers import require_jurisdiction
from statevisa.services.moves import IllegalMove, actor_of, move
from statevisa.services.pages import Page, keyset
from statevisa.services.program_versions import policy_of
from statevisa.store.models import (
    Application,
    Case,
    ComplianceReport,
    Employer,
    Event,
    ProgramVersion,
)

MAX_REASON = 4_000


@dataclass(frozen=True)
class EventView:
    from_state: str | None
    to_state: str
    actor: str
    role: str
    reason: str
    at: dt.datetime
    details: dict[str, Any]


@dataclass(frozen=True)
class CaseView:
    id: int
    application_id: int
    program_id: str
    state: str
    jurisdiction: str
    county: str | None
    employer_id: int | None
    opened_at: dt.datetime
    updated_at: dt.datetime
    reporting_due: dt.date | None
    allowed: list[dict[str, Any]]
    events: list[EventView] = field(default_factory=list)


@dataclass(frozen=True)
class Transfer:
    """Where a holder moves: a new employer, a new state, or both; consent when the program needs it."""

    employer_id: int | None = None
    state: str | None = None
    consent: str | None = None


def resource(case: Case, owner: str) -> Resource:
    return Resource("Case", str(case.id), case.county or case.jurisdiction, owner)


@dataclass(frozen=True)
class Loaded:
    case: Case
    application: Application
    version: ProgramVersion

    @property
    def operations(self) -> Operations:
        return policy_of(self.version).operations


def load(ctx: Context, case_id: int, action: str = "case.read") -> Loaded:
    case = ctx.session.get(Case, case_id)
    if case is None:
        raise NotFoundError(problem("not-found", f"no case {case_id}", field="case"))
    application = ctx.session.get(Application, case.application_id)
    assert application is not None  # a foreign key
    ctx.authorize(action, resource(case, application.owner))
    version = ctx.session.get(ProgramVersion, application.version_id)
    assert version is not None
    return Loaded(case, application, version)


def _view(ctx: Context, loaded: Loaded, *, history: bool = True) -> CaseView:
    case = loaded.case
    events: list[EventView] = []
    if history:
        rows = ctx.session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.id))
        events = [
            EventView(e.from_state, e.to_state, e.actor, e.role, e.reason, e.at, e.details) for e in rows
        ]
    allowed = [
        {"to": str(to), "by": [str(a) for a in actors]} for to, actors in allowed_from(CaseState(case.state))
    ]
    return CaseView(
        case.id,
        case.application_id,
        loaded.version.program_id,
        case.state,
        case.jurisdiction,
        case.county,
        case.employer_id,
        case.opened_at,
        case.updated_at,
        case.reporting_due,
        allowed,
        events,
    )


def get(ctx: Context, case_id: int) -> CaseView:
    return _view(ctx, load(ctx, case_id))


def listing(ctx: Context, state: str | None, cursor: str | None, limit: int) -> Page[CaseView]:
    query = select(Case)
    if state is not None:
        try:
            query = query.where(Case.state == CaseState(state))
        except ValueError:
            raise InputError(
                problem("not-a-choice", f"'{state}' is not a case state", field="state")
            ) from None
    query = query.join(Application, Application.id == Case.application_id)
    query = ctx.scoped(query, Application.owner, Case.jurisdiction)
    rows, next_cursor = keyset(ctx.session, query, Case.id, cursor, limit)
    found = []
    for case in rows:
        loaded = Loaded(case, _application(ctx, case), _version(ctx, case))
        if ctx.allowed("case.read", resource(case, loaded.application.owner)):
            found.append(_view(ctx, loaded, history=False))
    return Page(found, next_cursor)


def _application(ctx: Context, case: Case) -> Application:
    found = ctx.session.get(Application, case.application_id)
    assert found is not None
    return found


def _version(ctx: Context, case: Case) -> ProgramVersion:
    found = ctx.session.get(ProgramVersion, _application(ctx, case).version_id)
    assert found is not None
    return found


def transition(
    ctx: Context, case_id: int, to: str, reason: str, transfer: Transfer | None = None
) -> CaseView:
    """Move a case, if the table allows this move for the caller's role and the program allows its terms."""
    try:
        target = CaseState(to)
    except ValueError:
        raise InputError(problem("not-a-choice", f"'{to}' is not a case state", field="to")) from None
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise InputError(
            problem("bad-reason", f"give a reason of 1 to {MAX_REASON:,} characters", field="reason")
        )
    loaded = load(ctx, case_id, "case.transition")
    case = loaded.case
    try:
        check(CaseState(case.state), target, actor_of(ctx))
    except IllegalTransition as refused:
        raise IllegalMove(refused) from None
    if target not in FINAL and hub.pending(ctx, case.application_id):
        raise ConflictError(
            problem(
                "identity-pending",
                f"case {case.id} waits for an identity adjudication (one person, one "
                "visa): an officer must decide it first",
                field="case",
            )
        )
    details: dict[str, Any] = {}
    if target is CaseState.ISSUED:
        allocation = caps.cap_for(
            ctx, loaded.version.program_id, ctx.today.year, case.county, case.jurisdiction
        )
        caps.take_one(ctx, allocation)
        case.allocation_id = allocation.id
        details["allocation_id"] = allocation.id
    if target is CaseState.TRANSFERRED:
        details = _transfer(ctx, loaded, transfer or Transfer())
    if target in HOLDING and case.reporting_due is None:
        case.reporting_due = _next_due(loaded.operations, ctx.today)
    previous = case.state
    move(ctx, case, target, text, details)
    hub.follow(ctx, loaded.application, target)
    ctx.audit(
        "case.transition",
        resource(case, loaded.application.owner),
        detail={"from": previous, "to": str(target), **details},
    )
    return _view(ctx, loaded)


def _transfer(ctx: Context, loaded: Loaded, transfer: Transfer) -> dict[str, Any]:
    """Apply a transfer the program's portability allows, or refuse it naming the rule."""
    case, portability = loaded.case, loaded.operations.portability
    cite = portability.citation.short() if portability.citation else "the program declares no portability"
    if transfer.employer_id is None and transfer.state is None:
        raise InputError(
            problem("empty-transfer", "name the new employer_id, the new state, or both", field="transfer")
        )
    details: dict[str, Any] = {"portability": cite}
    new_state = transfer.state or case.jurisdiction
    if transfer.state is not None and transfer.state != case.jurisdiction:
        require_jurisdiction(ctx, transfer.state, "state", "transfer/state")
        if portability.state == "none":
            raise ConflictError(
                problem(
                    "not-portable", f"holders may not move to another state ({cite})", field="transfer/state"
                )
            )
        if portability.state == "with_consent" and not (transfer.consent or "").strip():
            raise ConflictError(
                problem(
                    "consent-needed",
                    f"a move to {transfer.state} needs both states' agreement: "
                    f"give the receiving state's consent reference ({cite})",
                    field="transfer/consent",
                )
            )
        details.update(from_state=case.jurisdiction, to_state=transfer.state, consent=transfer.consent)
        case.jurisdiction, case.county = transfer.state, None
    if transfer.employer_id is not None:
        employer = ctx.session.get(Employer, transfer.employer_id)
        if employer is None:
            raise InputError(
                problem(
                    "unknown-employer", f"no employer {transfer.employer_id}", field="transfer/employer_id"
                )
            )
        if portability.employer == "none":
            raise ConflictError(
                problem(
                    "not-portable", f"holders may not change employer ({cite})", field="transfer/employer_id"
                )
            )
        if portability.employer == "within_state" and employer.state != new_state:
            raise ConflictError(
                problem(
                    "not-portable",
                    f"employer {employer.id} is in {employer.state}; holders may "
                    f"change employer only within {new_state} ({cite})",
                    field="transfer/employer_id",
                )
            )
        details.update(from_employer=case.employer_id, to_employer=employer.id)
        case.employer_id = employer.id
    return details


def _next_due(operations: Operations, since: dt.date) -> dt.date | None:
    """The earliest report deadline counted from `since`, or None when the program asks for none."""
    if not operations.reporting:
        return None
    return min(since + dt.timedelta(days=r.every_days + r.grace_days) for r in operations.reporting)


@dataclass(frozen=True)
class ReportView:
    id: int
    case_id: int
    kind: str
    period_end: dt.date
    reporting_due: dt.date | None


def report(ctx: Context, case_id: int, kind: str, period_end: dt.date, details: dict[str, Any]) -> ReportView:
    """A compliance report (residence or employment) that the program asks of a holder."""
    loaded = load(ctx, case_id, "case.report")
    case, operations = loaded.case, loaded.operations
    owed = {r.kind for r in operations.reporting}
    if kind not in owed:
        known = ", ".join(sorted(owed)) or "none"
        raise InputError(
            problem(
                "not-owed",
                f"{loaded.version.program_id} asks for no '{kind}' report (it asks for: {known})",
                field="kind",
            )
        )
    if CaseState(case.state) not in HOLDING:
        raise ConflictError(
            problem("not-holding", f"case {case.id} is {case.state}: only a holder reports", field="case")
        )
    if period_end > ctx.today:
        raise InputError(problem("future-period", f"{period_end} has not ended yet", field="period_end"))
    row = ComplianceReport(
        case_id=case.id,
        kind=kind,
        period_end=period_end,
        details=details,
        reported_by=ctx.principal.subject,
        reported_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    case.reporting_due = _due_after_reports(ctx, loaded)
    ctx.audit(
        "case.report",
        resource(case, loaded.application.owner),
        detail={"kind": kind, "period_end": str(period_end)},
    )
    return ReportView(row.id, case.id, kind, period_end, case.reporting_due)


def _due_after_reports(ctx: Context, loaded: Loaded) -> dt.date | None:
    """The next deadline: for each kind owed, its last reported period (or issuance) plus its interval."""
    case = loaded.case
    issued = ctx.session.scalar(
        select(func.min(Event.at)).where(Event.case_id == case.id, Event.to_state == CaseState.ISSUED)
    )
    start = issued.date() if issued is not None else case.opened_at.date()
    dues = []
    for owed in loaded.operations.reporting:
        last = ctx.session.scalar(
            select(func.max(ComplianceReport.period_end)).where(
                ComplianceReport.case_id == case.id, ComplianceReport.kind == owed.kind
            )
        )
        dues.append((last or start) + dt.timedelta(days=owed.every_days + owed.grace_days))
    return min(dues) if dues else None


@dataclass(frozen=True)
class Swept:
    checked: int
    moved: list[int]


def sweep(ctx: Context, jurisdiction: str) -> Swept:
    """Move every holder in `jurisdiction` past a report deadline to in_violation, as the system.

    A sweep acts on a territory, not on one record, so a caller outside it is refused (403):
    there is no record whose existence a 404 would hide.
    """
    ctx.authorize("case.transition", Resource("Case", "sweep", jurisdiction), creating=True)
    query = select(Case).where(
        Case.state.in_([CaseState.ACTIVE, CaseState.TRANSFERRED]),
        Case.reporting_due.is_not(None),
        Case.reporting_due < ctx.today,
    )
    if len(jurisdiction) == 5:
        query = query.where(Case.county == jurisdiction)
    elif jurisdiction != "US":
        query = query.where(Case.jurisdiction == jurisdiction)
    moved = []
    rows = list(ctx.session.scalars(query.order_by(Case.id)))
    for case in rows:
        reason = f"no compliance report by {case.reporting_due}"
        due = {"reporting_due": str(case.reporting_due)}
        move(ctx, case, CaseState.IN_VIOLATION, reason, due, system=True)
        ctx.audit(
            "case.transition",
            Resource("Case", str(case.id), case.county or case.jurisdiction),
            detail={"to": CaseState.IN_VIOLATION, "reason": reason},
        )
        moved.append(case.id)
    return Swept(len(rows), moved)
