"""The compiled plan gives the same frame on either engine `to_polars.collect` picks, and its
dense bracket lookups (no clip: tests left out by interval) match the per-case path at the limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.rules import to_polars
from statevisa.rules.evaluate import Refused, evaluate_case, evaluate_frame
from statevisa.rules.load import parse_program
from statevisa.rules.resolve import Resolved, resolve
from statevisa.rules.validate import validate
from statevisa.sim.synthetic import population

BANDS = """
id: demo-bands
title: Dense bracket lookups on unbounded, bounded and constant keys
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  a: {type: int}
  b: {type: int, min: 2, max: 6}
parameters:
  negative:
    values:
      2025-01-01: {value: {brackets: {-5: 1, 0: 2, 3: 3}}, cite: t}
  from_zero:
    values:
      2025-01-01: {value: {brackets: {0: 10, 4: 20}}, cite: t}
  from_two:
    values:
      2025-01-01: {value: {brackets: {2: 5, 4: 6, 9: 7}}, cite: t}
rules:
  by_negative: {formula: 'negative[a]', cite: t}
  by_zero: {formula: 'from_zero[a]', cite: t}
  by_bounded: {formula: 'from_two[b] + from_zero[b]', cite: t}
  by_sum: {formula: 'from_two[b + 1]', cite: t}
  by_constant: {formula: 'from_zero[5]', cite: t}
outputs: [by_negative, by_zero, by_bounded, by_sum, by_constant]
"""
BANDS_ON = resolve(parse_program(BANDS, Path("bands.yaml")), dt.date(2025, 6, 1))
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EDGES = [INT64_MIN, INT64_MIN + 1, -(2**53) - 1, -6, -5, -4, -1, 0, 1, 2, 3, 4, 5, 2**53 + 1, INT64_MAX]


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


@settings(max_examples=150, deadline=None)
@given(a=st.sampled_from(EDGES) | st.integers(INT64_MIN, INT64_MAX), b=st.integers(2, 6))
def test_dense_lookups_match_the_per_case_path_at_the_64_bit_limits(a: int, b: int) -> None:
    typed = validate(BANDS_ON, pl.DataFrame({"id": ["p"], "a": [str(a)], "b": [str(b)]}), "bands")
    small, large = on_both_engines(BANDS_ON, typed)
    try:
        single: dict[str, object] | str = dict(evaluate_case(BANDS_ON, typed.row(0, named=True)).outputs)
    except Refused as refused:
        single = refused.code
    assert isinstance(small, type(large))
    if isinstance(small, str):
        assert small == large == single == "below-first-bracket"
    else:
        assert isinstance(large, pl.DataFrame)
        assert small.equals(large)
        assert small.drop("id").row(0, named=True) == single


@pytest.mark.parametrize("program", ["crs_on", "australia_on"])
def test_both_engines_give_the_same_frame(program: str, request: pytest.FixtureRequest) -> None:
    resolved: Resolved = request.getfixturevalue(program)
    small, large = on_both_engines(resolved, population(resolved, 3_000, seed=5))
    assert isinstance(small, pl.DataFrame) and isinstance(large, pl.DataFrame)
    assert small.equals(large)
