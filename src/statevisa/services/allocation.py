"""Allocation use cases: apportion a total among units, or a program's caps from its own file.

Two forms share one computation (`allocate`): explicit numbers over a population file or
the vendored Census estimates, and a program-driven request (``--program w-visa``) whose
floor, pool and method come from the program's dated, cited parameters. Units are sorted
by FIPS first, so the core's "earlier row" tie-break means "lower FIPS".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.allocation.apportion import METHODS, Method, quotas, with_floor
from statevisa.errors import InputError, Problem, problem
from statevisa.services.population_file import read_population
from statevisa.services.programs import Opened, open_program
from statevisa.services.reference import at_option
from statevisa.tables import check_output, write_table

AMONG = ("states", "counties")
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
    return allocation_of(open_program(reference, on), year)


def allocation_of(opened: Opened, year: int, sets: Mapping[str, str] | None = None) -> Allocation:
    """The first-year allocation of an opened program (a shipped file or a stored version).

    `sets` are scenario values (as ``--set``) for the allocation's own parameters: the program
    was opened for its rules, which need not read the floor or the pool, so a scenario value of
    one of those reaches the allocation only through here.
    """
    from statevisa.rules.resolve import resolve

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
    fixed = resolve(program, opened.resolved.on, sets, names=PROGRAM_PARAMETERS)
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
