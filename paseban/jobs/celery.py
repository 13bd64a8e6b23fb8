"""The distributed backend: Celery over Redis (or RabbitMQ).

`PASEBAN_JOBS_BACKEND=celery` with `PASEBAN_BROKER_URL`. A job is one Celery message of the
single task `paseban.run` carrying `[name, kwargs]` as JSON, sent to the job's queue
(`paseban.queue_for`); `paseban worker` consumes the queues it is given and calls
`run_job`, which writes the `job_runs` record wherever the job runs.

A killed worker loses no work: messages are acknowledged after the job finished (`acks_late`),
a pool process that dies mid-job puts its message back at once (`reject_on_worker_lost`), and a
worker machine that vanishes leaves its unacknowledged messages to the broker, which hands them
to another worker after `PASEBAN_BROKER_VISIBILITY_TIMEOUT` seconds (Redis). Jobs therefore run
at least once; each is idempotent (analysis claims its messages, the outbox its rows).

A lost database connection is retried with back-off; any other error is recorded as `failed`
and not retried (the periodic catch-up jobs pick up what a failed run left).

While the broker is away the web process keeps answering: a job that cannot be sent waits in a
bounded backlog in memory, sent in order once the broker is back; what overflows it is found by
the catch-up jobs (`analyze_pending`, `resolve_raw_events`, `send_outbox`).
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import kombu.exceptions
import redis.exceptions
import sqlalchemy as sa
from celery import Celery, Task
from celery.signals import worker_process_init, worker_ready

from paseban.jobs.core import ANALYSIS, Context, UnknownJob, queue_for, registry, run_job
from paseban.settings import Settings
from paseban.storage.db import is_conflict

log = logging.getLogger("paseban.jobs.celery")

TASK = "paseban.run"
# errors that say "the database is away for a moment", not "the job is wrong"
RETRYABLE: tuple[type[Exception], ...] = (sa.exc.OperationalError, sa.exc.InterfaceError)
RETRY_MAX = 10  # back-off 2, 4, 8 ... capped at 5 minutes: about half an hour in all
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    OSError,
)
BACKLOG_MAX = 10_000


def make_app(settings: Settings) -> Celery:
    """The Celery application for these settings: the same for senders and workers."""
    app = Celery("paseban", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # job_runs is the record
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one message per process, no hoard
        task_default_queue=ANALYSIS,
        task_queues=None,
        task_create_missing_queues=True,
        broker_transport_options=transport_options(settings),
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits for the broker, however long
        task_publish_retry=False,  # the sender keeps its own backlog instead of blocking
        worker_hijack_root_logger=False,  # paseban.logs formats the worker's logs too
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        enable_utc=True,
    )
    return app


def transport_options(settings: Settings) -> dict[str, Any]:
    """The Redis transport's options. A message a worker took and never acknowledged (the
    worker was killed, its machine vanished) stays in Redis's `unacked` hash; every worker's
    event loop looks for ones older than the visibility timeout every `unacked_restore_interval`
    seconds and puts them back in their queue, but by default scans only on every tenth look
    (`unacked_restore_throttle`, kombu 5.6+) under a mutex that a killed scanner holds for five
    minutes: a killed worker's job came back after 100 s to 5 minutes more than the timeout.
    Here every look scans (one ZRANGE over the unacknowledged messages, cheap), a few times per
    visibility timeout, and a dead scanner's mutex expires within a minute. The timeout itself
    (PASEBAN_BROKER_VISIBILITY_TIMEOUT) must stay longer than the longest job, or a slow job is
    handed to a second worker while the first still runs it."""
    timeout = settings.broker_visibility_timeout
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1, min(10, timeout // 3)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": max(5, min(60, timeout)),
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }


class CeleryQueue:
    """`JobQueue` over a Celery broker."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.app = make_app(ctx.settings)
        self._queues: dict[str, str] = {}
        self._backlog: deque[tuple[str, dict[str, Any]]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        self.dropped = 0

    def queue_of(self, name: str) -> str:
        if name not in self._queues:
            specs = registry(self.ctx)
            if name not in specs:
                raise UnknownJob(name)
            self._queues = {n: queue_for(spec) for n, spec in specs.items()}
        return self._queues[name]

    def enqueue(self, name: str, /, **kwargs: Any) -> None:
        queue = self.queue_of(name)
        with self._lock:
            if self._backlog:  # the broker is away: keep the order, do not wait for it
                self._keep(name, kwargs)
                return
        try:
            self._send(name, kwargs, queue)
        except BROKER_ERRORS:
            log.warning("broker unreachable; job kept in memory", extra={"job": name})
            with self._lock:
                self._keep(name, kwargs)

    def _send(self, name: str, kwargs: dict[str, Any], queue: str) -> None:
        self.app.send_task(TASK, args=[name, kwargs], queue=queue)

    def _keep(self, name: str, kwargs: dict[str, Any]) -> None:
        if len(self._backlog) >= BACKLOG_MAX:
            self.dropped += 1  # the catch-up jobs find this work
            return
        self._backlog.append((name, kwargs))
        if self._flusher is None:
            self._stop.clear()
            self._flusher = threading.Thread(
                target=self._flush_loop, name="paseban-broker-backlog", daemon=True
            )
            self._flusher.start()

    def _flush_loop(self) -> None:
        while not self._stop.is_set():
            if self.flush():
                with self._lock:
                    if not self._backlog:
                        self._flusher = None
                        return
            self._stop.wait(1.0)

    def flush(self) -> bool:
        """Send the backlog, oldest first; False when the broker is still away."""
        while True:
            with self._lock:
                if not self._backlog:
                    return True
                name, kwargs = self._backlog[0]
            try:
                self._send(name, kwargs, self.queue_of(name))
            except BROKER_ERRORS:
                return False
            with self._lock:
                self._backlog.popleft()

    def backlog(self) -> int:
        with self._lock:
            return len(self._backlog)

    def start(self) -> None:
        return None  # workers and the scheduler are processes of their own

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every job asked for here has reached the broker (not until workers ran
        them: they may be on other machines)."""
        done = threading.Event()

        def wait() -> None:
            while not self.flush() and not done.is_set():
                self._stop.wait(0.2)
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        if not done.wait(timeout):
            done.set()
            raise TimeoutError("antrean pekerjaan belum terkirim ke broker")

    def shutdown(self) -> None:
        self._stop.set()
        if self.backlog() and not self.flush():
            log.warning("jobs not sent at shutdown", extra={"count": self.backlog()})
        self.app.close()


# --- the worker side ----------------------------------------------------------------------------

_worker_ctx: list[Context] = []  # the context the worker's task runs jobs with


def worker_app(ctx: Context) -> Celery:
    """The application with its one task bound to `ctx`."""
    app = make_app(ctx.settings)
    _worker_ctx[:] = [ctx]

    @app.task(name=TASK, bind=True, max_retries=RETRY_MAX)
    def run(self: Task[Any, Any], name: str, kwargs: dict[str, Any]) -> str:
        try:
            return run_job(
                _worker_ctx[0], name, kwargs, retry_on=RETRYABLE, delivery=self.request.id
            )
        except RETRYABLE as exc:
            raise self.retry(exc=exc, countdown=retry_after(exc, self.request.retries)) from exc

    return app


def retry_after(exc: Exception, retries: int) -> float:
    """Seconds before a job that met `exc` runs again."""
    if is_conflict(exc):  # the other transaction is done in a moment: a short random pause
        return random.uniform(0.05, 0.5)
    return float(min(300, 2 ** (retries + 1)))


@worker_process_init.connect
def _after_fork(**_: Any) -> None:
    """A forked pool process must not share its parent's database connections."""
    for ctx in _worker_ctx:
        ctx.engine.dispose(close=False)


def run_worker(
    ctx: Context,
    *,
    queues: Sequence[str],
    concurrency: int,
    pool: str = "prefork",
    hostname: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Run a worker in this process until it is stopped (SIGTERM: finish the jobs in hand).
    `on_ready` is called once it consumes, whatever the log level."""
    app = worker_app(ctx)
    if on_ready is not None:
        worker_ready.connect(lambda **_: on_ready(), weak=False)
    argv = [
        "worker",
        f"--queues={','.join(queues)}",
        f"--concurrency={concurrency}",
        f"--pool={pool}",
        f"--loglevel={ctx.settings.log_level}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if hostname:
        argv.append(f"--hostname={hostname}")
    app.worker_main(argv=argv)
