"""The Merkle tree of RFC 9162 §2.1: tree hashes, inclusion and consistency proofs.

Written against the RFC text (https://www.rfc-editor.org/rfc/rfc9162#section-2.1), the same
tree as RFC 6962, so Certificate Transparency tooling, the Go checksum database and the C2SP
witness network compute the same roots. Leaves enter as their leaf hashes
SHA-256(0x00 || leaf): that is what the store keeps, so nothing is rehashed from event bytes
to answer a proof.

Cost, for a log of n leaves:

- `root(leaf_hashes)`: n - 1 node hashes (0.4-1.0 s for a million on the project's shared
  2-core machine, 1.3-3x the bare SHA-256 calls; docs/benchmarks.md), memory for n / 2 hashes.
- `MerkleTree(leaf_hashes)`: the same n - 1 hashes once, keeping every node (about 2n hashes of
  memory), after which each inclusion or consistency proof, for the full tree or any smaller
  size, takes O(log² n) lookups and at most O(log² n) hashes. Building the tree is the O(n)
  part of answering one proof; keep it to answer many.
- `Frontier`: the right edge of the tree (a "compact range"), one perfect-subtree root per set
  bit of the size: append in amortised O(1), root in O(log n), so a checkpoint can be signed
  after every append without reading the log.

Verification follows §2.1.3.2 and §2.1.4.2 step by step. Two cases the RFC leaves open are
decided here: a consistency proof between equal sizes is empty and the roots must be equal;
from size 0 it is empty and the old root must be the empty tree's hash (every tree extends the
empty tree; transparency-dev refuses this case, C2SP's CCTV vectors accept it).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

from statevisa.errors import InputError, problem

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = HASH(): the root of the empty tree."""

_LEAF = b"\x00"
_NODE = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    """SHA-256(0x00 || leaf): the hash a leaf enters the tree as (RFC 9162 §2.1.1)."""
    return hashlib.sha256(_LEAF + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): an interior node (RFC 9162 §2.1.1)."""
    return hashlib.sha256(_NODE + left + right).digest()


def _split(n: int) -> int:
    """k, the largest power of two smaller than n (n > 1): MTH splits D[n] into D[0:k], D[k:n]."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    bad = next((i for i, h in enumerate(hashes) if len(h) != HASH_SIZE), None)
    if bad is not None:
        raise InputError(
            problem(
                "hash-size",
                f"{what} {bad} is {len(hashes[bad])} bytes; a SHA-256 hash is {HASH_SIZE}",
            )
        )


