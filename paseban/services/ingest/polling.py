"""Pulling from platforms that push nothing (X mentions, YouTube comment threads, TikTok
comments), and finishing deliveries that needed one more step (Instagram mentions, deliveries for
accounts registered later). A built-in plugin: its jobs register through `register_jobs`.

A poll stores each page and saves the page's cursor in the same transaction, so a crash
re-reads at most one page (stored once: the unique key on (platform, external id)).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban import __version__
from paseban.connectors.base import AccountRef, Batch, Page, PayloadError, SendError
from paseban.errors import NotFound, PasebanError
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.ingest import budgets
from paseban.services.ingest.deliveries import DeliveryReport, insert_raw, store_batch, write_lock
from paseban.services.ingest.webhooks import after_commit, webhook_source
from paseban.services.people import credentials as creds
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.polling")

MAX_PAGES = 10  # per account and poll; a longer backlog continues at the next poll
RESOLVE_WINDOW = timedelta(days=7)
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


def http_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": f"paseban/{__version__}"})


@dataclass
class PollReport:
    account: str
    pages: int = 0
    stored: int = 0
    duplicates: int = 0
    own: int = 0
    skipped: str | None = None  # why nothing was fetched
    error: str | None = None
    message_ids: list[int] = field(default_factory=list)


def poll_account(
    ctx: Context, account_id: int, *, client: httpx.Client, max_pages: int = MAX_PAGES
) -> PollReport:
    """Fetch new items for one account, page by page, each page committed with its cursor."""
    with ctx.engine.connect() as conn:
        account = conn.execute(sa.select(t.accounts).where(t.accounts.c.id == account_id)).first()
        if account is None:
            raise NotFound(f"akun {account_id} tidak ada")
        state = conn.execute(
            sa.select(t.connector_cursors).where(t.connector_cursors.c.account_id == account_id)
        ).first()
        try:
            credentials = creds.for_reading(conn, ctx, account.platform, account_id)
            locked = None
        except creds.CredentialsLocked as exc:
            credentials, locked = None, str(exc)
        own_token = budgets.has_own_token(conn, account_id)
    report = PollReport(f"{account.platform}:{account.handle}")
    if locked:
        report.skipped = locked
        return report
    poller = ctx.connectors.poller(account.platform)
    if poller is None:
        report.skipped = "platform ini tidak ditarik (datang lewat webhook atau berkas)"
        return report
    if not account.platform_account_id:
        report.skipped = "platform_account_id akun belum diisi"
        return report
    if credentials is None:
        report.skipped = "belum ada token untuk membaca"
        return report
    now = ctx.now()
    if state is not None and state.retry_after is not None and state.retry_after > now:
        report.skipped = f"dibatasi platform sampai {state.retry_after:%H:%M} UTC"
        return report
    cursor: dict[str, Any] = dict(state.cursor) if state is not None else {}
    ref = AccountRef(account.platform, account.platform_account_id, account.handle)
    spent = budgets.budgets_for(ctx, account.platform, account_id, "poll", own_token=own_token)
    for _ in range(max_pages):
        wait = budgets.admit(ctx, spent, "poll")
        if wait is not None:  # the platform's limit for this account (or all) is reached
            report.skipped = f"menunggu batas permintaan platform sampai {wait:%H:%M} UTC"
            break
        try:
            with budgets.metered(ctx, client, account.platform, spent, "poll"):
                page = poller.fetch(client, ref, cursor, credentials)
        except SendError as exc:
            report.error = str(exc)
            _save_failure(ctx, account_id, exc)
            log.warning(
                "poll failed",
                extra={
                    "account": report.account,
                    "error": str(exc),
                    "rate_limited": exc.rate_limited,
                },
            )
            break
        delivery = _store_page(ctx, account_id, account.platform, page)
        after_commit(ctx, delivery)
        report.pages += 1
        report.stored += delivery.stored
        report.duplicates += delivery.duplicates
        report.own += delivery.own
        report.message_ids += delivery.message_ids
        cursor = page.cursor
        if not page.more:
            break
    log.info(
        "poll",
        extra={
            "account": report.account,
            "pages": report.pages,
            "stored": report.stored,
            "duplicates": report.duplicates,
        },
    )
    return report


def _store_page(ctx: Context, account_id: int, platform: str, page: Page) -> DeliveryReport:
    now = ctx.now()
    with write_lock(ctx.engine), ctx.engine.begin() as conn:
        raw_id = insert_raw(conn, channel=f"poll:{platform}", at=now, body=page.raw)
        delivery = store_batch(
            conn, page.batch, raw_event_id=raw_id, channel=f"poll:{platform}", at=now
        )
        values = {
            "cursor": page.cursor,
            "updated_at": now,
            "last_polled_at": now,
            "retry_after": None,
            "last_error": None,
        }
        conn.execute(
            insert(conn, t.connector_cursors)
            .values(account_id=account_id, **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )
    return delivery


def _save_failure(ctx: Context, account_id: int, exc: SendError) -> None:
    now = ctx.now()
    retry_after = None
    if exc.rate_limited:
        retry_after = now + timedelta(seconds=exc.retry_after or ctx.settings.poll_seconds)
    values = {"last_polled_at": now, "last_error": str(exc)[:1000], "retry_after": retry_after}
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(conn, t.connector_cursors)
            .values(account_id=account_id, cursor={}, updated_at=now, **values)
            .on_conflict_do_update(index_elements=["account_id"], set_=values)
        )


def due_accounts(ctx: Context) -> list[int]:
    """Active accounts on a polled platform whose poll interval has passed: at least
    PASEBAN_POLL_SECONDS, longer where the platform's limits ask for it (ingest/budgets.py)."""
    return budgets.due_accounts(ctx)


