"""Content planning and the admin network (issue 8): programs, campaigns, posts and their
approval, profiles, admins, training. Posts are published through `outbox`."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import city_column, metadata
from paseban.storage.types import UtcDateTime

programs = sa.Table(
    "programs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(40), nullable=False, unique=True),
    city_column(),  # migration 0025; codes stay unique in the deployment
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
    city_column(),  # migration 0025; codes stay unique in the deployment
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
    # a video's cover (an image of the library) or the moment it is taken from (issue 18);
    # for a carousel, the item that opens it
    sa.Column("cover_media_id", sa.Integer, nullable=True),
    sa.Column("cover_offset_ms", sa.Integer, nullable=True),
    # what the platform asks of the person for every post (TikTok: privacy, interactions,
    # commercial-content disclosure), as its connector's PostSettings reads them
    sa.Column("platform_options", sa.JSON, nullable=True),
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
    city_column(),  # migration 0025: its creator's city, or its kecamatan's
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
