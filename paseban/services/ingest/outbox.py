"""The outbox: replies and posts waiting to go out, sent with retries, back-off and rate limits,
and never twice. A built-in plugin: the sender registers as the `send_outbox` job.

How "never twice" holds:
- one row per dedupe key (UNIQUE): asking twice for the same reply adds nothing;
- a row is claimed with a conditional UPDATE (status, attempts and next_attempt_at must still be
  what we read) before the request goes out, so two workers never send the same row;
- a post with pictures or video goes out in steps (connectors/media_post.py): the state after
  each step (container ids, upload sessions, offsets) is kept in `progress` before the next
  step runs, so a retry resumes where it stopped and never creates a container twice; a step
  that waits for the platform (a container being processed) puts the row back, due later,
  without using up a try;
- the claim leaves `last_error = IN_FLIGHT`; a row still in flight when its lease runs out was
  cut off mid-send (a crash, a kill). Such a row, and a send that timed out after the request
  was written (`SendError.ambiguous`), is not sent again blindly: it is marked failed with an
  explanation, and an operator checks the platform and retries it by hand (`retry`).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.connectors.base import (
    AccountRef,
    Credentials,
    Outgoing,
    Publisher,
    SendError,
    backoff,
)
from paseban.connectors.connector import DEFAULT_TEXT_LIMIT
from paseban.connectors.media_post import MediaPost, MediaPublisher, StepError
from paseban.errors import Conflict, InvalidInput, NotFound, PasebanError
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.cases import replies
from paseban.services.ingest import budgets
from paseban.services.ingest.polling import http_client
from paseban.services.people import credentials as creds
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.ingest import OutboxListRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.outbox")

IN_FLIGHT = "sedang dikirim"
LEASE = timedelta(minutes=5)  # a claimed row not finished by then was cut off mid-send
MAX_STEPS = 40  # steps of one post with media in one claim (a 10-item carousel takes 14)
UNCERTAIN = (
    "hasil pengiriman tidak pasti ({why}); periksa di platform apakah balasan sudah tampil, "
    "lalu kirim ulang bila belum"
)


def publisher_for(ctx: Context, platform: str) -> Publisher:
    """The platform connector's sender (its rate limit with it)."""
    publisher = ctx.connectors.publisher(platform)
    if publisher is None:
        raise InvalidInput(f"platform {platform} tidak bisa dikirimi balasan")
    return publisher


def _check_text(ctx: Context, platform: str, text: str, target_kind: str | None = None) -> str:
    """The text, stripped; InvalidInput when it is empty or longer than the platform takes for
    this kind of reply or post, measured in the platform's own unit."""
    text = text.strip()
    if not text:
        raise InvalidInput("teks balasan kosong")
    connector = ctx.connectors.for_platform(platform)
    rule = connector.text_rule(platform, target_kind) if connector else None
    problem = rule.problem(text) if rule else None
    if rule is None and len(text) > DEFAULT_TEXT_LIMIT:
        problem = f"{platform}: {len(text)} / {DEFAULT_TEXT_LIMIT} karakter"
    if problem:
        raise InvalidInput(f"teks terlalu panjang untuk {problem}")
    return text


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def enqueue_reply(
    ctx: Context, message_id: int, text: str, *, dedupe_key: str | None = None
) -> int:
    """Queue a reply to a stored message on its own platform; returns the outbox id. The same
    reply asked for twice (same dedupe key; by default the same message and text) is one row."""
    with ctx.engine.begin() as conn:
        message = conn.execute(
            sa.select(
                t.messages.c.platform,
                t.messages.c.account_id,
                t.messages.c.kind,
                t.messages.c.author_id,
            ).where(t.messages.c.id == message_id)
        ).first()
        if message is None:
            raise NotFound(f"pesan {message_id} tidak ada")
        text = _check_text(ctx, message.platform, text, message.kind)
        problem = replies.reply_problem(conn, ctx, message, text, human=True)
        if problem:
            raise InvalidInput(problem)
        key = dedupe_key or f"reply:{message_id}:{_key(text)}"
        outbox_id = _insert(
            conn,
            ctx,
            platform=message.platform,
            account_id=message.account_id,
            message_id=message_id,
            kind="reply",
            text=text,
            key=key,
        )
    ctx.jobs.enqueue("send_outbox", ids=[outbox_id])
    return outbox_id


