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
from statevisa.rules.model import Brackets, Kind, Program, Scalar, Shape, Table, Type, leaves, subshapes
from statevisa.rules.ranges import Ranges
from statevisa.rules.resolve import Resolved

INT128 = pl.Int128()
DENSE_LIMIT = 10_000
"""Widest range of whole-number bracket bounds looked up through a dense array."""
EXACT = 2.0**53
"""Whole numbers up to this size compare the same as Python ints and as floats."""

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
        case Kind.TAGS:
            return pl.List(pl.String())


class Compiler:
    """Compiles the rules of one resolved program.

    Arithmetic is checked as in the per-case path: a whole-number result outside 64 bits
    (computed in Int128, so it cannot wrap) and a decimal result that is not finite (a
    division by zero, an overflow) become null. A null poisons every expression above it
    (a test, an ``and``, ``min``, a lookup key all give null), so an output that needed it is
    null, and `evaluate_frame` asks the per-case path why: both paths refuse the same rows
    with the same problem.
    """

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.program: Program = resolved.program
        self.failing: dict[str, bool] = {}
        self.ranges = Ranges(resolved)

    def rule(self, name: str) -> pl.Expr:
        rule = self.program.rules[name]
        return self.expr(rule.node).cast(dtype_of(self.program.types[name]), strict=False).alias(name)

    def is_int(self, node: ast.Node) -> bool:
        """Whether `node` computes a whole number on this date (as the per-case path's Python value)."""
        if isinstance(node, ast.Number):
            return isinstance(node.value, int)
        if isinstance(node, ast.Name):
            if node.id in self.program.parameters:
                value = self.resolved.scalar(node.id)
                return isinstance(value, int) and not isinstance(value, bool)
            found = self.program.inputs[node.id].type if node.id in self.program.inputs else None
            return (found or self.program.types.get(node.id)) == Type(Kind.INT)
        if isinstance(node, ast.Negate):
            return self.is_int(node.operand)
        if isinstance(node, ast.Arithmetic):
            return node.op != "/" and self.is_int(node.left) and self.is_int(node.right)
        if isinstance(node, ast.Conditional):
            return self.is_int(node.then) and self.is_int(node.otherwise)
        if isinstance(node, ast.Call):
            if node.function in ("floor", "ceil", "year", "days_between"):
                return True
            return node.function != "date" and all(self.is_int(arg) for arg in node.args)
        if isinstance(node, ast.Lookup):
            values = leaves(self.resolved.values[node.table.id].shape)
            return all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        return False

    def fails(self, node: ast.Node) -> bool:
        """Whether the operation of `node` itself can fail (an overflow, a division by zero, a
        key below every bracket), as far as `rules.ranges` can tell."""
        if isinstance(node, ast.Arithmetic | ast.Negate):
            return not self.ranges.safe(node, self.is_int(node))
        if isinstance(node, ast.Call) and node.function in ("sum", "abs", "floor", "ceil"):
            return not self.ranges.safe(node, True)
        if isinstance(node, ast.Lookup):
            level: list[Shape] = [self.resolved.values[node.table.id].shape]
            for key in node.keys:
                firsts = {s.bounds[0] for s in level if isinstance(s, Brackets)}
                if any(not self.ranges.above(key, first) for first in firsts):
                    return True
                inner = {id(sub): sub for s in level if not isinstance(s, Scalar) for sub in subshapes(s)}
                level = list(inner.values())
        return False

    def may_fail(self, node: ast.Node) -> bool:
        """Whether `node` can be null: an operation in it that can fail (see `fails`)."""
        stack = [node]
        while stack:
            current = stack.pop()
            if self.fails(current):
                return True
            if isinstance(current, ast.Name) and current.id in self.program.rules:
                if current.id not in self.failing:
                    self.failing[current.id] = False  # a cycle is impossible (checked at load)
                    self.failing[current.id] = self.may_fail(self.program.rules[current.id].node)
                if self.failing[current.id]:
                    return True
            stack.extend(ast.children(current))
        return False

    def arithmetic(self, node: ast.Arithmetic) -> pl.Expr:
        left, right = self.expr(node.left), self.expr(node.right)
        if not self.fails(node):
            return ARITHMETIC[node.op](left, right)
        if node.op != "/" and self.is_int(node):
            return _whole(ARITHMETIC[node.op](left.cast(INT128), right.cast(INT128)))
        if node.op == "/":
            left, right = left.cast(pl.Float64), right.cast(pl.Float64)
        return _finite(ARITHMETIC[node.op](left, right))

    def logic(self, node: ast.Logic) -> pl.Expr:
        """``and``/``or`` as the per-case path reads them: left to right, stopping at the first
        operand that decides; a null before that is the answer (Kleene logic would hide it)."""
        parts = [self.expr(operand) for operand in node.operands]
        if not any(self.may_fail(operand) for operand in node.operands):
            return pl.all_horizontal(parts) if node.op == "and" else pl.any_horizontal(parts)
        decides = node.op == "or"
        result = parts[-1]
        for part in reversed(parts[:-1]):
            result = (
                pl.when(part.is_null())
                .then(None)
                .when(part == decides)
                .then(pl.lit(decides))
                .otherwise(result)
            )
        return result

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
            if self.is_int(node.operand) and self.fails(node):
                return _whole(pl.lit(0, INT128) - self.expr(node.operand).cast(INT128))
            return -self.expr(node.operand)
        if isinstance(node, ast.Not):
            return ~self.expr(node.operand)
        if isinstance(node, ast.Logic):
            return self.logic(node)
        if isinstance(node, ast.Arithmetic):
            return self.arithmetic(node)
        if isinstance(node, ast.Compare):
            return COMPARE[node.op](self.expr(node.left), self.expr(node.right))
        if isinstance(node, ast.Member):
            return self.expr(node.operand).is_in([option.value for option in node.options])
        if isinstance(node, ast.Conditional):
            test = self.expr(node.test)
            chosen = pl.when(test).then(self.expr(node.then)).otherwise(self.expr(node.otherwise))
            return (
                pl.when(test.is_null()).then(None).otherwise(chosen) if self.may_fail(node.test) else chosen
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
        if node.function == "has_any":
            tags = [tag.value for tag in node.args[1:] if isinstance(tag, ast.String)]
            return self.expr(node.args[0]).list.eval(pl.element().is_in(tags)).list.any()
        if node.function == "nonempty":
            return self.expr(node.args[0]).list.len() > 0
        args = [self.expr(arg) for arg in node.args]
        if node.function in ("min", "max", "sum", "clip") and any(self.may_fail(a) for a in node.args):
            return (
                pl.when(pl.any_horizontal([a.is_null() for a in args]))
                .then(None)
                .otherwise(self.call_on(node, args))
            )
        return self.call_on(node, args)

    def call_on(self, node: ast.Call, args: list[pl.Expr]) -> pl.Expr:
        whole = self.is_int(node) and self.fails(node)
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
                if whole:
                    return _whole(pl.sum_horizontal([arg.cast(INT128) for arg in args]))
                return _finite(pl.sum_horizontal(args)) if self.fails(node) else pl.sum_horizontal(args)
            case "clip":
                return pl.max_horizontal(args[1], pl.min_horizontal(args[0], args[2]))
            case "abs":
                if whole:
                    wide = args[0].cast(INT128)
                    return _whole(pl.when(wide < 0).then(pl.lit(0, INT128) - wide).otherwise(wide))
                return args[0].abs()
            case "floor":
                return args[0].cast(pl.Float64).floor().cast(pl.Int64, strict=False)
            case "ceil":
                return args[0].cast(pl.Float64).ceil().cast(pl.Int64, strict=False)
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
            return (~self.expr(key)).cast(pl.Int64), ("true", "false")  # true 0, false 1, null null
        enum = pl.Enum(list(key_type.values))
        return self.expr(key).cast(enum).to_physical().cast(pl.Int64), key_type.values

    def bracket_index(self, bounds: tuple[float, ...], key: ast.Node) -> tuple[pl.Expr, int, list[int]]:
        """(index expression, number of positions, bracket of each position).

        Whole-number keys over a short range index a dense array of every whole value
        (a subtraction, and the keys above the last bound sent to it); other keys use a binary
        search over the bounds. Values below the first bound give null, which evaluation reports.
        """
        value = self.expr(key)
        low, high = bounds[0], bounds[-1]
        whole = all(float(b).is_integer() and abs(b) <= EXACT for b in bounds)
        if self.program.key_types[key].kind is Kind.INT and whole and high - low <= DENSE_LIMIT:
            span = int(high - low)
            expand = [max(i for i, b in enumerate(bounds) if b <= low + j) for j in range(span + 1)]
            return self.dense_index(key, value, int(low), int(high)), span + 1, expand
        found = (
            pl.lit(pl.Series(bounds, dtype=pl.Float64))
            .search_sorted(value.cast(pl.Float64), side="right")
            .cast(pl.Int64)
            - 1
        )
        found = pl.when(value.is_not_null() & (found >= 0)).then(found).otherwise(None)
        return found, len(bounds), list(range(len(bounds)))

    def dense_index(self, key: ast.Node, value: pl.Expr, low: int, high: int) -> pl.Expr:
        """``value - low``, ``high - low`` above `high`, null below `low`: the per-case path's
        bracket of ``float(value)``, exactly, as both bounds are whole floats within ±2**53.

        Each test is left out when the key's interval (`rules.ranges`) shows it never holds:
        a few plain comparisons and a subtraction, as a 1,000-row evaluation pays for every
        expression node (a ``clip`` cost about four).
        """
        smallest, largest = self.ranges.of(key)
        index = value if low == 0 else value - low
        if largest > high:
            index = pl.when(value > high).then(pl.lit(high - low, pl.Int64)).otherwise(index)
        if smallest < low:
            index = pl.when(value < low).then(None).otherwise(index)
        held = isinstance(key, ast.Name) and (key.id in self.program.inputs or key.id in self.program.rules)
        return index if held else index.cast(pl.Int64)  # an input or rule column is Int64 already


def _whole(value: pl.Expr) -> pl.Expr:
    """An Int128 result back in Int64, null where it does not fit (never wrapped)."""
    return value.cast(pl.Int64, strict=False)


def _finite(value: pl.Expr) -> pl.Expr:
    """A decimal result, null where it is not finite (a division by zero, an overflow)."""
    return pl.when(value.cast(pl.Float64).is_finite()).then(value)


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


PLAN_CACHE_SIZE = 16
"""Programs whose compiled expressions are kept: building them costs about 7 ms for the CRS,
most of a 1,000-row evaluation, and a service evaluates the same resolved program again and again."""
_plans: dict[int, tuple[Resolved, list[list[pl.Expr]]]] = {}


def compiled_layers(resolved: Resolved) -> list[list[pl.Expr]]:
    """Every rule as an expression, layer by layer; remembered per resolved program object."""
    cached = _plans.get(id(resolved))
    if cached is not None and cached[0] is resolved:
        return cached[1]
    compiler = Compiler(resolved)
    layers = [[compiler.rule(name) for name in layer] for layer in resolved.program.layers]
    if len(_plans) >= PLAN_CACHE_SIZE:
        del _plans[next(iter(_plans))]
    _plans[id(resolved)] = (resolved, layers)
    return layers


def compile_frame(resolved: Resolved, frame: pl.LazyFrame, outputs: tuple[str, ...]) -> pl.LazyFrame:
    """Add every rule as a column, layer by layer, and keep `id` plus `outputs`."""
    for layer in compiled_layers(resolved):
        frame = frame.with_columns(layer)
    return frame.select("id", *outputs)


SMALL_FRAME = 50_000
"""Rows up to which a plan runs on the in-memory engine without optimisation passes (`collect`)."""
NO_OPTIMIZATIONS = pl.QueryOptFlags.none()  # shared: `collect` copies the flags it is given (15 us to make)


def collect(plan: pl.LazyFrame, rows: int) -> pl.DataFrame:
    """Run a compiled plan on `rows` rows, with the engine that is faster for that many.

    Polars' default is the streaming engine with every optimisation pass: best on a million rows,
    but the passes (common subexpressions over the whole CRS plan) and the streaming graph cost
    about 1 ms whatever the size, most of a 1,000-row evaluation. The same plan on the in-memory
    engine, unoptimised, computes the same columns (the passes only rearrange work).
    """
    if rows <= SMALL_FRAME:
        return plan.collect(engine="in-memory", optimizations=NO_OPTIMIZATIONS)
    return plan.collect()
