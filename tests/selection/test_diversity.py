"""Diversity Visa: the cases of shared/specs/programs/dv-lottery.md section 4."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.selection import diversity
from statevisa.services.policies import diversity_rules as rules_on

RULES = rules_on(date(2025, 10, 1))
"""The thresholds of the shipped diversity-visa program (INA 203(c)), for DV-2026."""

OCTOBER_2023_REGIONS = {"AF": 10_000, "AS": 2_000, "EU": 4_500, "NA": 2, "OC": 225, "SA": 375}
OCTOBER_2023_COUNTRIES = {"DZ": 7_500, "EG": 5_500, "MA": 5_600, "IR": 1_750, "NP": 1_300}


def test_a_state_with_exactly_50000_admissions_stays_eligible() -> None:
    flags = diversity.high_admission_states(np.array([50_000, 50_001, 0]), RULES)
    assert flags.tolist() == [False, True, False]


def test_a_region_with_exactly_one_sixth_is_low_admission() -> None:
    assert diversity.high_admission_regions(np.array([100_000, 500_000]), RULES).tolist() == [False, True]
    assert diversity.high_admission_regions(np.array([100_001, 499_999]), RULES).tolist() == [True, True]


def test_toy_regional_allocation_needs_the_provisional_flag() -> None:
    populations = np.array([100, 300, 200, 200])
    high = np.array([True, True, False, False])
    with pytest.raises(ValueError, match="provisional"):
        diversity.regional_shares(populations, high, Fraction(80), 50_000)
    shares = diversity.regional_shares(populations, high, Fraction(80), 50_000, provisional=True)
    assert shares == [2_500, 7_500, 20_000, 20_000]
    assert sum(shares) == 50_000


def test_per_country_ceiling_reports_its_base() -> None:
    assert diversity.per_country_ceiling(55_000, RULES).value == 3_850
    ceiling = diversity.per_country_ceiling(50_000, RULES)
    assert ceiling.value == 3_500
    assert ceiling.describe() == "7% of 50,000 = 3,500"


def test_october_2023_cut_offs() -> None:
    ranks = np.array([9_999, 10_000, 6_000, 1_299, 5_400])
    region = pl.Series(["AF", "AF", "AF", "AS", "AF"])
    country = pl.Series(["GH", "GH", "EG", "NP", "EG"])
    proceed = diversity.may_proceed(ranks, region, country, OCTOBER_2023_REGIONS, OCTOBER_2023_COUNTRIES)
    assert proceed.tolist() == [True, False, False, True, True]


def test_regional_ranks_are_permutations_and_regions_are_independent() -> None:
    ids = pl.Series([f"E{i:04d}" for i in range(600)])
    region = pl.Series(["AF", "AS", "EU"] * 200)
    seeds = {"AF": b"a" * 16, "AS": b"b" * 16, "EU": b"c" * 16}
    ranks = diversity.regional_ranks(ids, region, seeds)
    for name in seeds:
        mask = (region == name).to_numpy()
        assert sorted(ranks[mask].tolist()) == list(range(1, 201))
    again = diversity.regional_ranks(ids, region, seeds)
    assert np.array_equal(ranks, again)
    reseeded = diversity.regional_ranks(ids, region, {**seeds, "EU": b"d" * 16})
    eu = (region == "EU").to_numpy()
    assert np.array_equal(ranks[~eu], reseeded[~eu])
    assert not np.array_equal(ranks[eu], reseeded[eu])
    with pytest.raises(ValueError, match="EU"):
        diversity.regional_ranks(ids, region, {"AF": b"a" * 16, "AS": b"b" * 16})


def _sequential_limits(
    order: list[int], region: list[str], country: list[str], ceiling: int, allocation: dict[str, int]
) -> list[bool]:
    by_country: dict[str, int] = {}
    by_region: dict[str, int] = {}
    result = [False] * len(order)
    for row in sorted(range(len(order)), key=lambda r: order[r]):
        c, r = country[row], region[row]
        if by_country.get(c, 0) < ceiling and by_region.get(r, 0) < allocation[r]:
            by_country[c] = by_country.get(c, 0) + 1
            by_region[r] = by_region.get(r, 0) + 1
            result[row] = True
    return result


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.sampled_from([("AF", "EG"), ("AF", "GH"), ("AS", "NP"), ("AS", "IR")]), min_size=1, max_size=40
    ),
    ceiling=st.integers(0, 6),
    allocation=st.fixed_dictionaries({"AF": st.integers(0, 10), "AS": st.integers(0, 10)}),
    data=st.data(),
)
def test_limits_equal_one_pass_in_issue_order(
    rows: list[tuple[str, str]], ceiling: int, allocation: dict[str, int], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(rows))))
    region = [r for r, _ in rows]
    country = [c for _, c in rows]
    got = diversity.within_limits(
        np.array(order, dtype=np.int64),
        pl.Series(region),
        pl.Series(country),
        diversity.CountryCeiling(base=0, rate=Fraction(0), value=ceiling),
        allocation,
    )
    assert got.tolist() == _sequential_limits(list(order), region, country, ceiling, allocation)
