"""Load a policy file (and its section files) into a checked `Program`.

`parse_program` is pure (text in, Program out); `load_program` adds the file
reading. Every problem in the file is collected and raised once as a
`PolicyError` whose lines read ``file:line:col: message``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from statevisa.errors import PolicyError
from statevisa.reference.indicators import INDICATORS
from statevisa.rules import ast
from statevisa.rules.check import check_program
from statevisa.rules.load_parameters import (
    Context,
    expect_mapping,
    parse_citation,
    parse_date,
    parse_parameter,
    unknown_keys,
)
from statevisa.rules.model import (
    ConstraintSpec,
    InputSpec,
    Kind,
    Notice,
    Origin,
    ParameterSpec,
    Program,
    ProgramStatus,
    Reference,
    RuleSpec,
    Span,
    Type,
    Value,
)
from statevisa.rules.operations import parse_operations
from statevisa.rules.parse import FormulaSyntaxError, parse_formula
from statevisa.rules.source import Document, Problems, decode_policy, key_text, parse_yaml, place

PROGRAM_KEYS = (
    "id", "title", "jurisdiction", "status", "version", "description", "references",
    "inputs", "parameters", "rules", "outputs", "constraints", "notices", "sections", "operations",
)  # fmt: skip
SECTION_KEYS = ("section", "description", "inputs", "parameters", "rules", "constraints")
INPUT_KEYS = ("type", "values", "min", "max", "unit", "description", "optional_when", "default", "source")
RULE_KEYS = ("formula", "cite", "description", "unit")
CONSTRAINT_KEYS = ("name", "check", "message", "columns")
NOTICE_KEYS = ("from", "to", "message", "cite")
PROGRAM_STATUSES = tuple(status.value for status in ProgramStatus)
INPUT_TYPES = {kind.value: kind for kind in Kind if kind is not Kind.TAGS}
"""Input types a program file may declare. Tags values come from callers that build them typed
(the cooperation facts); program tables have no tags column format yet."""
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PROGRAM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
JURISDICTION = re.compile(r"^(US|[0-9]{2}|[0-9]{5}|[A-Z]{2})$")
RESERVED = frozenset({"id", "on"})


@dataclass
class Collected:
    """Definitions gathered from the program file and its sections."""

    inputs: dict[str, InputSpec] = field(default_factory=dict)
    parameters: dict[str, ParameterSpec] = field(default_factory=dict)
    rules: dict[str, RuleSpec] = field(default_factory=dict)
    constraints: list[ConstraintSpec] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)


def load_program(path: Path) -> Program:
    """Read and check the policy file at `path` (a program.yaml) with its section files."""
    if not path.is_file():
        raise PolicyError(f"{path}: no such policy file")
    return parse_program(decode_policy(path.read_bytes(), str(path)), path, _reader(path.parent))


def _reader(folder: Path) -> Callable[[str], str | None]:
    def read(name: str) -> str | None:
        target = (folder / name).resolve()
        if folder.resolve() not in target.parents or not target.is_file():
            return None
        return decode_policy(target.read_bytes(), str(folder / name))

    return read


def parse_program(text: str, path: Path, read_section: Callable[[str], str | None] | None = None) -> Program:
    """Build a checked Program from policy-file text; `read_section` returns a section file's text."""
    doc = parse_yaml(text, str(path))
    problems = Problems()
    root = doc.root
    unknown_keys(Context(doc, problems, {}), root, PROGRAM_KEYS, "program")
    references = parse_references(doc, problems)
    ctx = Context(doc, problems, references)
    meta = _metadata(ctx)
    collected = Collected()
    _collect(ctx, root, collected)
    for name, section_doc in _sections(ctx, read_section):
        section_ctx = Context(section_doc, problems, references)
        unknown_keys(section_ctx, section_doc.root, SECTION_KEYS, f"section {name}")
        _collect(section_ctx, section_doc.root, collected)
    outputs = _outputs(ctx)
    notices = _notices(ctx)
    operations = parse_operations(ctx, root)
    problems.raise_if_any()
    program = Program(
        id=meta["id"],
        title=meta["title"],
        jurisdiction=meta["jurisdiction"],
        status=ProgramStatus(meta["status"]),
        version=meta["version"],
        path=path,
        description=meta["description"],
        references=references,
        inputs=collected.inputs,
        parameters=collected.parameters,
        rules=collected.rules,
        outputs=outputs,
        constraints=tuple(collected.constraints),
        notices=notices,
        operations=operations,
    )
    return check_program(program, _output_spans(ctx))


