"""Bringing citizen messages in: store once (keyed by platform and external id), then analyse."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.base import Batch, DeliveryStatus, PayloadError, WebhookSource, header
from paseban.connectors.files import read_export
from paseban.connectors.meta import MetaWebhook
from paseban.connectors.whatsapp import WhatsAppWebhook
from paseban.connectors.x import XWebhook, crc_response
from paseban.domain.messages import Message, MessageKind
from paseban.errors import (
    BadFile,
    Forbidden,
    InvalidInput,
    LineError,
    NotFound,
    PasebanError,
)
from paseban.services.accounts import find_account
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.settings import Settings

log = logging.getLogger("paseban.ingest")


@dataclass
class IngestReport:
    source: str
    stored: int = 0
    duplicates: int = 0
    skipped: list[LineError] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.stored} pesan baru", f"{self.duplicates} sudah ada"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} baris dilewati")
        return f"{self.source}: " + ", ".join(parts)


def store_messages(
    conn: sa.Connection,
    items: Iterable[tuple[Message, dict[str, Any], str]],
    *,
    channel: str,
    at: Any,
    sample: bool = False,
    raw_event_id: int | None = None,
) -> tuple[list[int], int]:
    """Store (message, account row, raw body) items; return new message ids and the number of
    duplicates. The unique key (platform, external_id) makes a second delivery a no-op.
    With `raw_event_id` (a webhook delivery or a poll page already kept whole) the messages point
    at that raw event and no raw event is written per message."""
    new_ids: list[int] = []
    duplicates = 0
    for message, account, raw in items:
        exists = conn.execute(
            sa.select(t.messages.c.id).where(
                t.messages.c.platform == message.platform,
                t.messages.c.external_id == message.external_id,
            )
        ).first()
        if exists:
            duplicates += 1
            continue
        raw_id = raw_event_id
        if raw_id is None:
            raw_id = conn.execute(
                sa.insert(t.raw_events)
                .values(channel=channel, received_at=at, body=raw, status="stored")
                .returning(t.raw_events.c.id)
            ).scalar_one()
        stmt = (
            insert(conn, t.messages)
            .values(
                platform=message.platform,
                external_id=message.external_id,
                account_id=account["id"],
                raw_event_id=raw_id,
                kind=message.kind.value,
                author=message.author,
                author_id=message.author_id,
                parent_external_id=message.parent_external_id,
                text=message.text,
                posted_at=message.posted_at,
                received_at=at,
                lat=message.lat,
                lon=message.lon,
                needs_review=False,
                is_sample=sample,
            )
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(t.messages.c.id)
        )
        new_id = conn.execute(stmt).scalar()
        if new_id is None:  # a concurrent delivery won the race
            duplicates += 1
            if raw_event_id is None:
                conn.execute(
                    sa.update(t.raw_events)
                    .where(t.raw_events.c.id == raw_id)
                    .values(status="duplicate")
                )
            continue
        new_ids.append(int(new_id))
    return new_ids, duplicates


def ingest_file(
    ctx: Context,
    path: Path | str,
    *,
    skip_bad: bool = False,
    sample: bool = False,
    platform: str | None = None,
    account: str | None = None,
) -> IngestReport:
    """Import a JSONL or CSV file of messages (a platform export). A bad line stops the import
    with nothing stored, unless skip_bad: then the good lines are stored and the bad ones
    reported. `platform` and `account` fill in what a one-account export leaves out."""
    source = "stdin" if str(path) == "-" else str(path)
    report = IngestReport(source)
    good: list[tuple[Message, dict[str, Any], str]] = []
    errors: list[LineError] = []
    with ctx.engine.connect() as conn:
        accounts: dict[tuple[str, str], dict[str, Any] | None] = {}
        seen: dict[tuple[str, str], int] = {}
        for number, raw, item in read_export(
            path, source=source, platform=platform, account=account
        ):
            if isinstance(item, LineError):
                errors.append(item)
                continue
            key = (item.platform, item.account)
            if key not in accounts:
                accounts[key] = find_account(conn, item.platform, item.account)
            account = accounts[key]
            if account is None:
                errors.append(
                    LineError(
                        source, number, f"akun {item.account!r} di {item.platform} tidak terdaftar"
                    )
                )
                continue
            ident = (item.platform, item.external_id)
            if ident in seen:
                report.duplicates += 1  # the same message twice in one file
                continue
            seen[ident] = number
            good.append((item, account, raw))
    if errors and not skip_bad:
        raise BadFile(errors)
    report.skipped = errors
    with ctx.engine.begin() as conn:
        ids, duplicates = store_messages(conn, good, channel="file", at=ctx.now(), sample=sample)
    report.stored = len(ids)
    report.duplicates += duplicates
    report.message_ids = ids
    log.info(
        "ingest",
        extra={
            "source_kind": "file",
            "stored": len(ids),
            "duplicates": report.duplicates,
            "skipped": len(errors),
        },
    )
    if ids:
        ctx.jobs.enqueue("analyze_messages", ids=ids)
    return report


# --- webhooks and polls: one delivery, kept whole, then its messages ------------------------------


class SignatureRejected(Forbidden):
    """A webhook delivery without a valid signature: rejected, nothing stored."""

    def __init__(self, channel: str, *, missing: bool) -> None:
        self.missing = missing
        reason = "tanda tangan tidak ada" if missing else "tanda tangan tidak cocok"
        super().__init__(f"webhook {channel}: {reason}")


class NotConfigured(PasebanError):
    """A connector whose secret is not set in the environment."""


SIGNATURE_HEADERS = {
    "meta": "x-hub-signature-256",
    "whatsapp": "x-hub-signature-256",
    "x": "x-twitter-webhooks-signature",
}


def webhook_source(settings: Settings, channel: str) -> WebhookSource:
    """The connector behind /webhooks/{channel}, with its secret from settings."""
    if channel == "meta":
        if not settings.meta_app_secret:
            raise NotConfigured("PASEBAN_META_APP_SECRET belum diisi")
        return MetaWebhook(settings.meta_app_secret)
    if channel == "whatsapp":
        secret = settings.whatsapp_app_secret or settings.meta_app_secret
        if not secret:
            raise NotConfigured("PASEBAN_WHATSAPP_APP_SECRET belum diisi")
        return WhatsAppWebhook(secret)
    if channel == "x":
        if not settings.x_consumer_secret:
            raise NotConfigured("PASEBAN_X_CONSUMER_SECRET belum diisi")
        return XWebhook(settings.x_consumer_secret)
    raise NotFound(f"webhook {channel!r} tidak dikenal")


def confirm_subscription(
    settings: Settings, channel: str, *, mode: str | None, token: str | None, challenge: str | None
) -> str:
    """Meta's subscribe handshake: echo hub.challenge when hub.verify_token is ours."""
    expected = settings.meta_verify_token
    if channel == "whatsapp":
        expected = settings.whatsapp_verify_token or settings.meta_verify_token
    if not expected:
        raise NotConfigured(f"token verifikasi webhook {channel} belum diisi")
    if mode != "subscribe" or not challenge or len(challenge) > 200:
        raise InvalidInput("hub.mode harus subscribe dan hub.challenge wajib ada")
    if not hmac.compare_digest((token or "").encode(), expected.encode()):
        log.warning("webhook handshake refused", extra={"channel": channel})
        raise Forbidden("hub.verify_token tidak cocok")
    return challenge


