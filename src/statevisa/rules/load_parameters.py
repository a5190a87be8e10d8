"""Read the `parameters:` of a policy file: dated periods, citations, value shapes.

A parameter is refused when a period has no citation, when periods overlap or
end before they start, or when a value is neither a number, a boolean, a table
nor a bracket list. An OPEN value (nobody could verify it) is declared with
``status: unconfirmed`` and no ``value``; it must then declare its ``type`` so
formulas that use it can still be checked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap

from statevisa.rules.model import (
    Brackets,
    Citation,
    Kind,
    ParameterSpec,
    Period,
    Reference,
    Scalar,
    Shape,
    Span,
    Status,
    Table,
    Type,
)
from statevisa.rules.source import Document, Problems, key_text

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
PARAMETER_KEYS = ("description", "unit", "type", "values")
PERIOD_KEYS = ("value", "cite", "status", "to", "note")
SCALAR_TYPES = {"int": Kind.INT, "float": Kind.FLOAT, "bool": Kind.BOOL, "string": Kind.STRING}


@dataclass(frozen=True)
class Context:
    """What parameter parsing needs from the rest of the file."""

    doc: Document
    problems: Problems
    references: Mapping[str, Reference]


def unknown_keys(ctx: Context, mapping: CommentedMap, allowed: tuple[str, ...], what: str) -> None:
    """Report every key of `mapping` not in `allowed`, naming the allowed keys."""
    for key in mapping:
        if key_text(key) not in allowed:
            ctx.problems.add(
                ctx.doc.key_span(mapping, key),
                f"{what}: unknown key '{key_text(key)}' (allowed: {', '.join(allowed)})",
            )


def expect_mapping(
    ctx: Context, body: object, span: Span, what: str, allowed: tuple[str, ...], hint: str
) -> CommentedMap | None:
    """`body` as a mapping whose keys are all in `allowed`, or None after reporting why not."""
    if not isinstance(body, CommentedMap):
        ctx.problems.add(span, f"{what}: expected a mapping with {hint}")
        return None
    unknown_keys(ctx, body, allowed, what)
    return body


def parse_citation(ctx: Context, value: object, span: Span, what: str) -> Citation | None:
    """A citation is ``"KEY: pinpoint"`` for a declared reference, or free text."""
    if isinstance(value, CommentedMap):
        ref_key = value.get("ref")
        if ref_key is None or str(ref_key) not in ctx.references:
            known = ", ".join(ctx.references) or "none declared"
            ctx.problems.add(span, f"{what}: cite.ref must name a declared reference ({known})")
            return None
        return Citation(str(value.get("at", "")), ctx.references[str(ref_key)])
    if not isinstance(value, str) or not value.strip():
        ctx.problems.add(span, f"{what}: missing reference (add cite: with a source)")
        return None
    head, sep, rest = value.partition(":")
    if sep and head.strip() in ctx.references:
        return Citation(rest.strip(), ctx.references[head.strip()])
    if value.strip() in ctx.references:
        return Citation("", ctx.references[value.strip()])
    return Citation(value.strip())


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if len(str(value)) == 10 else None
    except ValueError:
        return None


def number_problem(value: object) -> str | None:
    """Why a number from a policy file cannot be used (None: it can).

    Both evaluators compute whole numbers in 64 bits and decimals as finite doubles, so
    ``.nan``, ``.inf`` and whole numbers beyond 64 bits are refused where they are written.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return f"the value {value} is not a finite number"
    if isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        return "the value is a whole number beyond the 64-bit range"
    return None


def parse_shape(ctx: Context, value: object, span: Span, what: str) -> Shape | None:
    """A number, boolean or text, a table of shapes, or ``{brackets: {lower_bound: shape}}``."""
    if isinstance(value, bool | int | float):
        wrong = number_problem(value)
        if wrong is not None:
            ctx.problems.add(span, f"{what}: {wrong}", "number-out-of-range")
            return None
        return Scalar(value)
    if isinstance(value, str) and value.strip():
        return Scalar(str(value))
    if not isinstance(value, CommentedMap) or not value:
        ctx.problems.add(span, f"{what}: a value must be a number, true/false, text, a table or brackets")
        return None
    if list(value.keys()) == ["brackets"]:
        return _parse_brackets(ctx, value, what)
    entries: list[tuple[str, Shape]] = []
    for key, item in value.items():
        shape = parse_shape(ctx, item, ctx.doc.value_span(value, key), f"{what}[{key_text(key)}]")
        if shape is not None:
            entries.append((key_text(key), shape))
    return Table(tuple(entries)) if len(entries) == len(value) else None


