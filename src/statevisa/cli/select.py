"""`statevisa select`: ranked rounds, verifiable lotteries and stable matching.

A thin shell: read tables with `statevisa.tables`, check them with
`statevisa.selection.schemas`, call the pure core, write the result
atomically. Bad input exits 2 with messages naming file, row and column; a
verification that finds a discrepancy exits 1. Results go to files; stdout
carries only what a script needs (the commitment, the verification line).
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import numpy as np
import polars as pl
import typer
from numpy.typing import NDArray

from statevisa.cli.common import busy, print_errors, stdout
from statevisa.errors import InputError, problem
from statevisa.selection import lottery, matching, rounds, schemas
from statevisa.selection.market import market_with_common_priority, market_with_priorities
from statevisa.tables import check_output, read_table, row_label, write_table

app = typer.Typer(
    help="Selection: ranked rounds, verifiable weighted lotteries, stable matching.",
    no_args_is_help=True,
)

"""Show a spinner on an interactive stderr only above this many rows: smaller runs take < 1 s."""


class Proposing(StrEnum):
    """Which side proposes in deferred acceptance."""

    applicants = "applicants"
    programs = "programs"


def seed_option(text: str) -> bytes:
    """Decode --seed, reporting the flag by name."""
    try:
        return lottery.parse_seed(text.strip())
    except ValueError as error:
        raise InputError(f"--seed: {error}") from error


@app.command("round")
def round_command(
    scores: Annotated[Path, typer.Option("--scores", help="applicant_id,score,submitted_at")],
    invitations: Annotated[int, typer.Option("--invitations", min=0, help="Invitations to issue")],
    out: Annotated[Path, typer.Option("--out", help="Output: applicant_id,rank")],
    min_score: Annotated[
        float | None, typer.Option("--min-score", help="Lowest eligible score (inclusive)")
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="A category round: only rows where this true/false column is true"),
    ] = None,
    id_column: Annotated[str, typer.Option("--id-column", help="Column of applicant ids")] = "applicant_id",
    score_column: Annotated[str, typer.Option("--score-column", help="Column of scores")] = "score",
) -> None:
    """Invite the top applicants by score; ties go to the earlier submission, then the smaller id."""
    check_output(out, inputs=[scores])
    if min_score is not None and not math.isfinite(min_score):
        raise InputError(
            problem("not-finite", f"must be a finite number, got {min_score}", field="--min-score")
        )
    frame = read_table(scores, required=[id_column, score_column, "submitted_at", *(only or [])])
    table = schemas.scores(
        frame, str(scores), id_column=id_column, score_column=score_column, only=only or ()
    )
    invited = rounds.invite(table.applicant_ids, table.score, table.submitted_at, invitations, min_score)
    result = pl.DataFrame(
        {
            "applicant_id": table.applicant_ids.gather(invited),
            "rank": np.arange(1, len(invited) + 1, dtype=np.int64),
        }
    )
    write_table(result, out)


@app.command("commit")
def commit_command(
    seed: Annotated[str, typer.Option("--seed", help="At least 16 random bytes in hex")],
) -> None:
    """Print the commitment to publish before the draw (SHA-256 of a tag and the seed)."""
    stdout.print(lottery.commitment(seed_option(seed)), markup=False)


def _entries(path: Path, weight_column: str | None) -> tuple[pl.Series, NDArray[np.float64] | None]:
    """Read the entry table; the weight column is `weight_column`, else ``weight`` if present."""
    required = [*schemas.ENTRIES] + ([weight_column] if weight_column else [])
    frame = read_table(path, required=required)
    if weight_column is None and schemas.DEFAULT_WEIGHT_COLUMN in frame.columns:
        weight_column = schemas.DEFAULT_WEIGHT_COLUMN
    return schemas.entries(frame, str(path), weight_column)


WeightColumn = Annotated[
    str | None,
    typer.Option(
        "--weight-column",
        help="Column of weights (default: 'weight' when the table has it, else all 1)",
    ),
]


@app.command("lottery")
def lottery_command(
    entries: Annotated[Path, typer.Option("--entries", help="entry_id[,weight]")],
    slots: Annotated[int, typer.Option("--slots", min=0, help="Number of winners")],
    seed: Annotated[str, typer.Option("--seed", help="The committed seed, in hex")],
    out: Annotated[Path, typer.Option("--out", help="Output: entry_id,order")],
    weight_column: WeightColumn = None,
) -> None:
    """Draw min(N, entries) distinct winners by weighted sampling without replacement."""
    check_output(out, inputs=[entries])
    key = seed_option(seed)
    ids, weights = _entries(entries, weight_column)
    with busy(f"drawing from {len(ids):,} entries", len(ids)):
        result = lottery.draw(key, ids, slots, weights)
    winners = pl.DataFrame(
        {
            "entry_id": ids.gather(result.winners),
            "order": np.arange(1, len(result.winners) + 1, dtype=np.int64),
        }
    )
    write_table(winners, out)


@app.command("verify")
def verify_command(
    entries: Annotated[Path, typer.Option("--entries", help="entry_id[,weight]")],
    seed: Annotated[str, typer.Option("--seed", help="The revealed seed, in hex")],
    commitment: Annotated[str, typer.Option("--commitment", help="The published commitment")],
    winners: Annotated[Path, typer.Option("--winners", help="The published entry_id,order")],
    weight_column: WeightColumn = None,
    slots: Annotated[
        int | None, typer.Option("--slots", min=0, help="Also check the number of winners")
    ] = None,
) -> None:
    """Exit 0 only if the commitment matches the seed and the winners are the seed's draw."""
    key = seed_option(seed)
    expected_commitment = lottery.commitment(key)
    if commitment.strip().lower() != expected_commitment:
        verification_failed(
            f"--commitment: {commitment.strip()!r} is not the commitment of this seed "
            f"(expected {expected_commitment})"
        )
    ids, weights = _entries(entries, weight_column)
    published_ids, published_order = schemas.winners(
        read_table(winners, required=schemas.WINNERS, allow_empty=True), str(winners)
    )
    if slots is None and len(published_ids) == 0:
        raise InputError(
            problem(
                "no-winners",
                "lists no winners, so the draw's size is unknown: give --slots N "
                "(--slots 0 to confirm an empty draw)",
                file=winners,
                field="--winners",
            )
        )
    wanted = len(published_ids) if slots is None else slots
    with busy(f"replaying the draw over {len(ids):,} entries", len(ids)):
        replay = lottery.draw(key, ids, wanted, weights)
    expected_ids = ids.gather(replay.winners)
    bad_order = np.flatnonzero(published_order != np.arange(1, len(published_order) + 1))
    difference = lottery.first_discrepancy(expected_ids, published_ids)
    order_at = int(bad_order[0]) if bad_order.size else None
    if order_at is not None and (difference is None or order_at < difference.position):
        verification_failed(
            f"{winners}: {row_label(order_at, published_ids[order_at])}, column order: "
            f"expected {order_at + 1}, found {published_order[order_at]}"
        )
    if difference is not None:
        verification_failed(_describe(difference, winners, published_ids))
    stdout.print(f"verified: {len(expected_ids)} winners match the seed and the commitment", markup=False)


