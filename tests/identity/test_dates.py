"""Dates in the forms people write them: one calendar day, or a named reason."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from statevisa.errors import InputError
from statevisa.identity.dates import parse_column, parse_date


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("1974-08-12", "ISO 8601"),
        ("1974/8/12", "ISO 8601"),
        ("19740812", "ISO basic"),
        ("12.08.1974", "dotted day.month.year"),
        ("08/12/1974", "slashed"),
        ("12 AUG 1974", "day month-name year"),
        ("12-Aug-1974", "day month-name year"),
        ("12 August 1974", "day month-name year"),
        ("August 12, 1974", "month-name day year"),
        ("Aug. 12 1974", "month-name day year"),
    ],
)
def test_common_forms_read_as_one_day(text: str, form: str) -> None:
    parsed = parse_date(text)
    assert (parsed.value, parsed.form) == (date(1974, 8, 12), form)


def test_a_slashed_date_is_month_first_unless_told_or_impossible() -> None:
    assert parse_date("05/04/1980").value == date(1980, 5, 4)
    assert parse_date("05/04/1980", "dmy").value == date(1980, 4, 5)
    assert parse_date("25/04/1980").value == date(1980, 4, 25)  # 25 can only be a day
    assert parse_date("04/25/1980", "dmy").value == date(1980, 4, 25)


def test_a_slashed_date_that_could_be_read_both_ways_is_flagged() -> None:
    assert parse_date("05/04/1980").ambiguous
    assert not parse_date("05/05/1980").ambiguous
    assert not parse_date("25/04/1980").ambiguous
    assert not parse_date("1980-05-04").ambiguous


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("1974-02-31", "impossible-date", "date: '1974-02-31' is not a calendar date"),
        ("02/29/1900", "impossible-date", "date: '02/29/1900' is not a calendar date"),
        ("1974-13-01", "impossible-date", "date: '1974-13-01' is not a calendar date"),
        (
            "12 Smarch 1974",
            "bad-date",
            "date: '12 Smarch 1974' is not a date in a known form"
            " (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY, 12 AUG 1974)",
        ),
        (
            "next Tuesday",
            "bad-date",
            "date: 'next Tuesday' is not a date in a known form"
            " (YYYY-MM-DD, DD.MM.YYYY, MM/DD/YYYY, 12 AUG 1974)",
        ),
        ("", "empty-date", "date: the date is empty"),
    ],
)
def test_an_unusable_date_is_refused_by_name(text: str, code: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_date(text)
    assert (refused.value.problems[0].code, str(refused.value)) == (code, message)


def test_a_leap_day_exists_only_in_leap_years() -> None:
    assert parse_date("2000-02-29").value == date(2000, 2, 29)


def test_a_column_parses_each_row_and_keeps_blanks_empty() -> None:
    result = parse_column(pl.Series(["1974-08-12", None, "  ", "1974-02-31", "12.08.1974", "1974-08-12"]))
    assert result["value"].to_list() == [
        date(1974, 8, 12),
        None,
        None,
        None,
        date(1974, 8, 12),
        date(1974, 8, 12),
    ]
    assert result["problem"].to_list() == [None, None, None, "not a calendar date", None, None]
