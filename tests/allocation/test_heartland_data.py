"""Heartland regression values on the shipped data (docs/programs/heartland.md#regression-values).

Every figure comes from the one path the commands use: the county table measured by
`heartland_inputs` and decided by the `heartland` policy file (`services.heartland.evaluate`).
The shipped-data values are pinned exactly; published EIG and Census figures are compared
only where the measure matches (docs/heartland.md records the gaps).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from statevisa.allocation import heartland_inputs as inputs
from statevisa.allocation.heartland import Eligibility
from statevisa.errors import InputError
from statevisa.reference import population
from statevisa.services.heartland import Options, evaluate

HEARTLAND_ON = dt.date(2025, 6, 1)
"""A date inside the heartland program's parameter periods."""


def listing(**options: object) -> Eligibility:
    return evaluate(Options(**options), HEARTLAND_ON)  # type: ignore[arg-type]


def opt_in(**options: object) -> Eligibility:
    return evaluate(Options(universe="opt-in", **options), HEARTLAND_ON)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def default_listing() -> Eligibility:
    return listing()


@pytest.fixture(scope="module")
def default_opt_in() -> Eligibility:
    return opt_in()


def row(result: Eligibility, fips: str) -> dict[str, object]:
    return result.frame.filter(pl.col("fips") == fips).row(0, named=True)


def count(result: Eligibility, column: str) -> int:
    return int(result.frame[column].sum())


def test_section_5_3_window_2010_2017() -> None:
    any_ = listing(year=2017, window=7)
    assert (any_.national_start, any_.national_end) == (309_327_143, 325_122_128)
    assert any_.national_growth == pytest.approx(0.0510624, abs=5e-8)
    assert any_.frame.height == 3143
    assert count(any_, "slower_than_nation") == 2538
    assert count(any_, "eligible") == 2641
    assert count(listing(year=2017, window=7, combine="all"), "eligible") == 1439


def test_default_window_is_2010_2020_in_v2020(default_listing: Eligibility) -> None:
    windows = default_listing.table.windows
    assert (windows.start, windows.end, windows.vintage.vintage) == (2010, 2020, 2020)
    assert (windows.prime_start, windows.prime_end) == (2020, 2023)


def test_section_7_listing_universe(default_listing: Eligibility) -> None:
    frame = default_listing.frame
    assert (default_listing.national_start, default_listing.national_end) == (
        309_327_143,
        329_484_123,
    )
    assert frame.height == 3143
    assert count(default_listing, "test_growth") == 2494
    assert count(default_listing, "test_prime_age") == 1359
    assert int(frame["test_prime_age"].is_not_null().sum()) == 2881
    assert count(default_listing, "eligible") == 2575
    both = listing(combine="all").frame
    assert int(both["eligible"].sum()) == 1456
    eligible = both.filter(pl.col("eligible"))
    assert eligible.filter(pl.col("flags") == "").height == 1278
    assert eligible.filter(pl.col("fips").str.starts_with("48")).height == 170
    assert eligible.filter(pl.col("fips").str.starts_with("09")).height == 8


def test_section_7_growth_ratio_alternatives() -> None:
    assert count(listing(growth_ratio=0.5), "test_growth") == 2168
    assert count(listing(growth_ratio=0.0), "test_growth") == 1710


def test_section_7_opt_in_universe(default_opt_in: Eligibility) -> None:
    frame = default_opt_in.frame
    assert frame.height == 3144
    assert int(frame["test_growth"].is_not_null().sum()) == 3135
    assert count(default_opt_in, "test_growth") == 2486
    assert count(default_opt_in, "test_prime_age") == 1363
    assert int(frame["test_prime_age"].is_not_null().sum()) == 2890
    assert count(default_opt_in, "eligible") == 2571
    both = opt_in(combine="all").frame.filter(pl.col("eligible"))
    assert both.height == 1452
    assert both.filter(pl.col("flags") == "").height == 1278
    assert both.filter(pl.col("fips").str.starts_with("48")).height == 170
    assert both.filter(pl.col("fips").str.starts_with("09")).height == 4


def test_opt_in_fips_are_the_v2023_counties() -> None:
    v2023 = set(population.county_population(2023, vintage=2023)["fips"])
    assert set(inputs.opt_in_universe()[0]["fips"]) == v2023


def test_yearly_decline_shares_in_v2020() -> None:
    series = population.county_series(range(2010, 2021), vintage=2020)
    wide = series.pivot("year", index="fips", values="population")
    declined = wide.select(
        (pl.col(str(y)) < pl.col(str(y - 1))).mean().alias(str(y)) for y in range(2011, 2021)
    ).row(0, named=True)
    shares = {int(y): float(v) for y, v in declined.items()}
    assert all(0.45 <= share <= 0.55 for share in shares.values())
    assert round(min(shares.values()), 3) == round(shares[2017], 3) == 0.467
    assert round(max(shares.values()), 3) == round(shares[2012], 3) == 0.540


