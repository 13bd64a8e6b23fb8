"""inbox triage: saved_filters (what each person last filtered a list by: the inbox opens as they
left it), and indexes that count the waiting messages by intent and by urgency (the command
centre's "aduan menunggu", "darurat menunggu")

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_filters",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=40), nullable=False),
        sa.Column("query", sa.String(length=1000), nullable=False),
        sa.Column("updated_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_filters_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "page", name=op.f("pk_saved_filters")),
    )
    op.create_index("ix_messages_inbox_intent", "messages", ["inbox_state", "intent"])
    op.create_index("ix_messages_inbox_urgency", "messages", ["inbox_state", "urgency"])


def downgrade() -> None:
    op.drop_index("ix_messages_inbox_urgency", table_name="messages")
    op.drop_index("ix_messages_inbox_intent", table_name="messages")
    op.drop_table("saved_filters")
