"""Heartland use cases: options become scenario values, and every command reads one evaluation.

The listing, one county's explanation and the cap all evaluate the `heartland` policy file
over the same county table; these examples hold the explanation of a county to the listing's
row for it, and show each refused option located at the option.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from statevisa.errors import InputError, PolicyError
from statevisa.services.heartland import (
    CapOptions,
    Options,
    allocate_cap,
    counties,
    evaluate,
    explain_county,
)

ON = dt.date(2025, 6, 1)
COUNTIES = ("54047", "38053", "06037", "02063", "48201", "09003", "17031", "48453")
"""McDowell, McKenzie, Los Angeles, Chugach, Harris, Hartford, Cook and Travis."""


def test_options_become_scenario_values_of_the_policy_file() -> None:
    options = Options(combine="all", growth_ratio=0.5, prime_age=False, window=7, exclude=("06037",))
    assert options.scenario() == {
        "combine_mode": "all",
        "growth_ratio": "0.5",
        "prime_age_enabled": "false",
        "window_years": "7",
        "housing_exclusion_enabled": "true",
    }
    assert Options().scenario() == {}


def test_every_bad_option_is_refused_at_once_at_its_option() -> None:
    bad = Options(combine="either", growth_ratio=float("nan"), window=0, exclude=("123",), universe="x")
    with pytest.raises(InputError) as refused:
        evaluate(bad, ON)
    assert [(p.code, p.location.field) for p in refused.value.problems] == [
        ("not-a-choice", "--combine"),
        ("not-a-number", "--growth-ratio"),
        ("out-of-range", "--window"),
        ("not-a-fips", "--exclude"),
        ("not-a-choice", "--universe"),
    ]


def test_the_date_is_an_argument_and_the_file_is_not_encoded_before_its_scenario_start() -> None:
    with pytest.raises(PolicyError, match="not encoded for 2024-12-19"):
        evaluate(Options(), dt.date(2024, 12, 19))


@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(combine="all"),
        Options(year=2017, window=7, growth_ratio=0.5),
        Options(prime_age=False),
        Options(exclude=("06037", "54047")),
    ],
    ids=["default", "all", "2017-ratio-0.5", "no-prime-age", "exclude"],
)
def test_a_county_explained_is_the_listing_row_for_it(options: Options) -> None:
    listing = evaluate(options, ON).frame
    for fips in COUNTIES:
        row = listing.filter(pl.col("fips") == fips).row(0, named=True)
        outputs = explain_county(fips, options, ON).result.outputs
        assert (outputs["eligible"], outputs["flags"]) == (row["eligible"], row["flags"]), fips
        assert outputs["excluded_by_housing"] == row["housing_excluded"], fips
        assert outputs["test_a_passes"] == bool(row["test_growth"]), fips


def test_an_opt_in_region_is_explained_from_the_opt_in_table() -> None:
    capitol = explain_county("09110", Options(universe="opt-in"), ON)
    assert (capitol.result.outputs["eligible"], capitol.result.outputs["flags"]) == (False, "partial_data")
    assert capitol.case["has_growth_data"] is False
    with pytest.raises(InputError, match="not a county of the listing universe"):
        explain_county("09110", Options(), ON)


def test_a_badly_formed_fips_is_refused_before_any_work() -> None:
    with pytest.raises(InputError) as refused:
        explain_county("6037", Options(), ON)
    assert [(p.code, p.location.field) for p in refused.value.problems] == [("not-a-fips", "FIPS")]


def test_the_listing_summary_counts_the_decisions(tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    done = counties(Options(combine="all"), ON, out)
    summary = done.summary
    assert (summary.counties, summary.eligible, summary.test_b_true, summary.test_b_tested) == (
        3143,
        1456,
        1359,
        2881,
    )
    assert summary.flags == (("partial_data", 262),)
    assert done.rows == pl.read_csv(out).height == 3143


def test_the_listing_refuses_an_output_folder_before_any_work(tmp_path: Path) -> None:
    folder = tmp_path / "h.csv"
    folder.mkdir()
    with pytest.raises(InputError) as refused:
        counties(Options(), ON, folder)
    assert refused.value.problems[0].code == "output-is-folder"


def participants(tmp_path: Path, *fips: str) -> Path:
    path = tmp_path / "p.csv"
    pl.DataFrame({"fips": list(fips)}).write_csv(path)
    return path


def test_the_cap_is_shared_among_participants(tmp_path: Path) -> None:
    done = allocate_cap(participants(tmp_path, "54047", "06037"), CapOptions(cap=100), Options(), ON)
    assert [(s.fips, s.allocation) for s in done.shares] == [("06037", 100), ("54047", 0)]
    pooled = allocate_cap(participants(tmp_path, "54047"), CapOptions(method="none"), Options(), ON)
    assert [s.allocation for s in pooled.shares] == [None]


def test_cap_options_are_refused_at_their_option(tmp_path: Path) -> None:
    path = participants(tmp_path, "54047")
    with pytest.raises(InputError) as refused:
        allocate_cap(path, CapOptions(cap=-1, method="x", weight="w", periods=0), Options(), ON)
    assert [(p.code, p.location.field) for p in refused.value.problems] == [
        ("not-a-choice", "--method"),
        ("not-a-choice", "--weight"),
        ("out-of-range", "--cap"),
        ("out-of-range", "--periods"),
    ]


def test_a_texas_county_has_no_prime_age_weight(tmp_path: Path) -> None:
    path = participants(tmp_path, "54047", "48001")  # Anderson County TX: eligible on test (a) alone
    with pytest.raises(InputError) as refused:
        allocate_cap(path, CapOptions(weight="prime_age"), Options(), ON)
    assert [(p.code, p.location.row) for p in refused.value.problems] == [("no-weight", 3)]


def test_a_chosen_vintage_measures_growth_in_that_vintage_only() -> None:
    newest = evaluate(Options(window=3, universe="opt-in"), ON).table.windows
    older = evaluate(Options(window=3, universe="opt-in", vintage=2020), ON).table.windows
    assert (newest.vintage.vintage, newest.start, newest.end) == (2024, 2021, 2024)
    assert (older.vintage.vintage, older.start, older.end) == (2020, 2017, 2020)
    with pytest.raises(InputError, match="no single vendored vintage spans a 10-year window"):
        evaluate(Options(window=10, vintage=2024), ON)