def test_section_7_census_based_comparisons() -> None:
    panel = population.county_census_years().pivot("year", index="fips", values="population")
    both = panel.drop_nulls(["2010", "2020"])
    declined = both.filter(pl.col("2020") < pl.col("2010"))
    assert (both.height, declined.height) == (3139, 1650)
    assert int(both["2020"].sum()) / int(both["2010"].sum()) - 1 == pytest.approx(0.0736, abs=5e-5)
    assert round(int(declined["2020"].sum()) / 1e6, 1) == 50.9
    v2020 = population.county_series([2010, 2017, 2020], vintage=2020)
    wide = v2020.pivot("year", index="fips", values="population")
    shrank = wide.filter(pl.col("2020") < pl.col("2010"))
    assert shrank.height == 1710
    assert round(int(shrank["2020"].sum()) / 1e6, 1) == 79.1
    shrank_2017 = wide.filter(pl.col("2017") < pl.col("2010"))
    assert round(int(shrank_2017["2017"].sum()) / 1e6, 1) == 64.5


def test_missing_data_cases(default_listing: Eligibility, default_opt_in: Eligibility) -> None:
    harris = row(default_listing, "48201")
    assert round(float(str(harris["growth"])), 5) == 0.15355
    assert harris["test_growth"] is False
    assert harris["test_prime_age"] is None
    assert (harris["eligible"], harris["flags"]) == (False, "partial_data")
    capitol = row(default_opt_in, "09110")
    assert capitol["test_growth"] is None
    assert (capitol["prime_age_start"], capitol["prime_age_end"]) == (369_915, 371_203)
    assert (capitol["eligible"], capitol["flags"]) == (False, "partial_data")
    hartford = row(default_listing, "09003")
    assert round(float(str(hartford["growth"])), 5) == -0.00669
    assert hartford["test_prime_age"] is None
    assert (hartford["eligible"], hartford["flags"]) == (True, "partial_data")


@pytest.mark.parametrize(
    ("fips", "growth", "prime", "eligible"),
    [
        ("54047", -0.23436, (7_423, 6_678), True),
        ("38053", 1.37711, (5_962, 5_722), True),
        ("06037", 0.01236, (4_320_668, 4_138_281), True),
        ("02063", -0.04218, None, True),
    ],
)
def test_named_counties(
    default_listing: Eligibility,
    fips: str,
    growth: float,
    prime: tuple[int, int] | None,
    eligible: bool,
) -> None:
    county = row(default_listing, fips)
    assert round(float(str(county["growth"])), 5) == growth
    if prime is not None:
        assert (county["prime_age_start"], county["prime_age_end"]) == prime
    assert county["eligible"] is eligible


def test_mckenzie_is_eligible_under_any_only() -> None:
    assert row(listing(combine="all"), "38053")["eligible"] is False


def test_housing_hook_removes_los_angeles() -> None:
    la = row(listing(exclude=("06037",)), "06037")
    assert (la["eligible"], la["housing_excluded"]) == (False, True)


def test_cook_county_uses_v2020_not_the_census_panel(default_listing: Eligibility) -> None:
    cook = population.county_series([2010, 2020], vintage=2020).filter(pl.col("fips") == "17031")
    assert cook["population"].to_list() == [5_198_977, 5_108_284]
    assert round(float(str(row(default_listing, "17031")["growth"])), 5) == -0.01744


def test_a_window_across_vintages_is_refused_at_the_option() -> None:
    with pytest.raises(InputError, match="no single vendored county vintage covers 2015-2024") as refused:
        listing(year=2024, window=9)
    assert [(p.code, p.location.field) for p in refused.value.problems] == [("no-vintage", "--year")]
    with pytest.raises(InputError, match="no single vendored county vintage covers 2015-2024"):
        inputs.resolve_windows(inputs.WindowChoice(9, end_year=2024))


def test_without_the_prime_age_test_eligibility_is_test_a_alone() -> None:
    result = listing(prime_age=False)
    assert result.table.windows.prime_label == "prime-age test disabled"
    assert count(result, "eligible") == count(result, "test_growth") == 2494
    assert result.frame["test_prime_age"].null_count() == 3143
    assert result.frame["flags"].unique().to_list() == [""]


def test_a_test_without_data_leaves_its_columns_empty(default_opt_in: Eligibility) -> None:
    regions = default_opt_in.frame.filter(pl.col("fips").is_between(pl.lit("09110"), pl.lit("09190")))
    assert regions.height == 9
    assert regions["growth"].null_count() == regions["slower_than_nation"].null_count() == 9
    assert regions["flags"].unique().to_list() == ["partial_data"]