def crc_check(settings: Settings, crc_token: str | None) -> dict[str, str]:
    """X's challenge-response check for the Account Activity webhook."""
    if not settings.x_consumer_secret:
        raise NotConfigured("PASEBAN_X_CONSUMER_SECRET belum diisi")
    if not crc_token or len(crc_token) > 500:
        raise InvalidInput("crc_token wajib ada")
    return crc_response(settings.x_consumer_secret, crc_token)


@dataclass
class DeliveryReport:
    raw_event_id: int
    status: str
    stored: int = 0
    duplicates: int = 0
    own: int = 0
    ignored: int = 0
    unknown_accounts: int = 0
    waiting: int = 0  # items that need one more API call (Instagram mentions)
    message_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "own": self.own,
            "ignored": self.ignored,
            "unknown_accounts": self.unknown_accounts,
            "waiting": self.waiting,
        }


def receive_webhook(
    ctx: Context, channel: str, headers: Mapping[str, str], body: bytes
) -> DeliveryReport:
    """Check the signature over the raw bytes, keep the delivery whole and store its messages in
    one transaction, then ask for analysis. When this returns, the delivery is durable: the
    platform may be told 200. A bad or missing signature stores nothing."""
    source = webhook_source(ctx.settings, channel)
    if not source.verify(headers, body):
        missing = not header(headers, SIGNATURE_HEADERS[channel])
        log.warning(
            "webhook signature rejected",
            extra={"channel": channel, "missing": missing, "bytes": len(body)},
        )
        raise SignatureRejected(channel, missing=missing)
    now = ctx.now()
    try:
        text = body.decode("utf-8")
        batch = source.parse(body, received_at=now)
    except (UnicodeDecodeError, PayloadError) as exc:
        reason = str(exc) if isinstance(exc, PayloadError) else "bukan teks UTF-8"
        raise InvalidInput(f"webhook {channel}: {reason}") from None
    with ctx.engine.begin() as conn:
        raw_id = conn.execute(
            sa.insert(t.raw_events)
            .values(channel=f"webhook:{channel}", received_at=now, body=text, status="stored")
            .returning(t.raw_events.c.id)
        ).scalar_one()
        report = store_batch(conn, batch, raw_event_id=raw_id, channel=f"webhook:{channel}", at=now)
    after_commit(ctx, report)
    log.info("webhook", extra={"channel": channel, "raw_event_id": raw_id, **report.counts()})
    return report


