"""Synthetic people for a program: one row per person, every declared input filled.

Values are drawn independently and uniformly within each input's declared range
(enum values and booleans uniformly), from a seeded NumPy generator, so a
population is reproducible from (program, size, seed). It is not calibrated to
any real population: it exercises every branch of a program, for benchmarks,
demos and property checks. Rows that break a program constraint are redrawn.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.rules.model import InputSpec, Kind, Program
from statevisa.rules.resolve import Resolved
from statevisa.rules.to_polars import Compiler, dtype_of

DEFAULT_SPAN = 60
"""Width of the range drawn for an unbounded whole-number input (min to min + 60)."""


def _column(spec: InputSpec, n: int, rng: np.random.Generator) -> pl.Series:
    low = int(spec.minimum) if spec.minimum is not None else 0
    values: NDArray[np.generic]
    match spec.type.kind:
        case Kind.INT:
            high = int(spec.maximum) if spec.maximum is not None else low + DEFAULT_SPAN
            values = rng.integers(low, high + 1, size=n)
        case Kind.FLOAT:
            high_f = spec.maximum if spec.maximum is not None else low + float(DEFAULT_SPAN)
            values = rng.uniform(low, high_f, size=n)
        case Kind.BOOL:
            values = rng.random(n) < 0.5
        case Kind.ENUM:
            codes = rng.integers(0, len(spec.type.values), size=n)
            labels = pl.Series(spec.type.values, dtype=pl.String).gather(codes)
            return labels.cast(pl.Enum(list(spec.type.values))).alias(spec.name)
        case _:
            raise ValueError(f"input '{spec.name}': cannot synthesise {spec.type} values")
    return pl.Series(spec.name, values).cast(dtype_of(spec.type))


def population(resolved: Resolved, n: int, seed: int = 0) -> pl.DataFrame:
    """`n` synthetic people for the program, typed as validation would type them."""
    program: Program = resolved.program
    if n < 1:
        raise ValueError("a population needs at least one person")
    rng = np.random.default_rng(seed)
    frame = _draw(program, n, rng)
    checks = [Compiler(resolved).expr(c.node) for c in program.constraints]
    if checks:
        for _ in range(100):
            ok = frame.select(pl.all_horizontal(checks)).to_series()
            bad = int((~ok).sum())
            if bad == 0:
                break
            frame = pl.concat([frame.filter(ok), _draw(program, bad, rng)])
        else:
            raise ValueError(f"{program.id}: could not draw rows that satisfy its constraints")
    ids = pl.Series("id", [f"p{i:07d}" for i in range(n)])
    return frame.with_columns(ids).select("id", *program.inputs)


def _draw(program: Program, n: int, rng: np.random.Generator) -> pl.DataFrame:
    return pl.DataFrame([_column(spec, n, rng) for spec in program.inputs.values()])
