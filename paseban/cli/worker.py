"""`paseban worker` and `paseban scheduler`: the processes of the celery backend (docs/jobs.md)."""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType

import click

from paseban import jobs as service
from paseban.cli.common import Fail, friendly, open_context, settings_from_env
from paseban.jobs.schedule import Scheduler


def _need_celery() -> None:
    settings = settings_from_env()
    if settings.jobs_backend != "celery":
        raise Fail(
            "perintah ini untuk PASEBAN_JOBS_BACKEND=celery (sekarang "
            f"{settings.jobs_backend!r}: pekerjaan berjalan di dalam `paseban serve`)"
        )


def _queues(raw: str) -> list[str]:
    names = [q.strip() for q in raw.split(",") if q.strip()]
    unknown = [q for q in names if q not in service.QUEUES]
    if not names or unknown:
        raise Fail(
            f"antrean tidak dikenal: {', '.join(unknown) or '(kosong)'} "
            f"(pilihan: {', '.join(service.QUEUES)})"
        )
    return names


@click.command()
@click.option(
    "--queues",
    "-Q",
    default=",".join(service.QUEUES),
    show_default=True,
    help="Antrean yang dikerjakan, dipisah koma.",
)
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=None,
    help="Proses (atau utas) pekerja; bawaan jumlah inti CPU.",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "threads", "solo"]),
    default="prefork",
    show_default=True,
    help="prefork: satu proses per pekerjaan (analisis memakai semua inti).",
)
@click.option("--name", default=None, help="Nama pekerja (bawaan paseban@HOST).")
@friendly
def worker(queues: str, concurrency: int | None, pool: str, name: str | None) -> None:
    """Jalankan pekerja Celery: mengambil pekerjaan dari broker dan menjalankannya."""

    _need_celery()
    chosen = _queues(queues)
    # imported here: Celery is needed only by the processes of this backend
    from paseban.jobs.celery import run_worker

    with open_context(jobs="celery") as ctx:
        ctx.analyzer()  # loaded once before the pool forks: shared, and the first job is quick
        run_worker(
            ctx,
            queues=chosen,
            concurrency=concurrency or os.cpu_count() or 1,
            pool=pool,
            hostname=name,
            on_ready=lambda: click.echo(f"pekerja siap: antrean {', '.join(chosen)}", err=True),
        )


@click.command()
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 60),
    default=1.0,
    show_default=True,
    help="Detik antara dua pemeriksaan jadwal.",
)
@friendly
def scheduler(interval: float) -> None:
    """Jalankan penjadwal pekerjaan berkala. Boleh lebih dari satu (cadangan): hanya pemegang
    kunci di basis data yang mengantrekan, jadi tiap pekerjaan berjalan sekali."""

    _need_celery()
    stop = threading.Event()

    def halt(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, halt)
    signal.signal(signal.SIGINT, halt)
    with open_context(jobs="celery") as ctx:
        schedule = Scheduler(
            ctx.engine,
            lambda: list(service.registry(ctx).values()),
            lambda job, kwargs: ctx.jobs.enqueue(job, **kwargs),
            ctx.now,
        )
        click.echo("penjadwal berjalan (Ctrl+C untuk berhenti)")
        schedule.run(stop, interval)
