"""What a user runs, against its floor: the `statevisa` commands timed end to end (issue 8).

    .venv/bin/python bench/cli.py [--people 1000000] [--repeat 3] [--markdown]

Each row runs a whole `statevisa` process and the bare work it cannot avoid (its floor)
interleaved in one loop, `--repeat` times, and prints the medians and their ratio:

- `evaluate canada-crs` on 1,000,000 and 10,000 synthetic profiles, Parquet in and out;
  floor: a Polars script that reads the same file and writes id plus five computed columns.
- `statevisa --help` and `programs list`; floor: `python -c pass` (interpreter start-up).
- a second `check` of a program (served from the checked-program cache) against the first.
- the per-case path the platform takes for one submission: `rules.cases.evaluate_one`
  (validate, evaluate, explain) in process, against the goal of 1 ms.

The machine's load (`os.getloadavg`) is printed before and after; read the ratios, not the
seconds, when it is high. Selection commands have their own script, `bench/selection_cli.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ON = "2025-06-01"
BIN = Path(sys.executable).parent
STATEVISA = str(BIN / "statevisa")

FLOOR = """
import sys, polars as pl
frame = pl.read_parquet(sys.argv[1])
out = frame.select(
    "id",
    (pl.col("age") + pl.col("english_speaking")).alias("core"),
    (pl.col("spouse_speaking") * 2).alias("spouse"),
    (pl.col("foreign_work_years") + pl.col("canadian_work_years")).alias("transferability"),
    (pl.col("french_speaking") * 3).alias("additional"),
    (pl.col("age") + pl.col("french_writing")).alias("score"),
)
out.write_parquet(sys.argv[2])
"""


def run(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Seconds for one whole process; a failing command stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def population(path: Path, people: int) -> None:
    """Write `people` synthetic CRS profiles with `statevisa sim generate` (not timed)."""
    run([STATEVISA, "sim", "generate", "canada-crs", "--people", str(people), "--seed", "1",
         "--on", ON, "--out", str(path)])  # fmt: skip


def per_case(samples: int) -> tuple[float, float]:
    """Median seconds per case of `evaluate_one` and of `evaluate_case`, in process."""
    from statevisa.rules.cases import evaluate_one, typed_case
    from statevisa.rules.evaluate import evaluate_case
    from statevisa.services.programs import open_program
    from statevisa.sim.synthetic import population as draw

    resolved = open_program("canada-crs", dt.date.fromisoformat(ON)).resolved
    rows = draw(resolved, samples, seed=2).to_dicts()
    texts = [{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in r.items()} for r in rows]
    start = time.perf_counter()
    for row in texts:
        evaluate_one(resolved, row, "bench")
    validated = (time.perf_counter() - start) / samples
    typed = [typed_case(resolved, row, "bench") for row in texts]
    start = time.perf_counter()
    for case in typed:
        evaluate_case(resolved, case)
    bare = (time.perf_counter() - start) / samples
    return validated, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=2_000, help="cases for the per-case row")
    args = parser.parse_args()
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="statevisa-bench-") as tmp:
        work = Path(tmp)
        big, small = work / "big.parquet", work / "small.parquet"
        population(big, args.people)
        population(small, 10_000)
        cache = {**os.environ, "STATEVISA_CACHE_DIR": str(work / "cache")}
        cold = {**os.environ, "STATEVISA_CACHE_DIR": "off"}
        python = sys.executable

        def evaluate(source: Path) -> list[str]:
            return [STATEVISA, "evaluate", "canada-crs", "--input", str(source),
                    "--out", str(work / "out.parquet"), "--on", ON]  # fmt: skip

        rows: list[tuple[str, list[str], dict[str, str], list[str], dict[str, str], float]] = [
            (f"`evaluate canada-crs`, {args.people:,} rows, Parquet", evaluate(big), cache,
             [python, "-c", FLOOR, str(big), str(work / "floor.parquet")], cold, 2.0),
            ("`evaluate canada-crs`, 10,000 rows, Parquet", evaluate(small), cache,
             [python, "-c", FLOOR, str(small), str(work / "floor.parquet")], cold, 2.0),
            ("`statevisa --help`", [STATEVISA, "--help"], cache, [python, "-c", "pass"], cold, 0.0),
            ("`statevisa programs list`", [STATEVISA, "programs", "list"], cache,
             [python, "-c", "pass"], cold, 0.0),
            ("`check canada-crs`, cached against uncached", [STATEVISA, "check", "canada-crs"], cache,
             [STATEVISA, "check", "canada-crs"], cold, 1.0),
        ]  # fmt: skip
        run(rows[-1][1], cache)  # fill the cache once; every timed cached run reads it
        times: dict[str, tuple[list[float], list[float]]] = {row[0]: ([], []) for row in rows}
        for _ in range(args.repeat):
            for name, command, env, floor, floor_env, _goal in rows:
                times[name][0].append(run(command, env))
                times[name][1].append(run(floor, floor_env))
        validated, bare = per_case(args.samples)
    load_after = os.getloadavg()

    print(f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after. "
          f"Medians of {args.repeat}, command and floor interleaved.\n")  # fmt: skip
    print("| what a user runs | seconds | floor | floor seconds | ratio | goal |")
    print("| --- | ---: | --- | ---: | ---: | --- |")
    floors = ["Polars read + 5 columns + write", "Polars read + 5 columns + write", "`python -c pass`",
              "`python -c pass`", "the same `check`, cache off"]  # fmt: skip
    for (name, *_rest, goal), floor_name in zip(rows, floors, strict=True):
        mine, base = (statistics.median(t) for t in times[name])
        target = f"≤ {goal:g}x" if goal > 1 else ("< 1x" if goal == 1 else "no Polars/NumPy import")
        print(f"| {name} | {mine:.3f} | {floor_name} | {base:.3f} | {mine / base:.2f}x | {target} |")
    print(f"\nOne submission, in process, mean over {args.samples:,} synthetic cases: "
          f"`evaluate_one` (validate + evaluate + explanation) {validated * 1e3:.3f} ms; "
          f"`evaluate_case` alone {bare * 1e3:.3f} ms. Goal: ≤ 1 ms "
          f"({'met' if validated <= 1e-3 else 'NOT met'}).")  # fmt: skip


if __name__ == "__main__":
    main()