def enqueue_post(ctx: Context, account_id: int, text: str, *, dedupe_key: str) -> int:
    """Queue a post on an account (content planning publishes through this)."""
    with ctx.engine.begin() as conn:
        platform = conn.execute(
            sa.select(t.accounts.c.platform).where(t.accounts.c.id == account_id)
        ).scalar()
        if platform is None:
            raise NotFound(f"akun {account_id} tidak ada")
        text = _check_text(ctx, platform, text)
        outbox_id = _insert(
            conn,
            ctx,
            platform=platform,
            account_id=account_id,
            message_id=None,
            kind="post",
            text=text,
            key=dedupe_key,
        )
    ctx.jobs.enqueue("send_outbox", ids=[outbox_id])
    return outbox_id


def _insert(
    conn: sa.Connection,
    ctx: Context,
    *,
    platform: str,
    account_id: int,
    message_id: int | None,
    kind: str,
    text: str,
    key: str,
) -> int:
    now = ctx.now()
    created = conn.execute(
        insert(conn, t.outbox)
        .values(
            platform=platform,
            account_id=account_id,
            in_reply_to_message_id=message_id,
            kind=kind,
            text=text,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            dedupe_key=key[:200],
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(t.outbox.c.id)
    ).scalar()
    if created is not None:
        return int(created)
    return int(
        conn.execute(
            sa.select(t.outbox.c.id).where(t.outbox.c.dedupe_key == key[:200])
        ).scalar_one()
    )


def cancel(ctx: Context, outbox_id: int) -> None:
    with ctx.engine.begin() as conn:
        done = conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == outbox_id, t.outbox.c.status.in_(("pending", "failed")))
            .values(status="cancelled", next_attempt_at=None)
        ).rowcount
    if not done:
        raise Conflict(f"kiriman {outbox_id} tidak bisa dibatalkan (sudah terkirim atau tidak ada)")


def retry(ctx: Context, outbox_id: int) -> None:
    """An operator's decision to try a failed row again (after checking the platform)."""
    with ctx.engine.begin() as conn:
        done = conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == outbox_id, t.outbox.c.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=ctx.now(), last_error=None)
        ).rowcount
    if not done:
        raise Conflict(f"kiriman {outbox_id} tidak dalam status gagal")
    ctx.jobs.enqueue("send_outbox", ids=[outbox_id])


# --- the sender ----------------------------------------------------------------------------------


