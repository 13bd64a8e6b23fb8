"""Storing one parsed delivery (a webhook POST or a poll page) that is kept whole as a raw event.

This is the hot path of every webhook, so its statements are built once, accounts are cached
for a short while, and on SQLite the writers of this process queue on a lock instead of
SQLite's sleeping busy handler. The rules are the same as `ingest.store_messages`: one message
per (platform, external id), whatever arrives twice.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from paseban.connectors.base import Batch, DeliveryStatus
from paseban.domain.messages import Message, MessageKind
from paseban.services.ingest.changes import apply_changes, apply_rekeys
from paseban.services.people import notify_fallback, notify_whatsapp
from paseban.services.people.accounts import find_account
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.people import AccountRow
from paseban.storage.upsert import insert

log = logging.getLogger("paseban.ingest")

ACCOUNT_TTL = 30.0  # seconds an account lookup is trusted (a new account is seen within this)
OUR_REFERENCE = "paseban:"  # the reference the outbox sends with a message (Messenger metadata)

RAW_STATUS = (
    sa.update(t.raw_events)
    .where(t.raw_events.c.id == sa.bindparam("raw_id"))
    .values(status=sa.bindparam("status"), error=None)
)
ACCOUNT_BY_ID = sa.select(t.accounts).where(
    t.accounts.c.platform == sa.bindparam("platform"),
    t.accounts.c.platform_account_id == sa.bindparam("ref"),
)
SENT_BY_US = sa.select(t.outbox.c.platform, t.outbox.c.external_id).where(
    t.outbox.c.external_id.in_(sa.bindparam("ids", expanding=True))
)
SENT_BY_US_ONE = sa.select(t.outbox.c.platform, t.outbox.c.external_id).where(
    t.outbox.c.external_id == sa.bindparam("id")
)
MESSAGE_COLUMNS = (
    "platform",
    "external_id",
    "account_id",
    "raw_event_id",
    "kind",
    "author",
    "author_id",
    "parent_external_id",
    "text",
    "posted_at",
    "received_at",
    "lat",
    "lon",
    "needs_review",
    "is_sample",
    "media",
    "author_alt_id",
    "standby",
)


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
    changed: int = 0  # stored messages the citizen edited or removed
    message_ids: list[int] = field(default_factory=list)  # to analyse (new, or edited)

    def counts(self) -> dict[str, int]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "own": self.own,
            "changed": self.changed,
            "ignored": self.ignored,
            "unknown_accounts": self.unknown_accounts,
            "waiting": self.waiting,
        }


# --- per-engine helpers --------------------------------------------------------------------------

_locks: weakref.WeakKeyDictionary[sa.Engine, threading.Lock] = weakref.WeakKeyDictionary()
_accounts: weakref.WeakKeyDictionary[
    sa.Engine, dict[tuple[str, str], tuple[float, AccountRow | None]]
] = weakref.WeakKeyDictionary()
_guard = threading.Lock()


@contextmanager
def write_lock(engine: sa.Engine) -> Iterator[None]:
    """SQLite has one writer at a time; threads of this process take turns here rather than in
    SQLite's busy handler, which sleeps in steps of up to 100 ms. PostgreSQL needs no turn."""
    if engine.dialect.name != "sqlite":
        yield
        return
    with _guard:
        lock = _locks.setdefault(engine, threading.Lock())
    with lock:
        yield


T = TypeVar("T")
BUSY_PAUSE = 0.0005  # seconds between tries while another connection writes
BUSY_LIMIT = 10.0  # give up (and let the platform retry) after this long


