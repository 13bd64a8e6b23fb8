"""a post keeps what its platform asks of the person for every post (TikTok's required choices:
who may see it, comments, duets, stitches, the commercial-content disclosure), issue 18

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_posts") as batch:
        batch.add_column(sa.Column("platform_options", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_posts") as batch:
        batch.drop_column("platform_options")
