"""``statevisa demo``: the main job on shipped data, for a first look after ``make demo``.

Evaluates every shipped program that has a shipped synthetic population
(``sim/data/<program>.parquet``) through the same path as ``statevisa evaluate``
(read, validate, evaluate), then summarises who qualifies and how scores spread;
then runs the same engine on the vendored public data (Heartland counties, W visa caps).
Nothing heavy is imported until the command runs: the work is in `statevisa.services.sim`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from statevisa.cli import Group
from statevisa.cli.common import stdout
from statevisa.cli.params import Whole
from statevisa.cli.platform import db_option
from statevisa.cli.rules import on_option, parse_on, show_warnings

if TYPE_CHECKING:
    from statevisa.services.sim import Bin, DemoRun, OutputSummary

BAR_WIDTH = 40


@click.group("demo", cls=Group, invoke_without_command=True)
@on_option
@click.pass_context
def demo(ctx: click.Context, on: str | None) -> None:
    """Run the shipped programs on synthetic people and real data; `demo seed`, `demo serve`: the platform."""
    if ctx.invoked_subcommand is not None:
        return
    from statevisa.services.sim import demo_runs

    date = parse_on(on)
    for run in demo_runs(date):
        show(run)
    real_data(date)


def show(run: DemoRun) -> None:
    """One program's run: a rule, what was evaluated, who qualifies, and the last numeric output."""
    show_warnings(run.warnings)
    program = run.program
    stdout.rule(f"[bold]{program.title}[/bold] ({program.id} {program.version}, {program.jurisdiction})")
    stdout.print(
        f"{run.rows:,} synthetic people ({run.file}), evaluated on {run.on} in {run.seconds:.2f} s "
        "(read, validate, evaluate)"
    )
    summary = Table("output", "summary", title="Who qualifies")
    for output in run.outputs:
        summary.add_row(output.name, _summary(output))
    stdout.print(summary)
    if run.histogram_of is not None:
        stdout.print(_histogram(run.histogram_of, run.histogram))


def real_data(date: dt.date) -> None:
    """The same engine on vendored public data: Heartland counties and the W visa's state caps."""
    from statevisa.services import heartland
    from statevisa.services.allocation import program_allocation

    stdout.rule("[bold]On real data[/bold] (vendored Census and BLS tables)")
    counties = heartland.counties(heartland.Options(), date).summary
    stdout.print(
        f"Heartland Visa (S. 5644), {counties.basis} ({heartland.DEFAULTS_DOC}): "
        f"{counties.eligible:,} of {counties.counties:,} counties eligible; growth "
        f"{counties.growth_window}, national {counties.national_growth:+.2%}; prime-age "
        f"{counties.prime_age_window}.  [dim]statevisa heartland counties / explain FIPS[/dim]",
    )
    caps = program_allocation("w-visa", "states", 2024, date).table.sort("allocation", descending=True)
    table = Table(
        "state", "cap", "of which by population", title="W visa (S. 1040) first-year caps, 2024 populations"
    )
    for row in [*caps.head(3).iter_rows(named=True), *caps.tail(2).iter_rows(named=True)]:
        table.add_row(str(row["name"]), f"{row['allocation']:,}", f"{row['share']:,}")
    stdout.print(table)
    stdout.print(
        f"{caps.height} jurisdictions, {int(caps['allocation'].sum()):,} in all.  "
        "[dim]statevisa allocate --program w-visa --year 2024[/dim]"
    )


def _summary(output: OutputSummary) -> str:
    if output.kind == "bool":
        return f"{output.true:,} true ({output.true / output.rows:.1%})"
    if output.spread is not None:
        text = [f"{v:,.0f}" if output.kind == "int" else f"{v:,.3g}" for v in output.spread]
        return "min {}  p10 {}  median {}  p90 {}  max {}".format(*text)
    return ", ".join(f"{value}: {count:,}" for value, count in output.top)


def _histogram(name: str, bins: tuple[Bin, ...]) -> Table:
    peak = max(item.people for item in bins)
    table = Table("range", "people", "", title=f"Distribution of {name}", box=None)
    for item in bins:
        bar = "█" * max(1, round(BAR_WIDTH * item.people / peak))
        table.add_row(f"{item.start:,.0f} to {item.end:,.0f}", f"{item.people:,}", f"[green]{bar}[/green]")
    return table


DEMO_DIR = Path(".statevisa")
"""Where the demo keeps its own keys: git-ignored, never a built-in default."""


