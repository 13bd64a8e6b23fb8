"""measurement: metrics, response facts and roll-ups, field visits, photo pairs, alerts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 21:40:45.166157
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RESPONSE_BUCKETS = 100  # histogram buckets of first-response times (measurement/histograms.py)


def upgrade() -> None:
    op.create_table(
        "account_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("posts_count", sa.Integer(), nullable=True),
        sa.Column("reach", sa.Integer(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_snapshots_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_snapshots")),
        sa.UniqueConstraint("account_id", "day", name="uq_account_snapshots_account_id_day"),
    )
    op.create_table(
        "post_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("posted_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("saves", sa.Integer(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=True),
        sa.Column("views", sa.Integer(), nullable=True),
        sa.Column("program", sa.String(length=60), nullable=True),
        sa.Column("campaign", sa.String(length=60), nullable=True),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_post_metrics_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_metrics")),
        sa.UniqueConstraint(
            "account_id", "external_id", name="uq_post_metrics_account_id_external_id"
        ),
    )
    with op.batch_alter_table("post_metrics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_post_metrics_posted_at_account_id", ["posted_at", "account_id"], unique=False
        )

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=13), nullable=False),
        sa.Column("opd", sa.String(length=40), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.Column("window_start", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("window_end", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raised_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "acknowledged_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["area"], ["wilayah.code"], name=op.f("fk_alerts_area_wilayah")),
        sa.ForeignKeyConstraint(["opd"], ["opds.code"], name=op.f("fk_alerts_opd_opds")),
        sa.ForeignKeyConstraint(["topic"], ["topics.code"], name=op.f("fk_alerts_topic_topics")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_raised_at"), ["raised_at"], unique=False)
        batch_op.create_index(
            "ix_alerts_topic_area_status", ["topic", "area", "status"], unique=False
        )

    op.create_table(
        "case_photo_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("before_photo", sa.String(length=200), nullable=False),
        sa.Column("after_photo", sa.String(length=200), nullable=False),
        sa.Column("before_lat", sa.Float(), nullable=True),
        sa.Column("before_lon", sa.Float(), nullable=True),
        sa.Column("after_lat", sa.Float(), nullable=True),
        sa.Column("after_lon", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_photo_pairs_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_photo_pairs")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_photo_pairs_case_id")),
    )
    op.create_table(
        "field_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("kelurahan", sa.String(length=13), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("visited_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("photo", sa.String(length=200), nullable=True),
        sa.Column("created_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_field_visits_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["kelurahan"], ["wilayah.code"], name=op.f("fk_field_visits_kelurahan_wilayah")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_visits")),
    )
    with op.batch_alter_table("field_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_visits_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_field_visits_visited_at_unit_code", ["visited_at", "unit_code"], unique=False
        )
        batch_op.create_index("ix_field_visits_created_at", ["created_at"], unique=False)

    op.create_table(
        "response_facts",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("received_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("intent", sa.String(length=20), nullable=False),
        sa.Column(
            "first_reply_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("wall_seconds", sa.Integer(), nullable=True),
        sa.Column("business_seconds", sa.Integer(), nullable=True),
        sa.Column("wall_bucket", sa.SmallInteger(), nullable=True),
        sa.Column("business_bucket", sa.SmallInteger(), nullable=True),
        sa.Column("updated_at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_response_facts_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_response_facts_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_response_facts")),
    )
    with op.batch_alter_table("response_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_response_facts_pending", ["first_reply_at", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_response_facts_received_at_account_id", ["received_at", "account_id"], unique=False
        )

    op.create_table(
        "response_rollups",
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("needing", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("complaints_unanswered", sa.Integer(), nullable=False),
        sa.Column("answered_within_sla", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_response_rollups_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("grain", "day", "account_id", name=op.f("pk_response_rollups")),
    )
    op.create_table(
        "response_histograms",
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=8), nullable=False),
        *(sa.Column(f"b{i:02d}", sa.Integer(), nullable=False) for i in range(RESPONSE_BUCKETS)),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_response_histograms_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint(
            "grain", "day", "account_id", "clock", name=op.f("pk_response_histograms")
        ),
    )
    op.create_table(
        "sla_rollups",
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_kind", sa.String(length=10), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.Column("met", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "day", "unit_kind", "unit_code", "stage", name=op.f("pk_sla_rollups")
        ),
    )
    op.create_table(
        "resolution_rollups",
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_kind", sa.String(length=10), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "grain", "day", "unit_kind", "unit_code", name=op.f("pk_resolution_rollups")
        ),
    )
    op.create_table(
        "activity_rollups",
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("case_actions", sa.Integer(), nullable=False),
        sa.Column("field_visits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("grain", "day", "username", name=op.f("pk_activity_rollups")),
    )
    op.create_table(
        "measurement_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("at", paseban.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_measurement_cursors")),
    )

    # measurement's indexes on other tables
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_reply_sent", ["in_reply_to_message_id", "status"], unique=False
        )

        batch_op.create_index("ix_outbox_sent_at", ["sent_at"], unique=False)

    with op.batch_alter_table("case_stages", schema=None) as batch_op:
        batch_op.create_index("ix_case_stages_started_at", ["started_at"], unique=False)
        batch_op.create_index("ix_case_stages_running", ["finished_at", "started_at"], unique=False)

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index("ix_case_events_action_at", ["action", "at"], unique=False)
        batch_op.create_index("ix_case_events_at", ["at"], unique=False)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_intent_posted_at", ["intent", "posted_at"], unique=False)
        batch_op.create_index("ix_messages_handled_at", ["handled_at"], unique=False)

    with op.batch_alter_table("analysis_corrections", schema=None) as batch_op:
        batch_op.create_index("ix_analysis_corrections_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("analysis_corrections", schema=None) as batch_op:
        batch_op.drop_index("ix_analysis_corrections_at")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_sent_at")
        batch_op.drop_index("ix_outbox_reply_sent")

    with op.batch_alter_table("case_stages", schema=None) as batch_op:
        batch_op.drop_index("ix_case_stages_running")
        batch_op.drop_index("ix_case_stages_started_at")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_handled_at")
        batch_op.drop_index("ix_messages_intent_posted_at")

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_at")
        batch_op.drop_index("ix_case_events_action_at")

    op.drop_table("measurement_cursors")
    op.drop_table("activity_rollups")
    op.drop_table("resolution_rollups")
    op.drop_table("sla_rollups")
    op.drop_table("response_histograms")
    op.drop_table("response_rollups")

    with op.batch_alter_table("response_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_response_facts_received_at_account_id")
        batch_op.drop_index("ix_response_facts_pending")

    op.drop_table("response_facts")
    with op.batch_alter_table("field_visits", schema=None) as batch_op:
        batch_op.drop_index("ix_field_visits_created_at")
        batch_op.drop_index("ix_field_visits_visited_at_unit_code")
        batch_op.drop_index(batch_op.f("ix_field_visits_case_id"))

    op.drop_table("field_visits")
    op.drop_table("case_photo_pairs")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_topic_area_status")
        batch_op.drop_index(batch_op.f("ix_alerts_raised_at"))

    op.drop_table("alerts")
    with op.batch_alter_table("post_metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_post_metrics_posted_at_account_id")

    op.drop_table("post_metrics")
    op.drop_table("account_snapshots")
