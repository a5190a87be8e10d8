"""Signed notes against the reference implementation's published examples, and every refusal.

Known-good example: golang.org/x/mod/sumdb/note, note.go (package documentation) and
note_test.go (TestSign, TestOpen, TestNewVerifier), commit 02c991387e35f9e4c0a9b7ce137717055f8d716d,
https://github.com/golang/mod/blob/02c991387e35f9e4c0a9b7ce137717055f8d716d/sumdb/note/note_test.go
(BSD-3-Clause). Its signer key is a published test key: "PRIVATE+KEY+<name>+<key ID>+<base64(0x01 ||
Ed25519 seed)>". Ed25519 signatures are deterministic, so signing the same text must give the
same line, byte for byte.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from statevisa.audit.note import (
    Note,
    Signature,
    load_private_key,
    parse_note,
    parse_verifier_key,
    private_key_pem,
    sign_note,
    verifier_key,
    verify_note,
)
from statevisa.errors import InputError

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_ENOCH = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
PETER_B64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
ENOCH_B64 = "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
GO_PETER_SIG = f"— PeterNeumann {PETER_B64}\n"
GO_ENOCH_SIG = f"— EnochRoot {ENOCH_B64}\n"


def go_private_key() -> Ed25519PrivateKey:
    seed = base64.b64decode(GO_SIGNER.split("+", 4)[4])
    assert seed[0] == 0x01
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


def test_signing_the_go_example_gives_the_go_signature_byte_for_byte() -> None:
    signed = sign_note(GO_TEXT, "PeterNeumann", go_private_key())
    assert str(signed) == GO_TEXT + "\n" + GO_PETER_SIG
    assert str(verifier_key("PeterNeumann", go_private_key())) == GO_VERIFIER


def test_the_go_note_verifies_against_its_verifier_key_and_ignores_unknown_signers() -> None:
    note = parse_note((GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG).encode())
    assert note.text == GO_TEXT
    assert [(s.name, s.key_id) for s in note.signatures] == [
        ("PeterNeumann", 0xC74F20A3),
        ("EnochRoot", 0xAF0CFE78),
    ]
    assert verify_note(note, parse_verifier_key(GO_VERIFIER))
    assert verify_note(note, parse_verifier_key(GO_ENOCH))
    assert str(note) == GO_TEXT + "\n" + GO_PETER_SIG + GO_ENOCH_SIG


def test_a_note_is_not_verified_by_a_key_that_did_not_sign_it() -> None:
    note = parse_note(GO_TEXT + "\n" + GO_ENOCH_SIG)
    assert not verify_note(note, parse_verifier_key(GO_VERIFIER))


def test_an_invalid_signature_from_the_key_rejects_the_whole_note() -> None:
    # TestOpen's "Invalid signature" case: four bytes spliced into Peter's signature.
    corrupted = GO_PETER_SIG[:60] + "ABCD" + GO_PETER_SIG[60:]
    key = parse_verifier_key(GO_VERIFIER)
    assert not verify_note(parse_note(GO_TEXT + "\n" + corrupted), key)
    assert not verify_note(parse_note(GO_TEXT + "\n" + GO_PETER_SIG + corrupted), key)


def test_tampering_with_the_text_breaks_the_signature() -> None:
    note = parse_note(GO_TEXT.replace("answer", "Answer") + "\n" + GO_PETER_SIG)
    assert not verify_note(note, parse_verifier_key(GO_VERIFIER))


@pytest.mark.parametrize(
    ("message", "why"),
    [
        (GO_TEXT, "not a signed note: no blank line between the text and the signatures"),
        (GO_TEXT + "\n", "not a signed note: no signature lines after the blank line"),
        (GO_TEXT + "\n" + GO_PETER_SIG[:-1], "not a signed note: it must end with a newline"),
        ("\x01" + GO_TEXT + "\n" + GO_PETER_SIG, "not a signed note: character U+0001 is not allowed"),
        (
            GO_TEXT + "\n" + f"— Bad Name {PETER_B64}\n",
            "not a signed note: the signature of 'Bad' is not valid base64",
        ),
        (
            GO_TEXT + "\n" + GO_PETER_SIG + "Unexpected line.\n",
            "not a signed note: line 'Unexpected line.' is not '— <key name> <base64 signature>'",
        ),
        (
            GO_TEXT + "\n— PeterNeumann AAAA\n",
            "not a signed note: the signature of 'PeterNeumann' is 3 bytes: a key ID and a signature",
        ),
        (GO_TEXT + "\n" + GO_PETER_SIG * 101, "not a signed note: 101 signature lines; at most 100 are read"),
    ],
    ids=[
        "no-blank-line",
        "no-signature",
        "no-final-newline",
        "control",
        "bad-name",
        "extra-line",
        "short",
        "too-many",
    ],
)
def test_malformed_notes_are_refused(message: str, why: str) -> None:
    # The malformed messages of Go's TestOpen, plus our own limits.
    with pytest.raises(InputError) as caught:
        parse_note(message)
    assert caught.value.problems[0].code == "note-malformed"
    assert caught.value.problems[0].message == why


def test_a_note_that_is_not_utf8_is_refused_at_its_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_note(b"ok\n\xff" + GO_TEXT.encode() + b"\n" + GO_PETER_SIG.encode(), source="head.note")
    assert caught.value.messages == ["head.note:2: not a signed note: byte 3 is not UTF-8"]


def test_go_verifier_key_manglings_are_all_refused() -> None:
    # TestNewVerifier: every proper substring and every single-byte increment is refused.
    parse_verifier_key(GO_VERIFIER)
    manglings = {
        GO_VERIFIER[i:j] for i in range(len(GO_VERIFIER)) for j in range(i + 1, len(GO_VERIFIER) + 1)
    }
    manglings.discard(GO_VERIFIER)
    manglings |= {
        GO_VERIFIER[:i] + chr(ord(GO_VERIFIER[i]) + 1) + GO_VERIFIER[i + 1 :] for i in range(len(GO_VERIFIER))
    }
    accepted = []
    for text in manglings:
        try:
            parse_verifier_key(text)
            accepted.append(text)
        except InputError:
            pass
    assert accepted == []


@pytest.mark.parametrize(
    ("text", "code", "why"),
    [
        ("PeterNeumann", "verifier-key", "expected <name>+<key ID>+<base64 key>"),
        (
            "Peter Neumann+c74f20a3+ARpc",
            "verifier-key",
            "the name must be non-empty, with no spaces and no '+'",
        ),
        ("PeterNeumann+c74f20a+ARpc", "verifier-key", "the key ID must be 8 hexadecimal digits"),
        ("PeterNeumann+c74f20a3+ARpc!", "verifier-key", "the key is not valid base64"),
        (
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            "verifier-key",
            "an Ed25519 public key is 32 bytes, not 36",
        ),
        (
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier-key-algorithm",
            "the key is not an Ed25519 key (type byte 0x01)",
        ),
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "verifier-key-id",
            "the key ID should be c74f20a3 for this name and key",
        ),
    ],
    ids=["no-plus", "space", "short-id", "base64", "long-key", "algorithm", "key-id"],
)
def test_malformed_verifier_keys_are_refused(text: str, code: str, why: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_verifier_key(text)
    assert caught.value.problems[0].code == code
    assert caught.value.messages == [f"--key: verifier key {text!r}: {why}"]


def test_sign_refuses_a_bad_name_or_text() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(InputError) as caught:
        sign_note("text\n", "a+b", key)
    assert caught.value.problems[0].code == "key-name"
    with pytest.raises(InputError) as caught:
        sign_note("abc", "log", key)
    assert caught.value.messages == ["the text must end with a newline"]
    with pytest.raises(InputError) as caught:
        sign_note("a\tb\n", "log", key)
    assert caught.value.messages == [
        "the text holds U+0009: no control character but newline, no lone surrogate"
    ]


def test_a_signed_note_round_trips_with_several_signatures() -> None:
    alice, bob = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    text = "statevisa.example/audit/06\nsecond line ✓\n\nafter an empty line\n"
    first = sign_note(text, "alice.example", alice)
    both = Note(text, first.signatures + sign_note(text, "bob.example/witness", bob).signatures)
    read = parse_note(both.to_bytes())
    assert read == both
    assert verify_note(read, verifier_key("alice.example", alice))
    assert verify_note(read, verifier_key("bob.example/witness", bob))
    assert not verify_note(read, verifier_key("alice.example", bob))


def test_a_signature_line_names_its_key_id_big_endian() -> None:
    line = Signature("log", 0x01020304, b"\xff").line()
    assert line == "— log " + base64.b64encode(b"\x01\x02\x03\x04\xff").decode() + "\n"


def test_pem_keys_load_and_bad_ones_are_refused() -> None:
    key = Ed25519PrivateKey.generate()
    loaded = load_private_key(private_key_pem(key))
    assert str(verifier_key("log", loaded)) == str(verifier_key("log", key))
    with pytest.raises(InputError) as caught:
        load_private_key(b"not a key", source="audit.pem")
    assert (caught.value.problems[0].code, caught.value.messages) == (
        "key-malformed",
        ["audit.pem: not a PEM private key"],
    )
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(InputError) as caught:
        load_private_key(encrypted, source="audit.pem")
    assert caught.value.messages == ["audit.pem: the private key is encrypted; give it unencrypted"]
    ec_pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(InputError) as caught:
        load_private_key(ec_pem, source="audit.pem")
    assert caught.value.problems[0].code == "key-not-ed25519"
