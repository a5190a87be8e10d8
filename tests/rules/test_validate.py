"""Input validation: every error names its row (the CSV line) and column; good rows come back typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError
from statevisa.rules.load import parse_program
from statevisa.rules.resolve import Resolved, resolve
from statevisa.rules.validate import MAX_MESSAGES, validate

PERSON = {
    "id": "a",
    "age": "29",
    "english": "proficient",
    "overseas_work_years": "5",
    "australian_work_years": "0",
    "qualification": "bachelor",
    "specialist_education": "false",
    "australian_study": "FALSE",
    "professional_year": "0",
    "community_language": "false",
    "regional_study": "false",
    "partner": "single",
    "nomination": "none",
}


def frame(*changes: dict[str, str]) -> pl.DataFrame:
    rows = [{**PERSON, "id": f"p{i}", **change} for i, change in enumerate(changes)]
    return pl.DataFrame(rows, schema=dict.fromkeys(PERSON, pl.String))


def messages(resolved: Resolved, data: pl.DataFrame) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate(resolved, data, "IN.csv")
    return caught.value.messages


def test_good_rows_are_typed(australia_on: Resolved) -> None:
    typed = validate(australia_on, frame({}, {"age": " 40 ", "specialist_education": "1"}), "IN.csv")
    assert typed["age"].to_list() == [29, 40]
    assert typed["specialist_education"].to_list() == [False, True]
    assert typed["english"].dtype == pl.Enum(["competent", "proficient", "superior"])


def test_undeclared_enum_value_names_row_column_and_choices(australia_on: Resolved) -> None:
    found = messages(australia_on, frame({}, {"english": "fluent"}))
    assert found == [
        "IN.csv: row 3 (id p1), column english: 'fluent' is not one of competent, proficient, superior"
    ]


def test_non_numeric_and_fractional_ages_are_refused(australia_on: Resolved) -> None:
    found = messages(australia_on, frame({"age": "abc"}, {"age": "29.5"}, {"age": "-1"}))
    assert found == [
        "IN.csv: row 2 (id p0), column age: 'abc' is not a whole number",
        "IN.csv: row 3 (id p1), column age: '29.5' is not a whole number",
        "IN.csv: row 4 (id p2), column age: '-1' is below the minimum 0",
    ]


def test_blank_and_duplicate_ids(australia_on: Resolved) -> None:
    data = frame({}, {}).with_columns(pl.Series("id", ["x", "x"]))
    assert messages(australia_on, data) == [
        "IN.csv: row 3 (id x), column id: duplicate id, first used in row 2"
    ]
    data = frame({}).with_columns(pl.Series("id", [""]))
    assert messages(australia_on, data) == ["IN.csv: row 2, column id: blank id"]


def test_missing_column_is_named(australia_on: Resolved) -> None:
    found = messages(australia_on, frame({}).drop("partner"))
    assert found == ["IN.csv: missing required column(s): partner"]


def test_constraint_names_the_columns(australia_on: Resolved) -> None:
    found = messages(australia_on, frame({"overseas_work_years": "6", "australian_work_years": "5"}))
    assert len(found) == 1
    assert found[0].startswith("IN.csv: row 2 (id p0), columns overseas_work_years, australian_work_years: ")


def test_many_errors_are_cut_with_a_count(australia_on: Resolved) -> None:
    found = messages(australia_on, frame(*[{"age": "x"}] * (MAX_MESSAGES + 5)))
    assert len(found) == MAX_MESSAGES + 1
    assert found[-1] == "IN.csv: ... and 5 more problem(s)"


def test_optional_spouse_fields_may_be_blank_only_without_spouse(crs_on: Resolved) -> None:
    base = {
        "id": "s", "age": "30", "with_spouse": "false", "education": "masters",
        "first_official_language": "en",
        **{f"english_{a}": "9" for a in ("speaking", "listening", "reading", "writing")},
        **{f"french_{a}": "0" for a in ("speaking", "listening", "reading", "writing")},
        "canadian_work_years": "0", "foreign_work_years": "0", "certificate_of_qualification": "false",
        "spouse_education": "", "spouse_speaking": "", "spouse_listening": "", "spouse_reading": "",
        "spouse_writing": "", "spouse_canadian_work_years": "", "canadian_education": "none",
        "sibling_in_canada": "false", "provincial_nomination": "false", "job_offer": "none",
    }  # fmt: skip
    single = pl.DataFrame([base], schema=dict.fromkeys(base, pl.String))
    typed = validate(crs_on, single, "IN.csv")
    assert typed["spouse_education"].to_list() == ["none"]
    assert typed["spouse_speaking"].to_list() == [0]
    married = single.with_columns(pl.lit("true").alias("with_spouse"))
    with pytest.raises(InputError) as caught:
        validate(crs_on, married, "IN.csv")
    assert caught.value.messages[0] == (
        "IN.csv: row 2 (id s), column spouse_education: blank value (allowed only when not with_spouse)"
    )


def test_parquet_native_types_validate_like_text(australia_on: Resolved) -> None:
    native = frame({}, {"age": "31"}).with_columns(
        pl.col("age").cast(pl.Int64), pl.col("australian_study").str.to_lowercase() == "true"
    )
    assert validate(australia_on, native, "IN.parquet").equals(
        validate(australia_on, frame({}, {"age": "31"}), "x")
    )
    floats = native.with_columns(pl.col("age").cast(pl.Float64) + 0.5)
    assert (
        messages(australia_on, floats)[0] == "IN.csv: row 2 (id p0), column age: '29.5' is not a whole number"
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    column=st.sampled_from(sorted(PERSON)),
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
)
def test_any_cell_text_validates_or_names_its_row_and_column(
    australia_on: Resolved, column: str, text: str
) -> None:
    try:
        typed = validate(australia_on, frame({}, {column: text}), "IN.csv")
    except InputError as error:
        assert error.messages[0].startswith("IN.csv: row ")
        assert f"column {column}" in error.messages[0] or "columns " in error.messages[0]
    else:
        assert typed.height == 2


KINDS = """
id: demo-kinds
title: Inputs of every kind
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  wage: {type: float, max: 1000000}
  insured: {type: bool}
  arrived: {type: date}
  county: {type: string}
rules:
  ok:
    formula: insured and wage > 0 and county == "06037" and arrived < date("2030-01-01")
    cite: "Demo Act § 9"
outputs: [ok]
"""


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("wage", "lots", "'lots' is not a number"),
        ("wage", "inf", "'inf' is not a number"),
        ("wage", "2000000", "'2000000' is above the maximum 1e+06"),
        ("insured", "yes", "'yes' is not true or false"),
        ("arrived", "2024-13-01", "'2024-13-01' is not an ISO date (YYYY-MM-DD)"),
        ("county", "", "blank value"),
    ],
)
def test_every_kind_of_input_names_what_is_wrong(
    tmp_path: Path, column: str, text: str, message: str
) -> None:
    resolved = resolve(parse_program(KINDS, tmp_path / "program.yaml"), dt.date(2025, 6, 1))
    good = {"id": "k", "wage": "50000.5", "insured": "TRUE", "arrived": "2024-02-29", "county": "06037"}
    assert validate(resolved, pl.DataFrame([good]), "IN.csv")["arrived"].to_list() == [dt.date(2024, 2, 29)]
    with pytest.raises(InputError) as caught:
        validate(resolved, pl.DataFrame([{**good, column: text}]), "IN.csv")
    assert caught.value.messages == [f"IN.csv: row 2 (id k), column {column}: {message}"]
