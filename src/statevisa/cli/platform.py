"""The operations platform from the shell: `db upgrade`, `serve`, `admin token`, `audit ...`.

Each command resolves the database URL (``--db``, else ``STATEVISA_DATABASE_URL``, else
``statevisa.db`` here) and the settings at the edge, calls one service and prints its result:
machine-readable where a script or a verifier reads it (a token on its last line, a checkpoint
as its exact note text, proofs as JSON), a sentence otherwise.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path

import click

from statevisa.cli import Group
from statevisa.cli.params import PATH, Whole

db_option = click.option(
    "--db",
    "db",
    default=None,
    metavar="URL",
    help="sqlite:///FILE or postgresql://HOST/DB (default: $STATEVISA_DATABASE_URL, else statevisa.db).",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


db = Group("db", help="The platform's database: create or upgrade its schema.", no_args_is_help=True)


@db.command("upgrade")
@db_option
def upgrade(db: str | None) -> None:
    """Create or upgrade the schema to this statevisa's revision, and fill the jurisdictions."""
    from statevisa.services.database import prepare
    from statevisa.store.db import database_url

    done = prepare(database_url(db))
    before = done.upgraded.before or "empty"
    click.echo(
        f"{_shown(done.url)}: {before} -> {done.upgraded.after}; "
        f"{done.jurisdictions_added:,} jurisdictions added"
    )


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


admin = Group("admin", help="Administration: issue bearer tokens for the API.", no_args_is_help=True)


@admin.command("token")
@click.option(
    "--role",
    required=True,
    help="federal_reviewer, state_officer, county_officer, employer, applicant, "
    "enforcement_liaison or analyst.",
)
@click.option("--jurisdiction", required=True, help="US, a state FIPS (06) or a county FIPS (06037).")
@click.option("--subject", default=None, help="Who the token names (default: your user name).")
@click.option(
    "--ttl", type=Whole(minimum=1), default=3600, show_default=True, help="Seconds until it expires."
)
def token(role: str, jurisdiction: str, subject: str | None, ttl: int) -> None:
    """Print a bearer token signed with STATEVISA_SECRET_KEY (the token is the last line)."""
    from statevisa.config import settings
    from statevisa.services.tokens import check_principal, issue

    who = check_principal(subject or getpass.getuser(), role, jurisdiction)
    now = _now()
    click.echo(
        f"# {who.role} of {who.jurisdiction} as {who.subject}, "
        f"expires {now + dt.timedelta(seconds=ttl):%Y-%m-%d %H:%M} UTC",
        err=True,
    )
    click.echo(issue(who, settings().require_secret(), now, ttl))


audit = Group(
    "audit", help="The transparency log: signed heads, proofs, verification, export.", no_args_is_help=True
)


@audit.command("keygen")
@click.option(
    "--out", type=PATH, required=True, help="Where to write the Ed25519 private key (PEM, mode 600)."
)
def keygen(out: Path) -> None:
    """Write a new signing key for the log; point STATEVISA_AUDIT_KEY_FILE at it."""
    from statevisa.services.auditlog import write_new_key

    write_new_key(out)
    click.echo(f"{out}: new Ed25519 key; export STATEVISA_AUDIT_KEY_FILE={out}")


@audit.command("key")
def key() -> None:
    """Print the note verifier key (<name>+<key hash>+<base64 key>) that checks the log's heads."""
    from statevisa.config import settings
    from statevisa.services.auditlog import load_signer

    click.echo(str(load_signer(settings()).verifier))


def _session(db: str | None, *, sequence: bool = True):  # type: ignore[no-untyped-def]
    """A session on the platform, after sequencing any event not yet in the log."""
    from statevisa.config import settings
    from statevisa.services.context import Platform, open_platform
    from statevisa.store.db import database_url

    url = database_url(db)
    platform = open_platform(url, settings()) if sequence else Platform(url)
    click.get_current_context().call_on_close(platform.close)  # its connections end with the command
    if platform.sequencer is not None:
        platform.sequencer(platform.sessions, _now(), None)
    return platform


@audit.command("head")
@db_option
def head(db: str | None) -> None:
    """Print the latest signed checkpoint exactly as the note text."""
    from statevisa.services.auditlog import head as latest_head

    platform = _session(db)
    with platform.session() as session:
        sys.stdout.write(latest_head(session))


@audit.command("verify")
@db_option
def verify(db: str | None) -> None:
    """Recompute the log: exit 0 if it matches the latest signed head, else 1 naming the first difference."""
    from statevisa.config import settings
    from statevisa.services.auditlog import load_signer
    from statevisa.services.auditlog import verify as check

    platform = _session(db, sequence=False)
    with platform.session() as session:
        found = check(session, load_signer(settings()).verifier)
    if found.ok:
        click.echo(
            f"ok: {found.events:,} events match the signed checkpoint of size {found.tree_size:,}"
            + (f"; {found.pending:,} not yet sequenced" if found.pending else "")
        )
        return
    event = f" (audit event row {found.first_bad_event})" if found.first_bad_event is not None else ""
    click.echo(f"FAILED at event {found.first_bad_index}{event}: {found.why}", err=True)
    sys.exit(1)


@audit.command("prove")
@click.argument("index", type=Whole(minimum=0))
@db_option
def prove(index: int, db: str | None) -> None:
    """Print the inclusion proof of event INDEX (its position in the log, from 0) as JSON."""
    from statevisa.services.auditlog import prove as inclusion

    platform = _session(db)
    with platform.session() as session:
        click.echo(json.dumps(inclusion(session, index)))


@audit.command("consistency")
@click.argument("old_size", type=Whole(minimum=1))
@db_option
def consistency(old_size: int, db: str | None) -> None:
    """Print the consistency proof from OLD_SIZE to the latest checkpoint as JSON."""
    from statevisa.services.auditlog import consistency as grown

    platform = _session(db)
    with platform.session() as session:
        click.echo(json.dumps(grown(session, old_size)))


@audit.command("export")
@db_option
@click.option(
    "--out", type=PATH, required=True, help="The JSONL file to write (one event per line, in log order)."
)
def export(db: str | None, out: Path) -> None:
    """Write every event in log order, each line its fields and its base64 leaf."""
    from statevisa.services.auditlog import export_lines
    from statevisa.tables import write_lines

    platform = _session(db)
    with platform.session() as session:
        count = write_lines(out, export_lines(session))
    click.echo(f"{out}: {count:,} events")


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=Whole(minimum=1), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=Whole(minimum=1),
    default=1,
    show_default=True,
    help="Server processes sharing the port (one per core): each has its own connections, and the "
    "audit log is sequenced under the database's lock, so any number of them may write.",
)
def serve(db: str | None, host: str, port: int, workers: int) -> None:
    """Serve the API (and the web pages) on the database; Ctrl-C stops it cleanly."""
    import os

    import uvicorn

    from statevisa.store.db import ENVIRONMENT, database_url

    url = database_url(db)
    say = f"statevisa on http://{host}:{port}/ (API under /api/v1, OpenAPI at /openapi.json); Ctrl-C stops it"
    if workers == 1:
        from statevisa.api.app import served

        app = served(url)
        click.echo(say, err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    from statevisa.config import settings
    from statevisa.services.context import open_platform

    config = settings()
    config.require_secret()
    open_platform(url, config, identity=True).close()  # a bad setting stops here, not in every worker
    os.environ[ENVIRONMENT] = url  # each worker process opens its own platform on it
    click.echo(f"{say}; {workers} worker processes", err=True)
    uvicorn.run(
        "statevisa.api.app:served", factory=True, workers=workers, host=host, port=port, log_level="warning"
    )
