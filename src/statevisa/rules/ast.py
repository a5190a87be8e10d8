"""The expression tree of a rule formula.

Formulas are parsed once into these frozen nodes; both compilers (Polars and
per-case) walk the same tree, which is why the two paths cannot drift apart.
Every node keeps its position inside the formula text for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass

Position = tuple[int, int]
"""(line, column) inside the formula text, both 1-based."""


@dataclass(frozen=True)
class Node:
    """Base of every expression node."""

    pos: Position


@dataclass(frozen=True)
class Number(Node):
    value: int | float


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Name(Node):
    """A reference to an input, a parameter or another rule."""

    id: str


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arithmetic(Node):
    """``+ - * /`` chained left to right."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    """``== != < <= > >=`` between two operands (no chaining)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logic(Node):
    """``and`` / ``or`` over two or more operands."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Member(Node):
    """``x in ["a", "b"]``: membership in a literal list."""

    operand: Node
    options: tuple[Number | String, ...]


@dataclass(frozen=True)
class Conditional(Node):
    """``if test then a else b``."""

    test: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call(Node):
    """A built-in function: min, max, clip, sum, abs, floor, ceil, date."""

    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Lookup(Node):
    """``table[key]...``: a parameter table looked up by one or more keys."""

    table: Name
    keys: tuple[Node, ...]


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of `node` (a lookup's table name included)."""
    if isinstance(node, Negate | Not | Member):
        return (node.operand,)
    if isinstance(node, Arithmetic | Compare):
        return (node.left, node.right)
    if isinstance(node, Logic):
        return node.operands
    if isinstance(node, Conditional):
        return (node.test, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Lookup):
        return (node.table, *node.keys)
    return ()


def names_in(node: Node) -> set[str]:
    """Every name a formula refers to (lookup tables included)."""
    return set(ordered_names(node))


def ordered_names(node: Node) -> list[str]:
    """The names a formula refers to, in the order they are written, each once."""
    found: list[tuple[Position, str]] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            found.append((current.pos, current.id))
        stack.extend(children(current))
    return list(dict.fromkeys(name for _, name in sorted(found)))
