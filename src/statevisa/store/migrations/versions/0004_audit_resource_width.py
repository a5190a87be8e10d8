"""audit events: room for a composite resource id ("<program id>/<county>" runs to 70 characters).

A program id may have 64 characters; the allocation and participation events name their record
as the program id and a year or a county, which PostgreSQL refused in a 64-character column (a
500 for any program id of 59 characters or more). Revision 0001 now declares 128, so a new
database of either kind is built right; this revision widens a PostgreSQL database built before
(altering a column's type is not an UPDATE: the append-only triggers do not fire). A SQLite file
built before keeps its inert VARCHAR(64), as in revision 0003.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "resource_id", type_=sa.String(128), existing_type=sa.String(64))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "resource_id", type_=sa.String(64), existing_type=sa.String(128))
