"""The typed form of a policy file, as the loader builds it and the evaluators read it.

Everything here is immutable: a loaded Program is a value that can be shared
across threads, cached, and compared. Positions (`Span`) travel with every
element so that any later error can still point at the line that caused it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from statevisa.rules import ast

Tags = frozenset[str]
"""A set of tags (a person's conviction tags): the value of a ``tags`` type."""
Value = int | float | bool | str | dt.date | Tags
"""A value of an input, a parameter leaf or a rule, in the per-case evaluator."""


@dataclass(frozen=True)
class Span:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


Origin = tuple[Span, bool]
"""Where a formula's text starts in its file, and whether it is a block scalar."""


class Kind(StrEnum):
    """The value types of the policy language."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    ENUM = "enum"
    STRING = "string"
    DATE = "date"
    TAGS = "tags"
    """A set of tags drawn from declared values, read by ``has_any`` and ``nonempty``."""


@dataclass(frozen=True)
class Type:
    """A value type; enums and tags carry their declared values in order."""

    kind: Kind
    values: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in (Kind.INT, Kind.FLOAT)

    def __str__(self) -> str:
        if self.kind in (Kind.ENUM, Kind.TAGS):
            return f"{self.kind.value}({', '.join(self.values)})"
        return self.kind.value


class Status(StrEnum):
    """How sure we are of a parameter value (shared/specs/programs/README.md, rule 4)."""

    CONFIRMED = "confirmed"
    REPORTED = "reported"
    UNCONFIRMED = "unconfirmed"
    DEFAULT = "default"
    SCENARIO = "scenario"


class ProgramStatus(StrEnum):
    """Where a program stands in law: a reference encoding of a foreign program, or a bill's stage."""

    REFERENCE = "reference"
    DRAFT = "draft"
    INTRODUCED = "introduced"
    ENACTED = "enacted"
    IN_FORCE = "in-force"
    LAPSED = "lapsed"
    REPEALED = "repealed"


@dataclass(frozen=True)
class Reference:
    """A source document declared once per program and cited by its key."""

    key: str
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Citation:
    """A pinpoint citation: a declared reference and where in it, or free text."""

    text: str
    reference: Reference | None = None

    def short(self) -> str:
        """The reference key and pinpoint, e.g. ``S1: table A1``; free text as written."""
        if self.reference is None:
            return self.text
        return f"{self.reference.key}: {self.text}" if self.text else self.reference.key

    def __str__(self) -> str:
        if self.reference is None:
            return self.text
        url = f" <{self.reference.url}>" if self.reference.url else ""
        return f"{self.reference.title}{', ' + self.text if self.text else ''}{url}"


# Parameter value shapes ---------------------------------------------------------------


@dataclass(frozen=True)
class Scalar:
    value: int | float | bool | str


@dataclass(frozen=True)
class Table:
    """A lookup keyed by enum values (or by ``true``/``false``)."""

    entries: tuple[tuple[str, Shape], ...]

    def get(self, key: str) -> Shape:
        return dict(self.entries)[key]


@dataclass(frozen=True)
class Brackets:
    """A lookup by number: ``bounds[i]`` is the inclusive lower bound of ``shapes[i]``."""

    bounds: tuple[float, ...]
    shapes: tuple[Shape, ...]

    def index_of(self, x: float) -> int | None:
        """The bracket holding `x`, or None when `x` is below the first bound."""
        found = None
        for i, bound in enumerate(self.bounds):
            if x >= bound:
                found = i
        return found

    def label(self, i: int) -> str:
        low = _fmt(self.bounds[i])
        if i + 1 < len(self.bounds):
            return f"[{low}, {_fmt(self.bounds[i + 1])})"
        return f"≥ {low}"


Shape = Scalar | Table | Brackets


def subshapes(shape: Shape) -> list[Shape]:
    """The shapes one level inside `shape` (none inside a scalar)."""
    if isinstance(shape, Scalar):
        return []
    return list(shape.shapes) if isinstance(shape, Brackets) else [sub for _, sub in shape.entries]


def leaves(shape: Shape) -> list[int | float | bool | str]:
    """Every value a lookup in `shape` can give."""
    if isinstance(shape, Scalar):
        return [shape.value]
    return [leaf for sub in subshapes(shape) for leaf in leaves(sub)]


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# Program elements ----------------------------------------------------------------------


@dataclass(frozen=True)
class InputSpec:
    """A declared input column."""

    name: str
    type: Type
    span: Span
    description: str = ""
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    optional_when: ast.Node | None = None
    optional_when_text: str | None = None
    optional_when_origin: Origin | None = None
    default: Value | None = None
    source: str | None = None
    """A reference indicator (statevisa.reference.indicators) that fills this input ..."""
    source_key: str | None = None
    """... looked up by the FIPS code in this other input."""


@dataclass(frozen=True)
class Period:
    """One dated value of a parameter; `end` is inclusive, None while in force."""

    start: dt.date
    end: dt.date | None
    shape: Shape | None
    citation: Citation
    status: Status
    span: Span
    note: str | None = None

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def label(self) -> str:
        return f"{self.start.isoformat()} → {self.end.isoformat() if self.end else 'open'}"


@dataclass(frozen=True)
class ParameterSpec:
    """A named, dated, cited value or table."""

    name: str
    periods: tuple[Period, ...]
    span: Span
    description: str = ""
    unit: str | None = None
    declared_type: Type | None = None

    def period_on(self, on: dt.date) -> Period | None:
        return next((period for period in self.periods if period.covers(on)), None)


@dataclass(frozen=True)
class RuleSpec:
    """A named formula with its citation."""

    name: str
    formula: str
    node: ast.Node
    span: Span
    citation: Citation
    origin: Origin
    description: str = ""
    unit: str | None = None


@dataclass(frozen=True)
class ConstraintSpec:
    """A check every input row must pass (e.g. work years within one 10-year window)."""

    name: str
    formula: str
    node: ast.Node
    message: str
    span: Span
    columns: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True)
