"""Synthetic-population use cases: generate people for a program, and the demo's summaries.

`generate` refuses every bad option before drawing anyone (a seed outside 64 bits, a size
that would not fit in memory, an output that is a folder, an input or in a folder nobody
can write), so a long run never ends in a refusal. `demo_runs` evaluates each shipped
synthetic population through the same path as ``statevisa evaluate`` and returns what
the demo shows, as data.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from statevisa.errors import InputError, Problem, problem
from statevisa.services.programs import open_program

if TYPE_CHECKING:
    import polars as pl

    from statevisa.rules.model import Program, Type

MAX_SEED = 2**64 - 1
MAX_BYTES = 2 * 2**30
"""The people are built in memory before they are written; peak use is a few times this."""
BINS = 8


@dataclass(frozen=True)
class Generated:
    """What `generate` wrote."""

    program: Program
    people: int
    seed: int
    out: Path
    warnings: tuple[str, ...] = ()


def max_people(program: Program) -> int:
    """The most people of `program` that fit in `MAX_BYTES`."""
    from statevisa.sim.synthetic import row_bytes

    return MAX_BYTES // row_bytes(program)


def generate(
    reference: str,
    people: int,
    seed: int,
    out: Path,
    on: dt.date,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Draw `people` synthetic people for a program and write them to `out` (.csv or .parquet)."""
    from statevisa.sim.synthetic import population, row_bytes
    from statevisa.tables import check_output, write_table

    errors: list[Problem] = []
    if not 0 <= seed <= MAX_SEED:
        errors.append(
            problem("out-of-range", f"must be a whole number from 0 to 2**64 - 1, got {seed}", field="--seed")
        )
    if people < 1:
        errors.append(problem("out-of-range", f"must be at least 1, got {people}", field="--people"))
    try:
        check_output(out)
        _check_folder(out)
    except InputError as error:
        errors.extend(error.problems)
    if errors:
        raise InputError(errors)
    opened = open_program(reference, on)
    program = opened.program
    limit = max_people(program)
    if people > limit:
        need = people * row_bytes(program)
        raise InputError(
            problem(
                "too-large",
                f"{people:,} people of {program.id} take about {_size(need)} in memory "
                f"({row_bytes(program)} bytes each, built in memory before writing); at most {limit:,} fit "
                f"the {_size(MAX_BYTES)} allowed: generate several files with different --seed values",
                field="--people",
            )
        )
    try:
        frame = population(opened.resolved, people, seed, progress)
    except ValueError as error:
        raise InputError(problem("cannot-synthesise", str(error), file=program.path)) from None
    if progress is not None:
        progress(f"{program.id}: writing {people:,} people to {out}")
    import polars as pl
    import polars.selectors as cs

    write_table(frame.with_columns(cs.enum().cast(pl.String)), out)
    return Generated(program, people, seed, out, opened.warnings)


def _check_folder(out: Path) -> None:
    """The output's folder exists and takes a new file (tried, so that it holds for root too)."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(problem("no-such-folder", f"the folder {folder} does not exist", file=out))
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise InputError(
            problem("cannot-write", f"cannot write in {folder}: {error.strerror or error}", file=out)
        ) from None


def _size(count: int) -> str:
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count:,} bytes"


# The demo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputSummary:
    """One output over a population: how many are true, how numbers spread, or the top values."""

    name: str
    kind: str
    rows: int
    true: int = 0
    spread: tuple[float, float, float, float, float] | None = None
    """min, 10th, 50th, 90th percentile (nearest rank), max."""
    top: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Bin:
    """One bar of a histogram: [start, end) and how many people fall in it (the last is closed)."""

    start: float
    end: float
    people: int


@dataclass(frozen=True)
class DemoRun:
    """One shipped program evaluated on its shipped synthetic population."""

    program: Program
    file: str
    rows: int
    on: dt.date
    seconds: float
    outputs: tuple[OutputSummary, ...]
    histogram_of: str | None
    histogram: tuple[Bin, ...]
    warnings: tuple[str, ...] = ()


def shipped_populations() -> list[Path]:
    """The shipped synthetic populations, one per program id (``sim/data/<program>.parquet``)."""
    folder = Path(str(resources.files("statevisa.sim") / "data"))
    return sorted(folder.glob("*.parquet"))


def demo_runs(on: dt.date) -> list[DemoRun]:
    """Evaluate every shipped program that has a shipped population (read, validate, evaluate)."""
    from statevisa.rules.evaluate import evaluate_frame
    from statevisa.rules.validate import validate
    from statevisa.tables import read_table

    runs = []
    for path in shipped_populations():
        opened = open_program(path.stem, on)
        start = time.perf_counter()
        result = evaluate_frame(opened.resolved, validate(opened.resolved, read_table(path), path.name))
        seconds = time.perf_counter() - start
        program = opened.program
        outputs = tuple(_summary(result[name], _type(program, name)) for name in program.outputs)
        numeric = [name for name in program.outputs if _type(program, name).numeric]
        shown = numeric[-1] if numeric else None
        bins = _histogram(result[shown]) if shown else ()
        runs.append(
            DemoRun(program, path.name, result.height, on, seconds, outputs, shown, bins, opened.warnings)
        )
    return runs


def _type(program: Program, name: str) -> Type:
    return program.types.get(name) or program.inputs[name].type


def _summary(column: pl.Series, type_: Type) -> OutputSummary:
    import numpy as np
    import polars as pl

    from statevisa.rules.model import Kind

    kind, rows = type_.kind, column.len()
    if kind is Kind.BOOL:
        return OutputSummary(column.name, kind.value, rows, true=int(column.sum()))
    if kind in (Kind.INT, Kind.FLOAT):
        values = column.cast(pl.Float64).to_numpy()
        p10, p50, p90 = (float(v) for v in np.quantile(values, [0.1, 0.5, 0.9], method="nearest"))
        spread = (float(values.min()), p10, p50, p90, float(values.max()))
        return OutputSummary(column.name, kind.value, rows, spread=spread)
    top = column.value_counts(sort=True).head(3)
    return OutputSummary(
        column.name, kind.value, rows, top=tuple((str(v), int(c)) for v, c in top.iter_rows())
    )


def _histogram(column: pl.Series) -> tuple[Bin, ...]:
    import polars as pl

    values = column.cast(pl.Float64)
    array = values.to_numpy()
    low, high = float(array.min()), float(array.max())
    width = (high - low) / BINS or 1.0
    bins = ((values - low) / width).floor().clip(0, BINS - 1).cast(pl.Int64)
    counts = bins.value_counts().sort(bins.name)
    return tuple(
        Bin(low + index * width, low + (index + 1) * width, int(count)) for index, count in counts.iter_rows()
    )
