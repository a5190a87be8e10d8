"""``statevisa select h1b``: the H-1B cap selection as USCIS runs it, replayable from a seed.

Registrations become one entry per beneficiary (or per registration before 2024-03-04),
weighted by wage level, drawn in two rounds in the order in force; every rule is read
from the `h1b` policy file for the season's registration date. The targets (how many to
select above each cap) are OPEN in the law, so they are always given explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from statevisa.cli.common import busy, stderr, stdout
from statevisa.cli.rules import parse_on
from statevisa.cli.select import seed_option
from statevisa.errors import InputError
from statevisa.selection import h1b
from statevisa.selection.inputs import TableCheck
from statevisa.services.policies import h1b_policy
from statevisa.tables import check_output, read_table, row_label, write_table

REGISTRATIONS = ("registration_id", "beneficiary_id", "wage_level", "advanced_degree")


def registrations(path: Path) -> pl.DataFrame:
    """R.csv: distinct registration ids, a beneficiary for each, wage level 1-4, advanced degree."""
    frame = read_table(path, required=REGISTRATIONS)
    check = TableCheck(frame, str(path), "registration_id")
    ids = check.identifiers("registration_id", unique=True)
    beneficiaries = check.identifiers("beneficiary_id", unique=False)
    levels = check.whole_numbers("wage_level", minimum=1)
    check.report("wage_level", levels > 4, "is not a wage level (1 for level I to 4 for level IV)")
    advanced = check.booleans("advanced_degree")
    check.raise_if_any()
    return pl.DataFrame(
        {
            "registration_id": ids,
            "beneficiary_id": beneficiaries,
            "wage_level": levels,
            "advanced_degree": advanced,
        }
    )


def h1b_command(
    registrations_file: Annotated[Path, typer.Option("--registrations", help=", ".join(REGISTRATIONS))],
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
    if (out is None) == (check is None):
        raise InputError("give either --out S.csv (draw) or --check S.csv (verify a published draw)")
    if out is not None:
        check_output(out, inputs=[registrations_file])
    key = seed_option(seed)
    opens = parse_on(season)
    policy = h1b_policy(opens)
    rules = h1b.rules_from(policy)
    for name in h1b.POLICY_PARAMETERS:
        value = policy.values[name]
        stderr.print(f"h1b {name} ({value.label()}, {value.status.value}) [{value.cite}]", markup=False)
    table = registrations(registrations_file)
    try:
        pool = h1b.entries(table, rules)
    except ValueError as error:
        raise InputError(f"{registrations_file}: {error}") from error
    with busy(f"selecting from {pool.height:,} entries", pool.height):
        selected = h1b.select(pool, key, target_regular=regular, target_advanced=advanced, rules=rules)
    if out is not None:
        write_table(selected, out)
        counts = selected["round"].value_counts(sort=True)
        stderr.print(
            f"{pool.height:,} entries ({rules.unit}); selected "
            + ", ".join(f"{n:,} {r}" for r, n in counts.iter_rows()),
            markup=False,
        )
        return
    assert check is not None
    published = read_table(check, required=("entry_id", "round", "order"), allow_empty=True)
    expected = selected.cast(pl.String)
    for index, (want, got) in enumerate(zip(expected.iter_rows(), published.iter_rows(), strict=False)):
        if tuple(want) != tuple(str(v).strip() for v in got[:3]):
            stdout.print(
                f"{check}: {row_label(index, got[0])}: expected {want}, found {got[:3]}", markup=False
            )
            raise typer.Exit(1)
    if published.height != expected.height:
        stdout.print(
            f"{check}: has {published.height} rows; the draw selects {expected.height}", markup=False
        )
        raise typer.Exit(1)
    stdout.print(f"verified: {expected.height} selections match the seed and the h1b rules", markup=False)
