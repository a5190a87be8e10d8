"""Probabilistic record linkage of people with splink: one model, any SQL backend.

The model is the Fellegi-Sunter model as splink implements it: each comparison (names, birth
date, country of birth, sex, document) sorts a pair of records into a level, each level has an
m probability (among records of one person) and a u probability (among different people), and
a pair's match weight is the sum of log2(m/u) over its comparisons. u is estimated by random
sampling, m by expectation maximisation on the data itself (no labels), and pairs at or above
a match probability are clustered into people (connected components).

Every SQL expression here is written in the subset DuckDB and Spark SQL share (equality,
``length``, ``and``/``or``) or through splink's level builders, which emit each backend's
own function names. So `settings()` and `train()` are the same on every backend: the backend
(a splink ``DatabaseAPI``) is the only thing the caller chooses.

Blocking rules (`BLOCKING_RULES`), each a way a true pair can still be found when other
fields disagree or are missing:

1. same document (number and issuing country);
2. same birth date and family name; 3. same birth date and given names;
4. same birth date and country of birth (transliterations: Дмитрий / DMITRY);
5. same names and birth year (day and month swapped, a mistyped day);
6. given and family names swapped with each other;
7. same full name key where either birth date is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
import splink.comparison_level_library as cll
from splink import Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.blocking_rule_library import CustomRule
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.comparison_library import CustomComparison
from splink.internals.dialects import SplinkDialect

if TYPE_CHECKING:
    from splink.internals.database_api import DatabaseAPISubClass
    from splink.internals.splink_dataframe import SplinkDataFrame

SEED = 20_261_206
"""Seed for u sampling, so a run is reproducible on one backend."""
U_PAIRS = 2e6
TRAIN_RECORDS = 250_000
"""Records the model is trained on (a seeded random sample when there are more): the
parameters describe the data's error rates, which a quarter of a million records pin down;
predicting then scores every record."""
DOCUMENT_U = 1e-6
"""u of an agreeing document when no table is at hand (`document_u` of a million documents)."""
MIN_PHONETIC = 2
"""Sound keys shorter than this (GUO → K) agree by chance too often to count on their own."""
MIN_PHONETIC_BOTH = 3
"""Letters the two sound keys must have together when both names sound alike: a one-letter
family key (CHO, JO → S; SEO, SUH → S) is specific enough beside a given name's key (JUNSU,
JOONSOO → SNS)."""

BLOCKING_RULES: tuple[tuple[str, BlockingRuleCreator], ...] = (
    ("document", block_on("document_number", "document_country")),
    ("birth date + family name", block_on("dob", "family_std")),
    ("birth date + given names", block_on("dob", "given_std")),
    ("birth date + country of birth", block_on("dob", "country_of_birth")),
    ("names + birth year", block_on("family_std", "given_std", "dob_year")),
    ("names swapped", CustomRule("l.family_std = r.given_std and l.given_std = r.family_std")),
    (
        "name, a birth date missing",
        CustomRule("l.name_sorted = r.name_sorted and (l.dob is null or r.dob is null)"),
    ),
)
"""(what it catches, the rule), in the order splink applies them."""

TRAINING_BLOCKS = (
    block_on("document_number", "document_country"),
    block_on("dob", "country_of_birth"),
    block_on("family_std", "given_std", "dob_year"),
)
"""EM sessions: each estimates the m probabilities of the comparisons its rule does not fix."""

DETERMINISTIC = (
    "l.document_number = r.document_number and l.document_country = r.document_country",
    "l.name_sorted = r.name_sorted and l.dob = r.dob",
)
"""Rules almost never wrong, to estimate the share of pairs that match before EM."""


class SwappedJaroWinklerLevel(ComparisonLevelCreator):
    """Each record's family name close to the other's given names and the other way round:
    swapped name order with a spelling difference on top. splink's own levels compare a column
    with itself; this one takes the backend's Jaro-Winkler function name from the dialect, so it
    stays portable."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jw = sql_dialect.jaro_winkler_function_name
        return (
            f"{jw}(family_std_l, given_std_r) >= {self.threshold}"
            f" and {jw}(given_std_l, family_std_r) >= {self.threshold}"
        )

    def create_label_for_charts(self) -> str:
        return f"names swapped, both close (Jaro-Winkler >= {self.threshold})"


def _phonetic(column: str, other: str | None = None) -> str:
    other = other or column
    return f"{column}_l = {other}_r and length({column}_l) >= {MIN_PHONETIC}"


