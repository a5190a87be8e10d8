"""Killed mid-transaction (SIGKILL), a bulk import or a round leaves nothing behind, the audit log
still verifies, and running it again gives what an uninterrupted run gives.

Each test starts a real process. With STATEVISA_TEST_HOLD_COMMIT set, the process's unit of work
sends every write, creates the marker file and waits before committing (`services.context`); the
test kills it there, inside the open transaction, then checks the database from outside.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import create_engine, func, select, text

from statevisa.config import settings
from statevisa.services import intake
from statevisa.services import program_versions as versions
from statevisa.services.auditlog import load_signer, make_sequencer, write_new_key
from statevisa.services.context import HOLD_COMMIT, Platform
from statevisa.services.database import prepare
from statevisa.store.models import Application, AuditEvent, Case, Event, Round, RoundEntry
from tests.conftest import CliRunner
from tests.databases import BACKENDS
from tests.platform import CALIFORNIA, FEDERAL, NOW, act
from tests.services.conftest import PILOT

STATEVISA = str(Path(sys.executable).with_name("statevisa"))
RUN_ROUND = """
import datetime as dt, sys
from statevisa.config import settings
from statevisa.services import rounds
from statevisa.services.authz import Principal, Role
from statevisa.services.context import open_platform
platform = open_platform(sys.argv[1], settings())
who, at = Principal("ca-officer-1", Role.STATE_OFFICER, "06"), dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
with platform.unit(who, now=at, purpose="crash test") as ctx:
    rounds.run_ranked(ctx, "integration-pilot", "06", 350, None)
"""
ENTRIES = 2_000

Fresh = Callable[[], str]


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fresh]:
    """Make empty, migrated databases of one backend: a SQLite file or a PostgreSQL schema each."""
    made: list[str] = []

    def make() -> str:
        if request.param == "sqlite":
            path = tmp_path / f"db{len(made)}.sqlite"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            url = f"sqlite:///{path}"
        else:
            base = request.getfixturevalue("postgres_url").replace(
                "postgresql://", "postgresql+psycopg://", 1
            )
            schema = f"sv_crash_{uuid.uuid4().hex[:12]}"
            admin = create_engine(base)
            with admin.begin() as connection:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
            admin.dispose()
            url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
            prepare(url)
        made.append(url)
        return url

    yield make
    if request.param == "postgresql" and made:  # none made when the PostgreSQL half was skipped
        engine = create_engine(
            request.getfixturevalue("postgres_url").replace("postgresql://", "postgresql+psycopg://", 1)
        )
        with engine.begin() as connection:
            for url in made:
                connection.execute(text(f"DROP SCHEMA {url.rsplit('%3D', 1)[1]} CASCADE"))
        engine.dispose()


@pytest.fixture
def keyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = tmp_path / "audit.pem"
    write_new_key(key)
    monkeypatch.setenv("STATEVISA_AUDIT_KEY_FILE", str(key))
    monkeypatch.delenv(HOLD_COMMIT, raising=False)
    return key


def logged(url: str) -> Platform:
    return Platform(url, sequencer=make_sequencer(load_signer(settings())))


def with_pilot(url: str, imported: Path | None = None) -> None:
    """The scored pilot program approved, and optionally a file of its applications imported."""
    platform = logged(url)
    try:
        made = act(platform, CALIFORNIA, versions.upload, {"program.yaml": PILOT.read_text(encoding="utf-8")})
        act(platform, CALIFORNIA, versions.submit, made.id)
        act(platform, FEDERAL, versions.decide, made.id, True, "fixture")
        if imported is not None:
            act(platform, CALIFORNIA, intake.import_table, imported, "integration-pilot", None, NOW.date())
    finally:
        platform.close()


def pilot_file(tmp_path: Path) -> Path:
    path = tmp_path / "pilot.csv"
    years = [(n * 7919) % 41 for n in range(ENTRIES)]  # scores tie often: ties break by application id
    pl.DataFrame({"id": [f"p-{n:05d}" for n in range(ENTRIES)], "years_of_experience": years}).write_csv(path)
    return path


def killed_mid_transaction(command: list[str], marker: Path) -> None:
    """Run `command` until its unit of work holds every write uncommitted, then SIGKILL it."""
    env = {**os.environ, HOLD_COMMIT: str(marker)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), process.communicate()[1].decode()
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def count(url: str, *models: type[object]) -> list[int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        found = [connection.scalar(select(func.count()).select_from(model)) or 0 for model in models]
    engine.dispose()
    return found


def decided(url: str) -> pl.DataFrame:
    """Every application as decided, by external id: what a rerun must reproduce."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(
            select(Application.external_id, Application.eligible, Application.score, Case.state)
            .join(Case, Case.application_id == Application.id)
            .order_by(Application.external_id)
        ).all()
    engine.dispose()
    return pl.DataFrame([tuple(r) for r in rows], schema=["id", "eligible", "score", "case"], orient="row")


def verified(cli: CliRunner, url: str) -> None:
    done = cli("audit", "verify", "--db", url)
    assert done.code == 0 and done.stdout.startswith("ok: "), done.stderr


def test_a_bulk_import_killed_mid_transaction_leaves_nothing(
    fresh: Fresh, keyed: Path, tmp_path: Path, cli: CliRunner
) -> None:
    path = pilot_file(tmp_path)
    command = [
        STATEVISA,
        "applications",
        "import",
        str(path),
        "--program",
        "integration-pilot",
        "--on",
        "2026-03-02",
    ]
    crashed, uninterrupted = fresh(), fresh()
    for url in (crashed, uninterrupted):
        with_pilot(url)
    run([*command, "--db", uninterrupted])
    before = count(crashed, Application, Case, Event, AuditEvent)
    killed_mid_transaction([*command, "--db", crashed], tmp_path / "held")
    assert count(crashed, Application, Case, Event, AuditEvent) == before == [0, 0, 0, before[3]]
    verified(cli, crashed)
    run([*command, "--db", crashed])
    assert decided(crashed).equals(decided(uninterrupted))
    assert decided(crashed).height == ENTRIES
    verified(cli, crashed)


def test_a_round_killed_mid_transaction_leaves_nothing(
    fresh: Fresh, keyed: Path, tmp_path: Path, cli: CliRunner
) -> None:
    path = pilot_file(tmp_path)
    command = [sys.executable, "-c", RUN_ROUND]
    crashed, uninterrupted = fresh(), fresh()
    for url in (crashed, uninterrupted):
        with_pilot(url, path)
    run([*command, uninterrupted])
    before = count(crashed, Round, RoundEntry, Event, AuditEvent)
    killed_mid_transaction([*command, crashed], tmp_path / "held")
    assert count(crashed, Round, RoundEntry, Event, AuditEvent) == before
    assert before[:2] == [0, 0]
    verified(cli, crashed)
    assert set(decided(crashed)["case"]) == {"eligible", "ineligible"}
    run([*command, crashed])
    invited = decided(crashed)
    assert invited.equals(decided(uninterrupted))
    assert invited.filter(pl.col("case") == "invited").height == 350
    verified(cli, crashed)
