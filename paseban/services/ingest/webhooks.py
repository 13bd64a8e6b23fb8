"""Webhook deliveries: check the signature over the raw bytes, keep the delivery whole, store its
messages once (keyed by platform and external id) before the platform is answered, then analyse."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.connectors.base import Batch, PayloadError, WebhookSource, header
from paseban.connectors.connector import NotConfigured as NotConfigured  # raised to callers
from paseban.errors import (
    Forbidden,
    InvalidInput,
)
from paseban.services.ingest.deliveries import (
    Checkpointer,
    DeliveryReport,
    WriterConnection,
    insert_raws,
    store_batches,
    write_transaction,
)

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.ingest")


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
    return store_deliveries(conn, [delivery])[0]


def store_deliveries(conn: sa.Connection, deliveries: list[Delivery]) -> list[DeliveryReport]:
    """`store_delivery` for the writer's group: the bodies in one statement, the citizen
    messages of all of them in one more (deliveries.store_batches); a report for each."""
    raw_ids = insert_raws(
        conn, [(f"webhook:{d.channel}", d.received_at, d.text) for d in deliveries]
    )
    return store_batches(
        conn,
        [(d.batch, raw_id, d.received_at) for d, raw_id in zip(deliveries, raw_ids, strict=True)],
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
    """Group commit: one writer thread per web process stores deliveries, and those that arrive
    while it commits are committed together in its next transaction (SQLite: its one writer;
    PostgreSQL: three statements and one commit per group, store_deliveries, instead of a
    pooled connection, a transaction and a thread hop per delivery). Each delivery is answered only
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
            reports = self.connection.run(
                lambda conn: store_deliveries(conn, [d for d, _ in items])
            )
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
    look like a quiet moment; seen in its first quarter second), only a trickle goes to
    analysis, so that answering the platforms keeps the CPU and the database: `trickle` ids
    every `trickle_every` seconds, the first a period after the burst began, in one job (a job
    costs the worker something whatever its size: jobs of 5 messages took about 1.4 times the
    CPU per message of jobs of 40, docs/scale.md). The rest follow as soon as the burst is over.
    Ids not handed over when the process stops are stored already: `analyze_pending` analyses
    them."""

    def __init__(
        self,
        ctx: Context,
        *,
        interval: float = 0.25,
        chunk: int = 100,
        busy_rate: float = 100.0,
        trickle: int = 10,
        trickle_every: float = 1.0,
        calm_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        self.interval = interval
        self.chunk = chunk
        self.busy_rate = busy_rate
        self.trickle = trickle
        self.trickle_every = trickle_every
        self._trickled_at = 0.0
        self.calm_after = calm_after
        self._busy_until = 0.0
        self._ids: list[int] = []
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def arrived(self) -> None:
        """A delivery came in (called before it is stored)."""
        now = self.clock()
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
        """More than busy_rate deliveries in the last second (or its share in the last quarter
        second: a burst is seen before a second of it has been handed to analysis), or so in
        any second of the last `calm_after` seconds: a burst is not over when the server stalls
        for a moment and the platforms, waiting for answers, send less."""
        now = self.clock()
        with self._lock:
            while self._arrivals and self._arrivals[0] < now - 1.0:
                self._arrivals.popleft()
            if len(self._arrivals) > self.busy_rate or self._recent(now) > self.busy_rate / 4:
                if now >= self._busy_until:  # a new burst: its first trickle a period from now
                    self._trickled_at = now
                self._busy_until = now + self.calm_after
            return now < self._busy_until

    def _recent(self, now: float) -> int:
        """Arrivals in the last quarter second (counted from the newest, as far as needed)."""
        count, since, enough = 0, now - 0.25, self.busy_rate / 4
        for arrived in reversed(self._arrivals):
            if arrived < since or count > enough:
                break
            count += 1
        return count

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
            if limit is not None:  # a burst: a trickle once a period, nothing in between
                now = self.clock()
                if now - self._trickled_at < self.trickle_every:
                    return True
                self._trickled_at = now
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
