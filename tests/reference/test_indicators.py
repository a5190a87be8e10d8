"""Reference indicators: one value per FIPS code, from one named dataset each."""

from __future__ import annotations

import polars as pl
import pytest

from statevisa.reference.indicators import INDICATORS, values

EXPECTED_ROWS = {"state": 51, "county": (3_143, 3_144)}


@pytest.mark.parametrize("name", sorted(INDICATORS))
def test_indicator_has_one_value_per_fips(name: str) -> None:
    table = values(name)
    indicator = INDICATORS[name]
    assert table.columns == ["fips", "value"]
    assert table["fips"].n_unique() == table.height
    assert table["fips"].str.len_chars().unique().to_list() == [2 if indicator.level == "state" else 5]
    expected = EXPECTED_ROWS[indicator.level]
    assert table.height in (expected if isinstance(expected, tuple) else (expected,))
    assert table["value"].dtype == pl.Float64
    assert (table["value"].drop_nulls() >= 0).all()


def test_known_values() -> None:
    rates = dict(values("county_unemployment_rate_2024").iter_rows())
    assert (rates["01001"], rates["01005"]) == (2.7, 4.3)
    people = dict(values("state_population_2024").iter_rows())
    assert people["06"] == 39_431_263
