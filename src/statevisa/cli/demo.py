"""``statevisa demo``: the main job on shipped data, for a first look after ``make demo``.

Evaluates every shipped program that has a shipped synthetic population
(``sim/data/<program>.parquet``) through the same path as ``statevisa evaluate``
(read, validate, evaluate), then summarises who qualifies and how scores spread;
then runs the same engine on the vendored public data (Heartland counties, W visa caps).
Nothing heavy is imported until the command runs: the work is in `statevisa.services.sim`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click
from rich.table import Table

from statevisa.cli.common import stdout
from statevisa.cli.rules import on_option, parse_on, show_warnings

if TYPE_CHECKING:
    from statevisa.services.sim import Bin, DemoRun, OutputSummary

BAR_WIDTH = 40


@click.command("demo")
@on_option
def demo(on: str | None) -> None:
    """Evaluate the shipped programs on the shipped synthetic populations and summarise."""
    from statevisa.services.sim import demo_runs

    date = parse_on(on)
    for run in demo_runs(date):
        show(run)
    real_data(date)


def show(run: DemoRun) -> None:
    """One program's run: a rule, what was evaluated, who qualifies, and the last numeric output."""
    show_warnings(run.warnings)
    program = run.program
    stdout.rule(f"[bold]{program.title}[/bold] ({program.id} {program.version}, {program.jurisdiction})")
    stdout.print(
        f"{run.rows:,} synthetic people ({run.file}), evaluated on {run.on} in {run.seconds:.2f} s "
        "(read, validate, evaluate)"
    )
    summary = Table("output", "summary", title="Who qualifies")
    for output in run.outputs:
        summary.add_row(output.name, _summary(output))
    stdout.print(summary)
    if run.histogram_of is not None:
        stdout.print(_histogram(run.histogram_of, run.histogram))


def real_data(date: dt.date) -> None:
    """The same engine on vendored public data: Heartland counties and the W visa's state caps."""
    from statevisa.services import heartland
    from statevisa.services.allocation import program_allocation

    stdout.rule("[bold]On real data[/bold] (vendored Census and BLS tables)")
    counties = heartland.counties(heartland.Options(), date).summary
    stdout.print(
        f"Heartland Visa (S. 5644), {counties.basis} ({heartland.DEFAULTS_DOC}): "
        f"{counties.eligible:,} of {counties.counties:,} counties eligible; growth "
        f"{counties.growth_window}, national {counties.national_growth:+.2%}; prime-age "
        f"{counties.prime_age_window}.  [dim]statevisa heartland counties / explain FIPS[/dim]",
    )
    caps = program_allocation("w-visa", "states", 2024, date).table.sort("allocation", descending=True)
    table = Table(
        "state", "cap", "of which by population", title="W visa (S. 1040) first-year caps, 2024 populations"
    )
    for row in [*caps.head(3).iter_rows(named=True), *caps.tail(2).iter_rows(named=True)]:
        table.add_row(str(row["name"]), f"{row['allocation']:,}", f"{row['share']:,}")
    stdout.print(table)
    stdout.print(
        f"{caps.height} jurisdictions, {int(caps['allocation'].sum()):,} in all.  "
        "[dim]statevisa allocate --program w-visa --year 2024[/dim]"
    )


def _summary(output: OutputSummary) -> str:
    if output.kind == "bool":
        return f"{output.true:,} true ({output.true / output.rows:.1%})"
    if output.spread is not None:
        text = [f"{v:,.0f}" if output.kind == "int" else f"{v:,.3g}" for v in output.spread]
        return "min {}  p10 {}  median {}  p90 {}  max {}".format(*text)
    return ", ".join(f"{value}: {count:,}" for value, count in output.top)


def _histogram(name: str, bins: tuple[Bin, ...]) -> Table:
    peak = max(item.people for item in bins)
    table = Table("range", "people", "", title=f"Distribution of {name}", box=None)
    for item in bins:
        bar = "█" * max(1, round(BAR_WIDTH * item.people / peak))
        table.add_row(f"{item.start:,.0f} to {item.end:,.0f}", f"{item.people:,}", f"[green]{bar}[/green]")
    return table
