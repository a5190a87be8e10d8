"""Transparency-log benchmarks (issue 9 §3): the Merkle core at a million leaves, and the reviewer's tool.

    .venv/bin/python bench/audit.py            # every section
    .venv/bin/python bench/audit.py tree       # root, tree, proofs, frontier at 1,000,000 leaves
    .venv/bin/python bench/audit.py rebuild    # tools/verify_audit.py rebuild on a 100,000-event export

Each figure comes with a baseline measured in the same run: the bare SHA-256 calls a tree of n
leaves cannot avoid (n - 1 node hashes), and a proof computed from the RFC's recursive
definition, which rehashes the sibling subtrees on every call. Both sides are checked equal.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.checkpoint import Checkpoint, sign_checkpoint
from statevisa.audit.documents import export_line
from statevisa.audit.events import AuditEvent, leaf_bytes
from statevisa.audit.merkle import Frontier, MerkleTree, leaf_hash, node_hash, root
from statevisa.audit.note import verifier_key

T = TypeVar("T")
N = 1_000_000
REBUILD_N = 100_000
TOOL = Path(__file__).parents[1] / "tools" / "verify_audit.py"


def timed(work: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def floor(hashes: list[bytes]) -> list[bytes]:
    """n - 1 SHA-256 calls on 65-byte messages and nothing else: what any tree must at least pay."""
    sha256, pair = hashlib.sha256, hashes[0] + hashes[1]
    return [sha256(b"\x01" + pair).digest() for _ in range(len(hashes) - 1)]


def recursive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) straight from RFC 9162 §2.1.3.1, recomputing each sibling's MTH."""

    def mth(a: int, b: int) -> bytes:
        if b - a == 1:
            return leaves[a]
        k = 1 << ((b - a - 1).bit_length() - 1)
        return node_hash(mth(a, a + k), mth(a + k, b))

    path: list[bytes] = []
    start, end = 0, len(leaves)
    while end - start > 1:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if m < start + k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start += k
    return path[::-1]


def tree() -> None:
    print(f"== tree: {N:,} leaves")
    build, hashes = timed(lambda: [leaf_hash(i.to_bytes(8, "big")) for i in range(N)])
    print(f"leaf hashes from 8-byte leaves: {build:.2f} s")
    floor_s, _ = timed(lambda: floor(hashes))
    root_s, top = timed(lambda: root(hashes))
    tree_s, built = timed(lambda: MerkleTree(hashes))
    assert built.root() == top
    print(f"floor, {N - 1:,} bare SHA-256 calls:  {floor_s:.2f} s")
    print(f"root(hashes):                    {root_s:.2f} s  ({root_s / floor_s:.2f}x the floor)")
    print(f"MerkleTree(hashes):              {tree_s:.2f} s  ({tree_s / floor_s:.2f}x the floor)")
    index, old = 765_432, 654_321
    proof_s, path = timed(lambda: built.inclusion_proof(index))
    consistency_s, _ = timed(lambda: built.consistency_proof(old))
    smaller_s, _ = timed(lambda: built.inclusion_proof(index, N - 17))
    recursive_s, expected = timed(lambda: recursive_path(index, hashes))
    assert path == expected
    proof_us, smaller_us = proof_s * 1e6, smaller_s * 1e6
    print(f"inclusion proof from the tree:   {proof_us:.0f} µs; for size {N - 17:,}: {smaller_us:.0f} µs")
    print(f"consistency proof from the tree: {consistency_s * 1e6:.0f} µs")
    ratio = recursive_s / proof_s
    print(f"inclusion proof, RFC recursion:  {recursive_s:.2f} s  ({ratio:,.0f}x one proof from the tree)")
    frontier = Frontier()
    append_s, _ = timed(lambda: frontier.extend(hashes))
    root_of_frontier_s, frontier_root = timed(frontier.root)
    assert frontier_root == top
    each_us, root_us = append_s / N * 1e6, root_of_frontier_s * 1e6
    print(f"Frontier: {N:,} appends {append_s:.2f} s ({each_us:.2f} µs each), root {root_us:.0f} µs")


def rebuild() -> None:
    print(f"== rebuild: tools/verify_audit.py on a {REBUILD_N:,}-event export")
    moment = datetime(2026, 11, 23, tzinfo=UTC)
    leaves = [
        leaf_bytes(
            AuditEvent(i, moment + timedelta(milliseconds=i), f"officer-{i % 97}", "state_officer", "06",
                       "case review", "read", "applicant", f"APL-{i}", ("address", "status"))
        )
        for i in range(REBUILD_N)
    ]  # fmt: skip
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        export, note = Path(folder) / "events.jsonl", Path(folder) / "head.note"
        export.write_text("".join(export_line(leaf, i) for i, leaf in enumerate(leaves)), encoding="utf-8")
        top = root([leaf_hash(leaf) for leaf in leaves])
        note.write_text(
            str(sign_checkpoint(Checkpoint("bench.example/audit", REBUILD_N, top), key)), encoding="utf-8"
        )
        command = [
            sys.executable,
            str(TOOL),
            "rebuild",
            "--key",
            str(verifier_key("bench.example/audit", key)),
        ]
        command += ["--note", str(note), "--export", str(export)]
        imports = [sys.executable, "-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"]
        startup_s, _ = timed(lambda: subprocess.run(imports, check=True))
        rebuild_s, done = timed(lambda: subprocess.run(command, capture_output=True, text=True, check=False))
        assert done.returncode == 0, done.stderr
        size_mb = export.stat().st_size / 1e6
    print(f"export: {size_mb:.0f} MB; whole process {rebuild_s:.2f} s (start-up alone {startup_s:.2f} s)")
    print(done.stdout.strip())


SECTIONS = {"tree": tree, "rebuild": rebuild}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(SECTIONS):
        SECTIONS[name]()
