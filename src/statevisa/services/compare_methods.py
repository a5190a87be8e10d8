"""A program's state caps under every apportionment method, side by side.

The program's own parameters fix the floor per state and the pool shared by population (the
approved version on the platform, else the shipped file); only the rounding method changes
from column to column, so every difference between two columns is the method's doing. The
method the program itself names is the baseline the differences are measured from. Caps are
public records (``allocation.read``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from statevisa.allocation.apportion import Method
from statevisa.errors import ConflictError, NotFoundError, problem
from statevisa.services.allocation import PROGRAM_PARAMETERS, ParameterUsed, allocate, allocation_of
from statevisa.services.authz import Resource
from statevisa.services.context import Context
from statevisa.services.programs import Opened, warnings_for

POPULATION_METHODS: tuple[Method, ...] = ("hamilton", "huntington-hill", "webster", "jefferson", "adams")
"""The methods that share by population (``equal`` ignores it, so it is not compared here)."""


@dataclass(frozen=True)
class Comparison:
    """The caps by method: one row per state, one column per method, and how far they spread."""

    program_id: str
    title: str
    version: str
    source: str
    year: int
    baseline: str
    methods: tuple[str, ...]
    total: int
    floor: int
    table: pl.DataFrame
    """fips, name, population, one column per method, spread (largest minus smallest cap)."""
    parameters: tuple[ParameterUsed, ...]
    warnings: tuple[str, ...]

    @property
    def states_that_differ(self) -> int:
        return int((self.table["spread"] > 0).sum())


def _opened(ctx: Context, program_id: str) -> tuple[Opened, str]:
    """The program as it takes effect: the approved version on the platform, else the shipped file."""
    from statevisa.programs import shipped_ids
    from statevisa.services import program_versions as versions
    from statevisa.services.programs import open_program

    try:
        row, _ = versions.approved_version(ctx, program_id)
    except (NotFoundError, ConflictError):
        if program_id not in shipped_ids():
            raise NotFoundError(problem("not-found", f"no program {program_id}", field="program")) from None
        opened = open_program(program_id, ctx.today)
        return opened, f"shipped file, version {opened.program.version}"
    resolved = versions.resolved_on(row, ctx.today)
    return Opened(resolved, warnings_for(resolved)), f"approved version #{row.id} on this platform"


def allocatable() -> tuple[str, ...]:
    """The shipped programs whose file defines a population-share allocation."""
    from statevisa.services.programs import list_programs, shipped_program

    return tuple(
        s.id
        for s in list_programs()
        if all(name in shipped_program(s.id).parameters for name in PROGRAM_PARAMETERS)
    )


def compare(ctx: Context, program_id: str, year: int) -> Comparison:
    """The program's first-year caps for population year `year`, under each method."""
    opened, source = _opened(ctx, program_id)
    program = opened.program
    ctx.authorize("allocation.read", Resource("Allocation", f"{program.id}/{year}", program.jurisdiction))
    base = allocation_of(opened, year)
    request = base.request
    methods = tuple(dict.fromkeys((request.method, *POPULATION_METHODS)))
    table = base.table.select("fips", "name", "population")
    for method in methods:
        caps = allocate(replace(request, method=method)).table
        table = table.join(caps.select("fips", pl.col("allocation").alias(method)), on="fips")
    spread = pl.max_horizontal(methods) - pl.min_horizontal(methods)
    return Comparison(
        program.id,
        program.title,
        program.version,
        source,
        year,
        request.method,
        methods,
        request.total,
        request.floor,
        table.with_columns(spread.alias("spread")).sort("population", descending=True),
        base.parameters,
        base.warnings,
    )
