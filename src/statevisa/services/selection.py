"""Selection use cases: ranked rounds, verifiable lotteries and stable matching.

Each use case reads its tables with `statevisa.tables`, checks them with
`statevisa.selection.schemas` (every problem coded and placed by file, row and column),
calls the pure core and writes its result atomically; it returns what happened as data
and never prints. A verification that finds a discrepancy is not an error: it returns a
`Verification` whose `failure` is the first difference, placed in the published file.
The program-specific selections (H-1B, placement) are in `selection_programs`.

An output that names one of the inputs is refused before anything is read
(`statevisa.tables.check_output`): for a lottery that input is the published entry list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from statevisa.errors import InputError, Problem, problem, table_problem
from statevisa.selection import lottery, matching, rounds, schemas
from statevisa.selection.market import market_with_common_priority, market_with_priorities
from statevisa.tables import check_output, read_table, write_table

Busy = Callable[[str, int], AbstractContextManager[None]]
"""How a caller shows long work (a spinner in the CLI): given a description and a row count."""

PROPOSING = ("applicants", "programs")


def quiet(message: str, rows: int) -> AbstractContextManager[None]:
    """The default `Busy`: show nothing."""
    return nullcontext()


@dataclass(frozen=True)
class Written:
    """A result table written to `out`, with its number of rows."""

    out: Path
    rows: int


def parse_seed(text: str, option: str = "--seed") -> bytes:
    """Decode a hex seed of at least 16 bytes, refusing it as the option it came from."""
    try:
        return lottery.parse_seed(text.strip())
    except ValueError as error:
        raise InputError(problem("bad-seed", str(error), field=option)) from None


def commitment(seed_text: str) -> str:
    """The commitment to publish before the draw (SHA-256 of a tag and the seed)."""
    return lottery.commitment(parse_seed(seed_text))


def run_round(
    scores: Path,
    invitations: int,
    out: Path,
    *,
    min_score: float | None = None,
    only: tuple[str, ...] = (),
    id_column: str = "applicant_id",
    score_column: str = "score",
) -> Written:
    """Invite the top applicants by score; ties go to the earlier submission, then the smaller id."""
    if min_score is not None and not math.isfinite(min_score):
        raise InputError(problem("not-finite", f"{min_score} is not a finite score", field="--min-score"))
    if invitations < 0:
        raise InputError(problem("negative", "must be 0 or more", field="--invitations"))
    check_output(out, inputs=[scores])
    frame = read_table(scores, required=[id_column, score_column, "submitted_at", *only])
    table = schemas.scores(frame, str(scores), id_column=id_column, score_column=score_column, only=only)
    invited = rounds.invite(table.applicant_ids, table.score, table.submitted_at, invitations, min_score)
    result = pl.DataFrame(
        {
            "applicant_id": table.applicant_ids.gather(invited),
            "rank": np.arange(1, len(invited) + 1, dtype=np.int64),
        }
    )
    write_table(result, out)
    return Written(out, result.height)


def _entries(
    path: Path, weight_column: str | None, seed: bytes
) -> tuple[pl.Series, NDArray[np.float64] | None, NDArray[np.uint64] | None]:
    """Read the entry table; the weight column is `weight_column`, else ``weight`` if present."""
    required = [*schemas.ENTRIES] + ([weight_column] if weight_column else [])
    loading = lottery.load_kernels()  # overlaps the read: see `lottery.load_kernels`
    try:
        frame = read_table(path, required=required)
        if weight_column is None and schemas.DEFAULT_WEIGHT_COLUMN in frame.columns:
            weight_column = schemas.DEFAULT_WEIGHT_COLUMN
        return schemas.entries(frame, str(path), weight_column, seed)
    finally:
        loading.join()


@dataclass(frozen=True)
class LotteryDraw:
    """A draw written to `out`: how many entries it read and how many won."""

    out: Path
    entries: int
    winners: int


def draw_lottery(
    entries: Path,
    slots: int,
    seed_text: str,
    out: Path,
    *,
    weight_column: str | None = None,
    busy: Busy = quiet,
) -> LotteryDraw:
    """Draw min(slots, entries of positive weight) distinct winners; write ``entry_id,order``."""
    seed = parse_seed(seed_text)
    if slots < 0:
        raise InputError(problem("negative", "must be 0 or more", field="--slots"))
    check_output(out, inputs=[entries])
    ids, weights, tags = _entries(entries, weight_column, seed)
    with busy(f"drawing from {len(ids):,} entries", len(ids)):
        result = lottery.draw(seed, ids, slots, weights, tags=tags, reuse_weights=True)
    winners = pl.DataFrame(
        {
            "entry_id": ids.gather(result.winners),
            "order": np.arange(1, len(result.winners) + 1, dtype=np.int64),
        }
    )
    write_table(winners, out)
    return LotteryDraw(out, len(ids), winners.height)


@dataclass(frozen=True)
class Verification:
    """The outcome of replaying a published draw: `failure` is None when it matches."""

    winners: int
    failure: Problem | None = None

    @property
    def verified(self) -> bool:
        return self.failure is None


def verify_lottery(
    entries: Path,
    seed_text: str,
    commitment_text: str,
    winners: Path,
    *,
    weight_column: str | None = None,
    slots: int | None = None,
    busy: Busy = quiet,
) -> Verification:
    """Replay the draw of `seed_text` and compare it with the published `winners`, in order.

    The commitment is checked first. An empty winners file does not say how many
    winners the draw had, so it is verified only against an explicit `slots`.
    """
    seed = parse_seed(seed_text)
    expected_commitment = lottery.commitment(seed)
    given = commitment_text.strip()
    if given.lower() != expected_commitment:
        message = f"{given!r} is not the commitment of this seed (expected {expected_commitment})"
        return Verification(0, problem("wrong-commitment", message, field="--commitment"))
    published_ids, published_order = schemas.winners(
        read_table(winners, required=schemas.WINNERS, allow_empty=True), str(winners)
    )
    if slots is None and len(published_ids) == 0:
        raise InputError(
            problem(
                "slots-required",
                "has no winners, so it does not say how many the draw had: "
                "give --slots N (--slots 0 for a draw of no winners)",
                file=winners,
            )
        )
    ids, weights, tags = _entries(entries, weight_column, seed)
    wanted = len(published_ids) if slots is None else slots
    with busy(f"replaying the draw over {len(ids):,} entries", len(ids)):
        replay = lottery.draw(seed, ids, wanted, weights, tags=tags, reuse_weights=True)
    expected_ids = ids.gather(replay.winners)
    bad_order = np.flatnonzero(published_order != np.arange(1, len(published_order) + 1))
    difference = lottery.first_discrepancy(expected_ids, published_ids)
    order_at = int(bad_order[0]) if bad_order.size else None
    if order_at is not None and (difference is None or order_at < difference.position):
        message = f"expected {order_at + 1}, found {published_order[order_at]}"
        where = table_problem("wrong-order", message, winners, order_at, published_ids[order_at], "order")
        return Verification(len(expected_ids), where)
    if difference is not None:
        return Verification(len(expected_ids), _discrepancy(difference, winners, published_ids))
    return Verification(len(expected_ids))


def _discrepancy(difference: lottery.Discrepancy, winners: Path, published: pl.Series) -> Problem:
    """The first discrepancy, placed at the winners file's row."""
    at = difference.position
    if difference.found is None:
        message = f"ends after {at} winners; the draw's winner {at + 1} is {difference.expected!r}"
        return problem("too-few-winners", message, file=winners)
    if difference.expected is None:
        message = f"the draw has only {at} winners, found {difference.found!r}"
        return table_problem("too-many-winners", message, winners, at, published[at], "entry_id")
    message = f"draw order {at + 1} is {difference.expected!r}, found {difference.found!r}"
    return table_problem("not-the-draw", message, winners, at, published[at], "entry_id")


