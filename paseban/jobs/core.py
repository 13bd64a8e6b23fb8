"""Jobs, their record, their queues, and the two backends that run in this process
(`paseban.jobs` tells the whole story)."""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import pluggy
import sqlalchemy as sa

from paseban.jobs.schedule import Scheduler
from paseban.settings import Settings
from paseban.storage import tables as t

log = logging.getLogger("paseban.jobs")

JobFunc = Callable[..., dict[str, int] | None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunc
    every: timedelta | None = None  # run periodically by the scheduler
    description: str = ""
    queue: str | None = None  # one of QUEUES; None: queue_for decides


# A distributed backend keeps these apart, so a flood in one never delays the others.
ANALYSIS, OUTBOX, PERIODIC = "analysis", "outbox", "periodic"
QUEUES = (ANALYSIS, OUTBOX, PERIODIC)
# the built-in jobs that are not periodic upkeep: ingest and analysis, and what goes out
_QUEUE_OF = {
    "analyze_messages": ANALYSIS,
    "analyze_pending": ANALYSIS,
    "resolve_raw_events": ANALYSIS,
    "poll_platforms": ANALYSIS,
    "send_outbox": OUTBOX,
    "send_email": OUTBOX,
    "publish_due_posts": OUTBOX,
    "refresh_tokens": OUTBOX,
}


def queue_for(spec: JobSpec) -> str:
    """The queue a job goes to: its own choice, the table above, else periodic upkeep
    (SLA sweep, roll-ups, reports) for a periodic job and analysis for any other."""
    if spec.queue is not None:
        return spec.queue
    return _QUEUE_OF.get(spec.name, PERIODIC if spec.every is not None else ANALYSIS)


class Context(Protocol):
    """What the queue needs of the context it runs jobs with (paseban.context.Context): named
    here, not imported, because the context makes its queue."""

    settings: Settings
    engine: sa.Engine
    pm: pluggy.PluginManager

    def now(self) -> datetime: ...


class UnknownJob(KeyError):
    pass


class JobQueue(Protocol):
    def enqueue(self, name: str, /, **kwargs: Any) -> None: ...

    def start(self) -> None: ...

    def drain(self, timeout: float = 30.0) -> None: ...

    def shutdown(self) -> None: ...


def registry(ctx: Context) -> dict[str, JobSpec]:
    specs: dict[str, JobSpec] = {}
    for batch in ctx.pm.hook.register_jobs(settings=ctx.settings):
        for spec in batch:
            specs[spec.name] = spec
    return specs


def run_job(
    ctx: Context,
    name: str,
    kwargs: dict[str, Any],
    *,
    retry_on: tuple[type[BaseException], ...] = (),
    delivery: str | None = None,
) -> str:
    """Run one job and record it: a row written at start, closed as ok or failed. An error of
    a `retry_on` type (a lost database connection, for a backend that retries) closes the row as
    `retrying` and is raised again for the backend to run the job later.

    `delivery` names the broker's message (a Celery task id). The same message delivered again —
    a retry, or the broker handing a killed worker's job to another — continues that delivery's
    row (`attempts` + 1) instead of adding one, so a killed run does not stay `running`."""
    spec = registry(ctx).get(name)
    if spec is None:
        raise UnknownJob(name)
    with ctx.engine.begin() as conn:
        run_id = _take_over(conn, delivery) if delivery else None
        if run_id is None:
            run_id = conn.execute(
                sa.insert(t.job_runs)
                .values(
                    name=name,
                    args=_loggable(kwargs),
                    started_at=ctx.now(),
                    status="running",
                    delivery=delivery,
                    attempts=1,
                )
                .returning(t.job_runs.c.id)
            ).scalar_one()
    try:
        counts = spec.func(ctx, **kwargs) or {}
    except Exception as exc:
        retry = isinstance(exc, retry_on)
        log.exception("job failed", extra={"job": name, "run_id": run_id, "retry": retry})
        try:
            with ctx.engine.begin() as conn:
                conn.execute(
                    sa.update(t.job_runs)
                    .where(t.job_runs.c.id == run_id)
                    .values(
                        finished_at=ctx.now(),
                        status="retrying" if retry else "failed",
                        error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=20)}",
                    )
                )
        except Exception:
            if not retry:
                raise
            log.warning("job run not closed (database away)", extra={"run_id": run_id})
        if retry:
            raise
        return "failed"
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.job_runs)
            .where(t.job_runs.c.id == run_id)
            .values(finished_at=ctx.now(), status="ok", counts=counts)
        )
    log.info("job done", extra={"job": name, "run_id": run_id, "counts": counts})
    return "ok"


def _take_over(conn: sa.Connection, delivery: str) -> int | None:
    """The unfinished row of this delivery, now running again; None when there is none (its
    first attempt, or a duplicate of a delivery that finished: that one gets a row of its own)."""
    r = t.job_runs.c
    return conn.execute(
        sa.update(t.job_runs)
        .where(r.delivery == delivery, r.status.in_(("running", "retrying", "abandoned")))
        .values(
            status="running",
            attempts=r.attempts + 1,
            finished_at=None,
        )
        .returning(r.id)
    ).scalar()


def _loggable(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Job arguments are ids and names; long lists are summarised."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, list | tuple) and len(value) > 20:
            out[key] = {"count": len(value), "first": list(value[:5])}
        else:
            out[key] = value
    return out


class EagerQueue:
    """Runs every job at once, in the caller."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def enqueue(self, name: str, /, **kwargs: Any) -> None:
        run_job(self.ctx, name, kwargs)

    def start(self) -> None:
        return None

    def drain(self, timeout: float = 30.0) -> None:
        return None

    def shutdown(self) -> None:
        return None


class InProcessQueue:
    """Worker threads and a scheduler inside the server process. Until `start()`, jobs run eagerly,
    so a CLI command that uses the same context still finishes its work."""

    def __init__(self, ctx: Context, workers: int = 1) -> None:
        self.ctx = ctx
        self.workers = max(1, workers)
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._started = False
        self.scheduler = Scheduler(
            ctx.engine,
            lambda: list(registry(ctx).values()),
            lambda name, kwargs: self._queue.put((name, kwargs)),
            ctx.now,
        )

    def enqueue(self, name: str, /, **kwargs: Any) -> None:
        if not self._started:
            run_job(self.ctx, name, kwargs)
            return
        self._queue.put((name, kwargs))

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._stop.clear()
        for i in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"paseban-job-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)
        scheduler = threading.Thread(target=self._schedule, name="paseban-scheduler", daemon=True)
        scheduler.start()
        self._threads.append(scheduler)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                name, kwargs = item
                try:
                    run_job(self.ctx, name, kwargs)
                except Exception:  # a broken job must not kill the worker
                    log.exception("job crashed", extra={"job": name})
            finally:
                self._queue.task_done()

    def _schedule(self) -> None:
        """Periodic jobs, when this process holds the cluster lock (`paseban serve --workers N`
        runs N of these; one schedules)."""
        self.scheduler.run(self._stop)

    def drain(self, timeout: float = 30.0) -> None:
        if not self._started:
            return
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        if not done.wait(timeout):
            raise TimeoutError("antrean pekerjaan belum selesai")

    def shutdown(self) -> None:
        if not self._started:
            return
        self._stop.set()
        for _ in range(self.workers):
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._started = False


def recent_runs(ctx: Context, limit: int = 50) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.job_runs).order_by(t.job_runs.c.id.desc()).limit(limit)
        ).mappings()
        return [dict(r) for r in rows]
