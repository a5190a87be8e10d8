"""The lab's runs: a scenario checked whole before any work, each point computed by the services."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statevisa.errors import InputError, PolicyError
from statevisa.services import lab

TODAY = dt.date(2026, 3, 2)
CAPS = "title: W caps\non: 2026-03-01\nprogram: w-visa\nset: {population_pool: 300000}\ncaps: {year: 2024}\n"
POINTS = "title: points\non: 2026-03-01\nprogram: australia-points\npeople: {count: 2000, seed: 3}\n"


def test_the_shipped_example_is_a_valid_scenario() -> None:
    run = lab.load(lab.example_text(), "lab-example.yaml", TODAY)
    assert run.scenario.parts == ("caps", "heartland", "cooperation")
    assert run.points == ({},)


def test_a_point_computes_the_caps_with_the_scenario_s_pool() -> None:
    run = lab.load(CAPS, "caps.yaml", TODAY)
    point = lab.run_point(run.scenario, {})
    assert point.metrics["caps total"] == 51 * 5_000 + 300_000
    assert len(point.tables["caps by state"]) == 51
    wider = lab.run_point(run.scenario, {"set.population_pool": 400_000.0})
    assert wider.metrics["caps total"] == 51 * 5_000 + 400_000


def test_a_point_evaluates_synthetic_people_with_the_program() -> None:
    run = lab.load(POINTS + "set: {pass_mark: 65}\n", "points.yaml", TODAY)
    lower = lab.run_point(run.scenario, {"set.pass_mark": 55.0})
    higher = lab.run_point(run.scenario, {"set.pass_mark": 85.0})
    assert 0 <= higher.metrics["eligible share"] < lower.metrics["eligible share"] <= 1  # type: ignore[operator]
    assert lower.metrics["people"] == 2000.0
    assert sum(row["people"] for row in lower.tables["points distribution"]) == 2000


def test_a_bad_program_value_or_sweep_is_refused_before_any_work() -> None:
    with pytest.raises(InputError, match="'no-such' is not a shipped program"):
        lab.load("program: no-such\ncaps: {}\n", "s.yaml", TODAY)
    with pytest.raises(PolicyError, match="not a parameter of w-visa"):
        lab.load(CAPS.replace("population_pool", "pool_size"), "s.yaml", TODAY)
    with pytest.raises(InputError, match=r"heartland\.\*: the scenario has no heartland part"):
        lab.load(CAPS, "s.yaml", TODAY, ["heartland.window=1:3:1"])
    with pytest.raises(InputError, match=r"heartland\.window: a whole number from 1 to 14, got 20"):
        lab.load("heartland: {}\n", "s.yaml", TODAY, ["heartland.window=5:20:5"])
    with pytest.raises(InputError) as refused:  # the last point's window spans no single vintage
        lab.load("heartland: {vintage: 2024, window: 1}\n", "s.yaml", TODAY, ["heartland.window=1:4:3"])
    assert refused.value.messages[0].endswith("(at heartland.window = 4)")


def test_a_cooperation_part_is_checked_by_the_capacity_model_at_its_line() -> None:
    text = "cooperation:\n  scenarios:\n    - {name: x, remove: [NO-SUCH-rule]}\n"
    with pytest.raises(PolicyError) as refused:
        lab.load(text, "c.yaml", TODAY)
    assert refused.value.messages[0].startswith("c.yaml:3:")


def test_a_sweep_runs_every_point_in_grid_order_in_local_processes() -> None:
    run = lab.load(CAPS, "caps.yaml", TODAY, ["set.population_pool=200000:300000:100000"])
    seen: list[tuple[int, int]] = []
    report = lab.execute(run, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert [row["caps total"] for row in report.rows] == [455_000.0, 555_000.0]
    assert report.where == "in 2 local processes"
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    assert report.varying == ("caps total", "largest state cap", "smallest state cap")


def test_a_scheduler_address_is_checked_and_an_unreachable_one_named() -> None:
    run = lab.load(CAPS, "caps.yaml", TODAY)
    with pytest.raises(InputError, match="'localhost:1' is not tcp://HOST:PORT"):
        lab.execute(run, scheduler="localhost:1")


def test_a_scenario_file_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(PolicyError, match="not UTF-8 text"):
        lab.read(path, TODAY)
    with pytest.raises(InputError, match="no such file"):
        lab.read(tmp_path / "missing.yaml", TODAY)
