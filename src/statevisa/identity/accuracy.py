"""Precision and recall of found pairs and clusters against known truth (synthetic people).

Counted over pairs of records: a true pair is two records of one person. Clusters are scored
by the pairs they imply (every two records sharing a cluster id), so a cluster that merges two
people costs precision and one that splits a person costs recall.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Accuracy:
    """Pair counts and the two rates (1.0 when there is nothing to find or nothing found)."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0


def _pairs_in_groups(sizes: pl.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def of_pairs(pairs: pl.DataFrame, truth: pl.DataFrame) -> Accuracy:
    """Score pairs (id_l, id_r) against truth (id, person_id)."""
    person = truth.select("id", "person_id")
    scored = (
        pairs.select("id_l", "id_r")
        .unique()
        .join(person.rename({"id": "id_l", "person_id": "p_l"}), on="id_l", how="left")
        .join(person.rename({"id": "id_r", "person_id": "p_r"}), on="id_r", how="left")
    )
    true_positives = int((scored["p_l"] == scored["p_r"]).sum())
    real = _pairs_in_groups(person.group_by("person_id").len()["len"])
    return Accuracy(true_positives, scored.height - true_positives, real - true_positives)


def of_clusters(clusters: pl.DataFrame, truth: pl.DataFrame) -> Accuracy:
    """Score clusters (id, cluster_id) by the record pairs they put together."""
    joined = clusters.select("id", "cluster_id").join(truth.select("id", "person_id"), on="id", how="inner")
    found = _pairs_in_groups(joined.group_by("cluster_id").len()["len"])
    real = _pairs_in_groups(joined.group_by("person_id").len()["len"])
    true_positives = _pairs_in_groups(joined.group_by("cluster_id", "person_id").len()["len"])
    return Accuracy(true_positives, found - true_positives, real - true_positives)