def send_due(
    ctx: Context,
    ids: list[int] | None = None,
    *,
    client: httpx.Client | None = None,
    limit: int = 50,
) -> dict[str, int]:
    """Send what is due (or the given ids, when due). Each row: claim, send, record."""
    now = ctx.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "uncertain": 0, "postponed": 0}
    query = (
        sa.select(t.outbox.c.id)
        .where(t.outbox.c.status == "pending", t.outbox.c.next_attempt_at <= now)
        .order_by(t.outbox.c.next_attempt_at, t.outbox.c.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(t.outbox.c.id.in_(ids))
    with ctx.engine.connect() as conn:
        due = list(conn.execute(query).scalars())
    if not due:
        return counts
    owned = client is None
    if client is None:
        client = http_client()
    try:
        for outbox_id in due:
            counts[_send_one(ctx, outbox_id, client)] += 1
    finally:
        if owned:
            client.close()
    return counts


def _send_one(ctx: Context, outbox_id: int, client: httpx.Client) -> str:
    now = ctx.now()
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(t.outbox).where(t.outbox.c.id == outbox_id)).first()
    if row is None or row.status != "pending" or row.next_attempt_at > now:
        return "postponed"
    if row.last_error == IN_FLIGHT:  # the previous try was cut off: outcome unknown
        _finish(ctx, row, "failed", error=UNCERTAIN.format(why="proses terhenti saat mengirim"))
        log.warning("outbox send cut off", extra={"outbox_id": outbox_id})
        return "uncertain"
    with ctx.engine.connect() as conn:
        item, credentials, own_token = _prepare(ctx, conn, row)
    if isinstance(item, str):  # cannot be sent at all
        _finish(ctx, row, "failed", error=item)
        return "failed"
    media = _media(ctx, row, item)
    if isinstance(media, str):
        _finish(ctx, row, "failed", error=media)
        return "failed"
    spent = budgets.budgets_for(ctx, row.platform, row.account_id, "send", own_token=own_token)
    wait = budgets.admit(ctx, spent, "send")
    if wait is not None:  # the platform's limit for this account (or the app) is reached
        _release(ctx, row, at=wait, error="menunggu batas kiriman platform", count=False)
        return "postponed"
    if not _claim(ctx, row, now):
        return "postponed"  # another worker took it
    if media is not None:
        return _send_steps(ctx, row, client, media, credentials, spent)
    publisher = publisher_for(ctx, row.platform)
    try:
        with budgets.metered(ctx, client, row.platform, spent, "send"):
            external_id = publisher.send(client, item, credentials)
    except SendError as exc:
        return _failed_send(ctx, row, exc)
    _finish(ctx, row, "sent", external_id=external_id)
    log.info("outbox sent", extra={"outbox_id": row.id, "platform": row.platform})
    return "sent"


def _media(ctx: Context, row: Any, item: Outgoing) -> tuple[MediaPublisher, MediaPost] | str | None:
    """The stepwise publisher and the media of a post with pictures or video; None for a text
    post or a reply; a string says why it cannot be sent (no public base URL, ...)."""
    if row.kind != "post":
        return None
    try:
        post = ctx.pm.hook.outbox_media(
            ctx=ctx, outbox_id=row.id, account=item.account, text=row.text
        )
    except PasebanError as exc:
        return str(exc)
    if post is None:
        return None
    publisher = ctx.connectors.media_publisher(row.platform)
    if publisher is None:
        return f"platform {row.platform} tidak bisa menerbitkan foto atau video lewat API"
    return publisher, post


def _send_steps(
    ctx: Context,
    row: Any,
    client: httpx.Client,
    media: tuple[MediaPublisher, MediaPost],
    credentials: Credentials,
    spent: list[budgets.Budget],
) -> str:
    """Publish a post with media step by step from its kept progress: every step's state is
    stored before the next runs; a wait for the platform puts the row back, due later."""
    publisher, post = media
    state: dict[str, Any] = dict(row.progress or {})
    try:
        with budgets.metered(ctx, client, row.platform, spent, "send"):
            for _ in range(MAX_STEPS):
                step = publisher.step(client, post, state, credentials)
                state = step.state
                if step.done is not None:
                    done = step.done
                    kept = {**state, "note": done.note} if done.note else state
                    if done.in_inbox:
                        kept = {**kept, "in_inbox": True}
                    _finish(
                        ctx,
                        row,
                        "sent",
                        external_id=done.external_id,
                        permalink=done.permalink,
                        progress=kept,
                    )
                    log.info(
                        "outbox published", extra={"outbox_id": row.id, "platform": row.platform}
                    )
                    return "sent"
                _keep(ctx, row, state)
                if step.wait > 0:
                    at = ctx.now() + timedelta(seconds=step.wait)
                    _release(ctx, row, at=at, error=step.note or "menunggu platform", count=False)
                    return "postponed"
    except StepError as exc:
        _keep(ctx, row, exc.state)
        return _failed_send(ctx, row, exc)
    except SendError as exc:
        return _failed_send(ctx, row, exc)
    _release(ctx, row, at=ctx.now(), error="dilanjutkan pada putaran berikutnya", count=False)
    return "postponed"


def _keep(ctx: Context, row: Any, state: dict[str, Any]) -> None:
    """Store the state after a step, and renew the claim's lease: a long upload in many
    steps is not taken for one that was cut off."""
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == row.id)
            .values(progress=state, next_attempt_at=ctx.now() + LEASE)
        )


