"""CLI for synthetic populations: ``statevisa sim generate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import polars.selectors as cs
import typer

from statevisa.cli.common import stderr
from statevisa.cli.rules import OnOption, open_program, parse_on
from statevisa.sim.synthetic import population
from statevisa.tables import table_format, write_table

app = typer.Typer(help="Synthetic populations built from a program's declared inputs.", no_args_is_help=True)


@app.command("generate")
def generate(
    program: Annotated[str, typer.Argument(help="A shipped program id or a path to a program file.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the people: .csv or .parquet.")],
    people: Annotated[int, typer.Option("--people", min=1, help="How many people.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    on: OnOption = None,
) -> None:
    """Draw synthetic people for a program, uniformly within each input's declared range."""
    table_format(out)
    resolved = open_program(program, parse_on(on), {}).resolved
    frame = population(resolved, people, seed)
    write_table(frame.with_columns(cs.enum().cast(pl.String)), out)
    stderr.print(f"{resolved.program.id}: {people:,} synthetic people (seed {seed}) → {out}", markup=False)
