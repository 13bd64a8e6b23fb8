"""Measurement (migration 0008): metric snapshots, response facts, the roll-ups, field
visits, photo pairs and alerts, and the indexes measurement needs on the other tables."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import metadata
from paseban.storage.tables.cases import case_events, case_stages
from paseban.storage.tables.ingest import analysis_corrections, messages, outbox
from paseban.storage.types import UtcDateTime

open311_keys = sa.Table(
    "open311_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),  # sha256 of the key
    sa.Column("prefix", sa.String(12), nullable=False),  # shown in lists
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
)

account_snapshots = sa.Table(
    "account_snapshots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("day", sa.Date, nullable=False),  # local date of the snapshot
    sa.Column("followers", sa.Integer, nullable=True),
    sa.Column("posts_count", sa.Integer, nullable=True),  # posts on the account, all time
    sa.Column("reach", sa.Integer, nullable=True),  # accounts reached that day
    sa.Column("views", sa.Integer, nullable=True),  # views that day
    sa.Column("source", sa.String(20), nullable=False),  # api, csv, sample
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("account_id", "day", name="uq_account_snapshots_account_id_day"),
)

post_metrics = sa.Table(
    "post_metrics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("posted_at", UtcDateTime, nullable=False),
    sa.Column("posted_on", sa.Date, nullable=False),  # local date, for weekly consistency
    sa.Column("likes", sa.Integer, nullable=False, default=0),
    sa.Column("comments", sa.Integer, nullable=False, default=0),
    sa.Column("shares", sa.Integer, nullable=False, default=0),
    sa.Column("saves", sa.Integer, nullable=False, default=0),
    sa.Column("reach", sa.Integer, nullable=True),
    sa.Column("views", sa.Integer, nullable=True),
    sa.Column("program", sa.String(60), nullable=True),  # priority program tag
    sa.Column("campaign", sa.String(60), nullable=True),  # city campaign code
    sa.Column("measured_on", sa.Date, nullable=False),  # day of the latest counts
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("account_id", "external_id", name="uq_post_metrics_account_id_external_id"),
    sa.Index("ix_post_metrics_posted_at_account_id", "posted_at", "account_id"),
)

# one row per citizen message that needed an answer, with its first reply (Chatwoot's
# reporting_events: the value on the wall clock and in business hours, computed once)
response_facts = sa.Table(
    "response_facts",
    metadata,
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),  # when the citizen wrote
    sa.Column("intent", sa.String(20), nullable=False),
    sa.Column("first_reply_at", UtcDateTime, nullable=True),
    sa.Column("wall_seconds", sa.Integer, nullable=True),
    sa.Column("business_seconds", sa.Integer, nullable=True),
    # histogram buckets of the two durations (measurement/histograms.py)
    sa.Column("wall_bucket", sa.SmallInteger, nullable=True),
    sa.Column("business_bucket", sa.SmallInteger, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_response_facts_received_at_account_id", "received_at", "account_id"),
    sa.Index("ix_response_facts_pending", "first_reply_at", "received_at"),
)

# roll-ups, rebuilt per local day by the refresh jobs (services/measurement/rollups.py); `grain` is
# "day" or "month" (then `day` is the month's first day and the row sums the month's daily rows)
response_rollups = sa.Table(
    "response_rollups",
    metadata,
    sa.Column("grain", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # local day the citizen wrote
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("needing", sa.Integer, nullable=False),  # messages that needed an answer
    sa.Column("answered", sa.Integer, nullable=False),
    sa.Column("complaints", sa.Integer, nullable=False),
    sa.Column("complaints_unanswered", sa.Integer, nullable=False),
    sa.Column("answered_within_sla", sa.Integer, nullable=False),  # first reply within 24 h
)

RESPONSE_BUCKETS = 100  # = measurement.histograms.BUCKETS (a test checks)

response_histograms = sa.Table(
    "response_histograms",
    metadata,
    sa.Column("grain", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("clock", sa.String(8), primary_key=True),  # wall, business
    *(sa.Column(f"b{i:02d}", sa.Integer, nullable=False) for i in range(RESPONSE_BUCKETS)),
)

# case stages finished and on time, by the local day the stage started and by unit
sla_rollups = sa.Table(
    "sla_rollups",
    metadata,
    sa.Column("grain", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("unit_kind", sa.String(10), primary_key=True),  # kelurahan, kecamatan, opd, city
    sa.Column("unit_code", sa.String(40), primary_key=True),  # "" for the city
    sa.Column("stage", sa.String(20), primary_key=True),
    sa.Column("finished", sa.Integer, nullable=False),
    sa.Column("met", sa.Integer, nullable=False),
)

# cases resolved (first resolution), confirmed by the citizen, reopened, by local day and unit
resolution_rollups = sa.Table(
    "resolution_rollups",
    metadata,
    sa.Column("grain", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("unit_kind", sa.String(10), primary_key=True),
    sa.Column("unit_code", sa.String(40), primary_key=True),
    sa.Column("resolved", sa.Integer, nullable=False),
    sa.Column("confirmed", sa.Integer, nullable=False),
    sa.Column("reopened", sa.Integer, nullable=False),
)

# what each person did, by local day: public replies (the inbox), case actions, field visits
activity_rollups = sa.Table(
    "activity_rollups",
    metadata,
    sa.Column("grain", sa.String(5), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("username", sa.String(100), primary_key=True),
    sa.Column("replies", sa.Integer, nullable=False),
    sa.Column("case_actions", sa.Integer, nullable=False),
    sa.Column("field_visits", sa.Integer, nullable=False),
)

# where each refresh job stopped (the next one looks at what changed since, with an overlap)
measurement_cursors = sa.Table(
    "measurement_cursors",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False),
)

field_visits = sa.Table(
    "field_visits",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("officer", sa.String(100), nullable=False),  # username
    sa.Column("unit_code", sa.String(40), nullable=False),  # kelurahan/kecamatan code or OPD
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True, index=True),
    sa.Column("purpose", sa.Text, nullable=False, default=""),
    sa.Column("visited_at", UtcDateTime, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("accuracy_m", sa.Float, nullable=True),
    sa.Column("photo", sa.String(200), nullable=True),  # file name under PASEBAN_MEDIA_DIR
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_field_visits_visited_at_unit_code", "visited_at", "unit_code"),
)

case_photo_pairs = sa.Table(
    "case_photo_pairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
    sa.Column("before_photo", sa.String(200), nullable=False),
    sa.Column("after_photo", sa.String(200), nullable=False),
    sa.Column("before_lat", sa.Float, nullable=True),
    sa.Column("before_lon", sa.Float, nullable=True),
    sa.Column("after_lat", sa.Float, nullable=True),
    sa.Column("after_lon", sa.Float, nullable=True),
    sa.Column("distance_m", sa.Float, nullable=True),  # between the two spots
    sa.Column("uploaded_by", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(40), sa.ForeignKey("topics.code"), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),  # kelurahan, kecamatan
    sa.Column("area", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=False),
    sa.Column("opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expected", sa.Float, nullable=False),
    sa.Column("p_value", sa.Float, nullable=False),
    sa.Column("message_ids", sa.JSON, nullable=False),
    sa.Column("window_start", UtcDateTime, nullable=False),
    sa.Column("window_end", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # open, acknowledged, closed
    sa.Column("raised_at", UtcDateTime, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("acknowledged_at", UtcDateTime, nullable=True),
    sa.Column("acknowledged_by", sa.String(100), nullable=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_alerts_topic_area_status", "topic", "area", "status"),
)

# indexes the measurement queries need on tables of the foundation (bench/measurement.py)
sa.Index("ix_case_events_action_at", case_events.c.action, case_events.c.at)

sa.Index("ix_messages_intent_posted_at", messages.c.intent, messages.c.posted_at)

# measurement's own indexes on the lifecycle tables (migration 0003)
sa.Index(
    "ix_outbox_reply_sent",
    outbox.c.in_reply_to_message_id,
    outbox.c.status,
)

sa.Index("ix_case_stages_started_at", case_stages.c.started_at)

sa.Index("ix_case_stages_running", case_stages.c.finished_at, case_stages.c.started_at)

# what the incremental refresh looks at: changes since its cursor
sa.Index("ix_outbox_sent_at", outbox.c.sent_at)

sa.Index("ix_case_events_at", case_events.c.at)

sa.Index("ix_analysis_corrections_at", analysis_corrections.c.at)

sa.Index("ix_messages_handled_at", messages.c.handled_at)

sa.Index("ix_field_visits_created_at", field_visits.c.created_at)