def _pair_up(level: Sequence[bytes]) -> list[bytes]:
    """The level above: adjacent pairs hashed, an odd last node carried up unchanged.

    Pairing left to right and carrying the odd node builds exactly the tree of MTH's
    largest-power-of-two split (RFC 9162 §2.1.1); the tests check it against the recursive
    definition.
    """
    sha256 = hashlib.sha256
    above = [sha256(_NODE + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        above.append(level[-1])
    return above


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over the leaves whose hashes are given, in log order (n - 1 hashes)."""
    _check_hashes(leaf_hashes, "leaf hash")
    if not leaf_hashes:
        return EMPTY_ROOT
    level: Sequence[bytes] = leaf_hashes
    while len(level) > 1:
        level = _pair_up(level)
    return level[0]


class MerkleTree:
    """Every node of the tree over a list of leaf hashes, to answer many proofs cheaply.

    Level L holds the roots of the aligned ranges [j·2^L, min((j+1)·2^L, n)); every range
    the RFC's recursions visit is one of those or splits into O(log n) of them, so proofs
    for the full tree or any earlier size never rehash leaves.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        _check_hashes(leaf_hashes, "leaf hash")
        levels = [list(leaf_hashes)]
        while len(levels[-1]) > 1:
            levels.append(_pair_up(levels[-1]))
        self._levels = levels

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def leaf_hash(self, index: int) -> bytes:
        """The hash of leaf `index`."""
        self._check_index(index, self.size)
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (all of them by default)."""
        size = self._check_size(size)
        return self._range(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, nearest sibling first."""
        size = self._check_size(size)
        self._check_index(index, size)
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
                path.append(self._range(start + k, end))
                end = start + k
            else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
                path.append(self._range(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1, deepest node first.

        Empty when the sizes are equal or the old tree is empty: there is nothing to prove.
        """
        new_size = self._check_size(new_size)
        if old_size < 0 or old_size > new_size:
            raise InputError(
                problem(
                    "consistency-sizes",
                    f"cannot prove size {old_size} consistent with size {new_size}: "
                    f"the old size must be between 0 and {new_size}",
                )
            )
        if old_size in (0, new_size):
            return []
        path: list[bytes] = []
        start, end, m, known = 0, new_size, old_size, True
        while m != end - start:  # SUBPROOF(m, D[start:end], known)
            k = _split(end - start)
            if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
                path.append(self._range(start + k, end))
                end = start + k
            else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
                path.append(self._range(start, start + k))
                start, m, known = start + k, m - k, False
        if not known:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            path.append(self._range(start, end))
        path.reverse()
        return path

    def _range(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for 0 <= start < end <= size, from stored nodes where they exist."""
        width = end - start
        level = (width - 1).bit_length()
        aligned = start % (1 << level) == 0
        if aligned and (width == 1 << level or end == self.size):
            return self._levels[level][start >> level]
        k = _split(width)
        return node_hash(self._range(start, start + k), self._range(start + k, end))

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise InputError(
                problem("tree-size", f"tree size {size} is not between 0 and the log's {self.size} leaves")
            )
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            span = f"0 to {size - 1}" if size else "none: the tree is empty"
            raise InputError(
                problem("leaf-index", f"leaf index {index} is not in a tree of size {size} (indices {span})")
            )


class Frontier:
    """The right edge of the tree: one perfect-subtree root per set bit of the size.

    A log appends here as it appends leaves and signs `root()` without reading them back; the
    state (`size`, `hashes`) is small enough to store beside each checkpoint and resume from.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Iterable[bytes] = ()) -> None:
        stored = list(hashes)
        if size < 0 or len(stored) != size.bit_count():
            raise InputError(
                problem(
                    "frontier-state",
                    f"a tree of {size} leaves has {max(size, 0).bit_count()} frontier hashes, "
                    f"not {len(stored)}",
                )
            )
        _check_hashes(stored, "frontier hash")
        self._size = size
        self._hashes = stored

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The perfect-subtree roots, largest (leftmost) first: the state to store."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf by its hash: merge equal-sized subtrees as a binary counter carries."""
        if len(leaf_hash) != HASH_SIZE:
            raise InputError(
                problem("hash-size", f"leaf hash is {len(leaf_hash)} bytes; a SHA-256 hash is {HASH_SIZE}")
            )
        hashes = self._hashes
        hashes.append(leaf_hash)
        carry = self._size
        while carry & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            carry >>= 1
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append several leaves in order."""
        for item in leaf_hashes:
            self.append(item)

    def root(self) -> bytes:
        """MTH of everything appended: the subtrees folded right to left (O(log n) hashes)."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = node_hash(left, result)
        return result


def _all_hashes(hashes: Iterable[bytes]) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], tree_root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove the leaf hash `leaf` at `index` under `tree_root`?"""
    if not _all_hashes([leaf, tree_root, *path]) or not 0 <= index < size:  # step 1
        return False
    fn, sn = index, size - 1  # step 2
    r = leaf  # step 3
    for p in path:  # step 4
        if sn == 0:  # 4a
            return False
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1  # 4c
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, tree_root)  # step 5


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does `path` prove the tree (old_size, old_root) a prefix of (new_size, new_root)?"""
    if not _all_hashes([old_root, new_root, *path]) or not 0 <= old_size <= new_size:
        return False
    if old_size == 0:  # the empty tree is a prefix of every tree; nothing to prove
        empty_new = new_size > 0 or hmac.compare_digest(new_root, EMPTY_ROOT)
        return not path and hmac.compare_digest(old_root, EMPTY_ROOT) and empty_new
    if old_size == new_size:
        return not path and hmac.compare_digest(old_root, new_root)
    if not path:  # step 1
        return False
    nodes = list(path)
    if old_size & (old_size - 1) == 0:  # step 2: first is an exact power of 2
        nodes.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = nodes[0]  # step 5
    for c in nodes[1:]:  # step 6
        if sn == 0:  # 6a
            return False
        if fn & 1 or fn == sn:  # 6b
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1  # 6c
        sn >>= 1
    # step 7
    return hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root) and sn == 0
