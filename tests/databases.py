"""The platform's test databases: every store and service test runs on SQLite and on PostgreSQL.

A migrated, seeded database is built once per test process (per xdist worker): a SQLite file
that each test copies, and a PostgreSQL schema whose tables each test empties (with triggers
off for the cleanup only, since the audit tables refuse DELETE by design). PostgreSQL comes
from ``STATEVISA_TEST_DATABASE_URL``; without it the PostgreSQL half fails in CI and is
skipped, with the reason, on a laptop.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from statevisa.services.context import Platform
from statevisa.services.database import prepare
from statevisa.store.models import Base

KEEP = {"jurisdictions", "alembic_version"}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "statevisa.db"
    prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh schema for this test process, migrated and seeded; dropped at the end."""
    base = postgres_url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"sv_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    prepare(url)
    yield url
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP:
                connection.execute(table.delete())
        sequences = connection.scalars(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        )
        for name in list(sequences):  # ids start at 1 in every test, as on a fresh SQLite file
            connection.execute(text(f'ALTER SEQUENCE "{name}" RESTART WITH 1'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, seeded, empty platform database: a SQLite file or a PostgreSQL schema."""
    if request.param == "sqlite":
        path = tmp_path / "statevisa.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_schema")
    _empty_postgres(url)
    return url


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    """The platform on that database, closed after the test."""
    opened = Platform(database_url)
    yield opened
    opened.close()
