"""``statevisa select h1b``: the H-1B cap selection as USCIS runs it, replayable from a seed.

Registrations become one entry per beneficiary (or per registration before 2024-03-04),
weighted by wage level, drawn in two rounds in the order in force; every rule is read
from the `h1b` policy file for the season's registration date. The targets (how many to
select above each cap) are OPEN in the law, so they are always given explicitly. One call
to `statevisa.services.selection_programs.h1b_select`; this module only renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from statevisa.cli.common import busy, stderr, stdout

REGISTRATIONS_HELP = "registration_id, beneficiary_id, wage_level, advanced_degree"


def h1b_command(
    registrations_file: Annotated[Path, typer.Option("--registrations", help=REGISTRATIONS_HELP)],
    seed: Annotated[str, typer.Option("--seed", help="The committed seed, in hex")],
    season: Annotated[str, typer.Option("--season-opens", help="Date the registration window opened")],
    regular: Annotated[int, typer.Option("--regular", min=0, help="Entries to select in the regular round")],
    advanced: Annotated[
        int, typer.Option("--advanced", min=0, help="Entries to select in the advanced round")
    ],
    out: Annotated[Path | None, typer.Option("--out", help="Write entry_id,round,order")] = None,
    check: Annotated[
        Path | None, typer.Option("--check", help="Instead of writing, check a published selection")
    ] = None,
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
        stderr.print(f"h1b {used.name} ({used.label}, {used.status}) [{used.cite}]", markup=False)
    if done.written is not None:
        stderr.print(
            f"{done.entries:,} entries ({done.unit}); selected "
            + ", ".join(f"{n:,} {r}" for r, n in done.rounds),
            markup=False,
        )
        return
    if done.failure is not None:
        stdout.print(str(done.failure), markup=False)
        raise typer.Exit(1)
    stdout.print(f"verified: {done.selected} selections match the seed and the h1b rules", markup=False)
