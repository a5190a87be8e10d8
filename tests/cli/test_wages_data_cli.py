"""`statevisa wages level` and `statevisa data list`, run in-process."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import CliRunner

CA_DEVELOPERS = ("--state", "06", "--soc", "15-1252")


def test_wages_level_prints_level_and_thresholds(cli: CliRunner) -> None:
    result = cli("wages", "level", *CA_DEVELOPERS, "--wage", "120000")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Level I: 120,000 a year for 15-1252 Software Developers")
    for threshold in ("119,961", "147,689", "175,418", "203,147"):
        assert threshold in result.stdout
    assert "Level I <" in result.stdout


def test_wages_level_by_the_hour(cli: CliRunner) -> None:
    result = cli("wages", "level", *CA_DEVELOPERS, "--wage", "60", "--unit", "hour")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Level I: 60.00 a hour")
    assert "57.67" in result.stdout  # 119,961 / 2,080


@pytest.mark.parametrize(
    ("wage", "message"),
    [
        ("nan", "--wage: nan is not an amount of money"),
        ("inf", "--wage: inf is not an amount of money"),
        ("1e400", "--wage: inf is not an amount of money"),
        ("-1", "--wage: must be positive, got -1"),
        ("0", "--wage: must be positive, got 0"),
        ("2e9", "--wage: 2,000,000,000 a year is above 1,000,000,000, far past any OEWS wage"),
    ],
)
def test_wages_level_refuses_a_wage_that_is_not_an_amount(cli: CliRunner, wage: str, message: str) -> None:
    result = cli("wages", "level", *CA_DEVELOPERS, "--wage", wage)
    assert result.code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--state", "06", "--soc", "1512"), "--soc: invalid SOC code '1512': use the form NN-NNNN"),
        (("--state", "3", "--soc", "15-1252"), "--state: invalid state '3'"),
        (("--state", "99", "--soc", "15-1252"), "--state: unknown state FIPS code '99'"),
        (("--state", "48", "--soc", "15-9999"), "SOC 15-9999 has no OEWS May 2025 estimate for Texas (48)"),
        (("--state", "01", "--soc", "29-1022"), "top-coded (at or above $239,200 a year)"),
        ((*CA_DEVELOPERS, "--unit", "yaer"), "--unit: unknown unit 'yaer' (choose: year, hour)"),
        ((*CA_DEVELOPERS, "--unit", "Hour"), "--unit: unknown unit 'Hour'"),
    ],
)
def test_wages_level_names_what_is_unknown(cli: CliRunner, args: tuple[str, ...], message: str) -> None:
    result = cli("wages", "level", *args, "--wage", "100000")
    assert result.code == 2
    assert message in result.stderr


def test_wages_level_reports_every_bad_option_at_once(cli: CliRunner) -> None:
    result = cli("wages", "level", "--state", "ZZ", "--soc", "x", "--wage", "nan", "--unit", "week")
    assert result.code == 2
    assert [line.split(":")[0] for line in result.stderr.strip().splitlines()] == [
        "--unit",
        "--wage",
        "--state",
        "--soc",
    ]


def test_data_list_shows_every_dataset(cli: CliRunner) -> None:
    result = cli("data", "list")
    assert result.code == 0, result.stderr
    for dataset in ("pep_county_v2020", "oews_state_2025", "us_atlas_2023_counties"):
        assert dataset in result.stdout


def test_data_list_for_scripts(cli: CliRunner) -> None:
    as_json = cli("data", "list", "--format", "json")
    assert as_json.code == 0, as_json.stderr
    records = json.loads(as_json.stdout)
    by_id = {record["dataset"]: record for record in records}
    assert by_id["oews_state_2025"]["rows"] == 37_408
    assert all(record["checks_passed"] == record["checks_total"] > 0 for record in records)
    as_csv = list(csv.DictReader(io.StringIO(cli("data", "list", "--format", "csv").stdout)))
    assert [row["dataset"] for row in as_csv] == [record["dataset"] for record in records]
    assert cli("data", "list", "--format", "yaml").code == 2
