"""Moving a case: the one place that asks the transition table and writes the case's event.

`cases.transition` (an officer's move), `cases.sweep` and a round's invitations (the engine's
moves) and an identity adjudication (an officer ending a duplicate) all move a case here, so a
move is always checked against `statevisa.cases.states.TRANSITIONS` and always leaves one event.
"""

from __future__ import annotations

from typing import Any

from statevisa.cases.states import Actor, CaseState, IllegalTransition, check
from statevisa.errors import ConflictError, ForbiddenError, problem
from statevisa.services.authz import Role
from statevisa.services.context import Context
from statevisa.store.models import Case, Event

SYSTEM_SUBJECT = "statevisa"
"""The actor recorded on the engine's own moves (an evaluation, a round, a missed deadline)."""

ACTORS = {
    Role.STATE_OFFICER: Actor.STATE_OFFICER,
    Role.FEDERAL_REVIEWER: Actor.FEDERAL_REVIEWER,
    Role.COUNTY_OFFICER: Actor.COUNTY_OFFICER,
}


class IllegalMove(ConflictError):
    """A move the table refuses; `allowed` lists the moves from where the case stands."""

    def __init__(self, refused: IllegalTransition) -> None:
        super().__init__(problem("illegal-transition", str(refused), field="to"))
        self.allowed = [{"to": str(to), "by": [str(a) for a in actors]} for to, actors in refused.allowed]


def actor_of(ctx: Context) -> Actor:
    """The caller's place in the transition table; roles that move no case are refused."""
    actor = ACTORS.get(ctx.principal.role)
    if actor is None:  # the policy admits only officer roles; this is its second line
        raise ForbiddenError(
            problem("forbidden", f"the {ctx.principal.role} role moves no case", field="case")
        )
    return actor


def move(
    ctx: Context,
    case: Case,
    target: CaseState,
    reason: str,
    details: dict[str, Any] | None = None,
    *,
    system: bool = False,
) -> None:
    """Move `case` to `target` as the caller (or, with `system`, as the engine), with its event.

    The engine's moves name the caller who set them off in `details` (`run_by`), so the event says
    both who decided (the engine) and on whose request.
    """
    actor = Actor.SYSTEM if system else actor_of(ctx)
    try:
        check(CaseState(case.state), target, actor)
    except IllegalTransition as refused:
        raise IllegalMove(refused) from None
    subject, role = ctx.principal.subject, str(ctx.principal.role)
    if system:
        details = {**(details or {}), "run_by": subject}
        subject, role = SYSTEM_SUBJECT, str(Actor.SYSTEM)
    ctx.session.add(
        Event(
            case_id=case.id,
            from_state=case.state,
            to_state=target,
            actor=subject,
            role=role,
            reason=reason,
            details=details or {},
            at=ctx.now,
        )
    )
    case.state, case.updated_at = target, ctx.now
