"""The one scheduler of periodic jobs, however many processes could run it.

Every process that may schedule (`paseban scheduler`, `paseban worker --scheduler`, each
`paseban serve` process of the in-process backend) runs a `Scheduler`; only the one holding the
cluster lock enqueues. The lock is a PostgreSQL session advisory lock on a connection of its own:
when the holder dies or loses the database, PostgreSQL releases the lock with the session and a
standby takes over within a tick. Chosen over Celery beat because beat has no leader election
(two beats run every job twice, so beat is a single point of failure or a source of duplicates)
and because the database we already run gives the lock for free. On SQLite (one machine by
definition) the lock is an exclusive `flock` on a file beside the database file.

When a scheduler becomes the leader it reads, once, when each periodic job last started
(`job_runs`), so a take-over does not run a daily job again; from then on it remembers what it
enqueued itself.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

import sqlalchemy as sa

from paseban.storage import tables as t

log = logging.getLogger("paseban.jobs.schedule")

# pg_try_advisory_lock(bigint): a fixed key of this application ("paseban" in ASCII, as hex)
LOCK_KEY = 0x7061736562616E


class ClusterLock(Protocol):
    def acquire(self) -> bool:
        """True while this process holds the lock (taking it when it is free)."""

    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL `pg_try_advisory_lock` held by one dedicated connection."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._conn: sa.Connection | None = None

    def acquire(self) -> bool:
        if self._conn is not None:
            try:  # still ours while our session lives
                self._conn.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                log.warning("scheduler lost its database session; lock released")
                self._drop()
        try:
            conn = self.engine.connect()
        except sa.exc.DBAPIError:
            return False
        try:
            held = conn.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
            ).scalar_one()
            conn.commit()
        except sa.exc.DBAPIError:
            conn.close()
            return False
        if not held:
            conn.close()
            return False
        self._conn = conn
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            self._conn.commit()
        except sa.exc.DBAPIError:
            pass
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back to the pool: the session may hold the lock
                conn.close()
            except sa.exc.DBAPIError:
                pass


class FileLock:
    """An exclusive `flock` on a file: the processes of one machine (SQLite)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        handle = open(self.path, "ab")  # noqa: SIM115 (held open as the lock)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class ProcessLock:
    """A database only this process sees (SQLite in memory): always ours."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        return None


def cluster_lock(engine: sa.Engine) -> ClusterLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLock(Path(f"{os.path.abspath(database)}.scheduler.lock"))
    return ProcessLock()


class Periodic(Protocol):
    """What the scheduler reads of a job spec."""

    @property
    def name(self) -> str: ...

    @property
    def every(self) -> timedelta | None: ...


class Scheduler:
    """Enqueues each periodic job when it is due, while holding the cluster lock."""

    def __init__(
        self,
        engine: sa.Engine,
        specs: Callable[[], Sequence[Periodic]],
        submit: Callable[[str, dict[str, Any]], None],
        now: Callable[[], datetime],
        lock: ClusterLock | None = None,
    ) -> None:
        self.engine = engine
        self.specs = specs
        self.submit = submit
        self.now = now
        self.lock = lock or cluster_lock(engine)
        self.leader = False
        self._last: dict[str, datetime] = {}

    def tick(self) -> list[str]:
        """Enqueue what is due; the names enqueued (none while another process leads)."""
        held = self.lock.acquire()
        if held and not self.leader:
            log.info("scheduler leads: periodic jobs are enqueued by this process")
            self._last = self._last_started()
        elif self.leader and not held:
            log.info("scheduler stands by: another process leads")
        self.leader = held
        if not held:
            return []
        now = self.now()
        due: list[str] = []
        for spec in self.specs():
            if spec.every is None:
                continue
            last = self._last.get(spec.name)
            if last is None or now - last >= spec.every:
                self._last[spec.name] = now
                try:
                    self.submit(spec.name, {})
                except Exception:  # the broker may be away; the next tick tries again
                    log.exception("periodic job not enqueued", extra={"job": spec.name})
                    self._last.pop(spec.name, None)
                    continue
                due.append(spec.name)
        return due

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        try:
            while True:
                try:
                    self.tick()
                except Exception:  # a database hiccup must not end the scheduler
                    log.exception("scheduler tick failed")
                if stop.wait(interval):
                    return
        finally:
            self.lock.release()
            self.leader = False

    def _last_started(self) -> dict[str, datetime]:
        names = [s.name for s in self.specs() if s.every is not None]
        if not names:
            return {}
        query = (
            sa.select(t.job_runs.c.name, sa.func.max(t.job_runs.c.started_at))
            .where(t.job_runs.c.name.in_(names))
            .group_by(t.job_runs.c.name)
        )
        with self.engine.connect() as conn:
            return {name: started for name, started in conn.execute(query) if started}
