"""C2SP signed notes with Ed25519 keys: text signed so that any note verifier can check it.

The format is https://c2sp.org/signed-note (v1.0.0): a text ending in a newline, a blank line,
then one line per signature: em dash (U+2014), space, key name, space,
base64(4-byte key ID || signature). Ed25519 keys are named by a verifier key
``<name>+<key ID as 8 hex digits>+<base64(0x01 || 32-byte public key)>`` with
key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4], the form Go's
golang.org/x/mod/sumdb/note reads (``note.NewVerifier``), so the Go checksum database tooling
and C2SP witnesses can check what this module signs, and the reverse.

Everything here is pure: keys arrive as PEM bytes or key objects, never as file names.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from statevisa.errors import InputError, Problem, problem

ALG_ED25519 = 0x01
"""The signature type byte C2SP signed-note assigns to Ed25519."""
EM_DASH = "\u2014"
MAX_SIGNATURES = 100
"""Notes with more signature lines are refused (C2SP asks verifiers to accept at least 16)."""

_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


def is_valid_name(name: str) -> bool:
    """A key name is non-empty and holds no Unicode space and no plus sign (C2SP signed-note)."""
    return bool(name) and "+" not in name and not any(_is_space(ch) for ch in name)


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def key_id(name: str, public_key: bytes) -> int:
    """The 32-bit key ID: SHA-256(name || 0x0A || 0x01 || public key), first four bytes, big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """Who may sign a note: a name and an Ed25519 public key, named by their key ID."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> int:
        """The key ID that this key's signature lines start with."""
        return key_id(self.name, self.public_key)

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def verifier_key(name: str, private_key: Ed25519PrivateKey) -> VerifierKey:
    """The verifier key to publish for notes signed by `private_key` under `name`."""
    if not is_valid_name(name):
        raise InputError(_bad_name(name))
    return VerifierKey(name, _public_bytes(private_key.public_key()))


def _bad_name(name: str) -> Problem:
    return problem(
        "key-name",
        f"key name {name!r} must be non-empty, with no spaces and no '+' (C2SP signed-note)",
    )


def parse_verifier_key(text: str) -> VerifierKey:
    """Read ``<name>+<8 hex digits>+<base64(0x01 || public key)>``, checking the key ID."""

    def refuse(why: str, code: str = "verifier-key") -> InputError:
        return InputError(problem(code, f"verifier key {text!r}: {why}", field="--key"))

    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise refuse("expected <name>+<key ID>+<base64 key>")
    name, hex_id, encoded = parts
    if not is_valid_name(name):
        raise refuse("the name must be non-empty, with no spaces and no '+'")
    if not _HEX8.fullmatch(hex_id):
        raise refuse("the key ID must be 8 hexadecimal digits")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise refuse("the key is not valid base64") from None
    if not raw or raw[0] != ALG_ED25519:
        raise refuse("the key is not an Ed25519 key (type byte 0x01)", "verifier-key-algorithm")
    if len(raw) != 33:
        raise refuse(f"an Ed25519 public key is 32 bytes, not {len(raw) - 1}")
    key = VerifierKey(name, raw[1:])
    if key.key_id != int(hex_id, 16):
        raise refuse(f"the key ID should be {key.key_id:08x} for this name and key", "verifier-key-id")
    return key


@dataclass(frozen=True, slots=True)
class Signature:
    """One signature line: the key's name, its key ID and the signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The line as it appears in the note, newline included."""
        encoded = base64.b64encode(self.key_id.to_bytes(4, "big") + self.signature).decode("ascii")
        return f"{EM_DASH} {self.name} {encoded}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A note's text (its final newline included) and its signatures, in their order."""

    text: str
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def to_bytes(self) -> bytes:
        """The note exactly as published: UTF-8."""
        return str(self).encode("utf-8")


def _text_problem(text: str) -> str | None:
    """Why `text` cannot be a note's text, or None."""
    if not text.endswith("\n"):
        return "the text must end with a newline"
    bad = next((ch for ch in text if _forbidden(ch)), None)
    if bad is not None:
        return f"the text holds U+{ord(bad):04X}: no control character but newline, no lone surrogate"
    return None


