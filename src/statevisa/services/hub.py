"""One person, one visa, across states: the hub's tokens at submission and the adjudication queue.

When an application comes in, the state computes its applicant's keyed tokens
(`services.identity.identity_tokens`: a document token, a person token) with the keyring from
configuration and asks the hub for active holdings sharing any of them, in any state: a visa
(issued, active, transferred, in violation) or a lottery entry (eligible to invited, nominated
or approved). Each match opens an adjudication: the case cannot go further until an officer of
the application's state decides, with a reason, whether it is the same person (the new case
becomes ineligible) or different people (it goes on). An eligible application then enters the
hub itself. The hub stores tokens, states, what is held and an opaque reference: never a name,
a date or a document number (docs/identity.md explains why keyed tokens cannot be reversed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from statevisa.cases.states import FINAL, HOLDING, CaseState
from statevisa.errors import ConflictError, problem
from statevisa.identity.adjudication import Conflict, HubEntry, conflicts, resolve
from statevisa.identity.tokens import Keyring, Token
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.identity import Person, identity_tokens
from statevisa.services.moves import move
from statevisa.services.pages import Page, keyset
from statevisa.store.models import Adjudication, Applicant, Application, Case, HubToken

LOTTERY, VISA = "lottery-entry", "active-visa"
ENTRY_STATES = frozenset({CaseState.ELIGIBLE, CaseState.INVITED, CaseState.NOMINATED, CaseState.APPROVED})


def reference(application: Application) -> str:
    """The opaque reference a state sends the hub: its state and its own application number."""
    return f"{application.state}-{application.id}"


def holding_of(state: CaseState) -> str | None:
    if state in HOLDING:
        return VISA
    return LOTTERY if state in ENTRY_STATES else None


def tokens_of(person: Applicant, keyring: Keyring) -> list[Token]:
    return identity_tokens(
        Person(
            person.given_name,
            person.family_name,
            person.date_of_birth,
            person.country_of_birth,
            person.document_number,
            person.document_country,
        ),
        keyring,
    )


def check_in(
    ctx: Context, application: Application, case: Case, person: Applicant, keyring: Keyring
) -> list[Conflict]:
    """At submission: find the applicant's holdings elsewhere, open an adjudication for each, and
    (when the case is eligible) enter this application in the hub."""
    found = tokens_of(person, keyring)
    if not found:
        return []
    rows = ctx.session.scalars(
        select(HubToken).where(
            HubToken.active.is_(True),
            HubToken.kind.in_({t.kind for t in found}),
            HubToken.token.in_({t.value for t in found}),
        )
    ).all()
    entries = [HubEntry(r.reference, r.state, r.holding, r.kind, r.key_id, r.token) for r in rows]  # type: ignore[arg-type]
    matches = conflicts(found, entries, own=reference(application))
    for match in matches:
        ctx.session.add(
            Adjudication(
                application_id=application.id,
                state=application.state,
                reference=match.reference,
                other_state=match.state,
                holding=match.holding,
                matched=",".join(match.matched),
                status="open",
                opened_at=ctx.now,
            )
        )
    holding = holding_of(CaseState(case.state))
    if holding is not None:
        ctx.session.add_all(
            [
                HubToken(
                    reference=reference(application),
                    state=application.state,
                    holding=holding,
                    kind=t.kind,
                    key_id=t.key_id,
                    token=t.value,
                    active=True,
                    created_at=ctx.now,
                )
                for t in found
            ]
        )
    if matches:
        ctx.audit(
            "identity.match",
            Resource("IdentityMatch", reference(application), application.state),
            detail={
                "matches": len(matches),
                "kinds": ",".join(sorted({k for m in matches for k in m.matched})),
            },
        )
    return list(matches)


def follow(ctx: Context, application: Application, target: CaseState) -> None:
    """Keep the hub's entries in step with a case's move: a visa once issued, nothing once ended."""
    if target in FINAL:
        values: dict[str, object] = {"active": False}
    elif (holding := holding_of(target)) is not None:
        values = {"holding": holding}
    else:
        return
    ctx.session.execute(
        update(HubToken)
        .where(HubToken.reference == reference(application))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def pending(ctx: Context, application_id: int) -> int:
    """How many adjudications of this application are still open."""
    return len(
        ctx.session.scalars(
            select(Adjudication.id).where(
                Adjudication.application_id == application_id, Adjudication.status == "open"
            )
        ).all()
    )


@dataclass(frozen=True)
class AdjudicationView:
    id: int
    application_id: int
    state: str
    other_state: str
    holding: str
    matched: list[str]
    status: str
    opened_at: dt.datetime
    resolved_by: str | None
    resolved_at: dt.datetime | None
    reason: str | None


def _resource(row: Adjudication) -> Resource:
    return Resource("IdentityMatch", str(row.id), row.state)


def _view(row: Adjudication) -> AdjudicationView:
    return AdjudicationView(
        row.id,
        row.application_id,
        row.state,
        row.other_state,
        row.holding,
        row.matched.split(","),
        row.status,
        row.opened_at,
        row.resolved_by,
        row.resolved_at,
        row.reason,
    )


def queue(ctx: Context, status: str | None, cursor: str | None, limit: int) -> Page[AdjudicationView]:
    """The adjudications of the officer's state (all of them for a federal reviewer)."""
    query = select(Adjudication)
    if status is not None:
        query = query.where(Adjudication.status == status)
    if ctx.principal.jurisdiction != "US":
        query = query.where(Adjudication.state == ctx.principal.jurisdiction[:2])
    rows, next_cursor = keyset(ctx.session, query, Adjudication.id, cursor, limit)
    return Page([_view(r) for r in rows if ctx.allowed("identity.read", _resource(r))], next_cursor)


def get(ctx: Context, adjudication_id: int) -> AdjudicationView:
    return _view(ctx.fetch(Adjudication, adjudication_id, "adjudication", "identity.read", _resource))


def decide(ctx: Context, adjudication_id: int, outcome: str, reason: str) -> AdjudicationView:
    """An officer's finding: the same person (the new case becomes ineligible) or different people."""
    row = ctx.fetch(Adjudication, adjudication_id, "adjudication", "identity.adjudicate", _resource)
    if row.status != "open":
        raise ConflictError(
            problem(
                "already-decided", f"adjudication {row.id} was decided: {row.status}", field="adjudication"
            )
        )
    found = resolve(outcome, ctx.principal.subject, reason, ctx.now)
    row.status, row.resolved_by, row.resolved_at, row.reason = (
        found.outcome,
        found.officer,
        found.at,
        found.reason,
    )
    if found.outcome == "same-person":
        _refuse_duplicate(ctx, row)
    ctx.audit(
        "identity.adjudicate",
        _resource(row),
        detail={"outcome": found.outcome, "application": row.application_id},
    )
    return _view(row)


def _refuse_duplicate(ctx: Context, row: Adjudication) -> None:
    """The same person holds elsewhere: the new case ends as ineligible and leaves the hub."""
    case = ctx.session.scalar(select(Case).where(Case.application_id == row.application_id))
    application = ctx.session.get(Application, row.application_id)
    assert case is not None and application is not None  # foreign keys
    current = CaseState(case.state)
    if current in FINAL:
        return
    reason = f"adjudication {row.id}: the same person holds a {row.holding} in {row.other_state}"
    move(ctx, case, CaseState.INELIGIBLE, reason, {"adjudication_id": row.id})
    follow(ctx, application, CaseState.INELIGIBLE)
