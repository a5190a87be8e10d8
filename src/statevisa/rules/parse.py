"""Parse a formula into the expression tree (`statevisa.rules.ast`).

A Lark LALR grammar, never ``eval``: a formula can only say what the grammar
allows (arithmetic, comparisons, and/or/not, if/then/else, membership,
built-in functions and table lookups).
"""

from __future__ import annotations

import math
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from statevisa.rules import ast

GRAMMAR = r"""
?start: expr

?expr: "if" expr "then" expr "else" expr      -> conditional
     | or_test

?or_test: and_test (_OR and_test)*
?and_test: not_test (_AND not_test)*
?not_test: _NOT not_test                       -> not_
         | comparison
?comparison: sum COMPARE sum                   -> compare
           | sum _IN literal_list              -> member
           | sum
?sum: product (ADD product)*
?product: unary (MUL unary)*
?unary: "-" unary                              -> negate
      | postfix
?postfix: atom ("[" expr "]")+                 -> lookup
        | atom
?atom: NUMBER                                  -> number
     | STRING                                  -> string
     | _TRUE                                   -> true
     | _FALSE                                  -> false
     | NAME "(" [expr ("," expr)*] ")"         -> call
     | NAME                                    -> name
     | "(" expr ")"

literal_list: "[" [literal ("," literal)*] "]"
?literal: NUMBER                               -> number
        | "-" NUMBER                           -> negative_number
        | STRING                               -> string

_OR.2: /or\b/
_AND.2: /and\b/
_NOT.2: /not\b/
_IN.2: /in\b/
_TRUE.2: /true\b/
_FALSE.2: /false\b/
COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADD: "+" | "-"
MUL: "*" | "/"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
NUMBER: /[0-9][0-9_]*(\.[0-9_]+)?/
STRING: /"[^"\n]*"/ | /'[^'\n]*'/
COMMENT: /#[^\n]*/

%import common.WS
%ignore WS
%ignore COMMENT
"""

MAX_FORMULA_CHARS = 10_000
"""The longest formula accepted. The longest shipped formula is under 1,000 characters; the
parser and both compilers are linear in the text, but a megabyte formula is no rule of law and
would take seconds to check."""
MAX_FORMULA_DEPTH = 100
"""Deepest nesting of a formula (``not not ...``, ``-(-(...))``, parentheses, and each operator
of a chain ``a + b + ...`` counts one level). The checker and both evaluators walk the tree by
recursion, so a formula 5,000 levels deep would exhaust the Python stack; the shipped formulas
nest under 20 levels."""
INT64_MAX = 2**63 - 1
"""Whole numbers are 64-bit in both evaluators (Polars Int64), so literals must fit."""

KEYWORDS = frozenset({"if", "then", "else", "and", "or", "not", "in", "true", "false"})


