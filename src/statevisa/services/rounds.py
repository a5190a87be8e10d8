"""Rounds: a ranked round, a committed lottery or a stable matching over one program version.

A round's entries are the applications of the program's approved version in the round's
state whose cases stand `eligible` when the round opens, frozen in application order. Each
entry is named by its application id zero-padded to 12 digits, so byte order is number order
and the core's tie-breaks (ranked rounds: score, then earlier submission, then id) mean what
they say. The selected cases move to `invited`, each with the round on its record.

A lottery is committed before it is drawn: the state office publishes the commitment
(``statevisa select commit --seed``) when it opens the round, which freezes the entries, and
reveals the seed to draw. Everything that went in and came out is stored, and `export`
gives one document from which anyone can replay the round with ``statevisa rounds replay``
(or the ``statevisa select`` commands) and get the same result.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import exists, select

from statevisa.cases.states import CaseState
from statevisa.errors import ConflictError, InputError, problem
from statevisa.selection import lottery, matching, rounds
from statevisa.selection.market import Preferences, market_with_common_priority
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.employers import require_jurisdiction
from statevisa.services.moves import move
from statevisa.services.program_versions import approved_version, require_runs_in
from statevisa.store.models import Adjudication, Application, Case, ProgramVersion, Round, RoundEntry

KINDS = ("ranked", "lottery", "matching")
MAX_SLOTS = 10_000_000
EXPORT_FORMAT = 1


def entry_id(application_id: int) -> str:
    return f"{application_id:012d}"


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


@dataclass(frozen=True)
class RoundView:
    id: int
    program_id: str
    version_id: int
    jurisdiction: str
    kind: str
    status: str
    parameters: dict[str, Any]
    commitment: str | None
    seed: str | None
    entries: int
    selected: list[int]
    created_at: dt.datetime
    drawn_at: dt.datetime | None


def _resource(row: Round) -> Resource:
    return Resource("Round", str(row.id), row.jurisdiction)


def _view(ctx: Context, row: Round) -> RoundView:
    version = ctx.session.get(ProgramVersion, row.version_id)
    assert version is not None
    count = len(ctx.session.scalars(select(RoundEntry.position).where(RoundEntry.round_id == row.id)).all())
    selected = list((row.result or {}).get("selected", []))
    return RoundView(
        row.id,
        version.program_id,
        row.version_id,
        row.jurisdiction,
        row.kind,
        row.status,
        row.parameters,
        row.commitment,
        row.seed,
        count,
        selected,
        row.created_at,
        row.drawn_at,
    )


def _freeze(ctx: Context, row: Round) -> list[RoundEntry]:
    """Enter every eligible application of the version in the round's state, in application order."""
    found = ctx.session.execute(
        select(Application.id, Application.score, Application.submitted_at)
        .join(Case, Case.application_id == Application.id)
        .where(
            Application.version_id == row.version_id,
            Case.jurisdiction == row.jurisdiction,
            Case.state == CaseState.ELIGIBLE,
            ~exists().where(Adjudication.application_id == Application.id, Adjudication.status == "open"),
        )
        .order_by(Application.id)
    ).all()
    entries = [
        RoundEntry(
            round_id=row.id, position=i, application_id=a.id, score=a.score, submitted_at=a.submitted_at
        )
        for i, a in enumerate(found)
    ]
    ctx.session.add_all(entries)
    return entries


