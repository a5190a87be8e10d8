"""Reading what a visitor typed: whole numbers, dates and choices, refused as problems at their field.

Query strings and forms arrive as text; each value is read here once, and a bad one is an
`InputError` naming the form field, which the page shows beside the form (never a 500).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from statevisa.errors import InputError, problem

MAX_WHOLE = 10**12


def whole(text: str | None, field: str, *, minimum: int = 0, maximum: int = MAX_WHOLE) -> int:
    """A whole number from `minimum` to `maximum`."""
    value = (text or "").strip()
    if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 16:
        raise InputError(problem("not-a-whole-number", f"'{value[:40]}' is not a whole number", field=field))
    number = int(value)
    if not minimum <= number <= maximum:
        raise InputError(
            problem("out-of-range", f"must be from {minimum:,} to {maximum:,}, got {number:,}", field=field)
        )
    return number


def optional_whole(text: str | None, field: str, *, minimum: int = 0, maximum: int = MAX_WHOLE) -> int | None:
    """A whole number, or None when the field was left empty."""
    return None if not (text or "").strip() else whole(text, field, minimum=minimum, maximum=maximum)


def date(text: str | None, field: str, default: dt.date) -> dt.date:
    """An ISO date (YYYY-MM-DD), or `default` when the field was left empty."""
    value = (text or "").strip()
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(value, field)
    except ValueError:
        return _bad_date(value, field)


def _bad_date(value: str, field: str) -> dt.date:
    raise InputError(problem("not-a-date", f"'{value[:40]}' is not a date (YYYY-MM-DD)", field=field))


def choice(text: str | None, field: str, choices: Sequence[str], default: str) -> str:
    """One of `choices`, or `default` when the field was left empty."""
    value = (text or "").strip()
    if not value:
        return default
    if value not in choices:
        raise InputError(
            problem("not-a-choice", f"'{value[:40]}' is not one of {', '.join(choices)}", field=field)
        )
    return value
