"""One seam for background work.

A job is a named function `func(ctx, **kwargs) -> counts`. Code asks for work with
`ctx.jobs.enqueue(name, **kwargs)` and never cares where it runs:

- `eager`: runs at once in the caller (CLI, tests);
- `inprocess` (default for the server): worker threads and a scheduler for periodic jobs, no
  extra service to start;
- `celery` (`paseban.jobs.celery`): `(name, kwargs)` go to a broker (Redis), `paseban worker`
  processes run them on any machine, `paseban scheduler` enqueues the periodic ones.

Every backend ends in `run_job`, so the jobs themselves and the domain code do not change, and
every run leaves a row in `job_runs`. Each job belongs to one queue (`queue_for`), so that a
flood of analysis never waits in front of the outbox or the SLA sweep.
"""

from __future__ import annotations

from paseban.jobs.core import (
    ANALYSIS,
    OUTBOX,
    PERIODIC,
    QUEUES,
    Context,
    EagerQueue,
    InProcessQueue,
    JobFunc,
    JobQueue,
    JobSpec,
    UnknownJob,
    queue_for,
    recent_runs,
    registry,
    run_job,
)

__all__ = [
    "ANALYSIS",
    "OUTBOX",
    "PERIODIC",
    "QUEUES",
    "Context",
    "EagerQueue",
    "InProcessQueue",
    "JobFunc",
    "JobQueue",
    "JobSpec",
    "UnknownJob",
    "make_queue",
    "queue_for",
    "recent_runs",
    "registry",
    "run_job",
]


def make_queue(ctx: Context, backend: str) -> JobQueue:
    if backend == "eager":
        return EagerQueue(ctx)
    if backend == "inprocess":
        return InProcessQueue(ctx, ctx.settings.jobs_workers)
    if backend == "celery":
        # imported here: Celery is needed only where this backend is chosen
        from paseban.jobs.celery import CeleryQueue

        return CeleryQueue(ctx)
    raise ValueError(f"backend pekerjaan tidak dikenal: {backend!r}")
