"""LAUS, SAIPE, FIPS code and TopoJSON loaders against the SOURCES.md checks."""

from __future__ import annotations

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.reference import codes, geo, labor, population
from statevisa.reference.catalog import datasets, provenance


def test_laus_checks() -> None:
    laus = labor.laus_county(2024)
    assert laus.height == 3143
    assert labor.laus_county(2024, include_puerto_rico=True).height == 3221
    la = laus.filter(pl.col("fips") == "06037").row(0, named=True)
    assert (la["labor_force"], la["unemployment_rate"]) == (5_106_364, 5.8)
    assert (int(laus["labor_force"].sum()), int(laus["unemployed"].sum())) == (
        169_717_267,
        6_826_135,
    )
    assert "15005" not in laus["fips"].to_list()


def test_county_unemployment_is_a_rule_input_keyed_by_fips() -> None:
    frame = labor.county_unemployment(2024)
    assert frame.columns[:2] == ["fips", "unemployment_rate"]
    above = frame.filter(pl.col("unemployment_rate") > 6.0)
    assert 0 < above.height < frame.height


def test_state_unemployment_sums_counties() -> None:
    states = labor.state_unemployment(2024)
    assert states.height == 51
    assert int(states["labor_force"].sum()) == 169_717_267


def test_unvendored_year_is_refused() -> None:
    with pytest.raises(InputError, match="no vendored LAUS county data for 2019") as refused:
        labor.county_unemployment(2019)
    assert refused.value.problems[0].code == "not-vendored"


def test_an_unknown_dataset_is_refused_with_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown dataset 'pep_county_v1999' \\(known: ") as refused:
        provenance("pep_county_v1999")
    assert refused.value.problems[0].code == "unknown-dataset"


def test_saipe_checks() -> None:
    saipe = labor.saipe_county(2021)
    assert saipe.height == 3143
    assert int(saipe["median_household_income"].is_not_null().sum()) == 3142
    la = saipe.filter(pl.col("fips") == "06037")["median_household_income"].item()
    assert la == 77_356
    income = saipe["median_household_income"]
    assert (income.min(), income.median(), income.max()) == (25_653, 56_634.0, 153_716)


def test_codes() -> None:
    assert codes.states().height == 51
    assert codes.states(include_territories=True).height == 57
    assert codes.counties().height == 3235
    assert codes.state_fips("06") == "06"
    assert codes.state_fips("tx") == "48"
    assert codes.state_name("11") == "District of Columbia"


def test_atlas_ids_cover_the_newest_counties() -> None:
    ids = geo.county_ids("counties")
    assert len(ids) == 3233
    newest = set(population.county_population(2024)["fips"])
    assert newest <= ids
    assert len(geo.county_ids("counties_albers")) == 3144
    assert "states" in str(geo.topojson("states")["objects"])


def test_every_dataset_has_provenance_with_passing_checks() -> None:
    items = datasets()
    assert len(items) == 15
    for item in items:
        assert item.checks_total > 0
        assert item.checks_passed == item.checks_total, item.id
        record = provenance(item.id)
        assert record["licence"]
        assert record["sources"]
