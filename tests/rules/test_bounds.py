"""Integer ranges proved from a policy file: where the vectorised path may skip its overflow checks."""

from __future__ import annotations

from statevisa.rules.bounds import Bounds
from statevisa.rules.resolve import Resolved


def test_the_crs_grid_is_proved_inside_int64_from_its_tables(crs_on: Resolved) -> None:
    bounds = Bounds(crs_on)
    assert bounds.name("age_points") == (0, 110)
    score = bounds.name("score")
    assert score is not None
    assert 0 <= score[0] and score[1] <= 10_000


def test_an_input_without_a_maximum_proves_nothing(crs_on: Resolved) -> None:
    bounds = Bounds(crs_on)
    assert bounds.name("age") is None
    assert bounds.name("english_speaking") == (0, 12)
