"""Divisor methods (Jefferson, Webster, Adams, Huntington-Hill), exactly, in bounded work.

The next seat goes to the unit with the largest priority ``weight / d(seats held)``; an
exactly equal claim goes to the larger weight, then the earlier row. Two paths give the
same answer:

- a float fast path: float64 priorities (a bisection on the divisor, then a check of the
  cut: seats closer to it than 1e-12 relative are re-ranked in exact rationals). It is
  taken only where floats keep the unit (totals up to 2**40, positive weights within
  2**400 of each other) and every loop in it has a fixed cap; when a cap is hit it gives
  up rather than guess;
- an exact path, otherwise (and whenever the fast path gives up): the divisor
  ``lambda = P / Q`` solving ``sum(max(minimum, w / lambda)) = total - n`` is found by
  water-filling over the sorted weights, seats are counted at it in integer arithmetic,
  which leaves at most 2n seats, handed out one by one from a priority queue of exact
  keys. Its work is O(n log n) big-integer operations, whatever the total.

Also here, because Hamilton and `equal` need them too: the tie order, and the weights as
exact integers.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import NDArray

FLOAT_SEATS: Final = 2**40
"""Divisor methods use float priorities only up to this total; beyond it, exact integers."""
FLOAT_RANGE: Final = 400
"""... and only when every positive weight is within 2**400 of the largest (no underflow)."""
_TOL: Final = 1e-12  # float priorities are good to ~4e-16; anything closer is re-ranked exactly
_BISECTIONS: Final = 200
_STEPS: Final = 64

Weights = NDArray[np.float64]
Seats = NDArray[np.int64]


def tie_order(w: Weights) -> NDArray[np.intp]:
    """Row order for exact ties: larger weight first, then the earlier row."""
    return np.lexsort((np.arange(w.size), -w))


def exact_integers(w: Weights) -> list[int]:
    """The float weights times one power of two, as exact Python integers (ratios unchanged)."""
    if (w == np.floor(w)).all() and w.max() < 2.0**53:
        return [int(x) for x in w.astype(np.int64)]
    mantissa, exponent = np.frexp(w)
    digits = (np.ldexp(mantissa, 53)).astype(np.int64)  # exact: 53-bit significands
    shifts = exponent.astype(np.int64) - 53
    low = int(shifts[w > 0].min())
    return [int(d) << int(s - low) if d else 0 for d, s in zip(digits, shifts, strict=True)]


def divisor(w: Weights, total: int, minimum: int, method: str) -> Seats:
    """Divisor method: the seats above `minimum` with the largest priorities, exactly."""
    base = np.full(w.size, minimum, dtype=np.int64)
    rest = total - w.size * minimum
    if rest == 0:
        return base
    if method in {"huntington-hill", "adams"} and minimum == 0:
        owed = np.flatnonzero(w > 0)  # d(0) = 0: every positive unit's first seat comes first
        if owed.size >= rest:
            base[owed[tie_order(w[owed])][:rest]] += 1
            return base
    exponents = np.frexp(w[w > 0])[1]
    if total <= FLOAT_SEATS and int(exponents.max() - exponents.min()) <= FLOAT_RANGE:
        found = _divisor_float(np.ldexp(w, -int(exponents.max())), base, rest, method)
        if found is not None:
            return found
    return _divisor_exact(exact_integers(w), minimum, rest, method)


def _denominators(method: str, a: NDArray[np.int64]) -> NDArray[np.float64]:
    """d(a) for the divisor method: the divisor a unit holding `a` seats is judged by."""
    af = a.astype(np.float64)
    if method == "jefferson":
        return af + 1.0
    if method == "webster":
        return af + 0.5
    if method == "adams":
        return af
    return np.sqrt(af * (af + 1.0))


def _priority(method: str, w: Weights, a: NDArray[np.int64]) -> NDArray[np.float64]:
    """Float priority of the next seat of a unit holding `a` seats (inf if d = 0, nan if w = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 only for zero weights
        return np.asarray(w / _denominators(method, a), dtype=np.float64)


def _count(method: str, x: NDArray[np.float64]) -> NDArray[np.int64]:
    """N(x) = #{a >= 0 : d(a) < x}: the seats a unit earns when weight / divisor = x."""
    if method == "jefferson":
        n = np.ceil(x) - 1.0
    elif method == "webster":
        n = np.ceil(x - 0.5)
    elif method == "adams":
        n = np.ceil(x)
    else:
        n = np.ceil((np.sqrt(1.0 + 4.0 * x * x) - 1.0) / 2.0)
    return np.maximum(n, 0.0).astype(np.int64)


def _divisor_float(w: Weights, base: Seats, rest: int, method: str) -> Seats | None:
    """Float path (weights scaled to a largest of ~1): None when a loop reaches its cap.

    A bisection on the divisor lambda finds allocations ``max(base, N(w / lambda))``
    summing to at most `rest` above base; the few seats left go one per unit by
    priority; `_settle` then makes the cut exact.
    """
    pos = w > 0
    first_free = method in {"huntington-hill", "adams"}
    target = int(base.sum()) + rest
    wp = w[pos]

    def allocation(lam: float) -> Seats:
        out = base.copy()
        out[pos] = np.maximum(base[pos], _count(method, wp / lam))
        return out

    lowest = max(int(base.max()), 1 if first_free else 0)
    # Just above the largest first priority above base, so that allocation(hi) sums to <= target.
    hi = float(wp.max()) / float(_denominators(method, np.array([lowest]))[0]) * (1.0 + 1e-9)
    lo = float(w.sum()) / (target + w.size + 1)
    for _ in range(_BISECTIONS):
        mid = math.sqrt(lo * hi)
        if not lo < mid < hi or hi / lo - 1.0 < 1e-14:
            break
        if int(allocation(mid).sum()) <= target:
            hi = mid
        else:
            lo = mid
    alloc = allocation(hi)
    left = target - int(alloc.sum())
    idx = np.flatnonzero(pos)
    if not 0 <= left <= 4 * idx.size:
        return None
    while left > 0:  # at most five rounds: each gives every unit a seat, or the last `left`
        nxt = _priority(method, w[idx], alloc[idx])
        take = idx if left >= idx.size else idx[np.argpartition(-nxt, left - 1)[:left]]
        alloc[take] += 1
        left -= take.size
    return _settle(w, alloc, base, method)


def _exact_key(method: str, weight: int | float, a: int, row: int) -> tuple[int, Fraction, Fraction, int]:
    """Sort key (ascending = stronger claim) of seat number a + 1 of a unit, in exact rationals."""
    fw = Fraction(weight)
    if method in {"huntington-hill", "adams"} and a == 0:
        return (0, Fraction(0), -fw, row)
    if method == "huntington-hill":
        value = fw * fw / (a * (a + 1))  # squared priority: same order, no square root
    elif method == "adams":
        value = fw / a
    elif method == "webster":
        value = fw / Fraction(2 * a + 1, 2)
    else:
        value = fw / (a + 1)
    return (1, -value, -fw, row)


def _settle(w: Weights, alloc: Seats, base: Seats, method: str) -> Seats | None:
    """Make the cut exact: re-rank, in rationals, every seat whose float priority is near it.

    Given seats are those above `base`. If the weakest given seat clearly beats the
    strongest refused one, the allocation is exact. Otherwise every seat whose float
    priority lies in [weakest given (1 - tol), strongest refused (1 + tol)] is
    ambiguous: all seats above the band are given, all below refused (float error is
    far below tol), so the ambiguous ones are ranked exactly and the best are kept.
    A band wider than `_STEPS` seats of one unit means floats cannot tell: None.
    """
    pos = w > 0
    given = pos & (alloc > base)
    if not given.any():
        return alloc
    last = _priority(method, w, np.maximum(alloc - 1, 0))
    nxt = _priority(method, w, alloc)
    weakest = float(last[given].min())
    strongest = float(nxt[pos].max())
    if weakest > strongest * (1.0 + _TOL):
        return alloc
    lo, hi = weakest * (1.0 - _TOL), strongest * (1.0 + _TOL)
    if not 0.0 < lo <= hi < math.inf:
        return None
    alloc = alloc.copy()
    units = np.flatnonzero(pos & ((given & (last <= hi)) | (nxt >= lo)))
    wu, floor_u = w[units], base[units]
    bottom, top = alloc[units].copy(), alloc[units].copy()
    for _ in range(_STEPS):
        down = (bottom > floor_u) & (_priority(method, wu, np.maximum(bottom - 1, 0)) <= hi)
        if not down.any():
            break
        bottom[down] -= 1
    else:
        return None
    for _ in range(_STEPS):
        up = _priority(method, wu, top) >= lo
        if not up.any():
            break
        top[up] += 1
    else:
        return None
    places = int((alloc[units] - bottom).sum())
    alloc[units] = bottom
    counts = top - bottom
    rows = np.repeat(units, counts)
    seats = (
        np.repeat(bottom, counts)
        + np.arange(int(counts.sum()))
        - np.repeat(np.cumsum(counts) - counts, counts)
    )
    keys = sorted(
        (_exact_key(method, float(w[r]), int(a), int(r)), int(r)) for r, a in zip(rows, seats, strict=True)
    )
    for _, row in keys[:places]:
        alloc[row] += 1
    return alloc


def _seats_below(method: str, weight: int, p: int, q: int) -> int:
    """N = #{a >= 0 : d(a) < weight / lambda} for lambda = p / q, in integer arithmetic."""
    x = weight * q  # d(a) < x / p
    if method == "jefferson":  # (a + 1) p < x
        return (x - 1) // p
    if method == "adams":  # a p < x
        return (x - 1) // p + 1
    if method == "webster":  # (2a + 1) p < 2x
        return ((2 * x - 1) // p + 1) // 2
    k = (x * x - 1) // (p * p)  # a (a + 1) p^2 < x^2  <=>  a (a + 1) <= k  <=>  (2a + 1)^2 <= 4k + 1
    return (math.isqrt(4 * k + 1) - 1) // 2 + 1


def _divisor_exact(ints: list[int], minimum: int, rest: int, method: str) -> Seats:
    """Exact divisor method in O(n log n) integer operations, for any total and any weights.

    With C(lambda) = sum(max(minimum, N(w / lambda))) and G(lambda) = sum(max(minimum,
    w / lambda)), N(x) lies in [ceil(x) - 1, ceil(x)] for every method (a <= d(a) <= a + 1),
    so G - n <= C < G + n. Choosing lambda with G = target - n (water-filling down the
    weights sorted large to small) gives target - 2n <= C < target: every seat counted at
    lambda has a priority above it, so it belongs to the answer, and the at most 2n seats
    left are the next ones by exact priority, taken from a heap.
    """
    units = [i for i, x in enumerate(ints) if x > 0]
    n = len(units)
    alloc = [minimum] * len(ints)
    left = rest
    if rest > 2 * n:
        target = n * minimum + rest - n  # what G(lambda) must equal
        down = sorted(units, key=lambda i: -ints[i])
        p, free = 0, 0
        for j, i in enumerate(down):  # free set = the j + 1 largest while G(w_j / minimum) <= target
            if j and minimum * (p + ints[i]) + minimum * (n - j - 1) * ints[i] > target * ints[i]:
                break
            p += ints[i]
            free = j + 1
        q = target - minimum * (n - free)
        for i in units:
            alloc[i] = max(minimum, _seats_below(method, ints[i], p, q))
        left = n * minimum + rest - sum(alloc[i] for i in units)
        if not 0 < left <= 2 * n:
            raise AssertionError(f"exact divisor left {left} seats for {n} units (a bug, please report)")
    heap = [_exact_key(method, ints[i], alloc[i], i) for i in units]
    heapq.heapify(heap)
    for _ in range(left):
        row = heapq.heappop(heap)[-1]
        alloc[row] += 1
        heapq.heappush(heap, _exact_key(method, ints[row], alloc[row], row))
    return np.array(alloc, dtype=np.int64)
