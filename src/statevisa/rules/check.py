"""Check a loaded program: resolve names, type every formula, order the rules.

Run once at load time so that evaluation never meets an unknown name, a type
mismatch, a cycle or a lookup that does not fit its table. Lookups are checked
against the table of every dated period, so a later period cannot break a
formula that worked for an earlier one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from statevisa.rules import ast
from statevisa.rules.graph import cycles, dependencies, layers, needed, topological
from statevisa.rules.model import (
    Brackets,
    Kind,
    Origin,
    ParameterSpec,
    Program,
    Scalar,
    Shape,
    Span,
    Table,
    Type,
)
from statevisa.rules.source import Problems, place

INT, FLOAT, BOOL, STRING, DATE = (Type(k) for k in (Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.STRING, Kind.DATE))
EVALUATION_DATE = "on"
"""The built-in name for the evaluation date (``--on``), usable in any formula."""
FUNCTIONS = (
    "min", "max", "sum", "clip", "abs", "floor", "ceil", "date", "days_between", "year",
    "has_any", "nonempty",
)  # fmt: skip
DATE_FUNCTIONS = {"days_between": 2, "year": 1}
"""Functions of dates, returning whole numbers: days from the first date to the second; a date's year."""
TAG_FUNCTIONS = ("has_any", "nonempty")
"""Functions of a set of tags: ``has_any(tags, 'a', 'b')`` holds when any listed tag is present,
``nonempty(tags)`` when there is at least one."""


class _Failed(Exception):
    """Raised inside a formula once its problem is recorded, to stop cascading errors."""


@dataclass
class Checker:
    """Types the formulas of one program; `types` grows as rules are checked in order."""

    program: Program
    problems: Problems
    types: dict[str, Type]
    key_types: dict[ast.Node, Type] = dataclasses.field(default_factory=dict)

    def formula(self, node: ast.Node, origin: Origin, what: str, allowed: Mapping[str, Type]) -> Type | None:
        try:
            return _Formula(self, origin, what, allowed).infer(node)
        except _Failed:
            return None