@dataclass(frozen=True)
class Matching:
    """A stable matching written to `out`: applicants and how many were matched."""

    out: Path
    applicants: int
    matched: int


def match(
    preferences: Path,
    capacities: Path,
    out: Path,
    *,
    priorities: Path | None = None,
    scores: Path | None = None,
    proposing: str = "applicants",
    busy: Busy = quiet,
) -> Matching:
    """Stable matching with capacities by deferred acceptance (applicant-optimal by default).

    Programs rank applicants by their own lists (`priorities`) or all alike by one
    table of scores (`scores`); exactly one is given.
    """
    given = [path for path in (priorities, scores) if path is not None]
    if len(given) != 1:
        raise InputError(problem("one-ranking", "give exactly one of --priorities R.csv or --scores S.csv"))
    if proposing not in PROPOSING:
        raise InputError(
            problem("bad-choice", f"{proposing!r} is not applicants or programs", field="--proposing")
        )
    check_output(out, inputs=[preferences, capacities, priorities, scores])
    programs, capacity = schemas.capacities(
        read_table(capacities, required=schemas.CAPACITIES), str(capacities)
    )
    preference_frame = read_table(preferences, required=schemas.PREFERENCES)
    applicants, prefs = schemas.preferences(preference_frame, str(preferences), programs, str(capacities))
    if priorities is not None:
        frame = read_table(priorities, required=schemas.PRIORITIES)
        ranked = schemas.priorities(frame, str(priorities), programs, str(capacities), applicants)
        market = market_with_priorities(prefs, capacity, ranked)
    else:
        assert scores is not None
        table = schemas.scores(read_table(scores, required=schemas.SCORES), str(scores))
        market = market_with_common_priority(
            prefs, capacity, schemas.score_ranks(table, str(scores), applicants)
        )
    solve = matching.applicant_proposing if proposing == "applicants" else matching.program_proposing
    with busy(f"matching {len(applicants.ids):,} applicants", len(prefs.applicant)):
        assignment = solve(market)
    matched = assignment >= 0
    result = pl.DataFrame(
        {
            "applicant_id": applicants.ids,
            "program_id": programs.gather(np.where(matched, assignment, 0)),
        }
    ).with_columns(pl.when(pl.Series(matched)).then(pl.col("program_id")).otherwise(None).alias("program_id"))
    write_table(result, out)
    return Matching(out, result.height, int(matched.sum()))
