"""`statevisa heartland counties` and `statevisa heartland allocate`, run in-process."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from statevisa.allocation.heartland import LISTING_COLUMNS
from tests.conftest import CliRunner


def test_counties_2017_window_writes_3143_rows_in_the_spec_order(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    result = cli("heartland", "counties", "--year", "2017", "--window", "7", "--out", str(out))
    assert result.code == 0, result.stderr
    assert "default encoding, not bill text (docs/programs/heartland.md#defaults)" in result.stderr
    frame = pl.read_csv(out, schema_overrides={"fips": pl.String})
    assert frame.height == 3143
    assert tuple(frame.columns[: len(LISTING_COLUMNS)]) == LISTING_COLUMNS
    assert frame["fips"].str.len_chars().unique().to_list() == [5]
    assert int(frame["slower_than_nation"].sum()) == 2538
    assert int(frame["eligible"].sum()) == 2641
    assert frame["basis"].unique().to_list() == ["Heartland default encoding, not bill text"]
    assert frame["national_growth"].unique().round(7).to_list() == [0.0510624]


def test_counties_without_out_prints_a_summary(cli: CliRunner) -> None:
    result = cli("heartland", "counties")
    assert result.code == 0, result.stderr
    assert "2,575" in result.stdout
    assert "July 1 2010 -> July 1 2020, V2020" in result.stdout


def test_mixed_window_exits_2_and_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    result = cli("heartland", "counties", "--year", "2024", "--window", "9", "--out", str(out))
    assert result.code == 2
    assert "no single vendored county vintage covers 2015-2024" in result.stderr
    assert not out.exists()


def participants_file(tmp_path: Path, *fips: str, suffix: str = ".csv") -> Path:
    """A participants table as a person would write it (CSV), or as Parquet."""
    path = tmp_path / f"p{suffix}"
    frame = pl.DataFrame({"fips": list(fips)}, schema={"fips": pl.String})
    if suffix == ".csv":
        frame.write_csv(path)
    else:
        frame.write_parquet(path)
    return path


def test_allocate_splits_the_cap_and_labels_the_output(cli: CliRunner, tmp_path: Path) -> None:
    participants = participants_file(tmp_path, "54047", "38053", "06037")
    out = tmp_path / "a.csv"
    result = cli(
        "heartland",
        "allocate",
        "--participants",
        str(participants),
        "--cap",
        "1000",
        "--periods",
        "4",
        "--out",
        str(out),
    )
    assert result.code == 0, result.stderr
    frame = pl.read_csv(out, schema_overrides={"fips": pl.String})
    assert frame.height == 3144
    assert int(frame["allocation"].sum()) == 1000
    assert int(frame.filter(~pl.col("participating"))["allocation"].sum()) == 0
    quarters = frame.select(pl.sum_horizontal(pl.col(r"^period_\d$"))).to_series()
    assert quarters.to_list() == frame["allocation"].to_list()
    assert "default encoding, not bill text" in result.stderr


def test_allocate_refuses_ineligible_counties_naming_the_test(cli: CliRunner, tmp_path: Path) -> None:
    participants = participants_file(tmp_path, "54047", "48201", "09003")
    out = tmp_path / "a.csv"
    result = cli("heartland", "allocate", "--participants", str(participants), "--out", str(out))
    assert result.code == 2
    assert "row 3 (id 48201), column fips: 48201 Harris County, Texas is not eligible" in result.stderr
    assert "test (a) slow growth failed: growth +15.355%" in result.stderr
    assert "row 4 (id 09003)" in result.stderr
    assert "planning regions" in result.stderr
    assert not out.exists()


def test_allocate_rejects_an_unknown_method(cli: CliRunner, tmp_path: Path) -> None:
    participants = participants_file(tmp_path, "54047", suffix=".parquet")
    result = cli("heartland", "allocate", "--participants", str(participants), "--method", "x")
    assert result.code == 2
    assert "--method: 'x' is unknown" in result.stderr


def test_explain_a_county_through_the_heartland_policy_file(cli: CliRunner) -> None:
    result = cli("heartland", "explain", "06037", "--json")
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["program"]["id"] == "heartland"
    assert document["outputs"]["eligible"] is True
    assert document["context"]["county"] == "Los Angeles County, California"
    assert document["context"]["county population"] == "9,821,647 -> 9,943,046"
    assert all(item["status"] == "unconfirmed" for item in document["unconfirmed"])


def test_explain_follows_the_command_line_scenario(cli: CliRunner) -> None:
    mckenzie = json.loads(cli("heartland", "explain", "38053", "--combine", "all", "--json").stdout)
    assert mckenzie["outputs"]["eligible"] is False
    assert json.loads(cli("heartland", "explain", "38053", "--json").stdout)["outputs"]["eligible"] is True
    assert cli("heartland", "explain", "99999").code == 2


def test_explain_applies_the_housing_exclusion_as_the_listing_does(cli: CliRunner) -> None:
    document = json.loads(cli("heartland", "explain", "06037", "--exclude", "06037", "--json").stdout)
    assert (document["outputs"]["excluded_by_housing"], document["outputs"]["eligible"]) == (True, False)


def test_the_columns_of_the_listing_file_are_the_documented_ones(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "h.csv"
    assert cli("heartland", "counties", "--universe", "opt-in", "--out", str(out)).code == 0
    assert tuple(pl.read_csv(out).columns) == COLUMNS
    docs = " ".join((Path(__file__).parents[2] / "docs" / "heartland.md").read_text(encoding="utf-8").split())
    item = docs[docs.index("Without `--out`") :].split("- `allocate`")[0]
    listed = [span for span in re.findall(r"`([^`]*)`", item) if ", " in span]
    assert tuple(", ".join(listed).split(", ")) == COLUMNS


COLUMNS = (
    *LISTING_COLUMNS,
    "test_growth", "test_prime_age", "failed_tests", "housing_excluded", "pop_start", "pop_end",
    "national_start", "national_end", "vintage", "source_file", "growth_window", "prime_age_window",
    "threshold", "combine", "basis",
)  # fmt: skip
"""The `heartland counties --out` columns, in order, as docs/heartland.md lists them."""


def test_bad_options_exit_2_naming_the_option(cli: CliRunner) -> None:
    result = cli("heartland", "counties", "--combine", "either", "--window", "0")
    assert result.code == 2
    assert result.stderr.splitlines() == [
        "--combine: 'either' is not any or all",
        "--window: must be at least 1 year, got 0",
    ]


def test_the_note_and_the_printed_citations_never_point_outside_the_repository(cli: CliRunner) -> None:
    result = cli("heartland", "explain", "48201")
    assert result.code == 0, result.stderr
    printed = result.stdout + result.stderr
    assert "docs/programs/heartland.md#defaults" in printed
    assert "shared/" not in printed
    assert "heartland.md §" not in printed
