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
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from statevisa.errors import PolicyError, Problem, byte_position, problem
from statevisa.rules.model import Span

MAX_POLICY_BYTES = 2_000_000
"""The largest policy (or section, or case-test) file read. The largest shipped file is about
60 KB; a file thirty times that is no hand-written policy, and the pure-Python YAML parser
would spend many seconds on it."""
MAX_YAML_DEPTH = 40
"""Deepest nesting of mappings and sequences (the shipped programs nest at most about 8 levels:
a table of brackets of tables). The YAML composer recurses once per level, so 10,000 levels
would exhaust the Python stack; deeper files are refused at the line where the limit is passed."""
MAX_YAML_NODES = 200_000
"""Most values a file may hold once its aliases are expanded (each use of ``*alias`` counts
its whole anchored value again). A "billion laughs" file is a few lines whose aliases expand
to billions of values; it is refused by this count before anything walks or prints it."""
MAX_YAML_CHARS = 5_000_000
"""Most characters of text a file may hold once its aliases are expanded (see MAX_YAML_NODES):
an alias of a long string used many times under ``title:`` would otherwise build gigabytes."""


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


def decode_policy(raw: bytes, name: str) -> str:
    """The text of a policy file's bytes: UTF-8 (a BOM allowed), of a sane size.

    Refusals name the file, and for bad bytes the line and column of the first one.
    """
    if len(raw) > MAX_POLICY_BYTES:
        message = f"{len(raw):,} bytes is too large for a policy file (limit {MAX_POLICY_BYTES:,})"
        raise PolicyError(at(Span(name, 1, 1), message, "too-large"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = byte_position(raw, error.start)
        message = f"not UTF-8 text (byte {raw[error.start]:#04x}): save the file as UTF-8"
        raise PolicyError(at(Span(name, line, column), message, "not-utf8")) from None


class _Constructor(RoundTripConstructor):
    """The round-trip constructor, except that a date-like scalar that is no real day
    (``2025-02-30``) stays text, so the key or value that holds it is refused in words
    (``not a date``) at its place instead of crashing the loader; and numbers are plain
    `int` and `float`, not ruamel's formatting-preserving subclasses, so a checked program
    holds only Python values (and its cached pickle loads without importing ruamel)."""

    def construct_lenient_timestamp(self, node: Node, values: object = None) -> object:
        try:
            return self.construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)

    def construct_plain_int(self, node: Node) -> int:
        return int(self.construct_yaml_int(node))

    def construct_plain_float(self, node: Node) -> float:
        return float(self.construct_yaml_float(node))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_lenient_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_plain_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_plain_float)


def _too_large(root: Node) -> Node | None:
    """The first node whose value, with every alias expanded, passes MAX_YAML_NODES values or
    MAX_YAML_CHARS characters (None: within the limits). Each distinct node is measured once,
    without recursion, so this costs the size of the file, not of its expansion."""
    sizes: dict[int, tuple[int, int]] = {}
    visiting: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes and not done:
            continue
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        if not done:
            if any(id(child) in visiting for child in children):
                return node  # an anchor inside itself expands forever
            visiting.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        visiting.discard(id(node))
        count = 1 + sum(sizes.get(id(child), (1, 0))[0] for child in children)
        chars = (len(node.value) if isinstance(node, ScalarNode) else 0) + sum(
            sizes.get(id(child), (1, 0))[1] for child in children
        )
        sizes[id(node)] = (count, chars)
        if count > MAX_YAML_NODES or chars > MAX_YAML_CHARS:
            return node
    return None


def _load(yaml: YAML, text: str, name: str) -> object:
    """`yaml.load(text)`, with the composed node graph measured before anything is built."""
    constructor, parser = yaml.get_constructor_parser(text)
    try:
        node = constructor.composer.get_single_node()
        if node is None:
            return None
        culprit = _too_large(node)
        if culprit is not None:
            mark = culprit.start_mark
            message = (
                f"the file expands (through its aliases) to more than {MAX_YAML_NODES:,} values "
                f"or {MAX_YAML_CHARS:,} characters: a policy file is not that large"
            )
            raise PolicyError(at(Span(name, mark.line + 1, mark.column + 1), message, "yaml-too-large"))
        return constructor.construct_document(node)
    finally:
        parser.dispose()
        for part in ("reader", "scanner"):
            reset = getattr(getattr(yaml, "_" + part, None), f"reset_{part}", None)
            if reset is not None:
                reset()


def parse_yaml(text: str, name: str) -> Document:
    """Parse `text` (named `name` in messages); syntax errors and duplicate keys are PolicyErrors.

    Hostile YAML is refused by size before anything is built: nesting deeper than
    MAX_YAML_DEPTH, aliases expanding past MAX_YAML_NODES or MAX_YAML_CHARS.
    """
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.allow_duplicate_keys = False
    yaml.max_depth = MAX_YAML_DEPTH
    try:
        root = _load(yaml, text, name)
    except MaxDepthExceededError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"nested deeper than {MAX_YAML_DEPTH} levels: a policy file is not that deep"
        raise PolicyError(at(Span(name, line, column), message, "yaml-too-deep")) from None
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
