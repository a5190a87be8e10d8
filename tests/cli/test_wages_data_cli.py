"""`statevisa wages level` and `statevisa data list`, run in-process."""

from __future__ import annotations

from tests.conftest import CliRunner


def test_wages_level_prints_level_and_thresholds(cli: CliRunner) -> None:
    result = cli("wages", "level", "--state", "06", "--soc", "15-1252", "--wage", "120000")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Level I: 120,000 a year for 15-1252 Software Developers")
    for threshold in ("119,961", "147,689", "175,418", "203,147"):
        assert threshold in result.stdout


def test_wages_level_bad_soc_exits_2(cli: CliRunner) -> None:
    result = cli("wages", "level", "--state", "06", "--soc", "1512", "--wage", "1")
    assert result.code == 2
    assert "invalid SOC code '1512'" in result.stderr


def test_wages_level_unknown_state_exits_2(cli: CliRunner) -> None:
    result = cli("wages", "level", "--state", "3", "--soc", "15-1252", "--wage", "1")
    assert result.code == 2
    assert "invalid state '3'" in result.stderr


def test_data_list_shows_every_dataset(cli: CliRunner) -> None:
    result = cli("data", "list")
    assert result.code == 0, result.stderr
    for dataset in ("pep_county_v2020", "oews_state_2025", "us_atlas_2023_counties"):
        assert dataset in result.stdout
