"""connectors: account credentials, poll cursors, lookups on the outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:19:52.989331
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_credentials",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("expires_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_credentials_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_credentials")),
    )
    op.create_table(
        "connector_cursors",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("updated_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_polled_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("retry_after", paseban.storage.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_connector_cursors_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_connector_cursors")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_account_id", ["account_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_in_reply_to_message_id", ["in_reply_to_message_id"], unique=False
        )
        batch_op.create_index("ix_outbox_external_id", ["external_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_external_id")
        batch_op.drop_index("ix_outbox_in_reply_to_message_id")
        batch_op.drop_index("ix_outbox_account_id")
    op.drop_table("connector_cursors")
    op.drop_table("account_credentials")
