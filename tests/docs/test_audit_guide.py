"""The worked example of docs/audit.md is real: its note, key, leaf and proofs all verify."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from statevisa.audit.checkpoint import open_checkpoint
from statevisa.audit.documents import export_line, parse_consistency_document, parse_inclusion_document
from statevisa.audit.events import event_from_leaf
from statevisa.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from statevisa.audit.note import parse_verifier_key

ROOT = Path(__file__).parents[2]
GUIDE = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
TOOL = ROOT / "tools" / "verify_audit.py"


def example(name: str) -> str:
    """The fenced block right after ``<!-- example:NAME -->``, its final newline kept."""
    found = re.search(rf"<!-- example:{name} -->\n```\w*\n(.*?)```", GUIDE, re.DOTALL)
    assert found, f"docs/audit.md has no example:{name} block"
    return found.group(1)


def test_the_example_checkpoints_are_signed_by_the_example_key() -> None:
    key = parse_verifier_key(example("key").strip())
    head = open_checkpoint(example("checkpoint"), key)
    old = open_checkpoint(example("old-checkpoint"), key)
    assert (head.origin, head.size, old.size) == ("statevisa.example/audit/06", 3, 2)


def test_the_example_leaf_is_event_1_and_its_proofs_verify() -> None:
    key = parse_verifier_key(example("key").strip())
    head = open_checkpoint(example("checkpoint"), key)
    old = open_checkpoint(example("old-checkpoint"), key)
    index, size, leaf, path = parse_inclusion_document(example("inclusion"))
    assert leaf == example("leaf").rstrip("\n").encode("utf-8")
    assert f"this line, {len(leaf)} bytes" in GUIDE
    event = event_from_leaf(leaf, index)
    assert (event.jurisdiction, event.action, event.fields) == ("06037", "read", ("address",))
    assert verify_inclusion(leaf_hash(leaf), index, size, path, head.root)
    old_size, new_size, consistency = parse_consistency_document(example("consistency"))
    assert verify_consistency(old_size, new_size, old.root, head.root, consistency)


@pytest.mark.parametrize("command", ["checkpoint", "inclusion", "consistency"])
def test_the_standalone_tool_prints_what_the_guide_shows(tmp_path: Path, command: str) -> None:
    (tmp_path / "head.note").write_text(example("checkpoint"), encoding="utf-8")
    (tmp_path / "old.note").write_text(example("old-checkpoint"), encoding="utf-8")
    (tmp_path / "proof.json").write_text(example("inclusion"), encoding="utf-8")
    (tmp_path / "consistency.json").write_text(example("consistency"), encoding="utf-8")
    options = {
        "checkpoint": [],
        "inclusion": ["--proof", "proof.json"],
        "consistency": ["--old-note", "old.note", "--proof", "consistency.json"],
    }[command]
    done = subprocess.run(
        [
            sys.executable,
            str(TOOL),
            command,
            "--key",
            example("key").strip(),
            "--note",
            "head.note",
            *options,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout in GUIDE


def test_an_export_line_of_the_example_leaf_holds_its_members_and_the_leaf() -> None:
    leaf = example("leaf").rstrip("\n").encode("utf-8")
    record = json.loads(export_line(leaf, 1))
    assert base64.b64decode(record.pop("leaf")) == leaf
    assert record == json.loads(leaf)
