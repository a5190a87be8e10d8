"""Run independent slices of NumPy work on every core.

NumPy releases the GIL inside its array loops, so threads that each fill their own slice
of an output array run side by side; a lottery over 20 million entries then uses both
cores of a small machine instead of one. Each slice writes only its own rows, so the
result is the same whatever order the threads finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

TASK_ROWS = 1 << 18
"""Rows per task: large enough that NumPy calls dominate, small enough to balance cores."""


def each(tasks: Sequence[T], work: Callable[[T], None]) -> None:
    """Call ``work(task)`` for every task, on every core; the first exception is re-raised."""
    workers = min(len(tasks), os.cpu_count() or 1)
    if workers <= 1:
        for task in tasks:
            work(task)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(work, tasks):
            pass  # iterating re-raises the first exception of any task


def over_rows(rows: int, work: Callable[[int, int], None]) -> None:
    """Call ``work(start, stop)`` for consecutive slices of ``range(rows)``, on every core."""
    bounds = [(start, min(start + TASK_ROWS, rows)) for start in range(0, rows, TASK_ROWS)]
    each(bounds, lambda bound: work(*bound))
