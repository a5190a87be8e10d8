"""`statevisa select`: ranked rounds, verifiable lotteries and stable matching.

Each command parses its options, makes one call to `statevisa.services.selection` and
renders what it returns. Bad input exits 2 with problems naming file, row and column; a
verification that finds a discrepancy exits 1. Results go to files; stdout carries only
what a script needs (the commitment, the verification line). The services, and with them
Polars and NumPy, are imported inside the commands, so ``statevisa select --help`` stays
light.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from statevisa.cli.common import busy, print_errors, stdout

app = typer.Typer(
    help="Selection: ranked rounds, verifiable weighted lotteries, stable matching.",
    no_args_is_help=True,
)


class Proposing(StrEnum):
    """Which side proposes in deferred acceptance."""

    applicants = "applicants"
    programs = "programs"


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
    from statevisa.services import selection as service

    service.run_round(
        scores,
        invitations,
        out,
        min_score=min_score,
        only=tuple(only or ()),
        id_column=id_column,
        score_column=score_column,
    )


@app.command("commit")
def commit_command(
    seed: Annotated[str, typer.Option("--seed", help="At least 16 random bytes in hex")],
) -> None:
    """Print the commitment to publish before the draw (SHA-256 of a tag and the seed)."""
    from statevisa.services import selection as service

    stdout.print(service.commitment(seed), markup=False)


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
    from statevisa.services import selection as service

    service.draw_lottery(entries, slots, seed, out, weight_column=weight_column, busy=busy)


@app.command("verify")
def verify_command(
    entries: Annotated[Path, typer.Option("--entries", help="entry_id[,weight]")],
    seed: Annotated[str, typer.Option("--seed", help="The revealed seed, in hex")],
    commitment: Annotated[str, typer.Option("--commitment", help="The published commitment")],
    winners: Annotated[Path, typer.Option("--winners", help="The published entry_id,order")],
    weight_column: WeightColumn = None,
    slots: Annotated[
        int | None,
        typer.Option("--slots", min=0, help="Also check the number of winners (needed for an empty list)"),
    ] = None,
) -> None:
    """Exit 0 only if the commitment matches the seed and the winners are the seed's draw."""
    from statevisa.services import selection as service

    done = service.verify_lottery(
        entries, seed, commitment, winners, weight_column=weight_column, slots=slots, busy=busy
    )
    if done.failure is not None:
        verification_failed(str(done.failure))
    stdout.print(f"verified: {done.winners} winners match the seed and the commitment", markup=False)


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
    from statevisa.services import selection as service

    service.match(
        preferences,
        capacities,
        out,
        priorities=priorities,
        scores=scores,
        proposing=proposing.value,
        busy=busy,
    )


def _register_programs() -> None:
    """The program-specific selections live in their own modules, under `select`."""
    from statevisa.cli.select_h1b import h1b_command
    from statevisa.cli.select_place import place_command

    app.command("h1b")(h1b_command)
    app.command("place")(place_command)


_register_programs()
