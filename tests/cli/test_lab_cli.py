"""`statevisa lab run SCENARIO.yaml [--sweep NAME=START:STOP:STEP ...] [--scheduler ADDR] [--out DIR]`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CliRunner

CAPS = "title: W caps\non: 2026-03-01\nprogram: w-visa\ncaps: {year: 2024}\n"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "caps.yaml"
    path.write_text(CAPS, encoding="utf-8")
    return path


def test_a_run_prints_its_results_and_exports_its_report(
    cli: CliRunner, scenario: Path, tmp_path: Path
) -> None:
    done = cli("lab", "run", str(scenario), "--out", str(tmp_path / "out"))
    assert done.code == 0, done.stderr
    assert "caps total" in done.stdout and "500,000" in done.stdout
    assert done.stderr.splitlines()[0] == "point 1/1"
    assert f"{tmp_path / 'out'}: report.html, results.csv, 4 more files" in done.stderr
    assert (tmp_path / "out" / "report.html").is_file() and (
        tmp_path / "out" / "charts" / "caps-by-state.png"
    ).is_file()


def test_a_sweep_in_local_processes_shows_each_point(cli: CliRunner, scenario: Path) -> None:
    done = cli("lab", "run", str(scenario), "--sweep", "set.population_pool=200000:300000:100000")
    assert done.code == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("point")] == [
        "point 1/2",
        "point 2/2",
    ]
    assert "455,000" in done.stdout and "555,000" in done.stdout and "local processes" in done.stdout


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Dask cluster on this machine: a scheduler on 127.0.0.1 and one worker process."""
    from distributed import LocalCluster

    options = {"n_workers": 1, "threads_per_worker": 2, "processes": True, "dashboard_address": None}
    with LocalCluster(host="127.0.0.1", **options) as found:  # type: ignore[no-untyped-call]
        yield str(found.scheduler_address)


def test_a_sweep_runs_on_a_dask_scheduler(cli: CliRunner, scenario: Path, cluster: str) -> None:
    assert cluster.startswith("tcp://127.0.0.1:")
    done = cli(
        "lab",
        "run",
        str(scenario),
        "--sweep",
        "set.population_pool=200000:400000:100000",
        "--scheduler",
        cluster,
    )
    assert done.code == 0, done.stderr
    assert f"3 point(s) on Dask at {cluster}" in done.stdout.replace("\n", " ")
    for total in ("455,000", "555,000", "655,000"):
        assert total in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--sweep", "set.population_pool=1:2"],
            "--sweep: 'set.population_pool=1:2' is not NAME=START:STOP:STEP",
        ),
        (["--sweep", "heartland.window=1:3:1"], "--sweep: heartland.*: the scenario has no heartland part"),
        (["--scheduler", "127.0.0.1:8786"], "--scheduler: '127.0.0.1:8786' is not tcp://HOST:PORT"),
    ],
)
def test_bad_options_exit_2_with_the_option_named(
    cli: CliRunner, scenario: Path, args: list[str], message: str
) -> None:
    done = cli("lab", "run", str(scenario), *args)
    assert (done.code, done.stderr.strip().splitlines()[-1]) == (2, message)


def test_an_unreachable_scheduler_is_named(cli: CliRunner, scenario: Path) -> None:
    done = cli("lab", "run", str(scenario), "--scheduler", "tcp://127.0.0.1:9")
    assert done.code == 2
    assert "--scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr


def test_an_output_that_is_a_file_is_refused_before_any_work(cli: CliRunner, scenario: Path) -> None:
    done = cli("lab", "run", str(scenario), "--out", str(scenario))
    assert done.code == 2
    assert done.stderr.strip() == f"--out {scenario}: is a file: --out names a folder"
