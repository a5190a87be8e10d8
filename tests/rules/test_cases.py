"""One case, validated in plain Python, gives the table validator's verdict on the same values."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.rules.cases import case_frame, evaluate_one, typed_case, with_blanks
from statevisa.rules.load import parse_program
from statevisa.rules.resolve import Resolved, resolve
from statevisa.rules.validate import validate
from statevisa.rules.values import at_case
from tests.conftest import CRS_E3

KINDS = """
id: demo-kinds
title: Inputs of every kind
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  years: {type: int, min: 0.5, max: 40}
  big: {type: int}
  wage: {type: float, min: 0, max: 1000000}
  insured: {type: bool}
  arrived: {type: date}
  county: {type: string}
  sector: {type: enum, values: [farm, care, tech]}
  partner_years:
    type: int
    min: 0
    optional_when: not insured
    default: 0
constraints:
  - name: years_cover_partner
    check: partner_years <= years
    message: partner years cannot exceed years
rules:
  ok:
    formula: insured and wage > 0 and county == "06037" and arrived < date("2030-01-01")
    cite: "Demo Act § 9"
outputs: [ok]
"""

GOOD: dict[str, object] = {
    "id": "k", "years": 3, "big": 7, "wage": 50000.5, "insured": True, "arrived": "2024-02-29",
    "county": "06037", "sector": "care", "partner_years": 1,
}  # fmt: skip


@pytest.fixture(scope="module")
def kinds() -> Resolved:
    return resolve(parse_program(KINDS, Path("program.yaml")), dt.date(2025, 6, 1))


Verdict = tuple[dict[str, object] | None, list[str]]


def frame_verdict(resolved: Resolved, values: dict[str, object]) -> Verdict:
    """The table validator on one row holding the CSV text of `values` (or its refusal)."""
    try:
        frame = case_frame({name: [value] for name, value in with_blanks(resolved.program, values).items()})
        typed = validate(resolved, frame, "case.json", at_case)
    except InputError as error:
        return None, error.messages
    return dict(typed.row(0, named=True)), []


def case_verdict(resolved: Resolved, values: dict[str, object]) -> Verdict:
    try:
        return dict(typed_case(resolved, values, "case.json")), []
    except InputError as error:
        return None, error.messages


def same_values(a: dict[str, object], b: dict[str, object]) -> bool:
    for name in a:
        x, y = a[name], b[name]
        if isinstance(x, float) or isinstance(y, float):
            if not (
                isinstance(x, int | float) and isinstance(y, int | float) and math.isclose(x, y, rel_tol=0)
            ):
                return False
        elif x != y or type(x) is not type(y):
            return False
    return True


AWKWARD_TEXT = st.sampled_from(
    ["", " ", "\u00a0", "\x1c3\x1c", " 3 ", "+3", "-0", "3.0", "1e3", "1_000", "\u0663", "\uff10", "nan",
     "inf", "-inf", "true", "TRUE", "1", "0", "yes", "2024-02-29", "2023-02-29", "2024-1-5", "0000-01-01",
     " 2024-02-29 ", "care", " care", "Care", "9223372036854775807", "9223372036854775808",
     "-9223372036854775808", "-9223372036854775809", "1" * 30, "0.5", ".5", "5.", "1e400", "1e-400"]
)  # fmt: skip
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 40, 41, 2**53, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    AWKWARD_TEXT,
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from([name for name in GOOD if name != "id"]), value=VALUES)
def test_one_case_and_a_table_row_reach_the_same_verdict(kinds: Resolved, column: str, value: object) -> None:
    values = {**GOOD, column: value}
    typed_frame, refused_frame = frame_verdict(kinds, values)
    typed_one, refused_one = case_verdict(kinds, values)
    assert refused_one == refused_frame
    if typed_frame is not None:
        assert typed_one is not None
        assert same_values(typed_one, typed_frame), (typed_one, typed_frame)


def test_a_good_case_is_typed(kinds: Resolved) -> None:
    typed = typed_case(kinds, GOOD, "case.json")
    assert typed["arrived"] == dt.date(2024, 2, 29)
    assert typed["wage"] == 50000.5
    assert typed["sector"] == "care"


def test_an_optional_input_left_out_takes_its_default(kinds: Resolved) -> None:
    values = {key: value for key, value in GOOD.items() if key != "partner_years"}
    assert typed_case(kinds, {**values, "insured": False}, "c")["partner_years"] == 0
    with pytest.raises(InputError) as caught:
        typed_case(kinds, values, "c")
    assert caught.value.messages == [
        "c: case k, column partner_years: blank value (allowed only when not insured)"
    ]


def test_int_bounds_are_whole_numbers(kinds: Resolved) -> None:
    """``min: 0.5`` on an int input means at least 1, in both paths."""
    assert case_verdict(kinds, {**GOOD, "years": 0, "partner_years": 0})[1] == [
        "case.json: case k, column years: '0' is below the minimum 0.5"
    ]
    assert case_verdict(kinds, {**GOOD, "years": 1, "partner_years": 0})[0] is not None


def test_every_problem_is_located_and_coded(kinds: Resolved) -> None:
    with pytest.raises(InputError) as caught:
        typed_case(kinds, {**GOOD, "years": "many", "sector": ["farm"], "id": " "}, "case.json")
    found = [(p.code, p.location.field) for p in caught.value.problems]
    assert found == [("blank-id", "id"), ("not-a-whole-number", "years"), ("not-a-declared-value", "sector")]


def test_a_constraint_names_its_columns(kinds: Resolved) -> None:
    with pytest.raises(InputError) as caught:
        typed_case(kinds, {**GOOD, "partner_years": 9}, "case.json")
    assert caught.value.messages == [
        "case.json: case k, columns partner_years, years: partner years cannot exceed years"
    ]


def test_missing_inputs_are_named(kinds: Resolved) -> None:
    with pytest.raises(InputError) as caught:
        typed_case(kinds, {"id": "k"}, "case.json")
    assert caught.value.messages[0].startswith("case.json: missing required column(s): years, big, wage")


def test_the_crs_worked_example_scores_through_the_per_case_path(crs_on: Resolved) -> None:
    result = evaluate_one(resolve(crs_on.program, dt.date(2025, 3, 24)), CRS_E3, "e3.json")
    assert result.outputs["score"] == 579


TYPED = st.fixed_dictionaries(
    {
        "years": st.one_of(st.none(), st.integers(-5, 60)),
        "big": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        "wage": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64)),
        "insured": st.one_of(st.none(), st.booleans()),
        "arrived": st.one_of(st.none(), st.dates()),
        "county": st.one_of(st.none(), st.text(max_size=4)),
        "sector": st.one_of(st.none(), st.sampled_from(["farm", "care", "tech", " tech", "x"])),
        "partner_years": st.one_of(st.none(), st.integers(-2, 60)),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(TYPED, min_size=1, max_size=4))
def test_a_typed_parquet_table_validates_as_its_text_would(
    kinds: Resolved, rows: list[dict[str, object]]
) -> None:
    schema = {
        "id": pl.String, "years": pl.Int64, "big": pl.Int64, "wage": pl.Float64, "insured": pl.Boolean,
        "arrived": pl.Date, "county": pl.String, "sector": pl.String, "partner_years": pl.Int32,
    }  # fmt: skip
    typed = pl.DataFrame([{"id": f"r{i}", **row} for i, row in enumerate(rows)], schema=schema)
    text = typed.with_columns(pl.all().cast(pl.String))

    def verdict(frame: pl.DataFrame) -> pl.DataFrame | list[str]:
        try:
            return validate(kinds, frame, "T")
        except InputError as error:
            return error.messages

    native, textual = verdict(typed), verdict(text)
    if isinstance(native, list) or isinstance(textual, list):
        assert native == textual
    else:
        assert native.equals(textual)
