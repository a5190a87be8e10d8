"""Synthetic-population use cases: refusals before any work, stages for a caller, the demo as data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from statevisa.errors import InputError
from statevisa.services.sim import demo_runs, generate, max_people

ON = dt.date(2025, 6, 1)


def test_generate_reports_its_stages_and_what_it_wrote(tmp_path: Path) -> None:
    said: list[str] = []
    done = generate("australia-points", 300, 4, tmp_path / "p.csv", ON, said.append)
    assert (done.people, done.seed, done.out.is_file()) == (300, 4, True)
    assert said[0] == "australia-points: drawing 300 people"
    assert said[-1] == f"australia-points: writing 300 people to {tmp_path / 'p.csv'}"


def test_bad_options_are_refused_together_before_the_program_is_opened(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        generate("no-such-program", 0, -3, tmp_path / "missing" / "p.csv", ON)
    assert [(item.code, item.location.field) for item in refused.value.problems] == [
        ("out-of-range", "--seed"),
        ("out-of-range", "--people"),
        ("no-such-folder", None),
    ]


def test_the_memory_bound_depends_on_the_program(tmp_path: Path) -> None:
    from statevisa.services.programs import shipped_program

    crs, au = shipped_program("canada-crs"), shipped_program("australia-points")
    assert 1_000_000 < max_people(crs) < max_people(au)
    with pytest.raises(InputError) as refused:
        generate("canada-crs", max_people(crs) + 1, 0, tmp_path / "p.csv", ON)
    assert refused.value.problems[0].code == "too-large"
    assert not (tmp_path / "p.csv").exists()


def test_the_demo_is_data_a_caller_renders() -> None:
    runs = {run.program.id: run for run in demo_runs(ON)}
    crs = runs["canada-crs"]
    assert crs.rows == 20_000 and crs.file == "canada-crs.parquet"
    assert crs.histogram_of is not None
    assert sum(item.people for item in crs.histogram) == crs.rows
    score = next(output for output in crs.outputs if output.name == "score")
    assert score.spread is not None and score.spread[0] <= score.spread[2] <= score.spread[4]
    eligible = next(output for output in runs["australia-points"].outputs if output.name == "eligible")
    assert (eligible.kind, 0 < eligible.true < eligible.rows) == ("bool", True)
