"""CLI for apportionment: ``statevisa allocate``.

    statevisa allocate --total N --population P.csv --method M [--minimum K] [--floor F] --out A.csv
    statevisa allocate --total N --among states|counties --year Y --method M ...
    statevisa allocate --program w-visa --year 2024 [--on DATE] [--out A.csv]

Parses the options, calls `statevisa.services.allocation`, renders the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from statevisa.cli.common import stderr, stdout
from statevisa.cli.rules import parse_on, show_warnings
from statevisa.errors import InputError, problem

if TYPE_CHECKING:
    import polars as pl

    from statevisa.services.allocation import Request

METHOD_HELP = "hamilton | huntington-hill | webster | jefferson | adams | equal"


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
    method: Annotated[str | None, typer.Option("--method", help=METHOD_HELP)] = None,
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
    from statevisa.services import allocation as service
    from statevisa.tables import check_output, write_table

    inputs = [population] if population is not None else []
    if out is not None:
        check_output(out, inputs=inputs)
    if program is not None:
        options = {"--total": total, "--population": population, "--method": method}
        given = [name for name, value in {**options, "--floor": floor, "--minimum": minimum}.items() if value]
        if given:
            raise InputError(
                problem(
                    "conflicting-options",
                    f"--program {program} sets the numbers itself: drop {', '.join(given)}",
                )
            )
        done = service.program_allocation(program, among or "states", year, parse_on(on))
        show_warnings(done.warnings)
        for used in done.parameters:
            stderr.print(f"{program} {used.name} = {used.value} ({used.status}) [{used.cite}]", markup=False)
    else:
        done = service.allocate(service.request(total, population, among, year, method, minimum, floor))
    result, request = done.table, done.request
    if out is None:
        _print(result, request)
        return
    write_table(result, out)
    stdout.print(
        f"wrote {result.height} rows to {out} ({request.method}, total {request.total:,})",
        markup=False,
    )


def _print(result: pl.DataFrame, request: Request) -> None:
    from rich.table import Table

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
