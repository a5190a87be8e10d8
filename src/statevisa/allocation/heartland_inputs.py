"""Heartland inputs: the county table that the `heartland` policy file decides, one row per county.

Every eligibility decision is the policy file's (programs/us/federal/heartland, evaluated by the
rules engine); this module only measures. It picks the Census vintage that serves each window
(docs/programs/heartland.md#data), cuts the vendored data to it, and computes per county the
growth over the window, the national growth (the sum of all county rows of the same file: a
rule sees one county at a time, so a national total has to be an input), the prime-age counts,
and a flag for each test whose data are missing.

Two universes (docs/programs/heartland.md#universes): the *listing* universe is the counties of
the growth window's vintage (V2020: 3,143), the *opt-in* universe those of the newest vintage
(V2024: 3,144, with Connecticut's planning regions), so that applications and weights use
current FIPS codes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.reference import population as pop
from statevisa.reference.population import COUNTY_VINTAGES, Vintage

PRIME_AGE_VINTAGE = Vintage(2023, "prime_age_county_v2023", 2020, 2023, "cc-est2023-syasex")
SOURCE = "heartland county table"
"""How validation problems name the table (it is built here, not read from a file)."""

Universe = Literal["listing", "opt-in"]
UNIVERSES: tuple[Universe, ...] = ("listing", "opt-in")

POLICY_INPUTS = (
    "id",
    "has_growth_data",
    "growth",
    "national_growth",
    "has_prime_age_data",
    "prime_age_start",
    "prime_age_end",
    "on_housing_exclusion_list",
)
"""The columns the `heartland` program declares as its inputs (plus `id`, the FIPS code)."""


@dataclass(frozen=True)
class PrimeAgeTest:
    """Which prime-age data test (b) gets. `start_year`/`end_year` None = the growth window if the
    county age data cover it, else the longest span of the newest vintage with county age data."""

    enabled: bool = True
    band: tuple[int, int] = (25, 54)
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class WindowChoice:
    """What the table is measured over: `window_years` ending in `end_year` (None: the last year
    of the newest vintage spanning the window), within `vintage` (None: the newest covering)."""

    window_years: int
    end_year: int | None = None
    vintage: int | None = None
    prime_age: PrimeAgeTest = field(default_factory=PrimeAgeTest)


@dataclass(frozen=True)
class Windows:
    """The resolved growth and prime-age windows, recorded with every decision."""

    vintage: Vintage
    start: int
    end: int
    prime_start: int | None
    prime_end: int | None

    @property
    def growth_label(self) -> str:
        return f"July 1 {self.start} -> July 1 {self.end}, V{self.vintage.vintage}"

    @property
    def prime_label(self) -> str:
        if self.prime_start is None:
            return "prime-age test disabled"
        return f"July 1 {self.prime_start} -> July 1 {self.prime_end}, V{PRIME_AGE_VINTAGE.vintage}"


@dataclass(frozen=True)
class CountyTable:
    """One row per county of a universe, in FIPS order: the policy inputs (`POLICY_INPUTS`) and
    the measures behind them (fips, name, state, population, pop_start, pop_end, growth,
    prime_age_start, prime_age_end, prime_age_change), with the national totals they share."""

    frame: pl.DataFrame
    windows: Windows
    universe: Universe
    geography: Vintage
    """The vintage whose county list (FIPS codes) the rows follow."""
    national_start: int
    national_end: int
    national_growth: float

    @property
    def universe_label(self) -> str:
        if self.universe == "listing":
            return f"listing (V{self.geography.vintage})"
        return f"opt-in (V{self.geography.vintage} FIPS)"


def resolve_windows(choice: WindowChoice) -> Windows:
    """The window and vintage rules of docs/programs/heartland.md#data.

    Without `end_year`, the end is the last year of the newest vintage whose July 1 estimates
    span `window_years` (2020 for the 10-year default). With it, the window Y - W -> Y must lie
    in one vintage, else `InputError` (2015 -> 2024 is refused: vintages are never stitched).
    """
    w = choice.window_years
    if w < 1:
        raise InputError(problem("out-of-range", f"must be at least 1 year, got {w}", field="window_years"))
    if choice.end_year is None:
        spanning = [
            v
            for v in COUNTY_VINTAGES
            if v.last_year - v.first_year >= w and choice.vintage in (None, v.vintage)
        ]
        if not spanning:
            raise InputError(
                problem(
                    "no-vintage", f"no single vendored vintage spans a {w}-year window", field="window_years"
                )
            )
        chosen = max(spanning, key=lambda v: v.vintage)
        end = chosen.last_year
    else:
        end = choice.end_year
        try:
            chosen = pop.county_vintage([end - w, end], choice.vintage)
        except InputError as error:
            raise InputError(
                problem(
                    "no-vintage",
                    f"the window July 1 {end - w} -> July 1 {end} is not covered by a single "
                    f"vendored vintage: {error.problems[0].message}",
                    field="end_year",
                )
            ) from error
    prime_start, prime_end = _prime_window(choice.prime_age, end - w, end)
    return Windows(chosen, end - w, end, prime_start, prime_end)


def _prime_window(test: PrimeAgeTest, start: int, end: int) -> tuple[int | None, int | None]:
    if not test.enabled:
        return None, None
    if test.band != (25, 54):
        raise InputError(
            problem(
                "not-vendored",
                f"only the 25-54 band is vendored, not {test.band[0]}-{test.band[1]}",
                field="prime_age_band_low",
            )
        )
    if test.start_year is not None or test.end_year is not None:
        a = test.start_year if test.start_year is not None else PRIME_AGE_VINTAGE.first_year
        b = test.end_year if test.end_year is not None else PRIME_AGE_VINTAGE.last_year
        if not PRIME_AGE_VINTAGE.covers([a, b]) or a >= b:
            raise InputError(
                problem(
                    "no-vintage",
                    f"prime-age window {a} -> {b} is not within {PRIME_AGE_VINTAGE.label}",
                    field="prime_age",
                )
            )
        return a, b
    if PRIME_AGE_VINTAGE.covers([start, end]):
        return start, end
    return PRIME_AGE_VINTAGE.first_year, PRIME_AGE_VINTAGE.last_year


def growth_frame(windows: Windows) -> pl.DataFrame:
    """fips, name, state, pop_start, pop_end: every county of the window's vintage, in FIPS order."""
    series = pop.county_series([windows.start, windows.end], windows.vintage.vintage)
    wide = series.pivot("year", index=["fips", "name", "state"], values="population")
    return wide.select(
        "fips",
        "name",
        "state",
        pl.col(str(windows.start)).alias("pop_start"),
        pl.col(str(windows.end)).alias("pop_end"),
    ).sort("fips")


