"""The lottery's per-entry loops, compiled by Numba: SipHash-2-4, race keys, repeated tags.

In NumPy, one SipRound is 26 passes over the whole chunk (a 64-bit rotation alone is three),
so hashing 20 million ids cost about 1.1 s of CPU, the race keys' fixed `-ln` sequence
0.7 s and proving the tags distinct (a hash count in Polars) 0.65 s: three times what
reading the entry file costs. Compiled, each entry's state stays in registers: the three
take about a tenth of that. Numba's compiled code is cached beside this module (or in the
user's cache directory when that is read-only), so only the first run after an install pays
the compilation (a few seconds); later runs pay its import, about 0.25 s of CPU. Only the
lottery imports this module, so `select match` never loads Numba.

The results are bit for bit those of the NumPy and plain-Python transcriptions
(`statevisa.selection.siphash`, `statevisa.selection.lottery._exponential_chunk`,
`statevisa.selection.audit`), which the tests compare: integer operations are exact, and
the race key is the same sequence of correctly rounded double operations, which Numba
does not fuse or reorder without ``fastmath`` (not used here). Every kernel releases the
GIL, so `statevisa.selection.parallel` runs slices of it on every core.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

F = TypeVar("F", bound=Callable[..., Any])


def _compiled(function: F) -> F:
    """Compile `function` without the GIL, cached on disk; Python semantics for errors."""
    return cast(F, numba.njit(nogil=True, cache=True)(function))


_U = np.uint64
_C0, _C1 = _U(0x736F6D6570736575), _U(0x646F72616E646F6D)
_C2, _C3 = _U(0x6C7967656E657261), _U(0x7465646279746573)
_FF, _BYTE, _LOW32 = _U(0xFF), _U(8), _U(0xFFFFFFFF)
_R13, _R16, _R17, _R21, _R32 = _U(13), _U(16), _U(17), _U(21), _U(32)
_L13, _L16, _L17, _L21 = _U(51), _U(48), _U(47), _U(43)
_S12, _S56, _S63, _ONE, _ZERO = _U(12), _U(56), _U(63), _U(1), _U(0)
LN2 = float.fromhex("0x1.62e42fefa39efp-1")
SQRT2 = float.fromhex("0x1.6a09e667f3bcdp+0")
_SERIES = tuple(1.0 / (2 * k + 1) for k in range(12))


@_compiled
def _rounds(v0: Any, v1: Any, v2: Any, v3: Any, count: int) -> tuple[Any, Any, Any, Any]:
    """`count` SipRounds, exactly as in the reference code."""
    for _ in range(count):
        v0 += v1
        v1 = (v1 << _R13) | (v1 >> _L13)
        v1 ^= v0
        v0 = (v0 << _R32) | (v0 >> _R32)
        v2 += v3
        v3 = (v3 << _R16) | (v3 >> _L16)
        v3 ^= v2
        v0 += v3
        v3 = (v3 << _R21) | (v3 >> _L21)
        v3 ^= v0
        v2 += v1
        v1 = (v1 << _R17) | (v1 >> _L17)
        v1 ^= v2
        v2 = (v2 << _R32) | (v2 >> _R32)
    return v0, v1, v2, v3


@_compiled
def _start(k0: Any, k1: Any) -> tuple[Any, Any, Any, Any]:
    return k0 ^ _C0, k1 ^ _C1, k0 ^ _C2, k1 ^ _C3


@_compiled
def _absorb(v0: Any, v1: Any, v2: Any, v3: Any, word: Any) -> tuple[Any, Any, Any, Any]:
    v3 ^= word
    v0, v1, v2, v3 = _rounds(v0, v1, v2, v3, 2)
    v0 ^= word
    return v0, v1, v2, v3


@_compiled
def _finish(v0: Any, v1: Any, v2: Any, v3: Any) -> Any:
    v2 ^= _FF
    v0, v1, v2, v3 = _rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


@_compiled
def _low_bytes(word: Any, count: Any) -> Any:
    """The first `count` (0 to 7) little-endian bytes of `word`, the others zeroed."""
    return word & ((_ONE << (count * _BYTE)) - _ONE)


@_compiled
def hash_views(k0: Any, k1: Any, views: NDArray[np.uint64], out: NDArray[np.uint64]) -> None:
    """SipHash-2-4 of strings of at most 12 bytes from their Arrow views, shape (rows, 2).

    A view's first word holds the length (low 32 bits) and the first 4 bytes; the second
    word the next 8. Bytes past the length are masked, whatever the writer left there.
    """
    for row in range(views.shape[0]):
        first, second = views[row, 0], views[row, 1]
        length = first & _LOW32
        head = (first >> _R32) | (second << _R32)
        v0, v1, v2, v3 = _start(k0, k1)
        if length >= _BYTE:
            v0, v1, v2, v3 = _absorb(v0, v1, v2, v3, head)
            last = _low_bytes(second >> _R32, length - _BYTE)
        else:
            last = _low_bytes(head, length)
        v0, v1, v2, v3 = _absorb(v0, v1, v2, v3, last | (length << _S56))
        out[row] = _finish(v0, v1, v2, v3)


@_compiled
def hash_offsets(
    k0: Any, k1: Any, offsets: NDArray[np.int64], data: NDArray[np.uint8], out: NDArray[np.uint64]
) -> None:
    """SipHash-2-4 of the messages ``data[offsets[i]:offsets[i + 1]]``, any length."""
    for row in range(len(offsets) - 1):
        start, stop = offsets[row], offsets[row + 1]
        length = stop - start
        v0, v1, v2, v3 = _start(k0, k1)
        at = start
        while at + 8 <= stop:
            word = _ZERO
            for byte in range(8):
                word |= _U(data[at + byte]) << _U(8 * byte)
            v0, v1, v2, v3 = _absorb(v0, v1, v2, v3, word)
            at += 8
        last = _U(length & 0xFF) << _S56
        for byte in range(stop - at):
            last |= _U(data[at + byte]) << _U(8 * byte)
        v0, v1, v2, v3 = _absorb(v0, v1, v2, v3, last)
        out[row] = _finish(v0, v1, v2, v3)


@_compiled
def plain_views(views: NDArray[np.uint8], edge: NDArray[np.bool_]) -> bool:
    """Whether every inline view (rows of 16 bytes) holds a non-empty value whose first and
    last bytes cannot begin or end white space (`edge`, indexed by byte): trimming would
    change nothing and no id is empty."""
    for row in range(views.shape[0]):
        length = np.int64(views[row, 0]) | (np.int64(views[row, 1]) << 8)
        if length == 0 or length > 12 or views[row, 2] != 0 or views[row, 3] != 0:
            return False
        if edge[views[row, 4]] or edge[views[row, 3 + length]]:
            return False
    return True


@_compiled
def parse_digits(views: NDArray[np.uint8], out: NDArray[np.float64]) -> bool:
    """Read inline values of 1 to 12 ASCII digits as numbers (exact: below 2**53); False, with
    `out` partly written, as soon as a value is anything else."""
    for row in range(views.shape[0]):
        length = np.int64(views[row, 0]) | (np.int64(views[row, 1]) << 8)
        if length == 0 or length > 12 or views[row, 2] != 0 or views[row, 3] != 0:
            return False
        value = np.int64(0)
        for at in range(4, 4 + length):
            digit = np.int64(views[row, at]) - 48
            if digit < 0 or digit > 9:
                return False
            value = value * 10 + digit
        out[row] = float(value)
    return True


@_compiled
def exponential(tag: Any) -> float:
    """E = -ln(u), u = (2 * (tag >> 12) + 1) / 2**53: `lottery.exponential_variates`, one tag."""
    x = float((tag >> _S12) * _U(2) + _ONE)
    mantissa, exponent = math.frexp(x)
    f = mantissa * 2.0
    e = exponent - 1
    if f > SQRT2:
        f = f * 0.5
        e += 1
    s = (f - 1.0) / (f + 1.0)
    z = s * s
    p = _SERIES[11]
    for k in range(10, -1, -1):
        p = p * z
        p = p + _SERIES[k]
    p = p * (s + s)
    return float(53 - e) * LN2 - p


@_compiled
def race_keys(tags: NDArray[np.uint64], weights: NDArray[np.float64], out: NDArray[np.float64]) -> None:
    """E / weight per entry (+inf for weight 0); an empty `weights` means all 1."""
    weighted = len(weights) > 0
    for row in range(len(tags)):
        e = exponential(tags[row])
        if weighted:
            weight = weights[row]
            e = math.inf if weight == 0.0 else e / weight
        out[row] = e


@_compiled
def key_histogram(keys: NDArray[np.float64], shift: Any, counts: NDArray[np.int64]) -> bool:
    """Count finite keys by the top bits of their IEEE-754 patterns (ordered like the keys
    themselves when no sign bit is set); +inf is left out. False on a negative key or NaN."""
    bits = keys.view(np.uint64)
    for row in range(len(keys)):
        key = keys[row]
        if key != key or bits[row] >> _S63 != _ZERO:  # NaN, or a sign bit (-0.0 too)
            return False
        if key != math.inf:
            counts[bits[row] >> shift] += 1
    return True


@_compiled
def keys_in_bucket(keys: NDArray[np.float64], shift: Any, bucket: Any, out: NDArray[np.float64]) -> None:
    """Copy to `out` (sized by `key_histogram`) the keys of one bucket, in row order."""
    bits = keys.view(np.uint64)
    at = 0
    for row in range(len(keys)):
        if bits[row] >> shift == bucket:
            out[at] = keys[row]
            at += 1


@_compiled
def rows_at_most(keys: NDArray[np.float64], threshold: float, out: NDArray[np.int64]) -> int:
    """Write to `out` the rows whose key is finite and at most `threshold`; return how many."""
    at = 0
    for row in range(len(keys)):
        key = keys[row]
        if key <= threshold and key != math.inf:
            if at < len(out):
                out[at] = row
            at += 1
    return at


@_compiled
def bucket_counts(tags: NDArray[np.uint64], shift: Any, counts: NDArray[np.int64]) -> None:
    """Add to ``counts[b]`` the number of tags whose top bits (``tag >> shift``) are b."""
    for row in range(len(tags)):
        counts[tags[row] >> shift] += 1


@_compiled
def scatter(
    tags: NDArray[np.uint64], shift: Any, first: int, cursor: NDArray[np.int64], out: NDArray[np.uint64]
) -> None:
    """Place each tag of buckets ``first`` to ``first + len(cursor) - 1`` (bucket = ``tag >> shift``)
    at its bucket's cursor, advancing it; other tags are skipped."""
    start, size = _U(first), _U(len(cursor))
    for row in range(len(tags)):
        tag = tags[row]
        bucket = (tag >> shift) - start  # wraps around below `first`: one comparison
        if bucket < size:
            out[cursor[bucket]] = tag
            cursor[bucket] += 1


