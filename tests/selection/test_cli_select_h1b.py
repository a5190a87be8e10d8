"""`statevisa select h1b`: the cap selection with the rules of the season, replayable and checkable."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.conftest import CliRunner

SEED = "9f86d081884c7d65ab8e2d3f1c0a4b79"
REGISTRATIONS = """registration_id,beneficiary_id,wage_level,advanced_degree
r1,P1,4,true
r2,P1,2,true
r3,P2,1,false
r4,P3,3,false
r5,P4,4,true
r6,P5,2,false
"""


def draw(cli: CliRunner, folder: Path, season: str, *extra: str) -> tuple[int, str]:
    registrations = folder / "R.csv"
    registrations.write_text(REGISTRATIONS)
    args = ("--registrations", str(registrations), "--seed", SEED, "--season-opens", season)
    result = cli("select", "h1b", *args, "--regular", "2", "--advanced", "1", *extra)
    return result.code, result.stdout + result.stderr


def test_one_entry_per_beneficiary_from_fy2025_and_the_draw_can_be_checked(
    cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "S.csv"
    code, text = draw(cli, tmp_path, "2026-03-04", "--out", str(out))
    assert code == 0, text
    selected = pl.read_csv(out)
    assert selected.columns == ["entry_id", "round", "order"]
    assert selected["entry_id"].n_unique() == 3 and set(selected["entry_id"]) <= {
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
    }
    assert selected["round"].to_list() == ["regular", "regular", "advanced"]
    assert "5 entries (unique_beneficiary)" in text
    assert draw(cli, tmp_path, "2026-03-04", "--check", str(out))[0] == 0
    tampered = tmp_path / "T.csv"
    tampered.write_text(out.read_text().replace(",1\n", ",9\n", 1))
    code, text = draw(cli, tmp_path, "2026-03-04", "--check", str(tampered))
    assert code == 1 and "row 2" in text


def test_before_2024_03_04_each_registration_is_an_entry(cli: CliRunner, tmp_path: Path) -> None:
    code, text = draw(cli, tmp_path, "2023-03-01", "--out", str(tmp_path / "S.csv"))
    assert code == 0, text
    assert "6 entries (registration)" in text
    assert set(pl.read_csv(tmp_path / "S.csv")["entry_id"]) <= {f"r{i}" for i in range(1, 7)}


def test_bad_registrations_exit_2_naming_row_and_column(cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "R.csv"
    bad.write_text("registration_id,beneficiary_id,wage_level,advanced_degree\nr1,P1,5,yes\n")
    args = ("--registrations", str(bad), "--seed", SEED, "--season-opens", "2026-03-04")
    result = cli(
        "select", "h1b", *args, "--regular", "1", "--advanced", "1", "--out", str(tmp_path / "S.csv")
    )
    assert result.code == 2
    assert "row 2 (id r1), column wage_level: is not a wage level" in result.stderr
    assert "column advanced_degree: 'yes' is not true or false" in result.stderr
    assert not (tmp_path / "S.csv").exists()
