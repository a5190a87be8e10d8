"""The two evaluators agree: random people, per-case answers equal the vectorised ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.programs import find_program
from statevisa.rules.evaluate import evaluate_case, evaluate_frame
from statevisa.rules.load import load_program
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


ARITHMETIC_YAML = """
id: arithmetic-limits
title: Integer arithmetic at the int64 limits
jurisdiction: US
status: draft
version: 0.1.0
description: Both evaluation paths must refuse the same rows when integer arithmetic leaves int64.
references:
  S1: {title: statevisa policy language, url: https://example.org/policy-language}
inputs:
  x: {type: int, min: -9223372036854775808, description: any int64}
  y: {type: int, min: -9223372036854775808, description: any int64}
rules:
  total: {formula: x + y, cite: S1}
  difference: {formula: x - y, cite: S1}
  product: {formula: x * y, cite: S1}
  negated: {formula: -x, cite: S1}
  nested: {formula: (x + 1) * 2 - y, cite: S1}
outputs: [total, difference, product, negated, nested]
"""
EDGES = [
    -(2**63), -(2**63) + 1, -(2**32), -3037000500, -2, -1, 0, 1, 2,
    3037000499, 3037000500, 2**32, 2**62, 2**63 - 2, 2**63 - 1,
]  # fmt: skip
INT64 = st.one_of(st.sampled_from(EDGES), st.integers(-(2**63), 2**63 - 1))


def _outcome(run: Any) -> Any:
    try:
        return run()
    except InputError as error:
        return ("refused", [p.code for p in error.problems])


@settings(max_examples=200, deadline=None)
@given(x=INT64, y=INT64)
def test_int64_limits_refused_or_equal_in_both_paths(tmp_path_factory: Any, x: int, y: int) -> None:
    path = tmp_path_factory.mktemp("limits") / "program.yaml"
    path.write_text(ARITHMETIC_YAML)
    resolved = resolve(load_program(path), dt.date(2025, 1, 1))
    typed = validate(resolved, pl.DataFrame({"id": ["p"], "x": [x], "y": [y]}), "hypothesis")
    row = typed.row(0, named=True)
    single = _outcome(lambda: evaluate_case(resolved, row).outputs)
    vector = _outcome(lambda: evaluate_frame(resolved, typed).drop("id").row(0, named=True))
    assert single == vector
    if isinstance(single, dict):
        exact = {
            "total": x + y,
            "difference": x - y,
            "product": x * y,
            "negated": -x,
            "nested": (x + 1) * 2 - y,
        }
        assert single == exact
