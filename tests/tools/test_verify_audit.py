"""tools/verify_audit.py, run as a reviewer would, on logs the statevisa core built and on tampered copies.

The tool shares no code with statevisa.audit: when both accept the same proofs and refuse the
same tampering, two independent readings of RFC 9162 and C2SP agree.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.checkpoint import Checkpoint, sign_checkpoint
from statevisa.audit.documents import consistency_document, export_line, inclusion_document
from statevisa.audit.events import AuditEvent, leaf_bytes
from statevisa.audit.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from statevisa.audit.note import verifier_key
from tests.audit.test_checkpoint import GO_SUMDB_CHECKPOINT, GO_SUMDB_KEY

TOOL = Path(__file__).parents[2] / "tools" / "verify_audit.py"
ORIGIN = "statevisa.example/audit/06"
SIZE, OLD_SIZE = 21, 13


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_audit", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run(*args: str | Path) -> Run:
    done = subprocess.run(
        [sys.executable, str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


def event(i: int) -> AuditEvent:
    return AuditEvent(
        index=i,
        time=datetime(2026, 11, 23, 9, 0, tzinfo=UTC) + timedelta(seconds=37 * i),
        actor=f"officer-{i % 4}",
        role="state_officer" if i % 3 else "county_officer",
        jurisdiction="06" if i % 3 else "06037",
        purpose="case review" if i % 2 else "",
        action="read" if i % 2 else "transition",
        resource_type="applicant" if i % 2 else "case",
        resource_id=f"A-{i}",
        fields=("address", "passport_number") if i % 2 else ("status",),
    )


@dataclass(frozen=True)
class Log:
    """A signed log on disk, as a state would hand it to a reviewer."""

    key: str
    note: Path
    old_note: Path
    export: Path
    leaves: list[bytes]
    tree: MerkleTree
    folder: Path

    def inclusion(self, index: int, **changes: object) -> Path:
        document = (
            inclusion_document(index, SIZE, self.leaves[index], self.tree.inclusion_proof(index)) | changes
        )
        return self.write(f"inclusion-{index}.json", json.dumps(document))

    def consistency(self, **changes: object) -> Path:
        document = consistency_document(OLD_SIZE, SIZE, self.tree.consistency_proof(OLD_SIZE)) | changes
        return self.write("consistency.json", json.dumps(document))

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def log(tmp_path: Path) -> Log:
    private = Ed25519PrivateKey.generate()
    leaves = [leaf_bytes(event(i)) for i in range(SIZE + 2)]  # two events logged after the checkpoint
    tree = MerkleTree([leaf_hash(x) for x in leaves[:SIZE]])
    note = tmp_path / "head.note"
    note.write_text(str(sign_checkpoint(Checkpoint(ORIGIN, SIZE, tree.root()), private)), encoding="utf-8")
    old_note = tmp_path / "old.note"
    old_note.write_text(
        str(sign_checkpoint(Checkpoint(ORIGIN, OLD_SIZE, tree.root(OLD_SIZE)), private)), encoding="utf-8"
    )
    export = tmp_path / "events.jsonl"
    export.write_text("".join(export_line(leaf, i) for i, leaf in enumerate(leaves)), encoding="utf-8")
    return Log(str(verifier_key(ORIGIN, private)), note, old_note, export, leaves, tree, tmp_path)


def test_the_tool_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(TOOL.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}


def test_a_signed_checkpoint_verifies(log: Log) -> None:
    result = run("checkpoint", "--key", log.key, "--note", log.note)
    assert result.code == 0, result.err
    root = base64.b64encode(log.tree.root()).decode()
    assert result.out == f"ok: {log.note} is signed by the key: log '{ORIGIN}', {SIZE} events, root {root}\n"


def test_the_go_checksum_database_checkpoint_verifies_too(tmp_path: Path) -> None:
    # The real sum.golang.org checkpoint of tests/audit/test_checkpoint.py, with the key the go command ships.
    note = tmp_path / "sumdb.note"
    note.write_text(GO_SUMDB_CHECKPOINT, encoding="utf-8")
    result = run("checkpoint", "--key", GO_SUMDB_KEY, "--note", note)
    assert (result.code, result.out.split(":")[0]) == (0, "ok")
    assert "6476701 events" in result.out


@pytest.mark.parametrize("index", [0, 7, SIZE - 1])
def test_an_inclusion_proof_the_core_printed_verifies(log: Log, index: int) -> None:
    result = run("inclusion", "--key", log.key, "--note", log.note, "--proof", log.inclusion(index))
    assert result.code == 0, result.err
    assert result.out.splitlines()[1] == log.leaves[index].decode()


def test_a_consistency_proof_the_core_printed_verifies(log: Log) -> None:
    result = run(
        "consistency",
        "--key",
        log.key,
        "--old-note",
        log.old_note,
        "--note",
        log.note,
        "--proof",
        log.consistency(),
    )
    assert result.code == 0, result.err
    assert (
        result.out
        == f"ok: the log '{ORIGIN}' of {SIZE} events extends its first {OLD_SIZE} events unchanged\n"
    )


def test_an_export_rebuilds_the_signed_root(log: Log) -> None:
    result = run("rebuild", "--key", log.key, "--note", log.note, "--export", log.export)
    assert result.code == 0, result.err
    assert result.out.endswith("; 2 later events are not covered by this checkpoint\n")


def test_an_altered_checkpoint_fails(log: Log) -> None:
    log.note.write_text(log.note.read_text().replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n"), encoding="utf-8")
    result = run("checkpoint", "--key", log.key, "--note", log.note)
    assert result.code == 1
    key_label = "+".join(log.key.split("+", 2)[:2])
    assert (
        result.err
        == f"FAILED: {log.note}: the signature by {key_label} does not verify: the note was altered\n"
    )


def test_a_checkpoint_signed_by_another_key_fails(log: Log) -> None:
    impostor = str(verifier_key(ORIGIN, Ed25519PrivateKey.generate()))
    result = run("checkpoint", "--key", impostor, "--note", log.note)
    assert result.code == 1
    label = "+".join(impostor.split("+", 2)[:2])
    assert result.err == f"FAILED: {log.note}: no signature by {label}\n"


def test_an_inclusion_proof_for_another_leaf_or_a_bent_path_fails(log: Log) -> None:
    other = base64.b64encode(log.leaves[8]).decode()
    result = run("inclusion", "--key", log.key, "--note", log.note, "--proof", log.inclusion(7, leaf=other))
    assert result.code == 1
    assert "event 7 with this leaf is not in the log" in result.err
    path = [base64.b64encode(h).decode() for h in log.tree.inclusion_proof(7)]
    path[1] = base64.b64encode(bytes(32)).decode()
    result = run(
        "inclusion", "--key", log.key, "--note", log.note, "--proof", log.inclusion(7, inclusion_path=path)
    )
    assert result.code == 1
    result = run(
        "inclusion", "--key", log.key, "--note", log.note, "--proof", log.inclusion(7, tree_size=SIZE - 1)
    )
    assert result.code == 1
    assert f"the proof is for a tree of {SIZE - 1} events, but {log.note} signs {SIZE}" in result.err


def test_a_rewritten_history_fails_consistency(log: Log) -> None:
    path = [base64.b64encode(h).decode() for h in log.tree.consistency_proof(OLD_SIZE)]
    path[0] = base64.b64encode(bytes(32)).decode()
    proof = log.consistency(consistency_path=path)
    result = run(
        "consistency", "--key", log.key, "--old-note", log.old_note, "--note", log.note, "--proof", proof
    )
    assert result.code == 1
    assert "does not extend the log of 13 events" in result.err
    swapped = run(
        "consistency", "--key", log.key, "--old-note", log.note, "--note", log.old_note, "--proof", proof
    )
    assert swapped.code == 1
    assert "the proof is from 13 to 21 events, but the checkpoints sign 21 and 13" in swapped.err


def lines(log: Log) -> list[str]:
    return log.export.read_text(encoding="utf-8").splitlines(keepends=True)


def rebuild(log: Log, text: str) -> Run:
    log.export.write_text(text, encoding="utf-8")
    return run("rebuild", "--key", log.key, "--note", log.note, "--export", log.export)


def test_an_edited_field_is_found_at_its_line(log: Log) -> None:
    edited = lines(log)
    edited[5] = edited[5].replace('"actor":"officer-1"', '"actor":"officer-2"')
    result = rebuild(log, "".join(edited))
    assert result.code == 1
    assert result.err == (
        f"FAILED: {log.export}:6: event 5's leaf is not the canonical form of the fields beside it\n"
    )


def test_a_deleted_or_inserted_event_is_found_at_its_line(log: Log) -> None:
    original = lines(log)
    deleted = rebuild(log, "".join(original[:4] + original[5:]))
    assert deleted.code == 1
    assert f"{log.export}:5: the line says it is event 5, but it is event 4" in deleted.err
    inserted = rebuild(log, "".join([*original[:4], original[3], *original[4:]]))
    assert inserted.code == 1
    assert f"{log.export}:5: the line says it is event 3, but it is event 4" in inserted.err


def test_an_event_rewritten_with_a_consistent_leaf_fails_the_root(log: Log) -> None:
    forged = lines(log)
    record = json.loads(forged[9])
    record.pop("leaf")
    record["purpose"] = "nothing to see"
    leaf = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    forged[9] = json.dumps({**record, "leaf": base64.b64encode(leaf).decode()}, ensure_ascii=False) + "\n"
    result = rebuild(log, "".join(forged))
    assert result.code == 1
    assert "the first 21 events do not rebuild the root signed by" in result.err


def test_a_truncated_export_or_a_duplicated_member_fails(log: Log) -> None:
    original = lines(log)
    short = rebuild(log, "".join(original[:10]))
    assert short.code == 1
    assert f"{log.export} has 10 events, but {log.note} signs a log of {SIZE}" in short.err
    doubled = original[2].replace('"v":1', '"v":1,"v":1')
    result = rebuild(log, "".join([*original[:2], doubled, *original[3:]]))
    assert result.code == 1
    assert f"{log.export}:3: member 'v' appears twice" in result.err


def test_unusable_inputs_exit_2(log: Log) -> None:
    missing = run("checkpoint", "--key", log.key, "--note", log.folder / "nope.note")
    assert (missing.code, missing.err) == (
        2,
        f"unusable input: {log.folder / 'nope.note'}: cannot read: No such file or directory\n",
    )
    bad_key = run("checkpoint", "--key", "statevisa", "--note", log.note)
    assert (bad_key.code, bad_key.err) == (
        2,
        "unusable input: --key 'statevisa' is not <name>+<8 hex digits>+<base64 key>\n",
    )
    garbage = log.write("garbage.note", "hello\n")
    assert run("checkpoint", "--key", log.key, "--note", garbage).code == 2
    not_json = log.write("proof.json", "{")
    assert run("inclusion", "--key", log.key, "--note", log.note, "--proof", not_json).code == 2
    log.write("events.jsonl", b'{"leaf": "\xff"}\n')
    latin = run("rebuild", "--key", log.key, "--note", log.note, "--export", log.export)
    assert (latin.code, latin.err) == (2, f"unusable input: {log.export}:1: byte 11 is not UTF-8\n")
    assert run("rebuild", "--key", log.key, "--note", log.note).code == 2  # argparse: --export missing


def test_the_tool_and_the_core_agree_on_every_proof_of_a_small_log() -> None:
    tool = load_tool()
    hashes = [leaf_hash(bytes([i])) for i in range(17)]
    tree = MerkleTree(hashes)
    for size in range(1, 18):
        assert tool.tree_root(hashes[:size]) == tree.root(size)
        for index in range(size):
            path = tree.inclusion_proof(index, size)
            assert tool.inclusion_ok(hashes[index], index, size, path, tree.root(size))
            assert verify_inclusion(hashes[index], index, size, path, tree.root(size))
            assert not tool.inclusion_ok(hashes[index], index, size, path, bytes(32))
        for old in range(size + 1):
            path = tree.consistency_proof(old, size)
            assert tool.consistency_ok(old, size, tree.root(old), tree.root(size), path)
            assert verify_consistency(old, size, tree.root(old), tree.root(size), path)
            if path:
                assert not tool.consistency_ok(old, size, tree.root(old), tree.root(size), path[1:])
