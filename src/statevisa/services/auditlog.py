"""The transparency log in the store: sequence events into leaves, sign heads, prove, verify, export.

Use cases write `AuditEvent` rows in their own transaction (`Context.audit`); after the
commit, `sequence` gives the new events their places in the log: under a lock (PostgreSQL:
an advisory transaction lock; SQLite: its write lock), it reads the latest checkpoint's
frontier, appends each pending event's canonical leaf (`statevisa.audit.events`), and signs
the new tree head as a C2SP checkpoint, all in one transaction. Indices therefore have no gaps
whatever rolls back, and every leaf is covered by a signed checkpoint the moment it exists.

`verify` recomputes everything from the stored rows and names the first event that differs:
an edited row, a deleted one (a gap), an inserted one (beyond every signed head), or a root
that does not match its signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Row, Table, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from statevisa.audit import checkpoint, documents, events, merkle, note
from statevisa.config import Settings
from statevisa.errors import InputError, NotFoundError, problem, renamed_fields
from statevisa.services.authz import Resource
from statevisa.services.context import Context, Sequencer
from statevisa.store.db import transaction
from statevisa.store.models import AuditCheckpoint, AuditEvent, AuditLeaf

BATCH = 5_000
LOG = Resource("AuditLog", "log", "US")
"""The log as the policy sees it: one public record of the nation (every signed-in role reads it)."""
LOCK_KEY = 0x5741_7564_6974  # "SVAudit": one advisory lock for the sequencer on PostgreSQL


@dataclass(frozen=True)
class Signer:
    """The log's name (its checkpoints' origin) and the key that signs its heads."""

    origin: str
    key: Ed25519PrivateKey

    @property
    def verifier(self) -> note.VerifierKey:
        return note.verifier_key(self.origin, self.key)


def load_signer(settings: Settings) -> Signer:
    path = settings.require_audit_key()
    return Signer(settings.audit_origin, note.load_private_key(path.read_bytes(), str(path)))


def write_new_key(path: Path) -> None:
    """Write a fresh Ed25519 private key in PEM, readable by its owner only; never overwrite one."""
    if path.exists():
        raise InputError(problem("exists", "refusing to overwrite an existing key", file=path, field="--out"))
    data = note.private_key_pem(Ed25519PrivateKey.generate())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_bytes(data)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def core_event(row: AuditEvent | Row[Any], index: int) -> events.AuditEvent:
    return events.AuditEvent(
        index,
        row.at,
        row.actor,
        row.role,
        row.jurisdiction,
        row.purpose,
        row.action,
        row.resource_type,
        row.resource_id,
        tuple(row.fields),
        row.detail,
    )


def latest(session: Session) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size.desc()).limit(1))


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


_EVENTS = cast(Table, AuditEvent.__table__)
_LEAVES = cast(Table, AuditLeaf.__table__)
_CHECKPOINTS = cast(Table, AuditCheckpoint.__table__)


def sequence(
    sessions: sessionmaker[Session], now: dt.datetime, signer: Signer, only: Sequence[int] | None = None
) -> int:
    """Append pending events to the log and sign the new head; return how many were appended.

    Every pending event, or with `only` those of these event ids that are still pending: what
    the units that just committed wrote. Finding every pending event is an anti-join over the
    whole event table (17 ms at 20,000 events on PostgreSQL, and growing with the log), which a
    unit of work need not pay: it knows its own events. A full run (the API before a read of
    the log, every CLI command) still picks up the events of a unit whose process died after
    its commit. Core statements, not the ORM: this runs after every write.
    """
    if only is not None and not only:
        return 0
    appended = 0
    while True:
        with transaction(sessions) as session:
            _lock(session)
            query = (
                select(_EVENTS)
                .outerjoin(_LEAVES, _LEAVES.c.event_id == _EVENTS.c.id)
                .where(_LEAVES.c.idx.is_(None))
                .order_by(_EVENTS.c.id)
                .limit(BATCH)
            )
            if only is not None:
                query = query.where(_EVENTS.c.id.in_(sorted(set(only))))
            pending = session.execute(query).all()
            if not pending:
                return appended
            head = session.execute(
                select(_CHECKPOINTS.c.tree_size, _CHECKPOINTS.c.frontier)
                .order_by(_CHECKPOINTS.c.tree_size.desc())
                .limit(1)
            ).first()
            frontier = (
                merkle.Frontier()
                if head is None
                else merkle.Frontier(head.tree_size, [base64.b64decode(h) for h in head.frontier])
            )
            leaves = []
            for row in pending:
                leaf = events.leaf_bytes(core_event(row, frontier.size))
                digest = merkle.leaf_hash(leaf)
                leaves.append({"idx": frontier.size, "event_id": row.id, "leaf": leaf, "leaf_hash": digest})
                frontier.append(digest)
            root = frontier.root()
            signed = checkpoint.sign_checkpoint(
                checkpoint.Checkpoint(signer.origin, frontier.size, root), signer.key
            )
            session.execute(insert(_LEAVES), leaves)
            session.execute(
                insert(_CHECKPOINTS),
                {
                    "tree_size": frontier.size,
                    "root_hash": root,
                    "note": str(signed),
                    "frontier": [_b64(h) for h in frontier.hashes],
                    "signed_at": now,
                },
            )
            appended += len(pending)
            if len(pending) < BATCH:
                # everything committed before the lock was taken is in; whoever commits later
                # runs the sequencer after its own commit, so another pass would find nothing
                return appended


class Coalesced:
    """A process's sequencer: callers that arrive while a run is under way share the next run.

    Each unit of work calls the sequencer after it commits and returns only once its events are
    in the log. Under load, many threads commit at once; running `sequence` for each would
    queue them on the log's lock, one signed checkpoint and one database round trip per
    request. Here a caller takes a ticket after its commit (leaving its event ids, if it
    gives them); a run remembers the last ticket issued before it started and sequences the
    ids left until then (every pending event, if a caller gave none), so a run that started
    after a caller's ticket has that caller's events, and the caller may return without
    running one itself. Every committed event is still in the log before its unit returns;
    only the number of checkpoints falls.
    """

    def __init__(self, signer: Signer) -> None:
        self.signer = signer
        self._tickets = threading.Lock()
        self._running = threading.Lock()
        self._issued = 0
        self._covered = 0
        self._ids: list[int] = []
        self._everything = False

    def __call__(
        self, sessions: sessionmaker[Session], now: dt.datetime, event_ids: Sequence[int] | None = None
    ) -> int:
        with self._tickets:
            self._issued += 1
            ticket = self._issued
            if event_ids is None:
                self._everything = True
            else:
                self._ids.extend(event_ids)
        with self._running:
            if self._covered >= ticket:
                return 0
            with self._tickets:
                started = self._issued
                ids, everything = self._ids, self._everything
                self._ids, self._everything = [], False
            try:
                appended = sequence(sessions, now, self.signer, None if everything else ids)
            except BaseException:
                with self._tickets:  # the next run takes them again
                    self._ids.extend(ids)
                    self._everything = self._everything or everything
                raise
            self._covered = started
            return appended


def make_sequencer(signer: Signer) -> Sequencer:
    return Coalesced(signer)


def head(session: Session) -> str:
    """The latest signed checkpoint, exactly as the note text."""
    found = latest(session)
    if found is None:
        raise NotFoundError(problem("empty-log", "the audit log has no signed checkpoint yet"))
    return found.note


def _leaves(session: Session, size: int) -> list[AuditLeaf]:
    return list(session.scalars(select(AuditLeaf).where(AuditLeaf.idx < size).order_by(AuditLeaf.idx)))


def _tree(session: Session) -> tuple[AuditCheckpoint, list[AuditLeaf], merkle.MerkleTree]:
    found = latest(session)
    if found is None:
        raise NotFoundError(problem("empty-log", "the audit log has no signed checkpoint yet"))
    leaves = _leaves(session, found.tree_size)
    return found, leaves, merkle.MerkleTree([leaf.leaf_hash for leaf in leaves])


def prove(session: Session, index: int) -> dict[str, object]:
    """The inclusion proof of event `index` against the latest signed checkpoint."""
    found, leaves, tree = _tree(session)
    if not 0 <= index < found.tree_size:
        raise InputError(
            problem("out-of-range", f"the log holds events 0 to {found.tree_size - 1}", field="INDEX")
        )
    return documents.inclusion_document(
        index, found.tree_size, leaves[index].leaf, tree.inclusion_proof(index)
    )


def consistency(session: Session, old_size: int) -> dict[str, object]:
    """The consistency proof from an earlier tree size to the latest signed checkpoint."""
    found, _, tree = _tree(session)
    if not 0 < old_size <= found.tree_size:
        raise InputError(
            problem("out-of-range", f"must be between 1 and {found.tree_size}", field="OLD_SIZE")
        )
    return documents.consistency_document(old_size, found.tree_size, tree.consistency_proof(old_size))


def export_lines(session: Session) -> Iterator[str]:
    """Every event of the log in order, each line its members and its base64 leaf."""
    found = latest(session)
    size = 0 if found is None else found.tree_size
    for leaf in session.scalars(
        select(AuditLeaf).where(AuditLeaf.idx < size).order_by(AuditLeaf.idx)
    ).yield_per(10_000):
        yield documents.export_line(leaf.leaf, leaf.idx)


def read_head(ctx: Context) -> str:
    """The latest signed checkpoint for a caller the policy lets read the log."""
    ctx.authorize("audit.read", LOG)
    return head(ctx.session)


def read_inclusion(ctx: Context, index: int) -> dict[str, object]:
    """`prove` for a caller; a bad index is named as the API's `index`."""
    ctx.authorize("audit.read", LOG)
    try:
        return prove(ctx.session, index)
    except InputError as error:
        raise renamed_fields(error, {"INDEX": "index"}) from None


