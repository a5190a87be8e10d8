"""YAML with positions: read a policy file so every key and value knows its line and column.

ruamel's round-trip loader keeps positions (0-based) on mappings and sequences;
this module turns them into 1-based `Span`s and collects problems so that a file
reports all its errors at once, in file order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from statevisa.errors import PolicyError, Problem, problem
from statevisa.rules.model import Span


def at(span: Span, message: str, code: str = "invalid-policy") -> Problem:
    """A policy-file problem at `span`."""
    return problem(code, message, file=span.file, line=span.line, column=span.column)


@dataclass
class Problems:
    """Collects the problems of a policy file (each at file:line:col); raises them together."""

    items: list[tuple[Span, str, str]] = field(default_factory=list)

    def add(self, span: Span, message: str, code: str = "invalid-policy") -> None:
        self.items.append((span, message, code))

    def extend(self, found: list[Problem]) -> None:
        """Add problems already located (from another file's PolicyError)."""
        for item in found:
            where = item.location
            span = Span(where.file or "", where.line or 1, where.column or 1)
            self.items.append((span, item.message, item.code))

    def raise_if_any(self) -> None:
        if self.items:
            ordered = sorted(self.items, key=lambda item: (item[0].file, item[0].line, item[0].column))
            raise PolicyError([at(span, message, code) for span, message, code in ordered])

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class Document:
    """One parsed YAML file: its root mapping, its text, and the name used in messages."""

    name: str
    text: str
    root: CommentedMap

    def start(self) -> Span:
        return Span(self.name, 1, 1)

    def key_span(self, mapping: CommentedMap, key: object) -> Span:
        try:
            line, column = mapping.lc.key(key)
        except (KeyError, TypeError):  # a key merged in with `<<:` keeps no position of its own
            line, column = mapping.lc.line, mapping.lc.col
        return Span(self.name, line + 1, column + 1)

    def value_span(self, mapping: CommentedMap, key: object) -> Span:
        try:
            line, column = mapping.lc.value(key)
        except (KeyError, TypeError):
            line, column = mapping.lc.line, mapping.lc.col
        return Span(self.name, line + 1, column + 1)

    def item_span(self, sequence: CommentedSeq, index: int) -> Span:
        line, column = sequence.lc.item(index)
        return Span(self.name, line + 1, column + 1)

    def formula_origin(self, mapping: CommentedMap, key: object) -> tuple[Span, bool]:
        """Where the formula text of `mapping[key]` starts, and whether it is a block scalar.

        Plain and quoted scalars start at the value position (a quote shifts it by
        one); block scalars (``|`` or ``>``) start on the next line at its indentation.
        """
        value = mapping[key]
        span = self.value_span(mapping, key)
        if key not in mapping.lc.data:
            return span, False
        if isinstance(value, LiteralScalarString | FoldedScalarString):
            lines = self.text.splitlines()
            body = lines[span.line] if span.line < len(lines) else ""
            indent = len(body) - len(body.lstrip(" "))
            return Span(self.name, span.line + 1, indent + 1), True
        line = self.text.splitlines()[span.line - 1] if self.text else ""
        quoted = span.column - 1 < len(line) and line[span.column - 1] in "\"'"
        return Span(self.name, span.line, span.column + (1 if quoted else 0)), False


def place(origin: tuple[Span, bool], line: int, column: int) -> Span:
    """Map a (line, column) inside a formula to the file, given the formula's origin."""
    start, block = origin
    if block:
        return Span(start.file, start.line + line - 1, start.column + column - 1)
    return Span(start.file, start.line + line - 1, (start.column if line == 1 else 1) + column - 1)


def parse_yaml(text: str, name: str) -> Document:
    """Parse `text` (named `name` in messages); syntax errors and duplicate keys are PolicyErrors."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    try:
        root = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = error.problem or error.context or "invalid YAML"
        raise PolicyError(at(Span(name, line, column), f"YAML error: {reason}", "yaml-syntax")) from None
    if not isinstance(root, CommentedMap):
        raise PolicyError(
            at(Span(name, 1, 1), "a policy file must be a mapping of keys (id, title, ...)", "not-a-mapping")
        )
    return Document(name, text, root)


def mapping_items(value: object) -> Iterator[tuple[str, object]]:
    """Iterate a mapping's items with keys as text (dates and booleans included)."""
    mapping = cast(CommentedMap, value)
    for key, item in mapping.items():
        yield key_text(key), item


def key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
