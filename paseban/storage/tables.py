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
    sa.Column("email", sa.String(254), nullable=True),  # notifications (services/people/notify.py)
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
    # --- complaint lifecycle (migration 0003) ---
    sa.Column("last_report_at", UtcDateTime, nullable=True),
    sa.Column("street", sa.String(200), nullable=True),
    sa.Column("landmark", sa.String(200), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("media_url", sa.String(500), nullable=True),
    sa.Column("keywords", sa.Text, nullable=False, server_default=""),
    sa.Column("platforms", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("stage", sa.String(20), nullable=True),
    sa.Column("due_at", UtcDateTime, nullable=True, index=True),
    sa.Column("escalation_level", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("returned_by", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("public_note", sa.Text, nullable=True),
    # case ids; no foreign key, so that adding them never rebuilds the cases table on SQLite
    sa.Column("merged_into", sa.Integer, nullable=True),
    sa.Column("split_from", sa.Integer, nullable=True),
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
    # inbox (dashboard): new, answered, not_complaint, hidden; who handled it and when
    sa.Column("inbox_state", sa.String(20), nullable=False, default="new", server_default="new"),
    sa.Column("handled_at", UtcDateTime, nullable=True),
    sa.Column("handled_by", sa.String(100), nullable=True),
    sa.UniqueConstraint("platform", "external_id", name="uq_messages_platform_external_id"),
    # a citizen's own messages: follow-ups and answers join their case (migration 0003)
    sa.Index("ix_messages_platform_author", "platform", "author"),
    sa.Index("ix_messages_platform_author_id", "platform", "author_id"),
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
    sa.Column("public_note", sa.Text, nullable=True),  # shown to citizens (migration 0003)
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

# --- sign-in, API tokens and the audit trail (dashboard) ---------------------------------------

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the cookie's random token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("ip", sa.String(45), nullable=True),
    sa.Column("user_agent", sa.String(300), nullable=True),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("ip", sa.String(45), nullable=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
    sa.Index("ix_login_attempts_username_at", "username", "at"),
    sa.Index("ix_login_attempts_ip_at", "ip", "at"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # SHA-256, never the token
    sa.Column("prefix", sa.String(16), nullable=False),  # shown in lists to recognise a token
    sa.Column("role", sa.String(30), nullable=False),
    sa.Column("scope_code", sa.String(40), nullable=True),
    sa.Column("permissions", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=True),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("actor_kind", sa.String(10), nullable=False),  # user, token, system, cli
    sa.Column("action", sa.String(60), nullable=False, index=True),
    sa.Column("target_kind", sa.String(30), nullable=True),
    sa.Column("target_id", sa.String(100), nullable=True),
    sa.Column("ip", sa.String(45), nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),
    sa.Index("ix_audit_events_target", "target_kind", "target_id"),
)

# indexes for the dashboard's list pages (bench/dashboard.py measures them)
sa.Index("ix_messages_posted_at", messages.c.posted_at)
sa.Index("ix_messages_inbox", messages.c.inbox_state, messages.c.posted_at)
sa.Index(
    "ix_messages_account_inbox", messages.c.account_id, messages.c.inbox_state, messages.c.posted_at
)
sa.Index("ix_messages_account_posted", messages.c.account_id, messages.c.posted_at)
sa.Index("ix_messages_review", messages.c.needs_review, messages.c.received_at)
sa.Index("ix_cases_status_opened", cases.c.status, cases.c.opened_at)
# covering indexes: the OPD overview and the map count without reading the case rows
sa.Index(
    "ix_cases_opd_status_opened", cases.c.opd, cases.c.status, cases.c.opened_at, cases.c.urgency
)
sa.Index(
    "ix_cases_kelurahan_opened",
    cases.c.kelurahan,
    cases.c.opened_at,
    cases.c.status,
    cases.c.urgency,
    cases.c.topic,
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


# --- complaint lifecycle: clocks, policies, replies, Open311 (migration 0003) --------------------

case_stages = sa.Table(
    "case_stages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("escalate_at", UtcDateTime, nullable=False),
    sa.Column("sweep_at", UtcDateTime, nullable=True, index=True),  # null: nothing left to do
    sa.Column("escalation_level", sa.SmallInteger, nullable=False, default=0),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("breached", sa.Boolean, nullable=True),  # set when the stage ends
    sa.Column("policy", sa.JSON, nullable=False),  # the policy that set the deadline
)

sla_policies = sa.Table(
    "sla_policies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("stage", sa.String(20), nullable=False),
    # topic and urgency codes (None: any), checked on save; the defaults are stored by the
    # migration, before any reference data exists, so no foreign keys here
    sa.Column("topic", sa.String(40), nullable=True),
    sa.Column("urgency", sa.String(40), nullable=True),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("escalate_after", sa.Integer, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

reply_templates = sa.Table(
    "reply_templates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event", sa.String(30), nullable=False),
    sa.Column("topic", sa.String(40), sa.ForeignKey("topics.code"), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

policy_revisions = sa.Table(
    "policy_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),  # routing_rule, sla_policy, reply_template
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("data", sa.JSON, nullable=True),  # the new state; null when deleted
    sa.Column("changed_at", UtcDateTime, nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Index("ix_policy_revisions_kind_key", "kind", "key"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("in_reply_to_message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=True),
    sa.Column("kind", sa.String(10), nullable=False),  # reply, post
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending, sent, failed, cancelled
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Column("external_id", sa.String(200), nullable=True),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

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


# --- content and the admin network (issue 8) -----------------------------------------------------
# Posts are published through `outbox` (above, from the complaint lifecycle).

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner_opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("key_messages", sa.JSON, nullable=False, default=list),
    sa.Column("facts", sa.JSON, nullable=False, default=list),  # [{text, source, as_of}]
    sa.Column("achievements", sa.JSON, nullable=False, default=list),
    sa.Column("hashtags", sa.JSON, nullable=False, default=list),
    sa.Column("official_names", sa.JSON, nullable=False, default=list),
    sa.Column("misspellings", sa.JSON, nullable=False, default=list),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=True),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("facts", sa.JSON, nullable=False, default=list),
    sa.Column("media_links", sa.JSON, nullable=False, default=list),
    sa.Column("hashtags", sa.JSON, nullable=False, default=list),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("all_accounts", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
)

campaign_targets = sa.Table(
    "campaign_targets",
    metadata,
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("reminded_at", UtcDateTime, nullable=True),
    sa.Column("reminders", sa.Integer, nullable=False, default=0),
)

content_posts = sa.Table(
    "content_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("content_type", sa.String(20), nullable=False),
    sa.Column("title", sa.String(200), nullable=False, default=""),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("pillar", sa.String(40), nullable=True),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=True, index=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=True, index=True),
    sa.Column("source_message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("planned_on", sa.Date, nullable=True),  # the calendar day for an unscheduled draft
    sa.Column("scheduled_at", UtcDateTime, nullable=True, index=True),
    sa.Column("published_at", UtcDateTime, nullable=True, index=True),
    sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.id"), nullable=True),
    sa.Column("external_id", sa.String(200), nullable=True, index=True),  # the platform post id
    sa.Column("permalink", sa.String(500), nullable=True),
    sa.Column("quality_score", sa.Integer, nullable=True),
    sa.Column("quality", sa.JSON, nullable=True),  # the last checker report
    sa.Column("metrics", sa.JSON, nullable=True),  # likes, comments, shares, saves, reach, views
    sa.Column("metrics_at", UtcDateTime, nullable=True),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
)

content_events = sa.Table(
    "content_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("content_posts.id"), nullable=False, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("from_status", sa.String(20), nullable=True),
    sa.Column("to_status", sa.String(20), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON, nullable=True),
)

content_policies = sa.Table(
    "content_policies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("owner_kind", sa.String(20), nullable=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=True),
    sa.Column("content_type", sa.String(20), nullable=True),
    sa.Column("steps", sa.JSON, nullable=False),  # ["kecamatan", "diskominfo"]
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    sa.UniqueConstraint(
        "owner_kind", "account_id", "content_type", name="uq_content_policies_match"
    ),
)

kelurahan_profiles = sa.Table(
    "kelurahan_profiles",
    metadata,
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), primary_key=True),
    sa.Column("name_origin", sa.Text, nullable=False, default=""),
    sa.Column("history", sa.Text, nullable=False, default=""),
    sa.Column("landmarks", sa.JSON, nullable=False, default=list),
    sa.Column("umkm", sa.JSON, nullable=False, default=list),
    sa.Column("sosok", sa.JSON, nullable=False, default=list),
    sa.Column("highlights", sa.Text, nullable=False, default=""),
    sa.Column("challenges", sa.Text, nullable=False, default=""),
    sa.Column("sources", sa.JSON, nullable=False, default=list),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

account_admins = sa.Table(
    "account_admins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("position", sa.String(100), nullable=False, default=""),  # jubir digital, staf
    sa.Column("since", sa.Date, nullable=True),
    sa.Column("until", sa.Date, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
)

training_sessions = sa.Table(
    "training_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),  # pelatihan, kopdar
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("held_at", UtcDateTime, nullable=False, index=True),
    sa.Column("place", sa.String(200), nullable=False, default=""),
    sa.Column("kecamatan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("checkin_code", sa.String(12), nullable=False, unique=True),
    sa.Column("checkin_opens_at", UtcDateTime, nullable=False),
    sa.Column("checkin_closes_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
)

training_attendance = sa.Table(
    "training_attendance",
    metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("training_sessions.id"), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("checked_in_at", UtcDateTime, nullable=False),
    sa.Column("method", sa.String(20), nullable=False),  # kode, qr, manual
    sa.Column("recorded_by", sa.String(100), nullable=False),
)

quiet_alerts = sa.Table(
    "quiet_alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),  # no_post, no_answer
    sa.Column("since", UtcDateTime, nullable=False),  # the last post / the oldest waiting message
    sa.Column("days", sa.Integer, nullable=False),  # the threshold when flagged
    sa.Column("kecamatan", sa.String(13), nullable=True, index=True),  # who is told, besides us
    sa.Column("flagged_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Column("dedupe_key", sa.String(100), nullable=False, unique=True),
)


# --- connectors: credentials, poll cursors (migration 0007) --------------------------------------
# Outbound replies and posts use `outbox` (complaint lifecycle, migration 0003).

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

# the sender and the "is this our own comment?" check look these up
sa.Index("ix_outbox_account_id", outbox.c.account_id)
sa.Index("ix_outbox_in_reply_to_message_id", outbox.c.in_reply_to_message_id)
sa.Index("ix_outbox_external_id", outbox.c.external_id)
# --- measurement (migration 0008) ----------------------------------------------------------------

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
