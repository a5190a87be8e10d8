"""Benchmark: the vectorised rules path against the per-case path, on synthetic CRS profiles.

    .venv/bin/python bench/rules.py [--people 1000000] [--sample 2000] [--seed 1]

Prints seconds for the vectorised evaluation of every profile, seconds per case for
the per-case evaluator (with its explanation tree) on a sample of the same profiles,
and their ratio in throughput. Both paths are checked to agree on the sample.
Target (issue 3): <= 1 s for 1M people on 2 cores, and >= 50x the per-case path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import polars as pl

from statevisa.programs import find_program
from statevisa.rules.cases import evaluate_one
from statevisa.rules.evaluate import evaluate_case, evaluate_frame
from statevisa.rules.load import load_program
from statevisa.rules.resolve import resolve
from statevisa.rules.validate import validate
from statevisa.sim.synthetic import population

ON = dt.date(2025, 6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    resolved = resolve(load_program(find_program("canada-crs")), ON)
    people = population(resolved, args.people, args.seed)

    vector_runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        scores = evaluate_frame(resolved, people)
        vector_runs.append(time.perf_counter() - start)
    vector = statistics.median(vector_runs)

    text = people.cast(pl.String)
    start = time.perf_counter()
    validate(resolved, text, "bench")
    validation = time.perf_counter() - start

    sample = people.head(args.sample)
    rows = sample.to_dicts()
    start = time.perf_counter()
    single = [evaluate_case(resolved, row).outputs["score"] for row in rows]
    per_case = (time.perf_counter() - start) / len(rows)
    if single != scores["score"].head(args.sample).to_list():
        raise SystemExit("per-case and vectorised scores disagree on the sample")

    few = min(200, len(rows))
    start = time.perf_counter()
    for row in rows[:few]:
        evaluate_one(resolved, row, "bench")
    per_case_validated = (time.perf_counter() - start) / few

    ratio = per_case * args.people / vector
    print(
        f"canada-crs on {ON}, {args.people:,} synthetic profiles (seed {args.seed}), polars {pl.__version__}"
    )
    runs = _fmt(vector_runs)
    print(f"vectorised evaluate_frame:            {vector:8.3f} s  (median of {args.repeat}; runs {runs})")
    print(f"vectorised validation from text:      {validation:8.3f} s")
    sampled = f"sample {len(rows):,}, scores agree"
    print(f"per-case evaluate_case (+explanation): {per_case * 1e6:7.1f} us/case  ({sampled})")
    print(f"per-case evaluate_one (+validation):  {per_case_validated * 1e3:8.2f} ms/case  (sample {few})")
    print(f"ratio, per-case time x {args.people:,} / vectorised: {ratio:,.0f}x  (target >= 50x)")
    print(f"target <= 1 s for 1M: {'met' if vector * 1_000_000 / args.people <= 1 else 'NOT met'}")


def _fmt(runs: list[float]) -> str:
    return ", ".join(f"{r:.3f}" for r in runs)


if __name__ == "__main__":
    main()
