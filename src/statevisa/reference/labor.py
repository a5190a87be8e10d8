"""Local labour-market indicators as program-rule inputs: LAUS unemployment and SAIPE income.

A program rule such as "counties above an unemployment threshold" or "occupations in
shortage" needs these as plain frames keyed by FIPS, so every function returns one row per
area with text FIPS codes. OEWS wages live in `statevisa.reference.wages`.
"""

from __future__ import annotations

import polars as pl

from statevisa.errors import InputError, problem
from statevisa.reference.catalog import table

LAUS_YEARS = (2024,)
SAIPE_YEARS = (2021,)


def _require(year: int, years: tuple[int, ...], what: str) -> None:
    if year not in years:
        shipped = ", ".join(str(y) for y in years)
        raise InputError(problem("not-vendored", f"no vendored {what} for {year} (vendored: {shipped})"))


def laus_county(year: int = 2024, *, include_puerto_rico: bool = False) -> pl.DataFrame:
    """BLS LAUS county annual averages: fips, state_fips, name, usps, year, labor_force,
    employed, unemployed, unemployment_rate (percent, as BLS publishes it, e.g. 5.8).

    3,143 counties of the 50 states and DC for 2024 (Connecticut as planning regions;
    Kalawao HI folded into Maui by BLS), plus 78 Puerto Rico municipios if asked.
    """
    _require(year, LAUS_YEARS, "LAUS county data")
    frame = table("laus_county_2024").filter(pl.col("year") == year)
    if not include_puerto_rico:
        frame = frame.filter(pl.col("state_fips") != "72")
    return frame.with_columns(pl.col("year").cast(pl.Int32))


def county_unemployment(year: int = 2024) -> pl.DataFrame:
    """County unemployment for rules: fips, unemployment_rate (percent), labor_force, unemployed."""
    return laus_county(year).select("fips", "unemployment_rate", "labor_force", "unemployed")


def state_unemployment(year: int = 2024) -> pl.DataFrame:
    """State unemployment aggregated from the LAUS counties: fips, labor_force, unemployed,
    unemployment_rate (percent, one decimal).

    BLS's official state rates come from separate state models and can differ slightly from
    this sum of county estimates; use this as a consistent county-based indicator, not as
    the published state rate.
    """
    counties = laus_county(year)
    return (
        counties.group_by(pl.col("state_fips").alias("fips"))
        .agg(pl.col("labor_force").sum(), pl.col("unemployed").sum())
        .with_columns(
            (pl.col("unemployed") / pl.col("labor_force") * 100).round(1).alias("unemployment_rate")
        )
        .sort("fips")
    )


def saipe_county(year: int = 2021) -> pl.DataFrame:
    """SAIPE county poverty and median household income: fips, usps, name, poverty_all_ages,
    poverty_pct_all_ages, poverty_pct_0_17, median_household_income (null for Kalawao HI),
    mhi_ci90_lower, mhi_ci90_upper. 3,143 counties, 2021 geography (Connecticut's old counties).
    """
    _require(year, SAIPE_YEARS, "SAIPE county estimates")
    return table("saipe_county_2021").filter(pl.col("level") == "county").drop("level")
