"""Integer ranges of formulas, so the vectorised path checks for overflow only where it can happen.

Polars wraps int64 silently, so `to_polars` flags rows whose arithmetic left the range. Most
formulas add table points and capped counts whose range is known from the policy file; proving
them safe here keeps the checks off the hot path (they cost 7x on the CRS grid otherwise).
The answer is conservative: None means "not proved", never "unsafe".
"""

from __future__ import annotations

from statevisa.rules import ast
from statevisa.rules.model import Brackets, Kind, Scalar, Shape, Table
from statevisa.rules.resolve import Resolved

Range = tuple[int, int]
INT64 = (-(2**63), 2**63 - 1)
PRODUCT_SAFE = 2**62
"""Products are checked in float64 too (`to_polars.PRODUCT_LIMIT`); below 2**62 that check cannot fire."""


def fits(found: Range, limit: Range = INT64) -> bool:
    return limit[0] <= found[0] and found[1] <= limit[1]


class Bounds:
    """Integer ranges of nodes of one resolved program; rule ranges are remembered."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.program = resolved.program
        self.rules: dict[str, Range | None] = {}

    def of(self, node: ast.Node) -> Range | None:
        if isinstance(node, ast.Boolean):
            return None
        if isinstance(node, ast.Number):
            return (node.value, node.value) if isinstance(node.value, int) else None
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Negate):
            inner = self.of(node.operand)
            return self.safe((-inner[1], -inner[0])) if inner else None
        if isinstance(node, ast.Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, ast.Conditional):
            then, otherwise = self.of(node.then), self.of(node.otherwise)
            return (min(then[0], otherwise[0]), max(then[1], otherwise[1])) if then and otherwise else None
        if isinstance(node, ast.Call) and node.function in ("min", "max") and node.args:
            ranges = [self.of(arg) for arg in node.args]
            if any(r is None for r in ranges):
                return None
            known = [r for r in ranges if r is not None]
            pick = min if node.function == "min" else max
            return (pick(r[0] for r in known), pick(r[1] for r in known))
        if isinstance(node, ast.Lookup):
            return leaves(self.resolved.values[node.table.id].shape)
        return None

    def arithmetic(self, node: ast.Arithmetic) -> Range | None:
        left, right = self.of(node.left), self.of(node.right)
        if left is None or right is None or node.op == "/":
            return None
        if node.op == "+":
            return self.safe((left[0] + right[0], left[1] + right[1]))
        if node.op == "-":
            return self.safe((left[0] - right[1], left[1] - right[0]))
        corners = [a * b for a in left for b in right]
        found = (min(corners), max(corners))
        return found if fits(found, (-PRODUCT_SAFE, PRODUCT_SAFE)) else None

    def safe(self, found: Range) -> Range | None:
        return found if fits(found) else None

    def name(self, name: str) -> Range | None:
        if name in self.program.parameters:
            shape = self.resolved.values[name].shape
            return leaves(shape) if isinstance(shape, Scalar) else None
        if name in self.program.inputs:
            spec = self.program.inputs[name]
            if spec.type.kind is not Kind.INT or spec.minimum is None or spec.maximum is None:
                return None
            return (int(spec.minimum), int(spec.maximum))
        if name in self.program.rules:
            if name not in self.rules:
                self.rules[name] = None  # a cycle cannot happen in a checked program; be safe anyway
                kind = self.program.types[name].kind
                self.rules[name] = self.of(self.program.rules[name].node) if kind is Kind.INT else None
            return self.rules[name]
        return None


def leaves(shape: Shape) -> Range | None:
    """The range of a table's integer leaves, or None when any leaf is not an integer."""
    if isinstance(shape, Scalar):
        value = shape.value
        return (value, value) if isinstance(value, int) and not isinstance(value, bool) else None
    children = [child for _, child in shape.entries] if isinstance(shape, Table) else list(shape.shapes)
    assert isinstance(shape, Table | Brackets)
    ranges = [leaves(child) for child in children]
    if not ranges or any(r is None for r in ranges):
        return None
    known = [r for r in ranges if r is not None]
    return (min(r[0] for r in known), max(r[1] for r in known))