def read_consistency(ctx: Context, old_size: int) -> dict[str, object]:
    """`consistency` for a caller; a bad size is named as the API's `old_size`."""
    ctx.authorize("audit.read", LOG)
    try:
        return consistency(ctx.session, old_size)
    except InputError as error:
        raise renamed_fields(error, {"OLD_SIZE": "old_size"}) from None


def export_size(ctx: Context) -> int:
    """How many events an export covers now (the latest signed size), for a caller allowed to export."""
    ctx.authorize("audit.export", LOG)
    found = latest(ctx.session)
    return 0 if found is None else found.tree_size


def export_batches(sessions: sessionmaker[Session], size: int, batch: int = 10_000) -> Iterator[str]:
    """The export lines of events 0 to `size` - 1, read `batch` leaves per short transaction.

    Short transactions, because a long read on SQLite holds its write lock (every transaction
    begins IMMEDIATE) and would stall every writer for as long as a slow client reads. A
    damaged leaf stops the stream with the export's own error (`documents.export_line`).
    """
    for start in range(0, size, batch):
        with transaction(sessions) as session:
            lines = [
                documents.export_line(leaf.leaf, leaf.idx)
                for leaf in session.scalars(
                    select(AuditLeaf)
                    .where(AuditLeaf.idx >= start, AuditLeaf.idx < min(start + batch, size))
                    .order_by(AuditLeaf.idx)
                )
            ]
        yield from lines  # after the transaction ends: a slow reader holds no lock


