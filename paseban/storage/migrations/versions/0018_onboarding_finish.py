"""onboarding, finished: an account disconnected from the dashboard, an officer notification's
attempts and its e-mail fallback, and the status Meta gives each WhatsApp template (issue 19)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from paseban.storage.types import UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_health") as batch:
        batch.add_column(sa.Column("disconnected_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("disconnected_by", sa.String(100), nullable=True))
    with op.batch_alter_table("officer_notifications") as batch:
        batch.add_column(
            sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("fallback", sa.String(20), nullable=True))
        batch.add_column(sa.Column("fallback_at", UtcDateTime, nullable=True))
    op.create_table(
        "whatsapp_templates",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("language", sa.String(10), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("template_id", sa.String(40), nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_templates")
    with op.batch_alter_table("officer_notifications") as batch:
        for column in ("fallback_at", "fallback", "attempts"):
            batch.drop_column(column)
    with op.batch_alter_table("account_health") as batch:
        batch.drop_column("disconnected_by")
        batch.drop_column("disconnected_at")
