"""Where the records live: a database URL, an engine, and one transaction at a time.

SQLite (a file, ``statevisa.db`` in the working directory) is the embedded default;
PostgreSQL (``postgresql://…``, driven by psycopg 3) is production. The URL comes from
``--db``, else ``STATEVISA_DATABASE_URL``, else the default file. A bare path is a SQLite
file.

SQLite is made to behave like a server for our purposes: foreign keys on, write-ahead
logging so readers do not wait for a writer, a busy timeout instead of "database is
locked", and ``BEGIN IMMEDIATE`` so two writers queue at the start of their transactions
rather than deadlock half-way (which is what keeps a cap exact under concurrency).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from statevisa.errors import InputError, problem

DEFAULT_URL = "sqlite:///statevisa.db"
ENVIRONMENT = "STATEVISA_DATABASE_URL"
BUSY_TIMEOUT_MS = 30_000
POOL_SIZE = 20
"""PostgreSQL connections kept open, and as many more lent at a peak: the API runs each request's
unit of work in one of 40 worker threads, and a connection opened for one request and closed
after it costs a new server backend each time (the default of 5 kept churned under load)."""


def database_url(given: str | None = None) -> str:
    """The URL to use: the option, the environment, or the embedded default, normalised."""
    raw = given or os.environ.get(ENVIRONMENT) or DEFAULT_URL
    field = "--db" if given else (ENVIRONMENT if os.environ.get(ENVIRONMENT) else "--db")
    if "://" not in raw:
        raw = f"sqlite:///{raw}"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise InputError(problem("bad-database-url", f"'{raw}' is not a database URL", field=field)) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise InputError(
            problem(
                "unsupported-database",
                f"'{backend}' is not supported: use sqlite:///FILE or postgresql://HOST/DB",
                field=field,
            )
        )
    return url.render_as_string(hide_password=False)


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url` with the SQLite settings above when it is SQLite."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_SIZE, **options)


def _sqlite_connect(connection: Any, _record: object) -> None:
    connection.isolation_level = None  # the driver must not open transactions behind our back
    cursor = connection.cursor()
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", f"busy_timeout = {BUSY_TIMEOUT_MS}"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit once at the end, roll everything back on any error."""
    with factory() as session, session.begin():
        yield session
