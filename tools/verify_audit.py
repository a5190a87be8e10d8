#!/usr/bin/env python3
"""Check a statevisa audit log without trusting statevisa: one file, the standard library and `cryptography`.

Written from the public specifications, not from statevisa's code: the Merkle tree of
RFC 9162 §2.1 (https://www.rfc-editor.org/rfc/rfc9162#section-2.1), C2SP signed notes and
checkpoints (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint) with Ed25519, and
statevisa's leaf format version 1 (docs/audit.md). Install `cryptography` (pip install
cryptography) and run with Python 3.11 or later:

    python verify_audit.py checkpoint  --key KEY --note NOTE
    python verify_audit.py inclusion   --key KEY --note NOTE --proof PROOF.json
    python verify_audit.py consistency --key KEY --old-note OLD --note NEW --proof PROOF.json
    python verify_audit.py rebuild     --key KEY --note NOTE --export EVENTS.jsonl

KEY is the log's verifier key, ``<name>+<key ID>+<base64 key>``, obtained from the state by a
channel you trust. Exit status: 0 verified, 1 verification failed (the message names what and
where), 2 the input is unusable (missing file, malformed note, key or JSON).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

LEAF_FORMAT = 1


class Unusable(Exception):
    """The input cannot be checked at all (exit 2)."""


class Failed(Exception):
    """The input was checked and is not what it claims (exit 1)."""


# --- RFC 9162 section 2.1 ------------------------------------------------------------------


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(b"\x00" + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def tree_root(hashes: list[bytes]) -> bytes:
    """MTH: pairing neighbours level by level, an odd last node moving up unchanged, is the same tree."""
    if not hashes:
        return sha256(b"")
    while len(hashes) > 1:
        paired = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes) - 1, 2)]
        hashes = paired + hashes[len(hashes) - len(hashes) % 2 :]
    return hashes[0]


def inclusion_ok(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2, step by step."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and hmac.compare_digest(r, root)


def consistency_ok(
    first: int, second: int, first_hash: bytes, second_hash: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2, step by step; equal sizes and size 0 need an empty proof."""
    if first > second:
        return False
    if first == 0:
        return not path and first_hash == sha256(b"") and (second > 0 or second_hash == first_hash)
    if first == second:
        return not path and hmac.compare_digest(first_hash, second_hash)
    if not path:
        return False
    nodes = ([first_hash] if first & (first - 1) == 0 else []) + list(path)
    fn, sn = first - 1, second - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return hmac.compare_digest(fr, first_hash) and hmac.compare_digest(sr, second_hash) and sn == 0


# --- C2SP signed notes and checkpoints -----------------------------------------------------


@dataclass(frozen=True)
class Key:
    name: str
    key_id: bytes
    public: bytes

    def label(self) -> str:
        return f"{self.name}+{self.key_id.hex()}"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def valid_name(name: str) -> bool:
    return (
        bool(name)
        and "+" not in name
        and not any(c.isspace() or unicodedata.category(c) == "Zs" for c in name)
    )


def b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Unusable(f"{what} is not base64: {text!r}") from None


def parse_key(text: str) -> Key:
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not valid_name(parts[0]) or not re.fullmatch(r"[0-9a-fA-F]{8}", parts[1]):
        raise Unusable(f"--key {text!r} is not <name>+<8 hex digits>+<base64 key>")
    raw = b64(parts[2], "--key's public key")
    if len(raw) != 33 or raw[0] != 0x01:
        raise Unusable(f"--key {text!r} is not an Ed25519 verifier key (0x01 and 32 bytes)")
    key_id = sha256(parts[0].encode() + b"\n" + raw)[:4]
    if key_id != bytes.fromhex(parts[1]):
        raise Unusable(
            f"--key {text!r}: the key ID does not match the name and key (should be {key_id.hex()})"
        )
    return Key(parts[0], key_id, raw[1:])


def read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise Unusable(f"{path}: cannot read: {error.strerror}") from None


