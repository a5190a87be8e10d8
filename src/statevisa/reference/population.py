"""County and state population series, one Census PEP vintage at a time.

Each Census vintage revises every earlier year (Los Angeles 2023 is 9,663,345 in V2023 and
9,731,837 in V2024), so a change computed across two files is an artefact of the revision,
not growth (the data sources note "Vintages do not mix cleanly"; docs/data.md). Every function
here therefore works inside one vintage: the caller names it, or gets the newest vintage
whose July 1 estimates cover all the requested years, and a request no single vintage covers
is refused with `InputError` rather than stitched together.

Vendored vintages (July 1 estimates):
- counties: V2020 2010-2020, V2023 2020-2023, V2024 2021-2024 (the V2024 county source has
  no July 2020 value), all for the 50 states and DC;
- states: V2020 2010-2020 and V2023 2020-2023 (state rows of the county files), V2024
  2020-2024 (NST-EST2024).
So `county_population(2020)` uses V2023 and `state_population(2020)` uses V2024.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.reference.catalog import table


@dataclass(frozen=True)
class Vintage:
    """One vendored PEP vintage: which dataset holds it and which July 1 years it covers."""

    vintage: int
    dataset: str
    first_year: int
    last_year: int
    source_file: str

    def covers(self, years: Iterable[int]) -> bool:
        return all(self.first_year <= year <= self.last_year for year in years)

    @property
    def label(self) -> str:
        return f"V{self.vintage} ({self.first_year}-{self.last_year})"


COUNTY_VINTAGES: tuple[Vintage, ...] = (
    Vintage(2020, "pep_county_v2020", 2010, 2020, "co-est2020-alldata.csv"),
    Vintage(2023, "pep_county_v2023", 2020, 2023, "co-est2023-alldata.csv"),
    Vintage(2024, "pep_county_v2024", 2021, 2024, "county_population_2000_2024_long.csv"),
)
STATE_VINTAGES: tuple[Vintage, ...] = (
    Vintage(2020, "pep_county_v2020", 2010, 2020, "co-est2020-alldata.csv"),
    Vintage(2023, "pep_county_v2023", 2020, 2023, "co-est2023-alldata.csv"),
    Vintage(2024, "pep_state_v2024", 2020, 2024, "NST-EST2024-ALLDATA.csv"),
)


def _pick(vintages: tuple[Vintage, ...], years: list[int], vintage: int | None, what: str) -> Vintage:
    """The named vintage if it covers `years`, else the newest that does; refuse otherwise."""
    span = f"{min(years)}-{max(years)}" if len(set(years)) > 1 else str(years[0])
    known = ", ".join(v.label for v in vintages)
    if vintage is not None:
        match = [v for v in vintages if v.vintage == vintage]
        if not match:
            raise InputError(
                problem("unknown-vintage", f"no vendored {what} vintage V{vintage} (vendored: {known})")
            )
        if not match[0].covers(years):
            raise InputError(problem("vintage-gap", f"{what} vintage {match[0].label} does not cover {span}"))
        return match[0]
    covering = [v for v in vintages if v.covers(years)]
    if not covering:
        raise InputError(
            problem(
                "no-vintage",
                f"no single vendored {what} vintage covers {span} (vendored: {known}); "
                "vintages are never mixed, so choose years within one vintage",
            )
        )
    return max(covering, key=lambda v: v.vintage)


def county_vintage(years: Iterable[int], vintage: int | None = None) -> Vintage:
    """The county vintage for `years`: `vintage` if given and covering, else the newest covering."""
    return _pick(COUNTY_VINTAGES, list(years), vintage, "county")


def state_vintage(years: Iterable[int], vintage: int | None = None) -> Vintage:
    """The state vintage for `years`: `vintage` if given and covering, else the newest covering."""
    return _pick(STATE_VINTAGES, list(years), vintage, "state")


def county_series(years: Iterable[int], vintage: int | None = None) -> pl.DataFrame:
    """July 1 county estimates for `years`, all from one vintage, in long form.

    Columns: fips (5-digit text), name, state, state_fips, year, population, vintage.
    Rows: the counties of the 50 states and DC in that vintage (V2020 3,143; later 3,144).
    """
    wanted = sorted(set(years))
    chosen = county_vintage(wanted, vintage)
    frame = table(chosen.dataset)
    return (
        frame.filter(
            (pl.col("level") == "county") & (pl.col("reference") == "july1") & pl.col("year").is_in(wanted)
        )
        .select(
            "fips",
            "name",
            "state",
            "state_fips",
            pl.col("year").cast(pl.Int32),
            "population",
            pl.lit(chosen.vintage, pl.Int32).alias("vintage"),
        )
        .sort("fips", "year")
    )


def state_series(years: Iterable[int], vintage: int | None = None) -> pl.DataFrame:
    """July 1 state estimates (50 states and DC) for `years` from one vintage, in long form.

    Columns: fips (2-digit text), name, year, population, vintage.
    """
    wanted = sorted(set(years))
    chosen = state_vintage(wanted, vintage)
    frame = table(chosen.dataset).filter(
        (pl.col("level") == "state") & (pl.col("reference") == "july1") & pl.col("year").is_in(wanted)
    )
    if "state" in frame.columns:
        frame = frame.with_columns(pl.col("state").alias("name"))
    return frame.select(
        "fips",
        "name",
        pl.col("year").cast(pl.Int32),
        "population",
        pl.lit(chosen.vintage, pl.Int32).alias("vintage"),
    ).sort("fips", "year")


def county_population(year: int, vintage: int | None = None) -> pl.DataFrame:
    """County July 1 population in `year`: columns fips, name, state, population.

    Uses the newest vendored vintage covering `year` unless `vintage` is given (see the module
    docstring: 2010-2020 -> V2020 for 2010-2019, V2023 for 2020, V2024 for 2021-2024).
    """
    return county_series([year], vintage).select("fips", "name", "state", "population")


def state_population(year: int, vintage: int | None = None) -> pl.DataFrame:
    """State July 1 population in `year`, 51 rows (50 states, DC): columns fips, name, population.

    Uses the newest vendored vintage covering `year` unless `vintage` is given (V2020 for
    2010-2019, V2024 for 2020-2024).
    """
    return state_series([year], vintage).select("fips", "name", "population")


def national_population(year: int, vintage: int | None = None) -> int:
    """US total (50 states and DC) in `year`, as the sum of the state rows of one vintage."""
    return int(state_series([year], vintage)["population"].sum())


def prime_age_county(*, include_puerto_rico: bool = False) -> pl.DataFrame:
    """County population aged 25-54, V2023, July 1 2020-2023 (Texas is missing: no source file).

    Columns: fips, name, state, state_fips, year, population, age_25_54, age_25_54_male,
    age_25_54_female. Puerto Rico's 78 municipios are dropped unless asked for.
    """
    frame = table("prime_age_county_v2023").filter(pl.col("reference") == "july1")
    if not include_puerto_rico:
        frame = frame.filter(pl.col("state_fips") != "72")
    return frame.drop("reference").with_columns(pl.col("year").cast(pl.Int32))


def prime_age_state_civilian() -> pl.DataFrame:
    """State civilian population, total and 25-54, V2023, July 1 2020-2023 (the only Texas figure).

    Columns: fips (00 = US), name, year, civilian_population, civilian_age_25_54.
    """
    frame = table("prime_age_state_civilian_v2023").filter(pl.col("reference") == "july1")
    return frame.drop("reference").with_columns(pl.col("year").cast(pl.Int32))


def county_census_years() -> pl.DataFrame:
    """Census-type county counts for 2000, 2010 and 2020 (a third-party panel).

    For comparisons with published figures only: its reference dates (April) differ from the
    PEP July 1 estimates, so never compute a change between it and a vintage.
    Columns: fips, name, state, year, population.
    """
    return table("county_census_years").with_columns(pl.col("year").cast(pl.Int32))
