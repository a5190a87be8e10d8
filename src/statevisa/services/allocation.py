"""Allocation use cases: apportion a total among units, or a program's caps from its own file.

Two forms share one computation (`allocate`): explicit numbers over a population file or
the vendored Census estimates, and a program-driven request (``--program w-visa``) whose
floor, pool and method come from the program's dated, cited parameters. Units are sorted
by FIPS first, so the core's "earlier row" tie-break means "lower FIPS".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from statevisa.allocation.apportion import METHODS, Method, quotas, with_floor
from statevisa.errors import InputError, Problem, problem, table_problem
from statevisa.services.programs import open_program
from statevisa.tables import read_table

AMONG = ("states", "counties")
FIPS_LENGTHS = (2, 5)
MAX_TOTAL = 10**15
"""No cap or House is larger; beyond this, float quotas stop being exact to the unit."""
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
    """The result table and how it was reached."""

    table: pl.DataFrame
    request: Request
    parameters: tuple[ParameterUsed, ...] = ()
    warnings: tuple[str, ...] = ()


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
        errors.append(problem("missing-option", "--among needs --year Y (the July 1 estimate year)"))
    elif population is not None and year is not None:
        errors.append(
            problem(
                "conflicting-options", "--year goes with --among; a --population file already holds its year"
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
            problem("missing-option", "--program needs --year Y (the July 1 population estimate year)")
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
    """Read and check P.csv: 2- or 5-digit FIPS (one kind per file), unique; population >= 0, finite."""
    frame = read_table(path, required=["fips", "population"])
    fips = frame["fips"].cast(pl.String).fill_null("").str.strip_chars()
    text = frame["population"].cast(pl.String).fill_null("").str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    errors: list[Problem] = []
    kind = next((len(f) for f in fips if len(f) in FIPS_LENGTHS and f.isdigit()), None)
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
    if errors:
        raise InputError(errors)
    names = [c for c in ("name", "state") if c in frame.columns]
    return pl.DataFrame({"fips": fips, "population": value}).hstack(frame.select(names))


def vendored(among: str, year: int) -> tuple[pl.DataFrame, str]:
    """The vendored Census July 1 estimates (one vintage; 50 states and DC, or their counties)."""
    from statevisa.reference.population import county_population, state_population

    frame = state_population(year) if among == "states" else county_population(year)
    units = frame.with_columns(pl.col("population").cast(pl.Float64))
    return units, f"vendored Census {among} population, July 1 {year}"


def allocate(request: Request) -> Allocation:
    """Sort by FIPS, apportion, and lay out fips,allocation plus the explanatory columns."""
    units = request.units.sort("fips")
    weights = units["population"].to_numpy().astype(np.float64)
    try:
        seats = with_floor(weights, request.total, request.floor, request.method, request.minimum)
    except ValueError as error:
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
