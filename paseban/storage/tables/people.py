"""Official accounts, users, sign-in sessions, API tokens, the audit trail, account tokens."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import city_column, metadata
from paseban.storage.types import UtcDateTime

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
    city_column(),  # migration 0022
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
    # WhatsApp notifications (issue 19): the number, as wa_id digits, and when its owner agreed
    sa.Column("phone", sa.String(20), nullable=True),
    sa.Column("phone_opt_in_at", UtcDateTime, nullable=True),
    sa.Column("phone_opt_in_note", sa.String(200), nullable=True),
    sa.Column("notify_channel", sa.String(10), nullable=False, server_default="email"),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    city_column(nullable=True),  # migration 0022; NULL: every city (the province role)
)

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

# sign-in attempts per user name ("user:NAME") and per address ("ip:ADDR") in the current window,
# counted with one atomic statement before the password is checked (issue 16)
login_counters = sa.Table(
    "login_counters",
    metadata,
    sa.Column("key", sa.String(160), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("window_start", UtcDateTime, nullable=False),
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
    city_column(nullable=True),  # migration 0022; NULL: every city (the province role)
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

# what each person last filtered a list by (the inbox opens as they left it; migration 0011)
saved_filters = sa.Table(
    "saved_filters",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("page", sa.String(40), primary_key=True),  # kotak-masuk, ...
    sa.Column("query", sa.String(1000), nullable=False),  # the filters' query string
    sa.Column("updated_at", UtcDateTime, nullable=False),
)
