"""Bad policy text and numbers at the edges never crash the engine or give a wrong answer: every
failure is a coded PolicyError at a position, or an InputError naming the row or case."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import InputError, PolicyError, Problem
from statevisa.rules import ast
from statevisa.rules.cases import evaluate_one
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.load import load_program, parse_program
from statevisa.rules.parse import MAX_FORMULA_CHARS, MAX_FORMULA_DEPTH, FormulaSyntaxError, parse_formula
from statevisa.rules.resolve import resolve
from statevisa.rules.source import MAX_POLICY_BYTES, MAX_YAML_DEPTH
from statevisa.rules.validate import validate

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "wage-floor" / "program.yaml"
LINES = EXAMPLE.read_text().splitlines()
ALPHABET = st.sampled_from(
    [*"abc_019 .+-*/()[]<>=!\"'#,", "if ", " then ", " else ", " and ", " or ", "not "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_any_formula_text_parses_or_says_where_it_fails(text: str) -> None:
    try:
        node = parse_formula(text)
    except FormulaSyntaxError as error:
        assert error.message.startswith("syntax error") or error.code == "number-out-of-range"
        assert error.line >= 1 and error.column >= 1
    else:
        assert isinstance(node, ast.Node)


@settings(max_examples=150, deadline=None)
@given(
    drop=st.integers(0, len(LINES) - 1),
    insert_at=st.integers(0, len(LINES)),
    noise=st.sampled_from(["", "  x: [", "formula: 1 +", "values: 3", ": :", "\t", "cite:", "inputs: 5"]),
)
def test_a_damaged_program_file_loads_or_fails_with_file_line_col(
    drop: int, insert_at: int, noise: str
) -> None:
    lines = [line for i, line in enumerate(LINES) if i != drop]
    lines.insert(insert_at, noise)
    try:
        parse_program("\n".join(lines) + "\n", Path("damaged.yaml"))
    except PolicyError as error:
        assert all(message.startswith("damaged.yaml:") for message in error.messages), error.messages


# Hostile policy files: each refused by name and place, quickly, never a crash or a hang -------

PROGRAM = """id: probe
title: Probe
jurisdiction: "00"
status: draft
version: 0.1.0
references:
  act: {title: Act}
inputs:
  x: {type: int}
parameters:
  rate:
    values:
      2025-01-01: {value: 2, cite: act}
rules:
  y: {formula: RULE, cite: act}
