"""Evaluation: dated parameters, scenario values, OPEN values refused, and the explanation tree."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError, PolicyError
from statevisa.rules.cases import evaluate_one
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.explain import Trace, TraceKind
from statevisa.rules.load import parse_program
from statevisa.rules.model import Program, Status
from statevisa.rules.resolve import Resolved, resolve
from statevisa.rules.validate import validate
from tests.conftest import CRS_E3

E3 = CRS_E3

DEMO = """
id: demo-wage-floor
title: Demo wage floor
jurisdiction: "00"
status: draft
version: 0.1.0
references:
  act: {title: Demo Act, url: "https://example.org/demo-act"}
inputs:
  offered_wage: {type: float, min: 0}
  county_median_wage: {type: float, min: 0}
parameters:
  wage_floor_ratio:
    description: The offer must reach this share of the county median wage.
    values:
      2025-01-01: {value: 1.10, cite: "act: § 4(a)"}
      2026-07-01: {value: 1.25, cite: "Demo Amendment § 2", status: reported}
  cap:
    description: A cap nobody could read.
    type: int
    values:
      2025-01-01: {cite: "act: § 5", status: unconfirmed}
rules:
  wage_floor:
    formula: wage_floor_ratio * county_median_wage
    cite: "act: § 4(a)"
  meets_wage_floor:
    formula: offered_wage >= wage_floor
    cite: "act: § 4(a)"
  cap_left:
    formula: cap - 1
    cite: "act: § 5"
outputs: [meets_wage_floor, wage_floor]
"""


@pytest.fixture(scope="module")
def demo() -> Program:
    return parse_program(
        DEMO.replace('  cap_left:\n    formula: cap - 1\n    cite: "act: § 5"\n', ""), Path("demo.yaml")
    )


def case(resolved: Resolved, **values: object) -> dict[str, object]:
    return dict(evaluate_one(resolved, {"id": "c", **values}, "case").outputs)


def test_the_value_in_force_on_the_date_applies(demo: Program) -> None:
    before = resolve(demo, dt.date(2026, 6, 30))
    after = resolve(demo, dt.date(2026, 7, 1))
    wage = {"offered_wage": 62_400, "county_median_wage": 50_000}
    assert case(before, **wage) == {"meets_wage_floor": True, "wage_floor": pytest.approx(55_000)}
    assert case(after, **wage)["meets_wage_floor"] is False
    assert after.values["wage_floor_ratio"].status is Status.REPORTED


def test_a_date_before_every_period_is_refused(demo: Program) -> None:
    with pytest.raises(PolicyError, match="not encoded for 2024-12-31: its parameters start on 2025-01-01"):
        resolve(demo, dt.date(2024, 12, 31))


def test_an_open_parameter_is_refused_until_a_scenario_value_is_given() -> None:
    program = parse_program(
        DEMO.replace("outputs: [meets_wage_floor", "outputs: [cap_left, meets_wage_floor"), Path("d")
    )
    with pytest.raises(PolicyError, match=r"'cap' is OPEN on 2025-06-01 .*--set cap=VALUE"):
        resolve(program, dt.date(2025, 6, 1))
    resolved = resolve(program, dt.date(2025, 6, 1), {"cap": "40"})
    assert resolved.values["cap"].status is Status.SCENARIO
    assert case(resolved, offered_wage=1, county_median_wage=1)["cap_left"] == 39


def test_an_open_parameter_no_output_needs_does_not_block() -> None:
    program = parse_program(DEMO, Path("demo.yaml"))
    resolved = resolve(program, dt.date(2025, 6, 1))
    assert "cap" not in resolved.values
    assert case(resolved, offered_wage=60_000, county_median_wage=50_000)["meets_wage_floor"] is True


def test_the_evaluation_date_is_a_name(tmp_path: Path) -> None:
    text = DEMO.replace("outputs: [meets_wage_floor, wage_floor]", "outputs: [late]").replace(
        "  cap_left:", '  late:\n    formula: on >= date("2026-01-01")\n    cite: x\n  cap_left:'
    )
    program = parse_program(text, tmp_path / "p.yaml")
    assert case(resolve(program, dt.date(2025, 12, 31)), offered_wage=1, county_median_wage=1) == {
        "late": False
    }
    assert case(resolve(program, dt.date(2026, 1, 1)), offered_wage=1, county_median_wage=1) == {"late": True}


def test_scenario_values_must_fit_the_parameter(demo: Program) -> None:
    with pytest.raises(PolicyError, match="'abc' is not a valid float"):
        resolve(demo, dt.date(2025, 6, 1), {"wage_floor_ratio": "abc"})
    with pytest.raises(PolicyError, match="'nope' is not a parameter"):
        resolve(demo, dt.date(2025, 6, 1), {"nope": "1"})


def find(trace: Trace, name: str) -> Trace:
    stack = [trace]
    while stack:
        node = stack.pop()
        if node.name == name:
            return node
        stack.extend(node.children)
    raise AssertionError(f"{name} not in the explanation")


def test_the_explanation_names_rows_periods_and_citations(crs: Program) -> None:
    result = evaluate_one(resolve(crs, dt.date(2025, 3, 24)), E3, "case")
    assert result.outputs["score"] == 579
    score = result.traces["score"]
    assert score.kind is TraceKind.RULE and score.formula == "core + spouse + transferability + additional"
    age = find(score, "age_grid")
    assert age.kind is TraceKind.PARAMETER
    assert (age.value, age.detail, age.in_force, age.cite) == (
        83,
        "with_spouse = false → age 34 in [34, 35)",
        "2020-10-27 → open",
        "S1: table A1",
    )
    offer = find(score, "job_offer_grid")
    assert (offer.value, offer.in_force, offer.status) == (200, "2020-10-27 → 2025-03-24", "reported")
    assert find(score, "age").kind is TraceKind.INPUT


def test_the_explanation_follows_only_the_branch_taken(crs: Program) -> None:
    result = evaluate_one(resolve(crs, dt.date(2025, 6, 1)), E3, "case")
    spouse = result.traces["spouse"]
    assert spouse.value == 0
    assert [child.name for child in spouse.children] == ["with_spouse"]


def test_json_form_of_a_trace_keeps_only_filled_keys(crs: Program) -> None:
    result = evaluate_one(resolve(crs, dt.date(2025, 6, 1)), E3, "case")
    data = result.traces["core"].to_json()
    assert data["kind"] == "rule" and data["value"] == 353
    assert "status" not in data
    assert isinstance(data["children"], list) and data["children"]


def test_a_value_below_the_first_bracket_is_an_error(tmp_path: Path) -> None:
    program = parse_program(
        DEMO.replace("min: 0}", "}")
        .replace("outputs: [meets_wage_floor, wage_floor]", "outputs: [band]")
        .replace("  cap_left:", "  band:\n    formula: bands[offered_wage]\n    cite: x\n  cap_left:")
        .replace(
            "parameters:\n",
            "parameters:\n  bands:\n    values:\n"
            "      2025-01-01: {value: {brackets: {0: 1, 10: 2}}, cite: x}\n",
        ),
        tmp_path / "p.yaml",
    )
    resolved = resolve(program, dt.date(2025, 6, 1), {"cap": "1"})
    assert case(resolved, offered_wage=12, county_median_wage=1) == {"band": 2}
    with pytest.raises(InputError, match=r"offered_wage = -1\.0 is below the first bracket of 'bands'"):
        case(resolved, offered_wage=-1, county_median_wage=1)
    frame = pl.DataFrame({"id": ["a", "b"], "offered_wage": ["12", "-1"], "county_median_wage": ["1", "1"]})
    below = r"row 3 \(id b\), column band: rule 'band': offered_wage = -1\.0 is below the first"
    with pytest.raises(InputError, match=below):
        evaluate_frame(resolved, validate(resolved, frame, "x"))


RESIDENCE = """
id: demo-residence
title: Demo residence requirement
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  arrived: {type: date, description: Date the person began living in the state}
parameters:
  required_days:
    values:
      2025-01-01: {value: 730, cite: "Demo Act § 7"}
