"""One case from a mapping (a JSON object or a YAML test): validated exactly as a table row is.

A single case goes through the same validator as a million-row file, as a
one-row table, so a value a file would refuse is refused here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from statevisa.errors import InputError
from statevisa.rules.evaluate import CaseResult, evaluate_case
from statevisa.rules.model import Program, Value
from statevisa.rules.resolve import Resolved
from statevisa.rules.validate import validate


def cell(value: object) -> str:
    """The text a CSV cell would hold for `value`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return str(value)
    raise InputError(f"value {value!r} is not a number, true/false, a date or text")


def case_frame(columns: Mapping[str, list[object]]) -> pl.DataFrame:
    """An all-text frame from columns of values, as a CSV file would hold them."""
    return pl.DataFrame(
        {name: [cell(value) for value in values] for name, values in columns.items()},
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

    def label(index: int, row_id: object) -> str:
        return f"case {row_id}" if row_id not in (None, "") else "case"

    row = with_blanks(resolved.program, values)
    typed = validate(resolved, case_frame({name: [value] for name, value in row.items()}), source, label)
    return dict(typed.row(0, named=True))


def evaluate_one(resolved: Resolved, values: Mapping[str, object], source: str) -> CaseResult:
    """Validate and evaluate one case, with its explanation."""
    return evaluate_case(resolved, typed_case(resolved, values, source))
