"""Loading policy files: one malformed file per error, each message asserted with its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from statevisa.errors import PolicyError
from statevisa.programs import shipped_paths
from statevisa.rules.load import load_program, parse_program
from statevisa.rules.model import Kind, Status

BAD = Path(__file__).parent / "bad"

EXPECTED = {
    "unknown_name.yaml": "10:14: rule 'meets_wage_floor': unknown name 'offerd_wage'; "
    "did you mean offered_wage?",
    "syntax_error.yaml": "10:21: rule 'older': syntax error: unexpected '+'",
    "type_mismatch.yaml": "11:20: rule 'total': type mismatch: '+' needs a number, got bool",
    "cycle.yaml": "9:3: cycle between rules: a → b → a",
    "missing_reference.yaml": "12:7: parameter 'floor_age' from 2025-01-01: missing reference",
    "overlapping_dates.yaml": "13:7: parameter 'floor_age': period from 2025-07-01 overlaps the period "
    "2025-01-01 → 2025-12-31",
    "undeclared_enum.yaml": "10:27: rule 'graduate': enum value 'phd' is not declared "
    "(declared: none, bachelors, masters)",
    "table_key_not_declared.yaml": "17:31: rule 'points': table 'education_points' keys do not match "
    "enum(none, bachelors, masters): enum value not declared: doctorate",
    "unknown_key.yaml": "12:5: rule 'adult': unknown key 'because' "
    "(allowed: formula, cite, description, unit)",
    "duplicate_key.yaml": '12:3: YAML error: found duplicate key "adult"',
    "non_iso_date.yaml": "13:7: parameter 'floor_age': 'January 2026' is not an ISO date (YYYY-MM-DD)",
    "rule_without_cite.yaml": "9:3: rule 'adult': missing reference (add cite: with a source)",
    "open_without_type.yaml": "12:7: parameter 'cap' from 2025-01-01: "
    "an OPEN value needs the parameter's type",
    "unknown_output.yaml": "12:18: output 'score' is not a rule or an input",
    "yaml_syntax.yaml": "2:1: YAML error: expected ',' or ']'",
    "unknown_indicator.yaml": "10:13: input 'rate': unknown indicator 'county_unemployment_rate_1999'",
    "source_key_not_string.yaml": "8:3: input 'rate': source key 'county_code' must be "
    "a declared string input",
}


def test_every_bad_file_has_an_expected_message() -> None:
    assert sorted(EXPECTED) == sorted(path.name for path in BAD.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_refused_with_file_line_column(name: str) -> None:
    path = BAD / name
    with pytest.raises(PolicyError) as caught:
        load_program(path)
    assert f"{path}:{EXPECTED[name]}" in caught.value.messages[0]


def test_all_problems_of_a_kind_are_reported_together(tmp_path: Path) -> None:
    """Structure (keys, citations, dates) is checked first, then names and types, each in one go."""
    structural = (BAD / "unknown_key.yaml").read_text().replace('cite: "Demo Act § 2"', "")
    with pytest.raises(PolicyError) as caught:
        parse_program(structural, tmp_path / "program.yaml")
    assert [m.split(": ", 1)[1] for m in caught.value.messages] == [
        "rule 'adult': missing reference (add cite: with a source)",
        "rule 'adult': unknown key 'because' (allowed: formula, cite, description, unit)",
    ]
    semantic = (
        BAD / "unknown_name.yaml"
    ).read_text() + "constraints:\n  - {name: c, check: nope > 1, message: m}\n"
    with pytest.raises(PolicyError) as caught:
        parse_program(semantic, tmp_path / "program.yaml")
    assert len(caught.value.messages) == 2
    assert "unknown name 'offerd_wage'" in caught.value.messages[0]
    assert "unknown name 'nope'" in caught.value.messages[1]


@pytest.mark.parametrize("path", shipped_paths(), ids=lambda p: p.parent.name)
def test_every_shipped_program_loads(path: Path) -> None:
    program = load_program(path)
    assert program.outputs
    assert all(rule.citation.text or rule.citation.reference for rule in program.rules.values())
    for parameter in program.parameters.values():
        assert parameter.periods, parameter.name
        assert all(str(period.citation) for period in parameter.periods)


def test_crs_loads_its_sections_and_dates_the_job_offer() -> None:
    program = load_program(next(p for p in shipped_paths() if p.parent.name == "canada-crs"))
    assert {"age_grid", "spouse_education_grid", "combination_grid", "job_offer_grid"} <= set(
        program.parameters
    )
    periods = program.parameters["job_offer_grid"].periods
    assert [p.label() for p in periods] == ["2020-10-27 → 2025-03-24", "2025-03-25 → open"]
    assert all(p.status is Status.REPORTED for p in periods)
    assert program.types["score"].kind is Kind.INT
    assert program.layers[-1] == ("score",)


def test_an_open_period_ends_the_day_before_the_next(tmp_path: Path) -> None:
    text = (BAD / "overlapping_dates.yaml").read_text().replace(", to: 2025-12-31", "")
    program = parse_program(text, tmp_path / "program.yaml")
    assert [p.label() for p in program.parameters["floor_age"].periods] == [
        "2025-01-01 → 2025-06-30",
        "2025-07-01 → open",
    ]


def test_a_broken_section_file_is_reported_at_its_own_line(tmp_path: Path) -> None:
    text = (BAD / "unknown_key.yaml").read_text().replace("outputs:", "sections: [sec_2.yaml]\noutputs:")
    sections = {"sec_2.yaml": "section: Demo Act § 2\nrules: [unclosed\n"}
    with pytest.raises(PolicyError) as caught:
        parse_program(text, tmp_path / "program.yaml", sections.get)
    assert caught.value.messages[-1].startswith(f"{tmp_path / 'sec_2.yaml'}:3:1: YAML error")
    with pytest.raises(PolicyError, match=r"section file 'sec_3\.yaml' not found"):
        parse_program(text.replace("sec_2", "sec_3"), tmp_path / "program.yaml", sections.get)


GOOD = """id: demo-loader
title: A program the loader accepts
jurisdiction: "00"
status: draft
version: 0.1.0
references:
  act: {title: Demo Act}