outputs: [y]
"""


HANG = 60.0
"""Seconds after which a refusal counts as a hang: the hangs this guards against ran 26 to 81 s;
the slowest refusal (a 1 MB formula) takes about 1.3 s on a quiet machine and 10 s at load 13."""


def program(tmp_path: Path, rule: str = "x * rate", tail: str = "", head: str = "") -> Path:
    path = tmp_path / "program.yaml"
    path.write_text(head + PROGRAM.replace("RULE", rule) + tail, encoding="utf-8")
    return path


def refusal(path: Path) -> Problem:
    """The first problem loading `path` raises; the clock only guards against a hang (the billion
    laughs ran 81 s before the size limits), it is no speed claim."""
    started = time.perf_counter()
    with pytest.raises(PolicyError) as caught:
        load_program(path)
    assert time.perf_counter() - started < HANG
    return caught.value.problems[0]


def laughs(levels: int) -> str:
    """A "billion laughs": each anchor is a list of ten uses of the one before."""
    lines = ['l0: &l0 "' + "lol" * 10 + '"']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", ["title", "description"])
def test_aliases_that_expand_past_the_limit_are_refused_by_size(tmp_path: Path, key: str) -> None:
    text = PROGRAM.replace("x * rate", "x").replace("title: Probe\n", "")
    path = tmp_path / "program.yaml"
    path.write_text(laughs(9) + f"{key}: *l8\n" + ("" if key == "title" else "title: t\n") + text)
    found = refusal(path)
    assert found.code == "yaml-too-large"
    assert (found.location.file, found.location.line) == (str(path), 7)


def test_an_anchor_inside_itself_is_refused(tmp_path: Path) -> None:
    found = refusal(program(tmp_path, tail="description: &d [*d]\n"))
    assert found.code == "yaml-too-large"


@pytest.mark.parametrize(
    ("tail", "line"),
    [("notices: " + "[" * 10_000 + "]" * 10_000 + "\n", 17),
     ("description:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1_000)), 17 + MAX_YAML_DEPTH - 1)],
    ids=["flow-10000-deep", "block-1000-deep"],
)  # fmt: skip
def test_deeply_nested_yaml_is_refused_where_it_passes_the_limit(
    tmp_path: Path, tail: str, line: int
) -> None:
    found = refusal(program(tmp_path, tail=tail))
    assert found.code == "yaml-too-deep"
    assert f"deeper than {MAX_YAML_DEPTH} levels" in found.message
    assert found.location.line == line


def test_a_policy_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    found = refusal(program(tmp_path, tail="# " + "x" * MAX_POLICY_BYTES + "\n"))
    assert (found.code, found.location.line) == ("too-large", 1)


def test_a_program_file_that_is_not_utf8_names_the_byte_line_and_column(tmp_path: Path) -> None:
    path = program(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"Probe", b"Pr\xe9be"))
    found = refusal(path)
    assert found.code == "not-utf8"
    assert (found.location.line, found.location.column) == (2, 10)
    assert "0xe9" in found.message


def test_a_section_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = program(tmp_path, tail="sections: [s.yaml]\n")
    (tmp_path / "s.yaml").write_bytes(b"section: s\ndescription: caf\xe9\n")
    found = refusal(path)
    assert (found.code, found.location.file, found.location.line) == ("not-utf8", str(tmp_path / "s.yaml"), 2)


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [("2025-01-01: {value", "2025-02-30: {value", 13),
     ("{value: 2, cite: act}", "{value: 2, cite: act, to: 2025-02-30}", 13)],
    ids=["period-key", "to"],
)  # fmt: skip
def test_an_impossible_date_is_refused_as_not_a_date(tmp_path: Path, old: str, new: str, line: int) -> None:
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM.replace("RULE", "x").replace(old, new))
    found = refusal(path)
    assert "is not an ISO date" in found.message
    assert found.location.line == line


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("x * " + "9" * 5_000, "number-out-of-range"),
        ("x * " + "9" * 5_000 + ".5", "number-out-of-range"),
        ("x + 9223372036854775808", "number-out-of-range"),
        ("'" + "not " * 2_000 + "true'", "formula-too-deep"),
        ("'" + "-" * 5_000 + "x'", "formula-too-deep"),
        ("'" + " + ".join(["x"] * 500) + "'", "formula-too-deep"),
        ("'" + " + ".join(["x"] * 250_000) + "'", "formula-too-long"),
    ],
    ids=["5000-digits", "5000-digit-decimal", "int64-max-plus-one", "not-2000-deep", "minus-5000-deep",
         "500-term-chain", "1mb-formula"],
)  # fmt: skip
def test_a_monstrous_formula_is_refused_at_its_rule(tmp_path: Path, rule: str, code: str) -> None:
    found = refusal(program(tmp_path, rule))
    assert found.code == code
    assert found.location.line == 15
    assert found.message.startswith("rule 'y': ")


def test_the_formula_limits_leave_room_for_real_rules() -> None:
    node = parse_formula(" + ".join(["x"] * 90) + " + 9223372036854775807")
    assert isinstance(node, ast.Arithmetic)
    with pytest.raises(FormulaSyntaxError) as caught:
        parse_formula("x" * (MAX_FORMULA_CHARS + 1))
    assert caught.value.code == "formula-too-long"
    assert parse_formula("(" * (MAX_FORMULA_DEPTH - 2) + "x" + ")" * (MAX_FORMULA_DEPTH - 2))


# Numbers at the edges: both paths refuse alike, with a coded problem naming the row or case ----


def paths(
    rule: str, x: str, sets: dict[str, str] | None = None, kind: str = "int", template: str = PROGRAM
) -> tuple[object, object]:
    """(vectorised, per-case) answers for y = `rule` at x: the output, or the refusal's code."""
    text = template.replace("RULE", repr(rule)).replace("x: {type: int}", f"x: {{type: {kind}}}")
    resolved = resolve(parse_program(text, Path("p.yaml")), dt.date(2025, 6, 1), sets)
    frame = pl.DataFrame({"id": ["a"], "x": [x]})
    answers: list[object] = []
    try:
        answers.append(evaluate_frame(resolved, validate(resolved, frame, "in.csv"), "in.csv").item(0, "y"))
    except InputError as error:
        assert str(error.problems[0]).startswith("in.csv: row 2 (id a), column y: rule 'y': ")
        answers.append(error.problems[0].code)
    try:
        answers.append(evaluate_one(resolved, {"id": "a", "x": x}, "case.json").outputs["y"])
    except InputError as error:
        assert str(error.problems[0]).startswith("case.json: case a, column y: rule 'y': ")
        answers.append(error.problems[0].code)
    return answers[0], answers[1]


