"""Compile formulas to Polars expressions: the whole population in one pass.

Rules become columns, computed layer by layer (a layer only needs inputs and
earlier layers), so each rule is computed once and Polars runs a layer's
expressions in parallel. Table lookups become gathers from literal arrays
(enum keys by their physical index, numeric keys by binary search), never a
Python loop over people.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from statevisa.rules import ast
from statevisa.rules.model import Brackets, Kind, Program, Scalar, Shape, Table, Type
from statevisa.rules.resolve import Resolved

DENSE_LIMIT = 10_000
"""Widest range of whole-number bracket bounds looked up through a dense array."""

COMPARE: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
ARITHMETIC: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}  # fmt: skip


def dtype_of(type_: Type) -> pl.DataType:
    """The Polars dtype that holds values of `type_`."""
    match type_.kind:
        case Kind.INT:
            return pl.Int64()
        case Kind.FLOAT:
            return pl.Float64()
        case Kind.BOOL:
            return pl.Boolean()
        case Kind.ENUM:
            return pl.Enum(list(type_.values))
        case Kind.DATE:
            return pl.Date()
        case Kind.STRING:
            return pl.String()


class Compiler:
    """Compiles the rules of one resolved program."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.program: Program = resolved.program

    def rule(self, name: str) -> pl.Expr:
        rule = self.program.rules[name]
        return self.expr(rule.node).cast(dtype_of(self.program.types[name])).alias(name)

    def expr(self, node: ast.Node) -> pl.Expr:
        if isinstance(node, ast.Number | ast.String | ast.Boolean):
            return pl.lit(node.value)
        if isinstance(node, ast.Name):
            if node.id == "on":
                return pl.lit(self.resolved.on)
            if node.id in self.program.parameters:
                return pl.lit(self.resolved.scalar(node.id))
            return pl.col(node.id)
        if isinstance(node, ast.Negate):
            return -self.expr(node.operand)
        if isinstance(node, ast.Not):
            return ~self.expr(node.operand)
        if isinstance(node, ast.Logic):
            parts = [self.expr(operand) for operand in node.operands]
            return pl.all_horizontal(parts) if node.op == "and" else pl.any_horizontal(parts)
        if isinstance(node, ast.Arithmetic):
            return ARITHMETIC[node.op](self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.Compare):
            return COMPARE[node.op](self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.Member):
            return self.expr(node.operand).is_in([option.value for option in node.options])
        if isinstance(node, ast.Conditional):
            return (
                pl.when(self.expr(node.test)).then(self.expr(node.then)).otherwise(self.expr(node.otherwise))
            )
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Lookup):
            shape = self.resolved.values[node.table.id].shape
            return self.lookup(shape, list(node.keys))
        raise AssertionError(f"unknown node {node!r}")

    def call(self, node: ast.Call) -> pl.Expr:
        if node.function == "date":
            literal = node.args[0]
            assert isinstance(literal, ast.String)
            return pl.lit(dt.date.fromisoformat(literal.value))
        args = [self.expr(arg) for arg in node.args]
        match node.function:
            case "days_between":
                return (args[1] - args[0]).dt.total_days().cast(pl.Int64)
            case "year":
                return args[0].dt.year().cast(pl.Int64)
            case "min":
                return pl.min_horizontal(args)
            case "max":
                return pl.max_horizontal(args)
            case "sum":
                return pl.sum_horizontal(args)
            case "clip":
                return pl.max_horizontal(args[1], pl.min_horizontal(args[0], args[2]))
            case "abs":
                return args[0].abs()
            case "floor":
                return args[0].floor().cast(pl.Int64)
            case "ceil":
                return args[0].ceil().cast(pl.Int64)
        raise AssertionError(f"unknown function {node.function}")

    def lookup(self, shape: Shape, keys: list[ast.Node]) -> pl.Expr:
        """A table lookup: one gather from the flattened table when its branches share a
        structure (the usual case), else a when/then over the branches."""
        flat = self.flat_lookup(shape, keys)
        if flat is not None:
            return flat
        if not keys:
            assert isinstance(shape, Scalar)
            return pl.lit(shape.value)
        key, rest = keys[0], keys[1:]
        if isinstance(shape, Brackets):
            index, _, expand = self.bracket_index(shape.bounds, key)
            by_bracket = [self.lookup(sub, rest) for sub in shape.shapes]
            return _chain([(index == position, by_bracket[b]) for position, b in enumerate(expand)])
        assert isinstance(shape, Table)
        index, order = self.table_index(key)
        return _chain([(index == i, self.lookup(shape.get(k), rest)) for i, k in enumerate(order)])

    def flat_lookup(self, shape: Shape, keys: list[ast.Node]) -> pl.Expr | None:
        """Index = sum of key index * stride over the row-major flattened table; None if not uniform."""
        level: list[Shape] = [shape]
        combined: pl.Expr | None = None
        for key in keys:
            first = level[0]
            if isinstance(first, Brackets):
                if not all(isinstance(s, Brackets) and s.bounds == first.bounds for s in level):
                    return None
                index, size, expand = self.bracket_index(first.bounds, key)
                level = [s.shapes[b] for s in level if isinstance(s, Brackets) for b in expand]
            elif isinstance(first, Table):
                if not all(isinstance(s, Table) for s in level):
                    return None
                index, order = self.table_index(key)
                size = len(order)
                level = [s.get(k) for s in level if isinstance(s, Table) for k in order]
            else:
                return None
            combined = index if combined is None else combined * size + index
        if combined is None or not all(isinstance(s, Scalar) for s in level):
            return None
        return pl.lit(_series([_leaf(s) for s in level])).gather(combined)

    def table_index(self, key: ast.Node) -> tuple[pl.Expr, tuple[str, ...]]:
        """Position of the key among the table's keys, in enum order (or true, false)."""
        key_type = self.program.key_types[key]
        if key_type.kind is Kind.BOOL:
            return pl.when(self.expr(key)).then(0).otherwise(1).cast(pl.Int64), ("true", "false")
        enum = pl.Enum(list(key_type.values))
        return self.expr(key).cast(enum).to_physical().cast(pl.Int64), key_type.values

    def bracket_index(self, bounds: tuple[float, ...], key: ast.Node) -> tuple[pl.Expr, int, list[int]]:
        """(index expression, number of positions, bracket of each position).

        Whole-number keys over a short range index a dense array of every whole value
        (a subtraction and a clip); other keys use a binary search over the bounds.
        Values below the first bound give null, which evaluation reports.
        """
        value = self.expr(key)
        low, high = bounds[0], bounds[-1]
        whole = all(float(b).is_integer() for b in bounds)
        if self.program.key_types[key].kind is Kind.INT and whole and high - low <= DENSE_LIMIT:
            span = int(high - low)
            expand = [max(i for i, b in enumerate(bounds) if b <= low + j) for j in range(span + 1)]
            index = pl.when(value >= low).then((value - int(low)).clip(0, span)).otherwise(None)
            return index.cast(pl.Int64), span + 1, expand
        found = (
            pl.lit(pl.Series(bounds, dtype=pl.Float64))
            .search_sorted(value.cast(pl.Float64), side="right")
            .cast(pl.Int64)
            - 1
        )
        return pl.when(found >= 0).then(found).otherwise(None), len(bounds), list(range(len(bounds)))


def _chain(branches: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """``when c1 then v1 when c2 then v2 ... otherwise null``."""
    (first_test, first_value), rest = branches[0], branches[1:]
    chained: Then | ChainedThen = pl.when(first_test).then(first_value)
    for test, value in rest:
        chained = chained.when(test).then(value)
    return chained.otherwise(None)


def _series(values: list[int | float | bool | str]) -> pl.Series:
    """Leaf values as one Series: whole and decimal numbers mixed become decimals."""
    if any(isinstance(v, float) for v in values) and all(isinstance(v, int | float) for v in values):
        return pl.Series([float(v) for v in values], dtype=pl.Float64)
    return pl.Series(values)


def _leaf(shape: Shape) -> int | float | bool | str:
    assert isinstance(shape, Scalar)
    return shape.value


def compile_frame(resolved: Resolved, frame: pl.LazyFrame, outputs: tuple[str, ...]) -> pl.LazyFrame:
    """Add every rule as a column, layer by layer, and keep `id` plus `outputs`."""
    compiler = Compiler(resolved)
    for layer in resolved.program.layers:
        frame = frame.with_columns([compiler.rule(name) for name in layer])
    return frame.select("id", *outputs)