def demo_settings() -> None:
    """Give this process a token secret, an identity keyring and an audit key, creating the demo's own
    files if needed (never overwriting a setting the environment already has)."""
    import base64
    import os
    import secrets

    from statevisa.services.auditlog import write_new_key

    DEMO_DIR.mkdir(mode=0o700, exist_ok=True)
    secret = DEMO_DIR / "secret_key"
    if "STATEVISA_SECRET_KEY" not in os.environ:
        if not secret.exists():
            secret.touch(mode=0o600)
            secret.write_text(secrets.token_urlsafe(48))
        os.environ["STATEVISA_SECRET_KEY"] = secret.read_text().strip()
    keys = DEMO_DIR / "identity_keys"
    if "STATEVISA_IDENTITY_KEYS" not in os.environ:
        if not keys.exists():
            keys.touch(mode=0o600)
            keys.write_text(f"demo1:{base64.b64encode(secrets.token_bytes(32)).decode()}")
        os.environ["STATEVISA_IDENTITY_KEYS"] = keys.read_text().strip()
    key = DEMO_DIR / "audit.pem"
    if "STATEVISA_AUDIT_KEY_FILE" not in os.environ:
        if not key.exists():
            write_new_key(key)
        os.environ["STATEVISA_AUDIT_KEY_FILE"] = str(key)


def _seeded(db: str | None, people: int, *, reuse: bool) -> str:
    """Upgrade the database and seed it; with `reuse`, serve one already seeded as it is."""
    from statevisa.config import settings
    from statevisa.services.context import open_platform
    from statevisa.services.database import prepare
    from statevisa.services.seed import seed
    from statevisa.store.db import database_url
    from statevisa.store.models import ProgramVersion

    url = database_url(db)
    prepare(url)
    platform = open_platform(url, settings(), identity=True)
    try:
        with platform.session() as session:
            from sqlalchemy import func, select

            if reuse and session.scalar(select(func.count()).select_from(ProgramVersion)):
                click.echo("the database already holds programs: serving it as it is", err=True)
                return url
        started = dt.datetime.now(dt.UTC)
        done = seed(platform, started, people)
        took = (dt.datetime.now(dt.UTC) - started).total_seconds()
        click.echo(
            f"seeded in {took:.1f} s: programs {done.programs}; {done.caps} W visa caps; "
            f"{len(done.counties)} Heartland counties opted in; {done.employers} employers; "
            f"{done.applications:,} applications ({done.eligible:,} eligible); lottery round {done.round_id} "
            f"invited {done.invited}, {done.issued} visas issued; "
            f"{done.adjudications} identity match to adjudicate",
            err=True,
        )
    finally:
        platform.close()
    return url


@demo.command("seed")
@db_option
@click.option("--people", type=Whole(minimum=1), default=400, show_default=True, help="Synthetic applicants.")
def seed_command(db: str | None, people: int) -> None:
    """Fill a database with the demo data without serving it (a sample database for analysts)."""
    demo_settings()
    _seeded(db, people, reuse=False)


DEMO_ROLES = (
    ("federal_reviewer", "US"),
    ("state_officer", "06"),
    ("county_officer", "06037"),
    ("analyst", "US"),
    ("enforcement_liaison", "US"),
)


@demo.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=Whole(minimum=1), default=8000, show_default=True, help="Port to listen on.")
@click.option("--people", type=Whole(minimum=1), default=400, show_default=True, help="Synthetic applicants.")
def serve_command(db: str | None, host: str, port: int, people: int) -> None:
    """Seed the demo (once) and serve it; prints the URL and a token per role; Ctrl-C stops it."""
    import uvicorn

    from statevisa.api.app import create_app
    from statevisa.config import settings
    from statevisa.services.authz import Principal, Role
    from statevisa.services.context import open_platform
    from statevisa.services.tokens import issue

    demo_settings()
    url = _seeded(db, people, reuse=True)
    config = settings()
    now = dt.datetime.now(dt.UTC)
    click.echo(f"statevisa demo on http://{host}:{port}/  (API http://{host}:{port}/api/v1, /openapi.json)")
    for role, where in DEMO_ROLES:
        token = issue(Principal(f"demo-{role}", Role(role), where), config.require_secret(), now, 8 * 3600)
        click.echo(f"  {role} of {where}: {token}")
    click.echo(f"  curl -H 'Authorization: Bearer TOKEN' http://{host}:{port}/api/v1/cases   (Ctrl-C stops)")
    platform = open_platform(url, config, identity=True)
    try:
        uvicorn.run(create_app(platform, config), host=host, port=port, log_level="warning")
    finally:
        platform.close()
