"""Ranked rounds: score order, Express Entry's tie-break, the minimum score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection.rounds import invite, priority_order, priority_ranks


def _invited(rows: Sequence[tuple[str, float, int]], n: int, min_score: float | None = None) -> list[str]:
    ids = pl.Series([r[0] for r in rows])
    result = invite(
        ids,
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2] for r in rows], dtype=np.int64),
        n,
        min_score,
    )
    return ids.gather(result).to_list()


def test_highest_scores_first() -> None:
    assert _invited([("a", 400, 0), ("b", 500, 0), ("c", 450, 0)], 2) == ["b", "c"]


def test_ties_at_the_cut_off_go_to_the_earlier_submission() -> None:
    rows = [("late", 439, 20), ("early", 439, 10), ("top", 500, 30)]
    assert _invited(rows, 2) == ["top", "early"]


def test_same_score_and_time_go_to_the_smaller_id() -> None:
    rows = [("b7", 439, 10), ("a9", 439, 10), ("a10", 439, 10)]
    assert _invited(rows, 3) == ["a10", "a9", "b7"]


def test_a_score_equal_to_the_minimum_is_eligible() -> None:
    rows = [("a", 450, 0), ("b", 449.5, 0), ("c", 451, 0)]
    assert _invited(rows, 10, min_score=450) == ["c", "a"]


def test_zero_invitations_and_negative_count() -> None:
    assert _invited([("a", 1, 0)], 0) == []
    with pytest.raises(ValueError):
        _invited([("a", 1, 0)], -1)


def test_without_submission_times_the_id_breaks_ties() -> None:
    ids = pl.Series(["b", "a", "c"])
    order = priority_order(ids, np.array([1.0, 1.0, 2.0]))
    assert ids.gather(order).to_list() == ["c", "a", "b"]
    assert priority_ranks(order).tolist() == [2, 1, 0]


rows_strategy = st.lists(
    st.tuples(st.integers(0, 5).map(float), st.integers(0, 3)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=100, deadline=None)
@given(rows=rows_strategy, n=st.integers(0, 35), min_score=st.none() | st.integers(0, 5), data=st.data())
def test_invitations_follow_the_full_order_whatever_the_file_order(
    rows: list[tuple[float, int]], n: int, min_score: int | None, data: st.DataObject
) -> None:
    table = [(f"id{i:02d}", score, time) for i, (score, time) in enumerate(rows)]
    expected = [
        entry_id
        for entry_id, score, time in sorted(table, key=lambda r: (-r[1], r[2], r[0].encode()))
        if min_score is None or score >= min_score
    ][:n]
    shuffled = data.draw(st.permutations(table))
    assert _invited(list(shuffled), n, None if min_score is None else float(min_score)) == expected


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([0.0, -0.0, 1.5, 2.0, 7.0]), st.integers(0, 3), st.text(max_size=4)),
        max_size=60,
        unique_by=lambda row: row[2],
    ),
    timed=st.booleans(),
)
def test_priority_order_is_score_then_time_then_id_bytes(
    rows: list[tuple[float, int, str]], timed: bool
) -> None:
    ids = pl.Series([row[2] for row in rows], dtype=pl.String)
    scores = np.array([row[0] for row in rows], dtype=np.float64)
    times = np.array([row[1] for row in rows], dtype=np.int64) if timed else None
    expected = sorted(
        range(len(rows)),
        key=lambda i: (-rows[i][0], rows[i][1] if timed else 0, rows[i][2].encode("utf-8")),
    )
    assert priority_order(ids, scores, times).tolist() == expected
