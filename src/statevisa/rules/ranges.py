"""What values a formula can take, found before evaluation: the vectorised path's shortcut.

Both paths refuse a whole number outside 64 bits, a decimal that is not finite and a division
by zero (see `rules.evaluate.Refused`). Checking every operation costs the vectorised path
(Int128 arithmetic, null guards), yet most operations cannot fail: points looked up in a table
and added up stay small. An interval of every node (inputs by their declared bounds or their
type's range, parameters by their value on the date, tables by their leaves) shows which
operations are safe; only the others are checked. The intervals are sound (wider than the
truth), so a skipped check is one that could never fire.
"""

from __future__ import annotations

import math

from statevisa.rules import ast
from statevisa.rules.model import Kind, leaves
from statevisa.rules.resolve import Resolved

Interval = tuple[float, float]
WHOLE_SAFE = 2.0**62
"""A whole-number result whose interval stays within ±2**62 cannot leave 64 bits."""
DECIMAL_SAFE = 1e300
"""A decimal result within ±1e300 is finite."""
ANY: Interval = (-math.inf, math.inf)
INT64: Interval = (-(2.0**63), 2.0**63)
DAYS = 3_652_059.0
"""Days between 0001-01-01 and 9999-12-31."""


class Ranges:
    """Intervals of the nodes of one resolved program (rules memoised)."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.program = resolved.program
        self.rules: dict[str, Interval] = {}

    def of(self, node: ast.Node) -> Interval:
        if isinstance(node, ast.Number):
            return (float(node.value), float(node.value))
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.Negate):
            low, high = self.of(node.operand)
            return (-high, -low)
        if isinstance(node, ast.Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, ast.Conditional):
            return _hull(self.of(node.then), self.of(node.otherwise))
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Lookup):
            shape = self.resolved.values[node.table.id].shape
            values = [float(v) for v in leaves(shape) if isinstance(v, int | float) and _numeric(v)]
            return (min(values), max(values)) if values else ANY
        return ANY

    def name(self, name: str) -> Interval:
        if name in self.program.parameters:
            value = self.resolved.scalar(name)
            return (float(value), float(value)) if _numeric(value) else ANY
        if name in self.program.inputs:
            spec = self.program.inputs[name]
            if spec.type.kind not in (Kind.INT, Kind.FLOAT):
                return ANY
            default = INT64 if spec.type.kind is Kind.INT else ANY
            low = default[0] if spec.minimum is None else spec.minimum
            high = default[1] if spec.maximum is None else spec.maximum
            return (low, high)
        if name in self.program.rules:
            if name not in self.rules:
                self.rules[name] = ANY  # no cycles (checked at load); a guard all the same
                self.rules[name] = self.of(self.program.rules[name].node)
            return self.rules[name]
        return ANY

    def arithmetic(self, node: ast.Arithmetic) -> Interval:
        (a, b), (c, d) = self.of(node.left), self.of(node.right)
        if node.op == "+":
            return (a + c, b + d)
        if node.op == "-":
            return (a - d, b - c)
        if node.op == "*":
            products = [_times(x, y) for x in (a, b) for y in (c, d)]
            return (min(products), max(products))
        if c > 0 or d < 0:  # a division by a number that cannot be zero
            smallest = min(abs(c), abs(d))
            top = max(abs(a), abs(b)) / smallest
            return (-top, top)
        return ANY

    def call(self, node: ast.Call) -> Interval:
        if node.function == "year":
            return (1.0, 9999.0)
        if node.function == "days_between":
            return (-DAYS, DAYS)
        if node.function == "date":
            return ANY
        parts = [self.of(arg) for arg in node.args]
        match node.function:
            case "min":
                return (min(p[0] for p in parts), min(p[1] for p in parts))
            case "max":
                return (max(p[0] for p in parts), max(p[1] for p in parts))
            case "sum":
                return (sum(p[0] for p in parts), sum(p[1] for p in parts))
            case "abs":
                low, high = parts[0]
                return (0.0 if low <= 0 <= high else min(abs(low), abs(high)), max(abs(low), abs(high)))
            case "floor" | "ceil":
                return (math.floor(parts[0][0]) if math.isfinite(parts[0][0]) else parts[0][0],
                        math.ceil(parts[0][1]) if math.isfinite(parts[0][1]) else parts[0][1])  # fmt: skip
        return _hull(*parts)

    def safe(self, node: ast.Node, whole: bool) -> bool:
        """Whether `node`'s own operation cannot overflow, divide by zero or leave the finite range."""
        low, high = self.of(node)
        return max(abs(low), abs(high)) < (WHOLE_SAFE if whole else DECIMAL_SAFE)

    def above(self, node: ast.Node, bound: float) -> bool:
        """Whether `node` is always at least `bound` (a bracket lookup cannot fall below it)."""
        return self.of(node)[0] >= bound


def _times(x: float, y: float) -> float:
    return 0.0 if x == 0 or y == 0 else x * y  # 0 * inf is 0 here: a zero factor bounds the product


def _hull(*parts: Interval) -> Interval:
    return (min(p[0] for p in parts), max(p[1] for p in parts)) if parts else ANY


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
