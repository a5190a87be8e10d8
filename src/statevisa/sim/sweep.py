"""Sweeps: ``NAME=START:STOP:STEP`` ranges, and the grid of points they span.

A range runs from START to STOP inclusive when STOP falls on the grid (``0.5:2:0.5`` is 0.5, 1,
1.5, 2), as a person writing it expects; the points are computed as START + i x STEP from
decimal text, so ``0.1:0.3:0.1`` gives 0.1, 0.2, 0.3 and never 0.30000000000000004. Several
sweeps span their Cartesian product, the first varying slowest.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from statevisa.errors import InputError, problem

MAX_POINTS = 10_000
"""The most points one run may have (a sweep of sweeps past this is a batch job, not a lab run)."""


@dataclass(frozen=True)
class Sweep:
    """One swept setting and the values it takes, in order."""

    name: str
    values: tuple[float, ...]

    @property
    def label(self) -> str:
        return (
            f"{self.name} = {_shown(self.values[0])} .. {_shown(self.values[-1])} ({len(self.values)} values)"
        )


def _shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _number(text: str, what: str, given: str) -> Decimal:
    try:
        found = Decimal(text.strip())
    except InvalidOperation:
        found = Decimal("NaN")
    if not found.is_finite():
        raise InputError(
            problem("not-a-number", f"'{given}': {what} '{text}' is not a finite number", field="--sweep")
        )
    return found


def parse_sweep(text: str) -> Sweep:
    """One ``NAME=START:STOP:STEP`` option."""
    name, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not name.strip() or len(parts) != 3:
        raise InputError(problem("not-a-sweep", f"'{text}' is not NAME=START:STOP:STEP", field="--sweep"))
    start, stop, step = (
        _number(part, what, text) for part, what in zip(parts, ("START", "STOP", "STEP"), strict=True)
    )
    if step <= 0:
        raise InputError(problem("bad-step", f"'{text}': STEP must be above 0", field="--sweep"))
    if stop < start:
        raise InputError(problem("reversed", f"'{text}': STOP is below START", field="--sweep"))
    count = int((stop - start) / step) + 1
    if count > MAX_POINTS:
        raise InputError(
            problem(
                "too-many-points", f"'{text}' has {count:,} values (at most {MAX_POINTS:,})", field="--sweep"
            )
        )
    return Sweep(name.strip(), tuple(float(start + i * step) for i in range(count)))


def parse_sweeps(texts: Sequence[str]) -> tuple[Sweep, ...]:
    """Every ``--sweep`` option; a setting swept twice is refused."""
    sweeps = tuple(parse_sweep(text) for text in texts)
    names = [sweep.name for sweep in sweeps]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InputError(
            problem("swept-twice", f"{', '.join(twice)} is swept more than once", field="--sweep")
        )
    points = 1
    for sweep in sweeps:
        points *= len(sweep.values)
    if points > MAX_POINTS:
        raise InputError(
            problem(
                "too-many-points",
                f"the sweeps span {points:,} points (at most {MAX_POINTS:,})",
                field="--sweep",
            )
        )
    return sweeps


def grid(sweeps: Sequence[Sweep]) -> list[dict[str, float]]:
    """Every point the sweeps span (one empty point when there is no sweep)."""
    names = [sweep.name for sweep in sweeps]
    return [
        dict(zip(names, values, strict=True)) for values in itertools.product(*(s.values for s in sweeps))
    ]
