"""The two evaluators agree: random people, per-case answers equal the vectorised ones, and at the
64-bit limits both compute the same value or refuse with the same problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.programs import find_program
from statevisa.rules.evaluate import Refused, evaluate_case, evaluate_frame
from statevisa.rules.load import load_program, parse_program
from statevisa.rules.model import InputSpec, Kind, Program
from statevisa.rules.resolve import resolve
from statevisa.rules.validate import validate

CRS = load_program(find_program("canada-crs"))
AUSTRALIA = load_program(find_program("australia-points"))
DATES = st.dates(min_value=dt.date(2020, 10, 27), max_value=dt.date(2026, 10, 31))


def value(spec: InputSpec) -> st.SearchStrategy[Any]:
    low = int(spec.minimum or 0)
    match spec.type.kind:
        case Kind.INT:
            return st.integers(low, int(spec.maximum) if spec.maximum is not None else low + 70)
        case Kind.BOOL:
            return st.booleans()
        case Kind.ENUM:
            return st.sampled_from(spec.type.values)
    raise AssertionError(spec)


def people(program: Program) -> st.SearchStrategy[list[dict[str, Any]]]:
    person = st.fixed_dictionaries({name: value(spec) for name, spec in program.inputs.items()})
    return st.lists(person, min_size=1, max_size=25)


def agree(program: Program, on: dt.date, rows: list[dict[str, Any]]) -> None:
    resolved = resolve(program, on)
    frame = pl.DataFrame([{**row, "id": f"p{i}"} for i, row in enumerate(rows)]).cast(
        {name: pl.String for name, spec in program.inputs.items() if spec.type.kind is Kind.ENUM}
    )
    typed = validate(resolved, frame, "hypothesis")
    vectorised = evaluate_frame(resolved, typed).drop("id").to_dicts()
    for row, expected in zip(typed.iter_rows(named=True), vectorised, strict=True):
        single = evaluate_case(resolved, row)
        assert single.outputs == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=people(CRS), on=DATES)
def test_crs_per_case_equals_vectorised(rows: list[dict[str, Any]], on: dt.date) -> None:
    agree(CRS, on, rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=people(AUSTRALIA), on=DATES)
def test_australia_per_case_equals_vectorised(rows: list[dict[str, Any]], on: dt.date) -> None:
    valid = [r for r in rows if r["overseas_work_years"] + r["australian_work_years"] <= 10]
    if valid:
        agree(AUSTRALIA, on, valid)


LIMITS = """
id: demo-limits
title: Whole-number arithmetic at the 64-bit limits
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  a: {type: int}
  b: {type: int}
  f: {type: float}
rules:
  total: {formula: a + b, cite: t}
  difference: {formula: a - b, cite: t}
  product: {formula: a * b, cite: t}
  negated: {formula: -a, cite: t}
  absolute: {formula: abs(b), cite: t}
  summed: {formula: 'sum(a, b, 1)', cite: t}
  floored: {formula: floor(f), cite: t}
  ratio: {formula: f / b, cite: t}
  guarded: {formula: 'if b == 0 then 0 else a / b', cite: t}
outputs: [total, difference, product, negated, absolute, summed, floored, ratio, guarded]
"""
LIMITS_ON = resolve(parse_program(LIMITS, Path("limits.yaml")), dt.date(2025, 6, 1))
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
EDGES = [INT64_MIN, INT64_MIN + 1, -(2**62), -(2**32), -1, 0, 1, 2, 2**32, 2**62, INT64_MAX - 1, INT64_MAX]


@settings(max_examples=200, deadline=None)
@given(
    a=st.sampled_from(EDGES) | st.integers(INT64_MIN, INT64_MAX),
    b=st.sampled_from(EDGES) | st.integers(INT64_MIN, INT64_MAX),
    f=st.sampled_from([0.0, -1.5, 9.2e18, 9.3e18, -9.3e18, 1e300, -1e300]) | st.floats(-1e19, 1e19),
)
def test_both_paths_agree_or_refuse_alike_at_the_64_bit_limits(a: int, b: int, f: float) -> None:
    frame = pl.DataFrame({"id": ["p"], "a": [str(a)], "b": [str(b)], "f": [repr(f)]})
    typed = validate(LIMITS_ON, frame, "limits")
    try:
        vectorised: tuple[str, object] = (
            "ok",
            evaluate_frame(LIMITS_ON, typed).drop("id").row(0, named=True),
        )
    except InputError as error:
        vectorised = ("refused", error.problems[0].code)
    try:
        single: tuple[str, object] = ("ok", evaluate_case(LIMITS_ON, typed.row(0, named=True)).outputs)
    except Refused as refused:
        single = ("refused", refused.code)
    assert vectorised == single
    if single[0] == "ok":
        assert isinstance(single[1], dict)
        assert all(INT64_MIN <= v <= INT64_MAX for v in single[1].values() if isinstance(v, int))
    else:
        assert single[1] in {"int-overflow", "not-finite", "division-by-zero"}
