"""SipHash-2-4 of many byte strings at once, on NumPy arrays.

The lottery needs one keyed pseudo-random value per entry id, reproducible in
any language. SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input
PRF", 2012; reference code and test vectors at https://github.com/veorq/SipHash)
is a PRF built for short inputs such as ids, has implementations in every major
language and is cheap to vectorise: it uses only 64-bit add, xor and rotate.
Cryptographic hashes (SHA-256) would need a Python loop per entry here, which
is two orders of magnitude too slow for 20 million entries.

A Polars text column is handed over as Arrow string views without copying: ids of
at most 12 bytes (the usual case) sit inline in their 16-byte views, two words that
hold the whole SipHash message; longer ids are read through Arrow's offsets-and-data
layout. `siphash24_strings` runs the compiled kernels of `statevisa.selection.compiled`
on slices of the column, on every core (`statevisa.selection.parallel`). `siphash24`,
on NumPy arrays (26 array passes per SipRound), is kept as an independent vectorised
transcription that the tests compare the kernels with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.selection import parallel

if TYPE_CHECKING:
    import pyarrow as pa

KEY_BYTES = 16
CHUNK_ROWS = 1 << 15
VIEW_BYTES = 16
INLINE_BYTES = 12
"""An Arrow string view is 16 bytes: the length (int32), then the string itself when it
has at most 12 bytes, zero-padded."""

_U64 = np.uint64
_INIT = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)


def arrow_strings(array: pa.Array) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """Return (offsets, data) of an Arrow text array in large-string layout, UTF-8 encoded."""
    import pyarrow as pa  # only the lottery hashes; a matching run need not load Arrow

    array = array.cast(pa.large_string())
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

    k0, k1 = _key_words(key)
    text = column.cast(pl.String)
    if text.null_count():
        raise ValueError("a text column to hash contains missing values")
    pieces: list[tuple[int, pa.Array]] = []
    start = 0
    for array in arrow_arrays(text):
        for offset in range(0, len(array), parallel.TASK_ROWS):
            pieces.append((start + offset, array.slice(offset, parallel.TASK_ROWS)))
        start += len(array)
    out = np.empty(len(text), dtype=_U64)

    def work(piece: tuple[int, pa.Array]) -> None:
        first, values = piece
        _hash_array(k0, k1, values, out[first : first + len(values)])

    parallel.each(pieces, work)
    return out


def arrow_arrays(text: pl.Series) -> list[pa.Array]:
    """A text column's Arrow arrays, chunk by chunk: exporting the whole column would copy it."""
    import pyarrow as pa

    arrays: list[pa.Array] = []
    for part in text.get_chunks():
        chunk = part.to_arrow(compat_level=pl.CompatLevel.newest())
        arrays += chunk.chunks if isinstance(chunk, pa.ChunkedArray) else [chunk]
    return arrays


