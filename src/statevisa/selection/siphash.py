"""SipHash-2-4 of many byte strings at once, on NumPy arrays.

The lottery needs one keyed pseudo-random value per entry id, reproducible in
any language. SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input
PRF", 2012; reference code and test vectors at https://github.com/veorq/SipHash)
is a PRF built for short inputs such as ids, has implementations in every major
language and is cheap to vectorise: it uses only 64-bit add, xor and rotate.
Cryptographic hashes (SHA-256) would need a Python loop per entry here, which
is two orders of magnitude too slow for 20 million entries.

Strings arrive in Arrow layout (an ``offsets`` array and a ``data`` byte
buffer), so a Polars or PyArrow column is hashed without copying each string.
Work is done in chunks that stay in the CPU cache; the loop runs over chunks and
message lengths, never over entries.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

KEY_BYTES = 16
CHUNK_ROWS = 1 << 16

_U64 = np.uint64
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def arrow_strings(column: pl.Series) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """Return (offsets, data) of a text column in Arrow large-string layout, UTF-8 encoded."""
    import pyarrow as pa  # only the lottery hashes; a matching run need not load Arrow

    array = column.cast(pl.String).to_arrow()
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.large_string())
    if array.null_count:
        raise ValueError("a text column to hash contains missing values")
    _, offsets_buffer, data_buffer = array.buffers()
    if offsets_buffer is None:
        raise ValueError("a text column to hash has no offsets buffer")
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


def siphash24_strings(key: bytes, column: pl.Series) -> NDArray[np.uint64]:
    """SipHash-2-4 of each value of a text column (its UTF-8 bytes) under a 16-byte key."""
    offsets, data = arrow_strings(column)
    return siphash24(key, offsets, data)


def siphash24(key: bytes, offsets: NDArray[np.int64], data: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """SipHash-2-4 of the messages ``data[offsets[i]:offsets[i + 1]]`` under `key`.

    Returns one unsigned 64-bit tag per message, the value ``v0 ^ v1 ^ v2 ^ v3``
    of the reference implementation (its bytes, little-endian, are the tag).
    """
    if len(key) != KEY_BYTES:
        raise ValueError(f"a SipHash key has {KEY_BYTES} bytes, got {len(key)}")
    k0 = int.from_bytes(key[:8], "little")
    k1 = int.from_bytes(key[8:], "little")
    count = len(offsets) - 1
    out = np.empty(count, dtype=_U64)
    for start in range(0, count, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, count)
        starts = offsets[start:stop]
        lengths = offsets[start + 1 : stop + 1] - starts
        blocks = lengths // 8 + 1
        if blocks.min() == blocks.max():
            out[start:stop] = _hash_group(k0, k1, data, starts, lengths, int(blocks[0]))
            continue
        for n_blocks in np.unique(blocks):
            rows = np.flatnonzero(blocks == n_blocks)
            out[start + rows] = _hash_group(k0, k1, data, starts[rows], lengths[rows], int(n_blocks))
    return out


def _message_blocks(
    data: NDArray[np.uint8], starts: NDArray[np.int64], lengths: NDArray[np.int64], n_blocks: int
) -> NDArray[np.uint64]:
    """Lay out messages as SipHash blocks: shape (n_blocks, messages), little-endian words.

    The last byte of the last block is the message length modulo 256; the bytes
    between the message and that length byte are zero (the reference padding).
    """
    width = 8 * n_blocks
    rows = len(starts)
    padded = np.zeros((rows, width), dtype=np.uint8)
    if rows and lengths.min() == lengths.max():
        length = int(lengths[0])
        contiguous = rows == 1 or bool((np.diff(starts) == length).all())
        if contiguous:
            first = int(starts[0])
            padded[:, :length] = data[first : first + rows * length].reshape(rows, length)
        else:
            padded[:, :length] = data[starts[:, None] + np.arange(length)]
    elif rows:
        columns = np.arange(width - 1)
        inside = columns[None, :] < lengths[:, None]
        index = np.where(inside, starts[:, None] + columns[None, :], 0)
        padded[:, : width - 1] = np.where(inside, data[index], 0)
    padded[:, width - 1] = (lengths & 0xFF).astype(np.uint8)
    words = padded.view("<u8").astype(_U64, copy=False)
    return np.ascontiguousarray(words.T)


def _hash_group(
    k0: int,
    k1: int,
    data: NDArray[np.uint8],
    starts: NDArray[np.int64],
    lengths: NDArray[np.int64],
    n_blocks: int,
) -> NDArray[np.uint64]:
    """Hash messages that all have `n_blocks` blocks, lane by lane."""
    blocks = _message_blocks(data, starts, lengths, n_blocks)
    rows = len(starts)
    v0 = np.full(rows, k0 ^ _INIT[0], dtype=_U64)
    v1 = np.full(rows, k1 ^ _INIT[1], dtype=_U64)
    v2 = np.full(rows, k0 ^ _INIT[2], dtype=_U64)
    v3 = np.full(rows, k1 ^ _INIT[3], dtype=_U64)
    tmp = np.empty(rows, dtype=_U64)
    state = (v0, v1, v2, v3, tmp)
    for word in blocks:
        v3 ^= word
        _sip_round(*state)
        _sip_round(*state)
        v0 ^= word
    v2 ^= _U64(0xFF)
    for _ in range(4):
        _sip_round(*state)
    v0 ^= v1
    v0 ^= v2
    v0 ^= v3
    return v0


def _rotl(x: NDArray[np.uint64], bits: int, tmp: NDArray[np.uint64]) -> None:
    """Rotate `x` left by `bits` in place."""
    np.left_shift(x, _U64(bits), out=tmp)
    np.right_shift(x, _U64(64 - bits), out=x)
    np.bitwise_or(x, tmp, out=x)


def _sip_round(
    v0: NDArray[np.uint64],
    v1: NDArray[np.uint64],
    v2: NDArray[np.uint64],
    v3: NDArray[np.uint64],
    tmp: NDArray[np.uint64],
) -> None:
    """One SipRound, exactly as in the reference code, on every lane in place."""
    v0 += v1
    _rotl(v1, 13, tmp)
    v1 ^= v0
    _rotl(v0, 32, tmp)
    v2 += v3
    _rotl(v3, 16, tmp)
    v3 ^= v2
    v0 += v3
    _rotl(v3, 21, tmp)
    v3 ^= v0
    v2 += v1
    _rotl(v1, 17, tmp)
    v1 ^= v2
    _rotl(v2, 32, tmp)
