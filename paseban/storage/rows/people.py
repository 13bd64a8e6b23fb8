"""The rows of people: official accounts, users, API tokens and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class AccountRow(TypedDict):
    """`accounts`, one official account; what `collect_account_metrics` receives."""

    id: int
    platform: str
    handle: str
    platform_account_id: str | None
    owner_kind: str
    owner_code: str
    name: str
    active: bool
    is_sample: bool
    created_at: datetime
    city: str  # the kota/kabupaten (migration 0022)


class AccountChoiceRow(TypedDict):
    """An official account as a filter lists it: enough to name it and pick it."""

    id: int
    platform: str
    handle: str
    name: str
    city: str  # the kota/kabupaten (a province's review queue names it)


class UserRow(TypedDict):
    """A person who signs in, as the user lists show them (no password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    scope_code: str | None
    email: str | None
    active: bool
    phone: str | None  # WhatsApp notifications (issue 19), as wa_id digits
    phone_opt_in_at: datetime | None
    phone_opt_in_note: str | None
    notify_channel: str
    city: str | None  # the kota/kabupaten; None: every city (the province role)


class StoredUserRow(UserRow):
    """`users`, one whole row: what an edit compares before and after."""

    password_hash: str | None
    is_sample: bool
    created_at: datetime


class AuditEventRow(TypedDict):
    """`audit_events`, one line of the audit trail: who did what to which thing, and from where."""

    id: int
    at: datetime
    actor: str
    actor_kind: str  # user, token, system, cli
    action: str
    target_kind: str | None
    target_id: str | None
    ip: str | None
    detail: Any  # the action's own JSON (before and after, counts, reasons), or None


class ApiTokenRow(TypedDict):
    """`api_tokens` without the hash: what the token list shows."""

    id: int
    name: str
    prefix: str
    role: str
    scope_code: str | None
    permissions: list[str]
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    city: str | None  # the kota/kabupaten; None: every city (the province role)


class CredentialStatusRow(TypedDict):
    """An account that holds a token, and until when (`paseban accounts tokens`); never the
    token itself."""

    platform: str
    handle: str
    expires_at: datetime | None
    updated_at: datetime
    updated_by: str


class NotificationRow(TypedDict):
    """One notification to an officer as the notifications page lists it: who, about which
    case, its status and times, in the operator's words."""

    id: int
    kind: str  # new_case, escalation, digest
    status: str  # waiting, queued, accepted, held, sent, delivered, read, failed, skipped
    error: str | None
    created_at: datetime
    due_at: datetime
    accepted_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    latency_seconds: float | None  # the citizen's comment -> the officer notified
    fallback: str | None  # email, no_email
    username: str
    full_name: str
    ticket: str | None
    kind_label: str
    latency: str  # latency_seconds in words
    fallback_label: str


class TemplateStatusRow(TypedDict):
    """Meta's review of one of Paseban's WhatsApp templates, as the notifications page says it."""

    status: str  # APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
    label: str
    reason: str  # why, in Bahasa Indonesia; "" when Meta gave none
    usable: bool
    updated_at: datetime