def inline_views(array: pa.Array) -> tuple[NDArray[np.uint8], NDArray[np.int64]] | None:
    """(views, lengths) of a string-view array whose values all sit inline (at most 12 bytes,
    no missing value): each row of `views` is 16 bytes, the value from byte 4; else None."""
    import pyarrow as pa

    if not pa.types.is_string_view(array.type) or not len(array) or array.null_count:
        return None
    buffer = array.buffers()[1]
    if buffer is None:
        return None
    rows = slice(array.offset, array.offset + len(array))
    lengths = np.frombuffer(buffer, dtype="<i4").reshape(-1, VIEW_BYTES // 4)[rows, 0]
    if int(lengths.max()) > INLINE_BYTES:
        return None
    return np.frombuffer(buffer, dtype=np.uint8).reshape(-1, VIEW_BYTES)[rows], lengths.astype(np.int64)


_EDGE = np.zeros(256, dtype=np.bool_)
_EDGE[[9, 10, 11, 12, 13, 32]] = True
_EDGE[0x80:] = True
"""Bytes that may begin or end white space in UTF-8: ASCII white space, and every byte of a
multi-byte character (Unicode white space such as U+00A0 or U+3000 is one)."""


def may_need_trim(text: pl.Series) -> bool:
    """Whether some value of a text column might start or end with white space.

    False proves that trimming would change nothing; it is read from the first and last
    byte of each value's view, so a 20-million-row column is not copied to find out. Values
    over 12 bytes or missing ones answer True (the caller trims, as it would anyway).
    """
    for array in arrow_arrays(text):
        found = inline_views(array)
        if found is None:
            return True
        views, lengths = found
        if int(lengths.min()) == int(lengths.max()):
            length = int(lengths[0])
            if length and bool((_EDGE[views[:, 4]] | _EDGE[views[:, 3 + length]]).any()):
                return True
            continue
        last = views[np.arange(len(lengths)), 3 + np.maximum(lengths, 1)]
        if bool(((_EDGE[views[:, 4]] | _EDGE[last]) & (lengths > 0)).any()):
            return True
    return False


def plain_ids(text: pl.Series) -> bool:
    """Whether every value of a text column is present, non-empty, at most 12 bytes and free of
    white space at either end: then the column is its own trimmed, checked ids. Read from the
    views by a compiled loop; any other column answers False (the caller checks it in full)."""
    from statevisa.selection import compiled

    if text.dtype != pl.String or text.null_count() or not len(text):
        return False
    for array in arrow_arrays(text):
        views = _view_bytes(array)
        if views is None or not compiled.plain_views(views, _EDGE):
            return False
    return True


def view_digits(text: pl.Series) -> NDArray[np.float64] | None:
    """A text column whose every value is 1 to 12 ASCII digits, as numbers (what a float parse
    gives, exactly); None for any other column, which the caller parses and checks in full."""
    from statevisa.selection import compiled

    if text.dtype != pl.String or text.null_count() or not len(text):
        return None
    out = np.empty(len(text), dtype=np.float64)
    start = 0
    for array in arrow_arrays(text):
        views = _view_bytes(array)
        if views is None or not compiled.parse_digits(views, out[start : start + len(array)]):
            return None
        start += len(array)
    return out


def _view_bytes(array: pa.Array) -> NDArray[np.uint8] | None:
    """The 16-byte views of a string-view array with no missing value, one row each; else None."""
    import pyarrow as pa

    if not pa.types.is_string_view(array.type) or array.null_count:
        return None
    buffer = array.buffers()[1]
    if buffer is None:
        return None
    views = np.frombuffer(buffer, dtype=np.uint8).reshape(-1, VIEW_BYTES)
    return views[array.offset : array.offset + len(array)]


def _hash_array(k0: int, k1: int, array: pa.Array, out: NDArray[np.uint64]) -> None:
    """Hash one Arrow text array into `out`, compiled: from its views when every value fits
    in one, else from its offsets and data."""
    from statevisa.selection import compiled  # loads Numba: only the lottery needs it

    words = inline_words(array)
    if words is not None:
        compiled.hash_views(_U64(k0), _U64(k1), words, out)
        return
    offsets, data = arrow_strings(array)
    compiled.hash_offsets(_U64(k0), _U64(k1), offsets, data, out)


def inline_words(array: pa.Array) -> NDArray[np.uint64] | None:
    """The views of a string-view array whose values all sit inline, as two little-endian
    words per value (length and first 4 bytes, next 8 bytes); else None."""
    import pyarrow as pa

    if not pa.types.is_string_view(array.type) or not len(array) or array.null_count:
        return None
    buffer = array.buffers()[1]
    if buffer is None:
        return None
    words = np.frombuffer(buffer, dtype="<u8").reshape(-1, VIEW_BYTES // 8)
    words = words[array.offset : array.offset + len(array)]
    if int((words[:, 0] & np.uint64(0xFFFFFFFF)).max()) > INLINE_BYTES:
        return None
    return words


def _key_words(key: bytes) -> tuple[int, int]:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a SipHash key has {KEY_BYTES} bytes, got {len(key)}")
    return int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")


def siphash24(key: bytes, offsets: NDArray[np.int64], data: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """SipHash-2-4 of the messages ``data[offsets[i]:offsets[i + 1]]`` under `key`.

    Returns one unsigned 64-bit tag per message, the value ``v0 ^ v1 ^ v2 ^ v3``
    of the reference implementation (its bytes, little-endian, are the tag).
    """
    k0, k1 = _key_words(key)
    return _hash_offsets(k0, k1, offsets, data)


def _hash_offsets(
    k0: int, k1: int, offsets: NDArray[np.int64], data: NDArray[np.uint8]
) -> NDArray[np.uint64]:
    """`siphash24` with the key already split into words."""
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
    return _hash_words(k0, k1, _message_blocks(data, starts, lengths, n_blocks))


def _hash_words(
    k0: int, k1: int, blocks: NDArray[np.uint64], state: NDArray[np.uint64] | None = None
) -> NDArray[np.uint64]:
    """SipHash-2-4 of messages laid out as blocks, shape (n_blocks, messages).

    `state`, shape (5, messages), is scratch space to reuse; the result is its first row,
    so a caller that passes one copies the result out before the next call.
    """
    if state is None:
        state = np.empty((5, blocks.shape[1]), dtype=_U64)
    v0, v1, v2, v3, tmp = state
    for lane, word, init in zip((v0, v1, v2, v3), (k0, k1, k0, k1), _INIT, strict=True):
        lane.fill(word ^ init)
    for word in blocks:
        v3 ^= word
        _sip_round(v0, v1, v2, v3, tmp)
        _sip_round(v0, v1, v2, v3, tmp)
        v0 ^= word
    v2 ^= _U64(0xFF)
    for _ in range(4):
        _sip_round(v0, v1, v2, v3, tmp)
    v0 ^= v1
    v0 ^= v2
    v0 ^= v3
    result: NDArray[np.uint64] = v0
    return result


def _rotl(x: NDArray[np.uint64], bits: int, tmp: NDArray[np.uint64]) -> None:
    """Rotate `x` left by `bits` in place (three shifts: faster in NumPy than any byte shuffle)."""
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