def names_comparison() -> ComparisonCreator:
    """Given and family names judged together, because their errors come together: a record
    written in another script or swapped in order disagrees on both at once.

    Levels that rest on one name agreeing carry that name's term frequency (CHUNG is shared
    by many more people than SEOYEON), and an exact agreement of one name, or one edit (a
    dropped or swapped letter), is kept apart from a Jaro-Winkler similarity: Jaro-Winkler
    rewards a shared beginning, so SOFIA and SOFIA ANA, or HYEONDO and HYEONDONG, are "close"."""
    family_92, given_92 = cll.JaroWinklerLevel("family_std", 0.92), cll.JaroWinklerLevel("given_std", 0.92)
    family_80, given_80 = cll.JaroWinklerLevel("family_std", 0.80), cll.JaroWinklerLevel("given_std", 0.80)
    family_1, given_1 = (
        cll.DamerauLevenshteinLevel("family_std", 1),
        cll.DamerauLevenshteinLevel("given_std", 1),
    )
    return CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_sorted"),
            cll.ExactMatchLevel("name_sorted", term_frequency_adjustments=True).configure(
                label_for_charts="same names, in any order"
            ),
            cll.And(family_1, given_1).configure(label_for_charts="both names within one edit"),
            cll.CustomLevel(
                "(family_skel_l = family_skel_r and given_skel_l = given_skel_r) or"
                " (family_skel_l = given_skel_r and given_skel_l = family_skel_r)",
                "both names alike once romanised vowels are folded, either order",
            ),
            cll.And(family_92, given_92).configure(
                label_for_charts="both names close (Jaro-Winkler >= 0.92)"
            ),
            SwappedJaroWinklerLevel(0.92),
            cll.Or(cll.And(family_92, given_80), cll.And(family_80, given_92)).configure(
                label_for_charts="one name close, the other similar (>= 0.80)"
            ),
            cll.CustomLevel(
                "((family_phon_l = family_phon_r and given_phon_l = given_phon_r) or"
                " (family_phon_l = given_phon_r and given_phon_l = family_phon_r))"
                f" and length(family_phon_l) + length(given_phon_l) >= {MIN_PHONETIC_BOTH}",
                "both names sound alike (same sound keys, either order)",
            ),
            cll.And(family_92, cll.NullLevel("given_std")).configure(
                label_for_charts="family name close, given names missing on one record"
            ),
            cll.And(given_92, cll.NullLevel("family_std")).configure(
                label_for_charts="given names close, family name missing on one record"
            ),
            cll.ExactMatchLevel("family_std").configure(
                label_for_charts="same family name, given names not",
                tf_adjustment_column="family_std",
                tf_adjustment_weight=1.0,
            ),
            family_92.configure(label_for_charts="family name close, given names not"),
            cll.ExactMatchLevel("given_std").configure(
                label_for_charts="same given names, family name not",
                tf_adjustment_column="given_std",
                tf_adjustment_weight=1.0,
            ),
            given_92.configure(label_for_charts="given names close, family name not"),
            cll.And(family_80, given_80).configure(label_for_charts="both names similar (>= 0.80)"),
            cll.CustomLevel(
                f"({_phonetic('family_phon')}) or ({_phonetic('given_phon')})", "one name sounds alike"
            ),
            cll.ElseLevel(),
        ],
        comparison_description="names",
    )


def document_u(frame: pl.DataFrame) -> float:
    """The u probability of the document level: one in the number of distinct documents (number
    and issuing country) in `frame`, the chance two different people's documents agree if the
    numbers seen were all equally likely (the real chance, for random numbers, is far smaller).

    Random sampling cannot estimate it: among a few million random pairs no two share a
    document, splink records the level as "not observed", and a model saved and loaded again
    falls back to a default u near 1 in 1,000, which weighed an agreeing document at about 10
    bits instead of about 20 and missed pairs with the same document and birth date whose names
    are written in different scripts."""
    documents = frame.select("document_number", "document_country").drop_nulls().n_unique()
    return 1.0 / max(documents, 1)