@_compiled
def repeats_within(grouped: NDArray[np.uint64], bounds: NDArray[np.int64], table: NDArray[np.uint64]) -> bool:
    """Whether a value occurs twice in one of the groups ``grouped[bounds[i]:bounds[i + 1]]``.

    Each group goes through an open-addressing set, `table` (a power of two at least twice
    the largest group; 0 marks a free slot, so 0 itself is counted aside), addressed by the
    low bits: tags are a keyed PRF's output, and the top bits already chose the group.
    """
    mask = _U(len(table) - 1)
    for group in range(len(bounds) - 1):
        table[:] = 0
        zeros = 0
        for at in range(bounds[group], bounds[group + 1]):
            value = grouped[at]
            if value == _ZERO:
                zeros += 1
                if zeros > 1:
                    return True
                continue
            slot = value & mask
            while table[slot] != _ZERO:
                if table[slot] == value:
                    return True
                slot = (slot + _ONE) & mask
            table[slot] = value
    return False


GROUP_ROWS = 2048
"""Tags per group when looking for a repeat: a group's set (twice as many 8-byte slots) stays
in the core's L1/L2 cache."""
TASKS = 8
"""Tasks (ranges of groups) per search: each reads every tag once and copies out its own
eighth, so its scratch space is an eighth of the tags, reused by the thread for its next task
(allocating the whole copy at once cost more in page faults than the extra reads)."""

