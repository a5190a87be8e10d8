"""Allocation benchmarks (issue 4 §6), one named section each.

    .venv/bin/python bench/allocation.py                   # every section
    .venv/bin/python bench/allocation.py huntington-hill   # one section

Each section prints its figures and a ratio against a baseline measured in the same
run, and checks that both give the same answer.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.allocation.apportion import apportion

HEARTLAND_CAP = 50_000  # docs/programs/heartland.md#parameters, cap_national (unconfirmed default)
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
    base_warm = statistics.median(_timed(lambda: heapq_huntington_hill(weights, total))[0] for _ in range(5))
    verdict = "ok" if cold <= HH_TARGET_S else "OVER TARGET"
    print(f"huntington-hill: {weights.size:,} units ({label}), {total:,} seats, results identical")
    print(f"  apportion   cold {cold * 1e3:7.2f} ms  warm {warm * 1e3:7.2f} ms  "
          f"(target <= {HH_TARGET_S * 1e3:.0f} ms cold: {verdict})")  # fmt: skip
    print(f"  (loading the county populations: {load * 1e3:.1f} ms, not counted)")
    print(f"  heapq       cold {base_cold * 1e3:7.2f} ms  warm {base_warm * 1e3:7.2f} ms")
    print(f"  ratio       cold {base_cold / cold:7.1f}x     warm {base_warm / warm:7.1f}x")


HEARTLAND_TARGET_S = 0.5  # issue 4 §6


def python_heartland(
    growth: list[tuple[str, int, int]],
    prime: dict[str, tuple[int, int]],
    ratio: float,
) -> dict[str, bool]:
    """The baseline: docs/programs/heartland.md#rules, rules 2-4 and 6 (`any`), as a plain per-county loop."""
    national = sum(end for _, _, end in growth) / sum(start for _, start, _ in growth) - 1.0
    eligible = {}
    for fips, start, end in growth:
        tests = [end / start - 1.0 < ratio * national]
        if fips in prime:
            tests.append(prime[fips][1] < prime[fips][0])
        eligible[fips] = any(tests)
    return eligible


def heartland() -> None:
    """Heartland eligibility for all 3,143 listing counties with the default parameters.

    Cold = the first call in this process, including reading the vendored Parquet files and
    the policy file; core = `decide` alone (the `heartland` policy file evaluated by the rules
    engine over a county table already measured); the baseline loop gets the same inputs as
    Python tuples (its conversion is not counted).
    """
    from statevisa.allocation import heartland_inputs as inputs
    from statevisa.allocation.heartland import decide
    from statevisa.services import heartland as service
    from statevisa.services.programs import open_program

    on = dt.date(2025, 6, 1)
    start = time.perf_counter()
    result = service.evaluate(service.Options(), on)
    cold = time.perf_counter() - start
    resolved = open_program("heartland", on).resolved
    ratio = float(resolved.scalar("growth_ratio"))
    table = result.table
    windows = table.windows
    growth = inputs.growth_frame(windows)
    prime = inputs.prime_frame(windows)

    def core() -> None:
        decide(resolved, table)

    def timed(run: Callable[[], object]) -> float:
        began = time.perf_counter()
        run()
        return time.perf_counter() - began

    core_warm = statistics.median(timed(core) for _ in range(20))
    rows = list(growth.select("fips", "pop_start", "pop_end").iter_rows())
    primes = {f: (a, b) for f, a, b in prime.iter_rows()}
    ours = dict(result.frame.select("fips", "eligible").iter_rows())
    theirs = python_heartland(rows, primes, ratio)
    if ours != theirs:
        differ = sum(ours[f] != theirs[f] for f in ours)
        raise SystemExit(f"heartland: vectorised and loop results differ in {differ} counties")
    loop_warm = statistics.median(timed(lambda: python_heartland(rows, primes, ratio)) for _ in range(20))

    def loop_from_frames() -> None:  # what a per-county loop costs when it starts from frames
        python_heartland(
            list(growth.select("fips", "pop_start", "pop_end").iter_rows()),
            {f: (a, b) for f, a, b in prime.iter_rows()},
            ratio,
        )

    loop_frames = statistics.median(timed(loop_from_frames) for _ in range(20))
    big_growth, big_prime = _replicated(growth, prime, 100)
    big_universe = big_growth.select("fips", "name", "state", big_growth["pop_end"].alias("population"))
    big_table = inputs.CountyTable(
        inputs.county_table(big_universe, big_growth, big_prime),
        windows,
        "listing",
        windows.vintage,
        *inputs.national_growth(big_growth),
    )
    big_core = statistics.median(timed(lambda: decide(resolved, big_table)) for _ in range(5))
    big_rows = list(big_growth.select("fips", "pop_start", "pop_end").iter_rows())
    big_primes = {f: (a, b) for f, a, b in big_prime.iter_rows()}
    big_loop = statistics.median(
        timed(lambda: python_heartland(big_rows, big_primes, ratio)) for _ in range(5)
    )
    verdict = "ok" if cold <= HEARTLAND_TARGET_S else "OVER TARGET"
    print(f"heartland: {len(ours):,} counties ({windows.growth_label}), "
          f"{sum(ours.values()):,} eligible, results identical")  # fmt: skip
    print(f"  listing cold (incl. Parquet reads) {cold * 1e3:7.2f} ms  "
          f"(target <= {HEARTLAND_TARGET_S * 1e3:.0f} ms: {verdict})")  # fmt: skip
    print(f"  decide warm (median of 20)        {core_warm * 1e3:7.2f} ms")
    print(f"  python loop warm (median of 20)   {loop_warm * 1e3:7.2f} ms")
    print(f"  python loop from frames (median)  {loop_frames * 1e3:7.2f} ms")
    print(f"  ratio loop / decide               {loop_warm / core_warm:7.1f}x "
          f"(from frames {loop_frames / core_warm:.1f}x)")  # fmt: skip
    print(f"  x100 counties ({big_growth.height:,}): decide {big_core * 1e3:.1f} ms, "
          f"loop {big_loop * 1e3:.1f} ms, ratio {big_loop / big_core:.1f}x")  # fmt: skip
    began = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("statevisa")), "heartland", "counties"],
        check=True,
        capture_output=True,
    )
    print(f"  whole CLI process (statevisa heartland counties, incl. imports): "
          f"{(time.perf_counter() - began) * 1e3:.0f} ms")  # fmt: skip


def _replicated(growth: pl.DataFrame, prime: pl.DataFrame, times: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`times` copies of the counties under new 7-character ids: a scenario-sweep-sized input."""

    def copies(frame: pl.DataFrame) -> pl.DataFrame:
        return pl.concat(
            frame.with_columns((pl.lit(f"{k:02d}") + pl.col("fips")).alias("fips")) for k in range(times)
        )

    return copies(growth), copies(prime)


SECTIONS: dict[str, Callable[[], None]] = {
    "huntington-hill": huntington_hill,
    "heartland": heartland,
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
