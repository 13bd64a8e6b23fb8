"""`paseban serve` (the default command) and `paseban simulate`, the demo stream."""

from __future__ import annotations

import dataclasses
import os
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

import click
import httpx

from paseban import logs
from paseban.boot import create_context
from paseban.cli.common import Fail, friendly, settings_from_env
from paseban.connectors import simulate as sim
from paseban.settings import PLACEHOLDER_SECRETS, Settings
from paseban.storage import db, migrate

if TYPE_CHECKING:
    from fastapi import FastAPI


@click.command()
@click.option("--host", default=None, help="Alamat (bawaan PASEBAN_HOST atau 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (bawaan PASEBAN_PORT atau 8000).")
@click.option(
    "--demo-stream",
    "demo_rate",
    default=0.0,
    type=click.FloatRange(min=0, max=200),
    help="Kirim aliran contoh kiriman webhook bertanda tangan (per detik) ke server ini.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Proses web (uvicorn); lebih dari 1 butuh PostgreSQL.",
)
@friendly
def serve(host: str | None, port: int | None, demo_rate: float, workers: int) -> None:
    """Jalankan dasbor, API, dan pekerjaan latar belakang."""

    settings = settings_from_env()
    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    settings.validate()
    if settings.secret_key in PLACEHOLDER_SECRETS:
        if settings.host not in ("127.0.0.1", "localhost", "::1"):
            raise Fail(
                "PASEBAN_SECRET_KEY wajib diisi (acak, rahasia) bila melayani selain 127.0.0.1"
            )
        settings = dataclasses.replace(settings, secret_key=secrets.token_hex(32))
    if demo_rate and not settings.meta_app_secret:  # connectors: a secret for this run only
        settings = dataclasses.replace(settings, meta_app_secret=secrets.token_hex(32))
    logs.configure(settings.log_level, settings.log_format)
    ctx = create_context(settings)
    try:
        db.check(ctx.engine)
    except db.DatabaseUnavailable as exc:
        raise Fail(str(exc)) from None
    if not migrate.is_current(ctx.engine):
        raise Fail("basis data belum disiapkan atau versinya lama; jalankan `paseban init` dulu")
    if workers > 1 and ctx.engine.dialect.name != "postgresql":
        ctx.close()
        raise Fail("--workers lebih dari 1 butuh PostgreSQL (SQLite hanya punya satu penulis)")
    click.echo(
        f"Paseban melayani di http://{settings.host}:{settings.port}/ (Ctrl+C untuk berhenti)"
    )
    stop = _start_demo_stream(settings, demo_rate) if demo_rate else None
    # the web stack (FastAPI, every page, uvicorn) is loaded by this command only: the other
    # commands and `paseban --help` start without it (issue 12: --help took 1.6 s)
    import uvicorn

    # (the pages, with FastAPI, come with the server for the same reason)
    from paseban.web.app import create_app

    try:
        if workers == 1:
            uvicorn.run(
                create_app(ctx),
                host=settings.host,
                port=settings.port,
                log_config=None,
                access_log=False,
            )
        else:
            ctx.close()  # each process builds its own (app_from_env)
            _share_with_processes(settings)
            uvicorn.run(
                "paseban.cli.serve:app_from_env",
                factory=True,
                workers=workers,
                host=settings.host,
                port=settings.port,
                log_config=None,
                access_log=False,
            )
    finally:
        if stop is not None:
            stop.set()


def _share_with_processes(settings: Settings) -> None:
    """The web processes read their settings from the environment: hand them what this command
    decided (the address, and a throwaway secret made for this run), the same for all."""
    os.environ.update(
        PASEBAN_HOST=settings.host,
        PASEBAN_PORT=str(settings.port),
        PASEBAN_SECRET_KEY=settings.secret_key,
        PASEBAN_META_APP_SECRET=settings.meta_app_secret,
    )


def app_from_env() -> FastAPI:
    """One web process of `paseban serve --workers N` (uvicorn imports and calls this): its own
    context, database pool and job queue. Sessions and login limits live in the database, the
    periodic scheduler runs in the one process holding the cluster lock."""
    # the web stack is loaded where a web process starts, not with the CLI (see `serve`)
    from paseban.web.app import create_app

    settings = settings_from_env()
    logs.configure(settings.log_level, settings.log_format)
    return create_app(create_context(settings))


def _start_demo_stream(settings: Settings, rate: float) -> Any:
    """A thread that replays the simulator into this server once it answers."""

    url = f"http://127.0.0.1:{settings.port}"
    stop = threading.Event()

    def feed() -> None:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if stop.wait(0.2):
                return
        generator = sim.Generator(settings.meta_app_secret, settings.x_consumer_secret)
        started = time.monotonic()
        report = sim.run(url, generator, rate=rate, seconds=0, stop=stop)
        click.echo(f"aliran contoh ({time.monotonic() - started:.0f} dtk): {report.summary()}")

    threading.Thread(target=feed, name="paseban-demo-stream", daemon=True).start()
    click.echo(f"aliran contoh: {rate:g} kiriman/detik ke {url}/webhooks/")
    return stop


@click.command()
@click.option("--rate", default=20.0, show_default=True, type=click.FloatRange(min=0.1, max=5000))
@click.option("--minutes", default=5.0, show_default=True, type=click.FloatRange(min=0.01))
@click.option("--url", default=None, help="Server lokal (bawaan http://127.0.0.1:PASEBAN_PORT).")
@click.option("--seed", default=None, type=int, help="Benih acak: aliran yang sama tiap kali.")
@friendly
def simulate(rate: float, minutes: float, url: str | None, seed: int | None) -> None:
    """Kirim kiriman webhook contoh bertanda tangan (komentar, DM, WhatsApp, X; bahasa sehari-hari,
    68 kelurahan Bogor) ke server yang sedang berjalan. Memakai PASEBAN_META_APP_SECRET (dan
    PASEBAN_X_CONSUMER_SECRET) yang sama dengan server, dan akun contoh (paseban init --sample)."""

    settings = settings_from_env()
    if not settings.meta_app_secret:
        raise Fail("PASEBAN_META_APP_SECRET wajib diisi, sama dengan milik server")
    target = url or f"http://127.0.0.1:{settings.port}"
    try:
        sim.check_local(target)
    except ValueError as exc:
        raise Fail(str(exc)) from None
    generator = sim.Generator(settings.meta_app_secret, settings.x_consumer_secret, seed=seed)
    click.echo(f"mengirim {rate:g}/detik selama {minutes:g} menit ke {target}/webhooks/ ...")
    try:
        report = sim.run(target, generator, rate=rate, seconds=minutes * 60)
    except KeyboardInterrupt:
        raise Fail("dihentikan") from None
    click.echo(report.summary())
    if report.sent and report.errors == report.sent:
        raise Fail(f"server {target} tidak menjawab; jalankan `paseban serve` dulu")
