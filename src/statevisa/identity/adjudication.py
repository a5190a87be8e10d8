"""One person, one visa: the token match at submission and the adjudication it opens.

The federal hub holds, for every active state visa and every lottery entry in any state, the
holder's tokens (`tokens.Token`: kind, key id, value), the state, what is held and an opaque
reference; never a name, a date or a document. At submission a state computes the
applicant's tokens and asks the hub for entries carrying any of them; `conflicts` turns the
answer into what an officer must look at. Tokens compare only under the same key id, so during
a rotation a state sends tokens under every key the hub still holds.

A conflict is not a decision: two people can share a name, a birth date and a country of birth
(the person token), and a document number can be mistyped. An authorised officer resolves each
`Conflict` as the same person or different people, with a reason (`resolve`); the platform
stores the item, authorises the officer and audits the resolution.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from statevisa.errors import InputError, problem
from statevisa.identity.tokens import Kind, Token

Holding = Literal["active-visa", "lottery-entry"]
Outcome = Literal["same-person", "different-people"]


@dataclass(frozen=True)
class HubEntry:
    """One token the hub holds for one holding in one state."""

    reference: str
    state: str
    holding: Holding
    kind: Kind
    key_id: str
    token: str


@dataclass(frozen=True)
class Conflict:
    """A holding elsewhere that shares at least one token with the applicant."""

    reference: str
    state: str
    holding: Holding
    matched: tuple[Kind, ...]


@dataclass(frozen=True)
class Resolution:
    """An officer's finding on one conflict."""

    outcome: Outcome
    officer: str
    reason: str
    at: datetime


def conflicts(
    applicant: Sequence[Token], entries: Iterable[HubEntry], *, own: str | None = None
) -> tuple[Conflict, ...]:
    """The holdings sharing a token (same kind, key id and value) with `applicant`, one per
    reference, document matches first; `own` (the applicant's own reference, on a resubmission)
    is left out."""
    wanted = {(token.kind, token.key_id, token.value) for token in applicant}
    found: dict[str, tuple[HubEntry, set[Kind]]] = {}
    for entry in entries:
        if entry.reference == own or (entry.kind, entry.key_id, entry.token) not in wanted:
            continue
        _, kinds = found.setdefault(entry.reference, (entry, set()))
        kinds.add(entry.kind)
    ordered = sorted(found.values(), key=lambda item: ("document" not in item[1], item[0].reference))
    return tuple(
        Conflict(entry.reference, entry.state, entry.holding, tuple(sorted(kinds)))
        for entry, kinds in ordered
    )


def resolve(outcome: str, officer: str, reason: str, at: datetime) -> Resolution:
    """Check an officer's finding: a known outcome, a named officer and a reason in words."""
    if outcome not in ("same-person", "different-people"):
        raise InputError(
            problem("bad-outcome", f"'{outcome}' is not same-person or different-people", field="outcome")
        )
    if not officer.strip():
        raise InputError(problem("no-officer", "the officer who decides must be named", field="officer"))
    if len(reason.strip()) < 10:
        raise InputError(problem("no-reason", "say why, in at least ten characters", field="reason"))
    decided: Outcome = "same-person" if outcome == "same-person" else "different-people"
    return Resolution(decided, officer.strip(), reason.strip(), at)
