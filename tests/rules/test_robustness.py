"""Bad policy text never crashes the engine: every failure is a PolicyError with a position."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from statevisa.errors import PolicyError
from statevisa.rules import ast
from statevisa.rules.load import parse_program
from statevisa.rules.parse import FormulaSyntaxError, parse_formula

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
        assert error.message.startswith("syntax error")
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