def after_commit(ctx: Context, report: DeliveryReport) -> None:
    """Work that follows a stored delivery; losing it is harmless (`analyze_pending` and
    `resolve_raw_events` pick up whatever was not done)."""
    if report.message_ids:
        ctx.jobs.enqueue("analyze_messages", ids=report.message_ids)
    if report.waiting:
        ctx.jobs.enqueue("resolve_raw_events", ids=[report.raw_event_id])


def store_batch(
    conn: sa.Connection, batch: Batch, *, raw_event_id: int, channel: str, at: datetime
) -> DeliveryReport:
    """Store a parsed delivery or poll page that is kept as raw event `raw_event_id`: citizen
    messages once per (platform, external id), our own items as sent outbox rows, WhatsApp
    delivery failures on the outbox. Sets the raw event's status. The caller commits."""
    accounts = _AccountCache(conn)
    ours = _sent_by_us(conn, batch.messages)
    items: list[tuple[Message, dict[str, Any], str]] = []
    report = DeliveryReport(raw_event_id, "processed", ignored=batch.ignored)
    own = list(batch.own)
    for message in batch.messages:
        if (message.platform, message.external_id) in ours:
            own.append(message)
            continue
        account = accounts.get(message.platform, message.account)
        if account is None:
            report.unknown_accounts += 1
            continue
        items.append((message, account, ""))
    # messages that reach a sample account (the demo stream) are sample data too
    for sample in (False, True):
        group = [item for item in items if bool(item[1].get("is_sample")) is sample]
        if not group:
            continue
        ids, duplicates = store_messages(
            conn, group, channel=channel, at=at, raw_event_id=raw_event_id, sample=sample
        )
        report.message_ids += ids
        report.duplicates += duplicates
    report.stored = len(report.message_ids)
    for message in own:
        account = accounts.get(message.platform, message.account)
        if account is None:
            report.unknown_accounts += 1
            continue
        _record_own(conn, message, account)
        report.own += 1
    _apply_statuses(conn, batch.statuses)
    pending = [h for h in batch.hydrate if accounts.get(h.platform, h.account) is not None]
    report.unknown_accounts += len(batch.hydrate) - len(pending)
    report.waiting = len(pending)
    if report.waiting:
        report.status = "waiting"
    elif report.unknown_accounts:
        report.status = "unknown_account"
    elif not report.stored and report.duplicates:
        report.status = "duplicate"
    elif not report.stored and not report.own and not batch.statuses:
        report.status = "ignored"
    conn.execute(
        sa.update(t.raw_events)
        .where(t.raw_events.c.id == raw_event_id)
        .values(status=report.status, error=None)
    )
    if report.unknown_accounts:
        log.warning(
            "delivery for unregistered accounts kept",
            extra={"raw_event_id": raw_event_id, "unknown": report.unknown_accounts},
        )
    return report


