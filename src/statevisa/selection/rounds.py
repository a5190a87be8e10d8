"""Ranked rounds: invite the best-scored applicants, with Express Entry's tie-break.

Express Entry ranks candidates by Comprehensive Ranking System score and invites
the top of the pool in each round; when several candidates share the lowest
score invited, "the cut-off is based on the date and time they submitted their
Express Entry profiles" (IRCC, "Express Entry rounds of invitations", section
"Tie-breaking rule",
https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/express-entry/submit-profile/rounds-invitations.html).
IRCC's rule stops at the submission time. Two profiles submitted in the same
instant would still be tied, so statevisa adds a last key, the smaller
applicant id (compared as UTF-8 text): a product default, never presented as
IRCC's rule, that makes every round a strict, replayable order.

The same order (score, then submission time, then id) is the one common
priority that `select match --scores` uses.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray


def priority_order(
    applicant_ids: pl.Series,
    scores: NDArray[np.float64],
    submitted_at: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Row indices from best to worst: higher score, then earlier submission, then smaller id.

    `submitted_at` is any integer clock (microseconds here); without it the
    order is score, then id. Ids are compared by their UTF-8 bytes, so
    ``A10`` sorts before ``A9``: zero-pad numeric ids if that matters.
    """
    columns: dict[str, NDArray[np.float64] | NDArray[np.int64]] = {"score": scores}
    if submitted_at is not None:
        columns["submitted_at"] = submitted_at
    keys = list(columns)
    ordered = pl.DataFrame(columns).with_row_index("row").sort(keys, descending=[True, False][: len(keys)])
    rows = ordered["row"].to_numpy().astype(np.int64)
    same = np.ones(max(len(rows) - 1, 0), dtype=np.bool_)
    for key in keys:
        value = ordered[key].to_numpy()
        same &= value[1:] == value[:-1]
    if same.any():  # only rows tied on every other key are ordered by id, within their tie
        _order_ties_by_id(rows, same, applicant_ids)
    return rows


def _order_ties_by_id(rows: NDArray[np.int64], same: NDArray[np.bool_], ids: pl.Series) -> None:
    """Reorder, in place, each run of `rows` tied with its neighbour (`same`) by id bytes."""
    tied = np.zeros(len(rows), dtype=np.bool_)
    tied[1:] |= same
    tied[:-1] |= same
    at = np.flatnonzero(tied)
    run = np.cumsum(np.concatenate([[True], ~same]))[at]
    ties = pl.DataFrame(
        {"run": run, "id": ids.gather(rows[at]).cast(pl.String).cast(pl.Binary), "row": rows[at]}
    )
    rows[at] = ties.sort(["run", "id"])["row"].to_numpy()


def priority_ranks(order: NDArray[np.int64]) -> NDArray[np.int64]:
    """Invert `priority_order`: each row's place (0 = best)."""
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order), dtype=np.int64)
    return ranks


def invite(
    applicant_ids: pl.Series,
    scores: NDArray[np.float64],
    submitted_at: NDArray[np.int64] | None,
    invitations: int,
    min_score: float | None = None,
) -> NDArray[np.int64]:
    """Rows invited in one round, best first: the top `invitations` of the eligible.

    Eligible means a score of at least `min_score` (equal is eligible). Fewer
    are invited when fewer are eligible. Applicants tied on score at the
    cut-off are separated by `priority_order`, never by file order.
    """
    if invitations < 0:
        raise ValueError("the number of invitations must be non-negative")
    order = priority_order(applicant_ids, scores, submitted_at)
    if min_score is not None:
        order = order[scores[order] >= min_score]
    return order[:invitations]
