"""The published checks of shared/data/census/SOURCES.md, re-asserted on vendored population."""

from __future__ import annotations

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.reference import population
from statevisa.reference.catalog import table


def test_v2020_has_3143_counties_whose_sums_equal_the_state_rows() -> None:
    counties = population.county_series([2020], vintage=2020)
    states = population.state_series([2020], vintage=2020)
    assert counties.height == 3143
    sums = counties.group_by("state_fips").agg(pl.col("population").sum().alias("sum"))
    joined = states.join(sums, left_on="fips", right_on="state_fips")
    assert joined.height == 51
    assert (joined["sum"] == joined["population"]).all()


def test_v2023_county_sums_equal_the_state_rows_in_2023() -> None:
    counties = population.county_series([2023], vintage=2023)
    states = population.state_series([2023], vintage=2023)
    assert counties.height == 3144
    sums = counties.group_by("state_fips").agg(pl.col("population").sum().alias("sum"))
    joined = states.join(sums, left_on="fips", right_on="state_fips")
    assert (joined["sum"] == joined["population"]).all()
    assert int(counties["population"].sum()) == 334_914_895


def test_v2024_county_sums_equal_nst_est2024_in_every_year() -> None:
    counties = population.county_series(range(2021, 2025), vintage=2024)
    states = population.state_series(range(2021, 2025), vintage=2024)
    sums = counties.group_by("state_fips", "year").agg(pl.col("population").sum().alias("sum"))
    joined = states.join(sums, left_on=["fips", "year"], right_on=["state_fips", "year"])
    assert joined.height == 51 * 4
    assert (joined["sum"] == joined["population"]).all()


def test_los_angeles_in_each_vintage() -> None:
    def la(year: int, vintage: int) -> int:
        frame = population.county_population(year, vintage=vintage)
        return int(frame.filter(pl.col("fips") == "06037")["population"].item())

    assert la(2020, 2020) == 9_943_046
    assert la(2023, 2023) == 9_663_345
    assert la(2024, 2024) == 9_757_179
    census = table("pep_county_v2020").filter((pl.col("fips") == "06037") & (pl.col("reference") == "census"))
    assert census["population"].item() == 9_818_605


def test_state_totals_v2024() -> None:
    states = population.state_population(2024)
    assert states.columns == ["fips", "name", "population"]
    assert states.height == 51
    assert int(states["population"].sum()) == 340_110_988
    lookup = dict(zip(states["fips"], states["population"], strict=True))
    assert lookup["06"] == 39_431_263
    assert lookup["48"] == 31_290_831
    us = table("pep_state_v2024").filter(
        (pl.col("fips") == "00") & (pl.col("year") == 2024) & (pl.col("reference") == "july1")
    )
    assert us["population"].item() == 340_110_988


def test_us_sum_of_counties_2020_and_decline_count_in_v2020() -> None:
    series = population.county_series([2010, 2020], vintage=2020)
    wide = series.pivot("year", index="fips", values="population")
    assert int(wide["2020"].sum()) == 329_484_123
    assert int((wide["2020"] < wide["2010"]).sum()) == 1710


def test_fips_are_zero_padded_text_even_from_the_stripped_v2023_copy() -> None:
    frame = population.county_population(2023, vintage=2023)
    assert frame.schema["fips"] == pl.String
    assert frame["fips"].str.len_chars().unique().to_list() == [5]
    assert "01001" in frame["fips"].to_list()


@pytest.mark.parametrize(
    ("years", "expected"), [([2017], 2020), ([2010, 2020], 2020), ([2020], 2023), ([2024], 2024)]
)
def test_county_vintage_is_the_newest_covering_all_years(years: list[int], expected: int) -> None:
    assert population.county_vintage(years).vintage == expected


def test_state_population_2020_comes_from_v2024() -> None:
    assert population.state_vintage([2020]).vintage == 2024


def test_a_window_no_vintage_covers_is_refused() -> None:
    with pytest.raises(InputError, match="no single vendored county vintage covers 2015-2024") as refused:
        population.county_vintage([2015, 2024])
    assert refused.value.problems[0].code == "no-vintage"


def test_a_named_vintage_that_does_not_cover_the_year_is_refused() -> None:
    with pytest.raises(InputError, match=r"V2023 .* does not cover 2017") as refused:
        population.county_population(2017, vintage=2023)
    assert refused.value.problems[0].code == "vintage-gap"
    with pytest.raises(InputError, match="no vendored state vintage V1999") as unknown:
        population.state_population(2017, vintage=1999)
    assert unknown.value.problems[0].code == "unknown-vintage"


def test_prime_age_checks() -> None:
    prime = population.prime_age_county(include_puerto_rico=True)
    assert prime["fips"].n_unique() == 2968
    assert prime.filter(pl.col("state_fips") == "48").height == 0
    la = prime.filter(pl.col("fips") == "06037").sort("year")
    assert la["age_25_54"].to_list()[0] == 4_320_668
    assert la["age_25_54"].to_list()[-1] == 4_138_281
    wide = prime.pivot("year", index="fips", values="age_25_54")
    assert int((wide["2023"] < wide["2020"]).sum()) == 1425
    assert population.prime_age_county()["fips"].n_unique() == 2890


def test_texas_prime_age_civilian_state_totals() -> None:
    civ = population.prime_age_state_civilian()
    tx = civ.filter(pl.col("fips") == "48").sort("year")["civilian_age_25_54"].to_list()
    assert tx[0] == 11_799_344
    assert tx[-1] == 12_379_255
    us23 = civ.filter((pl.col("fips") == "00") & (pl.col("year") == 2023))
    assert us23["civilian_population"].item() == 333_849_724


def test_census_panel_is_kept_apart_for_comparisons() -> None:
    panel = population.county_census_years()
    assert sorted(panel["year"].unique().to_list()) == [2000, 2010, 2020]
    cook = panel.filter(pl.col("fips") == "17031").sort("year")["population"].to_list()
    assert cook[1:] == [5_194_675, 5_275_554]