def _parse_brackets(ctx: Context, value: CommentedMap, what: str) -> Brackets | None:
    rows = value["brackets"]
    span = ctx.doc.value_span(value, "brackets")
    if not isinstance(rows, CommentedMap) or not rows:
        ctx.problems.add(span, f"{what}: brackets must map lower bounds to values")
        return None
    bounds: list[float] = []
    shapes: list[Shape] = []
    for key, item in rows.items():
        key_span = ctx.doc.key_span(rows, key)
        if isinstance(key, bool) or not isinstance(key, int | float):
            ctx.problems.add(key_span, f"{what}: bracket bound '{key}' is not a number")
            return None
        if not math.isfinite(key):
            ctx.problems.add(key_span, f"{what}: bracket bound '{key}' is not a finite number")
            return None
        if bounds and key <= bounds[-1]:
            ctx.problems.add(key_span, f"{what}: bracket bounds must increase ({key} after {bounds[-1]})")
            return None
        shape = parse_shape(ctx, item, ctx.doc.value_span(rows, key), f"{what}[≥{key}]")
        if shape is None:
            return None
        bounds.append(float(key))
        shapes.append(shape)
    return Brackets(tuple(bounds), tuple(shapes))


def parse_parameter(ctx: Context, name: str, body: object, span: Span) -> ParameterSpec | None:
    """Build one parameter, or report why it cannot be one."""
    what = f"parameter '{name}'"
    body = expect_mapping(ctx, body, span, what, PARAMETER_KEYS, "description and values")
    if body is None:
        return None
    declared = _declared_type(ctx, body, what)
    values = body.get("values")
    if not isinstance(values, CommentedMap) or not values:
        ctx.problems.add(span, f"{what}: missing 'values' (dated entries: YYYY-MM-DD: {{value, cite}})")
        return None
    periods: list[Period] = []
    for key, entry in values.items():
        period = _parse_period(ctx, values, key, entry, what, declared)
        if period is not None:
            periods.append(period)
    if len(periods) != len(values):
        return None
    periods = _close_periods(ctx, periods, what)
    return ParameterSpec(
        name=name,
        periods=tuple(periods),
        span=span,
        description=str(body.get("description", "")),
        unit=str(body["unit"]) if "unit" in body else None,
        declared_type=declared,
    )


def _declared_type(ctx: Context, body: CommentedMap, what: str) -> Type | None:
    if "type" not in body:
        return None
    kind = SCALAR_TYPES.get(str(body["type"]))
    if kind is None:
        ctx.problems.add(
            ctx.doc.value_span(body, "type"),
            f"{what}: type must be one of {', '.join(SCALAR_TYPES)} (tables take their type from values)",
        )
        return None
    return Type(kind)


def _parse_period(
    ctx: Context, values: CommentedMap, key: object, entry: object, what: str, declared: Type | None
) -> Period | None:
    span = ctx.doc.key_span(values, key)
    start = parse_date(key)
    if start is None:
        ctx.problems.add(span, f"{what}: '{key_text(key)}' is not an ISO date (YYYY-MM-DD)", "not-a-date")
        return None
    label = f"{what} from {start.isoformat()}"
    if not isinstance(entry, CommentedMap):
        ctx.problems.add(span, f"{label}: expected {{value: ..., cite: ...}}")
        return None
    unknown_keys(ctx, entry, PERIOD_KEYS, label)
    citation = parse_citation(ctx, entry.get("cite"), span, label)
    status = _parse_status(ctx, entry, span, label)
    end = None
    if entry.get("to") is not None:
        end = parse_date(entry["to"])
        if end is None:
            ctx.problems.add(
                ctx.doc.value_span(entry, "to"), f"{label}: 'to' is not an ISO date", "not-a-date"
            )
            return None
        if end < start:
            ctx.problems.add(ctx.doc.value_span(entry, "to"), f"{label}: ends before it starts")
            return None
    shape: Shape | None = None
    if "value" in entry and entry["value"] is not None:
        shape = parse_shape(ctx, entry["value"], ctx.doc.value_span(entry, "value"), label)
        if shape is None:
            return None
    elif status is not Status.UNCONFIRMED:
        ctx.problems.add(span, f"{label}: missing value (an OPEN value needs status: unconfirmed)")
        return None
    elif declared is None:
        ctx.problems.add(
            span, f"{label}: an OPEN value needs the parameter's type: int, float, bool or string"
        )
        return None
    if citation is None or status is None:
        return None
    note = str(entry["note"]) if entry.get("note") is not None else None
    return Period(start, end, shape, citation, status, span, note)


def _parse_status(ctx: Context, entry: CommentedMap, span: Span, label: str) -> Status | None:
    raw = str(entry.get("status", Status.CONFIRMED.value))
    allowed = [s.value for s in Status if s is not Status.SCENARIO]
    if raw not in allowed:
        ctx.problems.add(span, f"{label}: status '{raw}' is not one of {', '.join(allowed)}")
        return None
    return Status(raw)


def _close_periods(ctx: Context, periods: list[Period], what: str) -> list[Period]:
    """Sort periods; an open end runs to the day before the next start; overlaps are errors."""
    ordered = sorted(periods, key=lambda period: period.start)
    closed: list[Period] = []
    for current, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = current.end
        if following is not None:
            day_before = following.start - dt.timedelta(days=1)
            if end is not None and end > day_before:
                ctx.problems.add(
                    following.span,
                    f"{what}: period from {following.start} overlaps the period {current.start} → {end}",
                )
            end = day_before if end is None else end
        closed.append(
            Period(
                current.start,
                end,
                current.shape,
                current.citation,
                current.status,
                current.span,
                current.note,
            )
        )
    return closed
