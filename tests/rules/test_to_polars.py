"""The compiled plan gives the same frame on either engine `to_polars.collect` picks."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.rules import to_polars
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.resolve import Resolved
from statevisa.sim.synthetic import population


def on_both_engines(resolved: Resolved, typed: pl.DataFrame) -> list[pl.DataFrame | str]:
    """`evaluate_frame` on the small-frame engine and on Polars' default one (or the refusal)."""
    results: list[pl.DataFrame | str] = []
    for small in (typed.height, -1):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(to_polars, "SMALL_FRAME", small)
            try:
                results.append(evaluate_frame(resolved, typed))
            except InputError as error:
                results.append(error.problems[0].code)
    return results


@pytest.mark.parametrize("program", ["canada-crs", "australia-points"])
def test_both_engines_give_the_same_frame(program: str) -> None:
    from statevisa.services.programs import open_program

    resolved = open_program(program, dt.date(2025, 6, 1)).resolved
    small, large = on_both_engines(resolved, population(resolved, 3_000, seed=5))
    assert isinstance(small, pl.DataFrame) and isinstance(large, pl.DataFrame)
    assert small.equals(large)
