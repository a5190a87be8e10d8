"""`statevisa demo` and `statevisa sim generate`: the first things a new user runs."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from rich.console import Console

from statevisa.cli import sim as sim_cli
from statevisa.services.sim import shipped_populations
from tests.conftest import CliRunner

HEAVY = ("polars", "numpy", "scipy", "pyarrow")
OWN_CLI = ("allocate", "data", "demo", "sim", "wages")


def test_demo_summarises_every_shipped_population(cli: CliRunner) -> None:
    result = cli("demo", "--on", "2025-06-01")
    assert result.code == 0, result.stderr
    assert {path.stem for path in shipped_populations()} == {"canada-crs", "australia-points"}
    assert result.stdout.count("Who qualifies") == 2
    assert "20,000 synthetic people (canada-crs.parquet)" in result.stdout
    assert "Distribution of score" in result.stdout
    assert "eligible" in result.stdout and "true (" in result.stdout
    text = " ".join(result.stdout.split())
    assert "2,575 of 3,143 counties eligible" in text
    assert "California │ 33,404" in text and "500,000 in all" in text


def test_help_and_these_commands_modules_load_no_polars_or_numpy() -> None:
    code = (
        "import sys, importlib\n"
        "from statevisa.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"for name in {OWN_CLI!r}:\n    importlib.import_module('statevisa.cli.' + name)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_shipped_populations_are_what_their_command_makes(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "crs.parquet"
    args = ("--people", "20000", "--seed", "2026", "--on", "2025-06-01", "--out", str(out))
    assert cli("sim", "generate", "canada-crs", *args).code == 0
    shipped = next(path for path in shipped_populations() if path.stem == "canada-crs")
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


def test_the_largest_seed_works(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    result = cli(
        "sim", "generate", "canada-crs", "--people", "3", "--seed", str(2**64 - 1), "--out", str(out)
    )
    assert result.code == 0, result.stderr
    assert pl.read_csv(out)["id"].to_list() == ["p0000000", "p0000001", "p0000002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--seed", "-1"), "--seed: must be a whole number from 0 to 2**64 - 1, got -1"),
        (("--seed", str(2**64)), f"--seed: must be a whole number from 0 to 2**64 - 1, got {2**64}"),
        (("--seed", str(2**70)), f"got {2**70}"),
        (("--people", "0"), "--people: must be at least 1, got 0"),
        (("--people", "-5"), "--people: must be at least 1, got -5"),
        (
            ("--people", "10000000000"),
            "--people: 10,000,000,000 people of canada-crs take about 2.3 TB in memory",
        ),
    ],
)
def test_sim_generate_refuses_bad_numbers_before_drawing(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "p.csv"
    result = cli("sim", "generate", "canada-crs", "--out", str(out), *args)
    assert result.code == 2
    assert message in result.stderr
    assert not out.exists()


def test_too_many_people_says_how_many_fit(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("sim", "generate", "canada-crs", "--people", "10000000000", "--out", str(tmp_path / "p.csv"))
    assert "bytes each, built in memory before writing); at most" in result.stderr
    assert "generate several files with different --seed values" in result.stderr


def test_sim_generate_refuses_an_output_it_cannot_write(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "people.csv"
    folder.mkdir()
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    cases = [
        (folder, "is a folder, not a file"),
        (tmp_path / "missing" / "p.csv", f"the folder {tmp_path / 'missing'} does not exist"),
        (a_file / "p.csv", "does not exist"),
        (Path("/proc/statevisa-people.csv"), "cannot write in /proc"),
        (tmp_path / "p.txt", "unsupported file type '.txt'"),
    ]
    for out, message in cases:
        result = cli("sim", "generate", "canada-crs", "--people", "5", "--out", str(out))
        assert result.code == 2, out
        assert f"{out}" in result.stderr and message in result.stderr, result.stderr


def test_a_large_run_shows_its_stages_on_a_terminal(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(
        sim_cli, "stderr", Console(file=screen, force_terminal=True, width=200, highlight=False)
    )
    monkeypatch.setattr(sim_cli, "BUSY_ROWS", 10)
    out = tmp_path / "au.parquet"
    result = cli("sim", "generate", "australia-points", "--people", "50", "--seed", "7", "--out", str(out))
    assert result.code == 0, result.stderr
    shown = screen.getvalue()
    assert "australia-points: writing 50 people to" in shown
    assert "australia-points: 50 synthetic people (seed 7)" in shown


def test_a_run_off_a_terminal_prints_only_its_result(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "au.parquet"
    result = cli("sim", "generate", "australia-points", "--people", "50", "--out", str(out))
    assert result.code == 0, result.stderr
    assert result.stderr.strip().splitlines() == [f"australia-points: 50 synthetic people (seed 0) → {out}"]
