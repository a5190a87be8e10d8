"""``statevisa demo``: the main job on shipped data, for a first look after ``make demo``.

Evaluates every shipped program that has a shipped synthetic population
(``sim/data/<program>.parquet``) through the same path as ``statevisa evaluate``
(read, validate, evaluate), then summarises who qualifies and how scores spread;
then runs the same engine on the vendored public data (Heartland counties, W visa caps).
"""

from __future__ import annotations

import datetime as dt
import time
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
from rich.table import Table

from statevisa.cli.common import stdout
from statevisa.cli.rules import OnOption, open_program, parse_on
from statevisa.rules.evaluate import evaluate_frame
from statevisa.rules.model import Kind, Type
from statevisa.rules.validate import validate
from statevisa.tables import read_table

BAR_WIDTH = 40
BINS = 8


def populations() -> list[Path]:
    """The shipped synthetic populations, one per program id."""
    folder = Path(str(resources.files("statevisa.sim") / "data"))
    return sorted(folder.glob("*.parquet"))


def demo(on: OnOption = None) -> None:
    """Evaluate the shipped programs on the shipped synthetic populations and summarise."""
    date = parse_on(on)
    for path in populations():
        resolved = open_program(path.stem, date, {}).resolved
        start = time.perf_counter()
        result = evaluate_frame(resolved, validate(resolved, read_table(path), str(path.name)))
        seconds = time.perf_counter() - start
        program = resolved.program
        stdout.rule(f"[bold]{program.title}[/bold] ({program.id} {program.version}, {program.jurisdiction})")
        stdout.print(
            f"{result.height:,} synthetic people ({path.name}), evaluated on {date} in {seconds:.2f} s "
            "(read, validate, evaluate)"
        )
        summary = Table("output", "summary", title="Who qualifies")
        for name in program.outputs:
            summary.add_row(
                name, _summary(result[name], program.types.get(name) or program.inputs[name].type)
            )
        stdout.print(summary)
        numeric = [n for n in program.outputs if (program.types.get(n) or program.inputs[n].type).numeric]
        if numeric:
            stdout.print(_histogram(result[numeric[-1]]))
    real_data(date)


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


def _summary(column: pl.Series, type_: Type) -> str:
    kind = type_.kind
    if kind is Kind.BOOL:
        yes = int(column.sum())
        return f"{yes:,} true ({yes / column.len():.1%})"
    if kind in (Kind.INT, Kind.FLOAT):
        values = column.cast(pl.Float64).to_numpy()
        p10, p50, p90 = (float(v) for v in np.quantile(values, [0.1, 0.5, 0.9], method="nearest"))
        shown = [values.min(), p10, p50, p90, values.max()]
        text = [f"{v:,.0f}" if kind is Kind.INT else f"{v:,.3g}" for v in shown]
        return "min {}  p10 {}  median {}  p90 {}  max {}".format(*text)
    top = column.value_counts(sort=True).head(3)
    return ", ".join(f"{value}: {count:,}" for value, count in top.iter_rows())


def _histogram(column: pl.Series) -> Table:
    values = column.cast(pl.Float64).to_numpy()
    low, high = float(values.min()), float(values.max())
    width = (high - low) / BINS or 1.0
    bins = ((column.cast(pl.Float64) - low) / width).floor().clip(0, BINS - 1).cast(pl.Int64)
    counts = bins.value_counts().sort(bins.name)
    peak = int(counts["count"].to_numpy().max())
    table = Table("range", "people", "", title=f"Distribution of {column.name}", box=None)
    for index, count in counts.iter_rows():
        start = low + index * width
        bar = "█" * max(1, round(BAR_WIDTH * count / peak))
        table.add_row(f"{start:,.0f} to {start + width:,.0f}", f"{count:,}", f"[green]{bar}[/green]")
    return table
