"""cooperation: federal enforcement requests, the gate's decisions and what was released.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cooperation_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("jurisdiction", sa.String(length=5), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("facts_sha256", sa.String(length=64), nullable=False),
        sa.Column("applicant_id", ID, nullable=True),
        sa.Column("fields_asked", JSON, nullable=False),
        sa.Column("fields_released", JSON, nullable=False),
        sa.Column("basis", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_cooperation_requests_applicant_id_applicants")
        ),
        sa.ForeignKeyConstraint(
            ["jurisdiction"],
            ["jurisdictions.fips"],
            name=op.f("fk_cooperation_requests_jurisdiction_jurisdictions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_requests")),
    )
    with op.batch_alter_table("cooperation_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cooperation_requests_jurisdiction"), ["jurisdiction"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cooperation_requests_requested_by"), ["requested_by"], unique=False
        )


def downgrade() -> None:
    op.drop_table("cooperation_requests")
