"""Many rows at once, inside the caller's transaction: ids reserved ahead, rows streamed in.

A bulk import writes hundreds of thousands of rows in one transaction. Going through the ORM
(one object, one INSERT, one RETURNING per row) costs tens of microseconds a row; here a
whole Polars frame goes in one statement: PostgreSQL's COPY (rows streamed as CSV, parsed
by the server in C) or, on SQLite, one `executemany` of the driver. Ids are reserved first
(`reserve_ids`), so rows that refer to each other (a case to its application) are built in
the frame before anything is written, without a round trip per row.

Values go in as the database would store them through the models: a frame column holds
text, numbers, booleans or nulls, with JSON columns as JSON text already; a constant (the
same value on every row, such as the time of the import) goes through its column type's own
bind processing, dialect's own included (`dialect_impl`), so a timestamp is stored exactly as
the ORM stores it on each backend: on SQLite the text `2026-03-02 15:00:00.000000`, bound once
per import; without the dialect's step `sqlite3` adapted the datetime itself on every row (half
a million times in a 100,000-application import, 0.4-0.8 s) into other text,
`2026-03-02 15:00:00+00:00`, which sorts and compares differently from the ORM's.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import polars as pl
from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session

COPY_ROWS = 10_000
"""Rows turned into CSV per write to COPY: the server parses one chunk while the next is built."""


def reserve_ids(session: Session, table: Table, count: int) -> pl.Series:
    """`count` fresh ids for `table`'s `id` column, ascending, taken inside the transaction.

    PostgreSQL: from the column's sequence (numbers taken are never handed out again, even if
    the transaction rolls back, so concurrent writers never collide), sent back as one text
    value: a hundred thousand result rows (or COPY rows) cost seconds in the driver. SQLite: the
    numbers after the largest id, which is safe because a SQLite writer holds the database's
    only write lock from its first statement (``BEGIN IMMEDIATE``) until it commits.
    """
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        listed = session.scalar(
            text(
                "SELECT string_agg(nextval(CAST(:sequence AS regclass))::text, ',') "
                "FROM generate_series(1, :n)"
            ),
            {"sequence": sequence, "n": count},
        )
        return pl.Series("id", [listed]).str.split(",").explode().cast(pl.Int64).sort()
    top = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return pl.int_range(top + 1, top + 1 + count, dtype=pl.Int64, eager=True).alias("id")


def _stored(session: Session, table: Table, name: str, value: object) -> object:
    """A constant as its column's type binds it on this backend (JSON columns take JSON text),
    including the dialect's own processing (on SQLite a timestamp becomes the ORM's text)."""
    kind = table.c[name].type
    if value is None or isinstance(kind, JSON):
        return value
    dialect = session.get_bind().dialect
    processor = kind.dialect_impl(dialect).bind_processor(dialect)
    return value if processor is None else processor(value)


def _copy(connection: Any, statement: str, rows: pl.DataFrame) -> None:
    """Stream `rows` as CSV into COPY `statement`, a chunk at a time, overlapping both sides.

    psycopg's queued writer sends each chunk from a thread of its own while this one turns the
    next into CSV, so the server starts parsing after the first 10,000 rows, not after all of
    them, and no whole-table CSV (130 MB for 100,000 W visa applications) is held at once.
    """
    from psycopg.copy import QueuedLibpqWriter

    with connection.cursor() as cursor, cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        for start in range(0, rows.height, COPY_ROWS):
            buffer = io.BytesIO()
            rows.slice(start, COPY_ROWS).write_csv(
                buffer, include_header=False, null_value="", quote_style="necessary"
            )
            copy.write(buffer.getbuffer())


def append(
    session: Session, table: Table, frame: pl.DataFrame, constants: Mapping[str, object] | None = None
) -> int:
    """Insert every row of `frame` (columns named as `table`'s), plus `constants` on each row.

    Runs in the session's transaction: nothing is visible to others until the caller commits,
    and nothing at all stays if it rolls back. Returns the number of rows written.
    """
    if frame.height == 0:
        return 0
    fixed = {name: _stored(session, table, name, value) for name, value in (constants or {}).items()}
    connection = session.connection().connection.driver_connection
    columns = [*frame.columns, *fixed]
    if session.get_bind().dialect.name == "postgresql":
        shown = {name: None if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
                 for name, v in fixed.items()}  # fmt: skip
        rows = frame.with_columns(pl.lit(v, dtype=pl.String).alias(name) for name, v in shown.items())
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
        _copy(connection, statement, rows)
        return frame.height
    marks = ", ".join("?" for _ in columns)
    tail = tuple(fixed.values())
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    connection.executemany(statement, (row + tail for row in frame.iter_rows()))  # type: ignore[union-attr]
    return frame.height
