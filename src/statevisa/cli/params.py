"""Click parameter types that read values exactly as this CLI always has.

The CLI ran on Typer 0.29 until its per-command pydantic coercion proved to cost ~90 ms a run
(see CONTRIBUTING.md); it now runs on plain click. Scripts already depend on what it accepted
and printed, so these types keep those rules and messages: whole numbers take surrounding
space, `_` separators, a sign and a zero fraction (`1_000`, `+3`, `5.0`), numbers take what
Python's `float` takes in ASCII, choices name every allowed value, and positional arguments
show as `{program}` / `[path]` in usage lines.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any

import click

PATH = click.Path(path_type=Path)
"""A file or folder path, unchecked: the services say what is wrong with it, as problems."""

_WHOLE = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")


class Whole(click.ParamType[int]):
    """A whole number, optionally at least `minimum`; any size (the services bound it)."""

    name = "integer"

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        try:
            if not _WHOLE.fullmatch(text):
                raise ValueError(text)
            number = int(text.partition(".")[0])
        except ValueError:  # includes Python's limit on the digits of one int
            self.fail("Input should be a valid integer, unable to parse string as an integer", param, ctx)
        if self.minimum is not None and number < self.minimum:
            self.fail(f"Input should be greater than or equal to {self.minimum}", param, ctx)
        return number

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "INTEGER" if self.minimum is None else f"INTEGER (>= {self.minimum})"


class Number(click.ParamType[float]):
    """A float as Python reads one in ASCII (`nan` and `inf` included: the services refuse them)."""

    name = "float"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        text = str(value).strip()
        try:
            if not text.isascii():
                raise ValueError(text)
            return float(text)
        except ValueError:
            self.fail("Input should be a valid number, unable to parse string as a number", param, ctx)


class Choice(click.Choice[Enum]):
    """One member of an enum, by value; a wrong value is refused naming every allowed one."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"Value error, {super().get_invalid_choice_message(value, ctx)}"


class Argument(click.Argument):
    """A positional argument shown as `{name}` (required) or `[name]` and named `'name'` in errors."""

    def make_metavar(self, ctx: click.Context) -> str:
        return f"{{{self.name}}}" if self.required else f"[{self.name}]"

    def get_error_hint(self, ctx: click.Context | None) -> str:
        return f"'{self.name}'"
