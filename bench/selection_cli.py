"""`statevisa select` end to end against its I/O floor (issue 8 §1).

Run: ``.venv/bin/python bench/selection_cli.py [--case match-20k ...] [--repeat 3]``.
Cases: ``match-20k`` (20,000 applicants x 10 preferences x 400 programs, common scores),
``match-1m`` (1,000,000 x 10 x 10,000), ``lottery-20m`` and ``verify-20m`` (20,000,000
weighted entries, 85,000 winners). The default runs ``match-20k`` only: the others are heavy
(hundreds of MB of CSV, several GB of memory), so name them explicitly.

Each case writes its inputs as CSV in a temporary folder, then times, interleaved, the CLI
command (a subprocess, start-up included, as a user runs it) and its floor: a bare Python
script that imports NumPy and Polars, reads the same input files and writes one output of
the same shape. It prints the medians of ``--repeat`` runs and the ratio CLI / floor.
Goals: <= 1.5 for match-20k, <= 2 for the others. Speed claims live here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from cli import run  # bench/cli.py, beside this script
from selection import random_lists  # bench/selection.py

SEED = bytes(range(32)).hex()
STATEVISA = [str(Path(sys.executable).with_name("statevisa"))]
"""The console script a user runs, from the same environment."""
GOALS = {"match-20k": 1.5, "match-1m": 2.0, "lottery-20m": 2.0, "verify-20m": 2.0}


@dataclass(frozen=True)
class Case:
    """One command and its floor, both argument lists for a subprocess."""

    name: str
    command: list[str]
    floor: list[str]


def ids(prefix: str, n: int, width: int) -> pl.Expr:
    return pl.format(prefix + "{}", pl.int_range(n).cast(pl.String).str.zfill(width))


def write_market(folder: Path, n: int, m: int, length: int) -> tuple[Path, Path, Path]:
    """P.csv (applicant_id,program_id,rank), C.csv (program_id,capacity), S.csv (scores)."""
    rng = np.random.default_rng(1)
    lists = random_lists(rng, n, m, length)
    applicant = pl.select(ids("a", n, 7).alias("a")).to_series()
    program = pl.select(ids("p", m, 5).alias("p")).to_series()
    paths = folder / "P.csv", folder / "C.csv", folder / "S.csv"
    pl.DataFrame(
        {
            "applicant_id": applicant.gather(np.repeat(np.arange(n), length)),
            "program_id": program.gather(lists.reshape(-1)),
            "rank": np.tile(np.arange(1, length + 1), n),
        }
    ).write_csv(paths[0])
    capacity = rng.integers(n // m // 2, 3 * n // m // 2 + 1, m)
    pl.DataFrame({"program_id": program, "capacity": capacity}).write_csv(paths[1])
    seconds = rng.integers(0, 86_400 * 60, n)
    submitted = pl.Series(seconds * 1_000_000).cast(pl.Datetime("us", "UTC")).dt.offset_by("55y")
    pl.DataFrame(
        {
            "applicant_id": applicant,
            "score": rng.integers(300, 600, n),
            "submitted_at": submitted.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    ).write_csv(paths[2])
    return paths


MATCH_FLOOR = """
import sys, numpy as np, polars as pl
p, c, s, out = sys.argv[1:]
prefs = pl.read_csv(p, infer_schema=False)
caps = pl.read_csv(c, infer_schema=False)
scores = pl.read_csv(s, infer_schema=False)
rows = np.arange(min(scores.height, prefs.height))
result = scores.select("applicant_id").head(len(rows))
result.with_columns(program_id=prefs["program_id"].gather(rows)).write_csv(out)
"""
"""The I/O floor: read the three tables as text, write one applicant_id,program_id row per
applicant. No validation and no matching: what any tool reading and writing these files pays."""

ENTRIES_FLOOR = """
import sys, numpy as np, polars as pl
entries, out, slots = sys.argv[1], sys.argv[2], int(sys.argv[3])
frame = pl.read_csv(entries, infer_schema=False)
order = np.arange(1, min(slots, frame.height) + 1)
frame.head(len(order)).select("entry_id").with_columns(order=order).write_csv(out)
"""


def match_case(folder: Path, name: str, n: int, m: int, length: int) -> Case:
    folder.mkdir()
    p, c, s = write_market(folder, n, m, length)
    out = folder / "M.csv"
    command = [*STATEVISA, "select", "match", "--preferences", str(p), "--capacities", str(c)]
    command += ["--scores", str(s), "--out", str(out)]
    floor = [sys.executable, "-c", MATCH_FLOOR, str(p), str(c), str(s), str(folder / "F.csv")]
    return Case(name, command, floor)


def write_entries(folder: Path, n: int) -> Path:
    path = folder / "E.csv"
    weight = np.random.default_rng(3).integers(1, 5, n)
    pl.select(ids("E", n, 9).alias("entry_id"), pl.Series("weight", weight)).write_csv(path)
    return path


def lottery_cases(folder: Path, n: int, slots: int) -> list[Case]:
    entries = write_entries(folder, n)
    winners = folder / "W.csv"
    floor = [sys.executable, "-c", ENTRIES_FLOOR, str(entries), str(folder / "F.csv"), str(slots)]
    draw = [*STATEVISA, "select", "lottery", "--entries", str(entries), "--slots", str(slots)]
    draw += ["--seed", SEED, "--out", str(winners)]
    subprocess.run(draw, check=True)  # the winners file verify reads
    from statevisa.selection.lottery import commitment

    verify = [*STATEVISA, "select", "verify", "--entries", str(entries), "--seed", SEED]
    verify += ["--commitment", commitment(bytes.fromhex(SEED)), "--winners", str(winners)]
    return [Case("lottery-20m", draw, floor), Case("verify-20m", verify, floor)]


def measure(case: Case, repeat: int) -> None:
    """Interleave command and floor so that a load change on the shared machine hits both."""
    command: list[float] = []
    floor: list[float] = []
    for _ in range(repeat):
        command.append(run(case.command))
        floor.append(run(case.floor))
    cli, base = statistics.median(command), statistics.median(floor)
    goal = GOALS.get(case.name)
    print(
        f"{case.name:12} statevisa {cli:7.3f} s   floor {base:7.3f} s   ratio {cli / base:5.2f}"
        + (f"   (goal <= {goal})" if goal else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or "").split("\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(GOALS), help="repeatable")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chosen = args.case or ["match-20k"]
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        cases: list[Case] = []
        if "match-20k" in chosen:
            cases.append(match_case(folder / "small", "match-20k", 20_000, 400, 10))
        if "match-1m" in chosen:
            cases.append(match_case(folder / "large", "match-1m", 1_000_000, 10_000, 10))
        if {"lottery-20m", "verify-20m"} & set(chosen):
            (folder / "lottery").mkdir()
            cases += [c for c in lottery_cases(folder / "lottery", 20_000_000, 85_000) if c.name in chosen]
        for case in cases:
            measure(case, args.repeat)
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