def poll_due(ctx: Context, *, client: httpx.Client | None = None) -> dict[str, int]:
    counts = {"accounts": 0, "pages": 0, "stored": 0, "errors": 0, "skipped": 0}
    owned = client is None
    client = client or http_client()
    try:
        for account_id in due_accounts(ctx):
            report = poll_account(ctx, account_id, client=client)
            counts["accounts"] += 1
            counts["pages"] += report.pages
            counts["stored"] += report.stored
            counts["errors"] += int(report.error is not None)
            counts["skipped"] += int(report.skipped is not None)
    finally:
        if owned:
            client.close()
    return counts


# --- deliveries that needed one more step --------------------------------------------------------


def resolve_raw_events(
    ctx: Context, ids: list[int] | None = None, *, client: httpx.Client | None = None
) -> dict[str, int]:
    """Finish webhook deliveries kept as `waiting` (Instagram mentions: fetch their text) or
    `unknown_account` (the account was registered after the delivery). Safe to repeat."""
    since = ctx.now() - RESOLVE_WINDOW
    query = sa.select(
        t.raw_events.c.id, t.raw_events.c.channel, t.raw_events.c.body, t.raw_events.c.status
    ).where(
        t.raw_events.c.status.in_(("waiting", "unknown_account")),
        t.raw_events.c.channel.like("webhook:%"),
        t.raw_events.c.received_at >= since,
    )
    if ids is not None:
        query = query.where(t.raw_events.c.id.in_(ids))
    with ctx.engine.connect() as conn:
        rows = conn.execute(query.order_by(t.raw_events.c.id).limit(500)).all()
    counts = {"events": 0, "resolved": 0, "stored": 0, "still_waiting": 0}
    owned = client is None
    client = client or http_client()
    try:
        for row in rows:
            counts["events"] += 1
            try:
                outcome = _resolve(ctx, row, client)
            except PasebanError as exc:  # the connector is not configured any more
                log.warning(
                    "raw event not resolved", extra={"raw_event_id": row.id, "error": str(exc)}
                )
                counts["still_waiting"] += 1
                continue
            counts["stored"] += outcome.stored
            if outcome.status in ("waiting", "unknown_account"):
                counts["still_waiting"] += 1
            else:
                counts["resolved"] += 1
    finally:
        if owned:
            client.close()
    return counts


def _resolve(ctx: Context, row: Any, client: httpx.Client) -> DeliveryReport:
    raw_id, channel, body = row.id, row.channel.split(":", 1)[1], row.body
    try:
        batch = webhook_source(ctx, channel).parse(body.encode(), received_at=ctx.now())
    except PayloadError as exc:  # stored before a parser change; keep it, say why
        with ctx.engine.begin() as conn:
            conn.execute(
                sa.update(t.raw_events)
                .where(t.raw_events.c.id == raw_id)
                .values(status="failed", error=str(exc))
            )
        return DeliveryReport(raw_id, "failed")
    hydrated = Batch(messages=list(batch.messages), own=list(batch.own), ignored=batch.ignored)
    problems: list[str] = []
    with ctx.engine.connect() as conn:
        for item in batch.hydrate:
            account = conn.execute(
                sa.select(t.accounts.c.id).where(
                    t.accounts.c.platform == item.platform,
                    t.accounts.c.platform_account_id == item.account,
                )
            ).scalar()
            try:
                token = (
                    creds.account_token(conn, ctx.settings, account)
                    if account is not None
                    else None
                )
            except creds.CredentialsLocked as exc:
                hydrated.hydrate.append(item)
                problems.append(str(exc))
                continue
            if token is None:
                hydrated.hydrate.append(item)
                problems.append(f"akun {item.platform}:{item.account} belum punya token")
                continue
            connector = ctx.connectors.for_platform(item.platform)
            if connector is None:
                hydrated.hydrate.append(item)
                problems.append(f"platform {item.platform} tanpa konektor")
                continue
            try:
                spent = budgets.budgets_for(
                    ctx, item.platform, account or 0, "read", own_token=True
                )
                with budgets.metered(ctx, client, item.platform, spent, "read"):
                    message = connector.hydrate(client, item, token)
            except SendError as exc:
                hydrated.hydrate.append(item)
                problems.append(str(exc))
                continue
            if message is None:
                hydrated.ignored += 1
            elif message.author_id == item.account:
                hydrated.own.append(message)
            else:
                hydrated.messages.append(message)
    with write_lock(ctx.engine), ctx.engine.begin() as conn:
        report = store_batch(
            conn,
            hydrated,
            raw_event_id=raw_id,
            channel=f"webhook:{channel}",
            at=ctx.now(),
            current_status=row.status,
        )
        if problems:
            conn.execute(
                sa.update(t.raw_events)
                .where(t.raw_events.c.id == raw_id)
                .values(error="; ".join(problems)[:1000])
            )
    if report.message_ids:
        ctx.jobs.enqueue("analyze_messages", ids=report.message_ids)
    return report


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "poll_platforms",
            poll_due,
            every=timedelta(seconds=60),
            description="tarik komentar/mention X, YouTube, TikTok yang sudah waktunya",
        ),
        JobSpec(
            "refresh_tokens",
            creds.refresh_due,
            every=timedelta(minutes=10),
            description="perbarui token X/YouTube/TikTok yang segera kedaluwarsa",
        ),
        JobSpec(
            "resolve_raw_events",
            resolve_raw_events,
            every=timedelta(minutes=5),
            description="lengkapi kiriman webhook yang menunggu (mention Instagram, akun baru)",
        ),
    ]
