"""The one transition table of a case, from submission to a visa's end.

Every state a case can be in, and every move between two states, is written here once, with
the roles that may make the move. Services ask `check(current, target, role)` and never compare
state names themselves; an illegal move is refused with the moves that are allowed from where
the case stands, which the API returns with a 409.

The path is the W visa's and Heartland's shape (a state program nominates, the federal side
approves and issues within a cap): submitted → eligible → invited → nominated → approved →
issued → active, with transfers, violations and the three ends (revoked, expired, adjusted to
permanent status). `system` is the engine itself (an eligibility evaluation, a deadline passing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class CaseState(StrEnum):
    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    INVITED = "invited"
    NOMINATED = "nominated"
    APPROVED = "approved"
    ISSUED = "issued"
    ACTIVE = "active"
    TRANSFERRED = "transferred"
    IN_VIOLATION = "in_violation"
    REVOKED = "revoked"
    EXPIRED = "expired"
    ADJUSTED = "adjusted"


class Actor(StrEnum):
    """Who may move a case: the platform's roles, and the engine itself."""

    SYSTEM = "system"
    STATE_OFFICER = "state_officer"
    FEDERAL_REVIEWER = "federal_reviewer"
    COUNTY_OFFICER = "county_officer"


S, A = CaseState, Actor
STATE, FEDERAL, SYSTEM = frozenset({A.STATE_OFFICER}), frozenset({A.FEDERAL_REVIEWER}), frozenset({A.SYSTEM})

TRANSITIONS: Mapping[tuple[CaseState, CaseState], frozenset[Actor]] = {
    # the rules engine decides a submission
    (S.SUBMITTED, S.ELIGIBLE): SYSTEM,
    (S.SUBMITTED, S.INELIGIBLE): SYSTEM,
    # a selection round invites; a state office nominates the invited
    (S.ELIGIBLE, S.INVITED): SYSTEM | STATE,
    # an officer's review ends an eligible application: the same person already holds elsewhere
    (S.ELIGIBLE, S.INELIGIBLE): STATE | FEDERAL,
    (S.INVITED, S.NOMINATED): STATE,
    (S.INVITED, S.EXPIRED): SYSTEM | STATE,
    # the federal side approves a nomination and issues within the cap
    (S.NOMINATED, S.APPROVED): FEDERAL,
    (S.NOMINATED, S.REVOKED): FEDERAL | STATE,
    (S.APPROVED, S.ISSUED): FEDERAL,
    # the holder arrives; then transfers, compliance, and the ends
    (S.ISSUED, S.ACTIVE): SYSTEM | STATE,
    (S.ISSUED, S.REVOKED): FEDERAL,
    (S.ACTIVE, S.TRANSFERRED): STATE,
    (S.TRANSFERRED, S.ACTIVE): STATE,
    (S.ACTIVE, S.IN_VIOLATION): SYSTEM | STATE,
    (S.TRANSFERRED, S.IN_VIOLATION): SYSTEM | STATE,
    (S.IN_VIOLATION, S.ACTIVE): STATE,
    (S.IN_VIOLATION, S.REVOKED): STATE | FEDERAL,
    (S.ACTIVE, S.REVOKED): STATE | FEDERAL,
    (S.ACTIVE, S.EXPIRED): SYSTEM,
    (S.TRANSFERRED, S.EXPIRED): SYSTEM,
    (S.IN_VIOLATION, S.EXPIRED): SYSTEM,
    (S.ACTIVE, S.ADJUSTED): FEDERAL,
}
"""(from, to) → the actors who may make that move. Nothing else is a move."""

START = S.SUBMITTED
FINAL = frozenset({S.INELIGIBLE, S.REVOKED, S.EXPIRED, S.ADJUSTED})
HOLDING = frozenset({S.ISSUED, S.ACTIVE, S.TRANSFERRED, S.IN_VIOLATION})
"""States in which a person holds a visa: what one person, one visa counts across states."""


@dataclass(frozen=True)
class IllegalTransition(Exception):
    """A move the table does not allow (or not for this actor), with what is allowed instead."""

    current: CaseState
    target: CaseState
    actor: Actor
    allowed: tuple[tuple[CaseState, tuple[Actor, ...]], ...]

    def __str__(self) -> str:
        moves = (
            "; ".join(f"{to} (by {', '.join(actors)})" for to, actors in self.allowed) or "none: it is final"
        )
        move = f"from {self.current} to {self.target}"
        if (self.current, self.target) in TRANSITIONS:
            return f"{self.actor} may not move a case {move}; allowed from here: {moves}"
        return f"a case cannot move {move}; allowed from here: {moves}"


def allowed_from(current: CaseState) -> tuple[tuple[CaseState, tuple[Actor, ...]], ...]:
    """Every move from `current`, in table order, with the actors who may make it."""
    return tuple(
        (to, tuple(sorted(actors))) for (start, to), actors in TRANSITIONS.items() if start is current
    )


def check(current: CaseState, target: CaseState, actor: Actor) -> None:
    """Return when `actor` may move a case from `current` to `target`; raise IllegalTransition if not."""
    if actor not in TRANSITIONS.get((current, target), frozenset()):
        raise IllegalTransition(current, target, actor, allowed_from(current))