def prime_frame(windows: Windows) -> pl.DataFrame:
    """fips, prime_age_start, prime_age_end for the counties with age data (no Texas, no PR)."""
    if windows.prime_start is None:
        return pl.DataFrame(
            schema={"fips": pl.String, "prime_age_start": pl.Int64, "prime_age_end": pl.Int64}
        )
    frame = pop.prime_age_county().filter(pl.col("year").is_in([windows.prime_start, windows.prime_end]))
    wide = frame.pivot("year", index="fips", values="age_25_54")
    return wide.select(
        "fips",
        pl.col(str(windows.prime_start)).alias("prime_age_start"),
        pl.col(str(windows.prime_end)).alias("prime_age_end"),
    )


def national_growth(growth: pl.DataFrame) -> tuple[int, int, float]:
    """National start, end and growth: the sum of every county row of the one file."""
    start = int(growth["pop_start"].sum())
    end = int(growth["pop_end"].sum())
    return start, end, end / start - 1.0


def county_table(
    universe: pl.DataFrame,
    growth: pl.DataFrame,
    prime: pl.DataFrame,
    excluded: Collection[str] = (),
) -> pl.DataFrame:
    """The rows of `universe` (fips, name, state, population) with their measures and policy inputs.

    `growth` is every county of the growth file (it also gives the nation), `prime` the
    counties with age data; a county missing from either has no data for that test.
    `excluded` is the housing-exclusion list of the scenario.
    """
    nat = national_growth(growth)[2]
    frame = universe.join(growth.select("fips", "pop_start", "pop_end"), on="fips", how="left").join(
        prime.select("fips", "prime_age_start", "prime_age_end"), on="fips", how="left"
    )
    return (
        frame.with_columns(
            (pl.col("pop_end") / pl.col("pop_start") - 1.0).alias("growth"),
            (pl.col("prime_age_end") / pl.col("prime_age_start") - 1.0).alias("prime_age_change"),
            pl.lit(nat).alias("national_growth"),
        )
        .with_columns(
            pl.col("fips").alias("id"),
            pl.col("growth").is_not_null().alias("has_growth_data"),
            (pl.col("prime_age_start").is_not_null() & pl.col("prime_age_end").is_not_null()).alias(
                "has_prime_age_data"
            ),
            pl.col("fips").is_in(sorted(excluded)).alias("on_housing_exclusion_list"),
        )
        .sort("fips")
    )


def table(universe: Universe, choice: WindowChoice, excluded: Collection[str] = ()) -> CountyTable:
    """The county table of a universe: the listing (the growth vintage's counties, population at
    the end year) or the opt-in universe (the newest vintage's counties and newest population)."""
    windows = resolve_windows(choice)
    growth = growth_frame(windows)
    if universe == "listing":
        geography = windows.vintage
        counties = growth.select("fips", "name", "state", pl.col("pop_end").alias("population"))
    else:
        counties, geography = opt_in_universe()
    start, end, nat = national_growth(growth)
    frame = county_table(counties, growth, prime_frame(windows), excluded)
    return CountyTable(frame, windows, universe, geography, start, end, nat)


def opt_in_universe() -> tuple[pl.DataFrame, Vintage]:
    """The newest vintage's counties with their newest-year population (the weights)."""
    newest = max(COUNTY_VINTAGES, key=lambda v: v.vintage)
    frame = pop.county_population(newest.last_year, newest.vintage)
    return frame, newest
