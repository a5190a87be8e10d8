"""Sweeps: ranges written as a person means them, and the grid of points they span."""

from __future__ import annotations

import pytest

from statevisa.errors import InputError
from statevisa.sim.sweep import MAX_POINTS, grid, parse_sweep, parse_sweeps


def test_a_range_includes_its_stop_and_has_no_float_drift() -> None:
    assert parse_sweep("set.pass_mark=55:70:5").values == (55.0, 60.0, 65.0, 70.0)
    assert parse_sweep("heartland.growth_ratio=0.1:0.3:0.1").values == (0.1, 0.2, 0.3)
    assert parse_sweep("caps.year=2020:2024:3").values == (2020.0, 2023.0)  # 2026 is past the stop
    assert parse_sweep("x=5:5:1").values == (5.0,)


def test_several_sweeps_span_their_product_the_first_slowest() -> None:
    sweeps = parse_sweeps(["a=1:2:1", "b=10:30:10"])
    assert grid(sweeps) == [
        {"a": 1.0, "b": 10.0}, {"a": 1.0, "b": 20.0}, {"a": 1.0, "b": 30.0},
        {"a": 2.0, "b": 10.0}, {"a": 2.0, "b": 20.0}, {"a": 2.0, "b": 30.0},
    ]  # fmt: skip
    assert grid(()) == [{}]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("population_pool", "not-a-sweep", "'population_pool' is not NAME=START:STOP:STEP"),
        ("a=1:2", "not-a-sweep", "'a=1:2' is not NAME=START:STOP:STEP"),
        ("a=1:x:1", "not-a-number", "'a=1:x:1': STOP 'x' is not a finite number"),
        ("a=1:nan:1", "not-a-number", "'a=1:nan:1': STOP 'nan' is not a finite number"),
        ("a=1:2:0", "bad-step", "'a=1:2:0': STEP must be above 0"),
        ("a=3:2:1", "reversed", "'a=3:2:1': STOP is below START"),
        ("a=0:1e9:1", "too-many-points", f"'a=0:1e9:1' has 1,000,000,001 values (at most {MAX_POINTS:,})"),
    ],
)
def test_a_bad_range_is_refused_with_its_reason(text: str, code: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_sweep(text)
    assert [(p.code, p.message, p.location.field) for p in refused.value.problems] == [
        (code, message, "--sweep")
    ]


def test_a_setting_swept_twice_or_a_grid_too_large_is_refused() -> None:
    with pytest.raises(InputError, match="a is swept more than once"):
        parse_sweeps(["a=1:2:1", "a=3:4:1"])
    with pytest.raises(InputError, match="the sweeps span 10,201 points"):
        parse_sweeps(["a=0:100:1", "b=0:100:1"])
