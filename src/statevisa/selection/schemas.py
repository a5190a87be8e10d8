"""The tables of `statevisa select`: their columns, their checks and their encoding.

Each function takes a table as read (all text) and the name to report it by,
checks it with a `TableCheck` (every problem names file, row and column) and
returns typed arrays, with ids replaced by positions where the core needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.selection import lottery
from statevisa.selection.inputs import TableCheck, positions
from statevisa.selection.lottery import MIN_POSITIVE_WEIGHT
from statevisa.selection.market import Preferences, Priorities
from statevisa.selection.rounds import priority_order, priority_ranks
from statevisa.selection.siphash import plain_ids, view_digits

SCORES = ("applicant_id", "score")
ENTRIES = ("entry_id",)
WINNERS = ("entry_id", "order")
PREFERENCES = ("applicant_id", "program_id", "rank")
CAPACITIES = ("program_id", "capacity")
PRIORITIES = ("program_id", "applicant_id", "rank")
DEFAULT_WEIGHT_COLUMN = "weight"


@dataclass(frozen=True)
class Scores:
    """Applicants with scores and, when the table has the column, submission times."""

    applicant_ids: pl.Series
    score: NDArray[np.float64]
    submitted_at: NDArray[np.int64] | None


def scores(
    frame: pl.DataFrame,
    source: str,
    *,
    id_column: str = "applicant_id",
    score_column: str = "score",
    only: Sequence[str] = (),
) -> Scores:
    """``applicant_id, score[, submitted_at]``: distinct ids, numeric scores, ISO times.

    `only` names true/false columns (rule outputs such as a category's predicate): the
    applicants are those for whom every one is true. Other column names let a table
    written by ``statevisa evaluate`` (``id``, an output) be ranked as it is.
    """
    check = TableCheck(frame, source, id_column)
    ids = check.identifiers(id_column, unique=True)
    score = check.numbers(score_column)
    submitted = check.timestamps("submitted_at") if "submitted_at" in frame.columns else None
    keep = np.ones(frame.height, dtype=np.bool_)
    for column in only:
        keep &= check.booleans(column)
    check.raise_if_any()
    if keep.all():
        return Scores(ids, score, submitted)
    rows = np.flatnonzero(keep)
    return Scores(ids.gather(rows), score[rows], None if submitted is None else submitted[rows])


def entries(
    frame: pl.DataFrame, source: str, weight_column: str | None, seed: bytes | None = None
) -> tuple[pl.Series, NDArray[np.float64] | None, NDArray[np.uint64] | None]:
    """``entry_id[, weight]``: distinct ids, weights when `weight_column` is given, and tags.

    With the draw's `seed`, ids are proved distinct through their 64-bit lottery tags
    (`lottery.entry_tags`), which the draw needs anyway: distinct tags mean distinct
    ids, and only when some tags collide are the ids compared as text. That replaces a
    hash of 20 million strings by a compiled search for a repeated integer.
    """
    check = TableCheck(frame, source, "entry_id")
    if seed is None:
        ids = check.identifiers("entry_id", unique=True)
        tags = None
    else:
        raw = frame["entry_id"]
        ids = raw if plain_ids(raw) else check.identifiers("entry_id", unique=False)
        tags = lottery.entry_tags(seed, ids)
        if lottery.tags_repeat(tags):
            check.unique_rows(["entry_id"], "duplicate-id", "duplicate id")
    weight = None
    if weight_column is not None:  # whole numbers as digits are valid weights: no check to run
        weight = view_digits(frame[weight_column]) if seed is not None else None
        if weight is None:
            weight = check.weights(weight_column, MIN_POSITIVE_WEIGHT)
    check.raise_if_any()
    return ids, weight, tags


def winners(frame: pl.DataFrame, source: str) -> tuple[pl.Series, NDArray[np.int64]]:
    """``entry_id, order`` as published: ids and their order numbers, in file order."""
    check = TableCheck(frame, source, "entry_id")
    ids = check.identifiers("entry_id", unique=False)
    order = check.whole_numbers("order", minimum=1)
    check.raise_if_any()
    return ids, order


MAX_CAPACITY = 2**53
"""Seats beyond this are not a capacity anyone holds; it keeps every count exact."""


def capacities(frame: pl.DataFrame, source: str) -> tuple[pl.Series, NDArray[np.int64]]:
    """``program_id, capacity``: distinct programs, whole capacities from 0 to `MAX_CAPACITY`."""
    check = TableCheck(frame, source, "program_id")
    programs = check.identifiers("program_id", unique=True)
    capacity = check.whole_numbers("capacity", minimum=0, maximum=MAX_CAPACITY)
    check.raise_if_any()
    return programs, capacity


@dataclass(frozen=True)
class Applicants:
    """The applicants of a preference table: ids in order of first appearance, each one's
    first row (to name it in a message), and the table's name."""

    ids: pl.Series
    first_row: NDArray[np.int64]
    source: str
    frame: pl.DataFrame


def preferences(
    frame: pl.DataFrame, source: str, programs: pl.Series, programs_source: str
) -> tuple[Applicants, Preferences]:
    """``applicant_id, program_id, rank``: applicants in order of first appearance, encoded.

    Each program must be in the capacities table; an applicant may not list a
    program twice nor use one rank twice (the list is strict). Ids become integer
    codes once; both repeat checks then run on integers, and the rows come back
    grouped by applicant in rank order, as the market wants them.
    """
    check = TableCheck(frame, source, "applicant_id")
    applicants, applicant, first_row, together = check.codes("applicant_id")
    program = check.references("program_id", programs, "program", programs_source)
    rank = check.whole_numbers("rank", minimum=1)
    check.raise_if_any()
    rank_twice = False
    if not (together and _ranks_increase(rank, first_row)):
        order = np.lexsort((rank, applicant))
        applicant, program, rank = applicant[order], program[order], rank[order]
        rank_twice = bool(((applicant[1:] == applicant[:-1]) & (rank[1:] == rank[:-1])).any())
    program_twice = _repeats_within(applicant, program, len(programs))
    if rank_twice or program_twice:
        if program_twice:
            check.unique_rows(
                ["applicant_id", "program_id"], "repeated-choice", "program listed twice by this applicant"
            )
        if rank_twice:
            check.unique_rows(["applicant_id", "rank"], "repeated-rank", "rank used twice by this applicant")
        check.raise_if_any()
    who = Applicants(applicants, first_row, source, frame)
    return who, Preferences(applicant, program, rank, len(applicants), ordered=True)


def _ranks_increase(rank: NDArray[np.int64], first_row: NDArray[np.int64]) -> bool:
    """Whether ranks strictly increase within each applicant's run of rows (runs start at `first_row`)."""
    rising = np.diff(rank) > 0
    rising[first_row[1:] - 1] = True
    return bool(rising.all())


def _repeats_within(group: NDArray[np.int64], value: NDArray[np.int64], values: int) -> bool:
    """Whether some group holds one value twice (`group` sorted, `value` in ``range(values)``).

    When every group has the same number of rows (everyone lists ten programs), the
    groups are the rows of a matrix, and sorting each short row finds a repeat far
    faster than any pass over the whole column.
    """
    if len(group) < 2:
        return False
    starts = np.flatnonzero(np.diff(group)) + 1
    width = int(starts[0]) if len(starts) else len(group)
    equal = len(group) == width * (len(starts) + 1) and bool((np.diff(starts, prepend=0) == width).all())
    if equal:
        rows = np.sort(value.reshape(-1, width), axis=1)
        return bool((rows[:, 1:] == rows[:, :-1]).any())
    key = pl.Series(group * max(values, 1) + value) if len(group) * values < 2**62 else None
    if key is None:
        return bool(pl.DataFrame({"g": group, "v": value}).is_duplicated().any())
    return key.n_unique() < len(key)


def priorities(
    frame: pl.DataFrame,
    source: str,
    programs: pl.Series,
    programs_source: str,
    applicants: Applicants,
) -> Priorities:
    """``program_id, applicant_id, rank``: strict lists; applicants who applied nowhere dropped."""
    check = TableCheck(frame, source, "applicant_id")
    check.identifiers("program_id", unique=False)
    check.identifiers("applicant_id", unique=False)
    program = check.references("program_id", programs, "program", programs_source)
    rank = check.whole_numbers("rank", minimum=1)
    check.unique_rows(
        ["program_id", "applicant_id"], "repeated-choice", "applicant ranked twice by this program"
    )
    check.unique_rows(["program_id", "rank"], "repeated-rank", "rank used twice by this program")
    check.raise_if_any()
    applicant = check.lookup("applicant_id", applicants.ids)
    known = applicant >= 0
    return Priorities(program[known], applicant[known], rank[known])


def score_ranks(table: Scores, scores_source: str, applicants: Applicants) -> NDArray[np.int64]:
    """Each applicant's place in the common priority (0 = best), from the scores table.

    Applicants come in order of first appearance in the preferences table (as
    `preferences` returns them). The order is `rounds.priority_order`: higher
    score, earlier submission, smaller id. An applicant with preferences but no
    score is refused, naming that applicant's first row in the preferences table.
    Only the distinct applicants are looked up, not every preference row.
    """
    ranks = priority_ranks(priority_order(table.applicant_ids, table.score, table.submitted_at))
    score_row = positions(applicants.ids, table.applicant_ids)
    missing = score_row < 0
    if missing.any():
        bad = np.zeros(applicants.frame.height, dtype=np.bool_)
        bad[applicants.first_row[missing]] = True
        check = TableCheck(applicants.frame, applicants.source, "applicant_id")
        check.report("applicant_id", bad, "missing-score", f"no score in {scores_source}")
        check.raise_if_any()
    result: NDArray[np.int64] = ranks[score_row]
    return result
