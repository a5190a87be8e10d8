"""``statevisa select h1b``: the H-1B cap selection as USCIS runs it, replayable from a seed.

Registrations become one entry per beneficiary (or per registration before 2024-03-04),
weighted by wage level, drawn in two rounds in the order in force; every rule is read
from the `h1b` policy file for the season's registration date. The targets (how many to
select above each cap) are OPEN in the law, so they are always given explicitly. One call
to `statevisa.services.selection_programs.h1b_select`; this module only renders.
"""

from __future__ import annotations

from pathlib import Path

import click

from statevisa.cli.common import busy, stdout, tell
from statevisa.cli.params import PATH, Whole

REGISTRATIONS_HELP = "registration_id, beneficiary_id, wage_level, advanced_degree"


@click.command("h1b")
@click.option("--registrations", "registrations_file", type=PATH, required=True, help=REGISTRATIONS_HELP)
@click.option("--seed", required=True, help="The committed seed, in hex")
@click.option("--season-opens", "season", required=True, help="Date the registration window opened")
@click.option("--regular", type=Whole(0), required=True, help="Entries to select in the regular round")
@click.option("--advanced", type=Whole(0), required=True, help="Entries to select in the advanced round")
@click.option("--out", type=PATH, help="Write entry_id,round,order")
@click.option("--check", type=PATH, help="Instead of writing, check a published selection")
def h1b_command(
    registrations_file: Path,
    seed: str,
    season: str,
    regular: int,
    advanced: int,
    out: Path | None,
    check: Path | None,
) -> None:
    """H-1B cap selection: weighted by wage level, regular round then advanced degree (as in force)."""
    from statevisa.cli.rules import parse_on
    from statevisa.services.selection_programs import h1b_select

    done = h1b_select(
        registrations_file,
        seed,
        parse_on(season),
        regular,
        advanced,
        out=out,
        check=check,
        busy=busy,
    )
    for used in done.parameters:
        tell(f"h1b {used.name} ({used.label}, {used.status}) [{used.cite}]")
    if done.written is not None:
        tell(
            f"{done.entries:,} entries ({done.unit}); selected "
            + ", ".join(f"{n:,} {r}" for r, n in done.rounds)
        )
        return
    if done.failure is not None:
        stdout.print(str(done.failure), markup=False)
        raise click.exceptions.Exit(1)
    stdout.print(f"verified: {done.selected} selections match the seed and the h1b rules", markup=False)
