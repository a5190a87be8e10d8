"""Build a `Market` from encoded preference and priority rows.

The shell turns ids into row positions (see `statevisa.selection.inputs`); this
module turns those positions into the flat arrays deferred acceptance runs on:
entries grouped by applicant in preference order, each carrying the
applicant's priority at the program. A pair one side does not rank is dropped
here, once, instead of being rejected in every round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from statevisa.selection.matching import Market


@dataclass(frozen=True)
class Preferences:
    """Applicants' rankings of programs: one row per (applicant, program), rank 1 = best."""

    applicant: NDArray[np.int64]
    program: NDArray[np.int64]
    rank: NDArray[np.int64]
    n_applicants: int
    ordered: bool = False
    """True when the rows are known to be grouped by applicant in rank order (checked by the
    edge that encoded them), so the market need not check it again."""


@dataclass(frozen=True)
class Priorities:
    """Programs' strict rankings of applicants: one row per (program, applicant), rank 1 = best.

    An applicant a program does not list is unacceptable to it.
    """

    program: NDArray[np.int64]
    applicant: NDArray[np.int64]
    rank: NDArray[np.int64]


def market_with_priorities(
    preferences: Preferences, capacity: NDArray[np.int64], priorities: Priorities
) -> Market:
    """A market where each program ranks applicants by its own list.

    A program's ranks become positions in the (program, rank) order of all
    listed pairs: the order within a program is kept and the numbers stay
    below the number of pairs, whatever ranks the file used.
    """
    n_programs = len(capacity)
    by_program = np.lexsort((priorities.rank, priorities.program))
    pair_keys = priorities.applicant[by_program] * n_programs + priorities.program[by_program]
    pair_order = np.argsort(pair_keys)
    sorted_keys = pair_keys[pair_order]
    entry_keys = preferences.applicant * n_programs + preferences.program
    priority = np.full(len(entry_keys), -1, dtype=np.int64)
    if len(sorted_keys):
        at = np.minimum(np.searchsorted(sorted_keys, entry_keys), len(sorted_keys) - 1)
        listed = sorted_keys[at] == entry_keys
        priority[listed] = pair_order[at[listed]]
    return _market(preferences, capacity, priority)


def market_with_common_priority(
    preferences: Preferences, capacity: NDArray[np.int64], applicant_rank: NDArray[np.int64]
) -> Market:
    """A market where every program ranks applicants the same way (`applicant_rank`, 0 = best)."""
    return _market(preferences, capacity, applicant_rank[preferences.applicant])


def _market(preferences: Preferences, capacity: NDArray[np.int64], priority: NDArray[np.int64]) -> Market:
    """Keep mutually acceptable rows (priority >= 0), grouped by applicant in preference order.

    Files are usually written applicant by applicant, best first, and under
    common scores every row is acceptable; then no row is copied or sorted,
    which is most of the build time at national scale.
    """
    applicant, rank, program = preferences.applicant, preferences.rank, preferences.program
    acceptable = priority >= 0
    if not acceptable.all():
        keep = np.flatnonzero(acceptable)
        applicant, rank, program, priority = applicant[keep], rank[keep], program[keep], priority[keep]
    if not preferences.ordered and not _grouped(applicant, rank):
        order = np.lexsort((rank, applicant))
        applicant, program, priority = applicant[order], program[order], priority[order]
    counts = np.bincount(applicant, minlength=preferences.n_applicants)
    start = np.zeros(preferences.n_applicants + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return Market(
        start=start,
        program=program.astype(np.int64, copy=False),
        priority=priority.astype(np.int64, copy=False),
        capacity=capacity.astype(np.int64, copy=False),
    )


def _grouped(applicant: NDArray[np.int64], rank: NDArray[np.int64]) -> bool:
    """Whether rows are grouped by applicant (ascending) in strictly increasing rank order."""
    step = np.diff(applicant)
    return bool(((step > 0) | ((step == 0) & (np.diff(rank) > 0))).all())
