"""CLI for apportionment: ``statevisa allocate``.

    statevisa allocate --total N --population P.csv --method M [--minimum K] [--floor F] --out A.csv
    statevisa allocate --total N --among states|counties --year Y --method M ...
    statevisa allocate --program w-visa --year 2024 [--on DATE] [--out A.csv]

Parses the options, makes one call to `statevisa.services.allocation.run`, renders the
result: a table for people, or ``--format csv|json`` for scripts, when there is no ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from statevisa.cli.common import stderr, stdout
from statevisa.cli.render import Format, FormatOption, emit
from statevisa.cli.rules import parse_on, show_warnings
from statevisa.errors import InputError, problem

if TYPE_CHECKING:
    from statevisa.services.allocation import Allocation

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
    fmt: FormatOption = Format.table,
) -> None:
    """Apportion a total among states or counties by population (Hamilton, Huntington-Hill, ...)."""
    from statevisa.services import allocation as service

    if out is not None and fmt is not Format.table:
        raise InputError(
            problem(
                "conflicting-options",
                "--format prints the result; --out writes it: give one",
                field="--format",
            )
        )
    date = parse_on(on) if program is not None else None
    options = service.Options(
        total=total,
        population=population,
        among=among,
        year=year,
        method=method,
        minimum=minimum,
        floor=floor,
        program=program,
        on=date,
        out=out,
    )
    done = service.run(options)
    show_warnings(done.warnings)
    for used in done.parameters:
        stderr.print(f"{program} {used.name} = {used.value} ({used.status}) [{used.cite}]", markup=False)
    if done.written is not None:
        stdout.print(
            f"wrote {done.table.height} rows to {done.written} "
            f"({done.request.method}, total {done.request.total:,})",
            markup=False,
        )
    elif fmt is Format.table:
        _print(done)
    else:
        emit(done.table.to_dicts(), done.table.columns, fmt)


def _print(done: Allocation) -> None:
    """Show the allocation as a Rich table, with the rule and the total in the title."""
    from rich.table import Table

    request = done.request
    rule = f"{request.method}, total {request.total:,}"
    if request.minimum:
        rule += f", minimum {request.minimum:,}"
    if request.floor:
        rule += f", floor {request.floor:,} per unit"
    table = Table(title=f"Allocation ({rule})", caption=request.source)
    for column in done.table.columns:
        numeric = done.table[column].dtype.is_numeric()
        table.add_column(column, justify="right" if numeric else "left")
    for row in done.table.iter_rows():
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