class FormulaSyntaxError(Exception):
    """A formula that does not parse; `line` and `column` are inside the formula."""

    def __init__(self, message: str, line: int, column: int, code: str = "formula-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.code = code


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse_formula(text: str) -> ast.Node:
    """Parse `text` or raise `FormulaSyntaxError` with a readable message and position.

    Formulas longer than MAX_FORMULA_CHARS or nested deeper than MAX_FORMULA_DEPTH are refused
    before anything recurses over them.
    """
    if len(text) > MAX_FORMULA_CHARS:
        message = f"the formula is {len(text):,} characters long (limit {MAX_FORMULA_CHARS:,})"
        raise FormulaSyntaxError(message, 1, 1, "formula-too-long")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise FormulaSyntaxError(_describe(error, text), error.line, error.column) from None
    _check_depth(tree)
    return _convert(tree)


CHAINS = frozenset({"sum", "product", "or_test", "and_test"})


def _check_depth(tree: Tree[Token]) -> None:
    """Refuse a tree nested deeper than MAX_FORMULA_DEPTH, at the node that passes the limit.

    Walks with an explicit stack (the tree may be thousands deep); a chain of n operands
    counts n - 1 levels, as the left-nested tree it becomes does.
    """
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        below = depth + 1 + (len(node.children) // 2 if node.data in CHAINS else 0)
        if depth > MAX_FORMULA_DEPTH:
            line, column = _pos(node)
            message = f"the formula is nested deeper than {MAX_FORMULA_DEPTH} levels"
            raise FormulaSyntaxError(message, line, column, "formula-too-deep")
        stack.extend((child, below) for child in node.children if isinstance(child, Tree))


def _describe(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedEOF):
        return "syntax error: the formula ends too early"
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        return f"syntax error: unexpected character {text[position]!r}"
    if isinstance(error, UnexpectedToken):
        if error.token.type == "$END":
            return "syntax error: the formula ends too early"
        return f"syntax error: unexpected {str(error.token)!r}"
    return "syntax error"


def _pos(item: Tree[Token] | Token) -> ast.Position:
    if isinstance(item, Token):
        return (item.line or 1, item.column or 1)
    return (item.meta.line, item.meta.column) if not item.meta.empty else (1, 1)


def _number(token: Token, sign: int = 1) -> ast.Number:
    """A literal; a whole number beyond 64 bits or a decimal beyond the float range is refused."""
    raw = str(token).replace("_", "")
    if "." in raw:
        number = float(raw)
        if not math.isfinite(number):
            raise FormulaSyntaxError(
                f"the number {_cut(raw)} is too large for a decimal", *_pos(token), "number-out-of-range"
            )
        return ast.Number(_pos(token), sign * number)
    digits = raw.lstrip("0") or "0"
    if len(digits) > 19 or int(digits) > INT64_MAX + (sign < 0):
        raise FormulaSyntaxError(
            f"the number {_cut(raw)} is beyond the 64-bit range of whole numbers (at most {INT64_MAX:,})",
            *_pos(token),
            "number-out-of-range",
        )
    return ast.Number(_pos(token), sign * int(digits))


def _cut(raw: str) -> str:
    return raw if len(raw) <= 24 else f"{raw[:20]}… ({len(raw):,} digits)"


def _convert(item: Tree[Token] | Token) -> ast.Node:
    """Turn a Lark tree into `ast` nodes (one branch per grammar alternative)."""
    if isinstance(item, Token):
        raise AssertionError(f"unexpected bare token {item!r}")
    kind, children, pos = item.data, item.children, _pos(item)
    if kind == "number":
        return _number(_token(children[0]))
    if kind == "negative_number":
        return _number(_token(children[0]), -1)
    if kind == "string":
        return ast.String(pos, str(children[0])[1:-1])
    if kind in ("true", "false"):
        return ast.Boolean(pos, kind == "true")
    if kind == "name":
        return _name(_token(children[0]))
    if kind == "negate":
        return ast.Negate(pos, _convert(children[0]))
    if kind == "not_":
        return ast.Not(pos, _convert(children[0]))
    if kind in ("sum", "product"):
        node = _convert(children[0])
        for op, right in zip(children[1::2], children[2::2], strict=True):
            node = ast.Arithmetic(_pos(op), str(op), node, _convert(right))
        return node
    if kind == "compare":
        left, op, right = children
        return ast.Compare(_pos(op), str(op), _convert(left), _convert(right))
    if kind in ("or_test", "and_test"):
        return ast.Logic(pos, "or" if kind == "or_test" else "and", tuple(map(_convert, children)))
    if kind == "member":
        operand, options = children
        assert isinstance(options, Tree)
        literals = tuple(_convert(option) for option in options.children)
        return ast.Member(pos, _convert(operand), tuple(_literal(lit) for lit in literals))
    if kind == "conditional":
        test, then, otherwise = map(_convert, children)
        return ast.Conditional(pos, test, then, otherwise)
    if kind == "call":
        function = _token(children[0])
        return ast.Call(_pos(function), str(function), tuple(map(_convert, children[1:])))
    if kind == "lookup":
        table = _convert(children[0])
        if not isinstance(table, ast.Name):
            raise FormulaSyntaxError("syntax error: only a parameter table can be looked up", *pos)
        return ast.Lookup(pos, table, tuple(map(_convert, children[1:])))
    raise AssertionError(f"unknown grammar rule {kind}")


def _token(item: Tree[Token] | Token) -> Token:
    assert isinstance(item, Token)
    return item


def _name(token: Token) -> ast.Name:
    if str(token) in KEYWORDS:
        raise FormulaSyntaxError(f"syntax error: unexpected keyword {str(token)!r}", *_pos(token))
    return ast.Name(_pos(token), str(token))


def _literal(node: ast.Node) -> ast.Number | ast.String:
    assert isinstance(node, ast.Number | ast.String)
    return node
