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
  `equal` alternative and its quarterly split: `apportionment_method` and
  `issuance_periods_per_year` in programs/us/federal/heartland/sec_3_cap_and_status.yaml).

Tie-break, one rule for every method (Heartland's `apportionment_tie_break` default):
an exactly equal claim goes to the larger weight, then to the earlier row. Callers
that want "lower FIPS first" pass rows in FIPS order (the CLI does).

Exactness and termination. Every float weight is an exact binary fraction, so the
answer is defined exactly and computed exactly: Hamilton and its minimum in integers
(NumPy int64 when nothing can overflow, Python integers otherwise), divisor methods by
`statevisa.allocation.divisor` (a float fast path whose loops are capped, and an exact
integer path that takes O(n log n) steps whatever the total).

Bounds: `total` and `minimum` are whole numbers from 0 to 2**63 - 1 (the result is int64);
weights are finite and >= 0 with at least one positive. Anything else is a `ValueError`
that says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, Literal, get_args

import numpy as np
from numpy.typing import ArrayLike, NDArray

from statevisa.allocation.divisor import divisor, exact_integers, tie_order

Method = Literal["hamilton", "huntington-hill", "webster", "jefferson", "adams", "equal"]
METHODS: Final[tuple[Method, ...]] = get_args(Method)
DIVISOR_METHODS: Final[frozenset[str]] = frozenset({"huntington-hill", "webster", "jefferson", "adams"})

MAX_SEATS: Final = 2**63 - 1
"""The largest total or minimum: the allocations are int64."""
_INT_SAFE: Final = 2**62

Weights = NDArray[np.float64]
Seats = NDArray[np.int64]
Whole = int | np.integer[Any]


def apportion(weights: ArrayLike, total: Whole, method: Method, minimum: Whole = 0) -> Seats:
    """Share `total` among units in proportion to `weights`; each unit gets at least `minimum`.

    ``minimum=0`` means no minimum; the House uses 1 (U.S. Const. art. I § 2 cl. 3).
    Huntington-Hill and Adams give every unit of positive weight a first seat before
    any unit gets a second (d(0) = 0); with fewer seats than such units the seats go
    by the tie-break (larger weight, then earlier row). A zero weight gets only the
    minimum. Raises `ValueError` with the reason for bad input.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (choose: {', '.join(METHODS)})")
    w = _weights(weights)
    seats, least = _whole("total", total), _whole("minimum", minimum)
    if seats < w.size * least:
        raise ValueError(
            f"total {seats} is less than the minimum {least} x {w.size} units = {w.size * least}"
        )
    if method == "equal":
        return least + _equal(w, seats - w.size * least)
    if method == "hamilton":
        return _hamilton_with_minimum(w, seats, least)
    return divisor(w, seats, least, method)


def with_floor(weights: ArrayLike, total: Whole, floor: Whole, method: Method, minimum: Whole = 0) -> Seats:
    """Give every unit `floor`, then apportion the rest of `total` by `method`.

    This is S. 1040's W-visa formula (docs/programs/w-visa.md rule 7): a fixed number per
    jurisdiction plus a population share of the pool, so that the parts sum to `total`.
    A `minimum` counts the floor: only what the floor does not cover is required again.
    """
    seats, fixed, least = _whole("total", total), _whole("floor", floor), _whole("minimum", minimum)
    n = _weights(weights).size
    if seats < n * fixed:
        raise ValueError(f"total {seats} is less than the floor {fixed} x {n} units = {n * fixed}")
    return fixed + apportion(weights, seats - n * fixed, method, max(0, least - fixed))


def quotas(weights: ArrayLike, total: int) -> NDArray[np.float64]:
    """The proportional shares ``total * w / sum(w)`` (floats, for explanation columns).

    Weights are first scaled by a power of two (exact), so a sum past the float range
    cannot turn every share into zero or nan.
    """
    w = _weights(weights)
    scaled = np.ldexp(w, -int(np.frexp(w.max())[1]) - math.ceil(math.log2(w.size)))
    return np.asarray(float(total) * (scaled / scaled.sum()), dtype=np.float64)


# Checking the arguments ------------------------------------------------------------------


def _whole(name: str, value: object) -> int:
    """A whole number 0..MAX_SEATS as a Python int (NumPy integers too, never a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    number = int(value)
    if not 0 <= number <= MAX_SEATS:
        raise ValueError(f"{name} must be a whole number from 0 to 2**63 - 1 (int64), got {number}")
    return number


def _weights(weights: ArrayLike) -> Weights:
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"weights must be real numbers: {error}") from None
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty one-dimensional array")
    if not np.isfinite(w).all():
        raise ValueError(f"weights must be finite; row {int(np.flatnonzero(~np.isfinite(w))[0])} is not")
    if (w < 0).any():
        raise ValueError(f"weights must be >= 0; row {int(np.flatnonzero(w < 0)[0])} is negative")
    if not (w > 0).any():
        raise ValueError("all weights are zero: there is nothing to share in proportion")
    return w


# Equal and Hamilton ----------------------------------------------------------------------


def _equal(w: Weights, seats: int) -> Seats:
    """Same share for all; the `seats mod n` left go by the tie order (10 over 4: 3, 3, 2, 2)."""
    alloc = np.full(w.size, seats // w.size, dtype=np.int64)
    alloc[tie_order(w)[: seats % w.size]] += 1
    return alloc


def _hamilton(ints: Sequence[int], seats: int) -> list[int]:
    """Largest remainder in exact integers: quota floors, then leftovers by remainder, tie order."""
    den = sum(ints)
    if max(ints) * max(seats, 1) < _INT_SAFE and den < _INT_SAFE:
        wi = np.array(ints, dtype=np.int64)
        num = wi * seats
        alloc, rem = num // den, num % den
        order = np.lexsort((np.arange(wi.size), -wi, -rem))
        alloc[order[: seats - int(alloc.sum())]] += 1
        return [int(a) for a in alloc]
    parts = [divmod(x * seats, den) for x in ints]
    out = [q for q, _ in parts]
    order_list = sorted(range(len(ints)), key=lambda i: (-parts[i][1], -ints[i], i))
    for i in order_list[: seats - sum(out)]:
        out[i] += 1
    return out


def _hamilton_with_minimum(w: Weights, total: int, minimum: int) -> Seats:
    """Hamilton with a minimum: units whose quota is below it get it; the rest is re-shared.

    Lifting a unit lowers the others' quotas, so lifting repeats until no remaining quota
    is below the minimum (statevisa's rule: no statute fixes how Hamilton meets a minimum).
    The lifted units are always the smallest, so one pass up the sorted weights, with
    exact integer comparisons, finds them. With ``minimum=0`` it is plain Hamilton.
    """
    ints = exact_integers(w)
    free = [i for i, x in enumerate(ints) if x > 0 or not minimum]
    alloc = [minimum] * w.size
    if minimum:
        ascending = sorted(free, key=lambda i: ints[i])
        seats, weight, lifted = total - minimum * (w.size - len(free)), sum(ints[i] for i in free), 0
        for i in ascending[:-1]:  # the sum of quotas is at least n x minimum: one stays free
            if ints[i] * seats >= minimum * weight:
                break
            seats, weight, lifted = seats - minimum, weight - ints[i], lifted + 1
        free = sorted(ascending[lifted:])
    seats = total - minimum * (w.size - len(free))
    for i, share in zip(free, _hamilton([ints[i] for i in free], seats), strict=True):
        alloc[i] = share
    return np.array(alloc, dtype=np.int64)