@pytest.mark.parametrize(
    ("rule", "x", "sets", "kind", "expected"),
    [
        ("x * 2", str(2**63 - 1), None, "int", "int-overflow"),
        ("x * 2", str(2**62 - 1), None, "int", 2**63 - 2),
        ("x + rate", "1", {"rate": str(2**63 - 1)}, "int", "int-overflow"),
        ("x + rate", "0", {"rate": str(2**63 - 1)}, "int", 2**63 - 1),
        ("-x", str(-(2**63)), None, "int", "int-overflow"),
        ("abs(x)", str(-(2**63)), None, "int", "int-overflow"),
        ("floor(x)", "1e300", None, "float", "int-overflow"),
        ("x * x", "1e200", None, "float", "not-finite"),
        ("10 / x", "0", None, "int", "division-by-zero"),
        ("x / 0", "1.5", None, "float", "division-by-zero"),
        ("if x == 0 then -1 else 10 / x", "0", None, "int", -1.0),
    ],
    ids=["times-2-at-max", "times-2-below-max", "set-bonus-at-max", "set-bonus-fits", "minus-min", "abs-min",
         "floor-1e300", "float-overflow", "int-divided-by-zero", "float-divided-by-zero", "guarded-division"],
)  # fmt: skip
def test_both_paths_refuse_out_of_range_results_alike(
    rule: str, x: str, sets: dict[str, str] | None, kind: str, expected: object
) -> None:
    assert paths(rule, x, sets, kind) == (expected, expected)


GRID = PROGRAM.replace("{value: 2, cite: act}", "{value: 2, cite: act}\n  grid:\n    values:\n"
                       "      2025-01-01: {value: {brackets: {0: 1, 10: 2}}, cite: act}")  # fmt: skip


def test_an_overflow_inside_a_lookup_key_is_refused_by_both_paths_even_under_and() -> None:
    """The vectorised `and` must not let a False beside it hide the null of a failed key."""
    assert paths("grid[x * 2] > 1 and x < 0", str(2**62), kind="int, min: 0", template=GRID) == (
        "int-overflow",
        "int-overflow",
    )


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "99999999999999999999"])
def test_a_policy_value_that_is_not_a_finite_64_bit_number_is_refused(tmp_path: Path, value: str) -> None:
    path = program(tmp_path, "x")
    path.write_text(path.read_text().replace("{value: 2,", f"{{value: {value},"))
    found = refusal(path)
    assert (found.code, found.location.line) == ("number-out-of-range", 13)


@pytest.mark.parametrize(
    ("value", "kind", "default"),
    [("nan", "float", "2.5"), ("inf", "float", "2.5"), ("-inf", "float", "2.5"), ("1e999", "float", "2.5"),
     (str(2**63), "int", "2"), ("1.5", "int", "2")],
)  # fmt: skip
def test_a_scenario_value_that_is_not_a_finite_64_bit_number_is_refused(
    value: str, kind: str, default: str
) -> None:
    text = PROGRAM.replace("RULE", "x * rate").replace("value: 2,", f"value: {default},")
    with pytest.raises(PolicyError) as caught:
        resolve(parse_program(text, Path("p")), dt.date(2025, 6, 1), {"rate": value})
    assert caught.value.problems[0].code == "invalid-scenario-value"
    assert str(caught.value.problems[0]).startswith(f"--set rate: '{value}' is not a valid {kind}")
