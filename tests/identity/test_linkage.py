"""The linkage model on DuckDB: one settings object, trained on the data, measured against truth."""

from __future__ import annotations

import polars as pl
from splink import DuckDBAPI

from statevisa.identity import accuracy, linkage, people, synthetic

PEOPLE, SEED = 1500, 21
"""About 2,000 records of 1,500 people; 1 in 4 people applies in a second or third state."""


def prepared(count: int = PEOPLE, seed: int = SEED) -> tuple[pl.DataFrame, synthetic.Synthetic]:
    made = synthetic.generate(count, seed)
    text, birth = people.validate(made.records, "people.csv")
    return people.prepare(text, birth), made


def test_pairs_and_clusters_reach_their_precision_and_recall() -> None:
    frame, made = prepared()
    linked = linkage.link(DuckDBAPI(), frame, threshold=0.9)
    pairs, clusters = (
        accuracy.of_pairs(linked.pairs, made.truth),
        accuracy.of_clusters(linked.clusters, made.truth),
    )
    assert pairs.precision >= 0.99 and pairs.recall >= 0.96, pairs
    assert clusters.precision >= 0.99 and clusters.recall >= 0.97, clusters
    assert linked.clusters.height == frame.height
    assert linked.pairs["match_probability"].min() >= 0.9  # type: ignore[operator]


def test_the_trained_model_and_its_charts_come_back_as_data() -> None:
    frame, _ = prepared(400, 5)
    linked = linkage.link(DuckDBAPI(), frame, threshold=0.9)
    comparisons = linked.model["comparisons"]
    assert isinstance(comparisons, list)
    names = [comparison["output_column_name"] for comparison in comparisons]
    assert names == ["name", "dob", "country_of_birth", "sex", "document_number"]
    assert set(linked.charts) == {"match_weights", "m_u_parameters"}
    assert linked.charts["match_weights"]["data"]["values"]  # type: ignore[index]


def test_an_agreeing_document_keeps_its_u_probability_in_the_saved_model() -> None:
    frame, _ = prepared(400, 7)
    documents = frame.select("document_number", "document_country").drop_nulls().n_unique()
    assert linkage.document_u(frame) == 1 / documents
    linked = linkage.link(DuckDBAPI(), frame, threshold=0.9)
    comparisons = linked.model["comparisons"]
    assert isinstance(comparisons, list)
    document = next(c for c in comparisons if c["output_column_name"] == "document_number")
    agree = next(level for level in document["comparison_levels"] if level.get("fix_u_probability"))
    assert agree["u_probability"] == 1 / documents  # not splink's default once saved and loaded


def test_comparisons_are_counted_per_blocking_rule_in_order() -> None:
    frame, _ = prepared(400, 6)
    counts = linkage.count_comparisons(DuckDBAPI().register(frame.to_arrow()))
    assert [count.rule for count in counts] == [label for label, _ in linkage.BLOCKING_RULES]
    assert counts[-1].cumulative == sum(count.marginal for count in counts)
    assert counts[0].marginal > 0


def test_settings_are_one_backend_free_object() -> None:
    created = linkage.settings().create_settings_dict(sql_dialect_str="duckdb")
    spark = linkage.settings().create_settings_dict(sql_dialect_str="spark")
    assert len(created["blocking_rules_to_generate_predictions"]) == len(linkage.BLOCKING_RULES)
    duck_sql = [level["sql_condition"] for c in created["comparisons"] for level in c["comparison_levels"]]
    spark_sql = [level["sql_condition"] for c in spark["comparisons"] for level in c["comparison_levels"]]
    assert len(duck_sql) == len(spark_sql)
    assert any("jaro_winkler_similarity" in sql for sql in duck_sql)
    assert any("jaro_winkler(" in sql for sql in spark_sql)
