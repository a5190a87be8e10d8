"""Selection benchmarks (issue 5): matching at national scale, against `matching`, and lotteries.

Run: ``.venv/bin/python bench/selection.py`` (``--quick`` for a smaller run).
The comparison with the `matching` package needs it installed:
``.venv/bin/pip install 'statevisa[bench]'`` or ``.venv/bin/pip install matching``.

Targets: deferred acceptance over 1,000,000 applicants x 10 preferences x
10,000 programs with common scores in <= 3 s; >= 100x faster than
`matching.games.HospitalResident` on 2,000 x 50 with identical results; a
20,000,000-entry weighted lottery in <= 10 s, verification about the same.
Every figure is measured in this run, on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.selection import lottery
from statevisa.selection.market import Preferences, market_with_common_priority
from statevisa.selection.matching import (
    Market,
    applicant_proposing,
    blocking_entries,
    program_proposing,
)

T = TypeVar("T")


def timed(run: Callable[[], T], repeat: int = 1, warm_up: bool = False) -> tuple[T, float]:
    """Run `repeat` times (after one untimed run if `warm_up`); return the result and median seconds.

    Large runs are timed cold, as a user would run them once; the small
    comparison warms both sides up and takes medians, so a millisecond timing
    is not one scheduler hiccup on a shared machine.
    """
    seconds = []
    if warm_up:
        run()
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds)


def random_lists(rng: np.random.Generator, n: int, m: int, length: int) -> NDArray[np.int64]:
    """Each applicant's `length` distinct programs in preference order, popularity skewed."""
    popularity = np.arange(1, m + 1, dtype=np.float64) ** -0.5
    popularity /= popularity.sum()
    lists = rng.choice(m, size=(n, length), p=popularity)
    while True:
        ordered = np.sort(lists, axis=1)
        repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not repeated.any():
            return lists.astype(np.int64)
        lists[repeated] = rng.choice(m, size=(int(repeated.sum()), length), p=popularity)


