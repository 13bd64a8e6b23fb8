"""The job record's own upkeep: a run left `running` by a process that died is closed.

With the celery backend a killed worker's job comes back from the broker and its rerun
continues the same row (jobs.core.run_job, `delivery`). Two cases have no rerun: the in-process
backend (the server stopped mid-job; the catch-up jobs redo the work, under rows of their own)
and a broker that lost the message. Their rows would stay `running` for ever and hide real
trouble on `paseban jobs list`, so a run still `running` after twice the visibility timeout
(longer than any job may take, or the broker would already have handed it to a second worker)
is marked `abandoned`, with the reason in words."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from paseban.hookspecs import hookimpl
from paseban.jobs.core import Context, JobSpec
from paseban.storage import tables as t


def stale_after(ctx: Context) -> timedelta:
    return timedelta(seconds=2 * ctx.settings.broker_visibility_timeout)


def abandon_stale_runs(ctx: Context) -> dict[str, int]:
    limit = stale_after(ctx)
    minutes = round(limit.total_seconds() / 60)
    r = t.job_runs.c
    with ctx.engine.begin() as conn:
        closed = conn.execute(
            sa.update(t.job_runs)
            .where(r.status == "running", r.started_at < ctx.now() - limit)
            .values(
                status="abandoned",
                finished_at=ctx.now(),
                error=(
                    f"terhenti: proses yang menjalankannya berhenti di tengah jalan dan tidak ada "
                    f"yang melanjutkannya dalam {minutes} menit"
                ),
            )
        ).rowcount
    return {"abandoned": int(closed or 0)}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "abandon_stale_runs",
            abandon_stale_runs,
            every=timedelta(minutes=15),
            description="tandai pekerjaan yang terhenti",
        )
    ]
