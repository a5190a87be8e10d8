"""Heartland core rules on small synthetic frames (heartland.md §8 items 1-4, 10-12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.allocation.heartland import (
    LISTING_COLUMNS,
    Combine,
    Eligibility,
    evaluate,
)
from statevisa.allocation.heartland_cap import allocate, participant_problems
from statevisa.services.policies import heartland_parameters

HEARTLAND_ON = dt.date(2025, 6, 1)
"""A date inside the heartland program's parameter periods."""


START, SMALL = 1_000_000_000, 1_000


def case(
    national: float,
    ends: dict[str, int],
    *,
    ratio: float = 1.0,
    prime: dict[str, tuple[int, int]] | None = None,
    combine: Combine = "any",
) -> Eligibility:
    """Small counties of 1,000 people ending at `ends`; a filler county makes the nation
    grow by exactly `national` (the nation is the sum of all rows, §5.2 rule 2)."""
    end_total = round(START * (1 + national))
    rows = [(f, SMALL, e) for f, e in ends.items()]
    filler = ("99999", START - SMALL * len(rows), end_total - sum(e for _, _, e in rows))
    growth = pl.DataFrame([*rows, filler], schema=["fips", "pop_start", "pop_end"], orient="row")
    universe = growth.select(
        "fips",
        pl.lit("Test County").alias("name"),
        pl.lit("Test").alias("state"),
        pl.col("pop_end").alias("population"),
    )
    primes = pl.DataFrame(
        [(f, a, b) for f, (a, b) in (prime or {}).items()],
        schema={"fips": pl.String, "prime_age_start": pl.Int64, "prime_age_end": pl.Int64},
        orient="row",
    )
    params = replace(heartland_parameters(HEARTLAND_ON), growth_ratio=ratio, combine=combine)
    return evaluate(universe, growth, primes, params)


def passes_a(result: Eligibility, fips: str) -> object:
    return result.frame.filter(pl.col("fips") == fips)["test_growth"].item()


def test_strict_threshold_a_tie_fails() -> None:
    result = case(0.05, {"00001": 1049, "00002": 1050})
    assert passes_a(result, "00001") is True
    assert passes_a(result, "00002") is False


def test_ratio_scales_the_threshold() -> None:
    result = case(0.06, {"00001": 1029, "00002": 1030}, ratio=0.5)
    assert passes_a(result, "00001") is True
    assert passes_a(result, "00002") is False


def test_negative_national_growth_is_applied_literally_with_a_warning() -> None:
    result = case(-0.01, {"00001": 985, "00002": 995, "00003": 992})
    assert passes_a(result, "00001") is True
    assert passes_a(result, "00002") is False
    assert passes_a(result, "00003") is False
    half = case(-0.01, {"00003": 992}, ratio=0.5)
    assert passes_a(half, "00003") is True  # threshold -0.5%: less strict, as the formula says
    assert any("less strict" in w for w in half.warnings)
    assert case(0.05, {"00001": 1000}).warnings == ()


def test_any_passes_on_prime_age_alone_all_does_not() -> None:
    prime = {"00001": (1000, 999)}
    any_ = case(0.05, {"00001": 1100}, prime=prime)
    all_ = case(0.05, {"00001": 1100}, prime=prime, combine="all")
    row = any_.frame.filter(pl.col("fips") == "00001").row(0, named=True)
    assert row["eligible"] is True
    assert row["flags"] == ""
    assert all_.frame.filter(pl.col("fips") == "00001")["eligible"].item() is False


def test_missing_test_is_skipped_and_flagged() -> None:
    result = case(0.05, {"00001": 1000, "00002": 1100}, combine="all")
    rows = {r["fips"]: r for r in result.frame.iter_rows(named=True)}
    assert rows["00001"]["eligible"] is True
    assert rows["00001"]["flags"] == "partial_data"
    assert rows["00002"]["eligible"] is False


def test_output_columns_start_in_the_order_of_section_5_3() -> None:
    result = case(0.05, {"00001": 1000})
    assert tuple(result.frame.columns[: len(LISTING_COLUMNS)]) == LISTING_COLUMNS


def test_ineligible_applications_name_the_failed_test() -> None:
    result = case(0.05, {"00001": 1000, "00002": 1100})
    problems = participant_problems(result, ["00001", "00002", "12345", "00001"])
    assert [i for i, _ in problems] == [1, 2, 3]
    assert "test (a) slow growth failed: growth +10.0% is not below" in problems[0][1]
    assert "not a county FIPS" in problems[1][1]
    assert "listed twice" in problems[2][1]


def shares(weights: list[int], cap: int, periods: int = 1) -> pl.DataFrame:
    fips = [f"{i:05d}" for i in range(1, len(weights) + 1)]
    frame = pl.DataFrame(
        {
            "fips": fips,
            "name": "Test County",
            "state": "Test",
            "population": weights,
            "prime_age_end": weights,
            "eligible": True,
        }
    )
    result = Eligibility(frame, 1, 1, 0.0, 0.0)
    params = replace(heartland_parameters(HEARTLAND_ON), cap_national=cap, periods_per_year=periods)
    return allocate(result, fips, params)


def test_hamilton_examples_of_section_8() -> None:
    assert shares([5, 5, 3], 10)["allocation"].to_list() == [4, 4, 2]
    assert shares([60_000, 30_000, 10_000], 50_000)["allocation"].to_list() == [
        30_000,
        15_000,
        5_000,
    ]
    assert shares([7, 7], 1)["allocation"].to_list() == [1, 0]  # lower FIPS wins the tie


def test_non_participants_get_zero_and_every_row_is_labelled() -> None:
    frame = pl.DataFrame(
        {
            "fips": ["00001", "00002"],
            "name": "Test County",
            "state": "Test",
            "population": [10, 10],
            "prime_age_end": [1, 1],
            "eligible": True,
        }
    )
    out = allocate(Eligibility(frame, 1, 1, 0.0, 0.0), ["00002"], heartland_parameters(HEARTLAND_ON))
    assert out["allocation"].to_list() == [0, 50_000]
    assert out["basis"].unique().to_list() == ["Heartland default encoding, not bill text"]


def test_quarterly_split_gives_leftovers_to_earlier_quarters() -> None:
    out = shares([10], 10, periods=4)
    assert out.select("period_1", "period_2", "period_3", "period_4").row(0) == (3, 3, 2, 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=40),
    st.integers(min_value=0, max_value=200_000),
    st.sampled_from([1, 4]),
)
def test_allocations_are_whole_non_negative_and_sum_to_the_cap(
    weights: list[int], cap: int, periods: int
) -> None:
    out = shares(weights, cap, periods)
    assert (out["allocation"] >= 0).all()
    assert int(out["allocation"].sum()) == cap
    if periods == 4:
        quarters = out.select(pl.sum_horizontal(pl.col(r"^period_\d$")))
        assert quarters.to_series().to_list() == out["allocation"].to_list()


def test_default_parameters_come_from_the_heartland_policy_file() -> None:
    params = heartland_parameters(HEARTLAND_ON)
    found = (params.window_years, params.growth_ratio, params.combine, params.cap_national)
    assert found == (10, 1.0, "any", 50_000)
    assert params.status == "unconfirmed"
    assert params.citation.startswith("heartland ")
