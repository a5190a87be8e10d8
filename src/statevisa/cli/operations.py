"""The platform's daily operations from the shell: bulk intake, round replays, compliance sweeps.

`applications import` and `cases sweep` change records, so they run as a principal built here,
at the edge, and the audit log names it: the subject is the operating system's user running the
command (``getpass.getuser()``), the role a state officer of the state acted for, or a federal
reviewer of ``US`` when the work is national (a national program imported from a file with a
`state` column and no ``--state``, a sweep of ``US``). Whoever can run these commands holds
the database URL, so the principal records who acted; it is not a login. `rounds replay`
reads only the export file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from statevisa.cli import Group
from statevisa.cli.params import PATH, Argument
from statevisa.cli.platform import db_option
from statevisa.cli.rules import on_option, parse_on

if TYPE_CHECKING:
    from statevisa.services.authz import Principal
    from statevisa.services.context import Platform


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def acting_as(jurisdiction: str) -> Principal:
    """The principal of a command run for `jurisdiction`: a state officer, or the federal side for US."""
    from statevisa.services.tokens import check_principal

    role = "federal_reviewer" if jurisdiction == "US" else "state_officer"
    return check_principal(getpass.getuser(), role, jurisdiction, "--")


def _platform(db: str | None) -> Platform:
    from statevisa.config import settings
    from statevisa.services.context import open_platform
    from statevisa.store.db import database_url

    return open_platform(database_url(db), settings())


applications = Group(
    "applications", help="Applications: load a state office's file of them in one pass.", no_args_is_help=True
)


@applications.command("import")
@click.argument("file", type=PATH, cls=Argument)
@click.option("--program", required=True, metavar="ID", help="The program the applications are to.")
@click.option(
    "--state",
    default=None,
    metavar="FIPS",
    help="The state applied in, when the file has no state column (required for a national program).",
)
@on_option
@db_option
def import_command(file: Path, program: str, state: str | None, on: str | None, db: str | None) -> None:
    """Validate, evaluate and store every application of a CSV or Parquet file: all or nothing."""
    from statevisa.services import intake

    date = parse_on(on)
    platform = _platform(db)
    try:
        with platform.session() as session:
            where = state or intake.program_jurisdiction(session, program)
        who = acting_as(where)
        with platform.unit(who, now=_now(), purpose=f"statevisa applications import {file.name}") as ctx:
            done = intake.import_table(ctx, file, program, state, date)
    finally:
        platform.close()
    click.echo(
        f"{file}: {done.rows:,} applications imported to {done.program_id} {done.version} "
        f"(version {done.version_id}) on {done.evaluated_on}: {done.eligible:,} eligible, "
        f"{done.rows - done.eligible:,} ineligible; applications {done.first_application_id} to "
        f"{done.last_application_id}, batch {done.batch}, file sha256 {done.file_sha256}"
    )


rounds = Group("rounds", help="Selection rounds: replay an exported round.", no_args_is_help=True)


@rounds.command("replay")
@click.argument("export", type=PATH, cls=Argument)
def replay_command(export: Path) -> None:
    """Run an exported round again: exit 0 when it selects the same, 1 when not, 2 when unusable."""
    from statevisa.services.replays import replay_file

    done = replay_file(export)
    if done.ok:
        click.echo(f"{export}: same: {done.why} ({len(done.expected):,} selected)")
        return
    click.echo(f"{export}: DIFFERENT: {done.why}", err=True)
    for n, (mine, theirs) in enumerate(zip(done.expected, done.published, strict=False)):
        if mine != theirs:
            click.echo(f"first difference at place {n + 1}: replay {mine}, published {theirs}", err=True)
            break
    else:
        if len(done.expected) != len(done.published):
            click.echo(
                f"replay selects {len(done.expected):,}, the export publishes {len(done.published):,}",
                err=True,
            )
    sys.exit(1)


cases = Group("cases", help="Cases: the compliance sweep.", no_args_is_help=True)


@cases.command("sweep")
@click.option(
    "--jurisdiction", required=True, metavar="FIPS", help="A state FIPS code, or US for every state."
)
@db_option
def sweep_command(jurisdiction: str, db: str | None) -> None:
    """Move every holder past a compliance report's deadline to in_violation, as of now."""
    from statevisa.services.cases import sweep

    who = acting_as(jurisdiction)
    platform = _platform(db)
    try:
        with platform.unit(who, now=_now(), purpose="statevisa cases sweep") as ctx:
            done = sweep(ctx, jurisdiction)
    finally:
        platform.close()
    shown = ", ".join(str(case) for case in done.moved[:20]) + (" ..." if len(done.moved) > 20 else "")
    click.echo(
        f"{jurisdiction}: {len(done.moved):,} case(s) past a reporting deadline moved to in_violation"
        + (f": {shown}" if done.moved else "")
    )