class _AccountCache:
    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.rows: dict[tuple[str, str], dict[str, Any] | None] = {}

    def get(self, platform: str, ref: str) -> dict[str, Any] | None:
        key = (platform, ref)
        if key not in self.rows:
            row = (
                self.conn.execute(
                    sa.select(t.accounts).where(
                        t.accounts.c.platform == platform,
                        t.accounts.c.platform_account_id == ref,
                    )
                )
                .mappings()
                .first()
            )
            self.rows[key] = dict(row) if row else find_account(self.conn, platform, ref)
        return self.rows[key]


def _sent_by_us(conn: sa.Connection, messages: list[Message]) -> set[tuple[str, str]]:
    """Items whose id is one we got back when we sent them (our admins' replies)."""
    if not messages:
        return set()
    rows = conn.execute(
        sa.select(t.outbox.c.platform, t.outbox.c.external_id).where(
            t.outbox.c.external_id.in_(sorted({m.external_id for m in messages}))
        )
    ).all()
    return {(r.platform, r.external_id) for r in rows}


def _record_own(conn: sa.Connection, message: Message, account: dict[str, Any]) -> None:
    """A reply or comment the account wrote on the platform itself is ours: keep it as a sent
    outbox row (so first-response times count it) unless we sent it through the outbox."""
    if conn.execute(
        sa.select(t.outbox.c.id).where(
            t.outbox.c.platform == message.platform,
            t.outbox.c.external_id == message.external_id,
        )
    ).first():
        return
    parent_id = None
    if message.parent_external_id:
        parent_id = conn.execute(
            sa.select(t.messages.c.id).where(
                t.messages.c.platform == message.platform,
                t.messages.c.external_id == message.parent_external_id,
            )
        ).scalar()
    if parent_id is None and message.kind == MessageKind.DIRECT and message.author_id:
        # a direct message answers the citizen's latest message in that conversation
        parent_id = conn.execute(
            sa.select(t.messages.c.id)
            .where(
                t.messages.c.platform == message.platform,
                t.messages.c.account_id == account["id"],
                t.messages.c.kind == MessageKind.DIRECT.value,
                t.messages.c.posted_at <= message.posted_at,
            )
            .order_by(t.messages.c.posted_at.desc())
            .limit(1)
        ).scalar()
    conn.execute(
        insert(conn, t.outbox)
        .values(
            platform=message.platform,
            account_id=account["id"],
            in_reply_to_message_id=parent_id,
            kind="reply" if message.parent_external_id or parent_id else "post",
            text=message.text,
            status="sent",
            attempts=0,
            next_attempt_at=None,
            last_error=None,
            dedupe_key=f"seen:{message.platform}:{message.external_id}"[:200],
            created_at=message.posted_at,
            sent_at=message.posted_at,
            external_id=message.external_id,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def _apply_statuses(conn: sa.Connection, statuses: list[DeliveryStatus]) -> None:
    """A WhatsApp message we sent that the platform could not deliver is a failed reply."""
    for status in statuses:
        if status.status != "failed":
            continue
        conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.platform == "whatsapp", t.outbox.c.external_id == status.external_id)
            .values(status="failed", last_error=f"whatsapp: tidak terkirim ({status.error or '-'})")
        )
