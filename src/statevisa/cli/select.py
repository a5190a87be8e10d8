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
from typing import NoReturn

import click

from statevisa.cli import Group
from statevisa.cli.common import busy, print_errors, stdout
from statevisa.cli.params import PATH, Choice, Number, Whole

app = Group(
    "select",
    help="Selection: ranked rounds, verifiable weighted lotteries, stable matching.",
    no_args_is_help=True,
)


class Proposing(StrEnum):
    """Which side proposes in deferred acceptance."""

    applicants = "applicants"
    programs = "programs"


@app.command("round")
@click.option("--scores", type=PATH, required=True, help="applicant_id,score,submitted_at")
@click.option("--invitations", type=Whole(0), required=True, help="Invitations to issue")
@click.option("--out", type=PATH, required=True, help="Output: applicant_id,rank")
@click.option("--min-score", type=Number(), help="Lowest eligible score (inclusive)")
@click.option(
    "--only", multiple=True, help="A category round: only rows where this true/false column is true"
)
@click.option("--id-column", default="applicant_id", help="Column of applicant ids")
@click.option("--score-column", default="score", help="Column of scores")
def round_command(
    scores: Path,
    invitations: int,
    out: Path,
    min_score: float | None,
    only: tuple[str, ...],
    id_column: str,
    score_column: str,
) -> None:
    """Invite the top applicants by score; ties go to the earlier submission, then the smaller id."""
    from statevisa.services import selection as service

    service.run_round(
        scores,
        invitations,
        out,
        min_score=min_score,
        only=only,
        id_column=id_column,
        score_column=score_column,
    )


@app.command("commit")
@click.option("--seed", required=True, help="At least 16 random bytes in hex")
def commit_command(seed: str) -> None:
    """Print the commitment to publish before the draw (SHA-256 of a tag and the seed)."""
    from statevisa.services import selection as service

    stdout.print(service.commitment(seed), markup=False)


weight_column_option = click.option(
    "--weight-column", help="Column of weights (default: 'weight' when the table has it, else all 1)"
)


@app.command("lottery")
@click.option("--entries", type=PATH, required=True, help="entry_id[,weight]")
@click.option("--slots", type=Whole(0), required=True, help="Number of winners")
@click.option("--seed", required=True, help="The committed seed, in hex")
@click.option("--out", type=PATH, required=True, help="Output: entry_id,order")
@weight_column_option
def lottery_command(entries: Path, slots: int, seed: str, out: Path, weight_column: str | None) -> None:
    """Draw min(N, entries) distinct winners by weighted sampling without replacement."""
    from statevisa.services import selection as service

    service.draw_lottery(entries, slots, seed, out, weight_column=weight_column, busy=busy)


@app.command("verify")
@click.option("--entries", type=PATH, required=True, help="entry_id[,weight]")
@click.option("--seed", required=True, help="The revealed seed, in hex")
@click.option("--commitment", required=True, help="The published commitment")
@click.option("--winners", type=PATH, required=True, help="The published entry_id,order")
@weight_column_option
@click.option("--slots", type=Whole(0), help="Also check the number of winners (needed for an empty list)")
def verify_command(
    entries: Path, seed: str, commitment: str, winners: Path, weight_column: str | None, slots: int | None
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
    raise click.exceptions.Exit(1)


@app.command("match")
@click.option("--preferences", type=PATH, required=True, help="applicant_id,program_id,rank")
@click.option("--capacities", type=PATH, required=True, help="program_id,capacity")
@click.option("--out", type=PATH, required=True, help="Output: applicant_id,program_id")
@click.option("--priorities", type=PATH, help="program_id,applicant_id,rank")
@click.option("--scores", type=PATH, help="applicant_id,score[,submitted_at]")
@click.option("--proposing", type=Choice(Proposing), default=Proposing.applicants, help="Which side proposes")
def match_command(
    preferences: Path,
    capacities: Path,
    out: Path,
    priorities: Path | None,
    scores: Path | None,
    proposing: Proposing,
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

    app.add_command(h1b_command)
    app.add_command(place_command)


_register_programs()
