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

from statevisa.selection.inputs import TableCheck
from statevisa.selection.lottery import MIN_POSITIVE_WEIGHT
from statevisa.selection.market import Preferences, Priorities
from statevisa.selection.rounds import priority_order, priority_ranks

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
    frame: pl.DataFrame, source: str, weight_column: str | None
) -> tuple[pl.Series, NDArray[np.float64] | None]:
    """``entry_id[, weight]``: distinct ids and, when `weight_column` is given, weights."""
    check = TableCheck(frame, source, "entry_id")
    ids = check.identifiers("entry_id", unique=True)
    weight = None if weight_column is None else check.weights(weight_column, MIN_POSITIVE_WEIGHT)
    check.raise_if_any()
    return ids, weight


def winners(frame: pl.DataFrame, source: str) -> tuple[pl.Series, NDArray[np.int64]]:
    """``entry_id, order`` as published: ids and their order numbers, in file order."""
    check = TableCheck(frame, source, "entry_id")
    ids = check.identifiers("entry_id", unique=False)
    order = check.whole_numbers("order", minimum=1)
    check.raise_if_any()
    return ids, order


def capacities(frame: pl.DataFrame, source: str) -> tuple[pl.Series, NDArray[np.int64]]:
    """``program_id, capacity``: distinct programs, non-negative whole capacities."""
    check = TableCheck(frame, source, "program_id")
    programs = check.identifiers("program_id", unique=True)
    capacity = check.whole_numbers("capacity", minimum=0)
    check.raise_if_any()
    return programs, capacity


def preferences(
    frame: pl.DataFrame, source: str, programs: pl.Series, programs_source: str
) -> tuple[pl.Series, Preferences]:
    """``applicant_id, program_id, rank``: applicants in order of first appearance, encoded.

    Each program must be in the capacities table; an applicant may not list a
    program twice nor use one rank twice (the list is strict).
    """
    check = TableCheck(frame, source, "applicant_id")
    ids = check.identifiers("applicant_id", unique=False)
    check.identifiers("program_id", unique=False)
    program = check.references("program_id", programs, "program", programs_source)
    rank = check.whole_numbers("rank", minimum=1)
    check.unique_rows(["applicant_id", "program_id"], "program listed twice by this applicant")
    check.unique_rows(["applicant_id", "rank"], "rank used twice by this applicant")
    check.raise_if_any()
    applicants = ids.unique(maintain_order=True)
    applicant = TableCheck(frame, source, "applicant_id").lookup("applicant_id", applicants)
    return applicants, Preferences(applicant, program, rank, len(applicants))


def priorities(
    frame: pl.DataFrame,
    source: str,
    programs: pl.Series,
    programs_source: str,
    applicants: pl.Series,
) -> Priorities:
    """``program_id, applicant_id, rank``: strict lists; applicants who applied nowhere dropped."""
    check = TableCheck(frame, source, "applicant_id")
    check.identifiers("program_id", unique=False)
    check.identifiers("applicant_id", unique=False)
    program = check.references("program_id", programs, "program", programs_source)
    rank = check.whole_numbers("rank", minimum=1)
    check.unique_rows(["program_id", "applicant_id"], "applicant ranked twice by this program")
    check.unique_rows(["program_id", "rank"], "rank used twice by this program")
    check.raise_if_any()
    applicant = check.lookup("applicant_id", applicants)
    known = applicant >= 0
    return Priorities(program[known], applicant[known], rank[known])


def score_ranks(
    table: Scores,
    scores_source: str,
    preferences_frame: pl.DataFrame,
    preferences_source: str,
) -> NDArray[np.int64]:
    """Each applicant's place in the common priority (0 = best), from the scores table.

    Applicants come in order of first appearance in the preferences table (as
    `preferences` returns them). The order is `rounds.priority_order`: higher
    score, earlier submission, smaller id. An applicant with preferences but no
    score is refused, naming that applicant's first row in the preferences table.
    """
    ranks = priority_ranks(priority_order(table.applicant_ids, table.score, table.submitted_at))
    check = TableCheck(preferences_frame, preferences_source, "applicant_id")
    score_row = check.lookup("applicant_id", table.applicant_ids)
    first = check.frame["applicant_id"].is_first_distinct().to_numpy()
    check.report("applicant_id", (score_row < 0) & first, f"no score in {scores_source}")
    check.raise_if_any()
    result: NDArray[np.int64] = ranks[score_row[first]]
    return result