def _open(ctx: Context, program_id: str, state: str, kind: str, parameters: dict[str, Any]) -> Round:
    if kind not in KINDS:
        raise InputError(problem("not-a-choice", f"'{kind}' is not {', '.join(KINDS)}", field="kind"))
    require_jurisdiction(ctx, state, "state", "state")
    version, program = approved_version(ctx, program_id)
    require_runs_in(program, state, "state")
    row = Round(
        version_id=version.id,
        jurisdiction=state,
        kind=kind,
        status="open",
        parameters=parameters,
        created_by=ctx.principal.subject,
        created_at=ctx.now,
    )
    ctx.authorize("round.run", _resource(row), creating=True)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _slots(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SLOTS:
        raise InputError(
            problem("out-of-range", f"must be a whole number from 0 to {MAX_SLOTS:,}", field=field)
        )
    return value


def _invite(
    ctx: Context, row: Round, entries: Sequence[RoundEntry], chosen: Sequence[int], why: str
) -> list[int]:
    """Move the chosen entries' cases to invited; return their application ids in selection order."""
    picked = [entries[i] for i in chosen]
    cases = {
        c.application_id: c
        for c in ctx.session.scalars(
            select(Case).where(Case.application_id.in_([e.application_id for e in picked]))
        )
    }
    for place, entry in enumerate(picked, 1):
        entry.selected, entry.rank = True, place
        case = cases[entry.application_id]
        if case.state != CaseState.ELIGIBLE:  # moved since the round opened (withdrawn, say): skip it
            entry.selected = False
            continue
        reason = f"round {row.id} ({row.kind}): {why} {place}"
        move(ctx, case, CaseState.INVITED, reason, {"round_id": row.id}, system=True)
    for entry in entries:
        if entry.selected is None:
            entry.selected = False
    return [e.application_id for e in picked if e.selected]


@dataclass(frozen=True)
class Pool:
    """A round's entries as the selection core takes them, in entry order."""

    ids: pl.Series
    scores: np.ndarray[Any, np.dtype[np.float64]] | None
    submitted_us: np.ndarray[Any, np.dtype[np.int64]]

    @classmethod
    def of(cls, entries: Sequence[Mapping[str, Any]]) -> Pool:
        scores = [e["score"] for e in entries]
        return cls(
            pl.Series([e["entry_id"] for e in entries], dtype=pl.String),
            None if any(x is None for x in scores) else np.array(scores, dtype=np.float64),
            np.array([e["submitted_at_us"] for e in entries], dtype=np.int64),
        )


def choose(
    kind: str, parameters: Mapping[str, Any], pool: Pool, seed: bytes | None
) -> tuple[list[int], list[int]]:
    """The entries a round selects, in selection order, and (matching only) each one's offer index.

    The same function runs a round and replays an export: a replay is this call on the
    exported entries and parameters.
    """
    if kind == "lottery":
        assert seed is not None
        return lottery.draw(seed, pool.ids, int(parameters["slots"])).winners.tolist(), []
    if pool.scores is None:
        raise ConflictError(
            problem("no-score", "the program gives no score: run a lottery instead", field="kind")
        )
    if kind == "ranked":
        chosen = rounds.invite(
            pool.ids, pool.scores, pool.submitted_us, int(parameters["invitations"]), parameters["min_score"]
        )
        return chosen.tolist(), []
    offers = sorted(parameters["capacities"])
    column = {offer: j for j, offer in enumerate(offers)}
    position = {entry_id: i for i, entry_id in enumerate(pool.ids.to_list())}
    applicant, program, rank = [], [], []
    for app, ranked in sorted(parameters["preferences"].items()):
        key = entry_id(int(app))
        if key not in position:
            raise InputError(
                problem(
                    "not-an-entry",
                    f"application {app} is not an entry of this round",
                    field=f"preferences/{app}",
                )
            )
        for place, offer in enumerate(ranked, 1):
            if offer not in column:
                raise InputError(
                    problem(
                        "unknown-offer",
                        f"job offer {offer} has no capacity in this round",
                        field=f"preferences/{app}",
                    )
                )
            applicant.append(position[key])
            program.append(column[offer])
            rank.append(place)
    order = rounds.priority_order(pool.ids, pool.scores, pool.submitted_us)
    prefs = Preferences(
        np.array(applicant, dtype=np.int64),
        np.array(program, dtype=np.int64),
        np.array(rank, dtype=np.int64),
        len(pool.ids),
    )
    seats = np.array([parameters["capacities"][o] for o in offers], dtype=np.int64)
    assignment = matching.applicant_proposing(
        market_with_common_priority(prefs, seats, rounds.priority_ranks(order))
    )
    matched = [i for i in order.tolist() if assignment[i] != matching.UNMATCHED]
    return matched, [int(assignment[i]) for i in matched]


def _documents(entries: Sequence[RoundEntry]) -> list[dict[str, Any]]:
    return [
        {
            "entry_id": entry_id(e.application_id),
            "application_id": e.application_id,
            "score": e.score,
            "submitted_at_us": _micros(e.submitted_at),
        }
        for e in entries
    ]


def _run(ctx: Context, row: Round, entries: Sequence[RoundEntry], seed: bytes | None) -> RoundView:
    chosen, offers = choose(row.kind, row.parameters, Pool.of(_documents(entries)), seed)
    drawn = [entries[i].application_id for i in chosen]
    invited = _invite(
        ctx, row, entries, chosen, {"ranked": "ranked", "lottery": "drawn"}.get(row.kind, "matched")
    )
    result: dict[str, Any] = {"drawn": drawn, "selected": invited}
    if row.kind == "matching":
        names = sorted(row.parameters["capacities"])
        result["assignment"] = {str(a): names[o] for a, o in zip(drawn, offers, strict=True)}
    row.status, row.drawn_at, row.result = "drawn", ctx.now, result
    ctx.audit(
        "round.run",
        _resource(row),
        detail={"kind": row.kind, "entries": len(entries), "selected": len(invited)},
    )
    return _view(ctx, row)


def run_ranked(
    ctx: Context, program_id: str, state: str, invitations: int, min_score: float | None
) -> RoundView:
    """Invite the best `invitations` eligible applications by score (at least `min_score`)."""
    _slots(invitations, "invitations")
    if min_score is not None and not np.isfinite(min_score):
        raise InputError(problem("not-finite", f"{min_score} is not a finite score", field="min_score"))
    row = _open(ctx, program_id, state, "ranked", {"invitations": invitations, "min_score": min_score})
    return _run(ctx, row, _freeze(ctx, row), None)


def open_lottery(ctx: Context, program_id: str, state: str, slots: int, commitment: str) -> RoundView:
    """Open a lottery: publish the commitment to the seed and freeze the entries; draw later."""
    _slots(slots, "slots")
    text = commitment.strip().lower()
    if len(text) != 64 or any(ch not in "0123456789abcdef" for ch in text):
        raise InputError(
            problem(
                "bad-commitment", "is not 64 hex digits (statevisa select commit --seed)", field="commitment"
            )
        )
    row = _open(ctx, program_id, state, "lottery", {"slots": slots})
    row.status, row.commitment = "committed", text
    entries = _freeze(ctx, row)
    ctx.audit(
        "round.run", _resource(row), detail={"kind": "lottery", "entries": len(entries), "committed": text}
    )
    return _view(ctx, row)


def draw(ctx: Context, round_id: int, seed_text: str) -> RoundView:
    """Reveal the seed of a committed lottery and draw over its frozen entries."""
    row = _load(ctx, round_id, "round.run")
    if row.kind != "lottery" or row.status != "committed":
        raise ConflictError(
            problem(
                "not-committed",
                f"round {row.id} is a {row.status} {row.kind}, not a committed lottery",
                field="round",
            )
        )
    try:
        seed = lottery.parse_seed(seed_text.strip())
    except ValueError as error:
        raise InputError(problem("bad-seed", str(error), field="seed")) from None
    if not hmac.compare_digest(lottery.commitment(seed), row.commitment or ""):
        raise ConflictError(
            problem(
                "seed-mismatch", "this seed does not match the round's published commitment", field="seed"
            )
        )
    row.seed = seed.hex()
    return _run(ctx, row, _entries(ctx, row), seed)


def run_matching(
    ctx: Context,
    program_id: str,
    state: str,
    capacities: Mapping[str, int],
    preferences: Mapping[str, Sequence[str]],
) -> RoundView:
    """Match eligible applications to job offers: applicants propose, offers prefer higher scores.

    `capacities` maps a job offer id to its seats; `preferences` maps an application id to the
    job offers it ranks, best first. An application with no preference list stays unmatched.
    """
    for offer, seats in capacities.items():
        _slots(seats, f"capacities/{offer}")
    parameters = {
        "capacities": {str(k): v for k, v in capacities.items()},
        "preferences": {str(k): [str(o) for o in v] for k, v in preferences.items()},
    }
    row = _open(ctx, program_id, state, "matching", parameters)
    return _run(ctx, row, _freeze(ctx, row), None)


def _entries(ctx: Context, row: Round) -> list[RoundEntry]:
    return list(
        ctx.session.scalars(
            select(RoundEntry).where(RoundEntry.round_id == row.id).order_by(RoundEntry.position)
        )
    )


def _load(ctx: Context, round_id: int, action: str = "round.read") -> Round:
    return ctx.fetch(Round, round_id, "round", action, _resource)


def get(ctx: Context, round_id: int) -> RoundView:
    return _view(ctx, _load(ctx, round_id))


def listing(ctx: Context, program_id: str | None) -> list[RoundView]:
    query = select(Round).order_by(Round.id)
    if program_id is not None:
        query = query.join(ProgramVersion, ProgramVersion.id == Round.version_id).where(
            ProgramVersion.program_id == program_id
        )
    return [
        _view(ctx, row) for row in ctx.session.scalars(query) if ctx.allowed("round.read", _resource(row))
    ]


def export(ctx: Context, round_id: int) -> dict[str, Any]:
    """Everything that went into the round and came out of it, enough to replay it anywhere."""
    row = _load(ctx, round_id, "round.read_entries")
    document = _document(ctx, row)
    ctx.audit("round.export", _resource(row), detail={"entries": len(document["entries"])})
    return document


def replay_stored(ctx: Context, round_id: int) -> tuple[dict[str, Any], int, Replay]:
    """Replay a stored round in the server: its published record, its number of entries, the replay.

    Whoever may read the round may ask (a draw is verifiable by the public): the answer names
    no entry beyond the selection the round already publishes.
    """
    document = _document(ctx, _load(ctx, round_id))
    return document["round"], len(document["entries"]), replay(document)


def _document(ctx: Context, row: Round) -> dict[str, Any]:
    version = ctx.session.get(ProgramVersion, row.version_id)
    assert version is not None
    entries = _entries(ctx, row)
    result = row.result or {}
    return {
        "format": EXPORT_FORMAT,
        "round": {
            "id": row.id,
            "kind": row.kind,
            "status": row.status,
            "jurisdiction": row.jurisdiction,
            "program_id": version.program_id,
            "version_id": version.id,
            "content_hash": version.content_hash,
            "parameters": row.parameters,
            "commitment": row.commitment,
            "seed": row.seed,
        },
        "entries": _documents(entries),
        "drawn": [entry_id(a) for a in result.get("drawn", [])],
        "invited": [entry_id(a) for a in result.get("selected", [])],
    }


@dataclass(frozen=True)
class Replay:
    ok: bool
    expected: list[str]
    published: list[str]
    why: str


def replay(document: Mapping[str, Any]) -> Replay:
    """Run an exported round again with the selection core and compare with what it published."""
    meta, published = document["round"], list(document["drawn"])
    seed = None
    if meta["kind"] == "lottery":
        if meta["seed"] is None:
            return Replay(
                False, [], published, "the lottery has not been drawn: there is no seed to replay with"
            )
        seed = bytes.fromhex(meta["seed"])
        if lottery.commitment(seed) != meta["commitment"]:
            return Replay(False, [], published, "the revealed seed does not match the published commitment")
    pool = Pool.of(document["entries"])
    chosen, _ = choose(meta["kind"], meta["parameters"], pool, seed)
    expected = [pool.ids[i] for i in chosen]
    same = expected == published
    why = "the same entries, in the same order" if same else "the published selection differs from the replay"
    return Replay(same, expected, published, why)
