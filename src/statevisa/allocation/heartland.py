"""Heartland Visa (S. 5644, 2024) county eligibility: the pure, vectorised core.

Nobody has read section 3 of S. 5644, so everything here follows the *default encoding* of
shared/specs/programs/heartland.md §5 (a product choice, not bill text). Every number the
rules use is a field of `HeartlandParameters`, passed in by the caller and read from the
`heartland` policy file (programs/us/federal/heartland) by `parameters_from`, so the numbers are
dated and cited in one place.

The core takes frames already cut to one vintage (see `heartland_inputs`) and never reads
files. Rules (heartland.md §5.2):
1. both ends of a window come from one Census vintage (July 1 estimates);
2. test (a): growth = P(end)/P(start) - 1 < growth_ratio x national growth, strictly;
3. test (b): population aged 25-54 at the end of its window < at its start, strictly;
4. `any` / `all` over the available tests; 5. the housing hook removes counties after that;
6. a test without data is skipped and flagged (`partial_data`; `no_data` = not eligible).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, cast

import polars as pl

from statevisa.rules.resolve import Resolved

Combine = Literal["any", "all"]
MissingTest = Literal["skip_and_flag", "fail_and_flag"]
Weight = Literal["population", "prime_age"]

BASIS = "Heartland default encoding, not bill text"
LABEL = "default encoding, not bill text"

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


@dataclass(frozen=True)
class PrimeAgeTest:
    """Test (b). `start_year`/`end_year` None = the growth window if county age data cover it,
    else the longest span of the newest vintage with county age data (heartland.md §5.1)."""

    enabled: bool = True
    band: tuple[int, int] = (25, 54)
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class HeartlandParameters:
    """Every value the Heartland rules use; see heartland.md §5.1 for each name's meaning.

    `end_year` / `vintage` None mean "resolve from the shipped data" (§5.1 eligibility.end_year
    and eligibility.vintage). `housing_exclusion` is the hook: FIPS codes removed after the
    tests. `apportionment_method` is a method of `statevisa.allocation.apportion` or `none`
    (one national pool, no county ceilings). `missing_test` is `skip_and_flag` (the §5.1
    default, rule 6) or `fail_and_flag`, a product alternative for scenarios (a test without
    data counts as failed; the county is still flagged), not a reading of the bill.
    """

    window_years: int
    end_year: int | None
    vintage: int | None
    growth_ratio: float
    prime_age: PrimeAgeTest
    combine: Combine
    missing_test: MissingTest
    housing_exclusion: frozenset[str]
    cap_national: int
    apportionment_method: str
    apportionment_weight: Weight
    min_per_county: int
    reallocate_unused: bool
    periods_per_year: int
    status: str = "unconfirmed"
    basis: str = BASIS
    citation: str = "statevisa Heartland default encoding (heartland.md §5.1)"


POLICY_PARAMETERS = (
    "window_years", "growth_ratio", "prime_age_enabled", "prime_age_band_low", "prime_age_band_high",
    "combine_mode", "missing_test", "cap_national", "apportionment_method", "apportionment_weight",
    "min_per_county", "reallocate_unused", "periods_per_year",
)  # fmt: skip
"""The parameters of the `heartland` program file that `HeartlandParameters` carries."""


def parameters_from(policy: Resolved) -> HeartlandParameters:
    """The Heartland parameters in force in the `heartland` policy file on its date.

    The program file (programs/us/federal/heartland) dates and cites each value; every one has
    status `unconfirmed`, being the "default encoding, not bill text" of heartland.md §5.1
    that stands in for S. 5644 §3. End year and vintage are resolved from the shipped data.
    """
    value = policy.scalar
    combine, missing, weight = (
        str(value("combine_mode")),
        str(value("missing_test")),
        str(value("apportionment_weight")),
    )
    if combine not in ("any", "all") or missing not in ("skip_and_flag", "fail_and_flag"):
        raise ValueError(f"heartland: unsupported combine_mode '{combine}' or missing_test '{missing}'")
    if weight not in ("population", "prime_age"):
        raise ValueError(f"heartland: unsupported apportionment_weight '{weight}'")
    statuses = sorted({policy.values[name].status.value for name in POLICY_PARAMETERS})
    return HeartlandParameters(
        window_years=int(value("window_years")),
        end_year=None,
        vintage=None,
        growth_ratio=float(value("growth_ratio")),
        prime_age=PrimeAgeTest(
            enabled=bool(value("prime_age_enabled")),
            band=(int(value("prime_age_band_low")), int(value("prime_age_band_high"))),
        ),
        combine=cast(Combine, combine),
        missing_test=cast(MissingTest, missing),
        housing_exclusion=frozenset(),
        cap_national=int(value("cap_national")),
        apportionment_method=str(value("apportionment_method")),
        apportionment_weight=cast(Weight, weight),
        min_per_county=int(value("min_per_county")),
        reallocate_unused=bool(value("reallocate_unused")),
        periods_per_year=int(value("periods_per_year")),
        status="/".join(statuses),
        citation=f"{policy.program.id} {policy.program.version} ({policy.program.path.parent.name}), "
        f"parameters in force {policy.on}",
    )


@dataclass(frozen=True)
class Eligibility:
    """The per-county decisions plus the national figures and warnings that explain them."""

    frame: pl.DataFrame
    national_start: int
    national_end: int
    national_growth: float
    threshold: float
    warnings: tuple[str, ...] = field(default=())


def national_growth(growth: pl.DataFrame) -> tuple[int, int, float]:
    """National start, end and growth: the sum of all county rows of the one file (§5.2 rule 2)."""
    start = int(growth["pop_start"].sum())
    end = int(growth["pop_end"].sum())
    return start, end, end / start - 1.0


def evaluate(
    universe: pl.DataFrame,
    growth: pl.DataFrame,
    prime: pl.DataFrame,
    params: HeartlandParameters,
) -> Eligibility:
    """Decide eligibility for every county of `universe` under `params` (heartland.md §5.2).

    Inputs, each from one vintage: `universe` (fips, name, state, population), `growth`
    (fips, pop_start, pop_end: every county of the growth file, which also gives the nation),
    `prime` (fips, prime_age_start, prime_age_end). A county missing from `growth` or
    `prime` lacks that test. Output columns: `LISTING_COLUMNS`, then test_growth,
    test_prime_age, failed_tests, housing_excluded, pop_start, pop_end (the county's window values).
    """
    start, end, nat = national_growth(growth)
    threshold = params.growth_ratio * nat
    warnings: list[str] = []
    if nat <= 0:
        warnings.append(
            f"national growth is {nat:+.4%} (<= 0): the threshold growth_ratio x national growth "
            f"= {threshold:+.4%} is applied literally, so a ratio below 1 makes test (a) less "
            "strict, not more"
        )
    frame = universe.join(growth.select("fips", "pop_start", "pop_end"), on="fips", how="left").join(
        prime.select("fips", "prime_age_start", "prime_age_end"), on="fips", how="left"
    )
    test_a = pl.col("growth") < threshold
    prime_on = params.prime_age.enabled
    test_b = pl.col("prime_age_end") < pl.col("prime_age_start") if prime_on else pl.lit(None, pl.Boolean)
    frame = frame.with_columns(
        (pl.col("pop_end") / pl.col("pop_start") - 1.0).alias("growth"),
        (pl.col("prime_age_end") / pl.col("prime_age_start") - 1.0).alias("prime_age_change"),
    ).with_columns(test_a.alias("test_growth"), test_b.alias("test_prime_age"))
    tests = ["test_growth", "test_prime_age"] if prime_on else ["test_growth"]
    available = pl.sum_horizontal(pl.col(t).is_not_null().cast(pl.Int8) for t in tests)
    if params.missing_test == "fail_and_flag":
        passed = [pl.col(t).fill_null(False) for t in tests]
        decided = pl.any_horizontal(passed) if params.combine == "any" else pl.all_horizontal(passed)
    elif params.combine == "any":
        decided = pl.any_horizontal(pl.col(t).fill_null(False) for t in tests)
    else:
        decided = pl.all_horizontal(pl.col(t).fill_null(True) for t in tests) & (available > 0)
    excluded = pl.col("fips").is_in(sorted(params.housing_exclusion))
    failed = pl.concat_str(
        pl.when(pl.col("test_growth").not_()).then(pl.lit("growth")),
        pl.when(pl.col("test_prime_age").not_()).then(pl.lit("prime_age")),
        separator=";",
        ignore_nulls=True,
    )
    frame = frame.with_columns(
        pl.lit(nat).alias("national_growth"),
        (pl.col("growth") < nat).alias("slower_than_nation"),
        excluded.alias("housing_excluded"),
        (decided & excluded.not_()).alias("eligible"),
        pl.when(available == 0)
        .then(pl.lit("no_data"))
        .when(available < len(tests))
        .then(pl.lit("partial_data"))
        .otherwise(pl.lit(""))
        .alias("flags"),
        failed.alias("failed_tests"),
    )
    columns = [
        *LISTING_COLUMNS,
        "test_growth",
        "test_prime_age",
        "failed_tests",
        "housing_excluded",
        "pop_start",
        "pop_end",
    ]
    return Eligibility(
        frame=frame.select(columns).sort("fips"),
        national_start=start,
        national_end=end,
        national_growth=nat,
        threshold=threshold,
        warnings=tuple(warnings),
    )


def _pct(column: str) -> pl.Expr:
    """A fraction column as signed percent text with 3 decimals (0.01236 -> "+1.236%")."""
    value = (pl.col(column) * 100).round(3)
    sign = pl.when(value >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
    return pl.concat_str(sign, value.cast(pl.String), pl.lit("%"))


def refusal_reason(threshold: float) -> pl.Expr:
    """Why a county is not eligible, naming each failed or missing test (§8 item 10).

    An expression over `evaluate`'s output columns, so a whole file of applications is
    explained in one pass; null for an eligible county.
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