def write_transaction(engine: sa.Engine, work: Callable[[sa.Connection], T]) -> T:
    """Run `work` in one write transaction and commit.

    On SQLite, a writer that finds the database locked by another connection (the analysis job,
    a CLI command) normally waits in SQLite's busy handler, which sleeps 25, 50, then 100 ms
    between tries: a webhook answer would wait that long. Here the connection does not wait
    inside SQLite; the transaction is rolled back and tried again every half millisecond (it
    committed nothing, so trying again is safe), up to BUSY_LIMIT. Nor does this connection
    checkpoint the WAL after its commit (copying pages into the database file and syncing it
    can take a while on a busy disk): `Checkpointer` does that beside it."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            return work(conn)
    with write_lock(engine), engine.connect() as conn:
        _writer_pragmas(conn, busy_timeout=0, autocheckpoint=0)
        try:
            return _retrying(conn, work)
        finally:
            conn.rollback()
            _writer_pragmas(conn, busy_timeout=10000, autocheckpoint=1000)


def _writer_pragmas(conn: sa.Connection, *, busy_timeout: int, autocheckpoint: int) -> None:
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_timeout)}")
    conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
    conn.commit()


def _retrying(conn: sa.Connection, work: Callable[[sa.Connection], T]) -> T:
    deadline = time.monotonic() + BUSY_LIMIT
    while True:
        try:
            with conn.begin():
                return work(conn)
        except sa.exc.OperationalError as exc:
            locked = "locked" in str(exc.orig) or "busy" in str(exc.orig)
            if not locked or time.monotonic() > deadline:
                raise
        time.sleep(BUSY_PAUSE)


class WriterConnection:
    """The connection of a long-lived writer thread: on SQLite it is set up once (no waiting in
    the busy handler, no auto-checkpoint) and kept, instead of taken from the pool and set up
    for every transaction. Same rules as write_transaction."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._conn: sa.Connection | None = None

    def run(self, work: Callable[[sa.Connection], T]) -> T:
        if self.engine.dialect.name != "sqlite":
            return write_transaction(self.engine, work)
        with write_lock(self.engine):
            if self._conn is None or self._conn.closed or self._conn.invalidated:
                self._conn = self.engine.connect()
                _writer_pragmas(self._conn, busy_timeout=0, autocheckpoint=0)
            try:
                return _retrying(self._conn, work)
            except sa.exc.DBAPIError:
                self.close()  # a broken connection is not kept
                raise

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


