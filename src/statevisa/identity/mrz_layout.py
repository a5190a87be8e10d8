"""The machine readable zone as characters: its three sizes, its field positions, its check digit.

Field positions are those of ICAO Doc 9303 (8th ed., 2021): TD3 in Part 4 §4.2.2 (two lines
of 44), TD1 in Part 5 §4.2.2 (three lines of 30), TD2 in Part 6 §4.2.2 (two lines of 36). A
zone that is not one of those shapes, or holds a character outside A-Z, 0-9 and the filler
``<`` (Part 3 §4.4), cannot be read at all: `read_zone` refuses it with every problem placed by
line and character, and nothing downstream ever sees a malformed line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from statevisa.errors import InputError, Problem, problem

Format = Literal["TD1", "TD2", "TD3"]
FILLER = "<"
ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
WEIGHTS = (7, 3, 1)
"""Doc 9303 Part 3 §4.9: weights 7, 3, 1 repeated, modulus 10."""

SHAPES: dict[tuple[int, int], Format] = {(3, 30): "TD1", (2, 36): "TD2", (2, 44): "TD3"}


def char_value(char: str) -> int:
    """Part 3 §4.9: digits count as themselves, A-Z as 10-35, the filler as 0."""
    if char.isdigit():
        return int(char)
    if char == FILLER:
        return 0
    return ord(char) - ord("A") + 10


def check_digit(data: str) -> int:
    """The check digit of `data` (characters of the MRZ alphabet only)."""
    return sum(char_value(char) * WEIGHTS[index % 3] for index, char in enumerate(data)) % 10


@dataclass(frozen=True)
class Zone:
    """The raw fields of one zone, sliced at the positions its format defines.

    `number_digit` is the check digit after the nine principal characters; when it is a filler
    (TD1 and TD2 only) the number continues in the optional data (`optional`), and `number`
    here is just the principal nine. `composite_data` is the exact run of characters the
    composite check digit covers.
    """

    format: Format
    lines: tuple[str, ...]
    document_code: str
    issuer: str
    name: str
    number: str
    number_digit: str
    nationality: str
    birth: str
    birth_digit: str
    sex: str
    expiry: str
    expiry_digit: str
    optional: str
    optional_digit: str | None
    optional_2: str
    composite_digit: str
    composite_data: str


def _slice(format: Format, lines: tuple[str, ...]) -> Zone:
    if format == "TD3":
        upper, lower = lines
        return Zone(
            format, lines, upper[0:2], upper[2:5], upper[5:44], lower[0:9], lower[9], lower[10:13],
            lower[13:19], lower[19], lower[20], lower[21:27], lower[27], lower[28:42], lower[42], "",
            lower[43], lower[0:10] + lower[13:20] + lower[21:43],
        )  # fmt: skip
    if format == "TD2":
        upper, lower = lines
        return Zone(
            format, lines, upper[0:2], upper[2:5], upper[5:36], lower[0:9], lower[9], lower[10:13],
            lower[13:19], lower[19], lower[20], lower[21:27], lower[27], lower[28:35], None, "",
            lower[35], lower[0:10] + lower[13:20] + lower[21:35],
        )  # fmt: skip
    upper, middle, lower = lines
    return Zone(
        format, lines, upper[0:2], upper[2:5], lower[0:30], upper[5:14], upper[14], middle[15:18],
        middle[0:6], middle[6], middle[7], middle[8:14], middle[14], upper[15:30], None, middle[18:29],
        middle[29], upper[5:30] + middle[0:7] + middle[8:15] + middle[18:29],
    )  # fmt: skip


def _line_problems(index: int, line: str) -> list[Problem]:
    """Every character of one line that is not in the MRZ alphabet, lower case named as such."""
    where = f"LINE{index + 1}"
    found: list[Problem] = []
    lower = [(pos, char) for pos, char in enumerate(line, 1) if char.isalpha() and char.islower()]
    if lower:
        shown = ", ".join(f"'{char}' at {pos}" for pos, char in lower[:5])
        found.append(
            problem(
                "mrz-lower-case",
                f"has lower-case letters ({shown}); an MRZ is written in upper case (Doc 9303-3 §4.6)",
                field=where,
            )
        )
    bad = [(pos, char) for pos, char in enumerate(line, 1) if char not in ALPHABET and not char.islower()]
    if bad:
        shown = ", ".join(f"{char!r} at {pos}" for pos, char in bad[:5])
        found.append(
            problem(
                "mrz-bad-character",
                f"has characters outside A-Z, 0-9 and the filler < ({shown})",
                field=where,
            )
        )
    return found


def read_zone(lines: Sequence[str]) -> Zone:
    """Check the shape and alphabet of an MRZ given line by line, and slice its fields.

    Surrounding blanks (a pasted line's newline or spaces) are dropped; anything else that is
    wrong is refused with every problem at once.
    """
    cleaned = tuple(line.strip() for line in lines)
    if len(cleaned) not in (2, 3):
        raise InputError(
            problem(
                "mrz-line-count",
                f"an MRZ has 2 lines (TD2, TD3) or 3 lines (TD1); got {len(cleaned)}",
            )
        )
    problems: list[Problem] = []
    if len(cleaned) == 3:
        expected = 30
        format: Format | None = "TD1"
    else:
        expected = len(cleaned[0])
        format = SHAPES.get((2, expected))
        if format is None:
            problems.append(
                problem(
                    "mrz-line-length",
                    f"has {expected} characters; a two-line MRZ has lines of 36 (TD2) or 44 (TD3)",
                    field="LINE1",
                )
            )
    for index, line in enumerate(cleaned):
        if format is not None and len(line) != expected:
            problems.append(
                problem(
                    "mrz-line-length",
                    f"has {len(line)} characters; a {format} line has {expected}",
                    field=f"LINE{index + 1}",
                )
            )
        problems.extend(_line_problems(index, line))
    if problems:
        raise InputError(problems)
    assert format is not None
    return _slice(format, cleaned)
