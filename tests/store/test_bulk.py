"""Bulk writes: every row of a frame in the caller's transaction, streamed in chunks, or none."""

from __future__ import annotations

import sqlite3
from typing import cast

import polars as pl
import psycopg
import pytest
from sqlalchemy import Table, func, select

from statevisa.services.context import Platform
from statevisa.store import bulk
from statevisa.store.models import Jurisdiction

ROWS = 2 * bulk.COPY_ROWS + 1
"""Three chunks on PostgreSQL, the last of one row."""


def counties(parent: pl.Expr) -> pl.DataFrame:
    """Made-up counties `A0000`, `A0001`, ..., past the first 10,000 `B0000`, under `parent`."""
    n = pl.int_range(ROWS, eager=True)
    letter = (n // 10_000 + 65).map_elements(chr, return_dtype=pl.String)
    fips = letter + (n % 10_000).cast(pl.String).str.zfill(4)
    return pl.DataFrame({"fips": fips}).with_columns(
        name=pl.lit("Bench County"), kind=pl.lit("county"), parent=parent
    )


def made(platform: Platform) -> int:
    with platform.session() as session:
        return session.scalar(select(func.count()).where(Jurisdiction.fips.like("A%"))) or 0


def test_every_chunk_is_written_in_the_callers_transaction(platform: Platform) -> None:
    table = cast(Table, Jurisdiction.__table__)
    session = platform.sessions()
    try:
        session.begin()
        assert bulk.append(session, table, counties(pl.lit("06"))) == ROWS
        stored = session.scalar(select(func.count()).where(Jurisdiction.name == "Bench County"))
        last = session.get(Jurisdiction, "C0000")
        assert stored == ROWS and last is not None and last.parent == "06"
    finally:
        session.rollback()  # the shared test database keeps its jurisdictions as seeded
        session.close()
    assert made(platform) == 0


def test_one_bad_row_in_the_last_chunk_writes_nothing(platform: Platform) -> None:
    table = cast(Table, Jurisdiction.__table__)
    rows = counties(pl.lit("06"))
    bad = rows.with_columns(
        parent=pl.when(pl.col("fips") == "C0000").then(pl.lit("99")).otherwise(pl.col("parent"))
    )
    with pytest.raises((psycopg.IntegrityError, sqlite3.IntegrityError)), platform.session() as session:
        bulk.append(session, table, bad)
        session.flush()
    assert made(platform) == 0