@dataclass
class _Formula:
    checker: Checker
    origin: Origin
    what: str
    allowed: Mapping[str, Type]

    def fail(self, node: ast.Node, message: str) -> _Failed:
        self.checker.problems.add(place(self.origin, *node.pos), f"{self.what}: {message}")
        return _Failed()

    def infer(self, node: ast.Node) -> Type:
        if isinstance(node, ast.Number):
            return INT if isinstance(node.value, int) else FLOAT
        if isinstance(node, ast.String):
            return STRING
        if isinstance(node, ast.Boolean):
            return BOOL
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.Negate):
            return self.numeric(node.operand, "negate")
        if isinstance(node, ast.Not):
            self.expect_bool(node.operand, "not")
            return BOOL
        if isinstance(node, ast.Logic):
            for operand in node.operands:
                self.expect_bool(operand, node.op)
            return BOOL
        if isinstance(node, ast.Arithmetic):
            left = self.numeric(node.left, node.op)
            right = self.numeric(node.right, node.op)
            if node.op == "/":
                return FLOAT
            return INT if left == INT and right == INT else FLOAT
        if isinstance(node, ast.Compare):
            self.compare(node)
            return BOOL
        if isinstance(node, ast.Member):
            self.member(node)
            return BOOL
        if isinstance(node, ast.Conditional):
            self.expect_bool(node.test, "if")
            return self.unify(node, self.infer(node.then), self.infer(node.otherwise))
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Lookup):
            return self.lookup(node)
        raise AssertionError(f"unknown node {node!r}")

    def name(self, node: ast.Name) -> Type:
        if node.id == EVALUATION_DATE:
            return DATE
        if node.id in self.allowed:
            return self.allowed[node.id]
        parameter = self.checker.program.parameters.get(node.id)
        if parameter is not None:
            return self.scalar_parameter(node, parameter)
        if node.id in self.checker.program.rules:
            if self.allowed is self.checker.types:
                raise _Failed()  # that rule failed its own check, already reported
            raise self.fail(node, f"'{node.id}' is a rule: only inputs can be used here")
        known = sorted({*self.allowed, *self.checker.program.parameters})
        close = difflib.get_close_matches(node.id, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        listing = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        raise self.fail(node, f"unknown name '{node.id}'{hint} (known: {listing})")

    def scalar_parameter(self, node: ast.Name, parameter: ParameterSpec) -> Type:
        found: Type | None = parameter.declared_type
        for period in parameter.periods:
            if period.shape is None:
                continue
            if not isinstance(period.shape, Scalar):
                raise self.fail(node, f"parameter '{node.id}' is a table: look it up with {node.id}[key]")
            found = (
                self.unify(node, found, _scalar_type(period.shape)) if found else _scalar_type(period.shape)
            )
        assert found is not None  # the loader requires a type for value-less parameters
        return found

    def numeric(self, node: ast.Node, op: str) -> Type:
        found = self.infer(node)
        if not found.numeric:
            raise self.fail(node, f"type mismatch: '{op}' needs a number, got {found}")
        return found

    def expect_bool(self, node: ast.Node, op: str) -> None:
        found = self.infer(node)
        if found.kind is not Kind.BOOL:
            raise self.fail(node, f"type mismatch: '{op}' needs true/false, got {found}")

    def unify(self, node: ast.Node, a: Type, b: Type) -> Type:
        if a == b:
            return a
        if a.numeric and b.numeric:
            return FLOAT
        raise self.fail(node, f"type mismatch: {a} and {b} cannot be combined")

    def enum_literal(self, enum: Type, literal: ast.String) -> None:
        if literal.value not in enum.values:
            raise self.fail(
                literal,
                f"enum value '{literal.value}' is not declared (declared: {', '.join(enum.values)})",
            )

    def compare(self, node: ast.Compare) -> None:
        left, right = self.infer(node.left), self.infer(node.right)
        ordering = node.op not in ("==", "!=")
        if left.numeric and right.numeric:
            return None
        if left.kind is Kind.DATE and right.kind is Kind.DATE:
            return None
        if not ordering:
            if left.kind is Kind.ENUM and isinstance(node.right, ast.String):
                return self.enum_literal(left, node.right)
            if right.kind is Kind.ENUM and isinstance(node.left, ast.String):
                return self.enum_literal(right, node.left)
            if left == right and left.kind in (Kind.ENUM, Kind.BOOL, Kind.STRING):
                return None
        raise self.fail(node, f"type mismatch: cannot compare {left} {node.op} {right}")

    def member(self, node: ast.Member) -> None:
        operand = self.infer(node.operand)
        for option in node.options:
            if operand.kind is Kind.ENUM and isinstance(option, ast.String):
                self.enum_literal(operand, option)
            elif not (
                (operand.numeric and isinstance(option, ast.Number))
                or (operand.kind is Kind.STRING and isinstance(option, ast.String))
            ):
                raise self.fail(option, f"type mismatch: {operand} cannot be compared with {option.value!r}")

    def call(self, node: ast.Call) -> Type:
        name, args = node.function, node.args
        arity = {"clip": 3, "abs": 1, "floor": 1, "ceil": 1, "date": 1, **DATE_FUNCTIONS}
        if name not in FUNCTIONS:
            raise self.fail(node, f"unknown function '{name}' (functions: {', '.join(FUNCTIONS)})")
        if name in TAG_FUNCTIONS:
            return self.tag_call(node)
        if (name in arity and len(args) != arity[name]) or not args:
            raise self.fail(
                node,
                f"{name}() takes {arity.get(name, 'one or more')} argument(s), got {len(args)}",
            )
        if name == "date":
            literal = args[0]
            if not isinstance(literal, ast.String) or not _is_iso_date(literal.value):
                raise self.fail(node, 'date() takes an ISO date literal, e.g. date("2025-03-25")')
            return DATE
        if name in DATE_FUNCTIONS:
            for arg in args:
                found = self.infer(arg)
                if found.kind is not Kind.DATE:
                    raise self.fail(arg, f"type mismatch: {name}() needs dates, got {found}")
            return INT
        types = [self.numeric(arg, name) for arg in args]
        if name in ("floor", "ceil"):
            return INT
        return INT if all(t == INT for t in types) else FLOAT

    def tag_call(self, node: ast.Call) -> Type:
        """``has_any(tags, 'a', ...)`` and ``nonempty(tags)``: a tags value first, then quoted tags."""
        name, args = node.function, node.args
        wanted = "one argument" if name == "nonempty" else "a tags value and at least one tag"
        if not args or (name == "nonempty") != (len(args) == 1):
            raise self.fail(node, f"{name}() takes {wanted}, got {len(args)} argument(s)")
        found = self.infer(args[0])
        if found.kind is not Kind.TAGS:
            raise self.fail(args[0], f"type mismatch: {name}() needs tags, got {found}")
        for tag in args[1:]:
            if not isinstance(tag, ast.String):
                raise self.fail(tag, f"{name}() takes tags as quoted text, e.g. 'felony'")
            if tag.value not in found.values:
                declared = ", ".join(found.values)
                raise self.fail(tag, f"tag '{tag.value}' is not declared (declared: {declared})")
        return BOOL

    def lookup(self, node: ast.Lookup) -> Type:
        parameter = self.checker.program.parameters.get(node.table.id)
        if parameter is None:
            raise self.fail(
                node.table, f"'{node.table.id}' is not a parameter table, so it cannot be looked up"
            )
        keys = [self.infer(key) for key in node.keys]
        self.checker.key_types.update(zip(node.keys, keys, strict=True))
        found: Type | None = None
        for period in parameter.periods:
            if period.shape is None:
                raise self.fail(
                    node,
                    f"parameter '{parameter.name}' has a period with no value; tables cannot be OPEN",
                )
            leaf = self.walk(node, period.shape, keys, node.keys, parameter.name)
            found = leaf if found is None else self.unify(node, found, leaf)
        assert found is not None
        return found

    def walk(
        self,
        node: ast.Lookup,
        shape: Shape,
        keys: Sequence[Type],
        key_nodes: Sequence[ast.Node],
        table: str,
    ) -> Type:
        if not keys:
            if not isinstance(shape, Scalar):
                raise self.fail(
                    node, f"table '{table}' needs more keys: it is not a single value at this depth"
                )
            return _scalar_type(shape)
        key, key_node = keys[0], key_nodes[0]
        if isinstance(shape, Scalar):
            raise self.fail(key_node, f"table '{table}' has fewer levels than the keys given")
        if isinstance(shape, Brackets):
            if not key.numeric:
                raise self.fail(
                    key_node,
                    f"table '{table}' is a bracket table: its key must be a number, got {key}",
                )
            subs = shape.shapes
        else:
            self.table_keys(key_node, shape, key, table)
            subs = tuple(sub for _, sub in shape.entries)
        leaves = [self.walk(node, sub, keys[1:], key_nodes[1:], table) for sub in subs]
        result = leaves[0]
        for leaf in leaves[1:]:
            result = self.unify(node, result, leaf)
        return result

    def table_keys(self, key_node: ast.Node, shape: Table, key: Type, table: str) -> None:
        present = [k for k, _ in shape.entries]
        if key.kind is Kind.BOOL:
            expected: tuple[str, ...] = ("true", "false")
        elif key.kind is Kind.ENUM:
            expected = key.values
        else:
            raise self.fail(
                key_node,
                f"table '{table}' is keyed by values: its key must be an enum or bool, got {key}",
            )
        missing = [k for k in expected if k not in present]
        extra = [k for k in present if k not in expected]
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"enum value not declared: {', '.join(extra)}"] if extra else []
            )
            raise self.fail(key_node, f"table '{table}' keys do not match {key}: {'; '.join(parts)}")


