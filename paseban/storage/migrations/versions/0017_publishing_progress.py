"""publishing with media: an outbox row keeps its progress (container ids, upload sessions,
the step it is at) and the permalink of what it published (issue 18, phase 2)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("progress", sa.JSON, nullable=True))
        batch.add_column(sa.Column("permalink", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("permalink")
        batch.drop_column("progress")