rules:
  residence_days:
    formula: days_between(arrived, on)
    cite: "Demo Act § 7"
  arrival_year:
    formula: year(arrived)
    cite: "Demo Act § 7"
  resident_long_enough:
    formula: residence_days >= required_days
    cite: "Demo Act § 7"
outputs: [residence_days, arrival_year, resident_long_enough]
"""


def test_days_between_and_year_agree_in_both_paths(tmp_path: Path) -> None:
    program = parse_program(RESIDENCE, tmp_path / "program.yaml")
    resolved = resolve(program, dt.date(2026, 12, 1))
    arrivals = ["2024-12-01", "2024-12-02", "2020-02-29"]
    frame = pl.DataFrame({"id": ["a", "b", "c"], "arrived": arrivals})
    vectorised = evaluate_frame(resolved, validate(resolved, frame, "x")).drop("id").to_dicts()
    single = [case(resolved, arrived=day) for day in arrivals]
    assert (
        vectorised
        == single
        == [
            {"residence_days": 730, "arrival_year": 2024, "resident_long_enough": True},
            {"residence_days": 729, "arrival_year": 2024, "resident_long_enough": False},
            {"residence_days": 2467, "arrival_year": 2020, "resident_long_enough": True},
        ]
    )


def test_date_functions_need_dates(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"days_between\(\) needs dates, got int"):
        parse_program(
            RESIDENCE.replace("days_between(arrived, on)", "days_between(arrived, 3)"), tmp_path / "p.yaml"
        )


UNEVEN = """
id: demo-uneven
title: Demo table whose branches differ
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  flag: {type: bool}
  level: {type: enum, values: [low, high]}
  x: {type: int, min: 0}
  ratio: {type: float}
