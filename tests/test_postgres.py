"""The services CI provides are really there: a PostgreSQL test that cannot pass without one."""

from __future__ import annotations

import psycopg
import pytest


@pytest.mark.postgres
def test_postgresql_answers_and_round_trips_a_row(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=5) as connection:
        version = connection.execute("show server_version_num").fetchone()
        assert version is not None and int(version[0]) >= 150000
        connection.execute("create temporary table probe (fips text primary key, population bigint)")
        connection.execute("insert into probe values (%s, %s)", ("06037", 9_943_046))
        found = connection.execute("select population from probe where fips = '06037'").fetchone()
        assert found == (9_943_046,)
