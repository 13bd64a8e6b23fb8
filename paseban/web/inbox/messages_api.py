"""`GET /api/v1/messages`: stored citizen messages for integrators and audits (scope
`messages:read`, the caller's area only), with their platform ids, media references, the
history of edits and removals, and the analysis."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from paseban.services.inbox import records
from paseban.web.deps import CtxDep, MessagesReader, client_ip

router = APIRouter(tags=["api"])


class AccountOut(BaseModel):
    id: int
    handle: str
    platform_account_id: str | None


class MediaOut(BaseModel):
    type: str = Field(description="image, video, audio, voice, file, sticker, location, ...")
    id: str | None = Field(None, description="the platform's media id (WhatsApp)")
    url: str | None = Field(None, description="the platform's link; never downloaded")
    mime_type: str | None = None
    caption: str | None = None
    filename: str | None = None
    title: str | None = Field(None, description="a location's name, a shared post's title")


class RevisionOut(BaseModel):
    kind: str = Field(description="edited or deleted")
    at: datetime = Field(description="when the platform says it happened")
    received_at: datetime
    old_text: str | None
    new_text: str | None


class AnalysisOut(BaseModel):
    analyzed_at: datetime | None
    version: str | None
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    confidence: dict[str, Any] | None
    needs_review: bool


class MessageOut(BaseModel):
    id: int
    platform: str
    external_id: str = Field(description="the platform's id of the message")
    account: AccountOut
    kind: str = Field(description="comment, reply, mention, direct, post, report")
    author_id: str | None = Field(description="the platform's id of the author")
    author_alt_id: str | None = Field(
        description="a second id of the author (WhatsApp's business-scoped user id)"
    )
    author: str | None = Field(description="the author's name; only with pii:read")
    parent_external_id: str | None
    text: str = Field(description="the original text with pii:read, else personal data masked")
    text_is_masked: bool
    media: list[MediaOut]
    posted_at: datetime
    received_at: datetime
    standby: bool = Field(description="arrived while another app owned the conversation")
    edited_at: datetime | None
    deleted_at: datetime | None
    deleted_by: str | None = Field(description="citizen: removed on the platform")
    history: list[RevisionOut]
    analysis: AnalysisOut
    case_ticket: str | None
    inbox_state: str


class MessageList(BaseModel):
    limit: int
    offset: int
    has_next: bool
    items: list[MessageOut]


@router.get("/messages", response_model=MessageList)
def list_messages(
    request: Request,
    ctx: CtxDep,
    actor: MessagesReader,
    platform: Annotated[str | None, Query(max_length=20)] = None,
    account: Annotated[
        str | None, Query(max_length=100, description="handle or platform account id")
    ] = None,
    since: Annotated[datetime | None, Query(description="posted at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="posted before (ISO 8601)")] = None,
    intent: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=records.MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> MessageList:
    """Stored messages on the accounts the caller works (session or `Authorization: Bearer`
    token with `messages:read`), newest first. With `pii:read` the original text, the author's
    name and the old texts of edits are included, and the read is in the audit trail."""
    wanted = records.RecordFilter(platform, account, since, until, intent)
    page = records.list_records(
        ctx, actor, wanted, limit=limit, offset=offset, ip=client_ip(request)
    )
    return MessageList(
        limit=page.limit,
        offset=page.offset,
        has_next=page.has_next,
        items=[MessageOut.model_validate(item) for item in page.items],
    )