def _describe(difference: lottery.Discrepancy, winners: Path, published: pl.Series) -> str:
    """Word the first discrepancy with the winners file's row."""
    at = difference.position
    if difference.found is None:
        return f"{winners}: ends after {at} winners; the draw's winner {at + 1} is {difference.expected!r}"
    where = f"{winners}: {row_label(at, published[at])}, column entry_id"
    if difference.expected is None:
        return f"{where}: the draw has only {at} winners, found {difference.found!r}"
    return f"{where}: draw order {at + 1} is {difference.expected!r}, found {difference.found!r}"


def verification_failed(message: str) -> NoReturn:
    """Report a verification failure (exit 1: the input was fine, the claim was not)."""
    print_errors([message])
    raise typer.Exit(1)


@app.command("match")
def match_command(
    preferences: Annotated[Path, typer.Option("--preferences", help="applicant_id,program_id,rank")],
    capacities: Annotated[Path, typer.Option("--capacities", help="program_id,capacity")],
    out: Annotated[Path, typer.Option("--out", help="Output: applicant_id,program_id")],
    priorities: Annotated[
        Path | None, typer.Option("--priorities", help="program_id,applicant_id,rank")
    ] = None,
    scores: Annotated[Path | None, typer.Option("--scores", help="applicant_id,score[,submitted_at]")] = None,
    proposing: Annotated[
        Proposing, typer.Option("--proposing", help="Which side proposes")
    ] = Proposing.applicants,
) -> None:
    """Stable matching with capacities by deferred acceptance (applicant-optimal by default)."""
    check_output(out, inputs=[preferences, capacities, priorities, scores])
    given = [(name, path) for name, path in (("priorities", priorities), ("scores", scores)) if path]
    if len(given) != 1:
        raise InputError("give exactly one of --priorities R.csv or --scores S.csv")
    kind, ranking = given[0]
    programs, capacity = schemas.capacities(
        read_table(capacities, required=schemas.CAPACITIES), str(capacities)
    )
    preference_frame = read_table(preferences, required=schemas.PREFERENCES)
    applicants, prefs = schemas.preferences(preference_frame, str(preferences), programs, str(capacities))
    if kind == "priorities":
        frame = read_table(ranking, required=schemas.PRIORITIES)
        ranked = schemas.priorities(frame, str(ranking), programs, str(capacities), applicants)
        market = market_with_priorities(prefs, capacity, ranked)
    else:
        table = schemas.scores(read_table(ranking, required=schemas.SCORES), str(ranking))
        ranks = schemas.score_ranks(table, str(ranking), preference_frame, str(preferences))
        market = market_with_common_priority(prefs, capacity, ranks)
    solve = matching.applicant_proposing if proposing is Proposing.applicants else matching.program_proposing
    with busy(f"matching {len(applicants):,} applicants", len(prefs.applicant)):
        assignment = solve(market)
    matched = assignment >= 0
    program_ids = programs.gather(np.where(matched, assignment, 0))
    result = pl.DataFrame({"applicant_id": applicants, "program_id": program_ids}).with_columns(
        pl.when(pl.Series(matched)).then(pl.col("program_id")).otherwise(None).alias("program_id")
    )
    write_table(result, out)


def _register_programs() -> None:
    """The program-specific selections live in their own modules, under `select`."""
    from statevisa.cli.select_h1b import h1b_command
    from statevisa.cli.select_place import place_command

    app.command("h1b")(h1b_command)
    app.command("place")(place_command)


_register_programs()
