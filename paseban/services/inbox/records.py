"""Stored messages as records, for integrators and audits (`GET /api/v1/messages`): platform
ids, author id, kind, media references, the history of edits and removals, and the analysis,
for the accounts the caller works only. The citizen's own words (original text, name, the old
texts of edits) go only to callers allowed to read personal data, and each such read is in the
audit trail; the others get the masked text."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.auth import Actor, Permission
from paseban.errors import Forbidden, InvalidInput
from paseban.nlp.mask import mask
from paseban.services.inbox.messages import account_ids_in_scope
from paseban.services.people import audit
from paseban.storage import tables as t
from paseban.storage.rows.inbox import MessageRecordRow, RecordRevisionRow

if TYPE_CHECKING:
    from paseban.context import Context

MAX_LIMIT = 500


@dataclass(frozen=True)
class RecordFilter:
    platform: str | None = None
    account: str | None = None  # handle or platform account id
    since: datetime | None = None  # posted at or after
    until: datetime | None = None  # posted before
    intent: str | None = None


@dataclass(frozen=True)
class RecordPage:
    items: list[MessageRecordRow]
    limit: int
    offset: int
    has_next: bool


def list_records(
    ctx: Context,
    actor: Actor,
    wanted: RecordFilter,
    *,
    limit: int = 100,
    offset: int = 0,
    ip: str | None = None,
) -> RecordPage:
    if not actor.can(Permission.MESSAGES_READ):
        raise Forbidden("peran Anda tidak mengizinkan membaca pesan warga")
    if wanted.since and wanted.until and wanted.since >= wanted.until:
        raise InvalidInput("since harus sebelum until")
    limit = max(1, min(limit, MAX_LIMIT))
    m, a = t.messages, t.accounts
    with ctx.engine.connect() as conn:
        where = _where(conn, actor, wanted)
        rows = list(
            conn.execute(
                sa.select(
                    m,
                    a.c.handle.label("account_handle"),
                    a.c.platform_account_id.label("account_platform_id"),
                    t.cases.c.ticket,
                )
                .select_from(
                    m.join(a, a.c.id == m.c.account_id).outerjoin(
                        t.cases, t.cases.c.id == m.c.case_id
                    )
                )
                .where(*where)
                .order_by(m.c.posted_at.desc(), m.c.id.desc())
                .limit(limit + 1)
                .offset(offset)
            ).mappings()
        )
        page = rows[:limit]
        history = _history(conn, [int(r["id"]) for r in page])
    personal = actor.can(Permission.PII_READ)
    items = [_record(r, history.get(int(r["id"]), []), personal=personal) for r in page]
    if personal and items:
        audit.record_now(
            ctx,
            actor=actor,
            action="message.api_read",
            target_kind="message",
            target_id=",".join(str(i["id"]) for i in items)[:100],
            ip=ip,
            detail={"count": len(items), "offset": offset},
        )
    return RecordPage(items, limit, offset, len(rows) > limit)


def _where(conn: sa.Connection, actor: Actor, wanted: RecordFilter) -> list[Any]:
    m, a = t.messages, t.accounts
    where: list[Any] = []
    ids = account_ids_in_scope(conn, actor.scope)
    if ids is not None:
        where.append(m.c.account_id.in_(ids))
    if wanted.platform:
        where.append(m.c.platform == wanted.platform)
    if wanted.account:
        account = wanted.account.removeprefix("@")
        where.append(sa.or_(a.c.handle == account, a.c.platform_account_id == account))
    if wanted.since:
        where.append(m.c.posted_at >= wanted.since)
    if wanted.until:
        where.append(m.c.posted_at < wanted.until)
    if wanted.intent:
        where.append(m.c.intent == wanted.intent)
    return where


def _history(conn: sa.Connection, ids: list[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    if not ids:
        return found
    for row in conn.execute(
        sa.select(t.message_revisions)
        .where(t.message_revisions.c.message_id.in_(ids))
        .order_by(t.message_revisions.c.id)
    ).mappings():
        found[int(row["message_id"])].append(row)
    return found


def _record(row: Any, history: list[Any], *, personal: bool) -> MessageRecordRow:
    shown = row["text"] if personal else (row["masked_text"] or mask(row["text"]).text)
    return {
        "id": row["id"],
        "platform": row["platform"],
        "external_id": row["external_id"],
        "account": {
            "id": row["account_id"],
            "handle": row["account_handle"],
            "platform_account_id": row["account_platform_id"],
        },
        "kind": row["kind"],
        "author_id": row["author_id"],
        "author_alt_id": row["author_alt_id"],
        "author": row["author"] if personal else None,
        "parent_external_id": row["parent_external_id"],
        "text": shown,
        "text_is_masked": not personal,
        "media": row["media"] or [],
        "posted_at": row["posted_at"],
        "received_at": row["received_at"],
        "standby": bool(row["standby"]),
        "edited_at": row["edited_at"],
        "deleted_at": row["deleted_at"],
        "deleted_by": row["deleted_by"],
        "history": [_revision(h, personal=personal) for h in history],
        "analysis": {
            "analyzed_at": row["analyzed_at"],
            "version": row["analysis_version"],
            "intent": row["intent"],
            "topic": row["topic"],
            "urgency": row["urgency"],
            "kelurahan": row["kelurahan"],
            "kecamatan": row["kecamatan"],
            "confidence": row["confidence"],
            "needs_review": bool(row["needs_review"]),
        },
        "case_ticket": row["ticket"],
        "inbox_state": row["inbox_state"],
    }


def _revision(row: Any, *, personal: bool) -> RecordRevisionRow:
    def shown(text: str | None) -> str | None:
        if text is None:
            return None
        return text if personal else mask(text).text

    return {
        "kind": row["kind"],
        "at": row["at"],
        "received_at": row["received_at"],
        "old_text": shown(row["old_text"]),
        "new_text": shown(row["new_text"]),
    }
