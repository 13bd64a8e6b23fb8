"""The rows of ingestion: what the analysis stores on a message (the `message_analyzed` hook),
and the outbox as its list shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class AnalysisRow(TypedDict):
    """What the analysis stores on a message; what the `message_analyzed` hook receives."""

    case_id: int | None
    analyzed_at: datetime
    analysis_version: str
    masked_text: str
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


class OutboxListRow(TypedDict):
    """A reply or post in the outbox as `paseban outbox list` shows it (no text)."""

    id: int
    platform: str
    kind: str  # reply, post
    status: str  # pending, sent, failed, cancelled
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    external_id: str | None
    permalink: str | None
    progress: dict[str, Any] | None  # a stepwise media post's containers and sessions