def _prepare(ctx: Context, conn: sa.Connection, row: Any) -> tuple[Any, Any, bool]:
    """What to send and with which token (and whether it is the account's own); a string
    instead of the item says why it cannot be sent."""
    account = conn.execute(sa.select(t.accounts).where(t.accounts.c.id == row.account_id)).first()
    if account is None or not account.platform_account_id:
        return "akun belum punya platform_account_id", None, False
    try:
        credentials = creds.for_sending(conn, ctx, row.platform, row.account_id)
    except creds.CredentialsLocked as exc:
        return str(exc), None, False
    if credentials is None:
        return (
            f"akun {row.platform}:{account.handle} belum punya token (paseban accounts token)",
            None,
            False,
        )
    target: Any = None
    last_inbound = None
    if row.in_reply_to_message_id is not None:
        target = conn.execute(
            sa.select(
                t.messages.c.external_id,
                t.messages.c.kind,
                t.messages.c.parent_external_id,
                t.messages.c.author_id,
            ).where(t.messages.c.id == row.in_reply_to_message_id)
        ).first()
        if target is not None:
            last_inbound = replies.last_inbound_at(
                conn, platform=row.platform, account_id=row.account_id, author_id=target.author_id
            )
    item = Outgoing(
        platform=row.platform,
        kind=row.kind,
        text=row.text,
        account=AccountRef(row.platform, account.platform_account_id, account.handle),
        target_external_id=target.external_id if target else None,
        target_kind=target.kind if target else None,
        target_parent_external_id=target.parent_external_id if target else None,
        target_author_id=target.author_id if target else None,
        last_inbound_at=last_inbound,
        human=row.dedupe_key.startswith(replies.HUMAN_REASONS),
        now=ctx.now(),
        reference=str(row.id),
    )
    return item, credentials, budgets.has_own_token(conn, row.account_id)


def _claim(ctx: Context, row: Any, now: datetime) -> bool:
    with ctx.engine.begin() as conn:
        claimed = conn.execute(
            sa.update(t.outbox)
            .where(
                t.outbox.c.id == row.id,
                t.outbox.c.status == "pending",
                t.outbox.c.attempts == row.attempts,
                t.outbox.c.next_attempt_at == row.next_attempt_at,
            )
            .values(attempts=row.attempts + 1, next_attempt_at=now + LEASE, last_error=IN_FLIGHT)
        ).rowcount
    return bool(claimed)


def _failed_send(ctx: Context, row: Any, exc: SendError) -> str:
    attempts = row.attempts + 1
    if exc.ambiguous:
        _finish(ctx, row, "failed", error=UNCERTAIN.format(why=str(exc)))
        log.warning("outbox send uncertain", extra={"outbox_id": row.id, "error": str(exc)})
        return "uncertain"
    if exc.rate_limited:  # the platform's wait does not use up a try
        delay = exc.retry_after if exc.retry_after is not None else backoff(attempts)
        _release(ctx, row, at=ctx.now() + timedelta(seconds=delay), error=str(exc), count=False)
        return "retry"
    if exc.retryable and attempts < ctx.settings.outbox_max_attempts:
        at = ctx.now() + timedelta(seconds=backoff(attempts))
        _release(ctx, row, at=at, error=str(exc), count=True)
        return "retry"
    _finish(ctx, row, "failed", error=str(exc))
    log.warning("outbox send failed", extra={"outbox_id": row.id, "error": str(exc)})
    return "failed"


def _release(ctx: Context, row: Any, *, at: datetime, error: str, count: bool) -> None:
    """Back to pending, due at `at`. `count=False` gives back the try the claim took."""
    attempts = row.attempts + 1 if count else row.attempts
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.outbox)
            .where(t.outbox.c.id == row.id)
            .values(attempts=attempts, next_attempt_at=at, last_error=error[:1000])
        )


def _finish(
    ctx: Context,
    row: Any,
    status: str,
    *,
    error: str | None = None,
    external_id: str | None = None,
    permalink: str | None = None,
    progress: dict[str, Any] | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "next_attempt_at": None, "last_error": error}
    if status == "sent":
        values |= {"sent_at": ctx.now(), "external_id": external_id, "permalink": permalink}
    if progress is not None:
        values["progress"] = progress
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.outbox).where(t.outbox.c.id == row.id).values(**values))


def list_outbox(ctx: Context, *, status: str | None = None, limit: int = 50) -> list[OutboxListRow]:
    query = sa.select(
        t.outbox.c.id,
        t.outbox.c.platform,
        t.outbox.c.kind,
        t.outbox.c.status,
        t.outbox.c.attempts,
        t.outbox.c.next_attempt_at,
        t.outbox.c.last_error,
        t.outbox.c.created_at,
        t.outbox.c.sent_at,
        t.outbox.c.external_id,
        t.outbox.c.permalink,
        t.outbox.c.progress,
    ).order_by(t.outbox.c.id.desc())
    if status:
        query = query.where(t.outbox.c.status == status)
    with ctx.engine.connect() as conn:
        return [typed.row(OutboxListRow, r) for r in conn.execute(query.limit(limit)).mappings()]


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "send_outbox",
            send_due,
            every=timedelta(seconds=30),
            description="kirim balasan dan unggahan yang sudah waktunya",
        )
    ]
