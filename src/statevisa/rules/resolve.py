"""Pick the parameter values in force on a date, plus any scenario values.

Evaluation always happens against a `Resolved` program: the date is fixed
first, so both evaluators see exactly the same numbers, and every value keeps
the period and citation that put it in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from statevisa.errors import PolicyError, Problem, problem
from statevisa.rules import ast
from statevisa.rules.model import InputSpec, Kind, Period, Program, Scalar, Shape, Span, Status, Type
from statevisa.rules.values import BLANK, OK, parse_text

SCENARIO_CITATION = "scenario value given by the user (--set), not law"


@dataclass(frozen=True)
class InForce:
    """A parameter's value on the evaluation date and why it applies."""

    name: str
    shape: Shape
    status: Status
    citation: str
    cite: str
    """The short form of the citation (reference key and pinpoint)."""
    period: Period | None = None
    """None for a scenario value."""

    def label(self) -> str:
        return "scenario" if self.period is None else self.period.label()


@dataclass(frozen=True)
class Resolved:
    """A program fixed to one date: the parameter values both evaluators use."""

    program: Program
    on: dt.date
    values: Mapping[str, InForce] = field(default_factory=dict)

    def scalar(self, name: str) -> int | float | bool | str:
        shape = self.values[name].shape
        assert isinstance(shape, Scalar)
        return shape.value

    @property
    def statuses(self) -> set[Status]:
        return {value.status for value in self.values.values()}


@dataclass(frozen=True)
class Unconfirmed:
    """A parameter whose value on a date is not confirmed law: OPEN, unconfirmed or a default."""

    name: str
    status: Status
    has_value: bool
    cite: str
    note: str | None


def unconfirmed(program: Program, on: dt.date) -> list[Unconfirmed]:
    """Every parameter of the program that is not confirmed law on `on`, used or not."""
    found = []
    for spec in program.parameters.values():
        period = spec.period_on(on)
        if period is not None and (
            period.shape is None or period.status in (Status.UNCONFIRMED, Status.DEFAULT)
        ):
            found.append(
                Unconfirmed(
                    spec.name, period.status, period.shape is not None, period.citation.short(), period.note
                )
            )
    return found


def used_parameters(program: Program) -> list[str]:
    """Parameters the outputs, the constraints or the optional inputs need, in declaration order.

    A parameter only a rule outside every output uses is not needed, so an OPEN value
    there does not block the decisions that do not depend on it.
    """
    nodes = [program.rules[name].node for name in program.order]
    nodes += [c.node for c in program.constraints]
    nodes += [spec.optional_when for spec in program.inputs.values() if spec.optional_when is not None]
    names: set[str] = set()
    for node in nodes:
        names |= ast.names_in(node)
    return [name for name in program.parameters if name in names]


def resolve(
    program: Program,
    on: dt.date,
    overrides: Mapping[str, str] | None = None,
    names: Sequence[str] | None = None,
) -> Resolved:
    """Fix `program` to date `on`; `overrides` maps scalar parameter names to scenario values (text).

    `names` selects the parameters to resolve (default: every parameter a rule uses), for
    callers such as allocation that read program-level values (caps, terms) directly.
    """
    overrides = dict(overrides or {})
    unknown = [name for name in names or () if name not in program.parameters]
    if unknown:
        raise PolicyError(f"{program.id} has no parameter(s) {', '.join(unknown)}")
    problems: list[str | Problem] = [
        f"--set {name}: '{name}' is not a parameter of {program.id}"
        for name in overrides
        if name not in program.parameters
    ]
    values: dict[str, InForce] = {}
    needed = list(names) if names is not None else used_parameters(program)
    starts = [p.start for name in needed for p in program.parameters[name].periods]
    if starts and on < min(starts) and not overrides:
        first = min(starts).isoformat()
        raise PolicyError(
            f"{program.id} is not encoded for {on.isoformat()}: its parameters start on {first}"
        )
    for name in needed:
        spec = program.parameters[name]
        if name in overrides:
            forced = _scenario(program, name, overrides[name], problems)
            if forced is not None:
                values[name] = forced
            continue
        period = spec.period_on(on)
        if period is None:
            periods = "; ".join(p.label() for p in spec.periods)
            problems.append(
                f"{program.id}: parameter '{name}' has no value in force on {on} (periods: {periods})"
            )
        elif period.shape is None:
            problems.append(
                f"{program.id}: parameter '{name}' is OPEN on {on} (status {period.status}, no value; "
                f"{period.citation}): supply a scenario value with --set {name}=VALUE"
            )
        else:
            values[name] = InForce(
                name,
                period.shape,
                period.status,
                str(period.citation),
                period.citation.short(),
                period,
            )
    if problems:
        raise PolicyError(problems)
    return Resolved(program, on, values)


def _scenario(program: Program, name: str, text: str, problems: list[str | Problem]) -> InForce | None:
    spec = program.parameters[name]
    kinds = {_kind(p.shape) for p in spec.periods if p.shape is not None}
    if spec.declared_type is not None:
        kinds.add(spec.declared_type.kind)
    if None in kinds or not kinds:
        problems.append(f"--set {name}: only single-value parameters can be set, '{name}' is a table")
        return None
    kind = Kind.FLOAT if Kind.FLOAT in kinds else kinds.pop()
    value = parse_scalar(text, Type(kind) if kind else Type(Kind.FLOAT))
    if value is None:
        expected = {Kind.INT: "a whole number within 64 bits", Kind.FLOAT: "a finite number"}
        wanted = f" ({expected[kind]})" if kind in expected else ""
        problems.append(
            problem(
                "invalid-scenario-value", f"'{text}' is not a valid {kind}{wanted}", field=f"--set {name}"
            )
        )
        return None
    return InForce(name, Scalar(value), Status.SCENARIO, SCENARIO_CITATION, "scenario (--set)")


def _kind(shape: Shape | None) -> Kind | None:
    if not isinstance(shape, Scalar):
        return None
    if isinstance(shape.value, bool):
        return Kind.BOOL
    if isinstance(shape.value, str):
        return Kind.STRING
    return Kind.INT if isinstance(shape.value, int) else Kind.FLOAT


def parse_scalar(text: str, type_: Type) -> int | float | bool | str | None:
    """Parse a scenario value as the parameter's type, or None.

    Numbers follow the input grammar of `rules.values`: whole numbers within 64 bits, finite
    decimals (``nan``, ``inf`` and ``1e999`` are refused), so a scenario cannot carry a value
    that no input or policy file could.
    """
    if type_.kind is Kind.STRING:
        return text.strip() or None
    raw = text.strip().lower()
    if type_.kind is Kind.BOOL:
        return {"true": True, "1": True, "false": False, "0": False}.get(raw)
    spec = InputSpec(name="--set", type=type_, span=Span("--set", 1, 1))
    value, code = parse_text(spec, raw.replace("_", "")) if raw else (None, BLANK)
    return value if code == OK and isinstance(value, int | float) else None
