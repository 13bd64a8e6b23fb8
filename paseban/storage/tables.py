"""SQLAlchemy Core tables. Every change here ships with an Alembic migration."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.types import UtcDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- policy and reference data (staff may edit) ---------------------------------------------

parameters = sa.Table(
    "parameters",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

wilayah = sa.Table(
    "wilayah",
    metadata,
    sa.Column("code", sa.String(13), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column(
        "parent_code", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True
    ),
    sa.Column("postal_code", sa.String(5), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
)

landmarks = sa.Table(
    "landmarks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("aliases", sa.JSON, nullable=False, default=list),
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=False),
)

opds = sa.Table(
    "opds",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("handles", sa.Text, nullable=False, default=""),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
)

topics = sa.Table(
    "topics",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("examples", sa.Text, nullable=False, default=""),
    sa.Column("default_opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=False),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
)

intents = sa.Table(
    "intents",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

urgencies = sa.Table(
    "urgencies",
    metadata,
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

holidays = sa.Table(
    "holidays",
    metadata,
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),  # libur_nasional, cuti_bersama, lokal
)

routing_rules = sa.Table(
    "routing_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("priority", sa.Integer, nullable=False, default=100),
    sa.Column("condition", sa.JSON, nullable=False),
    sa.Column("assign_to", sa.String(40), sa.ForeignKey("opds.code"), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

# --- accounts and people ---------------------------------------------------------------------

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("handle", sa.String(100), nullable=False),
    sa.Column("platform_account_id", sa.String(100), nullable=True),
    sa.Column("owner_kind", sa.String(20), nullable=False),
    sa.Column("owner_code", sa.String(40), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False, default=""),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("platform", "handle", name="uq_accounts_platform_handle"),
    sa.UniqueConstraint("platform", "platform_account_id", name="uq_accounts_platform_account_id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("full_name", sa.String(200), nullable=False, default=""),
    sa.Column("role", sa.String(30), nullable=False),
    sa.Column("scope_code", sa.String(40), nullable=True),
    sa.Column("password_hash", sa.String(300), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# --- inbound -------------------------------------------------------------------------------------

raw_events = sa.Table(
    "raw_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(30), nullable=False),  # webhook:meta, file, manual, poll:x, ...
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="stored"),
    sa.Column("error", sa.Text, nullable=True),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ticket", sa.String(30), nullable=False, unique=True),
    sa.Column("status", sa.String(30), nullable=False, index=True),
    sa.Column("topic", sa.String(40), sa.ForeignKey("topics.code"), nullable=True, index=True),
    sa.Column("urgency", sa.String(20), nullable=False, default="normal"),
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True),
    sa.Column("kecamatan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True),
    sa.Column("opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=True, index=True),
    sa.Column("route_rule", sa.String(100), nullable=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("report_count", sa.Integer, nullable=False, default=1),
    sa.Column("opened_at", UtcDateTime, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("raw_event_id", sa.Integer, sa.ForeignKey("raw_events.id"), nullable=True),
    sa.Column("kind", sa.String(20), nullable=False, default="comment"),
    sa.Column("author", sa.String(200), nullable=False, default=""),
    sa.Column("author_id", sa.String(200), nullable=True),
    sa.Column("parent_external_id", sa.String(200), nullable=True),
    sa.Column("text", sa.Text, nullable=False),  # original, access-controlled
    sa.Column("masked_text", sa.Text, nullable=True),  # safe to show and log
    sa.Column("posted_at", UtcDateTime, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    # analysis (null until the analysis job ran)
    sa.Column("analyzed_at", UtcDateTime, nullable=True, index=True),
    sa.Column("analysis_version", sa.String(40), nullable=True),
    sa.Column("intent", sa.String(20), nullable=True, index=True),
    sa.Column("topic", sa.String(40), nullable=True),
    sa.Column("urgency", sa.String(20), nullable=True),
    sa.Column("kelurahan", sa.String(13), nullable=True),
    sa.Column("kecamatan", sa.String(13), nullable=True),
    sa.Column("place_source", sa.String(20), nullable=True),
    sa.Column("place_detail", sa.JSON, nullable=True),  # street, rt, rw, landmark
    sa.Column("confidence", sa.JSON, nullable=True),
    sa.Column("reasons", sa.JSON, nullable=True),
    sa.Column("needs_review", sa.Boolean, nullable=False, default=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True, index=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("platform", "external_id", name="uq_messages_platform_external_id"),
)

case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_status", sa.String(30), nullable=True),
    sa.Column("to_status", sa.String(30), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON, nullable=True),
)

analysis_corrections = sa.Table(
    "analysis_corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False, index=True),
    sa.Column("field", sa.String(20), nullable=False),  # intent, topic, urgency, kelurahan
    sa.Column("old_value", sa.String(40), nullable=True),
    sa.Column("new_value", sa.String(40), nullable=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("model_version", sa.String(40), nullable=True),  # the analysis that was corrected
)

ticket_counters = sa.Table(
    "ticket_counters",
    metadata,
    sa.Column("period", sa.String(20), primary_key=True),  # BGR-2611
    sa.Column("last", sa.Integer, nullable=False),
)

# --- background work -----------------------------------------------------------------------------

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, index=True),
    sa.Column("args", sa.JSON, nullable=False, default=dict),
    sa.Column("started_at", UtcDateTime, nullable=False, index=True),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),  # running, ok, failed
    sa.Column("counts", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
)

# --- connectors: credentials, poll cursors, outbound (migration 0004) ----------------------------

account_credentials = sa.Table(
    "account_credentials",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("token", sa.Text, nullable=False),  # page / user / business access token
    sa.Column("extra", sa.JSON, nullable=False, default=dict),  # refresh_token, business_id, ...
    sa.Column("expires_at", UtcDateTime, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

connector_cursors = sa.Table(
    "connector_cursors",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("cursor", sa.JSON, nullable=False, default=dict),  # since_id, next_token, ...
    sa.Column("updated_at", UtcDateTime, nullable=False),  # when the cursor last moved
    sa.Column("last_polled_at", UtcDateTime, nullable=True),
    sa.Column("retry_after", UtcDateTime, nullable=True),  # rate limited until
    sa.Column("last_error", sa.Text, nullable=True),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column(
        "in_reply_to_message_id",
        sa.Integer,
        sa.ForeignKey("messages.id"),
        nullable=True,
        index=True,
    ),
    sa.Column("kind", sa.String(10), nullable=False),  # reply, post
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, index=True),  # pending sent failed cancelled
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True, index=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Column("external_id", sa.String(200), nullable=True, index=True),
)
