"""Connecting accounts from the dashboard and reaching officers on WhatsApp (issue 19,
migration 0016): sign-in attempts, each account's connection health, officer notifications."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import metadata
from paseban.storage.types import UtcDateTime

# one sign-in on a platform, from the operator's click to the accounts picked; the state sent
# to the platform is kept only as its hash, the PKCE verifier and the accounts found (with
# their tokens) only sealed with PASEBAN_SECRET_KEY
oauth_attempts = sa.Table(
    "oauth_attempts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the state
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("session_hash", sa.String(64), nullable=False),  # bound to the sign-in session
    sa.Column("provider", sa.String(20), nullable=False),
    sa.Column("verifier", sa.Text, nullable=True),  # sealed PKCE verifier
    sa.Column("found", sa.Text, nullable=True),  # sealed JSON: the accounts the sign-in reached
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Column("returned_at", UtcDateTime, nullable=True),
    sa.Column("finished_at", UtcDateTime, nullable=True),
)

# what Paseban knows about an account's connection besides the token itself
account_health = sa.Table(
    "account_health",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("provider", sa.String(20), nullable=True),  # the sign-in that connected it
    sa.Column("scopes", sa.JSON, nullable=False, default=list),
    sa.Column("missing", sa.JSON, nullable=False, default=list),
    sa.Column("problem", sa.String(300), nullable=True),  # token refused, renewal failed...
    sa.Column("problem_at", UtcDateTime, nullable=True),
    sa.Column("checked_at", UtcDateTime, nullable=True),
    sa.Column("connected_at", UtcDateTime, nullable=True),
    sa.Column("connected_by", sa.String(100), nullable=True),
    sa.Column("subscribed", sa.JSON, nullable=True),  # webhook fields subscribed
    # disconnected from the dashboard (migration 0018): tokens forgotten, history kept
    sa.Column("disconnected_at", UtcDateTime, nullable=True),
    sa.Column("disconnected_by", sa.String(100), nullable=True),
)

# one notification to one person about one case (or a digest); WhatsApp or e-mail
officer_notifications = sa.Table(
    "officer_notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),  # new_case, escalation, digest
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=True, index=True),
    sa.Column("channel", sa.String(10), nullable=False),  # whatsapp, email
    sa.Column("template", sa.String(60), nullable=True),
    sa.Column("params", sa.JSON, nullable=False, default=list),
    # waiting (quiet hours), queued, accepted, held, sent, delivered, read, failed
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("wa_message_id", sa.String(200), nullable=True, unique=True),
    sa.Column("error", sa.String(300), nullable=True),
    sa.Column("comment_at", UtcDateTime, nullable=True),  # the citizen's comment behind it
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False, index=True),  # after quiet hours
    sa.Column("accepted_at", UtcDateTime, nullable=True),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Column("delivered_at", UtcDateTime, nullable=True),
    sa.Column("read_at", UtcDateTime, nullable=True),
    sa.Column("latency_seconds", sa.Float, nullable=True),  # comment -> officer notified
    # migration 0018: tries that met a throughput limit or a network failure, and what was done
    # when WhatsApp failed for good ("email": the same notice by e-mail; "no_email": no address)
    sa.Column("attempts", sa.Integer, nullable=False, default=0, server_default=sa.text("0")),
    sa.Column("fallback", sa.String(20), nullable=True),
    sa.Column("fallback_at", UtcDateTime, nullable=True),
)

# the status Meta gives each message template (APPROVED, PENDING, REJECTED, PAUSED, DISABLED...),
# kept from the `message_template_status_update` webhook (migration 0018); a template without a
# row has not been reported and is tried
whatsapp_templates = sa.Table(
    "whatsapp_templates",
    metadata,
    sa.Column("name", sa.String(60), primary_key=True),
    sa.Column("language", sa.String(10), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(300), nullable=True),  # Meta's reason for a rejection, a pause
    sa.Column("template_id", sa.String(40), nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
