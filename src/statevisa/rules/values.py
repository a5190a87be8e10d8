"""What counts as a valid input value: one grammar for a table cell and for one case.

The table validator (`rules.validate`, Polars) and the per-case validator (`rules.cases`,
plain Python) must give the same verdict on the same value, so the grammar is written down
here once and both follow it (a property test holds them to it):

- text is stripped of Unicode White_Space (the set Polars strips, listed in `WHITESPACE`);
  a cell that is then empty is blank;
- int: ``[+-]?[0-9]+`` within 64 bits; float: ``[+-]?(digits[.digits] | .digits)[e[+-]digits]``
  and finite (``nan`` and ``inf`` parse but are refused); bool: ``true``/``false``/``1``/``0``
  in any case; date: exactly ``YYYY-MM-DD``, a real day in years 1-9999; enum: one of the
  declared values, exactly; string: anything.
- bounds: an int input's ``min``/``max`` are compared as whole numbers (``min: 2.5`` means
  at least 3), so huge integers compare exactly in both paths.
The problem codes are small integers per cell; `describe` puts one into words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

from statevisa.errors import Location, Problem, table_problem
from statevisa.rules.model import ConstraintSpec, InputSpec, Kind

OK, BLANK, UNPARSABLE, BELOW, ABOVE, BLANK_REQUIRED, DUPLICATE, FAILED = range(8)
"""Problem codes per cell."""

WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Unicode White_Space, the characters Rust (and so Polars) strips; Python's str.strip() strips
a few more (the ASCII separators 0x1c-0x1f), so both paths strip exactly these."""

INT_RE = re.compile(r"^[+-]?[0-9]+$")
FLOAT_RE = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_RE = re.compile(DATE_PATTERN)
MIN_YEAR, MAX_YEAR = 1, 9999
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
SHOWN = 60
"""A value longer than this is cut in messages."""

Where = Callable[[str, str, str, int, object, str], Problem]
"""Builds the problem of one cell: (code, message, source, row index, row id, column)."""


def at_row(code: str, message: str, source: str, index: int, row_id: object, column: str) -> Problem:
    """A problem in a table: ``source: row N (id X), column C: message``."""
    return table_problem(code, message, source, index, row_id, column)


def at_case(code: str, message: str, source: str, index: int, row_id: object, column: str) -> Problem:
    """A problem in one case: ``source: case X, column C: message``."""
    shown = "" if row_id is None else str(row_id)
    return Problem(code, message, Location(file=source, row_id=shown, field=column))


def strip(text: str) -> str:
    return text.strip(WHITESPACE)


def shown(raw: str) -> str:
    return raw if len(raw) <= SHOWN else raw[: SHOWN - 1] + "…"


def int_bounds(spec: InputSpec) -> tuple[int | None, int | None]:
    """An int input's bounds as whole numbers within 64 bits (None: no bound).

    ``min: 2.5`` means at least 3 and ``max: 2.5`` at most 2; both paths compare these
    integers, so values near 2**63 compare exactly. Non-finite bounds are refused when the
    policy file is loaded; bounds beyond 64 bits are clamped to its range.
    """

    def clamp(bound: int) -> int:
        return min(max(bound, INT64_MIN), INT64_MAX)

    low = None if spec.minimum is None else clamp(math.ceil(spec.minimum))
    high = None if spec.maximum is None else clamp(math.floor(spec.maximum))
    return (None if low == INT64_MIN else low, None if high == INT64_MAX else high)


