"""One model, two backends: `identity dedupe` on Spark (local mode) runs DuckDB's settings.

Spark needs Java. In CI (`CI` set) a missing Java runtime fails this test; elsewhere it skips,
as the PostgreSQL tests do. The data are small (about 200 records) so that the JVM start and
Spark's per-query cost, not the data, set the time.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from statevisa.identity import accuracy, synthetic
from statevisa.services.identity_dedupe import Backend, dedupe
from statevisa.services.identity_spark import find_java


@pytest.fixture(scope="module")
def java() -> Path:
    """The Java home Spark will use; its absence fails in CI and skips elsewhere."""
    found = find_java()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("no Java runtime: CI must run the Spark backend (install a JDK 17 or set JAVA_HOME)")
        pytest.skip("no Java runtime here: the Spark backend cannot run (install a JDK 17 or set JAVA_HOME)")
    return found


def sql_of(model: dict[str, object]) -> list[str]:
    comparisons = model["comparisons"]
    assert isinstance(comparisons, list)
    return [
        level["label_for_charts"] for comparison in comparisons for level in comparison["comparison_levels"]
    ]


def rules_of(model: dict[str, object]) -> list[str]:
    """Blocking rules without the dialect's identifier quotes (DuckDB "x", Spark `x`)."""
    rules = model["blocking_rules_to_generate_predictions"]
    assert isinstance(rules, list)
    return [rule["blocking_rule"].replace('"', "").replace("`", "") for rule in rules]


def implied_pairs(clusters: Path) -> set[tuple[str, str]]:
    table = pl.read_csv(clusters)
    joined = table.join(table, on="cluster_id").filter(pl.col("id") < pl.col("id_right"))
    return set(joined.select("id", "id_right").iter_rows())


def test_spark_local_mode_runs_the_duckdb_model_and_finds_the_same_people(java: Path, tmp_path: Path) -> None:
    made = synthetic.generate(150, 31)
    people = tmp_path / "people.csv"
    made.records.write_csv(people)
    runs = {}
    backends: tuple[Backend, ...] = ("duckdb", "spark")
    for backend in backends:
        runs[backend] = dedupe(
            people,
            tmp_path / f"{backend}_pairs.csv",
            clusters=tmp_path / f"{backend}_clusters.csv",
            backend=backend,
        )
    duck, spark = runs["duckdb"], runs["spark"]
    assert sql_of(spark.model) == sql_of(duck.model)
    assert rules_of(spark.model) == rules_of(duck.model)
    assert [count.marginal for count in spark.comparisons] == [count.marginal for count in duck.comparisons]
    for backend in ("duckdb", "spark"):
        clusters = pl.read_csv(tmp_path / f"{backend}_clusters.csv")
        assert clusters.height == made.records.height
        found = accuracy.of_clusters(clusters, made.truth)
        assert found.precision >= 0.95 and found.recall >= 0.9, (backend, found)
    duck_pairs = implied_pairs(tmp_path / "duckdb_clusters.csv")
    spark_pairs = implied_pairs(tmp_path / "spark_clusters.csv")
    assert len(duck_pairs & spark_pairs) >= 0.95 * len(duck_pairs | spark_pairs)
