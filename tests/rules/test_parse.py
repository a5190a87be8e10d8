"""The formula grammar: precedence, positions, and refusal of what it does not allow."""

from __future__ import annotations

import pytest

from statevisa.rules import ast
from statevisa.rules.parse import FormulaSyntaxError, parse_formula


def test_multiplication_binds_tighter_than_addition() -> None:
    node = parse_formula("1 + 2 * 3")
    assert isinstance(node, ast.Arithmetic) and node.op == "+"
    assert isinstance(node.right, ast.Arithmetic) and node.right.op == "*"


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    node = parse_formula("a or not b and c")
    assert isinstance(node, ast.Logic) and node.op == "or"
    right = node.operands[1]
    assert isinstance(right, ast.Logic) and right.op == "and"
    assert isinstance(right.operands[0], ast.Not)


def test_conditional_and_chained_lookup() -> None:
    node = parse_formula("if x > 1 then grid[with_spouse][age] else 0")
    assert isinstance(node, ast.Conditional)
    assert isinstance(node.then, ast.Lookup)
    assert node.then.table.id == "grid"
    assert [k.id for k in node.then.keys if isinstance(k, ast.Name)] == ["with_spouse", "age"]


def test_membership_takes_literals() -> None:
    node = parse_formula('education in ["masters", "doctorate"]')
    assert isinstance(node, ast.Member)
    assert [o.value for o in node.options] == ["masters", "doctorate"]


def test_numbers_allow_underscores_and_decimals() -> None:
    assert parse_formula("1_000") == ast.Number((1, 1), 1000)
    assert parse_formula("0.25") == ast.Number((1, 1), 0.25)


def test_names_that_start_with_keywords_are_names() -> None:
    node = parse_formula("index + order + not_x")
    assert ast.names_in(node) == {"index", "order", "not_x"}


def test_positions_point_into_the_formula() -> None:
    node = parse_formula("age >= offerd_wage")
    assert isinstance(node, ast.Compare)
    assert node.right.pos == (1, 8)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("1 +", "ends too early", 3),
        ("a b", "unexpected 'b'", 3),
        ("a $ b", "unexpected character '$'", 3),
        ("x in y", "unexpected 'y'", 6),
        ("if a then b", "ends too early", 11),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(FormulaSyntaxError) as caught:
        parse_formula(text)
    assert message in caught.value.message
    assert caught.value.column == column


def test_python_is_not_accepted() -> None:
    with pytest.raises(FormulaSyntaxError):
        parse_formula("__import__('os').system('true')")
