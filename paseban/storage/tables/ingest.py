"""What comes in and goes out: raw deliveries, messages, analysis corrections, the outbox,
poll cursors, job runs."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import metadata
from paseban.storage.types import UtcDateTime

raw_events = sa.Table(
    "raw_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("channel", sa.String(30), nullable=False),  # webhook:meta, file, manual, poll:x, ...
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="stored"),
    sa.Column("error", sa.Text, nullable=True),
    # SHA-256 of the body: a delivery the platform retries is kept once per channel (issue 16)
    sa.Column("body_hash", sa.String(64), nullable=True),
    sa.Index("ux_raw_events_channel_body_hash", "channel", "body_hash", unique=True),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("external_id", sa.String(200), nullable=False),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
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
    # what the message carries and what became of it on the platform (migration 0012)
    sa.Column("media", sa.JSON, nullable=True),  # [{type, id, url, mime_type, caption, ...}]
    sa.Column("author_alt_id", sa.String(200), nullable=True),  # WhatsApp's BSUID beside the phone
    sa.Column("standby", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("edited_at", UtcDateTime, nullable=True),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.Column("deleted_by", sa.String(20), nullable=True),  # "citizen": removed on the platform
    sa.UniqueConstraint("platform", "external_id", name="uq_messages_platform_external_id"),
    # a citizen's own messages: follow-ups and answers join their case (migration 0003)
    sa.Index("ix_messages_platform_author", "platform", "author"),
    sa.Index("ix_messages_platform_author_id", "platform", "author_id"),
)

# every edit and removal of a stored message, with the text it had before (the audit trail)
message_revisions = sa.Table(
    "message_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),  # edited, deleted
    sa.Column("at", UtcDateTime, nullable=False),  # when the platform says it happened
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("old_text", sa.Text, nullable=False),
    sa.Column("new_text", sa.Text, nullable=True),  # null for a removal
    sa.Column("old_media", sa.JSON, nullable=True),
    sa.Column("raw_event_id", sa.Integer, sa.ForeignKey("raw_events.id"), nullable=True),
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

# indexes for the dashboard's list pages (bench/dashboard.py measures them)
sa.Index("ix_messages_posted_at", messages.c.posted_at)

sa.Index("ix_messages_inbox", messages.c.inbox_state, messages.c.posted_at)

sa.Index(
    "ix_messages_account_inbox", messages.c.account_id, messages.c.inbox_state, messages.c.posted_at
)

sa.Index("ix_messages_account_posted", messages.c.account_id, messages.c.posted_at)

# each account's newest delivery, for the accounts' health (migration 0021, bench/national.py)
sa.Index("ix_messages_account_received", messages.c.account_id, messages.c.received_at)

sa.Index("ix_messages_review", messages.c.needs_review, messages.c.received_at)

# what waits, by intent and by urgency: the command centre counts these (migration 0011)
sa.Index("ix_messages_inbox_intent", messages.c.inbox_state, messages.c.intent)

sa.Index("ix_messages_inbox_urgency", messages.c.inbox_state, messages.c.urgency)

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, index=True),
    sa.Column("args", sa.JSON, nullable=False, default=dict),
    sa.Column("started_at", UtcDateTime, nullable=False, index=True),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    # running, ok, failed, retrying; abandoned: its worker stopped and no one took it over
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("counts", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    # the broker's delivery (Celery task id): a redelivery continues this row (attempts + 1)
    sa.Column("delivery", sa.String(64), nullable=True, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
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
    # a post with pictures or video goes out in steps (issue 18): the containers, upload
    # sessions and publish ids made so far, so that a retry resumes and never creates twice
    sa.Column("progress", sa.JSON, nullable=True),
    sa.Column("permalink", sa.String(500), nullable=True),  # the published post's public URL
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
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

# the rate-limit ledger: one row per budget (a platform's limit for one app, one project or
# one account), counted in the current window and synced with what the platform says
rate_windows = sa.Table(
    "rate_windows",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),  # "x:mentions:user:12", "youtube:units:app"
    sa.Column("window_start", UtcDateTime, nullable=False),
    sa.Column("window_end", UtcDateTime, nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),  # units in the window
    sa.Column("used", sa.Integer, nullable=False, default=0),
    sa.Column("blocked_until", UtcDateTime, nullable=True),  # the platform said: wait
    sa.Column("usage_pct", sa.Float, nullable=True),  # Meta's usage headers, in percent
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