@dataclass(frozen=True)
class Verified:
    ok: bool
    tree_size: int
    events: int
    pending: int
    first_bad_index: int | None = None
    first_bad_event: int | None = None
    why: str = ""


def verify(session: Session, key: note.VerifierKey) -> Verified:
    """Recompute the log from its rows and check it against every signed checkpoint."""
    heads = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.tree_size)))
    rows = list(session.scalars(select(AuditLeaf).order_by(AuditLeaf.idx)))
    pending = len(
        session.scalars(
            select(AuditEvent.id)
            .outerjoin(AuditLeaf, AuditLeaf.event_id == AuditEvent.id)
            .where(AuditLeaf.idx.is_(None))
        ).all()
    )
    size = heads[-1].tree_size if heads else 0

    def bad(index: int, event: int | None, why: str) -> Verified:
        return Verified(False, size, len(rows), pending, index, event, why)

    hashes: list[bytes] = []
    for position, row in enumerate(rows):
        if row.idx != position:
            return bad(
                position, None, f"event {position} is missing from the log (the next stored is {row.idx})"
            )
        if position >= size:
            return bad(position, row.event_id, f"event {position} is not covered by any signed checkpoint")
        digest = merkle.leaf_hash(row.leaf)
        if digest != row.leaf_hash:
            return bad(position, row.event_id, f"event {position}'s stored hash is not the hash of its leaf")
        stored = session.get(AuditEvent, row.event_id)
        try:
            leaf_event = events.event_from_leaf(row.leaf, position)
        except InputError as error:
            return bad(position, row.event_id, f"event {position}'s leaf is damaged: {error}")
        if stored is None or events.leaf_bytes(core_event(stored, position)) != row.leaf:
            return bad(
                position,
                row.event_id,
                f"event {position} (row {row.event_id}) differs from its logged "
                f"leaf ({leaf_event.action} by {leaf_event.actor})",
            )
        hashes.append(digest)
    if len(hashes) < size:
        return bad(len(hashes), None, f"the log holds {len(hashes)} events but a checkpoint signs {size}")
    tree = merkle.MerkleTree(hashes) if hashes else None
    previous = 0
    for signed in heads:
        try:
            opened = checkpoint.open_checkpoint(signed.note, key)
        except InputError as error:
            return bad(previous, None, f"the checkpoint of size {signed.tree_size} does not verify: {error}")
        root = merkle.EMPTY_ROOT if tree is None or opened.size == 0 else tree.root(opened.size)
        if opened.size != signed.tree_size or opened.root != root:
            return bad(
                previous,
                rows[previous].event_id if previous < len(rows) else None,
                f"events {previous} to {opened.size - 1} do not hash to the root the checkpoint of size "
                f"{opened.size} signed: one of them was changed",
            )
        previous = opened.size
    return Verified(True, size, len(rows), pending)
