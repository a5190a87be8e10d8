"""C2SP checkpoints: a real signed tree head from the Go checksum database, round trips, refusals."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from statevisa.audit.merkle import EMPTY_ROOT, leaf_hash, root
from statevisa.audit.note import parse_note, parse_verifier_key, verifier_key
from statevisa.errors import InputError

# The Go checksum database's public key, as the go command ships it: golang/go
# src/cmd/go/internal/modfetch/key.go (knownGOSUMDB), commit c674ce87c2e47699bb51e02885fb80519ecbfb27,
# https://github.com/golang/go/blob/c674ce87c2e47699bb51e02885fb80519ecbfb27/src/cmd/go/internal/modfetch/key.go
GO_SUMDB_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"

# A checkpoint sum.golang.org signed at tree size 6,476,701, quoted by google/trillian-examples
# formats/log/checkpoint_test.go (TestSumDBNoteParsing), commit 57e46b591fbc539f5649e916fb787cec992259ce,
# https://github.com/google/trillian-examples/blob/57e46b591fbc539f5649e916fb787cec992259ce/formats/log/checkpoint_test.go
# (Apache-2.0).
GO_SUMDB_CHECKPOINT = (
    "go.sum database tree\n"
    "6476701\n"
    "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n"
    "\n"
    "— sum.golang.org "
    "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n"
)

# The example in https://c2sp.org/tlog-checkpoint (C2SP/C2SP tlog-checkpoint.md, commit
# 2793893976c835db049c194d8f2c4f946dcb70ba); its key is not published, so only its syntax is checked.
C2SP_EXAMPLE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)


def test_a_real_go_checksum_database_checkpoint_verifies() -> None:
    checkpoint = open_checkpoint(GO_SUMDB_CHECKPOINT.encode(), parse_verifier_key(GO_SUMDB_KEY))
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == 6476701
    assert checkpoint.root == base64.b64decode("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=")
    assert checkpoint.extensions == ()


def test_the_go_checkpoint_with_one_digit_changed_is_refused() -> None:
    tampered = GO_SUMDB_CHECKPOINT.replace("6476701", "6476702")
    with pytest.raises(InputError) as caught:
        open_checkpoint(tampered, parse_verifier_key(GO_SUMDB_KEY), source="head.note")
    assert caught.value.problems[0].code == "note-unverified"
    assert caught.value.messages == [
        "head.note: no valid signature by sum.golang.org+033de0ae "
        "(signatures present: sum.golang.org+033de0ae)"
    ]


def test_the_c2sp_example_parses() -> None:
    note = parse_note(C2SP_EXAMPLE)
    checkpoint = parse_checkpoint(note.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == note.text
    assert note.signatures[0].name == "example.com/behind-the-sofa"


def test_a_signed_checkpoint_opens_with_its_verifier_key() -> None:
    key = Ed25519PrivateKey.generate()
    leaves = [leaf_hash(f"event {i}".encode()) for i in range(7)]
    checkpoint = Checkpoint("statevisa.example/audit/06", 7, root(leaves))
    signed = sign_checkpoint(checkpoint, key)
    text = str(signed)
    assert text.startswith(
        "statevisa.example/audit/06\n7\n" + base64.b64encode(root(leaves)).decode() + "\n\n— "
    )
    vkey = verifier_key("statevisa.example/audit/06", key)
    assert str(vkey).startswith("statevisa.example/audit/06+")
    assert open_checkpoint(text, parse_verifier_key(str(vkey))) == checkpoint
    assert open_checkpoint(text, vkey, origin="statevisa.example/audit/06") == checkpoint


def test_a_checkpoint_for_another_log_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_checkpoint(Checkpoint("statevisa.example/audit/48", 0, EMPTY_ROOT), key)
    with pytest.raises(InputError) as caught:
        open_checkpoint(
            str(signed), verifier_key("statevisa.example/audit/48", key), origin="statevisa.example/audit/06"
        )
    assert caught.value.problems[0].code == "checkpoint-origin"
    assert caught.value.messages == [
        "the checkpoint is from log 'statevisa.example/audit/48', not 'statevisa.example/audit/06'"
    ]


def test_extension_lines_round_trip() -> None:
    checkpoint = Checkpoint("log.example", 3, EMPTY_ROOT, ("ext one", "ext two"))
    assert parse_checkpoint(checkpoint.text()) == checkpoint


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("log\n1\n", "not a checkpoint: 2 line(s); a checkpoint has an origin, a tree size and a root hash"),
        (
            "log\n1\n" + base64.b64encode(EMPTY_ROOT).decode(),
            "not a checkpoint: the text must end with a newline",
        ),
        ("\n1\nAAAA\n", "not a checkpoint: the origin (line 1) is empty"),
        (
            "log\n01\nAAAA\n",
            "not a checkpoint: the tree size (line 2) '01' is not a decimal number without leading zeros",
        ),
        (
            "log\n+1\nAAAA\n",
            "not a checkpoint: the tree size (line 2) '+1' is not a decimal number without leading zeros",
        ),
        (
            "log\n\u0661\nAAAA\n",
            "not a checkpoint: the tree size (line 2) '\u0661' is not a decimal number without leading zeros",
        ),
        (
            "log\n9223372036854775808\nAAAA\n",
            "not a checkpoint: the tree size (line 2) 9223372036854775808 is larger than 9223372036854775807",
        ),
        ("log\n1\nnot base64!\n", "not a checkpoint: the root hash (line 3) 'not base64!' is not base64"),
        ("log\n1\nAAAA\n", "not a checkpoint: the root hash (line 3) is 3 bytes, not 32"),
        (
            "log\n1\n" + base64.b64encode(EMPTY_ROOT).decode() + "\n\n",
            "not a checkpoint: extension line 4 is empty",
        ),
    ],
    ids=[
        "short",
        "no-newline",
        "no-origin",
        "leading-zero",
        "sign",
        "arabic-digit",
        "too-big",
        "base64",
        "root-size",
        "empty-ext",
    ],
)
def test_malformed_checkpoints_are_refused(text: str, why: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_checkpoint(text)
    assert caught.value.problems[0].code == "checkpoint-malformed"
    assert caught.value.problems[0].message == why


def test_a_checkpoint_value_must_be_well_formed() -> None:
    with pytest.raises(InputError) as caught:
        Checkpoint("log", -1, EMPTY_ROOT)
    assert caught.value.messages == ["tree size -1 is not between 0 and 9223372036854775807"]
    with pytest.raises(InputError) as caught:
        Checkpoint("log", 1, b"short")
    assert caught.value.messages == ["the root hash is 5 bytes, not 32"]
    with pytest.raises(InputError) as caught:
        Checkpoint("two\nlines", 1, EMPTY_ROOT)
    assert caught.value.messages == ["the origin must be one non-empty line"]
