"""a job run knows the broker delivery it runs (so the run that takes over a killed worker's
job continues its row instead of leaving it `running` forever) and how many attempts it took
(issue 17)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.add_column(sa.Column("delivery", sa.String(64), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="1"))
        batch.create_index("ix_job_runs_delivery", ["delivery"])


def downgrade() -> None:
    with op.batch_alter_table("job_runs") as batch:
        batch.drop_index("ix_job_runs_delivery")
        batch.drop_column("attempts")
        batch.drop_column("delivery")
