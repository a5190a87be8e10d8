"""Allocation benchmarks (issue 4 §6), one named section each.

    .venv/bin/python bench/allocation.py                   # every section
    .venv/bin/python bench/allocation.py huntington-hill   # one section

Each section prints its figures and a ratio against a baseline measured in the same
run, and checks that both give the same answer.
"""

from __future__ import annotations

import heapq
import math
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from statevisa.allocation.apportion import apportion

HEARTLAND_CAP = 50_000  # heartland.md §5.1 cap.national (unconfirmed default)
HH_TARGET_S = 0.1  # issue 4 §6


def county_weights() -> tuple[NDArray[np.float64], str]:
    """Vendored county populations (newest year), or a synthetic lognormal stand-in."""
    try:
        from statevisa.reference.population import county_population

        frame = county_population(2024)
        return frame["population"].to_numpy().astype(np.float64), "vendored V2024 counties, 2024"
    except ImportError:  # the reference package is not there: same size, same skew
        rng = np.random.default_rng(4)
        return np.round(rng.lognormal(10.3, 1.45, 3143)), "synthetic lognormal counties"


def heapq_huntington_hill(weights: NDArray[np.float64], total: int) -> NDArray[np.int64]:
    """The textbook baseline: one seat each, then pop the largest priority seat by seat."""
    w = weights.tolist()
    seats = [1 if x > 0 else 0 for x in w]
    heap = [(-x / math.sqrt(2.0), -x, i) for i, x in enumerate(w) if x > 0]
    heapq.heapify(heap)
    for _ in range(total - sum(seats)):
        _, neg_w, i = heapq.heappop(heap)
        seats[i] += 1
        a = seats[i]
        heapq.heappush(heap, (neg_w / math.sqrt(a * (a + 1.0)), neg_w, i))
    return np.array(seats, dtype=np.int64)


def _timed_load() -> tuple[float, tuple[NDArray[np.float64], str]]:
    start = time.perf_counter()
    loaded = county_weights()
    return time.perf_counter() - start, loaded


def _timed(run: Callable[[], NDArray[np.int64]]) -> tuple[float, NDArray[np.int64]]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def huntington_hill() -> None:
    """Huntington-Hill over every county, cold (first call in this process) and warm."""
    load, (weights, label) = _timed_load()
    total = HEARTLAND_CAP
    cold, ours = _timed(lambda: apportion(weights, total, "huntington-hill"))
    base_cold, theirs = _timed(lambda: heapq_huntington_hill(weights, total))
    if not np.array_equal(ours, theirs):
        raise SystemExit(f"huntington-hill: results differ in {int((ours != theirs).sum())} units")
    warm = statistics.median(
        _timed(lambda: apportion(weights, total, "huntington-hill"))[0] for _ in range(20)
    )
    base_warm = statistics.median(
        _timed(lambda: heapq_huntington_hill(weights, total))[0] for _ in range(5)
    )
    verdict = "ok" if cold <= HH_TARGET_S else "OVER TARGET"
    print(f"huntington-hill: {weights.size:,} units ({label}), {total:,} seats, results identical")
    print(f"  apportion   cold {cold * 1e3:7.2f} ms  warm {warm * 1e3:7.2f} ms  "
          f"(target <= {HH_TARGET_S * 1e3:.0f} ms cold: {verdict})")  # fmt: skip
    print(f"  (loading the county populations: {load * 1e3:.1f} ms, not counted)")
    print(f"  heapq       cold {base_cold * 1e3:7.2f} ms  warm {base_warm * 1e3:7.2f} ms")
    print(f"  ratio       cold {base_cold / cold:7.1f}x     warm {base_warm / warm:7.1f}x")


SECTIONS: dict[str, Callable[[], None]] = {
    "huntington-hill": huntington_hill,
}


def main(argv: list[str] | None = None) -> None:
    """Run the named sections (all when none is named)."""
    names = sys.argv[1:] if argv is None else argv
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise SystemExit(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    for name in names or list(SECTIONS):
        SECTIONS[name]()


if __name__ == "__main__":
    main()