def _scalar_type(shape: Scalar) -> Type:
    if isinstance(shape.value, bool):
        return BOOL
    if isinstance(shape.value, str):
        return STRING
    return INT if isinstance(shape.value, int) else FLOAT


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def check_program(program: Program, output_spans: Mapping[str, Span]) -> Program:
    """Return `program` with types and rule layers filled in, or raise every problem found."""
    problems = Problems()
    inputs = {name: spec.type for name, spec in program.inputs.items()}
    checker = Checker(program, problems, dict(inputs))
    for spec in program.inputs.values():
        if spec.optional_when is not None and spec.optional_when_origin is not None:
            plain = {n: t for n, t in inputs.items() if program.inputs[n].optional_when is None}
            found = checker.formula(
                spec.optional_when, spec.optional_when_origin, f"input '{spec.name}'", plain
            )
            if found is not None and found != BOOL:
                problems.add(spec.span, f"input '{spec.name}': optional_when must be true/false, got {found}")
    for spec in program.inputs.values():
        if spec.source_key is None:
            continue
        key = program.inputs.get(spec.source_key)
        if key is None or key.type.kind is not Kind.STRING or key.source is not None:
            problems.add(
                spec.span,
                f"input '{spec.name}': source key '{spec.source_key}' must be a declared string input "
                "holding FIPS codes",
            )
    for constraint in program.constraints:
        found = checker.formula(constraint.node, constraint.origin, f"constraint '{constraint.name}'", inputs)
        if found is not None and found != BOOL:
            problems.add(
                constraint.span,
                f"constraint '{constraint.name}': check must be true/false, got {found}",
            )
    deps = dependencies(program)
    cyclic = cycles(program, deps, problems)
    acyclic = {name: deps[name] - cyclic for name in program.rules if name not in cyclic}
    ordered = topological(acyclic, list(acyclic))
    for name in ordered:
        rule = program.rules[name]
        if deps[name] & cyclic:
            continue
        found = checker.formula(rule.node, rule.origin, f"rule '{name}'", checker.types)
        if found is not None:
            checker.types[name] = found
    for name, span in output_spans.items():
        if name not in program.rules and name not in program.inputs:
            problems.add(span, f"output '{name}' is not a rule or an input")
    problems.raise_if_any()
    wanted = needed(acyclic, [name for name in program.outputs if name in acyclic])
    return dataclasses.replace(
        program,
        types=checker.types,
        layers=layers(acyclic, [name for name in ordered if name in wanted]),
        key_types=checker.key_types,
    )
