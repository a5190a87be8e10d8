"""job offers: room for every wage level name ("below Level I" is 13 characters, not 8).

PostgreSQL enforces a VARCHAR's length, so a Level III offer failed to insert there; SQLite
does not. Revision 0001 now declares 16 too, so a new database of either kind is built right;
this revision widens a PostgreSQL database built before. A SQLite database built before keeps
its inert VARCHAR(8): rebuilding a table that others reference, with foreign keys enforced
inside the migration's transaction, would fail on the rows it is meant to keep.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("job_offers", "wage_level", type_=sa.String(16), existing_type=sa.String(8))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("job_offers", "wage_level", type_=sa.String(8), existing_type=sa.String(16))
