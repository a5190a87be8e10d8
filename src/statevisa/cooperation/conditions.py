"""Rule conditions are policy-language expressions: one language in the whole product.

A condition is parsed by the rules engine's parser (`rules.parse`), typed by its checker
(`rules.check`) against the request facts of `cooperation.vocabulary`, and evaluated by its
per-case evaluator (`rules.evaluate`). The facts play the part of a program's inputs: this
module builds that program once, with no parameters and no rules of its own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from statevisa.cooperation.facts import Facts
from statevisa.cooperation.vocabulary import CATEGORY, FRAME_START, RESERVED_FACTS, condition_names
from statevisa.rules import ast
from statevisa.rules.check import BOOL, EVALUATION_DATE, Checker
from statevisa.rules.evaluate import evaluate_node
from statevisa.rules.model import InputSpec, Origin, Program, ProgramStatus, Span
from statevisa.rules.parse import FormulaSyntaxError, parse_formula
from statevisa.rules.resolve import Resolved
from statevisa.rules.source import Problems, place


@cache
def facts_program() -> Program:
    """The request facts as a program's inputs: the names a condition may read, typed."""
    where = Span("statevisa/cooperation/vocabulary.py", 1, 1)
    inputs = {name: InputSpec(name, type_, where) for name, type_ in condition_names().items()}
    return Program(
        id="cooperation-facts",
        title="The facts of a federal enforcement request",
        jurisdiction="US",
        status=ProgramStatus.REFERENCE,
        version="1.0.0",
        path=Path("statevisa/cooperation/vocabulary.py"),
        description="The names rule conditions read (docs/cooperation.md, the facts).",
        references={},
        inputs=inputs,
        parameters={},
        rules={},
        outputs=(),
        constraints=(),
        notices=(),
    )


def compile_condition(text: str, origin: Origin, what: str, problems: Problems) -> ast.Node | None:
    """Parse and type `text` as a true/false condition over the facts, or record why not.

    Problems are placed at file:line:col inside the condition (via `origin`) and start with
    `what` (``rule 'CA-honor_detainer-1'``), so a defect names the rule and where it is.
    """
    try:
        node = parse_formula(text)
    except FormulaSyntaxError as error:
        problems.add(place(origin, error.line, error.column), f"{what}: {error.message}", error.code)
        return None
    for name, why in _FORBIDDEN.items():
        read = _first(node, name)
        if read is not None:
            problems.add(place(origin, *read.pos), f"{what}: {why}")
            return None
    program = facts_program()
    types = {name: spec.type for name, spec in program.inputs.items()}
    typed = Checker(program, problems, dict(types)).formula(node, origin, what, types)
    if typed is not None and typed != BOOL:
        problems.add(place(origin, *node.pos), f"{what}: a condition must be true/false, got {typed}")
        return None
    return node if typed is not None else None


_FORBIDDEN = {
    EVALUATION_DATE: f"a condition cannot read '{EVALUATION_DATE}' (dates: effective_from, effective_to)",
    **{name: f"'{name}' is a reserved fact: no condition may read it yet" for name in sorted(RESERVED_FACTS)},
}


def _first(node: ast.Node, name: str) -> ast.Name | None:
    """The first place a formula reads `name`, for the problem's position."""
    stack, found = [node], []
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Name) and current.id == name:
            found.append(current)
        stack.extend(ast.children(current))
    return min(found, key=lambda item: item.pos) if found else None


@cache
def _resolved() -> Resolved:
    return Resolved(facts_program(), FRAME_START, {})


def holds(node: ast.Node, facts: Facts, category: str) -> bool:
    """Whether a checked condition holds for `facts` (`category`: the share_data category or '')."""
    case = {name: value for name, value in facts.values.items() if value is not None}
    return evaluate_node(_resolved(), {**case, CATEGORY: category}, node) is True


def reads(node: ast.Node) -> list[str]:
    """The facts a condition reads, in the order written: what its explanation shows."""
    return ast.ordered_names(node)
