"""The lottery of docs/lottery.md transcribed into plain Python, one entry at a time.

This is what a third party writes from the published text: no NumPy, no code
shared with `statevisa.selection.lottery`. It is far too slow for a national
draw but lets an auditor check a few winners by hand, and the tests compare the
vectorised implementation with it, so code and documentation cannot drift apart.
"""

from __future__ import annotations

import hashlib

MASK = (1 << 64) - 1
COMMITMENT_TAG = b"statevisa lottery commitment v1\x00"
KEY_TAG = b"statevisa lottery key v1\x00"
LN2 = float.fromhex("0x1.62e42fefa39efp-1")
SQRT2 = float.fromhex("0x1.6a09e667f3bcdp+0")


def siphash24(key: bytes, message: bytes) -> int:
    """SipHash-2-4 as in the reference C code (https://github.com/veorq/SipHash)."""
    k0 = int.from_bytes(key[:8], "little")
    k1 = int.from_bytes(key[8:16], "little")
    v = [
        k0 ^ 0x736F6D6570736575,
        k1 ^ 0x646F72616E646F6D,
        k0 ^ 0x6C7967656E657261,
        k1 ^ 0x7465646279746573,
    ]

    def rotl(x: int, b: int) -> int:
        return ((x << b) | (x >> (64 - b))) & MASK

    def sip_round() -> None:
        v[0] = (v[0] + v[1]) & MASK
        v[1] = rotl(v[1], 13) ^ v[0]
        v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & MASK
        v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & MASK
        v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & MASK
        v[1] = rotl(v[1], 17) ^ v[2]
        v[2] = rotl(v[2], 32)

    tail = len(message) % 8
    body = message[: len(message) - tail]
    last = message[len(message) - tail :] + bytes(7 - tail) + bytes([len(message) & 0xFF])
    for start in range(0, len(body) + 8, 8):
        block = (body + last)[start : start + 8]
        m = int.from_bytes(block, "little")
        v[3] ^= m
        sip_round()
        sip_round()
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        sip_round()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def commitment(seed: bytes) -> str:
    """SHA-256(COMMITMENT_TAG || seed) in lowercase hex."""
    return hashlib.sha256(COMMITMENT_TAG + seed).hexdigest()


def tag(seed: bytes, entry_id: str) -> int:
    """SipHash-2-4 of the id's UTF-8 bytes under the first 16 bytes of SHA-256(KEY_TAG || seed)."""
    return siphash24(hashlib.sha256(KEY_TAG + seed).digest()[:16], entry_id.encode("utf-8"))


def exponential(entry_tag: int) -> float:
    """-ln(u), u = (2 * (tag >> 12) + 1) / 2**53, by the published operation sequence."""
    x = 2 * (entry_tag >> 12) + 1
    e = x.bit_length() - 1
    f = x / 2.0**e
    if f > SQRT2:
        f = f * 0.5
        e = e + 1
    s = (f - 1.0) / (f + 1.0)
    z = s * s
    p = 1.0 / 23.0
    for k in range(10, -1, -1):
        p = p * z + 1.0 / (2 * k + 1)
    return float(53 - e) * LN2 - (s + s) * p


def draw(seed: bytes, entries: list[tuple[str, float]], slots: int) -> list[str]:
    """Winners in order: smallest (E / weight, tag, id bytes) among entries of positive weight."""
    keyed = []
    for entry_id, weight in entries:
        if weight == 0:
            continue
        t = tag(seed, entry_id)
        keyed.append((exponential(t) / weight, t, entry_id.encode("utf-8"), entry_id))
    keyed.sort()
    return [entry_id for *_, entry_id in keyed[:slots]]
