"""One clock: case columns healed from the running stage, unjudged stages (re-assignment),
re-route requests from kelurahan and kecamatan admins

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-15 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from paseban.storage.types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_stages") as batch:
        batch.add_column(sa.Column("judged", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_table(
        "reroute_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", UtcDateTime, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("suggested_opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", UtcDateTime, nullable=True),
        sa.Column("decision_note", sa.Text, nullable=True),
    )
    # heal cases whose stage and deadline columns were left empty (or stale) while a stage runs:
    # the columns mirror the running case_stages row, which every view now reads
    running = (
        "SELECT {col} FROM case_stages s WHERE s.case_id = cases.id AND s.finished_at IS NULL "
        "ORDER BY s.id DESC LIMIT 1"
    )
    op.execute(
        "UPDATE cases SET "
        f"stage = ({running.format(col='s.stage')}), "
        f"due_at = ({running.format(col='s.due_at')}), "
        f"escalation_level = ({running.format(col='s.escalation_level')}) "
        "WHERE EXISTS (SELECT 1 FROM case_stages s WHERE s.case_id = cases.id "
        "AND s.finished_at IS NULL)"
    )


def downgrade() -> None:
    op.drop_table("reroute_requests")
    with op.batch_alter_table("case_stages") as batch:
        batch.drop_column("judged")
