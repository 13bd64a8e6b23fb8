"""login_counters: sign-in attempts counted atomically before the password is checked;
raw_events.body_hash: a delivery kept once per body per channel (issue 16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_counters",
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("window_start", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_counters")),
    )
    with op.batch_alter_table("raw_events") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(64), nullable=True))
        batch.create_index("ux_raw_events_channel_body_hash", ["channel", "body_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("raw_events") as batch:
        batch.drop_index("ux_raw_events_channel_body_hash")
        batch.drop_column("body_hash")
    op.drop_table("login_counters")