def _metadata(ctx: Context) -> dict[str, str]:
    root, doc, problems = ctx.doc.root, ctx.doc, ctx.problems
    meta: dict[str, str] = {}
    for key in ("id", "title", "jurisdiction", "status", "version"):
        if root.get(key) in (None, ""):
            problems.add(doc.start(), f"program: missing required key '{key}'")
        meta[key] = str(root.get(key, ""))
    meta["description"] = str(root.get("description", ""))
    if meta["id"] and not PROGRAM_ID.match(meta["id"]):
        problems.add(
            doc.value_span(root, "id"),
            f"program id '{meta['id']}' must be lower-case words joined by '-'",
        )
    if meta["jurisdiction"] and not JURISDICTION.match(meta["jurisdiction"]):
        problems.add(
            doc.value_span(root, "jurisdiction"),
            f"jurisdiction '{meta['jurisdiction']}' must be US, a state FIPS (06), a county FIPS "
            "(06037) or an ISO 3166-1 alpha-2 country code (CA)",
        )
    if meta["status"] and meta["status"] not in PROGRAM_STATUSES:
        problems.add(
            doc.value_span(root, "status"),
            f"program status '{meta['status']}' is not one of {', '.join(PROGRAM_STATUSES)}",
        )
    return meta


def parse_references(doc: Document, problems: Problems) -> dict[str, Reference]:
    """The ``references:`` of a file: KEY → {title, url}, cited as ``KEY: pinpoint``."""
    raw = doc.root.get("references")
    if raw is None:
        return {}
    if not isinstance(raw, CommentedMap):
        problems.add(doc.value_span(doc.root, "references"), "references: expected KEY: {title, url}")
        return {}
    found: dict[str, Reference] = {}
    for key, body in raw.items():
        if not isinstance(body, CommentedMap) or not body.get("title"):
            problems.add(doc.key_span(raw, key), f"reference '{key}': needs a title (and a url)")
            continue
        url = body.get("url")
        found[key_text(key)] = Reference(key_text(key), str(body["title"]), str(url) if url else None)
    return found


def _sections(ctx: Context, read_section: Callable[[str], str | None] | None) -> list[tuple[str, Document]]:
    raw = ctx.doc.root.get("sections")
    if raw is None:
        return []
    if not isinstance(raw, CommentedSeq):
        ctx.problems.add(ctx.doc.value_span(ctx.doc.root, "sections"), "sections: expected a list of files")
        return []
    docs: list[tuple[str, Document]] = []
    for index, name in enumerate(raw):
        try:
            text = read_section(str(name)) if read_section else None
        except PolicyError as error:
            ctx.problems.extend(error.problems)
            continue
        if text is None:
            ctx.problems.add(
                ctx.doc.item_span(raw, index), f"section file '{name}' not found beside the program"
            )
            continue
        section_name = str(Path(ctx.doc.name).parent / str(name))
        try:
            docs.append((str(name), parse_yaml(text, section_name)))
        except PolicyError as error:
            ctx.problems.extend(error.problems)
    return docs


