"""The webhook hot path: group commit, SQLite lock waits, analysis hand-over."""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.simulate import Generator
from paseban.context import Context
from paseban.services.ingest import webhooks as ingest
from paseban.services.ingest.deliveries import write_transaction
from paseban.services.people import accounts
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests.conftest import T0
from tests.connectors.helpers import META_SECRET, RecordingQueue, connector_settings

SAMPLE = Path(ingest.__file__).parents[2] / "data" / "sample" / "accounts.csv"


def _recording(url: str) -> Iterator[Context]:
    ctx = create_context(
        connector_settings(url), clock=FixedClock(T0), load_entrypoints=False, jobs_backend="eager"
    )
    accounts.import_csv(ctx, SAMPLE, sample=True)
    ctx.jobs = RecordingQueue()
    yield ctx
    ctx.close()


@pytest.fixture
def dctx(sqlite_template: Path, tmp_path: Path) -> Iterator[Context]:
    target = tmp_path / "d.db"
    target.write_bytes(sqlite_template.read_bytes())
    yield from _recording(f"sqlite:///{target}")


@pytest.fixture
def wctx(db_url: str) -> Iterator[Context]:
    """The writer's context on each backend: group commit serves SQLite and PostgreSQL."""
    yield from _recording(db_url)


def deliveries(ctx: Context, n: int) -> list[ingest.Delivery]:
    generator = Generator(META_SECRET, seed=5)
    out: list[ingest.Delivery] = []
    while len(out) < n:
        d = generator.next(T0)
        if d.kind == "echo":
            continue
        out.append(ingest.check_delivery(ctx, d.endpoint, d.headers, d.body))
    return out


def count(ctx: Context, table: sa.Table) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_group_commit_stores_each_delivery_once_and_answers_each(wctx: Context) -> None:
    batcher = ingest.AnalysisBatcher(wctx, interval=3600)
    writer = ingest.DeliveryWriter(wctx, batcher=batcher, max_batch=16)
    items = deliveries(wctx, 60)
    futures = [writer.submit(d) for d in items + items[:10]]  # ten of them delivered twice
    reports = [f.result(timeout=20) for f in futures]
    assert sum(r.stored for r in reports) == 60 and sum(r.duplicates for r in reports) == 10
    assert count(wctx, t.messages) == 60 and count(wctx, t.raw_events) == 60  # bodies kept once
    batcher.flush()  # whatever the batcher thread has not handed over yet
    handed = [i for name, kw in wctx.jobs.jobs for i in kw["ids"] if name == "analyze_messages"]  # type: ignore[attr-defined]
    assert sorted(handed) == sorted(i for r in reports for i in r.message_ids)