def describe(spec: InputSpec, code: int, raw: str) -> tuple[str, str]:
    """The stable problem code and the words for a cell's problem."""
    text = f"'{shown(raw)}'"
    if code == BLANK:
        return "blank", "blank value"
    if code == BLANK_REQUIRED:
        return "blank", f"blank value (allowed only when {spec.optional_when_text})"
    if code == BELOW:
        assert spec.minimum is not None
        return "below-minimum", f"{text} is below the minimum {spec.minimum:g}"
    if code == ABOVE:
        assert spec.maximum is not None
        return "above-maximum", f"{text} is above the maximum {spec.maximum:g}"
    match spec.type.kind:
        case Kind.INT:
            return "not-a-whole-number", f"{text} is not a whole number"
        case Kind.FLOAT:
            return "not-a-number", f"{text} is not a number"
        case Kind.BOOL:
            return "not-true-or-false", f"{text} is not true or false"
        case Kind.ENUM:
            return "not-a-declared-value", f"{text} is not one of {', '.join(spec.type.values)}"
        case Kind.DATE:
            return "not-a-date", f"{text} is not an ISO date (YYYY-MM-DD)"
        case _:
            return "invalid", f"{text} is not valid"


def constraint_problem(
    constraint: ConstraintSpec, source: str, index: int, row_id: object, where: Where
) -> Problem:
    """A failed constraint, located at every column it names."""
    columns = ", ".join(constraint.columns)
    return where("constraint-failed", constraint.message, source, index, row_id, columns)


def cell_text(value: object) -> str | None:
    """The text a CSV cell would hold for `value`; None for a value no cell can hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value) if abs(value) < 10**100 else None
    if isinstance(value, float | str):
        return str(value)
    return None


def parse(spec: InputSpec, value: object) -> tuple[object, int]:
    """(typed value or None, code) for one value given as a Python object or text.

    A Python value is judged as the text a CSV cell would hold for it (``cell_text``), without
    building that text where the type already answers (an int for an int input).
    """
    kind = spec.type.kind
    if value is None:
        return None, BLANK
    if kind is Kind.INT and isinstance(value, int) and not isinstance(value, bool):
        return (value, OK) if INT64_MIN <= value <= INT64_MAX else (None, UNPARSABLE)
    if kind is Kind.FLOAT and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return None, UNPARSABLE
        return (number, OK) if math.isfinite(number) else (None, UNPARSABLE)
    if kind is Kind.BOOL and isinstance(value, bool):
        return value, OK
    if kind is Kind.DATE and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value, OK
    text = cell_text(value)
    if text is None:
        return None, UNPARSABLE
    text = strip(text)
    if text == "":
        return None, BLANK
    return parse_text(spec, text)


def parse_text(spec: InputSpec, text: str) -> tuple[object, int]:
    """(typed value or None, code) for stripped, non-blank text."""
    match spec.type.kind:
        case Kind.INT:
            if len(text) > 25 or not INT_RE.match(text):
                return None, UNPARSABLE
            whole = int(text)
            return (whole, OK) if INT64_MIN <= whole <= INT64_MAX else (None, UNPARSABLE)
        case Kind.FLOAT:
            if not FLOAT_RE.match(text):
                return None, UNPARSABLE
            number = float(text)
            return (number, OK) if math.isfinite(number) else (None, UNPARSABLE)
        case Kind.BOOL:
            found = {"true": True, "1": True, "false": False, "0": False}.get(text.lower())
            return (found, OK) if found is not None else (None, UNPARSABLE)
        case Kind.ENUM:
            return (text, OK) if text in spec.type.values else (None, UNPARSABLE)
        case Kind.DATE:
            if not DATE_RE.match(text):
                return None, UNPARSABLE
            try:
                return dt.date.fromisoformat(text), OK
            except ValueError:
                return None, UNPARSABLE
        case Kind.STRING:
            return text, OK
        case Kind.TAGS:
            raise AssertionError("program inputs are never tags (see rules.load.INPUT_TYPES)")


def bounded(spec: InputSpec, value: object) -> int:
    """OK, BELOW or ABOVE for a parsed value against the input's declared bounds."""
    if spec.type.kind is Kind.INT:
        assert isinstance(value, int)
        low, high = int_bounds(spec)
        if low is not None and value < low:
            return BELOW
        if high is not None and value > high:
            return ABOVE
        return OK
    if spec.type.kind is Kind.FLOAT:
        assert isinstance(value, float)
        if spec.minimum is not None and value < spec.minimum:
            return BELOW
        if spec.maximum is not None and value > spec.maximum:
            return ABOVE
    return OK