class Checkpointer:
    """Copies committed WAL pages into the SQLite database file from its own thread and
    connection, about once a second (a PASSIVE checkpoint: it never blocks a writer), so that
    the writer answering webhooks does not do it after its commits."""

    def __init__(self, engine: sa.Engine, *, every: float = 1.0) -> None:
        self.engine = engine
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last: tuple[int, int, int] | None = None  # (busy, frames in the WAL, copied)

    def start(self) -> None:
        if self.engine.dialect.name != "sqlite" or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="paseban-wal-checkpoint", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with self.engine.connect() as conn:
                    row = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                    self.last = (int(row[0]), int(row[1]), int(row[2]))
            except sa.exc.SQLAlchemyError:
                log.warning("wal checkpoint failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()


def forget_accounts(engine: sa.Engine) -> None:
    with _guard:
        _accounts.pop(engine, None)


def _account(conn: sa.Connection, platform: str, ref: str) -> AccountRow | None:
    cache = _accounts.setdefault(conn.engine, {})
    key = (platform, ref)
    hit = cache.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < ACCOUNT_TTL and hit[1] is not None:
        return hit[1]
    found = conn.execute(ACCOUNT_BY_ID, {"platform": platform, "ref": ref}).mappings().first()
    account = row(AccountRow, found) if found else find_account(conn, platform, ref)
    if account is not None:  # unknown accounts are looked up again: they may be added any time
        cache[key] = (now, account)
    return account


# --- storing -------------------------------------------------------------------------------------


_raw_insert: dict[str, Any] = {}


def insert_raw(conn: sa.Connection, *, channel: str, at: datetime, body: str) -> int:
    """Keep a delivery's body once per channel (issue 16: every retry of a webhook stored its
    body again): a body already kept gives the id of the row that holds it."""
    return insert_raws(conn, [(channel, at, body)])[0]


def insert_raws(conn: sa.Connection, bodies: Sequence[tuple[str, datetime, str]]) -> list[int]:
    """`insert_raw` for several deliveries (channel, received at, body) in one statement (the
    webhook writer's group): the id of the row holding each body, in order. A body twice in
    the group is kept once."""
    dialect = conn.dialect.name
    stmt = _raw_insert.get(dialect)
    if stmt is None:
        stmt = (
            insert(conn, t.raw_events)
            # no conflict target: on PostgreSQL the key lives in raw_event_keys (migration 0021)
            .on_conflict_do_nothing()
            .returning(t.raw_events.c.id, t.raw_events.c.channel, t.raw_events.c.body_hash)
        )
        _raw_insert[dialect] = stmt
    keys: list[tuple[str, str]] = []
    values: dict[tuple[str, str], dict[str, Any]] = {}
    for channel, at, body in bodies:
        key = (channel, hashlib.sha256(body.encode("utf-8")).hexdigest())
        keys.append(key)
        values.setdefault(
            key,
            {
                "channel": channel,
                "received_at": at,
                "body": body,
                "status": "processed",
                "body_hash": key[1],
            },
        )
    rows = list(values.values())
    result = conn.execute(stmt, rows if len(rows) > 1 else rows[0])
    ids = {(r.channel, r.body_hash): int(r.id) for r in result}
    for channel, digest in values.keys() - ids.keys():  # kept before: a retry
        ids[(channel, digest)] = int(
            conn.execute(
                sa.select(t.raw_events.c.id).where(
                    t.raw_events.c.channel == channel, t.raw_events.c.body_hash == digest
                )
            ).scalar_one()
        )
    return [ids[key] for key in keys]


def store_batch(
    conn: sa.Connection,
    batch: Batch,
    *,
    raw_event_id: int,
    channel: str,
    at: datetime,
    current_status: str = "processed",
) -> DeliveryReport:
    """Store a parsed delivery or poll page kept as raw event `raw_event_id` (whose status is
    now `current_status`): citizen messages once per (platform, external id), our own items as
    sent outbox rows, WhatsApp delivery failures on the outbox. Sets the raw event's status.
    The caller commits."""
    return store_batches(conn, [(batch, raw_event_id, at)], current_status=current_status)[0]


def store_batches(
    conn: sa.Connection,
    batches: Sequence[tuple[Batch, int, datetime]],
    *,
    current_status: str = "processed",
) -> list[DeliveryReport]:
    """`store_batch` for several (batch, raw event id, received at), as the webhook writer's
    group: the citizen messages of all of them in one statement (and one "sent by us?" query),
    then each batch's other items. A message in two batches of the group is stored for the
    first and a duplicate for the second, as one after the other would have it."""
    ours = _sent_by_us(conn, [m for batch, _, _ in batches for m in batch.messages])
    reports: list[DeliveryReport] = []
    owns: list[list[Message]] = []
    rows: list[list[dict[str, Any]]] = []
    for batch, raw_event_id, at in batches:
        report = DeliveryReport(raw_event_id, "processed", ignored=batch.ignored)
        own = list(batch.own)
        mine: list[dict[str, Any]] = []
        for message in batch.messages:
            if (message.platform, message.external_id) in ours:
                own.append(message)
                continue
            account = _account(conn, message.platform, message.account)
            if account is None:
                report.unknown_accounts += 1
                continue
            # messages that reach a sample account (the demo stream) are sample data too
            sample = bool(account.get("is_sample"))
            mine.append(message_row(message, account["id"], raw_event_id, at, sample=sample))
        reports.append(report)
        owns.append(own)
        rows.append(mine)
    new = _insert_messages(conn, [values for mine in rows for values in mine])
    claimed: set[tuple[str, str]] = set()
    for report, mine in zip(reports, rows, strict=True):
        for values in mine:
            key = (values["platform"], values["external_id"])
            if key in claimed:  # the same item earlier in this delivery or the group
                continue
            claimed.add(key)
            if key in new:
                report.message_ids.append(new[key])
        report.stored = len(report.message_ids)
        report.duplicates = len(mine) - report.stored
    for (batch, _, at), report, own in zip(batches, reports, owns, strict=True):
        _store_the_rest(conn, batch, report, own, at=at, current_status=current_status)
    return reports


def _store_the_rest(
    conn: sa.Connection,
    batch: Batch,
    report: DeliveryReport,
    own: list[Message],
    *,
    at: datetime,
    current_status: str,
) -> None:
    """A batch's items other than new citizen messages, and the raw event's status."""
    raw_event_id = report.raw_event_id
    if batch.changes:
        changed = apply_changes(conn, batch.changes, raw_event_id=raw_event_id, received_at=at)
        report.changed = changed.applied
        report.ignored += changed.unknown
        report.message_ids += changed.reanalyse
    if batch.rekeys:
        apply_rekeys(conn, batch.rekeys)
    for message in own:
        account = _account(conn, message.platform, message.account)
        if account is None:
            report.unknown_accounts += 1
            continue
        _record_own(conn, message, account)
        report.own += 1
    _apply_statuses(conn, batch.statuses)
    if batch.templates:  # Meta's review of a WhatsApp template (issue 19)
        notify_fallback.record_template_statuses(conn, batch.templates, at)
    pending = [h for h in batch.hydrate if _account(conn, h.platform, h.account) is not None]
    report.unknown_accounts += len(batch.hydrate) - len(pending)
    report.waiting = len(pending)
    if report.waiting:
        report.status = "waiting"
    elif report.unknown_accounts:
        report.status = "unknown_account"
    elif not report.stored and report.duplicates:
        report.status = "duplicate"
    elif not (report.stored or report.own or batch.statuses or batch.templates or report.changed):
        report.status = "ignored"
    if report.status != current_status:
        conn.execute(RAW_STATUS, {"raw_id": raw_event_id, "status": report.status})
    if report.unknown_accounts:
        log.warning(
            "delivery for unregistered accounts kept",
            extra={"raw_event_id": raw_event_id, "unknown": report.unknown_accounts},
        )


def message_row(
    message: Message, account_id: int, raw_id: int, at: datetime, *, sample: bool
) -> dict[str, Any]:
    """The one mapping of a parsed message to its `messages` row (webhooks, polls, files)."""
    return {
        "platform": message.platform,
        "external_id": message.external_id,
        "account_id": account_id,
        "raw_event_id": raw_id,
        "kind": message.kind.value,
        "author": message.author,
        "author_id": message.author_id,
        "parent_external_id": message.parent_external_id,
        "text": message.text,
        "posted_at": message.posted_at,
        "received_at": at,
        "lat": message.lat,
        "lon": message.lon,
        "needs_review": False,
        "is_sample": sample,
        "media": [m.as_dict() for m in message.media] or None,
        "author_alt_id": message.author_alt_id,
        "standby": message.standby,
    }


_message_insert: dict[str, Any] = {}


def _insert_messages(conn: sa.Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """INSERT ... ON CONFLICT (platform, external_id) DO NOTHING RETURNING, all rows in one
    statement (a delivery carries one or a few; the writer's group some dozens): the ids of the
    rows that were new, by (platform, external id). An item twice in `rows` is tried once."""
    if not rows:
        return {}
    dialect = conn.dialect.name
    stmt = _message_insert.get(dialect)
    if stmt is None:
        stmt = (
            insert(conn, t.messages)
            .values({c: sa.bindparam(c) for c in MESSAGE_COLUMNS})
            # no conflict target: on PostgreSQL the key lives in message_keys (migration 0021)
            .on_conflict_do_nothing()
            .returning(t.messages.c.id, t.messages.c.platform, t.messages.c.external_id)
        )
        _message_insert[dialect] = stmt
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for values in rows:
        first.setdefault((values["platform"], values["external_id"]), values)
    unique = list(first.values())
    result = conn.execute(stmt, unique if len(unique) > 1 else unique[0])
    return {(r.platform, r.external_id): int(r.id) for r in result}


def _sent_by_us(conn: sa.Connection, messages: list[Message]) -> set[tuple[str, str]]:
    """Items whose id is one we got back when we sent them (our admins' replies)."""
    if not messages:
        return set()
    ids = sorted({m.external_id for m in messages})
    if len(ids) == 1:  # the usual delivery: a plain statement, compiled once
        rows = conn.execute(SENT_BY_US_ONE, {"id": ids[0]})
    else:
        rows = conn.execute(SENT_BY_US, {"ids": ids})
    return {(r.platform, r.external_id) for r in rows}


def _record_own(conn: sa.Connection, message: Message, account: AccountRow) -> None:
    """A reply or comment the account wrote on the platform itself is ours: keep it as a sent
    outbox row (so first-response times count it) unless we sent it through the outbox (its id,
    or the reference we sent with it, says so)."""
    if message.sent_ref and message.sent_ref.startswith(OUR_REFERENCE):
        return
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
    if parent_id is None and message.kind == MessageKind.DIRECT and message.peer_id:
        # a direct message answers the latest message of the citizen it was written to, in
        # that conversation (the echo's recipient), never someone else's
        parent_id = conn.execute(
            sa.select(t.messages.c.id)
            .where(
                t.messages.c.platform == message.platform,
                t.messages.c.account_id == account["id"],
                t.messages.c.kind == MessageKind.DIRECT.value,
                t.messages.c.author_id == message.peer_id,
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
    """A message we sent that the platform could not deliver (WhatsApp says so) is a failed
    reply; an officer's notification keeps every status with its time (issue 19)."""
    if statuses:
        notify_whatsapp.apply_statuses(conn, statuses)
    for status in statuses:
        if status.status != "failed":
            continue
        conn.execute(
            sa.update(t.outbox)
            .where(
                t.outbox.c.platform == status.platform,
                t.outbox.c.external_id == status.external_id,
            )
            .values(
                status="failed",
                last_error=f"{status.platform}: tidak terkirim ({status.error or '-'})",
            )
        )
