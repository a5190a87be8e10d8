"""The transparency log: RFC 9162 Merkle tree over canonical event bytes, C2SP signed checkpoints.

Pure functions and small value types; the store keeps the leaves. Modules:

- `events`: `AuditEvent` and `leaf_bytes(event)`, the documented canonical serialisation
  (format version 1) that is hashed; `event_from_leaf` reads a leaf back.
- `merkle`: `leaf_hash`, `root`, `MerkleTree` (proofs), `Frontier` (append, root),
  `verify_inclusion`, `verify_consistency` (RFC 9162 §2.1).
- `note`: C2SP signed notes with Ed25519 (`sign_note`, `parse_note`, `verify_note`), verifier
  keys (`verifier_key`, `parse_verifier_key`), PEM keys (`load_private_key`).
- `checkpoint`: C2SP checkpoints (`Checkpoint`, `sign_checkpoint`, `open_checkpoint`).
- `documents`: the JSON of proofs and export lines that `tools/verify_audit.py` reads.

How the store uses this, one transaction per write:

1. Build the event with the next index (taken under a lock, so indices have no gaps), then
   ``leaf = events.leaf_bytes(event)`` and ``h = merkle.leaf_hash(leaf)``. Store `leaf` and `h`
   in the event row, append-only.
2. Keep the frontier beside the latest checkpoint: ``frontier = merkle.Frontier(size, hashes)``,
   ``frontier.append(h)``, and store ``frontier.size``, ``frontier.hashes`` back. To sign a head:
   ``cp = checkpoint.Checkpoint(origin, frontier.size, frontier.root())``,
   ``signed = checkpoint.sign_checkpoint(cp, note.load_private_key(pem))``, store
   ``str(signed)`` (the exact text `audit head` prints).
3. `audit verify`: recompute ``merkle.leaf_hash(row.leaf)`` and ``events.event_from_leaf(row.leaf,
   i)`` for every row in index order (the first failure names the event), then
   ``merkle.root(hashes[:cp.size]) == cp.root`` against ``checkpoint.open_checkpoint(text, key)``.
4. `audit prove INDEX`: ``tree = merkle.MerkleTree(hashes[:cp.size])`` (O(n) once; keep it to
   answer more), ``documents.inclusion_document(INDEX, cp.size, leaf, tree.inclusion_proof(INDEX))``;
   `audit consistency OLD`: ``documents.consistency_document(OLD, cp.size,
   tree.consistency_proof(OLD))``; `audit export`: ``documents.export_line(leaf, i)`` per row.
5. `audit key`: ``str(note.verifier_key(origin, private_key))``.
"""