class Notice:
    """A warning shown when evaluating on a date in [start, end]."""

    start: dt.date
    end: dt.date | None
    message: str
    citation: Citation | None

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Portability:
    """Whether a holder may change employer or state, and under what condition."""

    employer: str = "none"
    state: str = "none"
    citation: Citation | None = None


@dataclass(frozen=True)
class Reporting:
    """A compliance report a holder owes every `every_days`, late after `grace_days` more."""

    kind: str
    every_days: int
    grace_days: int
    citation: Citation


@dataclass(frozen=True)
class Integration:
    """An integration service the program offers or requires of its holders."""

    service: str
    obligation: str
    citation: Citation
    description: str = ""


@dataclass(frozen=True)
class Operations:
    """The ``operations:`` block: what a program asks of its holders after issuance."""

    portability: Portability = field(default_factory=Portability)
    reporting: tuple[Reporting, ...] = ()
    integration: tuple[Integration, ...] = ()


@dataclass(frozen=True)
class Program:
    """A checked program: every name resolved, every formula typed, rules in dependency order."""

    id: str
    title: str
    jurisdiction: str
    status: ProgramStatus
    version: str
    path: Path
    description: str
    references: Mapping[str, Reference]
    inputs: Mapping[str, InputSpec]
    parameters: Mapping[str, ParameterSpec]
    rules: Mapping[str, RuleSpec]
    outputs: tuple[str, ...]
    constraints: tuple[ConstraintSpec, ...]
    notices: tuple[Notice, ...]
    types: Mapping[str, Type] = field(default_factory=dict)
    layers: tuple[tuple[str, ...], ...] = ()
    """Rules grouped so that each layer depends only on inputs and earlier layers."""
    key_types: Mapping[ast.Node, Type] = field(default_factory=dict)
    """The type of every lookup key, as the checker inferred it."""
    operations: Operations = field(default_factory=Operations)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(name for layer in self.layers for name in layer)

    def notices_on(self, on: dt.date) -> list[Notice]:
        return [notice for notice in self.notices if notice.covers(on)]
