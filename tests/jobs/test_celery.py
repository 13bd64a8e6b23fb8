"""The celery backend end to end: real Redis, real PostgreSQL, real `paseban worker` processes.

Each test starts its own Redis (a Unix socket of its own) and its own workers; the web side is
the real app in this process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban import jobs
from paseban.boot import create_context
from paseban.context import Context
from paseban.jobs.celery import CeleryQueue
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests.connectors.helpers import (
    RecordingQueue,
    connector_settings,
    meta_signed,
    with_connector_accounts,
)
from tests.jobs import slow_worker
from tests.jobs.cluster import Redis, Worker, new_redis, redis_or_skip, wait_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def redis() -> Iterator[Redis]:
    redis_or_skip()
    server = new_redis()
    yield server
    server.stop()
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture
def cctx(pg_url: str, redis: Redis, tmp_path: Path) -> Iterator[Context]:
    """The web side's context: jobs go to the broker."""
    ctx = create_context(
        connector_settings(pg_url, jobs_backend="celery", broker_url=redis.url),
        load_entrypoints=False,
    )
    ctx.pm.register(slow_worker, "slow-worker")
    with_connector_accounts(ctx, tmp_path)
    yield ctx
    ctx.close()


def worker_env(ctx: Context, **extra: str) -> dict[str, str]:
    settings = ctx.settings
    return os.environ | {
        "PASEBAN_DATABASE_URL": settings.database_url,
        "PASEBAN_JOBS_BACKEND": "celery",
        "PASEBAN_BROKER_URL": settings.broker_url,
        "PASEBAN_LOG_FORMAT": "console",
        "PASEBAN_REPORTS_DIR": settings.reports_dir,
        "PASEBAN_MEDIA_DIR": settings.media_dir,
        **extra,
    }


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def scalar(ctx: Context, query: Any) -> Any:
    with ctx.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def runs(ctx: Context, name: str, status: str | None = None) -> int:
    query = sa.select(sa.func.count()).where(t.job_runs.c.name == name)
    if status:
        query = query.where(t.job_runs.c.status == status)
    return int(scalar(ctx, query))


def unanalysed(ctx: Context) -> int:
    return int(scalar(ctx, sa.select(sa.func.count()).where(t.messages.c.analyzed_at.is_(None))))


def deliver(client: TestClient) -> int:
    """One signed Instagram delivery of several comments; the messages stored."""
    headers, body = meta_signed("meta", "instagram_comments__batch")
    response = client.post(
        "/webhooks/meta", content=body, headers=headers | {"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    stored = int(response.json()["stored"])
    assert stored >= 2
    return stored


def test_a_webhook_is_analysed_and_routed_by_a_worker_and_the_queues_stay_apart(
    cctx: Context, redis: Redis, workers: list[Worker], tmp_path: Path
) -> None:
    upkeep = Worker(worker_env(cctx), tmp_path / "upkeep.log", ["--queues=outbox,periodic"])
    workers.append(upkeep.start())
    with TestClient(create_app(cctx)) as client:
        stored = deliver(client)
        cctx.jobs.drain()
        # the analysis waits in its own queue; the SLA sweep does not wait behind it
        cctx.jobs.enqueue("sla_sweep")
        wait_for(lambda: runs(cctx, "sla_sweep", "ok") == 1, 60, upkeep.tail)
    assert unanalysed(cctx) == stored and runs(cctx, "analyze_messages") == 0
    assert redis.queued(jobs.ANALYSIS) >= 1

    announced = tmp_path / "announced"
    analysis = Worker(
        worker_env(cctx, PASEBAN_TEST_ANNOUNCED=str(announced)),
        tmp_path / "analysis.log",
        ["--queues=analysis"],
        module="tests.jobs.slow_worker",
    )
    workers.append(analysis.start())
    wait_for(lambda: unanalysed(cctx) == 0, 60, analysis.tail)
    with cctx.engine.connect() as conn:
        routed = conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.opd)
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .distinct()
        ).all()
        recorded = conn.execute(
            sa.select(t.job_runs.c.args, t.job_runs.c.status).where(
                t.job_runs.c.name == "analyze_messages"
            )
        ).all()
    # complaints reached their OPD (one the rules cannot place waits in the review queue)
    assert routed and any(opd for _, opd in routed)
    assert all(status == "ok" for _, status in recorded)
    assert sum(len(args["ids"]) for args, _ in recorded) == stored  # JSON args, as sent
    # the worker announced each message once, after storing it, with its case
    with cctx.engine.connect() as conn:
        placed = {
            f"{i} {c}" for i, c in conn.execute(sa.select(t.messages.c.id, t.messages.c.case_id))
        }
    wait_for(lambda: len(announced.read_text().splitlines()) == stored, 30, analysis.tail)
    assert sorted(announced.read_text().splitlines()) == sorted(placed)
    # the same job delivered again finds nothing to claim, and announces nothing
    ids = [i for args, _ in recorded for i in args["ids"]]
    cctx.jobs.enqueue("analyze_messages", ids=ids)
    wait_for(lambda: runs(cctx, "analyze_messages", "ok") == len(recorded) + 1, 60, analysis.tail)
    assert len(announced.read_text().splitlines()) == stored


