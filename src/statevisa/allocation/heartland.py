"""Heartland Visa (S. 5644, 2024) county eligibility: the county table decided by the policy file.

Section 3 of S. 5644 has not been read by the project, so the rules are the *default encoding*
of docs/programs/heartland.md#defaults (a product choice, not bill text). They live in exactly
one place, the `heartland` program (programs/us/federal/heartland): `decide` runs the rules
engine's vectorised path (`validate`, then `evaluate_frame`) over the county table that
`heartland_inputs` measures, and only arranges the program's outputs into the listing columns.
Nothing here compares a growth rate or combines tests.

The program-level values that the inputs and the cap need (window, prime-age band, cap,
apportionment) are read from the same file by `parameters_from`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from statevisa.allocation.heartland_inputs import SOURCE, CountyTable, PrimeAgeTest
from statevisa.errors import PolicyError, problem
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.resolve import Resolved
from statevisa.rules.validate import validate

Weight = Literal["population", "prime_age"]
WEIGHTS: tuple[Weight, ...] = ("population", "prime_age")

LISTING_COLUMNS = (
    "fips",
    "name",
    "state",
    "population",
    "growth",
    "national_growth",
    "slower_than_nation",
    "prime_age_start",
    "prime_age_end",
    "prime_age_change",
    "eligible",
    "flags",
)
"""The columns of `statevisa heartland counties --out`, in order (docs/heartland.md)."""
RECORD_COLUMNS = ("test_growth", "test_prime_age", "failed_tests", "housing_excluded", "pop_start", "pop_end")
"""What each decision records next (a test column is empty where the test had no data)."""
POLICY_OUTPUTS = (
    "test_a_threshold",
    "test_a_available",
    "test_a_passes",
    "test_b_available",
    "test_b_passes",
    "slower_than_nation",
    "flags",
    "excluded_by_housing",
    "eligible",
    "ratio_meaning_inverted",
    "basis",
)
"""The outputs of the `heartland` program that the listing is made of."""


@dataclass(frozen=True)
class HeartlandParameters:
    """The program-level values of the `heartland` file: what the county table is measured over
    (window, prime-age test) and how the cap is shared. The eligibility rules and their
    parameters (growth_ratio, combine_mode, ...) are not here: the rules engine reads them."""

    window_years: int
    prime_age: PrimeAgeTest
    cap_national: int
    apportionment_method: str
    apportionment_weight: Weight
    min_per_county: int
    reallocate_unused: bool
    periods_per_year: int
    status: str
    citation: str


POLICY_PARAMETERS = (
    "window_years", "prime_age_enabled", "prime_age_band_low", "prime_age_band_high",
    "cap_national", "apportionment_method", "apportionment_weight", "min_per_county",
    "reallocate_unused", "periods_per_year",
)  # fmt: skip
"""The parameters of the `heartland` program file that `HeartlandParameters` carries."""


def parameters_from(policy: Resolved) -> HeartlandParameters:
    """The program-level Heartland values in force in the `heartland` policy file on its date."""
    value = policy.scalar
    weight = str(value("apportionment_weight"))
    if weight not in WEIGHTS:
        raise PolicyError(
            problem(
                "unsupported-value",
                f"apportionment_weight '{weight}' is not one of {', '.join(WEIGHTS)}",
                file=policy.program.path,
                field="apportionment_weight",
            )
        )
    statuses = sorted({policy.values[name].status.value for name in POLICY_PARAMETERS})
    return HeartlandParameters(
        window_years=int(value("window_years")),
        prime_age=PrimeAgeTest(
            enabled=bool(value("prime_age_enabled")),
            band=(int(value("prime_age_band_low")), int(value("prime_age_band_high"))),
        ),
        cap_national=int(value("cap_national")),
        apportionment_method=str(value("apportionment_method")),
        apportionment_weight=weight,
        min_per_county=int(value("min_per_county")),
        reallocate_unused=bool(value("reallocate_unused")),
        periods_per_year=int(value("periods_per_year")),
        status="/".join(statuses),
        citation=f"{policy.program.id} {policy.program.version} ({policy.program.path.parent.name}), "
        f"parameters in force {policy.on}",
    )


@dataclass(frozen=True)
class Eligibility:
    """Every county's decision (`frame`: `LISTING_COLUMNS` then `RECORD_COLUMNS`, FIPS order), the
    table it was decided from, and the scenario values and warnings that explain it."""

    frame: pl.DataFrame
    table: CountyTable
    combine: str
    growth_ratio: float
    threshold: float
    basis: str
    warnings: tuple[str, ...] = ()

    @property
    def national_start(self) -> int:
        return self.table.national_start

    @property
    def national_end(self) -> int:
        return self.table.national_end

    @property
    def national_growth(self) -> float:
        return self.table.national_growth


def decide(resolved: Resolved, table: CountyTable) -> Eligibility:
    """Evaluate every county of `table` with the resolved `heartland` program, in one pass.

    The decisions are the program's outputs; a test column (`test_growth`, `test_prime_age`,
    `slower_than_nation`) is left empty where the program says the test had no data, which
    is how the listing has always told "failed" from "not measured".
    """
    program = resolved.program
    missing = [name for name in POLICY_OUTPUTS if name not in program.outputs]
    if missing:
        raise PolicyError(
            problem(
                "missing-output",
                f"program '{program.id}' does not declare the output(s) {', '.join(missing)} "
                "that the Heartland listing is made of",
                file=program.path,
            )
        )
    outputs = evaluate_frame(resolved, validate(resolved, table.frame, SOURCE))
    decided = table.frame.hstack(outputs.select(POLICY_OUTPUTS))
    has_a, has_b = pl.col("test_a_available"), pl.col("test_b_available")
    failed = pl.concat_str(
        pl.when(pl.col("test_growth").not_()).then(pl.lit("growth")),
        pl.when(pl.col("test_prime_age").not_()).then(pl.lit("prime_age")),
        separator=";",
        ignore_nulls=True,
    )
    frame = (
        decided.with_columns(
            pl.when(has_a).then(pl.col("slower_than_nation")).alias("slower_than_nation"),
            pl.when(has_a).then(pl.col("test_a_passes")).alias("test_growth"),
            pl.when(has_b).then(pl.col("test_b_passes")).alias("test_prime_age"),
            pl.col("excluded_by_housing").alias("housing_excluded"),
        )
        .with_columns(failed.alias("failed_tests"))
        .select(*LISTING_COLUMNS, *RECORD_COLUMNS)
    )
    threshold = float(outputs["test_a_threshold"][0])
    warnings: tuple[str, ...] = ()
    if outputs["ratio_meaning_inverted"].any():
        warnings = (
            f"national growth is {table.national_growth:+.4%} (<= 0): the threshold growth_ratio x "
            f"national growth = {threshold:+.4%} is applied literally, so a ratio below 1 makes "
            "test (a) less strict, not more",
        )
    return Eligibility(
        frame=frame,
        table=table,
        combine=str(resolved.scalar("combine_mode")),
        growth_ratio=float(resolved.scalar("growth_ratio")),
        threshold=threshold,
        basis=str(outputs["basis"][0]),
        warnings=warnings,
    )


def records(result: Eligibility) -> pl.DataFrame:
    """The listing with what each decision records: vintage, file, windows, national values,
    threshold, combine mode and basis (the `--out` file of `statevisa heartland counties`)."""
    windows = result.table.windows
    return result.frame.with_columns(
        pl.lit(result.national_start).alias("national_start"),
        pl.lit(result.national_end).alias("national_end"),
        pl.lit(f"V{windows.vintage.vintage}").alias("vintage"),
        pl.lit(windows.vintage.source_file).alias("source_file"),
        pl.lit(windows.growth_label).alias("growth_window"),
        pl.lit(windows.prime_label).alias("prime_age_window"),
        pl.lit(result.threshold).alias("threshold"),
        pl.lit(result.combine).alias("combine"),
        pl.lit(result.basis).alias("basis"),
    )


def _pct(column: str) -> pl.Expr:
    """A fraction column as signed percent text with 3 decimals (0.01236 -> "+1.236%")."""
    value = (pl.col(column) * 100).round(3)
    sign = pl.when(value >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
    return pl.concat_str(sign, value.cast(pl.String), pl.lit("%"))


def refusal_reason(threshold: float) -> pl.Expr:
    """Why a county is not eligible, in words, from the program's decisions in `decide`'s columns.

    Words only: which test failed or had no data is the program's verdict; this names it
    (with the county's figures) so that a refused application says why. Null when eligible.
    """
    limit = f"{threshold * 100:+.3f}%"
    a = (
        pl.when(pl.col("test_growth").not_())
        .then(
            pl.concat_str(
                pl.lit("test (a) slow growth failed: growth "),
                _pct("growth"),
                pl.lit(f" is not below the threshold {limit}"),
            )
        )
        .when(pl.col("test_growth").is_null())
        .then(pl.lit("test (a) slow growth has no data in the vintage used"))
    )
    b = (
        pl.when(pl.col("test_prime_age").not_())
        .then(
            pl.format(
                "test (b) prime-age decline failed: 25-54 population {} -> {} did not fall",
                "prime_age_start",
                "prime_age_end",
            )
        )
        .when(pl.col("test_prime_age").is_null())
        .then(pl.lit("test (b) prime-age decline has no data (or is disabled)"))
    )
    housing = pl.when(pl.col("housing_excluded")).then(pl.lit("removed by the housing exclusion"))
    reason = pl.concat_str(a, b, housing, separator="; ", ignore_nulls=True)
    return pl.when(pl.col("eligible")).then(pl.lit(None, pl.String)).otherwise(reason)
