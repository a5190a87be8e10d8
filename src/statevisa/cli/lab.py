"""`statevisa lab run`: a scenario computed once, or swept, locally or on a Dask cluster.

Parses the options, calls `statevisa.services.lab` (read, then execute) and renders the
results; with ``--out`` the report is exported there by `statevisa.services.lab_report`. The
progress of a sweep is a bar on stderr at a terminal, and one line per point otherwise (a log
keeps them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statevisa.cli import Group
from statevisa.cli.common import stderr, stdout, tell, warn
from statevisa.cli.params import PATH, Argument

if TYPE_CHECKING:
    from statevisa.services.lab import Report

app = Group(
    "lab", help="The scenario lab: run a scenario, sweep its settings, export a report.", no_args_is_help=True
)


@app.command("run")
@click.argument("scenario", type=PATH, cls=Argument, help="A scenario file (YAML): see docs/lab.md.")
@click.option(
    "--sweep",
    "sweeps",
    multiple=True,
    metavar="NAME=START:STOP:STEP",
    help="Sweep a setting (set.PARAMETER, heartland.window, ...) over a range, STOP included (repeatable).",
)
@click.option(
    "--scheduler", default=None, metavar="ADDR", help="Run on Dask: tcp://HOST:PORT of a scheduler."
)
@click.option(
    "--out", type=PATH, default=None, help="A folder for the report (HTML, CSV, SVG and PNG charts)."
)
def run(scenario: Path, sweeps: tuple[str, ...], scheduler: str | None, out: Path | None) -> None:
    """Compute a scenario (every point of its sweeps) and print, or export, its report."""
    from statevisa.services import lab

    if out is not None and out.exists() and not out.is_dir():
        from statevisa.errors import InputError, problem

        raise InputError(problem("not-a-folder", "is a file: --out names a folder", file=out, field="--out"))
    loaded = lab.read(scenario, dt.date.today(), sweeps)
    with progress(len(loaded.points)) as advance:
        report = lab.execute(loaded, scheduler=scheduler, progress=advance)
    for message in report.points[0].warnings:
        warn(message)
    show(report)
    if out is not None:
        from statevisa.services.lab_report import write

        files = write(report, out, scenario.read_text(encoding="utf-8"))
        tell(f"{out}: report.html, results.csv, {len(files) - 2} more files")


@contextmanager
def progress(total: int) -> Iterator[Callable[[int, int], None]]:
    """A bar on stderr at a terminal; plain ``point N/TOTAL`` lines otherwise."""
    if not stderr.is_terminal:
        yield lambda done, all_: tell(f"point {done}/{all_}") if done else None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("lab", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr) as bar:
        task = bar.add_task("points", total=total)
        yield lambda done, all_: bar.update(task, completed=done)


def show(report: Report) -> None:
    """The results: one row per point of a sweep, or each number of a single run."""
    from rich.table import Table

    from statevisa.services.lab_report import shown

    run = report.run
    title = f"{run.scenario.title or run.source}: {len(report.points)} point(s) {report.where}"
    if not run.sweeps:
        table = Table("result", "value", title=title)
        for name, value in report.points[0].metrics.items():
            table.add_row(name, shown(value))
        stdout.print(table)
        return
    swept = [sweep.name for sweep in run.sweeps]
    table = Table(*swept, *report.varying, title=title)
    for point in report.points:
        table.add_row(
            *(shown(point.values[n]) for n in swept), *(shown(point.metrics[m]) for m in report.varying)
        )
    stdout.print(table)
    same = [name for name in report.points[0].metrics if name not in report.varying]
    if same:
        unchanged = Table("the same at every point", "value", box=None)
        for name in same:
            unchanged.add_row(name, shown(report.points[0].metrics[name]))
        stdout.print(unchanged)
