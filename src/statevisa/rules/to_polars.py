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
        if not keys:
            assert isinstance(shape, Scalar)
            return pl.lit(shape.value)
        key, rest = keys[0], keys[1:]
        key_type = self.program.key_types[key]
        if isinstance(shape, Brackets):
            return self.brackets(shape, key, rest)
        assert isinstance(shape, Table)
        if key_type.kind is Kind.BOOL:
            return (
                pl.when(self.expr(key))
                .then(self.lookup(shape.get("true"), rest))
                .otherwise(self.lookup(shape.get("false"), rest))
            )
        ordered = [shape.get(value) for value in key_type.values]
        physical = self.expr(key).cast(pl.Enum(list(key_type.values))).to_physical()
        if all(isinstance(sub, Scalar) for sub in ordered):
            return pl.lit(pl.Series([_leaf(sub) for sub in ordered])).gather(physical)
        return _chain([(physical == i, self.lookup(sub, rest)) for i, sub in enumerate(ordered)])

    def brackets(self, shape: Brackets, key: ast.Node, rest: list[ast.Node]) -> pl.Expr:
        index = (
            pl.lit(pl.Series(shape.bounds, dtype=pl.Float64))
            .search_sorted(self.expr(key).cast(pl.Float64), side="right")
            .cast(pl.Int64)
            - 1
        )
        if all(isinstance(sub, Scalar) for sub in shape.shapes) and not rest:
            values = pl.lit(pl.Series([_leaf(sub) for sub in shape.shapes]))
            return pl.when(index >= 0).then(values.gather(index.clip(0))).otherwise(None)
        return _chain([(index == i, self.lookup(sub, rest)) for i, sub in enumerate(shape.shapes)])


def _chain(branches: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
    """``when c1 then v1 when c2 then v2 ... otherwise null``."""
    (first_test, first_value), rest = branches[0], branches[1:]
    chained: Then | ChainedThen = pl.when(first_test).then(first_value)
    for test, value in rest:
        chained = chained.when(test).then(value)
    return chained.otherwise(None)


def _leaf(shape: Shape) -> int | float | bool | str:
    assert isinstance(shape, Scalar)
    return shape.value


def compile_frame(resolved: Resolved, frame: pl.LazyFrame, outputs: tuple[str, ...]) -> pl.LazyFrame:
    """Add every rule as a column, layer by layer, and keep `id` plus `outputs`."""
    compiler = Compiler(resolved)
    for layer in resolved.program.layers:
        frame = frame.with_columns([compiler.rule(name) for name in layer])
    return frame.select("id", *outputs)
