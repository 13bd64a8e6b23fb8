from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from paseban import jobs
from paseban.boot import create_context
from paseban.cli import cli
from paseban.context import Context
from paseban.hookspecs import hookimpl
from paseban.jobs import core as jobs_core
from paseban.jobs import upkeep
from paseban.jobs.celery import retry_after
from paseban.settings import Settings, SettingsError
from paseban.storage import tables as t


class Plugin:
    calls: list[int] = []  # noqa: RUF012

    @hookimpl
    def register_jobs(self) -> list[jobs.JobSpec]:
        def add(ctx: Context, n: int) -> dict[str, int]:
            Plugin.calls.append(n)
            return {"n": n}

        def boom(ctx: Context) -> None:
            raise RuntimeError("rusak")

        return [jobs.JobSpec("add", add), jobs.JobSpec("boom", boom)]


@pytest.fixture
def with_plugin(ctx: Context) -> Context:
    Plugin.calls = []
    ctx.pm.register(Plugin(), "test-jobs")
    return ctx


def runs(ctx: Context) -> list[dict[str, object]]:
    with ctx.engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(sa.select(t.job_runs).order_by(t.job_runs.c.id)).mappings()
        ]


def test_every_run_is_recorded(with_plugin: Context) -> None:
    ctx = with_plugin
    assert jobs.run_job(ctx, "add", {"n": 3}) == "ok"
    assert jobs.run_job(ctx, "boom", {}) == "failed"
    recorded = runs(ctx)
    assert [(r["name"], r["status"]) for r in recorded] == [("add", "ok"), ("boom", "failed")]
    assert recorded[0]["counts"] == {"n": 3} and recorded[0]["args"] == {"n": 3}
    assert "RuntimeError: rusak" in str(recorded[1]["error"])
    assert all(r["finished_at"] is not None for r in recorded)


def test_unknown_job(with_plugin: Context) -> None:
    with pytest.raises(jobs.UnknownJob):
        jobs.run_job(with_plugin, "nope", {})


def test_in_process_queue_runs_jobs_in_worker_threads(with_plugin: Context) -> None:
    queue = jobs.InProcessQueue(with_plugin, workers=2)
    queue.start()
    try:
        for n in range(5):
            queue.enqueue("add", n=n)
        queue.enqueue("boom")  # a failing job does not stop the others
        queue.enqueue("add", n=99)
        queue.drain(timeout=30)
    finally:
        queue.shutdown()
    assert sorted(Plugin.calls) == [0, 1, 2, 3, 4, 99]
    # the scheduler also starts the periodic upkeep on the real clock (the weekly report on a
    # Monday): only this test's jobs are counted
    mine = [r for r in runs(with_plugin) if r["name"] in ("add", "boom")]
    assert [r["name"] for r in mine if r["status"] == "failed"] == ["boom"]


def test_before_start_the_queue_runs_eagerly(with_plugin: Context) -> None:
    queue = jobs.InProcessQueue(with_plugin)
    queue.enqueue("add", n=7)
    assert Plugin.calls == [7]


def test_long_arguments_are_summarised(with_plugin: Context) -> None:
    jobs.run_job(with_plugin, "add", {"n": 1})
    assert jobs_core._loggable({"ids": list(range(100))}) == {
        "ids": {"count": 100, "first": [0, 1, 2, 3, 4]}
    }


def test_the_sla_sweep_runs_as_often_as_the_settings_say() -> None:
    for seconds, every in ((90, 90), (1, 5)):  # never more often than every 5 seconds
        ctx = create_context(
            Settings(database_url="sqlite://", sla_sweep_seconds=seconds), load_entrypoints=False
        )
        try:
            assert jobs.registry(ctx)["sla_sweep"].every == timedelta(seconds=every)
        finally:
            ctx.close()


def test_each_job_has_its_queue(ctx: Context) -> None:
    specs = jobs.registry(ctx)
    assert jobs.queue_for(specs["analyze_messages"]) == jobs.ANALYSIS
    assert jobs.queue_for(specs["send_outbox"]) == jobs.OUTBOX
    assert jobs.queue_for(specs["sla_sweep"]) == jobs.PERIODIC
    assert {jobs.queue_for(spec) for spec in specs.values()} == set(jobs.QUEUES)
    assert jobs.queue_for(jobs.JobSpec("own", lambda ctx: None, queue=jobs.OUTBOX)) == jobs.OUTBOX


def test_the_celery_backend_needs_a_broker() -> None:
    with pytest.raises(SettingsError, match="PASEBAN_BROKER_URL"):
        Settings.from_env({"PASEBAN_JOBS_BACKEND": "celery"})
    with pytest.raises(SettingsError, match="celery"):
        Settings.from_env({"PASEBAN_JOBS_BACKEND": "rabbit"})


