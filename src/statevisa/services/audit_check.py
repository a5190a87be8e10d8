"""The audit log as a visitor checks it: the latest signed head, and one event's inclusion proof.

`head` reads the latest checkpoint and opens its signature with the log's verifier key;
`check_inclusion` fetches the inclusion proof of one event (as ``statevisa audit prove`` does)
and verifies it the way a reviewer's own tool would (`audit.merkle.verify_inclusion` against
the root the signed checkpoint carries), and says which steps it took. The head and proofs
are public records of the log (``audit.read``); the event shown is the leaf's action,
resource type and time, as any holder of the proof can read from it.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from statevisa.audit import checkpoint, events, merkle, note
from statevisa.errors import InputError, NotFoundError, problem
from statevisa.services import auditlog
from statevisa.services.authz import Resource
from statevisa.services.context import Context

LOG = Resource("AuditLog", "log", "US")


@dataclass(frozen=True)
class Head:
    """The latest signed tree head: its note text, what it says, and whether its signature holds."""

    note: str
    origin: str
    tree_size: int
    root_b64: str
    signed_at: dt.datetime
    verifier: str | None
    signature_ok: bool | None
    """None: this server was given no verifier key, so the signature was not checked here."""
    why: str


@dataclass(frozen=True)
class Inclusion:
    """What checking one event's inclusion proof found, step by step."""

    index: int
    tree_size: int
    ok: bool
    steps: tuple[str, ...]
    action: str
    resource_type: str
    time: str
    path_length: int
    leaf_hash_b64: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _latest(ctx: Context) -> tuple[str, checkpoint.Checkpoint, dt.datetime]:
    ctx.authorize("audit.read", LOG)
    row = auditlog.latest(ctx.session)
    if row is None:
        raise NotFoundError(problem("empty-log", "the audit log has no signed checkpoint yet"))
    opened = checkpoint.parse_checkpoint(note.parse_note(row.note).text)
    return row.note, opened, row.signed_at


def head(ctx: Context, verifier: note.VerifierKey | None) -> Head:
    """The latest signed checkpoint, its signature checked with `verifier` when there is one."""
    text, opened, signed_at = _latest(ctx)
    if verifier is None:
        ok, why = None, "no verifier key is configured on this server: check the note with your own key"
    else:
        try:
            checkpoint.open_checkpoint(text, verifier)
            ok, why = True, f"signed by {verifier.name}+{verifier.key_id:08x}"
        except InputError as error:
            ok, why = False, error.problems[0].message
    return Head(
        text,
        opened.origin,
        opened.size,
        _b64(opened.root),
        signed_at,
        None if verifier is None else str(verifier),
        ok,
        why,
    )


def check_inclusion(ctx: Context, index: int, verifier: note.VerifierKey | None) -> Inclusion:
    """Prove event `index` is in the log under the latest signed head, and verify the proof."""
    text, opened, _ = _latest(ctx)
    if not 0 <= index < opened.size:
        raise InputError(
            problem("out-of-range", f"the log holds events 0 to {opened.size - 1}", field="index")
        )
    proof = auditlog.prove(ctx.session, index)
    leaf = base64.b64decode(str(proof["leaf"]))
    raw_path = proof["inclusion_path"]
    path = [base64.b64decode(str(h)) for h in raw_path] if isinstance(raw_path, list) else []
    event = events.event_from_leaf(leaf, index)
    steps = [
        f"fetched the proof of event {index}: its leaf ({len(leaf)} bytes) and {len(path)} sibling hashes",
        f"leaf hash SHA-256(0x00 || leaf) = {_b64(merkle.leaf_hash(leaf))}",
    ]
    included = merkle.verify_inclusion(merkle.leaf_hash(leaf), index, opened.size, path, opened.root)
    steps.append(
        f"hashing up the path gives the root the checkpoint of size {opened.size:,} carries"
        if included
        else "hashing up the path does NOT give the checkpoint's root"
    )
    signed = True
    if verifier is not None:
        try:
            checkpoint.open_checkpoint(text, verifier)
            steps.append(f"the checkpoint's Ed25519 signature verifies under {verifier.name}")
        except InputError as error:
            signed = False
            steps.append(f"the checkpoint's signature does NOT verify: {error.problems[0].message}")
    else:
        steps.append("the checkpoint's signature was not checked: no verifier key on this server")
    return Inclusion(
        index,
        opened.size,
        included and signed,
        tuple(steps),
        event.action,
        event.resource_type,
        events.format_time(event.time),
        len(path),
        _b64(merkle.leaf_hash(leaf)),
    )