def _collect(ctx: Context, root: CommentedMap, into: Collected) -> None:
    for key, parse in (("inputs", _input), ("parameters", parse_parameter), ("rules", _rule)):
        block = root.get(key)
        if block is None:
            continue
        if not isinstance(block, CommentedMap):
            ctx.problems.add(ctx.doc.value_span(root, key), f"{key}: expected a mapping of names")
            continue
        for name_key, body in block.items():
            name, span = key_text(name_key), ctx.doc.key_span(block, name_key)
            if not _fresh_name(ctx, name, span, into):
                continue
            item = parse(ctx, name, body, span)
            if item is None:
                continue
            into.spans[name] = span
            target: dict[str, object] = getattr(into, key)
            target[name] = item
    _constraints(ctx, root, into)


def _fresh_name(ctx: Context, name: str, span: Span, into: Collected) -> bool:
    if not NAME.match(name) or name in RESERVED:
        ctx.problems.add(span, f"name '{name}' must be lower_snake_case and not one of {sorted(RESERVED)}")
        return False
    if name in into.spans:
        ctx.problems.add(span, f"name '{name}' is already defined at {into.spans[name]}")
        return False
    return True


def _formula(ctx: Context, mapping: CommentedMap, key: str, what: str) -> tuple[str, ast.Node, Origin] | None:
    text = mapping.get(key)
    if not isinstance(text, str | int | float) or isinstance(text, bool) or str(text).strip() == "":
        ctx.problems.add(ctx.doc.key_span(mapping, key) if key in mapping else ctx.doc.start(),
                         f"{what}: '{key}' must be a formula")  # fmt: skip
        return None
    origin = ctx.doc.formula_origin(mapping, key)
    try:
        return str(text), parse_formula(str(text)), origin
    except FormulaSyntaxError as error:
        ctx.problems.add(place(origin, error.line, error.column), f"{what}: {error.message}", error.code)
        return None


def _input(ctx: Context, name: str, body: object, span: Span) -> InputSpec | None:
    what = f"input '{name}'"
    body = expect_mapping(ctx, body, span, what, INPUT_KEYS, "a type")
    if body is None:
        return None
    kind = INPUT_TYPES.get(str(body.get("type")))
    if kind is None:
        ctx.problems.add(span, f"{what}: type must be one of {', '.join(INPUT_TYPES)}")
        return None
    values: tuple[str, ...] = ()
    if kind is Kind.ENUM:
        raw = body.get("values")
        if not isinstance(raw, CommentedSeq) or not raw or len(set(map(str, raw))) != len(raw):
            ctx.problems.add(span, f"{what}: an enum needs a list of distinct values")
            return None
        values = tuple(key_text(value) for value in raw)
    optional = _formula(ctx, body, "optional_when", what) if "optional_when" in body else None
    default: Value | None = body.get("default")
    if default is not None:
        default = key_text(default) if kind is Kind.ENUM else default
        if kind is Kind.ENUM and default not in values:
            ctx.problems.add(
                ctx.doc.value_span(body, "default"),
                f"{what}: default '{default}' is not a declared value",
            )
    if optional is not None and default is None:
        ctx.problems.add(span, f"{what}: optional_when needs a default for blank cells")
    source, source_key = _source(ctx, body, what, kind)
    return InputSpec(
        name=name,
        type=Type(kind, values),
        span=span,
        description=str(body.get("description", "")),
        unit=str(body["unit"]) if "unit" in body else None,
        minimum=_number(ctx, body, "min", what),
        maximum=_number(ctx, body, "max", what),
        optional_when=optional[1] if optional else None,
        optional_when_text=optional[0] if optional else None,
        optional_when_origin=optional[2] if optional else None,
        default=default,
        source=source,
        source_key=source_key,
    )


def _source(ctx: Context, body: CommentedMap, what: str, kind: Kind) -> tuple[str | None, str | None]:
    """``source: {indicator: NAME, key: INPUT}``: fill the input from reference data by FIPS."""
    if "source" not in body:
        return None, None
    raw = body["source"]
    span = ctx.doc.value_span(body, "source")
    if not isinstance(raw, CommentedMap) or set(map(str, raw)) != {"indicator", "key"}:
        ctx.problems.add(span, f"{what}: source must be {{indicator: NAME, key: INPUT}}")
        return None, None
    name = str(raw["indicator"])
    if name not in INDICATORS:
        ctx.problems.add(span, f"{what}: unknown indicator '{name}' (indicators: {', '.join(INDICATORS)})")
        return None, None
    if kind not in (Kind.INT, Kind.FLOAT):
        ctx.problems.add(span, f"{what}: an input filled from an indicator must be a number (int or float)")
        return None, None
    return name, str(raw["key"])