def test_one_failing_delivery_does_not_fail_the_others(
    wctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = deliveries(wctx, 5)
    real = ingest.store_deliveries

    def store(conn: sa.Connection, group: list[ingest.Delivery]) -> Any:
        if any(d is items[2] for d in group):
            raise RuntimeError("rusak")
        return real(conn, group)

    monkeypatch.setattr(ingest, "store_deliveries", store)
    writer = ingest.DeliveryWriter(wctx, batcher=None)
    gate = threading.Lock()
    with gate:  # hold the writer so that all five go in one transaction
        monkeypatch.setattr(writer, "_write", _held(writer._write, gate))
        futures = [writer.submit(d) for d in items]
    outcomes = [f.exception(timeout=20) for f in futures]
    assert [o is None for o in outcomes] == [True, True, False, True, True]
    assert count(wctx, t.raw_events) == 4


def _stored(conn: sa.Connection, reports: list[Any]) -> Any:
    """What a transaction stored, without the ids (rolled back, they are not reused)."""
    m, r, o = t.messages, t.raw_events, t.outbox
    external = dict(conn.execute(sa.select(m.c.id, m.c.external_id)).all())
    return (
        [(x.status, x.counts(), [external[i] for i in x.message_ids]) for x in reports],
        sorted(
            conn.execute(
                sa.select(*(c for c in m.c if c.name not in ("id", "raw_event_id")))
                .add_columns(r.c.body_hash)
                .join(r, r.c.id == m.c.raw_event_id)
            ).all()
        ),
        sorted(
            conn.execute(
                sa.select(r.c.channel, r.c.body_hash, r.c.status, r.c.received_at, r.c.body)
            ).all()
        ),
        sorted(conn.execute(sa.select(o.c.platform, o.c.external_id, o.c.status)).all()),
    )


def test_a_group_stores_what_one_delivery_after_another_would(wctx: Context) -> None:
    """The writer's group (bodies in one statement, messages in one more) stores and reports
    exactly what storing its deliveries one by one does: our own replies, items delivered
    twice in the group and within one delivery, a body sent again."""
    generator = Generator(META_SECRET, seed=11)
    items: list[ingest.Delivery] = []
    kinds: set[str] = set()
    while len(items) < 40:
        d = generator.next(T0)
        kinds.add(d.kind)
        items.append(ingest.check_delivery(wctx, d.endpoint, d.headers, d.body))
    assert "echo" in kinds  # our admins' own replies are among them
    group = items + items[3:8] + [items[10]]
    assert sum(len(d.batch.messages) for d in group) > 40
    outcomes = []
    for together in (True, False):
        with wctx.engine.connect() as conn:
            transaction = conn.begin()
            if together:
                reports = ingest.store_deliveries(conn, group)
            else:
                reports = [ingest.store_delivery(conn, d) for d in group]
            outcomes.append(_stored(conn, reports))
            transaction.rollback()
    assert outcomes[0] == outcomes[1]
    summary, messages = outcomes[0][0], outcomes[0][1]
    assert any(row.media for row in messages) and any(row.author_id for row in messages)
    assert {status for status, _, _ in summary[40:]} == {"duplicate"}
    assert sum(counts["own"] for _, counts, _ in summary) > 0


def _held(write: Any, gate: threading.Lock) -> Any:
    def wrapped(batch: Any) -> None:
        with gate:
            pass
        write(batch)

    return wrapped


def test_a_locked_database_is_waited_for_without_long_sleeps(
    dctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paseban.services.ingest import deliveries as delivery

    path = str(dctx.engine.url.database)
    other = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process or job is writing
    pauses: list[float] = []
    real_sleep = time.sleep

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 20:
            other.execute("COMMIT")  # the other writer finishes
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", pause)
    item = deliveries(dctx, 1)[0]
    report = write_transaction(dctx.engine, lambda conn: ingest.store_delivery(conn, item))
    assert report.stored == 1
    assert len(pauses) >= 20 and set(pauses) == {delivery.BUSY_PAUSE}  # short tries, no long sleep
    with dctx.engine.connect() as conn:  # the connection's own busy timeout is back
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    other.close()


def test_the_batcher_trickles_during_a_burst_and_hands_over_the_rest_after(dctx: Context) -> None:
    batcher = ingest.AnalysisBatcher(
        dctx, interval=3600, chunk=7, busy_rate=20, trickle=3, trickle_every=0
    )
    for i in range(100):
        batcher.arrived()  # 100 deliveries at once: a burst
        batcher.add([i])
    assert batcher.step()
    jobs = dctx.jobs.jobs  # type: ignore[attr-defined]
    assert [len(kw["ids"]) for _, kw in jobs] == [3]  # only the trickle
    batcher._arrivals.clear()  # a short lull is not the end of the burst
    assert batcher.step() and sum(len(kw["ids"]) for _, kw in jobs) == 6
    batcher._busy_until = 0.0  # seconds later: the burst is over
    assert batcher.step()
    assert sorted(i for _, kw in jobs for i in kw["ids"]) == list(range(100))
    assert max(len(kw["ids"]) for _, kw in jobs) <= 7 and batcher.pending() == 0
    assert not batcher.step()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_seen_in_its_first_quarter_second_and_trickles_once_a_period(
    dctx: Context,
) -> None:
    """A burst hands analysis one job of `trickle` ids every `trickle_every` seconds, the first
    a period after it began: its first moments are not handed over whole before a second of
    arrivals has been counted, and the workers get few larger jobs instead of many small ones."""
    clock = Clock()
    batcher = ingest.AnalysisBatcher(
        dctx, interval=3600, busy_rate=100, trickle=40, trickle_every=2.0, clock=clock
    )
    jobs = dctx.jobs.jobs  # type: ignore[attr-defined]
    for i in range(20):  # 80 a second: calm, handed over at once
        clock.now += 0.0125
        batcher.arrived()
        batcher.add([i])
    assert batcher.step() and [len(kw["ids"]) for _, kw in jobs] == [20]
    clock.now += 1.0
    for i in range(20, 50):  # 30 in a tenth of a second: a burst, not yet 100 in a second
        clock.now += 0.003
        batcher.arrived()
        batcher.add([i])
    assert batcher.busy()
    assert batcher.step() and len(jobs) == 1  # its first period: nothing handed over
    clock.now += 1.0
    batcher.arrived()
    assert batcher.step() and len(jobs) == 1
    clock.now += 1.1  # two seconds into the burst: one trickle, all 30 (fewer than 40)
    batcher.arrived()
    assert batcher.step() and [len(kw["ids"]) for _, kw in jobs] == [20, 30]
    assert batcher.pending() == 0 and batcher.busy()
    batcher.add([50, 51])
    clock.now += 1.0
    assert batcher.step() and len(jobs) == 2  # the next trickle waits for its period
    clock.now += 5.0  # calm for calm_after seconds: the rest at once
    assert not batcher.busy()
    assert batcher.step() and [len(kw["ids"]) for _, kw in jobs] == [20, 30, 2]
    assert not batcher.step()


def test_a_few_deliveries_close_together_are_not_a_burst(dctx: Context) -> None:
    clock = Clock()
    batcher = ingest.AnalysisBatcher(dctx, interval=3600, busy_rate=100, clock=clock)
    for _ in range(25):  # 25 within a quarter second: exactly the quarter's share, not above
        clock.now += 0.005
        batcher.arrived()
    assert not batcher.busy()
    batcher.arrived()
    assert batcher.busy()


def _store(item: Any, conn: sa.Connection) -> Any:
    return ingest.store_delivery(conn, item)


def test_the_checkpointer_copies_the_wal_back_beside_the_writer(dctx: Context) -> None:
    from paseban.services.ingest.deliveries import Checkpointer

    for item in deliveries(dctx, 30):
        write_transaction(dctx.engine, functools.partial(_store, item))
    checkpointer = Checkpointer(dctx.engine, every=0.01)
    checkpointer.start()
    try:
        for _ in range(500):
            if checkpointer.last is not None:
                break
            time.sleep(0.01)
        assert checkpointer.last is not None
        _busy, frames, copied = checkpointer.last
        assert frames > 0 and copied == frames  # the writer left its pages; all copied back
    finally:
        checkpointer.stop()


@pytest.mark.parametrize(("ingest_first", "busy_rate"), [(None, 100.0), (40.0, 40.0), (0.0, None)])
def test_the_web_process_holds_analysis_back_above_the_configured_rate(
    dctx: Context, ingest_first: float | None, busy_rate: float | None
) -> None:
    """PASEBAN_INGEST_FIRST sets the burst above which the web process hands analysis only a
    trickle (0: never); what a burst then does is the trickle test above."""
    dctx.settings = dataclasses.replace(dctx.settings, ingest_first=ingest_first)
    generator = Generator(META_SECRET, seed=5)
    app = create_app(dctx)
    with TestClient(app) as client:
        d = generator.next(T0)
        while d.kind == "echo":
            d = generator.next(T0)
        response = client.post(f"/webhooks/{d.endpoint}", content=d.body, headers=d.headers)
        assert response.status_code == 200, response.text
        batcher = app.state.analysis_batcher
        assert batcher.busy_rate == (busy_rate if busy_rate is not None else float("inf"))


def test_the_app_hands_waiting_messages_to_analysis_when_it_stops(dctx: Context) -> None:
    """A batcher that has not reached its next interval yet loses nothing at a clean stop."""
    generator = Generator(META_SECRET, seed=5)
    app = create_app(dctx)
    app.state.analysis_batcher = ingest.AnalysisBatcher(dctx, interval=3600)
    stored: list[int] = []
    with TestClient(app) as client:
        while len(stored) < 3:
            d = generator.next(T0)
            if d.kind == "echo":
                continue
            response = client.post(f"/webhooks/{d.endpoint}", content=d.body, headers=d.headers)
            assert response.status_code == 200, response.text
            stored.append(int(response.json()["stored"]))
        assert not dctx.jobs.jobs  # type: ignore[attr-defined]
    handed = [i for name, kw in dctx.jobs.jobs for i in kw["ids"] if name == "analyze_messages"]  # type: ignore[attr-defined]
    assert len(handed) == sum(stored) == count(dctx, t.messages)
