"""CLI for apportionment: ``statevisa allocate``.

Two input forms share one computation (`_allocate`):

    statevisa allocate --total N --population P.csv --method M [--minimum K] [--floor F] --out A.csv
    statevisa allocate --total N --among states|counties --year Y --method M ...

The options are resolved into one `Request` first, so that a policy-driven form
(``--program w-visa --year 2024``, which reads the floor, pool and method from the
program file) only has to build a `Request` too. Rows are sorted by FIPS before the
computation, so the core's "earlier row" tie-break means "lower FIPS" (heartland.md §5.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, cast

import numpy as np
import polars as pl
import typer
from rich.table import Table

from statevisa.allocation.apportion import METHODS, Method, quotas, with_floor
from statevisa.cli.common import stderr, stdout
from statevisa.cli.rules import parse_on
from statevisa.errors import InputError
from statevisa.tables import read_table, row_label, write_table

AMONG = ("states", "counties")
FIPS_LENGTHS = (2, 5)


@dataclass(frozen=True)
class Request:
    """Everything one allocation needs: units (fips, population, optional names) and the rule."""

    units: pl.DataFrame
    total: int
    method: Method
    minimum: int
    floor: int
    source: str


def register(app: typer.Typer) -> None:
    """Attach the top-level `allocate` command to the main app."""
    app.command("allocate", no_args_is_help=True)(allocate)


def allocate(
    total: Annotated[
        int | None, typer.Option("--total", help="Whole number to share (floors included).")
    ] = None,
    population: Annotated[
        Path | None, typer.Option("--population", help="CSV/Parquet with fips,population.")
    ] = None,
    among: Annotated[
        str | None,
        typer.Option("--among", help="Use vendored Census populations: states|counties."),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="July 1 estimate year (--among).")] = None,
    method: Annotated[str | None, typer.Option("--method", help=" | ".join(METHODS))] = None,
    minimum: Annotated[int, typer.Option("--minimum", help="At least K per unit (0: none).")] = 0,
    floor: Annotated[
        int, typer.Option("--floor", help="Fixed F per unit before the proportional split.")
    ] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Write fips,allocation,... here.")] = None,
    program: Annotated[
        str | None,
        typer.Option("--program", help="Read the floor, pool and method from a program file (w-visa)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="With --program: the date its parameters are read for.")
    ] = None,
) -> None:
    """Apportion a total among states or counties by population (Hamilton, Huntington-Hill, ...)."""
    if program is not None:
        options = {"--total": total, "--population": population, "--method": method}
        given = [name for name, value in {**options, "--floor": floor, "--minimum": minimum}.items() if value]
        if given:
            raise InputError(f"--program {program} sets the numbers itself: drop {', '.join(given)}")
        request = program_request(program, among or "states", year, on)
    else:
        request = _request(total, population, among, year, method, minimum, floor)
    result = allocate_request(request)
    if out is None:
        _print(result, request)
        return
    write_table(result, out)
    stdout.print(
        f"wrote {result.height} rows to {out} ({request.method}, total {request.total:,})",
        markup=False,
    )


def _request(
    total: int | None,
    population: Path | None,
    among: str | None,
    year: int | None,
    method: str | None,
    minimum: int,
    floor: int,
) -> Request:
    """Check the options together (every problem reported at once), then load the units."""
    errors: list[str] = []
    if total is None:
        errors.append("missing --total N (the whole number to share)")
    elif total < 0:
        errors.append(f"--total must be >= 0, got {total}")
    if method is None:
        errors.append(f"missing --method (choose: {', '.join(METHODS)})")
    elif method not in METHODS:
        errors.append(f"--method: unknown method '{method}' (choose: {', '.join(METHODS)})")
    for name, value in (("--minimum", minimum), ("--floor", floor)):
        if value < 0:
            errors.append(f"{name} must be >= 0, got {value}")
    if population is not None and among is not None:
        errors.append("give either --population P.csv or --among states|counties, not both")
    elif population is None and among is None:
        errors.append("missing input: give --population P.csv or --among states|counties --year Y")
    elif among is not None and among not in AMONG:
        errors.append(f"--among: unknown value '{among}' (choose: {', '.join(AMONG)})")
    elif among is not None and year is None:
        errors.append("--among needs --year Y (the July 1 estimate year)")
    elif population is not None and year is not None:
        errors.append("--year goes with --among; a --population file already holds its year")
    if errors:
        raise InputError(errors)
    if population is not None:
        units, source = _read_population(population), str(population)
    else:
        units, source = _vendored(cast(str, among), cast(int, year))
    return Request(units, cast(int, total), cast(Method, method), minimum, floor, source)


PROGRAM_PARAMETERS = ("base_per_state", "population_pool", "rounding_method", "jurisdictions")


def program_request(reference: str, among: str, year: int | None, on: str | None) -> Request:
    """A first-program-year allocation from a program's dated, cited parameters.

    The total is base_per_state per jurisdiction plus population_pool shared by
    population (S. 1040's W visa: 5,000 each and 245,000 by population); later years
    grow by a formula the program marks OPEN, so only the first year is computed.
    """
    from statevisa.cli.rules import open_program
    from statevisa.rules.resolve import resolve

    if year is None:
        raise InputError("--program needs --year Y (the July 1 population estimate year)")
    if among != "states":
        raise InputError(f"--program {reference} shares its numbers among states, not {among}")
    resolved = open_program(reference, parse_on(on), {})
    program = resolved.program
    missing = [name for name in PROGRAM_PARAMETERS if name not in program.parameters]
    if missing:
        raise InputError(
            f"{program.id} does not define {', '.join(missing)}: it has no population-share allocation "
            "to compute (a formula it marks OPEN cannot be computed without a scenario)"
        )
    fixed = resolve(program, resolved.on, names=PROGRAM_PARAMETERS)
    method, scope = str(fixed.scalar("rounding_method")), str(fixed.scalar("jurisdictions"))
    if method not in METHODS or scope not in ("50_states_and_dc", "50_states"):
        raise InputError(
            f"{program.id}: rounding_method '{method}' or jurisdictions '{scope}' is not supported"
        )
    units, source = _vendored("states", year)
    if scope == "50_states":
        units = units.filter(pl.col("fips") != "11")
    base, pool = int(fixed.scalar("base_per_state")), int(fixed.scalar("population_pool"))
    for name in PROGRAM_PARAMETERS:
        value = fixed.values[name]
        stderr.print(
            f"{program.id} {name} = {fixed.scalar(name)} ({value.status.value}) [{value.cite}]", markup=False
        )
    label = f"{program.id} {program.version}, first program year, parameters in force {resolved.on}"
    return Request(units, base * units.height + pool, method, 0, base, f"{label}; {source}")


def _read_population(path: Path) -> pl.DataFrame:
    """Read and check P.csv: 2- or 5-digit FIPS (one kind per file), unique; population >= 0."""
    frame = read_table(path, required=["fips", "population"])
    fips = frame["fips"].cast(pl.String).fill_null("").str.strip_chars()
    text = frame["population"].cast(pl.String).fill_null("").str.strip_chars()
    value = text.cast(pl.Float64, strict=False)
    errors: list[str] = []
    kind = next((len(f) for f in fips if len(f) in FIPS_LENGTHS and f.isdigit()), None)
    first_seen: dict[str, int] = {}
    for i, (code, raw, number) in enumerate(zip(fips, text, value, strict=True)):
        where = f"{path}: {row_label(i, code)}"
        if not (code.isascii() and code.isdigit() and len(code) in FIPS_LENGTHS):
            errors.append(
                f"{where}, column 'fips': '{code}' is not a FIPS code (2 digits for a state, "
                "5 for a county, leading zeros kept)"
            )
        elif len(code) != kind:
            errors.append(
                f"{where}, column 'fips': '{code}' has {len(code)} digits but the file's first "
                f"code has {kind}: states and counties cannot be mixed"
            )
        elif code in first_seen:
            errors.append(
                f"{where}, column 'fips': duplicate '{code}' (first at {row_label(first_seen[code])})"
            )
        else:
            first_seen[code] = i
        if number is None or not np.isfinite(number):
            errors.append(f"{where}, column 'population': not a number: '{raw}'")
        elif number < 0:
            errors.append(f"{where}, column 'population': negative: {raw}")
    if errors:
        raise InputError(errors)
    names = [c for c in ("name", "state") if c in frame.columns]
    return pl.DataFrame({"fips": fips, "population": value}).hstack(frame.select(names))


def _vendored(among: str, year: int) -> tuple[pl.DataFrame, str]:
    """The vendored Census July 1 estimates (one vintage; 50 states and DC, or their counties)."""
    from statevisa.reference.population import county_population, state_population

    frame = state_population(year) if among == "states" else county_population(year)
    units = frame.with_columns(pl.col("population").cast(pl.Float64))
    return units, f"vendored Census {among} population, July 1 {year}"


def allocate_request(request: Request) -> pl.DataFrame:
    """Sort by FIPS, apportion, and lay out fips,allocation plus the explanatory columns."""
    units = request.units.sort("fips")
    weights = units["population"].to_numpy().astype(np.float64)
    try:
        seats = with_floor(weights, request.total, request.floor, request.method, request.minimum)
    except ValueError as error:
        raise InputError(f"{request.source}: cannot allocate: {error}") from error
    pool = request.total - request.floor * units.height
    columns: list[pl.Series] = [
        units["fips"],
        pl.Series("allocation", seats, dtype=pl.Int64),
    ]
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
    return pl.DataFrame(columns)


def _print(result: pl.DataFrame, request: Request) -> None:
    """Show the allocation as a Rich table, with the rule and the total in the title."""
    rule = f"{request.method}, total {request.total:,}"
    if request.minimum:
        rule += f", minimum {request.minimum:,}"
    if request.floor:
        rule += f", floor {request.floor:,} per unit"
    table = Table(title=f"Allocation ({rule})", caption=request.source)
    for column in result.columns:
        numeric = result[column].dtype.is_numeric()
        table.add_column(column, justify="right" if numeric else "left")
    for row in result.iter_rows():
        table.add_row(*(_cell(v) for v in row))
    stdout.print(table)


def _cell(value: object) -> str:
    """Format one table cell: thousands separators for integers, 3 decimals for quotas."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3f}"
    return str(value)
