"""onboarding: sign-in attempts, account connection health, officers' WhatsApp numbers with
their opt-in and channel, officer notifications with their statuses (issue 19)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from paseban.storage.types import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("phone", sa.String(20), nullable=True))
        batch.add_column(sa.Column("phone_opt_in_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("phone_opt_in_note", sa.String(200), nullable=True))
        batch.add_column(
            sa.Column("notify_channel", sa.String(10), nullable=False, server_default="email")
        )
    op.create_table(
        "oauth_attempts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("verifier", sa.Text, nullable=True),
        sa.Column("found", sa.Text, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False, index=True),
        sa.Column("returned_at", UtcDateTime, nullable=True),
        sa.Column("finished_at", UtcDateTime, nullable=True),
    )
    op.create_table(
        "account_health",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("provider", sa.String(20), nullable=True),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("missing", sa.JSON, nullable=False),
        sa.Column("problem", sa.String(300), nullable=True),
        sa.Column("problem_at", UtcDateTime, nullable=True),
        sa.Column("checked_at", UtcDateTime, nullable=True),
        sa.Column("connected_at", UtcDateTime, nullable=True),
        sa.Column("connected_by", sa.String(100), nullable=True),
        sa.Column("subscribed", sa.JSON, nullable=True),
    )
    op.create_table(
        "officer_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True, index=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("template", sa.String(60), nullable=True),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("wa_message_id", sa.String(200), nullable=True, unique=True),
        sa.Column("error", sa.String(300), nullable=True),
        sa.Column("comment_at", UtcDateTime, nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False, index=True),
        sa.Column("accepted_at", UtcDateTime, nullable=True),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.Column("read_at", UtcDateTime, nullable=True),
        sa.Column("latency_seconds", sa.Float, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("officer_notifications")
    op.drop_table("account_health")
    op.drop_table("oauth_attempts")
    with op.batch_alter_table("users") as batch:
        for column in ("notify_channel", "phone_opt_in_note", "phone_opt_in_at", "phone"):
            batch.drop_column(column)