def common_score_market(
    n: int, m: int, length: int, seed: int
) -> tuple[Preferences, NDArray[np.int64], NDArray[np.int64]]:
    """Preferences, capacities (total about n) and each applicant's priority rank."""
    rng = np.random.default_rng(seed)
    lists = random_lists(rng, n, m, length)
    preferences = Preferences(
        applicant=np.repeat(np.arange(n, dtype=np.int64), length),
        program=lists.reshape(-1),
        rank=np.tile(np.arange(1, length + 1, dtype=np.int64), n),
        n_applicants=n,
    )
    capacity = rng.integers(n // m // 2, 3 * n // m // 2 + 1, m).astype(np.int64)
    return preferences, capacity, rng.permutation(n).astype(np.int64)


def bench_scale(n: int, m: int, length: int) -> None:
    preferences, capacity, ranks = common_score_market(n, m, length, seed=1)
    market, build = timed(lambda: market_with_common_priority(preferences, capacity, ranks))
    result, solve = timed(lambda: applicant_proposing(market))
    stable = len(blocking_entries(market, result)) == 0
    print(f"matching {n:,} applicants x {length} preferences x {m:,} programs, common scores")
    print(f"  market build               {build:8.3f} s")
    matched = int((result >= 0).sum())
    print(f"  applicant-proposing DA     {solve:8.3f} s   (target <= 3 s)   matched {matched:,}")
    print(f"  build + DA                 {build + solve:8.3f} s   stable: {stable}")
    programs_result, programs_solve = timed(lambda: program_proposing(market))
    same = bool(np.array_equal(programs_result, result))
    print(f"  program-proposing DA       {programs_solve:8.3f} s   same matching: {same}")


def bench_against_matching(n: int, m: int, length: int) -> None:
    try:
        from matching.games import HospitalResident
    except ImportError:
        print("skipped the `matching` comparison: install it with")
        print("  .venv/bin/pip install 'statevisa[bench]'   (or: .venv/bin/pip install matching)")
        return
    preferences, capacity, ranks = common_score_market(n, m, length, seed=2)
    lists = preferences.program.reshape(n, length)
    resident_prefs = {f"r{a}": [f"h{p}" for p in lists[a].tolist()] for a in range(n)}
    by_score = np.argsort(ranks)
    applied: dict[int, list[str]] = {p: [] for p in range(m)}
    for a in by_score.tolist():
        for p in lists[a].tolist():
            applied[p].append(f"r{a}")
    hospital_prefs = {f"h{p}": applied[p] for p in range(m)}
    capacities = {f"h{p}": int(capacity[p]) for p in range(m)}

    def theirs() -> dict[str, str]:
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        solved = game.solve(optimal="resident")
        return {r.name: h.name for h, residents in solved.items() for r in residents}

    def ours() -> NDArray[np.int64]:
        market: Market = market_with_common_priority(preferences, capacity, ranks)
        return applicant_proposing(market)

    their_result, their_seconds = timed(theirs, repeat=3, warm_up=True)
    our_result, our_seconds = timed(ours, repeat=21, warm_up=True)
    ours_named = {f"r{a}": f"h{p}" for a, p in enumerate(our_result.tolist()) if p >= 0}
    identical = ours_named == their_result
    print(f"against matching.games.HospitalResident, {n:,} x {m} programs, {length} preferences")
    print(f"  matching (create + solve)  {their_seconds:8.4f} s")
    print(f"  statevisa (build + DA)     {our_seconds:8.4f} s")
    ratio = their_seconds / our_seconds
    print(f"  ratio                      {ratio:8.0f} x   (target >= 100 x)   identical: {identical}")


def bench_lottery(n: int, slots: int) -> None:
    seed = bytes(range(32))
    ids = pl.select(pl.format("E{}", pl.int_range(n).cast(pl.String).str.zfill(9))).to_series()
    weights = np.random.default_rng(3).integers(1, 5, n).astype(np.float64)
    result, draw_seconds = timed(lambda: lottery.draw(seed, ids, slots, weights))
    published = ids.gather(result.winners)

    def verify() -> bool:
        replay = lottery.draw(seed, ids, len(published), weights)
        return lottery.first_discrepancy(ids.gather(replay.winners), published) is None

    ok, verify_seconds = timed(verify)
    print(f"lottery over {n:,} weighted entries (weights 1-4), {slots:,} winners")
    print(f"  draw                       {draw_seconds:8.3f} s   (target <= 10 s)")
    print(f"  verify (replay + compare)  {verify_seconds:8.3f} s   verified: {ok}")
    print(f"  verify / draw              {verify_seconds / draw_seconds:8.2f}")


def _run(command: Callable[[list[str]], None], args: list[str]) -> None:
    """Run a CLI entry point in-process; Click ends even a success with SystemExit(0)."""
    try:
        command(args)
    except SystemExit as done:
        if done.code not in (0, None):
            raise RuntimeError(f"statevisa {' '.join(args[:2])} exited {done.code}") from done


def bench_cli_lottery(n: int, slots: int) -> None:
    """The same draw end to end through the CLI: read and check the CSV, draw, write W.csv."""
    from statevisa.cli import main as statevisa

    seed = bytes(range(32)).hex()
    with tempfile.TemporaryDirectory() as folder:
        entries, winners = Path(folder) / "E.csv", Path(folder) / "W.csv"
        pl.DataFrame(
            {
                "entry_id": pl.select(
                    pl.format("E{}", pl.int_range(n).cast(pl.String).str.zfill(9))
                ).to_series(),
                "weight": np.random.default_rng(3).integers(1, 5, n),
            }
        ).write_csv(entries)
        base = ["select"]
        draw_args = [*base, "lottery", "--entries", str(entries), "--slots", str(slots)]
        draw_args += ["--seed", seed, "--out", str(winners)]
        commitment = lottery.commitment(bytes.fromhex(seed))
        verify_args = [*base, "verify", "--entries", str(entries), "--seed", seed]
        verify_args += ["--commitment", commitment, "--winners", str(winners)]
        _, draw_seconds = timed(lambda: _run(statevisa, draw_args))
        with contextlib.redirect_stdout(io.StringIO()):
            _, verify_seconds = timed(lambda: _run(statevisa, verify_args))
    print(f"CLI end to end over a {n:,}-row E.csv (read, check ids and weights, draw, write)")
    print(f"  statevisa select lottery   {draw_seconds:8.3f} s")
    print(f"  statevisa select verify    {verify_seconds:8.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    quick = parser.parse_args().quick
    scale = 10 if quick else 1
    bench_scale(1_000_000 // scale, 10_000 // scale, 10)
    bench_against_matching(2_000, 50, 10)
    bench_lottery(20_000_000 // scale, 85_000 // scale)
    bench_cli_lottery(20_000_000 // scale, 85_000 // scale)


if __name__ == "__main__":
    main()
