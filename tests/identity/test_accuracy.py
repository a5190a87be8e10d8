"""Precision and recall against truth, for pairs and for clusters."""

from __future__ import annotations

import polars as pl

from statevisa.identity import accuracy

TRUTH = pl.DataFrame({"id": ["a", "b", "c", "d", "e"], "person_id": [1, 1, 1, 2, 3]})
"""Three true pairs: a-b, a-c, b-c."""


def test_pairs_count_each_unordered_pair_once() -> None:
    pairs = pl.DataFrame({"id_l": ["a", "a", "d"], "id_r": ["b", "b", "e"]})
    result = accuracy.of_pairs(pairs, TRUTH)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (1, 1, 2)
    assert (result.precision, result.recall) == (0.5, 1 / 3)


def test_clusters_score_the_pairs_they_imply() -> None:
    clusters = pl.DataFrame({"id": ["a", "b", "c", "d", "e"], "cluster_id": ["a", "a", "c", "c", "e"]})
    result = accuracy.of_clusters(clusters, TRUTH)
    assert (result.true_positives, result.false_positives, result.false_negatives) == (1, 1, 2)


def test_nothing_found_and_nothing_to_find_score_one() -> None:
    empty = pl.DataFrame({"id_l": [], "id_r": []}, schema={"id_l": pl.String, "id_r": pl.String})
    alone = pl.DataFrame({"id": ["x"], "person_id": [9]})
    assert (accuracy.of_pairs(empty, alone).precision, accuracy.of_pairs(empty, alone).recall) == (1.0, 1.0)
