"""Rounds as the public sees them: cut-off scores, invitations, commitments, and a draw verified.

A summary per round is an aggregate (how many entered, how many were invited, the lowest
score invited in a ranked round) beside what the round already publishes (its commitment
and, once drawn, its seed). `verify` replays a round in the server with the selection core
from its stored inputs and says, step by step, what it checked. The people behind the
invitations are personal records: `invitations` shows them only to a caller the policy lets
read each application, and counts the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from statevisa.errors import ForbiddenError, NotFoundError
from statevisa.selection import lottery
from statevisa.services import applications, rounds
from statevisa.services.context import Context
from statevisa.store.models import RoundEntry


@dataclass(frozen=True)
class RoundSummary:
    id: int
    program_id: str
    jurisdiction: str
    kind: str
    status: str
    entries: int
    invited: int
    cutoff: float | None
    """The lowest score among those invited (ranked rounds; None otherwise)."""
    slots: int | None
    commitment: str | None
    seed: str | None
    created_at: dt.datetime
    drawn_at: dt.datetime | None


def summaries(ctx: Context, program_id: str | None = None) -> list[RoundSummary]:
    """Every round the caller may read, oldest first."""
    found = []
    for view in rounds.listing(ctx, program_id):
        cutoff = None
        if view.kind == "ranked" and view.selected:
            cutoff = ctx.session.scalar(
                select(func.min(RoundEntry.score)).where(
                    RoundEntry.round_id == view.id, RoundEntry.selected.is_(True)
                )
            )
        parameters = view.parameters
        slots = parameters.get("slots", parameters.get("invitations"))
        found.append(
            RoundSummary(
                view.id,
                view.program_id,
                view.jurisdiction,
                view.kind,
                view.status,
                view.entries,
                len(view.selected),
                None if cutoff is None else float(cutoff),
                slots if isinstance(slots, int) else None,
                view.commitment,
                view.seed,
                view.created_at,
                view.drawn_at,
            )
        )
    return found


@dataclass(frozen=True)
class Verification:
    """What replaying a round found, and each check it made, in words."""

    round_id: int
    kind: str
    ok: bool
    checks: tuple[str, ...]


def verify(ctx: Context, round_id: int) -> Verification:
    """Replay the round with the selection core from its stored entries, and compare."""
    meta, entries, replayed = rounds.replay_stored(ctx, round_id)
    kind = str(meta["kind"])
    checks = [
        f"read the {entries:,} entries frozen when round {round_id} opened "
        "(application id, score, submission time), in entry order"
    ]
    if kind == "lottery":
        seed, published = meta["seed"], meta["commitment"]
        if seed is None:
            checks.append("the seed has not been revealed yet: nothing to replay until the draw")
            return Verification(round_id, kind, False, tuple(checks))
        matches = lottery.commitment(bytes.fromhex(str(seed))) == published
        checks.append(
            f"SHA-256 of the revealed seed {'equals' if matches else 'does NOT equal'} the commitment "
            f"published before the draw ({published})"
        )
    if replayed.expected or replayed.published:
        how = {
            "lottery": "drew again with the revealed seed",
            "ranked": "ranked again by score",
        }.get(kind, "matched again")
        checks.append(
            f"{how} (the same code as `statevisa select`): {len(replayed.expected):,} selected; "
            f"the round published {len(replayed.published):,}"
        )
    checks.append(replayed.why)
    return Verification(round_id, kind, replayed.ok, tuple(checks))


@dataclass(frozen=True)
class Invitations:
    """The invited applications the caller may see, and how many others the policy hides."""

    shown: tuple[applications.ApplicationView, ...]
    hidden: int


def invitations(ctx: Context, round_id: int) -> Invitations:
    """Each invited application the policy lets the caller read (no personal data otherwise)."""
    view = rounds.get(ctx, round_id)
    shown, hidden = [], 0
    for application_id in view.selected:
        try:
            shown.append(applications.get(ctx, application_id))
        except (NotFoundError, ForbiddenError):
            hidden += 1
    return Invitations(tuple(shown), hidden)
