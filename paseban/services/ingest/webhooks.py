"""Bringing citizen messages in: store once (keyed by platform and external id), then analyse."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.base import Batch, PayloadError, WebhookSource, header
from paseban.connectors.connector import NotConfigured as NotConfigured  # raised to callers
from paseban.connectors.files import read_export
from paseban.domain.messages import Message
from paseban.errors import (
    BadFile,
    Forbidden,
    InvalidInput,
    LineError,
)
from paseban.services.ingest.deliveries import (
    Checkpointer,
    DeliveryReport,
    WriterConnection,
    insert_raw,
    message_row,
    store_batch,
    write_transaction,
)
from paseban.services.people.accounts import find_account
from paseban.storage import tables as t
from paseban.storage.rows import AccountRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

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
    items: Iterable[tuple[Message, AccountRow, str]],
    *,
    channel: str,
    at: Any,
    sample: bool = False,
) -> tuple[list[int], int]:
    """Store (message, account row, raw body) items; return new message ids and the number of
    duplicates. The unique key (platform, external_id) makes a second delivery a no-op.
    Works in chunks: one query finds what is already stored, one multi-row insert stores the raw
    bodies and one the messages (a concurrent delivery that wins the race is still caught by
    ON CONFLICT DO NOTHING, and its raw body is marked as a duplicate)."""
    new_ids: list[int] = []
    duplicates = 0
    batch = list(items)
    for start in range(0, len(batch), STORE_CHUNK):
        chunk = batch[start : start + STORE_CHUNK]
        stored = _already_stored(conn, chunk)
        fresh: list[tuple[Message, AccountRow, str]] = []
        seen: set[tuple[str, str]] = set()
        for item in chunk:
            key = (item[0].platform, item[0].external_id)
            if key in stored or key in seen:
                duplicates += 1
                continue
            seen.add(key)
            fresh.append(item)
        if not fresh:
            continue
        raw_ids = [
            row.id
            for row in conn.execute(
                _INSERT_RAW,
                [
                    {"channel": channel, "received_at": at, "body": raw, "status": "stored"}
                    for _, _, raw in fresh
                ],
            )
        ]
        rows = [
            message_row(message, account["id"], raw_id, at, sample=sample)
            for (message, account, _), raw_id in zip(fresh, raw_ids, strict=True)
        ]
        stmt = (
            insert(conn, t.messages)
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(t.messages.c.id, t.messages.c.raw_event_id, sort_by_parameter_order=True)
        )
        inserted = {r.raw_event_id: int(r.id) for r in conn.execute(stmt, rows)}
        lost = [raw_id for raw_id in raw_ids if raw_id not in inserted]
        if lost:  # a concurrent delivery won the race
            duplicates += len(lost)
            conn.execute(
                sa.update(t.raw_events)
                .where(t.raw_events.c.id.in_(lost))
                .values(status="duplicate")
            )
        new_ids += [inserted[raw_id] for raw_id in raw_ids if raw_id in inserted]
    return new_ids, duplicates


STORE_CHUNK = 500
_INSERT_RAW = sa.insert(t.raw_events).returning(t.raw_events.c.id, sort_by_parameter_order=True)


def _already_stored(
    conn: sa.Connection, chunk: list[tuple[Message, AccountRow, str]]
) -> set[tuple[str, str]]:
    by_platform: dict[str, list[str]] = {}
    for message, _, _ in chunk:
        by_platform.setdefault(message.platform, []).append(message.external_id)
    found: set[tuple[str, str]] = set()
    for platform, ids in by_platform.items():
        rows = conn.execute(
            sa.select(t.messages.c.platform, t.messages.c.external_id).where(
                t.messages.c.platform == platform, t.messages.c.external_id.in_(ids)
            )
        )
        found.update((r.platform, r.external_id) for r in rows)
    return found


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
    good: list[tuple[Message, AccountRow, str]] = []
    errors: list[LineError] = []
    with ctx.engine.connect() as conn:
        accounts: dict[tuple[str, str], AccountRow | None] = {}
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
            found = accounts[key]
            if found is None:
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
            good.append((item, found, raw))
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


def webhook_source(ctx: Context, channel: str) -> WebhookSource:
    """The connector behind /webhooks/{channel}, with its secret from settings."""
    return ctx.connectors.for_channel(channel).webhook()


def confirm_subscription(
    ctx: Context, channel: str, *, mode: str | None, token: str | None, challenge: str | None
) -> str:
    """The subscribe handshake (Meta, WhatsApp): echo hub.challenge when hub.verify_token is
    ours; the connector knows which token that is."""
    connector = ctx.connectors.for_channel(channel)
    try:
        return connector.confirm_subscription(mode=mode, token=token, challenge=challenge)
    except Forbidden:
        log.warning("webhook handshake refused", extra={"channel": channel})
        raise


def crc_check(ctx: Context, channel: str, crc_token: str | None) -> dict[str, str]:
    """The challenge-response check of a webhook that asks for one (X's Account Activity)."""
    return ctx.connectors.for_channel(channel).crc(crc_token)


@dataclass(frozen=True)
class Delivery:
    """A webhook delivery whose signature was checked, parsed, not stored yet."""

    channel: str
    text: str
    batch: Batch
    received_at: datetime


def check_delivery(ctx: Context, channel: str, headers: Mapping[str, str], body: bytes) -> Delivery:
    """Verify the signature over the raw bytes and parse. Raises SignatureRejected (logged,
    nothing stored), NotConfigured or InvalidInput."""
    connector = ctx.connectors.for_channel(channel)
    source = connector.webhook()
    if not source.verify(headers, body):
        missing = not header(headers, connector.signature_header)
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
    return Delivery(channel, text, batch, now)


def store_delivery(conn: sa.Connection, delivery: Delivery) -> DeliveryReport:
    """Keep the delivery whole and store its messages (the caller commits)."""
    channel = f"webhook:{delivery.channel}"
    raw_id = insert_raw(conn, channel=channel, at=delivery.received_at, body=delivery.text)
    return store_batch(
        conn, delivery.batch, raw_event_id=raw_id, channel=channel, at=delivery.received_at
    )


def receive_webhook(
    ctx: Context,
    channel: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    batcher: AnalysisBatcher | None = None,
) -> DeliveryReport:
    """Check the signature over the raw bytes, keep the delivery whole and store its messages in
    one transaction, then ask for analysis (through `batcher` on a busy server). When this
    returns, the delivery is durable: the platform may be told 200. A bad or missing signature
    stores nothing."""
    delivery = check_delivery(ctx, channel, headers, body)
    report = write_transaction(ctx.engine, lambda conn: store_delivery(conn, delivery))
    delivered(ctx, delivery, report, batcher=batcher)
    return report


def delivered(
    ctx: Context,
    delivery: Delivery,
    report: DeliveryReport,
    *,
    batcher: AnalysisBatcher | None = None,
) -> None:
    after_commit(ctx, report, batcher=batcher)
    log.info(
        "webhook",
        extra={"channel": delivery.channel, "raw_event_id": report.raw_event_id, **report.counts()},
    )


class DeliveryWriter:
    """Group commit for SQLite: one writer thread stores deliveries, and those that arrive while
    it commits are committed together in its next transaction. Each delivery is answered only
    after the transaction holding it has committed, so durability is unchanged; the cost of a
    commit is shared. If a shared transaction fails, each of its deliveries is retried alone."""

    def __init__(self, ctx: Context, *, batcher: AnalysisBatcher | None, max_batch: int = 64):
        self.ctx = ctx
        self.batcher = batcher
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Delivery, Future[DeliveryReport]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.checkpointer = Checkpointer(ctx.engine)
        self.connection = WriterConnection(ctx.engine)

    def submit(self, delivery: Delivery) -> Future[DeliveryReport]:
        future: Future[DeliveryReport] = Future()
        self._queue.put((delivery, future))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="paseban-delivery-writer", daemon=True
                )
                self._thread.start()
                self.checkpointer.start()
        return future

    def _run(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < self.max_batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(items)

    def _write(self, items: list[tuple[Delivery, Future[DeliveryReport]]]) -> None:
        try:
            reports = self.connection.run(lambda conn: [store_delivery(conn, d) for d, _ in items])
        except Exception:
            if len(items) == 1:
                delivery, future = items[0]
                log.exception("webhook delivery not stored", extra={"channel": delivery.channel})
                future.set_exception(RuntimeError("kiriman tidak tersimpan"))
                return
            for item in items:  # find the one that fails; store the others
                self._write([item])
            return
        for (delivery, future), report in zip(items, reports, strict=True):
            try:
                delivered(self.ctx, delivery, report, batcher=self.batcher)
            finally:
                future.set_result(report)  # stored and committed: the platform may be told 200


def after_commit(
    ctx: Context, report: DeliveryReport, *, batcher: AnalysisBatcher | None = None
) -> None:
    """Work that follows a stored delivery; losing it is harmless (`analyze_pending` and
    `resolve_raw_events` pick up whatever was not done)."""
    if report.message_ids:
        if batcher is not None:
            batcher.add(report.message_ids)
        else:
            ctx.jobs.enqueue("analyze_messages", ids=report.message_ids)
    if report.waiting:
        ctx.jobs.enqueue("resolve_raw_events", ids=[report.raw_event_id])


class AnalysisBatcher:
    """Hands stored messages to the analysis job on a busy server, ingestion first.

    Every `interval` the ids stored since are handed over in jobs of at most `chunk` ids (short
    transactions: SQLite has one writer). While deliveries arrive faster than `busy_rate` per
    second (a burst; counted when they arrive, not when they are stored, so a slow disk does not
    look like a quiet moment), only `trickle` ids per interval go to analysis, so that answering
    the platforms keeps the CPU and the database; the rest follow as soon as the burst is over.
    Ids not handed over when the process stops are stored already: `analyze_pending` analyses
    them."""

    def __init__(
        self,
        ctx: Context,
        *,
        interval: float = 0.25,
        chunk: int = 100,
        busy_rate: float = 100.0,
        trickle: int = 5,
        calm_after: float = 5.0,
    ) -> None:
        self.ctx = ctx
        self.interval = interval
        self.chunk = chunk
        self.busy_rate = busy_rate
        self.trickle = trickle
        self.calm_after = calm_after
        self._busy_until = 0.0
        self._ids: list[int] = []
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def arrived(self) -> None:
        """A delivery came in (called before it is stored)."""
        now = time.monotonic()
        with self._lock:
            self._arrivals.append(now)
            if len(self._arrivals) > 10 * self.busy_rate:
                self._arrivals.popleft()

    def add(self, ids: list[int]) -> None:
        with self._lock:
            self._ids.extend(ids)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="paseban-analysis-batcher", daemon=True
                )
                self._thread.start()

    def busy(self) -> bool:
        """More than busy_rate deliveries in the last second, or in any second of the last
        `calm_after` seconds: a burst is not over when the server stalls for a moment and the
        platforms, waiting for answers, send less."""
        now = time.monotonic()
        with self._lock:
            while self._arrivals and self._arrivals[0] < now - 1.0:
                self._arrivals.popleft()
            if len(self._arrivals) > self.busy_rate:
                self._busy_until = now + self.calm_after
            return now < self._busy_until

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            if not self.step():
                return

    def step(self) -> bool:
        """Hand over one interval's share; False (and the thread ends) when nothing waits."""
        limit = self.trickle if self.busy() else None
        with self._lock:
            if not self._ids:  # idle: the next add starts a new thread
                self._thread = None
                return False
            take = len(self._ids) if limit is None else min(limit, len(self._ids))
            ids, self._ids = self._ids[:take], self._ids[take:]
        self._hand_over(ids)
        return True

    def flush(self) -> int:
        with self._lock:
            ids, self._ids = self._ids, []
        self._hand_over(ids)
        return len(ids)

    def pending(self) -> int:
        with self._lock:
            return len(self._ids)

    def _hand_over(self, ids: list[int]) -> None:
        for start in range(0, len(ids), self.chunk):
            part = ids[start : start + self.chunk]
            try:
                self.ctx.jobs.enqueue("analyze_messages", ids=part)
            except Exception:  # analyze_pending will find them
                log.exception("analysis batch not queued", extra={"count": len(part)})