def test_a_worker_killed_mid_job_loses_it_to_another_and_nothing_happens_twice(
    cctx: Context, workers: list[Worker], tmp_path: Path
) -> None:
    broker, cctx.jobs = cctx.jobs, RecordingQueue()  # store only: analysis is asked for below
    with TestClient(create_app(cctx, start_jobs=False)) as client:
        deliver(client)
    with cctx.engine.connect() as conn:
        ids = list(conn.execute(sa.select(t.messages.c.id).order_by(t.messages.c.id)).scalars())
    cctx.jobs = broker
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "hold").touch()
    env = worker_env(cctx, PASEBAN_BROKER_VISIBILITY_TIMEOUT="3")
    first = Worker(env, tmp_path / "first.log", module="tests.jobs.slow_worker").start()
    workers.append(first)
    cctx.jobs.enqueue("analyze_slowly", ids=ids, gate=str(gate))
    wait_for(lambda: any(gate.glob("started-*")), 60, first.tail)
    assert runs(cctx, "analyze_slowly", "running") == 1
    first.kill()  # mid-job: no acknowledgement ever reaches the broker

    (gate / "hold").unlink()
    second = Worker(env, tmp_path / "second.log", module="tests.jobs.slow_worker").start()
    workers.append(second)
    # the broker hands the unacknowledged job back within seconds of the visibility timeout
    wait_for(lambda: runs(cctx, "analyze_slowly", "ok") == 1, 60, second.tail)
    assert unanalysed(cctx) == 0
    # the killed run's row was taken over by the rerun: one row, two attempts, none running
    with cctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.job_runs.c.status, t.job_runs.c.attempts).where(
                t.job_runs.c.name == "analyze_slowly"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("ok", 2)]
    cases = int(scalar(cctx, sa.select(sa.func.count()).select_from(t.cases)))
    assert cases >= 1

    # the same job delivered again (at least once means maybe twice): no second effect
    cctx.jobs.enqueue("analyze_slowly", ids=ids, gate=str(gate))
    wait_for(lambda: runs(cctx, "analyze_slowly", "ok") == 2, 60, second.tail)
    assert int(scalar(cctx, sa.select(sa.func.count()).select_from(t.cases))) == cases
    with cctx.engine.connect() as conn:
        last = conn.execute(
            sa.select(t.job_runs.c.counts)
            .where(t.job_runs.c.name == "analyze_slowly")
            .order_by(t.job_runs.c.id.desc())
            .limit(1)
        ).scalar_one()
    assert last["analyzed"] == 0


def test_while_redis_is_down_webhooks_answer_and_store_and_jobs_catch_up(
    cctx: Context, redis: Redis, workers: list[Worker], tmp_path: Path
) -> None:
    redis.stop()
    with TestClient(create_app(cctx)) as client:
        stored = deliver(client)  # answered and stored, the broker away
        assert isinstance(cctx.jobs, CeleryQueue)
        wait_for(lambda: cctx.jobs.backlog() >= 1, 10)  # type: ignore[attr-defined]
        assert unanalysed(cctx) == stored

        redis.start()  # same folder: the same append-only file
        wait_for(lambda: cctx.jobs.backlog() == 0, 30)  # type: ignore[attr-defined]
    worker = Worker(worker_env(cctx), tmp_path / "worker.log", ["--queues=analysis"])
    workers.append(worker.start())
    wait_for(lambda: unanalysed(cctx) == 0, 60, worker.tail)


def test_when_postgresql_drops_every_connection_web_and_workers_reconnect(
    cctx: Context, workers: list[Worker], tmp_path: Path
) -> None:
    worker = Worker(worker_env(cctx), tmp_path / "worker.log", ["--queues=analysis"])
    workers.append(worker.start())
    cctx.jobs.enqueue("analyze_pending")  # the worker's pool holds a connection now
    wait_for(lambda: runs(cctx, "analyze_pending", "ok") == 1, 60, worker.tail)
    with TestClient(create_app(cctx)) as client:
        assert client.get("/healthz").status_code == 200  # and the web's
        # what a restart of PostgreSQL does to every client: their sessions end
        with cctx.engine.begin() as conn:
            ended = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert ended >= 2  # the web's idle connection and the worker's
        deliver(client)
    wait_for(lambda: unanalysed(cctx) == 0, 60, worker.tail)
    assert runs(cctx, "analyze_messages", "ok") >= 1
