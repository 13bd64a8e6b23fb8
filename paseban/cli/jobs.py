"""`paseban jobs ...`: the recorded job runs, and one job run now."""

from __future__ import annotations

import json

import click

from paseban import jobs as service
from paseban.cli.common import Fail, friendly, open_context

# a run's state in words; `percobaan ke-N` when a retry or another worker continued it
STATUS_WORDS = {
    "running": "berjalan",
    "ok": "selesai",
    "failed": "gagal",
    "retrying": "akan diulang",
    "abandoned": "terhenti",
}


@click.group()
def jobs() -> None:
    """Pekerjaan latar belakang."""


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
@friendly
def jobs_list(limit: int) -> None:
    """Riwayat pekerjaan yang sudah berjalan."""

    with open_context() as ctx:
        for r in service.recent_runs(ctx, limit):
            attempts = int(r.get("attempts") or 1)
            state = STATUS_WORDS.get(r["status"], r["status"])
            if attempts > 1:
                state += f" (percobaan ke-{attempts})"
            line = (
                f"{r['id']:>6} {r['name']:<20} {state:<24} "
                f"{r['started_at'].astimezone(ctx.tz):%Y-%m-%d %H:%M:%S} "
                f"{json.dumps(r['counts'] or {})}"
            )
            if r["status"] == "abandoned" and r["error"]:
                line += f" — {r['error']}"
            click.echo(line)


@jobs.command("run")
@click.argument("name")
@friendly
def jobs_run(name: str) -> None:
    """Jalankan satu pekerjaan sekarang (mis. analyze_pending)."""

    with open_context() as ctx:
        if name not in service.registry(ctx):
            raise Fail(
                f"pekerjaan {name!r} tidak dikenal "
                f"(pilihan: {', '.join(sorted(service.registry(ctx)))})"
            )
        status = service.run_job(ctx, name, {})
    if status != "ok":
        raise Fail(f"pekerjaan {name} gagal; lihat `paseban jobs list`")
    click.echo(f"{name}: {status}")
