"""Reference indicators a program can read as inputs: one value per state or county FIPS.

A program input declared with ``source: {indicator: NAME, key: COLUMN}`` is filled
from here by the FIPS code in COLUMN, so a rule such as "counties above an
unemployment threshold" reads the vendored BLS figure instead of a number typed by
hand. Each indicator names its dataset and vintage; values never mix vintages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import polars as pl

Level = Literal["state", "county"]


@dataclass(frozen=True)
class Indicator:
    """A named, sourced column of values keyed by FIPS."""

    name: str
    level: Level
    unit: str
    source: str
    load: Callable[[], pl.DataFrame]
    """Returns a frame with `fips` and `value`."""


def _pick(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    import polars as pl

    return frame.select("fips", pl.col(column).cast(pl.Float64).alias("value"))


# The data modules import Polars; loading them only when an indicator's values are read keeps
# the catalogue (which the policy loader consults) free of it.
def _labor() -> ModuleType:
    from statevisa.reference import labor

    return labor


def _population() -> ModuleType:
    from statevisa.reference import population

    return population


INDICATORS: dict[str, Indicator] = {
    indicator.name: indicator
    for indicator in (
        Indicator(
            "county_unemployment_rate_2024", "county", "percent",
            "BLS LAUS county annual averages 2024 (laus_county_2024)",
            lambda: _pick(_labor().county_unemployment(2024), "unemployment_rate"),
        ),
        Indicator(
            "state_unemployment_rate_2024", "state", "percent",
            "BLS LAUS 2024, summed from the counties (laus_county_2024)",
            lambda: _pick(_labor().state_unemployment(2024), "unemployment_rate"),
        ),
        Indicator(
            "county_median_household_income_2021", "county", "USD",
            "Census SAIPE 2021 (saipe_county_2021)",
            lambda: _pick(_labor().saipe_county(2021), "median_household_income"),
        ),
        Indicator(
            "county_poverty_rate_2021", "county", "percent",
            "Census SAIPE 2021, all ages (saipe_county_2021)",
            lambda: _pick(_labor().saipe_county(2021), "poverty_pct_all_ages"),
        ),
        Indicator(
            "county_population_2024", "county", "people",
            "Census PEP Vintage 2024, July 1 2024",
            lambda: _pick(_population().county_population(2024), "population"),
        ),
        Indicator(
            "state_population_2024", "state", "people",
            "Census PEP Vintage 2024, July 1 2024",
            lambda: _pick(_population().state_population(2024), "population"),
        ),
    )
}  # fmt: skip


@cache
def values(name: str) -> pl.DataFrame:
    """`fips` and `value` of one indicator, loaded once (nulls where the source has none)."""
    return INDICATORS[name].load()