_local = threading.local()


def has_repeats(tags: NDArray[np.uint64]) -> bool:
    """Whether some tag occurs twice: tags are grouped by their top bits (a counting sort),
    then each group is checked through a small set; ranges of groups are shared among the cores."""
    from statevisa.selection import parallel

    bits = min(20, max(3, (len(tags) // GROUP_ROWS).bit_length()))
    shift = _U(64 - bits)
    counts = np.zeros(1 << bits, dtype=np.int64)
    bucket_counts(tags, shift, counts)
    per_task = len(counts) // TASKS
    largest = int(counts.max())
    slots = 1 << max(4, (2 * largest).bit_length())
    found: list[bool] = []

    def work(first: int) -> None:
        sizes = counts[first : first + per_task]
        bounds = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=bounds[1:])
        grouped = _scratch("grouped", int(bounds[-1]), np.uint64)
        scatter(tags, shift, first, bounds[:-1].copy(), grouped)
        table = _scratch("table", slots, np.uint64)
        found.append(bool(repeats_within(grouped, bounds, table)))

    parallel.each(range(0, len(counts), per_task), work)
    return any(found)


def _scratch(name: str, size: int, dtype: type[np.uint64]) -> NDArray[np.uint64]:
    """This thread's buffer `name` of at least `size` items, kept for its next task."""
    buffer: NDArray[np.uint64] | None = getattr(_local, name, None)
    if buffer is None or len(buffer) < size:
        buffer = np.empty(size, dtype=dtype)
        setattr(_local, name, buffer)
    return buffer[:size]


def warm() -> None:
    """Load every kernel (from Numba's cache, or compile it) by calling it on a few rows of the
    types the lottery passes: Arrow buffers arrive read-only, which Numba types apart."""
    key = _U(0)
    views = np.frombuffer(bytes(32), dtype=np.uint64).reshape(2, 2)
    offsets = np.frombuffer(np.array([0, 1], dtype=np.int64).tobytes(), dtype=np.int64)
    data = np.frombuffer(b"a", dtype=np.uint8)
    tags = np.zeros(2, dtype=np.uint64)
    hash_views(key, key, views, tags)
    plain_views(views.view(np.uint8), np.zeros(256, dtype=np.bool_))
    parse_digits(views.view(np.uint8), np.empty(2))
    hash_offsets(key, key, offsets, data, tags[:1])
    keys = np.ones(2)
    race_keys(tags, keys, keys)
    smallest(keys, 1)
    has_repeats(tags)


KEY_BITS = 18
"""Buckets of the cut-off search: the sign, the 11 exponent bits and 6 mantissa bits of a key."""


def smallest(keys: NDArray[np.float64], slots: int) -> NDArray[np.int64] | None:
    """The rows, in row order, of the `slots` smallest finite keys and of every key equal to
    the last of them; None when some key is negative or NaN (the caller sorts those).

    The cut-off is the exact slots-th smallest key: a histogram of the keys' top bits finds
    its bucket, and only that bucket's keys are partitioned. No copy of the keys is made,
    where a partition or a Polars `bottom_k` copied all of them (page faults on 160 MB).
    """
    keys = np.ascontiguousarray(keys, dtype=np.float64)
    shift = _U(64 - KEY_BITS)
    counts = np.zeros(1 << KEY_BITS, dtype=np.int64)
    if not key_histogram(keys, shift, counts):
        return None
    count = int(counts.sum())
    take = min(slots, count)
    if take == 0:
        return np.zeros(0, dtype=np.int64)
    threshold = math.inf
    if take < count:
        cumulative = np.cumsum(counts)
        bucket = int(np.searchsorted(cumulative, take))
        rank = take - (int(cumulative[bucket - 1]) if bucket else 0) - 1
        inside = np.empty(int(counts[bucket]), dtype=np.float64)
        keys_in_bucket(keys, shift, _U(bucket), inside)
        threshold = float(np.partition(inside, rank)[rank])
    rows = np.empty(take + 64, dtype=np.int64)
    found = rows_at_most(keys, threshold, rows)
    if found > len(rows):  # many keys tied at the cut-off
        rows = np.empty(found, dtype=np.int64)
        rows_at_most(keys, threshold, rows)
    return rows[:found]
