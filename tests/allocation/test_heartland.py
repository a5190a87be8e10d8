"""Heartland decisions on small county tables, decided by the `heartland` policy file.

`decide` runs the rules engine over the table; these examples walk the boundaries of
docs/programs/heartland.md#checks (items 1-4 and 10-13) and show that the decisions follow
the policy file and nothing else.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.allocation import heartland_inputs as inputs
from statevisa.allocation.heartland import (
    LISTING_COLUMNS,
    RECORD_COLUMNS,
    Eligibility,
    decide,
    records,
)
from statevisa.allocation.heartland_cap import allocate, participant_problems
from statevisa.errors import InputError, PolicyError
from statevisa.programs import find_program
from statevisa.reference.population import COUNTY_VINTAGES
from statevisa.services.policies import heartland_parameters
from statevisa.services.programs import open_program

HEARTLAND_ON = dt.date(2025, 6, 1)
"""A date inside the heartland program's parameter periods."""

START, SMALL = 1_000_000_000, 1_000


def table(
    national: float,
    ends: dict[str, int],
    *,
    prime: dict[str, tuple[int, int]] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> inputs.CountyTable:
    """Small counties of 1,000 people ending at `ends`; a filler county makes the nation grow by
    exactly `national` (the nation is the sum of all rows of the file)."""
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
    frame = inputs.county_table(universe, growth, primes, excluded)
    start, end, nat = inputs.national_growth(growth)
    windows = inputs.Windows(COUNTY_VINTAGES[0], 2010, 2020, 2020, 2023)
    return inputs.CountyTable(frame, windows, "listing", windows.vintage, start, end, nat)


def case(county_table: inputs.CountyTable, **sets: str) -> Eligibility:
    return decide(open_program("heartland", HEARTLAND_ON, sets).resolved, county_table)


def column(result: Eligibility, fips: str, name: str) -> object:
    return result.frame.filter(pl.col("fips") == fips)[name].item()


def test_strict_threshold_a_tie_fails() -> None:
    result = case(table(0.05, {"00001": 1049, "00002": 1050}))
    assert column(result, "00001", "test_growth") is True
    assert column(result, "00002", "test_growth") is False


def test_ratio_scales_the_threshold() -> None:
    result = case(table(0.06, {"00001": 1029, "00002": 1030}), growth_ratio="0.5")
    assert column(result, "00001", "test_growth") is True
    assert column(result, "00002", "test_growth") is False
    assert result.threshold == pytest.approx(0.03)


def test_negative_national_growth_is_applied_literally_with_a_warning() -> None:
    result = case(table(-0.01, {"00001": 985, "00002": 995, "00003": 992}))
    assert [column(result, f, "test_growth") for f in ("00001", "00002", "00003")] == [True, False, False]
    assert result.warnings == ()
    half = case(table(-0.01, {"00003": 992}), growth_ratio="0.5")
    assert column(half, "00003", "test_growth") is True  # threshold -0.5%: less strict, as written
    assert any("less strict" in w for w in half.warnings)


def test_any_passes_on_prime_age_alone_all_does_not() -> None:
    counties = table(0.05, {"00001": 1100}, prime={"00001": (1000, 999)})
    assert (column(case(counties), "00001", "eligible"), column(case(counties), "00001", "flags")) == (
        True,
        "",
    )
    assert column(case(counties, combine_mode="all"), "00001", "eligible") is False


def test_missing_test_is_skipped_and_flagged_and_its_column_left_empty() -> None:
    result = case(table(0.05, {"00001": 1000, "00002": 1100}), combine_mode="all")
    assert (column(result, "00001", "eligible"), column(result, "00001", "flags")) == (True, "partial_data")
    assert column(result, "00001", "test_prime_age") is None
    assert column(result, "00002", "eligible") is False
    assert column(result, "00002", "failed_tests") == "growth"


def test_fail_and_flag_counts_a_missing_test_as_failed() -> None:
    counties = table(0.05, {"00001": 1000})
    failed = case(counties, combine_mode="all", missing_test="fail_and_flag")
    assert (column(failed, "00001", "eligible"), column(failed, "00001", "flags")) == (False, "partial_data")


def test_housing_exclusion_removes_a_listed_county_after_the_tests_once_switched_on() -> None:
    counties = table(0.05, {"00001": 1000, "00002": 1000}, excluded=frozenset({"00002"}))
    assert column(case(counties), "00002", "eligible") is True  # the hook is off by default
    result = case(counties, housing_exclusion_enabled="true")
    assert column(result, "00002", "test_growth") is True
    assert (column(result, "00002", "eligible"), column(result, "00002", "housing_excluded")) == (False, True)
    assert column(result, "00001", "eligible") is True


def test_output_columns_are_the_listing_then_the_record() -> None:
    result = case(table(0.05, {"00001": 1000}))
    assert tuple(result.frame.columns) == (*LISTING_COLUMNS, *RECORD_COLUMNS)
    assert records(result)["basis"].unique().to_list() == ["Heartland default encoding, not bill text"]


def copy_of_program(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped heartland folder copied, with one formula text changed in the county rules."""
    folder = tmp_path / "heartland"
    shutil.copytree(find_program("heartland").parent, folder)
    section = folder / "sec_3_county_eligibility.yaml"
    text = section.read_text(encoding="utf-8")
    assert old in text
    section.write_text(text.replace(old, new), encoding="utf-8")
    return folder / "program.yaml"


def test_decisions_follow_the_policy_file_and_nothing_else(tmp_path: Path) -> None:
    counties = table(0.05, {"00001": 1050, "00002": 1100}, prime={"00002": (1000, 1000)})
    shipped = case(counties)
    assert [column(shipped, f, "eligible") for f in ("00001", "00002")] == [False, False]
    edited = copy_of_program(
        tmp_path, "growth < test_a_threshold", "growth <= test_a_threshold"
    )  # a tie now passes test (a)
    again = copy_of_program(
        tmp_path / "b", "prime_age_end < prime_age_start", "prime_age_end <= prime_age_start"
    )
    tie_a = decide(open_program(edited, HEARTLAND_ON).resolved, counties)
    tie_b = decide(open_program(again, HEARTLAND_ON).resolved, counties)
    assert [column(tie_a, f, "eligible") for f in ("00001", "00002")] == [True, False]
    assert [column(tie_b, f, "eligible") for f in ("00001", "00002")] == [False, True]


def test_a_program_without_the_listing_outputs_is_refused(tmp_path: Path) -> None:
    program = copy_of_program(tmp_path, "rules:", "rules:")
    text = program.read_text(encoding="utf-8").replace("  - test_a_available\n", "")
    program.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError, match="does not declare the output"):
        decide(open_program(program, HEARTLAND_ON).resolved, table(0.05, {"00001": 1000}))


def test_an_unknown_combine_mode_is_refused_by_the_policy_constraint() -> None:
    with pytest.raises(InputError, match="combine_mode must be any or all"):
        case(table(0.05, {"00001": 1000}), combine_mode="either")


def test_ineligible_applications_name_the_failed_test_and_the_row() -> None:
    result = case(table(0.05, {"00001": 1000, "00002": 1100}))
    found = participant_problems(result, ["00001", "00002", "12345", "00001"], "p.csv")
    assert [(p.code, p.location.row) for p in found] == [
        ("not-eligible", 3),
        ("unknown-county", 4),
        ("duplicate-id", 5),
    ]
    assert "test (a) slow growth failed: growth +10.0% is not below" in found[0].message
    assert str(found[0]).startswith("p.csv: row 3 (id 00002), column fips: 00002 Test County")


def test_a_participant_without_the_weight_is_refused() -> None:
    result = case(table(0.05, {"00001": 1000}))
    found = participant_problems(result, ["00001"], "p.csv", "prime_age")
    assert [(p.code, p.location.row_id) for p in found] == [("no-weight", "00001")]


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
    result = replace(case(table(0.05, {"00001": 1000})), frame=frame)
    params = replace(heartland_parameters(HEARTLAND_ON), cap_national=cap, periods_per_year=periods)
    return allocate(result, fips, params)


def test_hamilton_examples() -> None:
    assert shares([5, 5, 3], 10)["allocation"].to_list() == [4, 4, 2]
    assert shares([60_000, 30_000, 10_000], 50_000)["allocation"].to_list() == [30_000, 15_000, 5_000]
    assert shares([7, 7], 1)["allocation"].to_list() == [1, 0]  # lower FIPS wins the tie


def test_non_participants_get_zero_and_every_row_is_labelled() -> None:
    result = case(table(0.05, {"00001": 1000, "00002": 1000}))
    out = allocate(result, ["00002"], heartland_parameters(HEARTLAND_ON))
    assert out.filter(pl.col("fips") != "00002")["allocation"].to_list() == [0, 0]
    assert out.filter(pl.col("fips") == "00002")["allocation"].item() == 50_000
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


def test_program_level_values_come_from_the_heartland_policy_file() -> None:
    params = heartland_parameters(HEARTLAND_ON)
    assert (params.window_years, params.prime_age.band, params.cap_national) == (10, (25, 54), 50_000)
    assert params.status == "unconfirmed"
    assert params.citation.startswith("heartland ")
    assert heartland_parameters(HEARTLAND_ON, {"window_years": "7"}).window_years == 7
