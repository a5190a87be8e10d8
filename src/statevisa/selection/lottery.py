"""Verifiable weighted lotteries: commit to a seed, draw, let anyone replay the draw.

The algorithm is published in docs/lottery.md precisely enough to re-implement;
this module is its reference implementation. In short:

1. The seed is at least 16 random bytes. Its commitment, SHA-256 of a tag and the
   seed, is published before the draw; the seed is published after it.
2. Every entry gets a 64-bit tag: SipHash-2-4 of its id's UTF-8 bytes, keyed by
   the first 16 bytes of SHA-256 of another tag and the seed. The tag depends on
   the seed and the id only, so the order of rows in the entry file is irrelevant
   and nobody can move an entry up by re-sorting the file.
3. The tag's top 52 bits give a uniform variate u in (0, 1); an exponential
   variate E = -ln u is computed with a fixed sequence of IEEE-754 double
   operations (no library logarithm, whose last bit differs between platforms);
   the entry's race key is E / weight.
4. Winners are the entries with the smallest keys, in increasing key order; equal
   keys go to the smaller tag, then to the smaller id bytes.

Step 3-4 is the exponential race (Efraimidis & Spirakis 2006, "Weighted random
sampling with a reservoir", Inf. Process. Lett. 97(5)): the smallest of
independent Exp(w_i) variates is entry i with probability w_i / sum(w), and by
memorylessness the remaining order repeats that, so the winners in key order are
a successive weighted sample without replacement. With integer weights this is
exactly "draw tickets uniformly, skip owners already drawn".
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.selection.parallel import over_rows
from statevisa.selection.siphash import siphash24_strings

SEED_MIN_BYTES = 16
MIN_POSITIVE_WEIGHT = 1e-300
"""Smallest accepted positive weight: E / w stays finite (E < 37) for every w at or above it."""
COMMITMENT_TAG = b"statevisa lottery commitment v1\x00"
KEY_TAG = b"statevisa lottery key v1\x00"

LN2 = float.fromhex("0x1.62e42fefa39efp-1")
SQRT2 = float.fromhex("0x1.6a09e667f3bcdp+0")
SERIES_TERMS = 12
SERIES = tuple(1.0 / (2 * k + 1) for k in range(SERIES_TERMS))

_HEX = re.compile(r"[0-9a-fA-F]*")


def parse_seed(text: str) -> bytes:
    """Decode a hexadecimal seed of at least `SEED_MIN_BYTES` bytes.

    The minimum keeps the commitment hiding: a short seed could be found from
    its published hash by trying every value before the draw.
    """
    if not _HEX.fullmatch(text) or len(text) % 2:
        raise ValueError(f"{text!r} is not an even number of hexadecimal digits")
    seed = bytes.fromhex(text)
    if len(seed) < SEED_MIN_BYTES:
        raise ValueError(
            f"the seed has {len(seed)} bytes; use at least {SEED_MIN_BYTES} random bytes "
            f"({2 * SEED_MIN_BYTES} hex digits), for example `openssl rand -hex 32`"
        )
    return seed


def commitment(seed: bytes) -> str:
    """The value to publish before the draw: SHA-256(COMMITMENT_TAG || seed), lowercase hex."""
    return hashlib.sha256(COMMITMENT_TAG + seed).hexdigest()


def tag_key(seed: bytes) -> bytes:
    """The SipHash key of a draw: the first 16 bytes of SHA-256(KEY_TAG || seed)."""
    return hashlib.sha256(KEY_TAG + seed).digest()[:16]


def entry_tags(seed: bytes, entry_ids: pl.Series) -> NDArray[np.uint64]:
    """Each entry's 64-bit tag, SipHash-2-4 of its id's UTF-8 bytes under `tag_key(seed)`."""
    return siphash24_strings(tag_key(seed), entry_ids)


def exponential_variates(tags: NDArray[np.uint64]) -> NDArray[np.float64]:
    """E = -ln(u) for u = (2 * (tag >> 12) + 1) / 2**53, by a fixed operation sequence.

    u is an odd multiple of 2**-53, so it lies strictly inside (0, 1) and E is
    finite and positive. With x = 2 * (tag >> 12) + 1, -ln u = 53 ln 2 - ln x.
    Write x = f * 2**e with f in [1, 2) (exact), halve f once if f > SQRT2, then
    ln f = 2 atanh(s) with s = (f - 1) / (f + 1), summed as (s + s) * P(s * s)
    with P the first `SERIES_TERMS` terms of 1 + z/3 + z**2/5 + ... by Horner's
    rule. Every step is one correctly rounded IEEE-754 double operation, so any
    language that does not fuse multiply-adds gets the same bits. The work runs
    in cache-sized chunks (20 million entries would otherwise spend most of the
    time allocating temporaries), on every core.
    """
    return race_keys(tags, None)


def _exponential_chunk(tags: NDArray[np.uint64]) -> NDArray[np.float64]:
    """`exponential_variates` on one chunk."""
    x = ((tags >> np.uint64(12)) * np.uint64(2) + np.uint64(1)).astype(np.float64)
    mantissa, exponent = np.frexp(x)
    f = mantissa * 2.0
    high = f > SQRT2
    f = np.where(high, f * 0.5, f)
    e = exponent - 1 + high
    s = (f - 1.0) / (f + 1.0)
    z = s * s
    p = np.full_like(z, SERIES[-1])
    for coefficient in SERIES[-2::-1]:
        p *= z
        p += coefficient
    p *= s + s
    result: NDArray[np.float64] = (53 - e).astype(np.float64) * LN2
    result -= p
    return result


def race_keys(
    tags: NDArray[np.uint64], weights: NDArray[np.float64] | None, *, in_place: bool = False
) -> NDArray[np.float64]:
    """Each entry's race key E / weight; an entry of weight 0 gets +inf and never wins.

    Compiled (`statevisa.selection.compiled`: the same operations, one entry at a time in
    registers), in slices on every core; `_exponential_chunk` is the same sequence in NumPy.
    `in_place` lets the keys overwrite a writable float64 `weights` array the caller no
    longer needs: at 20 million entries a new array is 160 MB of fresh pages, whose faults
    cost more than computing the keys.
    """
    from statevisa.selection import compiled  # loads Numba: only the lottery needs it

    if weights is not None and len(weights) != len(tags):
        raise ValueError("one weight per entry is needed")
    every = np.zeros(0, dtype=np.float64) if weights is None else np.ascontiguousarray(weights, np.float64)
    reuse = in_place and weights is not None and every is weights and every.flags.writeable
    keys = every if reuse else np.empty(len(tags), dtype=np.float64)

    def work(start: int, stop: int) -> None:
        compiled.race_keys(tags[start:stop], every[start:stop] if len(every) else every, keys[start:stop])

    over_rows(len(tags), work)
    return keys


def load_kernels() -> threading.Thread:
    """Start loading the compiled kernels (`statevisa.selection.compiled`) in the background.

    Importing Numba and loading the cached kernels costs about 0.8 s of one core, mostly
    Python imports; started before the entry file is read, it overlaps the read, which
    leaves the Python interpreter free while Polars parses. The caller joins the thread
    before it returns; the first kernel call waits for it anyway (import and compile locks).
    """

    def load() -> None:
        from statevisa.selection import compiled

        compiled.warm()

    thread = threading.Thread(target=load, name="load lottery kernels", daemon=True)
    thread.start()
    return thread


def tags_repeat(tags: NDArray[np.uint64]) -> bool:
    """Whether two entries share a tag (distinct tags prove the ids distinct), compiled."""
    from statevisa.selection import compiled

    return compiled.has_repeats(tags)


@dataclass(frozen=True)
class Draw:
    """The outcome of a draw: row indices of the winners into the entry table, in draw order.

    `tags` and `keys` are kept for every entry so that a caller can explain a
    result ("your key was 0.031, the last winner's was 0.029").
    """

    winners: NDArray[np.int64]
    tags: NDArray[np.uint64]
    keys: NDArray[np.float64]


def draw(
    seed: bytes,
    entry_ids: pl.Series,
    slots: int,
    weights: NDArray[np.float64] | None = None,
    *,
    tags: NDArray[np.uint64] | None = None,
    reuse_weights: bool = False,
) -> Draw:
    """Draw min(`slots`, entries of positive weight) distinct winners, in draw order.

    `entry_ids` must be distinct (checked at the edge, where rows can be
    named); each weight must be 0 or finite and at least `MIN_POSITIVE_WEIGHT`,
    else ValueError, since a smaller one would overflow the race key and drop
    the entry silently. `weights=None` means all 1. `tags`, when given, are
    `entry_tags(seed, entry_ids)` already computed (the edge uses them to prove
    the ids distinct), so 20 million ids are not hashed twice. With `reuse_weights`
    the keys may be written over `weights` (see `race_keys`): the caller's array then
    holds the keys, so pass it only when the weights are not needed afterwards.
    """
    if slots < 0:
        raise ValueError("slots must be non-negative")
    if weights is not None:
        if len(weights) != len(entry_ids):
            raise ValueError("one weight per entry is needed")
        _check_weights(weights)
    if tags is None:
        tags = entry_tags(seed, entry_ids)
    elif len(tags) != len(entry_ids):
        raise ValueError("one tag per entry is needed")
    keys = race_keys(tags, weights, in_place=reuse_weights)
    return Draw(winners=order_by_key(keys, tags, entry_ids, slots), tags=tags, keys=keys)


def _check_weights(weights: NDArray[np.float64]) -> None:
    """Refuse a weight that is not 0 or finite and at least `MIN_POSITIVE_WEIGHT`.

    Two reductions settle the usual table (every weight positive and finite; NaN fails
    both comparisons); only another one pays for the cell-by-cell test.
    """
    if len(weights) == 0 or (weights.min() >= MIN_POSITIVE_WEIGHT and weights.max() < np.inf):
        return
    refused = ~np.isfinite(weights) | (weights < 0) | ((weights > 0) & (weights < MIN_POSITIVE_WEIGHT))
    if refused.any():
        raise ValueError(f"weight {weights[refused][0]!r} is neither 0 nor in [{MIN_POSITIVE_WEIGHT:g}, inf)")


def order_by_key(
    keys: NDArray[np.float64],
    tags: NDArray[np.uint64],
    entry_ids: pl.Series,
    slots: int,
    eligible: NDArray[np.bool_] | None = None,
) -> NDArray[np.int64]:
    """The `slots` eligible rows with the smallest (key, tag, id bytes), in that order.

    Rows with an infinite key (weight 0) are never chosen; `eligible` restricts
    the race further (the H-1B advanced-degree round).
    """
    if eligible is None and len(keys):
        from statevisa.selection import compiled

        found = compiled.smallest(keys, slots)
        if found is not None:
            return _in_order(found, keys, tags, entry_ids)[:slots].astype(np.int64, copy=False)
    usable = np.isfinite(keys)
    if eligible is not None:
        usable &= eligible
    everyone = bool(usable.all())
    count = len(keys) if everyone else int(np.count_nonzero(usable))
    take = min(slots, count)
    if take == 0:
        return np.zeros(0, dtype=np.int64)
    candidates = keys if everyone else keys[usable]
    if take < count:  # the take-th smallest key; Polars finds it on every core
        threshold = float(pl.Series(candidates).bottom_k(take).to_numpy().max())
        rows = np.flatnonzero((keys <= threshold) & usable)
    else:
        rows = np.flatnonzero(usable)
    return _in_order(rows, keys, tags, entry_ids)[:take].astype(np.int64, copy=False)


def _in_order(
    rows: NDArray[np.int64], keys: NDArray[np.float64], tags: NDArray[np.uint64], entry_ids: pl.Series
) -> NDArray[np.int64]:
    """`rows` sorted by (key, tag, id bytes)."""
    order = np.lexsort((tags[rows], keys[rows]))
    ranked = rows[order]
    ranked_keys, ranked_tags = keys[ranked], tags[ranked]
    tied = (ranked_keys[1:] == ranked_keys[:-1]) & (ranked_tags[1:] == ranked_tags[:-1])
    if tied.any():
        ranked = _break_full_ties(ranked, keys, tags, entry_ids)
    return ranked


def _break_full_ties(
    ranked: NDArray[np.int64],
    keys: NDArray[np.float64],
    tags: NDArray[np.uint64],
    entry_ids: pl.Series,
) -> NDArray[np.int64]:
    """Re-sort candidates by (key, tag, id bytes): needed only when key and tag both collide."""
    frame = pl.DataFrame(
        {
            "row": ranked,
            "key": keys[ranked],
            "tag": tags[ranked],
            "id": entry_ids.gather(ranked).cast(pl.String).cast(pl.Binary),
        }
    )
    return frame.sort(["key", "tag", "id"])["row"].to_numpy()


@dataclass(frozen=True)
class Discrepancy:
    """The first difference between published winners and the replayed draw.

    `position` is the 0-based index in the published winner list (equal to its
    length when the published list is too short).
    """

    position: int
    expected: str | None
    found: str | None


def first_discrepancy(expected_ids: pl.Series, published_ids: pl.Series) -> Discrepancy | None:
    """Compare the replayed winner ids with the published ones, in order; None when equal."""
    common = min(len(expected_ids), len(published_ids))
    expected_head = expected_ids.head(common).cast(pl.String)
    published_head = published_ids.head(common).cast(pl.String)
    differs = np.flatnonzero((expected_head != published_head).to_numpy())
    if len(differs):
        at = int(differs[0])
        return Discrepancy(at, str(expected_head[at]), str(published_head[at]))
    if len(expected_ids) > common:
        return Discrepancy(common, str(expected_ids[common]), None)
    if len(published_ids) > common:
        return Discrepancy(common, None, str(published_ids[common]))
    return None