def open_checkpoint(path: str, key: Key) -> Checkpoint:
    """Parse the signed note at `path`, require a valid signature by `key`, parse its checkpoint."""
    try:
        note = read(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unusable(f"{path}: byte {error.start} is not UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in note) or not note.endswith("\n") or "\n\n" not in note:
        raise Unusable(f"{path}: not a signed note (text, blank line, signature lines, final newline)")
    split = note.rfind("\n\n")
    text, lines = note[: split + 1], note[split + 2 :].split("\n")[:-1]
    if not lines or len(lines) > 100:
        raise Unusable(f"{path}: a signed note has 1 to 100 signature lines, not {len(lines)}")
    mine: list[bytes] = []
    for line in lines:
        dash, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        raw = b64(encoded, f"{path}: the signature of {name!r}")
        if dash != "\u2014" or not valid_name(name) or len(raw) < 5:
            raise Unusable(
                f"{path}: signature line {line!r} is not '\u2014 <name> <base64(key ID || signature)>'"
            )
        if name == key.name and raw[:4] == key.key_id:
            mine.append(raw[4:])
    public = Ed25519PublicKey.from_public_bytes(key.public)
    if not mine:
        raise Failed(f"{path}: no signature by {key.label()}")
    for signature in mine:
        try:
            public.verify(signature, text.encode("utf-8"))
        except InvalidSignature:
            raise Failed(
                f"{path}: the signature by {key.label()} does not verify: the note was altered"
            ) from None
    body = text[:-1].split("\n")
    if len(body) < 3 or not body[0] or not re.fullmatch(r"0|[1-9][0-9]*", body[1]) or "" in body[3:]:
        raise Unusable(f"{path}: the signed text is not a checkpoint (origin, tree size, root hash)")
    root = b64(body[2], f"{path}: the root hash")
    if len(root) != 32:
        raise Unusable(f"{path}: the root hash is {len(root)} bytes, not 32")
    return Checkpoint(body[0], int(body[1]), root)


# --- proofs and exports --------------------------------------------------------------------


def load_object(path: str) -> dict[str, object]:
    try:
        value = json.loads(read(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unusable(f"{path}: not JSON: {error}") from None
    if not isinstance(value, dict):
        raise Unusable(f"{path}: a proof is a JSON object")
    return value


def size_member(document: dict[str, object], member: str, path: str) -> int:
    value = document.get(member)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Unusable(f"{path}: {member} must be a non-negative integer, not {value!r}")
    return value


def hash_list(document: dict[str, object], member: str, path: str) -> list[bytes]:
    items = document.get(member)
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise Unusable(f"{path}: {member} must be a list of base64 strings")
    hashes = [b64(item, f"{path}: {member}[{i}]") for i, item in enumerate(items)]
    if any(len(h) != 32 for h in hashes):
        raise Unusable(f"{path}: every hash in {member} must be 32 bytes")
    return hashes


def reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise Failed(f"member {next(n for n in names if names.count(n) > 1)!r} appears twice")
    return dict(pairs)


def canonical(value: dict[str, object]) -> bytes:
    """Leaf format 1: sorted members, no whitespace, UTF-8, only controls, quote and backslash escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- commands ------------------------------------------------------------------------------


def check_checkpoint(args: argparse.Namespace) -> str:
    cp = open_checkpoint(args.note, parse_key(args.key))
    root = base64.b64encode(cp.root).decode()
    return f"ok: {args.note} is signed by the key: log {cp.origin!r}, {cp.size} events, root {root}"


def check_inclusion(args: argparse.Namespace) -> str:
    cp = open_checkpoint(args.note, parse_key(args.key))
    proof = load_object(args.proof)
    index, size = size_member(proof, "leaf_index", args.proof), size_member(proof, "tree_size", args.proof)
    leaf_text = proof.get("leaf")
    if not isinstance(leaf_text, str):
        raise Unusable(f"{args.proof}: leaf must be a base64 string")
    leaf = b64(leaf_text, f"{args.proof}: leaf")
    path = hash_list(proof, "inclusion_path", args.proof)
    if size != cp.size:
        raise Failed(
            f"{args.proof}: the proof is for a tree of {size} events, but {args.note} signs {cp.size}"
        )
    if not inclusion_ok(leaf_hash(leaf), index, size, path, cp.root):
        raise Failed(f"{args.proof}: event {index} with this leaf is not in the log signed by {args.note}")
    shown = leaf.decode("utf-8", errors="replace")
    return (
        f"ok: event {index} is in the log {cp.origin!r} of {cp.size} events signed by {args.note}:\n{shown}"
    )


def check_consistency(args: argparse.Namespace) -> str:
    key = parse_key(args.key)
    old, new = open_checkpoint(args.old_note, key), open_checkpoint(args.note, key)
    proof = load_object(args.proof)
    old_size, new_size = (
        size_member(proof, "old_size", args.proof),
        size_member(proof, "new_size", args.proof),
    )
    path = hash_list(proof, "consistency_path", args.proof)
    if old.origin != new.origin:
        raise Failed(f"{args.old_note} is log {old.origin!r} but {args.note} is log {new.origin!r}")
    if (old_size, new_size) != (old.size, new.size):
        raise Failed(
            f"{args.proof}: the proof is from {old_size} to {new_size} events, "
            f"but the checkpoints sign {old.size} and {new.size}"
        )
    if not consistency_ok(old.size, new.size, old.root, new.root, path):
        raise Failed(
            f"{args.proof}: the log of {new.size} events ({args.note}) does not extend "
            f"the log of {old.size} events ({args.old_note}): history was rewritten or the proof is wrong"
        )
    return f"ok: the log {new.origin!r} of {new.size} events extends its first {old.size} events unchanged"


def export_lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, split on newline bytes only (U+2028 may sit inside a leaf)."""
    try:
        with Path(path).open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                try:
                    yield number, raw.rstrip(b"\n").decode("utf-8")
                except UnicodeDecodeError as error:
                    raise Unusable(f"{path}:{number}: byte {error.start + 1} is not UTF-8") from None
    except OSError as error:
        raise Unusable(f"{path}: cannot read: {error.strerror}") from None


def leaf_of_line(line: str, index: int, where: str) -> bytes:
    """The line's leaf, after checking it is event `index` and the canonical form of the fields beside it."""
    try:
        record = json.loads(line, object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as error:
        raise Unusable(f"{where}: not JSON: {error}") from None
    except Failed as error:
        raise Failed(f"{where}: {error}") from None
    leaf_text = record.pop("leaf", None) if isinstance(record, dict) else None
    if not isinstance(leaf_text, str):
        raise Unusable(f"{where}: each line is a JSON object with a base64 'leaf'")
    leaf = b64(leaf_text, f"{where}: leaf")
    if record.get("v") != LEAF_FORMAT:
        raise Unusable(f"{where}: leaf format {record.get('v')!r}; this tool reads format {LEAF_FORMAT}")
    if record.get("index") != index:
        raise Failed(f"{where}: the line says it is event {record.get('index')!r}, but it is event {index}")
    if canonical(record) != leaf:
        raise Failed(f"{where}: event {index}'s leaf is not the canonical form of the fields beside it")
    return leaf


def check_rebuild(args: argparse.Namespace) -> str:
    cp = open_checkpoint(args.note, parse_key(args.key))
    hashes = [
        leaf_hash(leaf_of_line(line, number - 1, f"{args.export}:{number}"))
        for number, line in export_lines(args.export)
    ]
    if len(hashes) < cp.size:
        raise Failed(f"{args.export} has {len(hashes)} events, but {args.note} signs a log of {cp.size}")
    if not hmac.compare_digest(tree_root(hashes[: cp.size]), cp.root):
        raise Failed(
            f"{args.export}: the first {cp.size} events do not rebuild the root signed by {args.note}: "
            "an event was changed, removed, inserted or reordered"
        )
    later = len(hashes) - cp.size
    tail = f"; {later} later events are not covered by this checkpoint" if later else ""
    return f"ok: {cp.size} events rebuild the root of the log {cp.origin!r} signed by {args.note}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, helps in [
        ("checkpoint", "check a signed checkpoint against the verifier key"),
        ("inclusion", "check that an event is in the signed log"),
        ("consistency", "check that a newer signed log extends an older one"),
        ("rebuild", "rebuild the whole tree from an export and compare it to the signed root"),
    ]:
        command = commands.add_parser(name, help=helps)
        command.add_argument("--key", required=True, help="the log's verifier key <name>+<key ID>+<key>")
        command.add_argument(
            "--note", required=True, help="the signed checkpoint (the newer one for consistency)"
        )
        if name == "consistency":
            command.add_argument("--old-note", required=True, help="the older signed checkpoint")
        if name in ("inclusion", "consistency"):
            command.add_argument("--proof", required=True, help="the proof JSON statevisa printed")
        if name == "rebuild":
            command.add_argument("--export", required=True, help="the JSON Lines export of every event")
    args = parser.parse_args(argv)
    check = {
        "checkpoint": check_checkpoint,
        "inclusion": check_inclusion,
        "consistency": check_consistency,
        "rebuild": check_rebuild,
    }[args.command]
    try:
        print(check(args))
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except Unusable as problem:
        print(f"unusable input: {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