def _forbidden(ch: str) -> bool:
    """An ASCII control character other than newline (C2SP), or a surrogate UTF-8 cannot carry."""
    code = ord(ch)
    return (code < 0x20 and ch != "\n") or 0xD800 <= code <= 0xDFFF


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> Note:
    """Sign `text` (which ends with a newline) with an Ed25519 key under `name`."""
    if not is_valid_name(name):
        raise InputError(_bad_name(name))
    why = _text_problem(text)
    if why is not None:
        raise InputError(problem("note-text", why))
    public = _public_bytes(private_key.public_key())
    signature = Signature(name, key_id(name, public), private_key.sign(text.encode("utf-8")))
    return Note(text, (signature,))


def parse_note(data: bytes | str, source: str | None = None) -> Note:
    """Split a signed note into its text and signature lines, refusing anything malformed.

    Signatures are not checked here (`verify_note` does): a note may carry signatures from
    keys the reader does not know, such as witnesses' cosignatures.
    """

    def refuse(why: str, line: int | None = None) -> InputError:
        return InputError(
            problem("note-malformed", f"not a signed note: {why}", file=source, line=line if source else None)
        )

    if isinstance(data, bytes):
        raw = data
        try:
            data = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise refuse(f"byte {error.start} is not UTF-8", raw.count(b"\n", 0, error.start) + 1) from None
    bad = next((i for i, ch in enumerate(data) if _forbidden(ch)), None)
    if bad is not None:
        raise refuse(f"character U+{ord(data[bad]):04X} is not allowed", data.count("\n", 0, bad) + 1)
    if not data.endswith("\n"):
        raise refuse("it must end with a newline")
    split = data.rfind("\n\n")
    if split < 0:
        raise refuse("no blank line between the text and the signatures")
    text, block = data[: split + 1], data[split + 2 :]
    first_line = text.count("\n") + 2
    lines = block.split("\n")[:-1]
    if not lines:
        raise refuse("no signature lines after the blank line", first_line)
    if len(lines) > MAX_SIGNATURES:
        raise refuse(f"{len(lines)} signature lines; at most {MAX_SIGNATURES} are read", first_line)
    signatures = []
    for number, text_line in enumerate(lines, start=first_line):
        prefix, _, rest = text_line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if prefix != EM_DASH or not is_valid_name(name) or not encoded:
            raise refuse(f"line {text_line!r} is not '{EM_DASH} <key name> <base64 signature>'", number)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise refuse(f"the signature of {name!r} is not valid base64", number) from None
        if len(raw) < 5:
            raise refuse(f"the signature of {name!r} is {len(raw)} bytes: a key ID and a signature", number)
        signatures.append(Signature(name, int.from_bytes(raw[:4], "big"), raw[4:]))
    return Note(text, tuple(signatures))


def verify_note(note: Note, key: VerifierKey) -> bool:
    """Whether `key` signed the note: one of its lines verifies and none of them fails.

    Lines from other keys are ignored, as C2SP signed-note requires; a failing line from this
    key rejects the note (the spec's SHOULD).
    """
    mine = [s for s in note.signatures if s.name == key.name and s.key_id == key.key_id]
    message = note.text.encode("utf-8")
    return bool(mine) and all(key.verify(message, s.signature) for s in mine)


def load_private_key(pem: bytes, source: str | None = None) -> Ed25519PrivateKey:
    """An Ed25519 private key from unencrypted PKCS #8 PEM, as `openssl genpkey -algorithm ed25519` writes."""

    def refuse(code: str, why: str) -> InputError:
        return InputError(problem(code, why, file=source))

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise refuse("key-encrypted", "the private key is encrypted; give it unencrypted") from None
    except (ValueError, UnsupportedAlgorithm):
        raise refuse("key-malformed", "not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise refuse("key-not-ed25519", f"the private key is {type(key).__name__}, not Ed25519")
    return key


def private_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    """The key as unencrypted PKCS #8 PEM, the form `load_private_key` reads."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
