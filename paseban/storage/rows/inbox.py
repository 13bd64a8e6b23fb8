"""The rows of the inbox: a citizen message as the inbox shows it, the review corrections the
model trains on, and a stored message as `GET /api/v1/messages` returns it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class InboxMessageRow(TypedDict):
    """A citizen message as the inbox and its pages show it: the message, its analysis, its
    state in the inbox, and the names of its account, case and kelurahan."""

    id: int
    platform: str
    kind: str
    author: str
    text: str
    masked_text: str | None
    posted_at: datetime
    received_at: datetime
    analyzed_at: datetime | None
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    place_source: str | None
    place_detail: dict[str, Any] | None
    confidence: dict[str, float] | None
    reasons: dict[str, str] | None
    needs_review: bool
    case_id: int | None
    inbox_state: str
    handled_at: datetime | None
    handled_by: str | None
    account_id: int
    is_sample: bool
    edited_at: datetime | None  # the citizen edited it on the platform (the old text: history)
    deleted_at: datetime | None  # the citizen removed it; its case goes on
    standby: bool  # another app (Business Suite) owned the conversation
    account_handle: str
    account_name: str
    account_owner: str
    account_city: str
    ticket: str | None
    case_status: str | None
    case_opd: str | None
    case_opd_name: str | None
    case_due_at: datetime | None
    case_report_count: int | None
    kelurahan_name: str | None


class TrainingCorrectionRow(TypedDict):
    """A corrected message with its labels after every correction (the model's training)."""

    id: int
    text: str
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    platform: str


class RecordAccountRow(TypedDict):
    """The official account a stored message arrived on, as the messages API names it."""

    id: int
    handle: str
    platform_account_id: str


class RecordRevisionRow(TypedDict):
    """An edit or removal of a stored message; the texts masked without `pii:read`."""

    kind: str  # edited, deleted
    at: datetime
    received_at: datetime
    old_text: str | None
    new_text: str | None


class RecordAnalysisRow(TypedDict):
    """What the analysis concluded about a stored message."""

    analyzed_at: datetime | None
    version: str | None
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    confidence: dict[str, float] | None
    needs_review: bool


class MessageRecordRow(TypedDict):
    """A stored message as `GET /api/messages` returns it (`inbox.records.list_records`): the
    original text and the author's name only with `pii:read`."""

    id: int
    platform: str
    external_id: str
    account: RecordAccountRow
    kind: str
    author_id: str | None
    author_alt_id: str | None
    author: str | None
    parent_external_id: str | None
    text: str
    text_is_masked: bool
    media: list[dict[str, Any]]
    posted_at: datetime
    received_at: datetime
    standby: bool
    edited_at: datetime | None
    deleted_at: datetime | None
    deleted_by: str | None
    history: list[RecordRevisionRow]
    analysis: RecordAnalysisRow
    case_ticket: str | None
    inbox_state: str


class ReviewItemRow(TypedDict):
    """A message in the review queue (`review.queue`), masked, with how unsure the model is."""

    id: int
    platform: str
    masked_text: str | None
    posted_at: datetime
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    confidence: dict[str, float] | None
    reasons: dict[str, str] | None
    account_id: int
    doubt: float  # 0 sure .. 1 unsure
