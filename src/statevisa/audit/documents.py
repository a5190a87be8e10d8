"""The JSON a reviewer is handed: inclusion proofs, consistency proofs and export lines.

These are the forms `statevisa audit prove`, `audit consistency` and `audit export` print and
`tools/verify_audit.py` reads; building them here keeps the two sides from drifting. Hashes and
leaf bytes are standard base64 (RFC 4648 §4, with padding).

- inclusion: ``{"leaf_index", "tree_size", "leaf", "inclusion_path"}``; ``leaf`` is the exact
  bytes that were hashed, so the reviewer sees the event itself, not only its hash.
- consistency: ``{"old_size", "new_size", "consistency_path"}``.
- export line: the event's members (as in the leaf) plus ``leaf``, one JSON object per line in
  log order, so the whole tree can be rebuilt and every leaf checked against its fields.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence

from statevisa.audit.events import canonical_json, event_from_leaf
from statevisa.audit.merkle import HASH_SIZE
from statevisa.errors import InputError, problem


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def inclusion_document(
    leaf_index: int, tree_size: int, leaf: bytes, path: Sequence[bytes]
) -> dict[str, object]:
    """The inclusion proof of leaf `leaf_index` in the tree of `tree_size` leaves, as JSON."""
    return {
        "leaf_index": leaf_index,
        "tree_size": tree_size,
        "leaf": _b64(leaf),
        "inclusion_path": [_b64(h) for h in path],
    }


def consistency_document(old_size: int, new_size: int, path: Sequence[bytes]) -> dict[str, object]:
    """The consistency proof from tree size `old_size` to `new_size`, as JSON."""
    return {"old_size": old_size, "new_size": new_size, "consistency_path": [_b64(h) for h in path]}


def export_line(leaf: bytes, index: int) -> str:
    """One line of the export for the stored leaf at `index`: its members and the leaf, newline ended.

    Built from the stored bytes, not from a re-read of the event, so the export carries
    exactly what the tree holds; a leaf that is not canonical or names another index is
    refused (the log is damaged, and the export must not paper over it).
    """
    event = event_from_leaf(leaf, index)
    return canonical_json({**event.to_json(), "leaf": _b64(leaf)}).decode("utf-8") + "\n"


def _refuse(why: str, member: str | None = None) -> InputError:
    return InputError(problem("proof-malformed", why, field=member))


def _size(document: Mapping[str, object], member: str) -> int:
    value = document.get(member)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _refuse(f"{member} must be a non-negative integer, not {value!r}", member)
    return value


def _decode(value: object, member: str) -> bytes:
    if not isinstance(value, str):
        raise _refuse(f"{member} must be a base64 string, not {value!r}", member)
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise _refuse(f"{member} {value!r} is not base64", member) from None


def _hashes(document: Mapping[str, object], member: str) -> list[bytes]:
    items = document.get(member)
    if not isinstance(items, list):
        raise _refuse(f"{member} must be a list of base64 hashes", member)
    hashes = [_decode(item, f"{member}[{i}]") for i, item in enumerate(items)]
    short = next((i for i, h in enumerate(hashes) if len(h) != HASH_SIZE), None)
    if short is not None:
        raise _refuse(f"{member}[{short}] is {len(hashes[short])} bytes, not {HASH_SIZE}", member)
    return hashes


def _object(text: str | bytes) -> Mapping[str, object]:
    try:
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _refuse(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise _refuse("a proof is a JSON object")
    return document


def parse_inclusion_document(text: str | bytes) -> tuple[int, int, bytes, list[bytes]]:
    """(leaf_index, tree_size, leaf, inclusion_path) from an inclusion proof's JSON."""
    document = _object(text)
    leaf = _decode(document.get("leaf"), "leaf")
    return (
        _size(document, "leaf_index"),
        _size(document, "tree_size"),
        leaf,
        _hashes(document, "inclusion_path"),
    )


def parse_consistency_document(text: str | bytes) -> tuple[int, int, list[bytes]]:
    """(old_size, new_size, consistency_path) from a consistency proof's JSON."""
    document = _object(text)
    return _size(document, "old_size"), _size(document, "new_size"), _hashes(document, "consistency_path")