def test_ingest_first_follows_the_backend_unless_set() -> None:
    """In-process analysis shares the web's cores: it trickles above 100 deliveries a second;
    celery workers may be elsewhere: never, unless PASEBAN_INGEST_FIRST says they are not."""
    celery = {"PASEBAN_JOBS_BACKEND": "celery", "PASEBAN_BROKER_URL": "redis://127.0.0.1:1/0"}
    assert Settings.from_env({}).ingest_first_rate() == 100.0
    assert Settings.from_env(celery).ingest_first_rate() == float("inf")
    assert Settings.from_env(celery | {"PASEBAN_INGEST_FIRST": "150"}).ingest_first_rate() == 150.0
    assert Settings.from_env({"PASEBAN_INGEST_FIRST": "0"}).ingest_first_rate() == float("inf")
    for bad in ("-5", "nan", "cepat"):
        with pytest.raises(SettingsError, match="PASEBAN_INGEST_FIRST"):
            Settings.from_env({"PASEBAN_INGEST_FIRST": bad})


def test_worker_and_scheduler_refuse_without_the_celery_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PASEBAN_JOBS_BACKEND", "inprocess")
    for args in (["worker"], ["scheduler"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code != 0 and "PASEBAN_JOBS_BACKEND=celery" in result.output
    monkeypatch.setenv("PASEBAN_JOBS_BACKEND", "celery")
    monkeypatch.setenv("PASEBAN_BROKER_URL", "redis://127.0.0.1:1/0")
    result = CliRunner().invoke(cli, ["worker", "--queues", "analysis,kilat"])
    assert result.exit_code != 0 and "antrean tidak dikenal: kilat" in result.output


def test_a_deadlock_is_retried_at_once_a_lost_connection_with_back_off() -> None:
    deadlock = sa.exc.OperationalError("INSERT ...", {}, psycopg.errors.DeadlockDetected())
    assert retry_after(deadlock, 0) < 1 and retry_after(deadlock, 5) < 1
    gone = sa.exc.OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed"))
    assert [retry_after(gone, n) for n in (0, 1, 2, 9)] == [2, 4, 8, 300]


def test_a_lost_connection_is_recorded_as_retrying_and_raised_for_the_backend(
    with_plugin: Context,
) -> None:
    def lost(ctx: Context) -> None:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    with_plugin.pm.register(
        type("Lost", (), {"register_jobs": hookimpl(lambda self: [jobs.JobSpec("lost", lost)])})(),
        "lost",
    )
    with pytest.raises(sa.exc.OperationalError):
        jobs.run_job(with_plugin, "lost", {}, retry_on=(sa.exc.OperationalError,))
    assert jobs.run_job(with_plugin, "lost", {}) == "failed"  # without a backend that retries
    assert [r["status"] for r in runs(with_plugin) if r["name"] == "lost"] == ["retrying", "failed"]


def test_a_redelivered_job_continues_the_row_its_killed_run_left(with_plugin: Context) -> None:
    ctx = with_plugin
    with ctx.engine.begin() as conn:  # what a worker killed mid-job leaves behind
        conn.execute(
            sa.insert(t.job_runs).values(
                name="add",
                args={"n": 1},
                started_at=ctx.now(),
                status="running",
                delivery="task-1",
                attempts=1,
            )
        )
    assert jobs.run_job(ctx, "add", {"n": 1}, delivery="task-1") == "ok"
    (row,) = runs(ctx)
    assert (row["status"], row["attempts"], row["counts"]) == ("ok", 2, {"n": 1})
    # a duplicate of a delivery that finished is a run of its own, not a rewrite of history
    assert jobs.run_job(ctx, "add", {"n": 1}, delivery="task-1") == "ok"
    assert [(r["status"], r["attempts"]) for r in runs(ctx)] == [("ok", 2), ("ok", 1)]


def test_a_run_nobody_continues_is_marked_abandoned_in_words(
    with_plugin: Context,
) -> None:
    ctx = with_plugin
    limit = upkeep.stale_after(ctx)
    with ctx.engine.begin() as conn:  # the server stopped mid-job long ago, and a minute ago
        for started in (ctx.now() - limit - timedelta(minutes=1), ctx.now() - timedelta(minutes=1)):
            conn.execute(
                sa.insert(t.job_runs).values(
                    name="add", args={}, started_at=started, status="running", attempts=1
                )
            )
    assert jobs.run_job(ctx, "abandon_stale_runs", {}) == "ok"
    states = [r["status"] for r in runs(ctx)]
    assert states == ["abandoned", "running", "ok"]  # the young one may still be working
    assert "berhenti di tengah jalan" in str(runs(ctx)[0]["error"])
