"""`statevisa demo` and `statevisa sim generate`: the first things a new user runs."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from statevisa.cli.demo import populations
from tests.conftest import CliRunner


def test_demo_summarises_every_shipped_population(cli: CliRunner) -> None:
    result = cli("demo", "--on", "2025-06-01")
    assert result.code == 0, result.stderr
    assert {path.stem for path in populations()} == {"canada-crs", "australia-points"}
    assert result.stdout.count("Who qualifies") == 2
    assert "20,000 synthetic people (canada-crs.parquet)" in result.stdout
    assert "Distribution of score" in result.stdout
    assert "eligible" in result.stdout and "true (" in result.stdout
    text = " ".join(result.stdout.split())
    assert "2,575 of 3,143 counties eligible" in text
    assert "California │ 33,404" in text and "500,000 in all" in text


def test_shipped_populations_are_what_their_command_makes(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "crs.parquet"
    args = ("--people", "20000", "--seed", "2026", "--on", "2025-06-01", "--out", str(out))
    assert cli("sim", "generate", "canada-crs", *args).code == 0
    shipped = next(path for path in populations() if path.stem == "canada-crs")
    assert pl.read_parquet(out).equals(pl.read_parquet(shipped))


def test_generated_people_satisfy_the_program_constraints(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "au.csv"
    assert (
        cli("sim", "generate", "australia-points", "--people", "500", "--seed", "7", "--out", str(out)).code
        == 0
    )
    people = pl.read_csv(out)
    assert people.height == 500 and people["id"].n_unique() == 500
    assert (people["overseas_work_years"] + people["australian_work_years"] <= 10).all()
    evaluated = tmp_path / "scores.csv"
    assert cli("evaluate", "australia-points", "--input", str(out), "--out", str(evaluated)).code == 0
    assert pl.read_csv(evaluated).height == 500
