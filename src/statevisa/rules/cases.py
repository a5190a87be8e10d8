"""One case from a mapping (a JSON object, a YAML test, an API submission), validated in plain Python.

This is the path a platform submission takes, so it must cost far less than a table: no
Polars frame is built for one person. It follows the grammar of `rules.values`, the same
one the table validator follows, and raises the same problems in the same order (blank and
unparsable cells, bounds, optional inputs, constraints), located at the case instead of a
row; a property test holds the two validators to the same verdict.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from statevisa.errors import InputError, Problem, problem
from statevisa.rules import values as rules_values
from statevisa.rules.evaluate import CaseResult, Refused, evaluate_case, evaluate_node
from statevisa.rules.model import InputSpec, Program, Value
from statevisa.rules.resolve import Resolved
from statevisa.rules.sources import case_sources
from statevisa.rules.values import BLANK, BLANK_REQUIRED, OK, at_case, cell_text, describe

MAX_MESSAGES = 20


def case_frame(columns: Mapping[str, list[object]]) -> pl.DataFrame:
    """An all-text frame from columns of values, as a CSV file would hold them."""

    def text(value: object) -> str:
        found = cell_text(value)
        if found is None:
            raise InputError(
                problem("not-a-value", f"value {value!r} is not a number, true/false, a date or text")
            )
        return found

    return pl.DataFrame(
        {name: [text(value) for value in values] for name, values in columns.items()},
        schema=dict.fromkeys(columns, pl.String),
    )


def with_blanks(program: Program, values: Mapping[str, object]) -> dict[str, object]:
    """`values` plus a blank for every optional input it leaves out.

    Unlike a table, a case may leave out inputs that are optional for it; they count as blank.
    """
    blanks = {
        name: None for name, spec in program.inputs.items() if spec.optional_when and name not in values
    }
    return {**values, **blanks}


def typed_case(resolved: Resolved, values: Mapping[str, object], source: str) -> dict[str, Value]:
    """Validate one case and return its typed inputs (enum values as text)."""
    program = resolved.program
    row, found = case_sources(program, with_blanks(program, values), source, at_case)
    if found:
        raise InputError(found)
    names = ["id", *program.inputs]
    missing = [name for name in names if name not in row]
    if missing:
        message = f"missing required column(s): {', '.join(missing)}"
        raise InputError(problem("missing-column", message, file=source))
    raw_id = row["id"]
    id_text = cell_text(raw_id)
    row_id = None if id_text is None else rules_values.strip(id_text)
    problems: list[Problem] = []
    if not row_id:
        problems.append(at_case("blank-id", "blank id", source, 0, None, "id"))
    typed: dict[str, Value] = {"id": row_id or ""}
    codes: dict[str, int] = {}
    for spec in program.inputs.values():
        value, code = rules_values.parse(spec, row[spec.name])
        if code == OK:
            code = rules_values.bounded(spec, value)
        codes[spec.name] = code
        if value is not None:
            typed[spec.name] = value  # type: ignore[assignment]
    for spec in program.inputs.values():
        if spec.optional_when is None or codes[spec.name] != BLANK:
            continue
        try:
            allowed = bool(evaluate_node(resolved, typed, spec.optional_when))
        except KeyError:  # a plain input it reads is blank or unparsable: as the table path, allow
            allowed = True
        except Refused as refused:
            raise InputError(at_case(refused.code, refused.message, source, 0, row_id, spec.name)) from None
        if allowed:
            codes[spec.name] = OK
            typed[spec.name] = rules_values.parse(spec, spec.default)[0]  # type: ignore[assignment]
        else:
            codes[spec.name] = BLANK_REQUIRED
    for spec in program.inputs.values():
        if codes[spec.name] != OK:
            problems.append(_problem(spec, codes[spec.name], row[spec.name], source, row_id))
    if problems:
        raise InputError(problems[:MAX_MESSAGES])
    try:
        failed = [
            rules_values.constraint_problem(constraint, source, 0, row_id, at_case)
            for constraint in program.constraints
            if evaluate_node(resolved, typed, constraint.node) is False
        ]
    except Refused as refused:
        raise InputError(at_case(refused.code, refused.message, source, 0, row_id, "constraint")) from None
    if failed:
        raise InputError(failed)
    return typed


def _problem(spec: InputSpec, code: int, raw: object, source: str, row_id: str | None) -> Problem:
    text = cell_text(raw)
    shown = rules_values.strip(text) if text is not None else f"{type(raw).__name__} value"
    key, what = describe(spec, code, shown)
    return at_case(key, what, source, 0, row_id, spec.name)


def evaluate_one(resolved: Resolved, values: Mapping[str, object], source: str) -> CaseResult:
    """Validate and evaluate one case, with its explanation; a rule that cannot be computed
    (an overflow, a division by zero) is refused at the case and the rule."""
    typed = typed_case(resolved, values, source)
    try:
        return evaluate_case(resolved, typed)
    except Refused as refused:
        raise InputError(
            at_case(refused.code, refused.message, source, 0, typed["id"], refused.rule)
        ) from None
