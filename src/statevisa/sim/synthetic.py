"""Synthetic people for a program: one row per person, every declared input filled.

Values are drawn independently and uniformly within each input's declared range
(enum values and booleans uniformly), from a seeded NumPy generator, so a
population is reproducible from (program, size, seed). It is not calibrated to
any real population: it exercises every branch of a program, for benchmarks,
demos and property checks. Rows that break a program constraint are redrawn.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.rules.model import InputSpec, Kind, Program
from statevisa.rules.resolve import Resolved
from statevisa.rules.to_polars import Compiler, dtype_of

DEFAULT_SPAN = 60
"""Width of the range drawn for an unbounded whole-number input (min to min + 60)."""
MAX_SEED = 2**64 - 1
"""Seeds are 64-bit unsigned integers: what every NumPy version and a reader in another language keep."""
REDRAWS = 100
"""Rounds of redrawing rows that break a constraint before the program is declared unsatisfiable."""
BYTES = {Kind.INT: 8, Kind.FLOAT: 8, Kind.BOOL: 1, Kind.ENUM: 16}
"""Bytes a value takes in the written frame (an enum is written as text: a 16-byte string view)."""
ID_BYTES = 16

Progress = Callable[[str], None]


def row_bytes(program: Program) -> int:
    """Bytes one synthetic person takes in memory: the id and one value per input."""
    return ID_BYTES + sum(BYTES.get(spec.type.kind, 16) for spec in program.inputs.values())


def _column(spec: InputSpec, n: int, rng: np.random.Generator) -> pl.Series:
    kind = spec.type.kind
    if kind not in BYTES:
        raise ValueError(f"input '{spec.name}': cannot synthesise {spec.type} values")
    if kind is Kind.ENUM:
        codes = rng.integers(0, len(spec.type.values), size=n)
        labels = pl.Series(spec.type.values, dtype=pl.String).gather(codes)
        return labels.cast(pl.Enum(list(spec.type.values))).alias(spec.name)
    if kind is Kind.BOOL:
        return pl.Series(spec.name, rng.random(n) < 0.5)
    low = int(spec.minimum) if spec.minimum is not None else 0
    values: NDArray[np.generic]
    try:
        if kind is Kind.INT:
            high = int(spec.maximum) if spec.maximum is not None else low + DEFAULT_SPAN
            values = rng.integers(low, high + 1, size=n)
        else:
            high_f = spec.maximum if spec.maximum is not None else low + float(DEFAULT_SPAN)
            values = rng.uniform(low, high_f, size=n)
    except (OverflowError, ValueError) as error:  # a range NumPy cannot draw from (past int64)
        raise ValueError(
            f"input '{spec.name}': cannot draw values between {spec.minimum} and {spec.maximum} ({error})"
        ) from None
    return pl.Series(spec.name, values).cast(dtype_of(spec.type))


def population(resolved: Resolved, n: int, seed: int = 0, progress: Progress | None = None) -> pl.DataFrame:
    """`n` synthetic people for the program, typed as validation would type them.

    `progress`, when given, is told each stage (drawing, each round of redraws), so that
    a shell can show it; the core itself never prints. Raises `ValueError` for a size
    below 1, a seed outside 0..2**64 - 1, or a program whose constraints it cannot meet.
    """
    program: Program = resolved.program
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"a population needs at least one person, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"the seed must be a whole number from 0 to 2**64 - 1, got {seed!r}")
    tell = progress or (lambda _: None)
    tell(f"{program.id}: drawing {n:,} people")
    rng = np.random.default_rng(seed)
    frame = _draw(program, n, rng)
    checks = [Compiler(resolved).expr(c.node) for c in program.constraints]
    if checks:
        for round_ in range(1, REDRAWS + 1):
            ok = frame.select(pl.all_horizontal(checks)).to_series()
            bad = int((~ok).sum())
            if bad == 0:
                break
            tell(f"{program.id}: redrawing {bad:,} people who break a constraint (round {round_})")
            frame = pl.concat([frame.filter(ok), _draw(program, bad, rng)])
        else:
            raise ValueError(f"{program.id}: could not draw rows that satisfy its constraints")
    ids = pl.concat_str([pl.lit("p"), pl.int_range(n).cast(pl.String).str.zfill(7)]).alias("id")
    return frame.with_columns(ids).select("id", *program.inputs)


def _draw(program: Program, n: int, rng: np.random.Generator) -> pl.DataFrame:
    return pl.DataFrame([_column(spec, n, rng) for spec in program.inputs.values()])
