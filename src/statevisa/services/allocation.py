"""Allocation use cases: apportion a total among units, or a program's caps from its own file.

Two forms share one computation (`allocate`): explicit numbers over a population file or
the vendored Census estimates, and a program-driven request (``--program w-visa``) whose
floor, pool and method come from the program's dated, cited parameters. Units are sorted
by FIPS first, so the core's "earlier row" tie-break means "lower FIPS".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.allocation.apportion import METHODS, Method, quotas, with_floor
from statevisa.errors import InputError, Problem, problem, table_problem
from statevisa.services.programs import open_program
from statevisa.services.reference import at_option
from statevisa.tables import check_output, read_table, write_table

AMONG = ("states", "counties")
FIPS_LENGTHS = (2, 5)
MAX_TOTAL = 10**15
"""No cap or House is larger; beyond this, float quotas stop being exact to the unit."""
MAX_UNITS = 100_000
"""A population file has one row per state or county: 5-digit codes allow at most 100,000."""
MAX_FILE_BYTES = 64 * 2**20
"""100,000 rows of fips, population and a name take a few MB; a larger file is something else."""
MAX_REPORTED = 100
"""Problems listed per file; past this many the rest are counted, not listed."""
PROGRAM_PARAMETERS = ("base_per_state", "population_pool", "rounding_method", "jurisdictions")


@dataclass(frozen=True)
class Request:
    """Everything one allocation needs: units (fips, population, optional names) and the rule."""

    units: pl.DataFrame
    total: int
    method: Method
    minimum: int
    floor: int
    source: str


@dataclass(frozen=True)
class ParameterUsed:
    """A program parameter an allocation read, with its status and short citation."""

    name: str
    value: object
    status: str
    cite: str


@dataclass(frozen=True)
class Allocation:
    """The result table and how it was reached (`written`: the file it went to, if any)."""

    table: pl.DataFrame
    request: Request
    parameters: tuple[ParameterUsed, ...] = ()
    warnings: tuple[str, ...] = ()
    written: Path | None = None


@dataclass(frozen=True)
class Options:
    """What `statevisa allocate` was given, unchecked: explicit numbers, or a program."""

    total: int | None = None
    population: Path | None = None
    among: str | None = None
    year: int | None = None
    method: str | None = None
    minimum: int = 0
    floor: int = 0
    program: str | None = None
    on: dt.date | None = None
    out: Path | None = None


def run(options: Options) -> Allocation:
    """The `allocate` use case: refuse a bad output path first, compute, write when asked.

    The output is checked before any work, so ``--out P.csv`` over ``--population P.csv``
    (or a folder, or a bad suffix) is refused without reading anything.
    """
    if options.out is not None:
        check_output(options.out, inputs=[options.population])
    if options.program is not None:
        given = {
            "--total": options.total is not None,
            "--population": options.population is not None,
            "--method": options.method is not None,
            "--floor": bool(options.floor),
            "--minimum": bool(options.minimum),
        }
        dropped = [name for name, present in given.items() if present]
        if dropped:
            raise InputError(
                problem(
                    "conflicting-options",
                    f"--program {options.program} sets the numbers itself: drop {', '.join(dropped)}",
                    field="--program",
                )
            )
        if options.on is None:
            raise InputError(
                problem("missing-option", "--program needs the date its parameters are read for")
            )
        done = program_allocation(options.program, options.among or "states", options.year, options.on)
    else:
        built = request(
            options.total,
            options.population,
            options.among,
            options.year,
            options.method,
            options.minimum,
            options.floor,
        )
        done = allocate(built)
    if options.out is None:
        return done
    write_table(done.table, options.out)
    return replace(done, written=options.out)


def request(
    total: int | None,
    population: Path | None,
    among: str | None,
    year: int | None,
    method: str | None,
    minimum: int,
    floor: int,
) -> Request:
    """Check the options together (every problem reported at once), then load the units."""
    errors: list[Problem] = []
    if total is None:
        errors.append(problem("missing-option", "missing --total N (the whole number to share)"))
    elif not 0 <= total <= MAX_TOTAL:
        errors.append(
            problem("out-of-range", f"must be between 0 and {MAX_TOTAL:,}, got {total}", field="--total")
        )
    if method is None:
        errors.append(problem("missing-option", f"missing --method (choose: {', '.join(METHODS)})"))
    elif method not in METHODS:
        errors.append(
            problem(
                "unknown-method",
                f"unknown method '{method}' (choose: {', '.join(METHODS)})",
                field="--method",
            )
        )
    for name, value in (("--minimum", minimum), ("--floor", floor)):
        if not 0 <= value <= MAX_TOTAL:
            errors.append(
                problem("out-of-range", f"must be between 0 and {MAX_TOTAL:,}, got {value}", field=name)
            )
    if population is not None and among is not None:
        errors.append(
            problem(
                "conflicting-options", "give either --population P.csv or --among states|counties, not both"
            )
        )
    elif population is None and among is None:
        errors.append(
            problem(
                "missing-option", "missing input: give --population P.csv or --among states|counties --year Y"
            )
        )
    elif among is not None and among not in AMONG:
        errors.append(
            problem("unknown-value", f"unknown value '{among}' (choose: {', '.join(AMONG)})", field="--among")
        )
    elif among is not None and year is None:
        errors.append(
            problem("missing-option", "--among needs --year Y (the July 1 estimate year)", field="--year")
        )
    elif population is not None and year is not None:
        errors.append(
            problem(
                "conflicting-options",
                "--year goes with --among; a --population file already holds its year",
                field="--year",
            )
        )
    if errors:
        raise InputError(errors)
    if population is not None:
        units, source = read_population(population), str(population)
    else:
        units, source = vendored(cast(str, among), cast(int, year))
    return Request(units, cast(int, total), cast(Method, method), minimum, floor, source)


def program_allocation(reference: str, among: str, year: int | None, on: dt.date) -> Allocation:
    """A first-program-year allocation from a program's dated, cited parameters.

    The total is base_per_state per jurisdiction plus population_pool shared by
    population (S. 1040's W visa: 5,000 each and 245,000 by population); later years
    grow by a formula the program marks OPEN, so only the first year is computed.
    """
    from statevisa.rules.resolve import resolve

    if year is None:
        raise InputError(
            problem(
                "missing-option",
                "--program needs --year Y (the July 1 population estimate year)",
                field="--year",
            )
        )
    if among != "states":
        raise InputError(
            problem(
                "unsupported",
                f"--program {reference} shares its numbers among states, not {among}",
                field="--among",
            )
        )
    opened = open_program(reference, on)
    program = opened.program
    missing = [name for name in PROGRAM_PARAMETERS if name not in program.parameters]
    if missing:
        raise InputError(
            problem(
                "no-allocation-formula",
                f"{program.id} does not define {', '.join(missing)}: it has no population-share allocation "
                "to compute (a formula it marks OPEN cannot be computed without a scenario)",
                field="--program",
            )
        )
    fixed = resolve(program, opened.resolved.on, names=PROGRAM_PARAMETERS)
    method, scope = str(fixed.scalar("rounding_method")), str(fixed.scalar("jurisdictions"))
    if method not in METHODS or scope not in ("50_states_and_dc", "50_states"):
        raise InputError(
            problem(
                "unsupported",
                f"{program.id}: rounding_method '{method}' or jurisdictions '{scope}' is not supported",
                file=program.path,
            )
        )
    units, source = vendored("states", year)
    if scope == "50_states":
        units = units.filter(pl.col("fips") != "11")
    base, pool = int(fixed.scalar("base_per_state")), int(fixed.scalar("population_pool"))
    used = tuple(
        ParameterUsed(name, fixed.scalar(name), fixed.values[name].status.value, fixed.values[name].cite)
        for name in PROGRAM_PARAMETERS
    )
    label = f"{program.id} {program.version}, first program year, parameters in force {opened.resolved.on}"
    built = Request(units, base * units.height + pool, method, 0, base, f"{label}; {source}")
    return Allocation(allocate(built).table, built, used, opened.warnings)


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
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
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


def vendored(among: str, year: int) -> tuple[pl.DataFrame, str]:
    """The vendored Census July 1 estimates (one vintage; 50 states and DC, or their counties)."""
    from statevisa.reference.population import county_population, state_population

    try:
        frame = state_population(year) if among == "states" else county_population(year)
    except InputError as error:
        raise at_option("--year", error) from None
    units = frame.with_columns(pl.col("population").cast(pl.Float64))
    return units, f"vendored Census {among} population, July 1 {year}"


def _shareable(request: Request, units: int, weights: NDArray[np.float64]) -> list[Problem]:
    """What the core would refuse, said in the request's own terms (options and file)."""
    found: list[Problem] = []
    need = units * max(request.floor, request.minimum)
    if request.total < need:
        what = "floor" if request.floor >= request.minimum else "minimum"
        each = max(request.floor, request.minimum)
        found.append(
            problem(
                f"below-{what}",
                f"cannot allocate: {request.total:,} is less than the {what} {each:,} x {units:,} units "
                f"= {need:,}",
                field="--total",
            )
        )
    if not (weights > 0).any():
        found.append(
            problem(
                "all-zero",
                "cannot allocate: every population is zero, so there is nothing to share in proportion",
                file=request.source,
                field="population",
            )
        )
    return found


def allocate(request: Request) -> Allocation:
    """Sort by FIPS, apportion, and lay out fips,allocation plus the explanatory columns."""
    units = request.units.sort("fips")
    weights = units["population"].to_numpy().astype(np.float64)
    refused = _shareable(request, units.height, weights)
    if refused:
        raise InputError(refused)
    try:
        seats = with_floor(weights, request.total, request.floor, request.method, request.minimum)
    except ValueError as error:  # checked above; the core's own words if something slipped through
        raise InputError(
            problem("cannot-allocate", f"cannot allocate: {error}", file=request.source)
        ) from error
    pool = request.total - request.floor * units.height
    columns: list[pl.Series] = [units["fips"], pl.Series("allocation", seats, dtype=pl.Int64)]
    columns += [units[c] for c in ("name", "state") if c in units.columns]
    population = units["population"]
    if (population == population.round()).all():
        population = population.cast(pl.Int64)
    columns.append(population)
    if request.floor:
        columns += [
            pl.Series("floor", np.full(units.height, request.floor), dtype=pl.Int64),
            pl.Series("share", seats - request.floor, dtype=pl.Int64),
        ]
    columns.append(pl.Series("quota", quotas(weights, pool), dtype=pl.Float64))
    return Allocation(pl.DataFrame(columns), request)
