"""A population file a person supplies (``--population P.csv``): read it, check every row.

Reading a table is the shell's job, so this lives beside the allocation use case rather
than in the core. The checks are the ones careless files need: FIPS codes as text with
their leading zeros, one kind (states or counties) per file, each once; populations that
are finite numbers in range; bytes that are UTF-8; column types that can hold the values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from statevisa.errors import InputError, Problem, byte_position, problem, table_problem
from statevisa.tables import read_table

FIPS_LENGTHS = (2, 5)
MAX_UNITS = 100_000
"""A population file has one row per state or county: 5-digit codes allow at most 100,000."""
MAX_FILE_BYTES = 64 * 2**20
"""100,000 rows of fips, population and a name take a few MB; a larger file is something else."""
MAX_REPORTED = 100
"""Problems listed per file; past this many the rest are counted, not listed."""


def read_population(path: Path) -> pl.DataFrame:
    """Read and check P.csv: 2- or 5-digit FIPS (one kind per file), unique; population >= 0, finite.

    Refused before any row is read: a file too large to be one row per unit, CSV bytes that are
    not UTF-8 (named by line), FIPS stored as numbers (their leading zeros are gone) and columns
    of a type that cannot hold the value (a Parquet list of populations). A UTF-8 byte-order
    mark is fine. Every row problem is reported, up to `MAX_REPORTED`.
    """
    _check_file(path)
    frame = read_table(path, required=["fips", "population"])
    _check_columns(path, frame)
    fips = frame["fips"].cast(pl.String).fill_null("").str.strip_chars()
    text = frame["population"].cast(pl.String).fill_null("").str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    errors: list[Problem] = []
    kind = next((len(f) for f in fips if len(f) in FIPS_LENGTHS and f.isascii() and f.isdigit()), None)
    first_seen: dict[str, int] = {}
    for i, (code, raw, number) in enumerate(zip(fips, text, value, strict=True)):
        if not (code.isascii() and code.isdigit() and len(code) in FIPS_LENGTHS):
            why = f"'{code}' is not a FIPS code (2 digits for a state, 5 for a county, leading zeros kept)"
            errors.append(table_problem("not-fips", why, path, i, code, "fips"))
        elif len(code) != kind:
            why = (
                f"'{code}' has {len(code)} digits but the file's first code has {kind}: states and counties "
            )
            errors.append(table_problem("mixed-fips", why + "cannot be mixed", path, i, code, "fips"))
        elif code in first_seen:
            why = f"duplicate '{code}' (first at row {first_seen[code] + 2})"
            errors.append(table_problem("duplicate-id", why, path, i, code, "fips"))
        else:
            first_seen[code] = i
        if number is None or not np.isfinite(number):
            errors.append(
                table_problem("not-a-number", f"not a number: '{raw}'", path, i, code, "population")
            )
        elif number < 0:
            errors.append(table_problem("below-minimum", f"negative: {raw}", path, i, code, "population"))
        elif 0 < number < 1e-300 or number > 1e15:
            errors.append(
                table_problem(
                    "out-of-range", f"{raw} is outside 1e-300 to 1e15 people", path, i, code, "population"
                )
            )
    if len(errors) > MAX_REPORTED:
        more = len(errors) - MAX_REPORTED
        errors = errors[:MAX_REPORTED]
        errors.append(problem("too-many-problems", f"{more:,} more problems not listed", file=path))
    if errors:
        raise InputError(errors)
    names = [c for c in ("name", "state") if c in frame.columns]
    extra = frame.select(pl.col(names).cast(pl.String))
    return pl.DataFrame({"fips": fips, "population": value}).hstack(extra)


def _check_file(path: Path) -> None:
    """Size, and for CSV that every byte is UTF-8 (the reader would only say 'invalid utf-8')."""
    if path.is_dir():
        raise InputError(problem("input-is-folder", "is a folder, not a file", file=path))
    if not path.is_file():
        return  # read_table names a missing file
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            problem(
                "file-too-large",
                f"{size:,} bytes is too large for a population file (one row per state or county; "
                f"at most {MAX_FILE_BYTES // 2**20} MB)",
                file=path,
            )
        )
    if path.suffix.lower() != ".csv":
        return
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise InputError(
            problem(
                "not-utf8",
                f"byte 0x{data[error.start]:02X} is not UTF-8 text: save the file as UTF-8",
                file=path,
                line=line,
                column=column,
            )
        ) from None


def _check_columns(path: Path, frame: pl.DataFrame) -> None:
    """Column types that cannot hold what the column means, named before any row is read."""
    errors: list[Problem] = []
    fips, population = frame.schema["fips"], frame.schema["population"]
    if fips.is_integer():
        errors.append(
            problem(
                "fips-not-text",
                f"holds {fips} numbers, which drop leading zeros (06 becomes 6): store FIPS codes as text",
                file=path,
                field="fips",
            )
        )
    elif fips not in (pl.String, pl.Null) and not isinstance(fips, pl.Categorical | pl.Enum):
        errors.append(problem("wrong-type", f"holds {fips} values, not FIPS codes", file=path, field="fips"))
    if population.is_nested() or population in (pl.Boolean, pl.Binary) or population.is_temporal():
        errors.append(
            problem("wrong-type", f"holds {population} values, not numbers", file=path, field="population")
        )
    for name in ("name", "state"):
        if name in frame.columns and frame.schema[name].is_nested():
            errors.append(
                problem("wrong-type", f"holds {frame.schema[name]} values, not text", file=path, field=name)
            )
    if frame.height > MAX_UNITS:
        errors.append(
            problem(
                "too-many-rows",
                f"{frame.height:,} rows: a population file has one row per state or county "
                f"(at most {MAX_UNITS:,})",
                file=path,
            )
        )
    if errors:
        raise InputError(errors)
