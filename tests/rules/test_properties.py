"""The two evaluators agree: random people, per-case answers equal the vectorised ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
