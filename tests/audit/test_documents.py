"""Proof and export JSON: what the CLI prints is what the standalone verifier reads."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from statevisa.audit.documents import (
    consistency_document,
    export_line,
    inclusion_document,
    parse_consistency_document,
    parse_inclusion_document,
)
from statevisa.audit.events import AuditEvent, leaf_bytes
from statevisa.audit.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from statevisa.errors import InputError


def leaves(n: int) -> list[bytes]:
    moment = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    return [
        leaf_bytes(
            AuditEvent(
                i, moment, f"user-{i}", "state_officer", "06", "", "update", "case", str(i), ("status",)
            )
        )
        for i in range(n)
    ]


def test_an_inclusion_document_round_trips_and_verifies() -> None:
    logged = leaves(6)
    tree = MerkleTree([leaf_hash(x) for x in logged])
    document = inclusion_document(4, 6, logged[4], tree.inclusion_proof(4))
    assert list(document) == ["leaf_index", "tree_size", "leaf", "inclusion_path"]
    index, size, leaf, path = parse_inclusion_document(json.dumps(document))
    assert (index, size, leaf) == (4, 6, logged[4])
    assert verify_inclusion(leaf_hash(leaf), index, size, path, tree.root())


def test_a_consistency_document_round_trips_and_verifies() -> None:
    tree = MerkleTree([leaf_hash(x) for x in leaves(9)])
    document = consistency_document(5, 9, tree.consistency_proof(5))
    assert list(document) == ["old_size", "new_size", "consistency_path"]
    old, new, path = parse_consistency_document(json.dumps(document).encode())
    assert verify_consistency(old, new, tree.root(5), tree.root(), path)


def test_an_export_line_carries_the_event_and_the_exact_leaf() -> None:
    logged = leaves(3)
    line = export_line(logged[2], 2)
    assert line.endswith("\n")
    record = json.loads(line)
    assert base64.b64decode(record.pop("leaf")) == logged[2]
    assert json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == logged[2]


def test_an_export_of_a_leaf_stored_at_the_wrong_index_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        export_line(leaves(3)[2], 1)
    assert caught.value.messages == ["leaf 1 says it is event 2"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[]", "a proof is a JSON object"),
        ("{", "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (
            '{"leaf_index": -1, "tree_size": 1, "leaf": "", "inclusion_path": []}',
            "leaf_index must be a non-negative integer, not -1",
        ),
        (
            '{"leaf_index": 0, "tree_size": true, "leaf": "", "inclusion_path": []}',
            "tree_size must be a non-negative integer, not True",
        ),
        ('{"leaf_index": 0, "tree_size": 1, "leaf": "%%", "inclusion_path": []}', "leaf '%%' is not base64"),
        (
            '{"leaf_index": 0, "tree_size": 1, "leaf": "", "inclusion_path": "AA=="}',
            "inclusion_path must be a list of base64 hashes",
        ),
        (
            '{"leaf_index": 0, "tree_size": 1, "leaf": "", "inclusion_path": ["AA=="]}',
            "inclusion_path[0] is 1 bytes, not 32",
        ),
        (
            '{"leaf_index": 0, "tree_size": 1, "leaf": 7, "inclusion_path": []}',
            "leaf must be a base64 string, not 7",
        ),
    ],
    ids=["array", "truncated", "negative", "bool", "base64", "not-list", "short-hash", "number-leaf"],
)
def test_malformed_inclusion_documents_are_refused(text: str, why: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_inclusion_document(text)
    assert caught.value.problems[0].code == "proof-malformed"
    assert caught.value.problems[0].message == why
