"""The explanation of one decision: a typed tree a caseworker can read and a machine can parse.

Each node says what was used (a rule, an input, a parameter value), its value,
and why it applies: the formula for a rule, the period in force, the citation
and its status for a parameter, the table row for a lookup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from statevisa.rules.model import Value

SCHEMA_VERSION = 1


class TraceKind(StrEnum):
    RULE = "rule"
    INPUT = "input"
    PARAMETER = "parameter"


@dataclass(frozen=True)
class Trace:
    """One node of an explanation tree."""

    kind: TraceKind
    name: str
    value: Value
    description: str = ""
    formula: str | None = None
    citation: str | None = None
    cite: str | None = None
    """The short citation (reference key and pinpoint) shown in the readable tree."""
    status: str | None = None
    in_force: str | None = None
    detail: str | None = None
    children: tuple[Trace, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, object]:
        """A plain dict; keys with no value are left out."""
        data: dict[str, object] = {
            "kind": self.kind.value,
            "name": self.name,
            "value": json_value(self.value),
        }
        for key in ("description", "formula", "citation", "cite", "status", "in_force", "detail"):
            item = getattr(self, key)
            if item:
                data[key] = item
        if self.children:
            data["children"] = [child.to_json() for child in self.children]
        return data


def json_value(value: Value) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def show(value: Value) -> str:
    """A value as a person reads it: true/false, ISO dates; a float keeps its decimal point."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    return str(value)
