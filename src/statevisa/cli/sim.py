"""CLI for synthetic populations: ``statevisa sim generate``.

Parses the options, calls `statevisa.services.sim.generate` once, reports what was written.
A large run shows its stages (drawing, redrawing, writing) on stderr when stderr is a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from statevisa.cli import Group
from statevisa.cli.common import BUSY_ROWS, stderr
from statevisa.cli.params import PATH, Whole
from statevisa.cli.rules import on_option, parse_on, program_argument, show_warnings

app = Group("sim", help="Synthetic populations built from a program's declared inputs.", no_args_is_help=True)


@app.command("generate")
@program_argument
@click.option("--out", type=PATH, required=True, help="Where to write the people: .csv or .parquet.")
@click.option("--people", type=Whole(), default=10_000, help="How many people (at least 1).")
@click.option("--seed", type=Whole(), default=0, help="Seed of the random generator, 0 to 2**64 - 1.")
@on_option
def generate(program: str, out: Path, people: int, seed: int, on: str | None) -> None:
    """Draw synthetic people for a program, uniformly within each input's declared range."""
    from statevisa.services.sim import generate as run

    with stages(people) as progress:
        done = run(program, people, seed, out, parse_on(on), progress)
    show_warnings(done.warnings)
    stderr.print(  # the console that drew the stages, so the line lands after the status clears
        f"{done.program.id}: {done.people:,} synthetic people (seed {done.seed}) → {done.out}", markup=False
    )


@contextmanager
def stages(people: int) -> Iterator[Callable[[str], None] | None]:
    """A status line on stderr that each stage rewrites: only for large runs on a terminal."""
    if people < BUSY_ROWS or not stderr.is_terminal:
        yield None
        return
    with stderr.status(f"{people:,} people") as status:
        yield lambda text: status.update(text)