inputs:
  age: {type: int, min: 0}
  level: {type: enum, values: [low, high]}
parameters:
  points:
    values:
      2025-01-01: {value: {brackets: {0: 0, 18: 10}}, cite: "act: § 2"}
rules:
  score:
    formula: points[age]
    cite: "act: § 2"
outputs: [score]
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('cite: "act: § 2"}', "cite: {ref: law, at: x}}", "cite.ref must name a declared reference (act)"),
        ("{0: 0, 18: 10}", "{18: 10, 0: 0}", "bracket bounds must increase (0 after 18.0)"),
        ("{0: 0, 18: 10}", "{zero: 0}", "bracket bound 'zero' is not a number"),
        ("{value: {brackets", "{to: soon, value: {brackets", "'to' is not an ISO date"),
        ("{value: {brackets", "{to: 2024-01-01, value: {brackets", "ends before it starts"),
        ("{value: {brackets", "{status: maybe, value: {brackets", "status 'maybe' is not one of"),
        (
            "{value: {brackets: {0: 0, 18: 10}}",
            "{value: [1, 2]",
            "a value must be a number, true/false, text",
        ),
        ("age: {type: int, min: 0}", "age: {type: integer}", "type must be one of int, float, bool, enum"),
        (
            "level: {type: enum, values: [low, high]}",
            "level: {type: enum}",
            "an enum needs a list of distinct",
        ),
        (
            "level: {type: enum, values: [low, high]}",
            "level: {type: enum, values: [low], default: mid}",
            "default 'mid' is not a declared value",
        ),
        (
            "age: {type: int, min: 0}",
            "age: {type: int, optional_when: 'true'}",
            "optional_when needs a default",
        ),
        ("status: draft", "status: pending", "program status 'pending' is not one of"),
        (
            'jurisdiction: "00"',
            "jurisdiction: California",
            "jurisdiction 'California' must be US, a state FIPS",
        ),
        ("id: demo-loader", "id: Demo_Loader", "program id 'Demo_Loader' must be lower-case words"),
        ("  age: {type", "  Age: {type", "name 'Age' must be lower_snake_case"),
        ("outputs: [score]", "outputs: []", "'outputs' must list the rules written out"),
        ("formula: points[age]", "formula: points[level]", "is a bracket table: its key must be a number"),
        ("formula: points[age]", "formula: points", "parameter 'points' is a table: look it up"),
        ("formula: points[age]", "formula: points[age][age]", "has fewer levels than the keys given"),
        ("formula: points[age]", "formula: age[age]", "'age' is not a parameter table"),
        ("formula: points[age]", 'formula: level < "high"', "cannot compare enum(low, high) < string"),
        ("formula: points[age]", "formula: if age then 1 else 2", "'if' needs true/false, got int"),
        ("formula: points[age]", "formula: nope(age)", "unknown function 'nope'"),
        ("formula: points[age]", "formula: clip(age)", "clip() takes 3 argument(s), got 1"),
        ("formula: points[age]", 'formula: date("soon")', "date() takes an ISO date literal"),
    ],
)
def test_loader_refuses_with_a_precise_reason(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    parse_program(GOOD, tmp_path / "program.yaml")
    with pytest.raises(PolicyError) as caught:
        parse_program(GOOD.replace(old, new, 1), tmp_path / "program.yaml")
    assert any(message in line for line in caught.value.messages), caught.value.messages
    assert all(line.startswith(f"{tmp_path / 'program.yaml'}:") for line in caught.value.messages)
