"""Evaluate a resolved program: a whole frame at once, or one case with its explanation.

Both paths walk the same checked formulas with the same parameter values, and
the property tests hold them to the same answers. The per-case path is the one
a caseworker reads; the frame path is the one a policy analyst runs on millions.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from statevisa.errors import InputError, Problem, table_problem
from statevisa.reference.indicators import INDICATORS
from statevisa.rules import ast
from statevisa.rules.explain import Trace, TraceKind, show
from statevisa.rules.model import Brackets, Kind, Scalar, Shape, Table, Value
from statevisa.rules.resolve import InForce, Resolved
from statevisa.rules.to_polars import collect, compile_frame

COMPARE: dict[str, Callable[[Value, Value], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Refused(InputError):
    """A case the rules cannot decide (an overflow, a division by zero, a key below every
    bracket): a code and words; callers that know where (a row of a table, one case) say so
    with `code`, `message` and `rule`."""

    def __init__(self, code: str, message: str, rule: str) -> None:
        super().__init__(Problem(code, message))
        self.code, self.message, self.rule = code, message, rule


def evaluate_frame(resolved: Resolved, typed: pl.DataFrame, source: str = "") -> pl.DataFrame:
    """`id` and every output for each row of a validated frame, in the same order.

    A row whose outputs cannot be computed (null: see `to_polars.Compiler`) is evaluated
    again on the per-case path, which says why; the table is refused at that row.
    """
    outputs = resolved.program.outputs
    result = collect(compile_frame(resolved, typed.lazy(), outputs), typed.height)
    empty = [name for name in outputs if result[name].null_count()]
    if empty:
        index = (
            result.with_row_index("__row__")
            .filter(pl.any_horizontal(pl.col(empty).is_null()))
            .item(0, "__row__")
        )
        row = typed.row(index, named=True)
        try:
            evaluate_case(resolved, row)
        except Refused as refused:
            where = table_problem(
                refused.code, refused.message, source or None, index, row["id"], refused.rule
            )
            raise InputError(where) from None
        where = table_problem("no-value", "no value: an input is outside every bracket of a table",
                              source or None, index, row["id"], ", ".join(empty))  # fmt: skip
        raise InputError(where)
    return result


@dataclass(frozen=True)
class CaseResult:
    """The outputs of one case and the explanation of each."""

    outputs: dict[str, Value]
    traces: dict[str, Trace]


def evaluate_case(resolved: Resolved, case: Mapping[str, Value]) -> CaseResult:
    """Evaluate one validated case (a mapping of input names to values) with explanations.

    Raises `Refused` when a rule cannot be computed: a whole number outside 64 bits, a
    decimal that is not finite (a division by zero), a key below every bracket.
    """
    evaluator = _CaseEvaluator(resolved, case)
    traces = {name: evaluator.trace(name) for name in resolved.program.outputs}
    return CaseResult({name: trace.value for name, trace in traces.items()}, traces)


def evaluate_node(resolved: Resolved, case: Mapping[str, Value], node: ast.Node) -> Value:
    """The value of one formula (an optional_when or a constraint) for a case, without a trace."""
    return _CaseEvaluator(resolved, case).eval(node, _Uses())


@dataclass
class _Uses:
    """What one formula used, in first-use order, without repeats."""

    items: list[Trace] = field(default_factory=list)
    seen: set[tuple[str, str | None]] = field(default_factory=set)

    def add(self, trace: Trace) -> None:
        key = (trace.name, trace.detail)
        if key not in self.seen:
            self.seen.add(key)
            self.items.append(trace)


class _CaseEvaluator:
    def __init__(self, resolved: Resolved, case: Mapping[str, Value]) -> None:
        self.resolved = resolved
        self.program = resolved.program
        self.case = case
        self.memo: dict[str, Trace] = {}
        self.rule = "a constraint"

    def trace(self, name: str) -> Trace:
        if name in self.memo:
            return self.memo[name]
        if name in self.program.inputs:
            spec = self.program.inputs[name]
            origin = (
                f"from {spec.source} by {spec.source_key}: {INDICATORS[spec.source].source}"
                if spec.source
                else None
            )
            return Trace(TraceKind.INPUT, name, self.case[name], description=spec.description, cite=origin)
        rule = self.program.rules[name]
        uses = _Uses()
        outer, self.rule = self.rule, name
        value = self.checked(_cast(self.eval(rule.node, uses), self.program.types[name].kind), rule.formula)
        self.rule = outer
        found = Trace(
            TraceKind.RULE,
            name,
            value,
            description=rule.description,
            formula=" ".join(rule.formula.split()),
            citation=str(rule.citation),
            cite=rule.citation.short(),
            children=tuple(uses.items),
        )
        self.memo[name] = found
        return found

    def eval(self, node: ast.Node, uses: _Uses) -> Value:
        if isinstance(node, ast.Number | ast.String | ast.Boolean):
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node.id, uses)
        if isinstance(node, ast.Negate):
            return self.checked(-_number(self.eval(node.operand, uses)), "-")
        if isinstance(node, ast.Not):
            return not self.eval(node.operand, uses)
        if isinstance(node, ast.Logic):
            if node.op == "and":
                return all(self.eval(operand, uses) for operand in node.operands)
            return any(self.eval(operand, uses) for operand in node.operands)
        if isinstance(node, ast.Arithmetic):
            left, right = _number(self.eval(node.left, uses)), _number(self.eval(node.right, uses))
            match node.op:
                case "+":
                    return self.checked(left + right, "+")
                case "-":
                    return self.checked(left - right, "-")
                case "*":
                    return self.checked(left * right, "*")
                case _:
                    if right == 0:
                        raise Refused("division-by-zero", f"rule '{self.rule}': division by zero", self.rule)
                    return self.checked(float(left) / float(right), "/")
        if isinstance(node, ast.Compare):
            return COMPARE[node.op](self.eval(node.left, uses), self.eval(node.right, uses))
        if isinstance(node, ast.Member):
            return self.eval(node.operand, uses) in {option.value for option in node.options}
        if isinstance(node, ast.Conditional):
            branch = node.then if self.eval(node.test, uses) else node.otherwise
            return self.eval(branch, uses)
        if isinstance(node, ast.Call):
            return self.call(node, uses)
        if isinstance(node, ast.Lookup):
            return self.lookup(node, uses)
        raise AssertionError(f"unknown node {node!r}")

    def name(self, name: str, uses: _Uses) -> Value:
        if name == "on":
            return self.resolved.on
        if name in self.program.parameters:
            in_force = self.resolved.values[name]
            value = self.resolved.scalar(name)
            uses.add(self._parameter(in_force, value, None))
            return value
        found = self.trace(name)
        uses.add(found)
        return found.value

    def call(self, node: ast.Call, uses: _Uses) -> Value:
        if node.function == "date":
            literal = node.args[0]
            assert isinstance(literal, ast.String)
            return dt.date.fromisoformat(literal.value)
        if node.function == "has_any":
            present = _tags(self.eval(node.args[0], uses))
            return any(isinstance(tag, ast.String) and tag.value in present for tag in node.args[1:])
        if node.function == "nonempty":
            return bool(_tags(self.eval(node.args[0], uses)))
        if node.function in ("days_between", "year"):
            dates = [self.eval(arg, uses) for arg in node.args]
            if node.function == "year":
                return _date(dates[0]).year
            return (_date(dates[1]) - _date(dates[0])).days
        args = [_number(self.eval(arg, uses)) for arg in node.args]
        match node.function:
            case "min":
                return min(args)
            case "max":
                return max(args)
            case "sum":
                return self.checked(sum(args), "sum")
            case "clip":
                return max(args[1], min(args[0], args[2]))
            case "abs":
                return self.checked(abs(args[0]), "abs")
            case "floor":
                return self.checked(math.floor(args[0]), "floor")
            case "ceil":
                return self.checked(math.ceil(args[0]), "ceil")
        raise AssertionError(f"unknown function {node.function}")

    def checked(self, value: Value, what: str) -> Value:
        """`value` if both evaluators can hold it: a whole number within 64 bits, a finite decimal."""
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            message = f"rule '{self.rule}': '{what}' gives a whole number beyond the 64-bit range"
            raise Refused("int-overflow", message, self.rule)
        if isinstance(value, float) and not math.isfinite(value):
            message = f"rule '{self.rule}': '{what}' gives {value}, not a finite number"
            raise Refused("not-finite", message, self.rule)
        return value

    def lookup(self, node: ast.Lookup, uses: _Uses) -> Value:
        in_force = self.resolved.values[node.table.id]
        shape: Shape = in_force.shape
        steps: list[str] = []
        for key in node.keys:
            value = self.eval(key, uses)
            key_text = _key_name(key)
            if isinstance(shape, Brackets):
                index = shape.index_of(float(_number(value)))
                if index is None:
                    message = (
                        f"rule '{self.rule}': {key_text} = {show(value)} is below the first bracket of "
                        f"'{node.table.id}' (which starts at {shape.label(0)})"
                    )
                    raise Refused("below-first-bracket", message, self.rule)
                steps.append(f"{key_text} {show(value)} in {shape.label(index)}")
                shape = shape.shapes[index]
            else:
                assert isinstance(shape, Table)
                entry = show(value) if isinstance(value, bool) else str(value)
                steps.append(f"{key_text} = {entry}")
                shape = shape.get(entry)
        assert isinstance(shape, Scalar)
        uses.add(self._parameter(in_force, shape.value, " → ".join(steps)))
        return shape.value

    def _parameter(self, in_force: InForce, value: Value, detail: str | None) -> Trace:
        spec = self.program.parameters[in_force.name]
        return Trace(
            TraceKind.PARAMETER,
            in_force.name,
            value,
            description=spec.description,
            citation=in_force.citation,
            cite=in_force.cite,
            status=in_force.status.value,
            in_force=in_force.label(),
            detail=detail,
        )


def _key_name(node: ast.Node) -> str:
    return node.id if isinstance(node, ast.Name) else "key"


def _date(value: Value) -> dt.date:
    assert isinstance(value, dt.date)
    return value


def _tags(value: Value) -> frozenset[str]:
    assert isinstance(value, frozenset), value
    return value


def _number(value: Value) -> int | float:
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return value


def _cast(value: Value, kind: Kind) -> Value:
    """Match the frame path, which casts each rule to its declared type."""
    if kind is Kind.FLOAT:
        return float(_number(value))
    if kind is Kind.INT:
        number = _number(value)
        return int(number) if not isinstance(number, float) or math.isfinite(number) else number
    return value
