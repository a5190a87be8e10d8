"""Signed tree heads as C2SP checkpoints, the form transparency-log witnesses already read.

A checkpoint (https://c2sp.org/tlog-checkpoint) is the text of a signed note
(`statevisa.audit.note`): the log's origin, the tree size in decimal, the base64 root hash,
then optional extension lines, each ending with a newline; a blank line and the signature
lines follow. docs/audit.md shows a real one and how to check it.

The log signs it under its origin as key name, as the spec recommends, so the verifier key
``<origin>+<key ID>+<key>`` names the log it belongs to.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.merkle import HASH_SIZE
from statevisa.audit.note import Note, VerifierKey, parse_note, sign_note, verify_note
from statevisa.errors import InputError, problem

MAX_SIZE = (1 << 63) - 1
"""The largest tree size read: a signed 64-bit integer, what a database column holds."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's tree head: who (origin), how many leaves (size) and their Merkle root."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        why = _checkpoint_problem(self)
        if why is not None:
            raise InputError(problem("checkpoint", why))

    def text(self) -> str:
        """The note text: one field per line, each line ending with a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii"), *self.extensions]
        return "".join(line + "\n" for line in lines)


def _checkpoint_problem(checkpoint: Checkpoint) -> str | None:
    if not checkpoint.origin or "\n" in checkpoint.origin:
        return "the origin must be one non-empty line"
    if not 0 <= checkpoint.size <= MAX_SIZE:
        return f"tree size {checkpoint.size} is not between 0 and {MAX_SIZE}"
    if len(checkpoint.root) != HASH_SIZE:
        return f"the root hash is {len(checkpoint.root)} bytes, not {HASH_SIZE}"
    if any(not line or "\n" in line for line in checkpoint.extensions):
        return "extension lines must be non-empty single lines"
    return None


def parse_checkpoint(text: str, source: str | None = None) -> Checkpoint:
    """Read a checkpoint's note text (origin, size, root, extension lines)."""

    def refuse(why: str, line: int | None = None) -> InputError:
        return InputError(
            problem(
                "checkpoint-malformed", f"not a checkpoint: {why}", file=source, line=line if source else None
            )
        )

    if not text.endswith("\n"):
        raise refuse("the text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise refuse(f"{len(lines)} line(s); a checkpoint has an origin, a tree size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise refuse("the origin (line 1) is empty", 1)
    if not _DECIMAL.fullmatch(size_text):
        raise refuse(f"the tree size (line 2) {size_text!r} is not a decimal number without leading zeros", 2)
    if int(size_text) > MAX_SIZE:
        raise refuse(f"the tree size (line 2) {size_text} is larger than {MAX_SIZE}", 2)
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise refuse(f"the root hash (line 3) {root_text!r} is not base64", 3) from None
    if len(root) != HASH_SIZE:
        raise refuse(f"the root hash (line 3) is {len(root)} bytes, not {HASH_SIZE}", 3)
    empty = next((i for i, line in enumerate(extensions, start=4) if not line), None)
    if empty is not None:
        raise refuse(f"extension line {empty} is empty", empty)
    return Checkpoint(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, private_key: Ed25519PrivateKey, name: str | None = None) -> Note:
    """The checkpoint as a signed note, signed under `name` (the origin by default)."""
    return sign_note(checkpoint.text(), checkpoint.origin if name is None else name, private_key)


def open_checkpoint(
    data: bytes | str, key: VerifierKey, source: str | None = None, origin: str | None = None
) -> Checkpoint:
    """Parse a signed checkpoint and return it only if `key` signed it (and its origin is `origin`).

    Raises InputError: ``note-malformed`` or ``checkpoint-malformed`` for text that is not a
    checkpoint, ``note-unverified`` when no signature by `key` verifies,
    ``checkpoint-origin`` when the log is not the one expected.
    """
    note = parse_note(data, source)
    if not verify_note(note, key):
        names = ", ".join(f"{s.name}+{s.key_id:08x}" for s in note.signatures)
        raise InputError(
            problem(
                "note-unverified",
                f"no valid signature by {key.name}+{key.key_id:08x} (signatures present: {names})",
                file=source,
            )
        )
    checkpoint = parse_checkpoint(note.text, source)
    if origin is not None and checkpoint.origin != origin:
        raise InputError(
            problem(
                "checkpoint-origin",
                f"the checkpoint is from log {checkpoint.origin!r}, not {origin!r}",
                file=source,
                line=1 if source else None,
            )
        )
    return checkpoint
