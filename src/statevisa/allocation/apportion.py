"""Apportionment: share a whole number of seats (or visas) in proportion to weights.

One entry point, `apportion(weights, total, method, minimum)`, plus `with_floor` for
a fixed number per unit before the proportional split (S. 1040's W visa: 5,000 per
state, then 245,000 by population). Methods and their sources:

- ``hamilton``: largest remainder (Hamilton 1792; the House 1850-1900). Stays within
  quota but suffers the Alabama paradox (M. Balinski and H. P. Young, *Fair
  Representation*, 2nd ed., 2001).
- ``jefferson`` (D'Hondt), ``webster`` (Sainte-Lague), ``adams``,
  ``huntington-hill`` (equal proportions, the House since 1941, 2 U.S.C. § 2a): divisor
  methods. The next seat goes to the unit with the largest priority
  ``weight / d(seats held)`` where d(a) is a + 1, a + 1/2, a and sqrt(a(a + 1))
  (Balinski and Young, *Fair Representation*). They are house-monotone.
- ``equal``: the same share for every unit, whatever its weight (Heartland's
  `equal` alternative and its quarterly split, heartland.md §5.1, §5.2 rule 9).

Tie-break, one rule for every method (heartland.md §5.1 `cap.apportionment.tie_break`):
an exactly equal claim goes to the larger weight, then to the earlier row. Callers
that want "lower FIPS first" pass rows in FIPS order (the CLI does).

Exactness. Divisor methods pick seats with float64 priorities (fast, vectorised), then
check the cut: when the smallest priority given and the largest refused are closer
than 1e-12 (relative), every seat in that band is re-ranked with exact rational
arithmetic (`fractions.Fraction` of the float weights; Huntington-Hill compares
squared priorities, so no square root is rounded). Hamilton works in exact integers.
The result is therefore the exact one, ties included, not merely a float one.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Final, Literal, get_args

import numpy as np
from numpy.typing import NDArray

Method = Literal["hamilton", "huntington-hill", "webster", "jefferson", "adams", "equal"]
METHODS: Final[tuple[Method, ...]] = get_args(Method)
DIVISOR_METHODS: Final[frozenset[str]] = frozenset({"huntington-hill", "webster", "jefferson", "adams"})

_TOL: Final = 1e-12  # float priorities are good to ~4e-16; anything closer is re-ranked exactly
_INT_SAFE: Final = 2**62

Weights = NDArray[np.float64]
Seats = NDArray[np.int64]


def apportion(weights: Weights, total: int, method: Method, minimum: int = 0) -> Seats:
    """Share `total` among units in proportion to `weights`; each unit gets at least `minimum`.

    ``minimum=0`` means no minimum; the House uses 1 (U.S. Const. art. I § 2 cl. 3).
    Huntington-Hill and Adams give every unit of positive weight a first seat before
    any unit gets a second (d(0) = 0); with fewer seats than such units the seats go
    by the tie-break (larger weight, then earlier row). A zero weight gets only the
    minimum. Raises `ValueError` with the reason for bad input.
    """
    w = _validated(weights, total, method, minimum)
    base = np.full(w.size, minimum, dtype=np.int64)
    rest = total - int(base.sum())
    if method == "equal":
        return base + _equal(w, rest)
    if method == "hamilton":
        return _hamilton_with_minimum(w, total, minimum)
    return _divisor(w, base, rest, method)


def with_floor(weights: Weights, total: int, floor: int, method: Method, minimum: int = 0) -> Seats:
    """Give every unit `floor`, then apportion the rest of `total` by `method`.

    This is S. 1040's W-visa formula (w-visa-s1040.md rule 7): a fixed number per
    jurisdiction plus a population share of the pool, so that the parts sum to `total`.
    A `minimum` counts the floor: only what the floor does not cover is required again.
    """
    if isinstance(floor, bool) or not isinstance(floor, int) or floor < 0:
        raise ValueError(f"floor must be a whole number >= 0, got {floor!r}")
    n = np.asarray(weights).size
    if isinstance(total, int) and total < n * floor:
        raise ValueError(f"total {total} is less than the floor {floor} x {n} units = {n * floor}")
    pool = total - n * floor
    return floor + apportion(weights, pool, method, max(0, minimum - floor))


def quotas(weights: Weights, total: int) -> NDArray[np.float64]:
    """The exact proportional shares ``total * w / sum(w)`` (floats, for explanation columns)."""
    w = np.asarray(weights, dtype=np.float64)
    return np.asarray(total * (w / w.sum()), dtype=np.float64)


def _validated(weights: Weights, total: int, method: str, minimum: int) -> Weights:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (choose: {', '.join(METHODS)})")
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty one-dimensional array")
    for name, value in (("total", total), ("minimum", minimum)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if not np.isfinite(w).all():
        raise ValueError(f"weights must be finite; row {int(np.flatnonzero(~np.isfinite(w))[0])} is not")
    if (w < 0).any():
        raise ValueError(f"weights must be >= 0; row {int(np.flatnonzero(w < 0)[0])} is negative")
    if not (w > 0).any():
        raise ValueError("all weights are zero: there is nothing to share in proportion")
    if total < w.size * minimum:
        raise ValueError(
            f"total {total} is less than the minimum {minimum} x {w.size} units = {w.size * minimum}"
        )
    return w


def _tie_order(w: Weights) -> NDArray[np.intp]:
    """Row order for exact ties: larger weight first, then the earlier row."""
    return np.lexsort((np.arange(w.size), -w))


def _equal(w: Weights, seats: int) -> Seats:
    """Same share for all; the `seats mod n` left go by the tie order (10 over 4: 3, 3, 2, 2)."""
    alloc = np.full(w.size, seats // w.size, dtype=np.int64)
    alloc[_tie_order(w)[: seats % w.size]] += 1
    return alloc


def _exact_integers(w: Weights) -> list[int]:
    """Scale the float weights by one power of two so that all are exact integers."""
    ratios = [Fraction(float(x)).as_integer_ratio() for x in w]
    scale = max(den for _, den in ratios)
    return [num * (scale // den) for num, den in ratios]


def _hamilton(w: Weights, seats: int) -> Seats:
    """Largest remainder in exact integers: quota floors, then leftovers by remainder, tie order."""
    if (
        w.size
        and (w == np.floor(w)).all()
        and w.max() * max(seats, 1) < _INT_SAFE / 4
        and w.sum() < _INT_SAFE
    ):
        wi = w.astype(np.int64)
        num, den = wi * seats, int(wi.sum())
        alloc, rem = num // den, num % den
        order = np.lexsort((np.arange(w.size), -wi, -rem))
    else:  # fractional or huge weights: the same arithmetic on Python integers
        ints = _exact_integers(w)
        den = sum(ints)
        parts = [divmod(x * seats, den) for x in ints]
        alloc = np.array([q for q, _ in parts], dtype=np.int64)
        order = np.array(sorted(range(w.size), key=lambda i: (-parts[i][1], -ints[i], i)), dtype=np.intp)
    alloc[order[: seats - int(alloc.sum())]] += 1
    return alloc.astype(np.int64)


def _hamilton_with_minimum(w: Weights, total: int, minimum: int) -> Seats:
    """Hamilton with a minimum: units whose quota is below it get it; the rest is re-shared.

    Repeats until no remaining quota is below the minimum, so that no unit is lifted
    above what it needs (statevisa's rule: no statute fixes how Hamilton meets a
    minimum); with ``minimum=0`` it is plain Hamilton.
    """
    fixed = np.zeros(w.size, dtype=bool)
    while True:
        free = ~fixed & (w > 0) if minimum else ~fixed
        seats = total - minimum * int((~free).sum())
        q = seats * (w[free] / w[free].sum()) if free.any() else w[free]
        low = np.flatnonzero(free)[q < minimum] if minimum else np.empty(0, dtype=np.intp)
        if low.size == 0 or low.size == int(free.sum()):
            break
        fixed[low] = True
    alloc = np.full(w.size, minimum, dtype=np.int64)
    if free.any():
        alloc[free] = _hamilton(w[free], seats)
    return alloc


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


def _divisor(w: Weights, base: Seats, rest: int, method: str) -> Seats:
    """Divisor method: the `rest` seats above `base` with the largest priorities.

    A bisection on the divisor lambda finds allocations ``max(base, N(w / lambda))``
    summing to at most `rest` above base; the few seats left go one per unit by
    priority; `_settle` then makes the cut exact.
    """
    pos = w > 0
    first_free = method in {"huntington-hill", "adams"}
    alloc = base.copy()
    if rest == 0:
        return alloc
    if first_free:  # d(0) = 0: every positive unit's first seat has infinite priority
        owed = np.flatnonzero(pos & (base == 0))
        if owed.size >= rest:
            order = owed[_tie_order(w[owed])]
            alloc[order[:rest]] += 1
            return alloc
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
    if lo < hi:
        for _ in range(200):
            mid = math.sqrt(lo * hi)
            if not lo < mid < hi or hi / lo - 1.0 < 1e-14:
                break
            if int(allocation(mid).sum()) <= target:
                hi = mid
            else:
                lo = mid
    alloc = allocation(hi)
    left = target - int(alloc.sum())
    if left < 0:
        raise AssertionError(f"bisection overshot by {-left} seats (a bug, please report)")
    idx = np.flatnonzero(pos)
    while left > 0:
        nxt = _priority(method, w[idx], alloc[idx])
        take = idx if left >= idx.size else idx[np.argpartition(-nxt, left - 1)[:left]]
        alloc[take] += 1
        left -= take.size
    return _settle(w, alloc, base, method)


def _exact_key(method: str, w: float, a: int, row: int) -> tuple[int, Fraction, Fraction, int]:
    """Sort key (ascending = stronger claim) of seat number a + 1 of a unit, in exact rationals."""
    fw = Fraction(w)
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


def _settle(w: Weights, alloc: Seats, base: Seats, method: str) -> Seats:
    """Make the cut exact: re-rank, in rationals, every seat whose float priority is near it.

    Given seats are those above `base`. If the weakest given seat clearly beats the
    strongest refused one, the allocation is exact. Otherwise every seat whose float
    priority lies in [weakest given (1 - tol), strongest refused (1 + tol)] is
    ambiguous: all seats above the band are given, all below refused (float error is
    far below tol), so the ambiguous ones are ranked exactly and the best are kept.
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
    alloc = alloc.copy()
    units = np.flatnonzero(pos & ((given & (last <= hi)) | (nxt >= lo)))
    wu, floor_u = w[units], base[units]
    bottom, top = alloc[units].copy(), alloc[units].copy()
    while (down := (bottom > floor_u) & (_priority(method, wu, np.maximum(bottom - 1, 0)) <= hi)).any():
        bottom[down] -= 1
    while (up := _priority(method, wu, top) >= lo).any():
        top[up] += 1
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
