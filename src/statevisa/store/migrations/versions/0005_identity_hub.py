"""identity: the federal hub's keyed tokens and the adjudication queue.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_tokens",
        sa.Column("id", ID, nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("holding", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_tokens")),
    )
    with op.batch_alter_table("hub_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_hub_tokens_lookup", ["kind", "key_id", "token"], unique=False)
        batch_op.create_index(batch_op.f("ix_hub_tokens_reference"), ["reference"], unique=False)
    op.create_table(
        "adjudications",
        sa.Column("id", ID, nullable=False),
        sa.Column("application_id", ID, nullable=False),
        sa.Column("state", sa.String(length=5), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("other_state", sa.String(length=2), nullable=False),
        sa.Column("holding", sa.String(length=16), nullable=False),
        sa.Column("matched", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_adjudications_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["state"], ["jurisdictions.fips"], name=op.f("fk_adjudications_state_jurisdictions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjudications")),
    )
    with op.batch_alter_table("adjudications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjudications_application_id"), ["application_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_adjudications_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_adjudications_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("adjudications")
    op.drop_table("hub_tokens")