def _number(ctx: Context, body: CommentedMap, key: str, what: str) -> float | None:
    if key not in body:
        return None
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        ctx.problems.add(ctx.doc.value_span(body, key), f"{what}: {key} must be a finite number")
        return None
    return float(value)


def _rule(ctx: Context, name: str, body: object, span: Span) -> RuleSpec | None:
    what = f"rule '{name}'"
    body = expect_mapping(ctx, body, span, what, RULE_KEYS, "formula and cite")
    if body is None:
        return None
    citation = parse_citation(ctx, body.get("cite"), span, what)
    formula = _formula(ctx, body, "formula", what)
    if formula is None or citation is None:
        return None
    return RuleSpec(
        name=name,
        formula=formula[0],
        node=formula[1],
        span=span,
        citation=citation,
        origin=formula[2],
        description=str(body.get("description", "")),
        unit=str(body["unit"]) if "unit" in body else None,
    )


def _constraints(ctx: Context, root: CommentedMap, into: Collected) -> None:
    raw = root.get("constraints")
    if raw is None:
        return
    if not isinstance(raw, CommentedSeq):
        ctx.problems.add(ctx.doc.value_span(root, "constraints"), "constraints: expected a list")
        return
    for index, body in enumerate(raw):
        span = ctx.doc.item_span(raw, index)
        if not isinstance(body, CommentedMap) or not body.get("message") or not body.get("name"):
            ctx.problems.add(span, "constraint: needs name, check and message")
            continue
        unknown_keys(ctx, body, CONSTRAINT_KEYS, f"constraint '{body['name']}'")
        formula = _formula(ctx, body, "check", f"constraint '{body['name']}'")
        if formula is None:
            continue
        columns = tuple(str(c) for c in body.get("columns", ())) or tuple(ast.ordered_names(formula[1]))
        into.constraints.append(
            ConstraintSpec(
                str(body["name"]),
                formula[0],
                formula[1],
                str(body["message"]),
                span,
                columns,
                formula[2],
            )
        )


def _outputs(ctx: Context) -> tuple[str, ...]:
    raw = ctx.doc.root.get("outputs")
    if not isinstance(raw, CommentedSeq) or not raw:
        ctx.problems.add(ctx.doc.start(), "program: 'outputs' must list the rules written out")
        return ()
    return tuple(str(name) for name in raw)


def _output_spans(ctx: Context) -> dict[str, Span]:
    raw = ctx.doc.root.get("outputs")
    assert isinstance(raw, CommentedSeq)
    return {str(name): ctx.doc.item_span(raw, index) for index, name in enumerate(raw)}


def _notices(ctx: Context) -> tuple[Notice, ...]:
    raw = ctx.doc.root.get("notices")
    if raw is None:
        return ()
    found: list[Notice] = []
    for index, body in enumerate(raw if isinstance(raw, CommentedSeq) else []):
        span = ctx.doc.item_span(raw, index)
        start = parse_date(body.get("from")) if isinstance(body, CommentedMap) else None
        if not isinstance(body, CommentedMap) or start is None or not body.get("message"):
            ctx.problems.add(span, "notice: needs from (ISO date) and message")
            continue
        unknown_keys(ctx, body, NOTICE_KEYS, "notice")
        end = parse_date(body["to"]) if body.get("to") is not None else None
        citation = parse_citation(ctx, body["cite"], span, "notice") if "cite" in body else None
        found.append(Notice(start, end, str(body["message"]), citation))
    return tuple(found)
