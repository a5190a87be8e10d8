"""CLI for apportionment: ``statevisa allocate``.

    statevisa allocate --total N --population P.csv --method M [--minimum K] [--floor F] --out A.csv
    statevisa allocate --total N --among states|counties --year Y --method M ...
    statevisa allocate --program w-visa --year 2024 [--on DATE] [--out A.csv]

Parses the options, makes one call to `statevisa.services.allocation.run`, renders the
result: a table for people, or ``--format csv|json`` for scripts, when there is no ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from statevisa.cli.common import stdout, tell
from statevisa.cli.params import PATH, Whole
from statevisa.cli.render import Format, emit, format_option
from statevisa.cli.rules import parse_on, show_warnings
from statevisa.errors import InputError, problem

if TYPE_CHECKING:
    from statevisa.services.allocation import Allocation

METHOD_HELP = "hamilton | huntington-hill | webster | jefferson | adams | equal"


@click.command("allocate", no_args_is_help=True)
@click.option("--total", type=Whole(), help="Whole number to share (floors included).")
@click.option("--population", type=PATH, help="CSV/Parquet with fips,population.")
@click.option("--among", help="Use vendored Census populations: states|counties.")
@click.option("--year", type=Whole(), help="July 1 estimate year (--among).")
@click.option("--method", help=METHOD_HELP)
@click.option("--minimum", type=Whole(), default=0, help="At least K per unit (0: none).")
@click.option("--floor", type=Whole(), default=0, help="Fixed F per unit before the proportional split.")
@click.option("--out", type=PATH, help="Write fips,allocation,... here.")
@click.option("--program", help="Read the floor, pool and method from a program file (w-visa).")
@click.option("--on", help="With --program: the date its parameters are read for.")
@format_option
def allocate(
    total: int | None,
    population: Path | None,
    among: str | None,
    year: int | None,
    method: str | None,
    minimum: int,
    floor: int,
    out: Path | None,
    program: str | None,
    on: str | None,
    fmt: Format,
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
        tell(f"{program} {used.name} = {used.value} ({used.status}) [{used.cite}]")
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
