"""The schema: the migrations build exactly the models, an older database is refused until upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from statevisa.errors import StoreError
from statevisa.services.context import Platform
from statevisa.store.db import make_engine
from statevisa.store.migrate import _config, head, require_current, upgrade
from statevisa.store.models import Base


def test_the_migrations_build_exactly_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_a_database_at_an_older_revision_is_refused_until_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with pytest.raises(
        StoreError, match=f"at revision 0001, this statevisa needs {head()}; run: statevisa db upgrade"
    ):
        Platform(url)
    assert upgrade(engine).after == head()
    require_current(engine, url)
    engine.dispose()
