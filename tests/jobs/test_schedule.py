"""The periodic scheduler runs each job once across processes: the cluster lock (a PostgreSQL
advisory lock, a file lock on SQLite) lets one scheduler enqueue and keeps the others standing
by; the one that takes over does not repeat what already ran."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.jobs import JobSpec
from paseban.jobs.schedule import LOCK_KEY, AdvisoryLock, FileLock, Scheduler, cluster_lock
from paseban.storage import db
from paseban.storage import tables as t


def nothing(ctx: Context) -> None:
    return None


SPECS = [
    JobSpec("every_minute", nothing, every=timedelta(minutes=1)),
    JobSpec("hourly", nothing, every=timedelta(hours=1)),
    JobSpec("on_request", nothing),
]


@pytest.fixture
def engines(ctx: Context) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Two processes' engines on the same database."""
    a, b = db.create_engine(ctx.settings.database_url), db.create_engine(ctx.settings.database_url)
    yield a, b
    a.dispose()
    b.dispose()


def test_two_schedulers_enqueue_each_job_once_and_the_standby_takes_over_without_repeating(
    ctx: Context, clock: FixedClock, engines: tuple[sa.Engine, sa.Engine]
) -> None:
    sent: list[tuple[str, str]] = []
    first = Scheduler(engines[0], lambda: SPECS, lambda n, k: sent.append(("first", n)), clock.now)
    second = Scheduler(
        engines[1], lambda: SPECS, lambda n, k: sent.append(("second", n)), clock.now
    )
    expected_lock = AdvisoryLock if ctx.engine.dialect.name == "postgresql" else FileLock
    assert isinstance(first.lock, expected_lock)
    for _ in range(5):  # two and a half minutes, both ticking every 30 s
        first.tick()
        second.tick()
        clock.advance(timedelta(seconds=30))
    assert first.leader and not second.leader
    assert sent.count(("first", "every_minute")) == 3 and sent.count(("first", "hourly")) == 1
    assert not [who for who, _ in sent if who == "second"]
    assert ("first", "on_request") not in sent

    # the jobs ran (job_runs), then the leader stops: the standby leads from its next tick
    with ctx.engine.begin() as conn:
        for name, ago in (("every_minute", 30), ("hourly", 150)):
            conn.execute(
                sa.insert(t.job_runs).values(
                    name=name,
                    args={},
                    started_at=clock.now() - timedelta(seconds=ago),
                    status="ok",
                )
            )
    first.lock.release()
    sent.clear()
    assert second.tick() == []  # leads now, but nothing is due: every_minute ran 30 s ago
    assert second.leader
    assert first.tick() == [] and not first.leader  # the old leader, back, stands by
    clock.advance(timedelta(seconds=30))
    assert second.tick() == ["every_minute"]
    assert sent == [("second", "every_minute")]


@pytest.mark.postgres
def test_a_lost_database_session_hands_the_lock_over(pg_url: str) -> None:
    engines = [db.create_engine(pg_url) for _ in range(3)]
    first, second = AdvisoryLock(engines[0]), AdvisoryLock(engines[1])
    try:
        assert first.acquire() and not second.acquire()
        with engines[2].begin() as admin:  # the leader's machine vanishes: its session ends
            admin.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND granted AND objid = :low AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"low": LOCK_KEY & 0xFFFFFFFF},
            )
        _until_released(engines[2])  # pg_terminate_backend only signals: the session ends soon
        assert second.acquire()
        assert not first.acquire()  # notices it lost its session; the lock is the other's now
        second.release()
    finally:
        for engine in engines:
            engine.dispose()


def _until_released(engine: sa.Engine, timeout: float = 10.0) -> None:
    """Wait until no session holds the cluster lock (a terminated backend exits a moment after
    the signal; on a busy machine the next statement can come first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND objid = :low AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"low": LOCK_KEY & 0xFFFFFFFF},
            ).scalar_one()
        if not held:
            return
        time.sleep(0.05)
    raise AssertionError("the terminated session still holds the lock")


def test_sqlite_in_memory_needs_no_lock() -> None:
    engine = sa.create_engine("sqlite://")
    assert cluster_lock(engine).acquire()