def comparisons(document_u: float = DOCUMENT_U) -> list[ComparisonCreator | dict[str, Any]]:
    """The comparisons, in the order charts show them; `document_u` fixes the u probability of
    an agreeing document (`document_u`)."""
    return [
        names_comparison(),
        CustomComparison(
            output_column_name="dob",
            comparison_levels=[
                cll.NullLevel("dob"),
                cll.ExactMatchLevel("dob"),
                cll.CustomLevel(
                    "dob_year_l = dob_year_r and dob_month_l = dob_day_r and dob_day_l = dob_month_r",
                    "day and month swapped",
                ),
                cll.DamerauLevenshteinLevel("dob", 1),
                cll.CustomLevel("dob_year_l = dob_year_r", "same year"),
                cll.ElseLevel(),
            ],
            comparison_description="date of birth",
        ),
        CustomComparison(
            output_column_name="country_of_birth",
            comparison_levels=[
                cll.NullLevel("country_of_birth"),
                cll.ExactMatchLevel("country_of_birth"),
                cll.ElseLevel(),
            ],
            comparison_description="country of birth",
        ),
        CustomComparison(
            output_column_name="sex",
            comparison_levels=[cll.NullLevel("sex"), cll.ExactMatchLevel("sex"), cll.ElseLevel()],
            comparison_description="sex",
        ),
        CustomComparison(
            output_column_name="document_number",
            comparison_levels=[
                cll.NullLevel("document_number"),
                cll.CustomLevel(
                    "document_number_l = document_number_r and document_country_l = document_country_r",
                    "same number and issuing country",
                ).configure(u_probability=document_u, fix_u_probability=True),
                cll.ElseLevel(),
            ],
            comparison_description="document",
        ),
    ]


def settings(document_u: float = DOCUMENT_U) -> SettingsCreator:
    """The model's settings: one object for every backend."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(document_u),
        blocking_rules_to_generate_predictions=[dict_or_rule for _, dict_or_rule in BLOCKING_RULES],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        em_convergence=0.001,
        max_iterations=20,
    )


@dataclass(frozen=True)
class RuleCount:
    """How many new pairs one blocking rule adds, and the running total."""

    rule: str
    marginal: int
    cumulative: int


def count_comparisons(table: SplinkDataFrame, *, sample: float = 1.0) -> list[RuleCount]:
    """Pairs each blocking rule will compare, estimated from a `sample` of records per side."""
    records = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=[rule for _, rule in BLOCKING_RULES],
        link_type="dedupe_only",
        record_sample_proportion=sample,
    )
    return [
        RuleCount(label, int(record["marginal_comparison_count"]), int(record["cumulative_comparison_count"]))
        for (label, _), record in zip(BLOCKING_RULES, records, strict=True)
    ]


@dataclass(frozen=True)
class Linked:
    """A trained model's output: scored pairs at or above the threshold, a cluster per record,
    the model as splink's JSON settings and its match-weight charts as Vega-Lite specs."""

    pairs: pl.DataFrame
    clusters: pl.DataFrame
    model: dict[str, object]
    charts: dict[str, dict[str, object]]


def _frame(table: SplinkDataFrame) -> pl.DataFrame:
    frame = pl.from_arrow(table.as_pyarrow_table())  # type: ignore[no-untyped-call]
    assert isinstance(frame, pl.DataFrame)
    return frame


def train(linker: Linker) -> None:
    """Estimate the model on the data: the share of matching pairs, then u, then m by EM."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(list(DETERMINISTIC), recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED, num_chunks=1)
    for rule in TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def link(db_api: DatabaseAPISubClass, frame: pl.DataFrame, threshold: float) -> Linked:
    """Train on `frame` (`people.prepare` columns; a sample of `TRAIN_RECORDS` when larger), score
    every blocked pair, keep pairs at or above `threshold` and cluster them, on `db_api`'s backend."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    sample = frame.sample(TRAIN_RECORDS, seed=SEED) if frame.height > TRAIN_RECORDS else frame
    trainer = Linker(
        db_api.register(sample.to_arrow(), dataset_display_name="training_sample"),
        settings(document_u(frame)),
        log_level=None,
    )
    train(trainer)
    model = trainer.misc.save_model_to_json()
    linker = Linker(db_api.register(frame.to_arrow(), dataset_display_name="people"), model, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    pairs = _frame(predictions).select(
        pl.col("unique_id_l").alias("id_l"), pl.col("unique_id_r").alias("id_r"), "match_probability"
    )
    clusters = _frame(clustered).select(pl.col("unique_id").alias("id"), "cluster_id")
    charts = {
        "match_weights": trainer.visualisations.match_weights_chart().chart_dict,
        "m_u_parameters": trainer.visualisations.m_u_parameters_chart().chart_dict,
    }
    return Linked(pairs, clusters, model, charts)
