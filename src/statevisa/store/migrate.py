"""Schema revisions: upgrade a database, and refuse one that is behind this code.

The migrations ship inside the package (`statevisa/store/migrations`), so a fresh install
can create or upgrade a database with ``statevisa db upgrade`` and nothing else. A service
never runs on a database at another revision: it would read columns that are not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from statevisa.errors import StoreError, problem

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@cache
def head() -> str:
    """The revision this code runs on."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    if found is None:  # pragma: no cover - the package always ships its revisions
        raise RuntimeError("no migrations shipped")
    return found


def current(engine: Engine) -> str | None:
    """The database's revision, or None for a database never upgraded."""
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise StoreError(problem("store-unavailable", f"cannot open the database: {error.orig}")) from None


@dataclass(frozen=True)
class Upgraded:
    before: str | None
    after: str


def upgrade(engine: Engine) -> Upgraded:
    """Bring the database to this code's revision (creating the schema on an empty one)."""
    before = current(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return Upgraded(before, head())


def require_current(engine: Engine, url_for_message: str) -> None:
    """Refuse a database whose revision is not this code's, saying how to fix it."""
    found = current(engine)
    if found == head():
        return
    fix = f"run: statevisa db upgrade --db {url_for_message}"
    if found is None:
        message = f"the database has no statevisa schema yet; {fix}"
    else:
        message = f"the database is at revision {found}, this statevisa needs {head()}; {fix}"
    raise StoreError(problem("store-outdated", message))
