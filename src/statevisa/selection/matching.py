"""Many-to-one stable matching with capacities (deferred acceptance), on flat arrays.

Applicants rank programs; programs rank applicants (strictly) and have
capacities. Deferred acceptance (Gale & Shapley 1962, "College admissions and
the stability of marriage", Amer. Math. Monthly 69(1)) finds a stable matching:
nobody is matched to an unacceptable partner, no program holds more than its
capacity, and no applicant-program pair would both rather be matched to each
other. The applicant-proposing version gives every applicant their best stable
outcome; the program-proposing version gives programs theirs (and every
applicant their worst stable outcome) (Roth & Sotomayor 1990, "Two-Sided
Matching", ch. 5).

Both run in rounds: every free applicant (or every program short of its
capacity) proposes at once, and the other side keeps its best proposals, with
vectorised sorts, so that a round costs a few NumPy calls whatever the market
size. The `matching` package builds a Python object per player and scales badly
(https://github.com/daffidwilde/matching/issues/26); here a market is a handful
of integer arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

UNMATCHED = -1


@dataclass(frozen=True)
class Market:
    """A two-sided market as arrays, one row per mutually acceptable pair (an "entry").

    Applicant ``a``'s entries are ``start[a]:start[a + 1]``, most preferred
    first. Entry ``e`` names ``program[e]`` and ``priority[e]``, the applicant's
    place in that program's order (smaller is better; distinct within a
    program). Pairs that either side finds unacceptable are simply absent: they
    can neither be matched nor block. ``capacity[p]`` is the number of seats.
    """

    start: NDArray[np.int64]
    program: NDArray[np.int64]
    priority: NDArray[np.int64]
    capacity: NDArray[np.int64]

    @property
    def n_applicants(self) -> int:
        """Number of applicants (rows of `start` minus one)."""
        return len(self.start) - 1

    @property
    def n_programs(self) -> int:
        """Number of programs."""
        return len(self.capacity)

    def applicant_of(self) -> NDArray[np.int64]:
        """The applicant of each entry."""
        return np.repeat(np.arange(self.n_applicants, dtype=np.int64), np.diff(self.start))

    def rank_of(self) -> NDArray[np.int64]:
        """Each entry's position in its applicant's list (0 = most preferred)."""
        return np.arange(len(self.program), dtype=np.int64) - np.repeat(self.start[:-1], np.diff(self.start))


def applicant_proposing(market: Market) -> NDArray[np.int64]:
    """The applicant-optimal stable matching: the program of each applicant, or -1.

    Each round, every free applicant with programs left proposes to the next one.
    A program admits a proposal only if it has a free seat or prefers the
    proposer to its worst holder (its `threshold`), which rejects most late
    proposals before any sorting. Held proposals live in one array sorted by
    (program, priority); new ones are merged in by binary search and the excess
    at the end of each program's run is evicted, so a round costs a sort of its
    own proposals plus a linear copy.
    """
    capacity = market.capacity
    stride = _stride(market)
    applicant_of = market.applicant_of()
    next_entry = market.start[:-1].copy()
    end = market.start[1:]
    held_keys = np.zeros(0, dtype=np.int64)
    held_entries = np.zeros(0, dtype=np.int64)
    count = np.zeros(market.n_programs, dtype=np.int64)
    threshold = np.where(capacity > 0, stride, -1).astype(np.int64)
    free = np.flatnonzero(end > next_entry)
    while free.size:
        entries = next_entry[free]
        next_entry[free] += 1
        programs = market.program[entries]
        admitted = market.priority[entries] < threshold[programs]
        rejected = free[~admitted]
        entries, programs = entries[admitted], programs[admitted]
        keys = programs * stride + market.priority[entries]
        order = np.argsort(keys)
        keys, entries, programs = keys[order], entries[order], programs[order]
        at = np.searchsorted(held_keys, keys)
        held_keys = np.insert(held_keys, at, keys)
        held_entries = np.insert(held_entries, at, entries)
        touched, arrivals = _runs(programs)
        count[touched] += arrivals
        excess = count[touched] - capacity[touched]
        over = excess > 0
        if over.any():
            full, surplus = touched[over], excess[over]
            run_end = np.searchsorted(held_keys, (full + 1) * stride)
            evict = _ranges(run_end - surplus, surplus)
            rejected = np.concatenate([rejected, applicant_of[held_entries[evict]]])
            held_keys = np.delete(held_keys, evict)
            held_entries = np.delete(held_entries, evict)
            count[full] = capacity[full]
        filled = touched[count[touched] == capacity[touched]]
        if filled.size:
            worst = held_keys[np.searchsorted(held_keys, (filled + 1) * stride) - 1]
            threshold[filled] = worst - filled * stride
        free = rejected[next_entry[rejected] < end[rejected]]
    return _assignment(market, held_entries, applicant_of)


def program_proposing(market: Market) -> NDArray[np.int64]:
    """The program-optimal stable matching: the program of each applicant, or -1.

    Each round, every program with empty seats offers them to the next
    applicants in its priority order; each applicant keeps the offer it likes
    best among its new offers and the one it holds. Entries are visited in
    (program, priority) order, so a program's next offers are a contiguous slice.
    """
    capacity = market.capacity
    applicant_of = market.applicant_of()
    rank = market.rank_of()
    by_program = np.lexsort((market.priority, market.program))
    program_start = np.searchsorted(
        market.program[by_program], np.arange(market.n_programs + 1, dtype=np.int64)
    )
    next_offer = program_start[:-1].copy()
    program_end = program_start[1:]
    holding = np.full(market.n_applicants, UNMATCHED, dtype=np.int64)
    held_count = np.zeros(market.n_programs, dtype=np.int64)
    while True:
        want = np.minimum(capacity - held_count, program_end - next_offer)
        proposers = np.flatnonzero(want > 0)
        if not proposers.size:
            break
        offers = by_program[_ranges(next_offer[proposers], want[proposers])]
        next_offer[proposers] += want[proposers]
        applicants = applicant_of[offers]
        current = holding[applicants]
        current_rank = np.where(current >= 0, rank[np.maximum(current, 0)], np.iinfo(np.int64).max)
        better = rank[offers] < current_rank
        offers, applicants = offers[better], applicants[better]
        order = np.lexsort((rank[offers], applicants))
        offers, applicants = offers[order], applicants[order]
        first = np.ones(len(applicants), dtype=np.bool_)
        first[1:] = applicants[1:] != applicants[:-1]
        offers, applicants = offers[first], applicants[first]
        released = holding[applicants]
        released = released[released >= 0]
        holding[applicants] = offers
        held_count += np.bincount(market.program[offers], minlength=market.n_programs)
        held_count -= np.bincount(market.program[released], minlength=market.n_programs)
    result = np.full(market.n_applicants, UNMATCHED, dtype=np.int64)
    matched = holding >= 0
    result[matched] = market.program[holding[matched]]
    return result


def blocking_entries(market: Market, assignment: NDArray[np.int64]) -> NDArray[np.int64]:
    """Entries (applicant, program) that block `assignment`; empty when it is stable.

    A pair blocks when the applicant prefers the program to its match (or is
    unmatched) and the program has a free seat or prefers the applicant to the
    worst applicant it holds.
    """
    applicant_of = market.applicant_of()
    rank = market.rank_of()
    matched_entry = matched_entries(market, assignment)
    own_rank = np.full(market.n_applicants, np.iinfo(np.int64).max, dtype=np.int64)
    held = matched_entry >= 0
    own_rank[held] = rank[matched_entry[held]]
    prefers = rank < own_rank[applicant_of]
    seats_used = np.bincount(assignment[held], minlength=market.n_programs)
    worst = np.full(market.n_programs, -1, dtype=np.int64)
    np.maximum.at(worst, market.program[matched_entry[held]], market.priority[matched_entry[held]])
    room = seats_used[market.program] < market.capacity[market.program]
    wanted = room | (market.priority < worst[market.program])
    return np.flatnonzero(prefers & wanted)


def matched_entries(market: Market, assignment: NDArray[np.int64]) -> NDArray[np.int64]:
    """The entry behind each applicant's assignment (-1 when unmatched).

    Raises ValueError when an applicant is assigned a program that is not one of
    its acceptable entries, so a caller cannot pass an infeasible matching.
    """
    applicant_of = market.applicant_of()
    hit = market.program == assignment[applicant_of]
    entry = np.full(market.n_applicants, UNMATCHED, dtype=np.int64)
    entry[applicant_of[hit]] = np.flatnonzero(hit)
    assigned = assignment >= 0
    if (entry[assigned] < 0).any():
        bad = int(np.flatnonzero(assigned & (entry < 0))[0])
        raise ValueError(f"applicant {bad} is assigned a program it did not rank acceptably")
    return entry


def is_feasible(market: Market, assignment: NDArray[np.int64]) -> bool:
    """Every match is an acceptable pair and no program exceeds its capacity."""
    try:
        matched_entries(market, assignment)
    except ValueError:
        return False
    used = np.bincount(assignment[assignment >= 0], minlength=market.n_programs)
    return bool((used <= market.capacity).all())


def _stride(market: Market) -> int:
    """A multiplier that makes program * stride + priority a sort key by (program, priority)."""
    return int(market.priority.max()) + 2 if len(market.priority) else 2


def _runs(sorted_values: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Distinct values of a sorted array and how often each occurs."""
    if not sorted_values.size:
        return sorted_values, sorted_values
    starts = np.flatnonzero(np.concatenate([[True], sorted_values[1:] != sorted_values[:-1]]))
    counts = np.diff(np.append(starts, len(sorted_values)))
    return sorted_values[starts], counts


def _ranges(starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenate ``arange(s, s + n)`` for each (s, n), without a Python loop."""
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def _assignment(
    market: Market, held_entries: NDArray[np.int64], applicant_of: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Turn the held entries into a program per applicant."""
    result = np.full(market.n_applicants, UNMATCHED, dtype=np.int64)
    result[applicant_of[held_entries]] = market.program[held_entries]
    return result
