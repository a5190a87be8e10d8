"""The CLI reads numbers, choices and arguments as it always has, and refuses the rest by name."""

from __future__ import annotations

import math

import click
import pytest

from statevisa.cli.params import Choice, Number, Whole
from statevisa.cli.render import Format
from tests.conftest import CliRunner


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        (" 3 ", 3),
        ("+3", 3),
        ("-0", 0),
        ("1_000", 1000),
        ("5.0", 5),
        ("1_000.00", 1000),
        ("0" * 3, 0),
    ],
)
def test_whole_numbers_take_space_separators_a_sign_and_a_zero_fraction(text: str, number: int) -> None:
    assert Whole().convert(text, None, None) == number


@pytest.mark.parametrize(
    "text", ["", "1.5", "1.", "1e2", "0x10", "1__0", "_1", "1 0", "\u0663", "nan", "1" * 5000]
)
def test_anything_else_is_not_a_whole_number(text: str) -> None:
    with pytest.raises(click.BadParameter) as refused:
        Whole().convert(text, None, None)
    assert refused.value.message == "Input should be a valid integer, unable to parse string as an integer"


def test_a_whole_number_below_its_minimum_is_refused_with_the_minimum() -> None:
    assert Whole(0).convert("0", None, None) == 0
    with pytest.raises(click.BadParameter) as refused:
        Whole(0).convert(" -1 ", None, None)
    assert refused.value.message == "Input should be greater than or equal to 0"


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.5", 1.5), (" 2 ", 2.0), ("1e3", 1000.0), ("1_0.5", 10.5), ("-Infinity", -math.inf)],
)
def test_numbers_are_what_python_reads_in_ascii(text: str, number: float) -> None:
    assert Number().convert(text, None, None) == number


def test_nan_passes_through_for_the_services_to_refuse() -> None:
    assert math.isnan(Number().convert("nan", None, None))


@pytest.mark.parametrize("text", ["", "1,5", "abc", "\u0661", "0x1p3"])
def test_anything_else_is_not_a_number(text: str) -> None:
    with pytest.raises(click.BadParameter) as refused:
        Number().convert(text, None, None)
    assert refused.value.message == "Input should be a valid number, unable to parse string as a number"


def test_a_choice_names_every_allowed_value() -> None:
    choice = Choice(Format, case_sensitive=False)
    assert choice.convert("JSON", None, None) is Format.json
    with pytest.raises(click.BadParameter) as refused:
        choice.convert("xml", None, None)
    assert refused.value.message == "Value error, 'xml' is not one of 'table', 'csv', 'json'."


def test_a_bad_option_value_is_a_usage_error_naming_the_option(cli: CliRunner) -> None:
    done = cli("select", "lottery", "--entries", "e.csv", "--slots", "-1", "--seed", "00", "--out", "o.csv")
    assert done.code == 2
    assert done.stderr == (
        "Usage: statevisa select lottery [OPTIONS]\n"
        "Try 'statevisa select lottery --help' for help.\n\n"
        "Error: Invalid value for '--slots': Input should be greater than or equal to 0\n"
    )


def test_a_missing_argument_is_named_as_the_usage_line_shows_it(cli: CliRunner) -> None:
    done = cli("evaluate", "--input", "people.csv", "--out", "out.csv")
    assert done.code == 2
    assert done.stderr == (
        "Usage: statevisa evaluate [OPTIONS] {program}\n"
        "Try 'statevisa evaluate --help' for help.\n\n"
        "Error: Missing argument 'program'.\n"
    )