parameters:
  by_ratio:
    values:
      2025-01-01:
        cite: "Demo Act § 8"
        value: {brackets: {0: 0, 1.1: 10, 1.25: 20}}
  grid:
    values:
      2025-01-01:
        cite: "Demo Act § 8"
        value:
          brackets:
            0: {brackets: {0: 1, 5: 2}}
            6: {brackets: {0: 3, 9: 4}}
  uneven:
    values:
      2025-01-01:
        cite: "Demo Act § 8"
        value:
          true: {brackets: {0: 1, 10: 2}}
          false: {brackets: {0: 5, 3: 6, 7: 7}}
  nested:
    values:
      2025-01-01:
        cite: "Demo Act § 8"
        value:
          brackets:
            0: {low: 1, high: 2}
            4: {low: 3, high: 4.5}
rules:
  by_flag:
    formula: uneven[flag][x]
    cite: "Demo Act § 8"
  by_band:
    formula: nested[x][level]
    cite: "Demo Act § 8"
  by_ratio_band:
    formula: by_ratio[ratio]
    cite: "Demo Act § 8"
  by_grid:
    formula: grid[x][x]
    cite: "Demo Act § 8"
outputs: [by_flag, by_band, by_ratio_band, by_grid]
"""


def test_tables_whose_branches_differ_agree_in_both_paths(tmp_path: Path) -> None:
    resolved = resolve(parse_program(UNEVEN, tmp_path / "program.yaml"), dt.date(2025, 6, 1))
    rows = [
        {"id": f"{flag}-{level}-{x}", "flag": flag, "level": level, "x": x, "ratio": 0.9 + x * 0.05}
        for flag in (True, False)
        for level in ("low", "high")
        for x in range(13)
    ]
    frame = pl.DataFrame(rows).cast({"flag": pl.String, "x": pl.String, "ratio": pl.String})
    vectorised = evaluate_frame(resolved, validate(resolved, frame, "x")).drop("id").to_dicts()
    single = [case(resolved, **{k: v for k, v in row.items() if k != "id"}) for row in rows]
    assert vectorised == single
    assert single[0] == {"by_flag": 1, "by_band": 1.0, "by_ratio_band": 0, "by_grid": 1}  # x 0, ratio 0.9
    assert single[12] == {"by_flag": 2, "by_band": 3.0, "by_ratio_band": 20, "by_grid": 4}  # x 12, ratio 1.5
    assert single[13 * 3 + 5] == {"by_flag": 6, "by_band": 4.5, "by_ratio_band": 10, "by_grid": 2}  # x 5


FUNCTIONS = """
id: demo-functions
title: Every built-in function
jurisdiction: "00"
status: draft
version: 0.1.0
inputs:
  a: {type: int}
  b: {type: float}
  kind: {type: enum, values: [x, y, z]}
rules:
  ratio:
    formula: 'a / b'
    cite: t
  whole_ratio:
    formula: 'if a == 0 then 0 else b / a'
    cite: t
  floored:
    formula: 'floor(a) + floor(b)'
    cite: t
  ceiled:
    formula: 'ceil(b)'
    cite: t
  absolute:
    formula: 'abs(a) + abs(b)'
    cite: t
  clipped:
    formula: 'clip(a, -2, 2.5)'
    cite: t
  smallest:
    formula: 'min(a, b, 3)'
    cite: t
  largest:
    formula: 'max(a, b)'
    cite: t
  total:
    formula: 'sum(a, b, 1)'
    cite: t
  negated:
    formula: '-a - -b'
    cite: t
  chosen:
    formula: 'kind in ["x", "z"] and not (a > 3 or b < -1)'
    cite: t
  picked:
    formula: 'if kind == "y" then a else b'
    cite: t
outputs: [ratio, whole_ratio, floored, ceiled, absolute, clipped, smallest, largest, total, negated,
          chosen, picked]
"""


FUNCTIONS_ON = resolve(parse_program(FUNCTIONS, Path("functions.yaml")), dt.date(2025, 6, 1))


@settings(max_examples=80, deadline=None)
@given(
    a=st.integers(-50, 50),
    b=st.floats(-50, 50, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
    kind=st.sampled_from(["x", "y", "z"]),
)
def test_every_function_agrees_in_both_paths(a: int, b: float, kind: str) -> None:
    resolved = FUNCTIONS_ON
    frame = pl.DataFrame({"id": ["c"], "a": [str(a)], "b": [repr(b)], "kind": [kind]})
    vectorised = evaluate_frame(resolved, validate(resolved, frame, "x")).drop("id").row(0, named=True)
    single = case(resolved, a=a, b=repr(b), kind=kind)
    for name, value in single.items():
        other = vectorised[name]
        if isinstance(value, float) and math.isnan(value):
            assert isinstance(other, float) and math.isnan(other), name
        else:
            assert other == pytest.approx(value, rel=1e-12, abs=1e-12), name
