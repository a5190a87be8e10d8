"""Reading what a visitor typed: each bad value refused at its field, with its code."""

from __future__ import annotations

import datetime as dt

import pytest

from statevisa.errors import InputError
from statevisa.web import forms


def test_a_whole_number_is_digits_within_bounds() -> None:
    assert forms.whole(" 12 ", "index") == 12
    with pytest.raises(InputError) as refused:
        forms.whole("1e3", "index")
    assert [(p.code, p.location.field, p.message) for p in refused.value.problems] == [
        ("not-a-whole-number", "index", "'1e3' is not a whole number")
    ]
    with pytest.raises(InputError, match="must be from 0 to 10, got 11"):
        forms.whole("11", "index", maximum=10)
    with pytest.raises(InputError, match="is not a whole number"):
        forms.whole("9" * 40, "index")


def test_an_empty_optional_number_is_none() -> None:
    assert forms.optional_whole("  ", "version") is None
    assert forms.optional_whole("3", "version") == 3


def test_a_date_is_iso_and_empty_means_the_default() -> None:
    today = dt.date(2026, 3, 2)
    assert forms.date("", "on", today) == today
    assert forms.date("2025-01-31", "on", today) == dt.date(2025, 1, 31)
    for bad in ("2025-02-30", "31/01/2025", "20250131"):
        with pytest.raises(InputError, match="is not a date"):
            forms.date(bad, "on", today)


def test_a_choice_is_one_of_the_choices() -> None:
    assert forms.choice("", "colour", ("a", "b"), "a") == "a"
    with pytest.raises(InputError) as refused:
        forms.choice("c", "colour", ("a", "b"), "a")
    assert refused.value.problems[0].code == "not-a-choice"
    assert str(refused.value.problems[0]) == "colour: 'c' is not one of a, b"
