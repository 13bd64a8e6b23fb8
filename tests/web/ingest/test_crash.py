"""A real server killed with SIGKILL in the middle of a stream: every delivery it answered 200
is stored, and after a restart everything stored is analysed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from paseban import jobs
from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors import simulate
from paseban.services.people import accounts
from paseban.settings import Settings
from paseban.storage import tables as t
from tests.conftest import T0

SECRET = "crash-test-secret"
SAMPLE = Path(simulate.__file__).parent.parent / "data" / "sample" / "accounts.csv"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_kill_9_between_storing_and_analysing_loses_nothing(
    sqlite_template: Path, tmp_path: Path
) -> None:
    db = tmp_path / "crash.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{db}"
    setup = create_context(
        Settings(database_url=url),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    accounts.import_csv(setup, SAMPLE, sample=True)
    setup.close()
    port = free_port()
    env = os.environ | {
        "PASEBAN_DATABASE_URL": url,
        "PASEBAN_META_APP_SECRET": SECRET,
        "PASEBAN_LOG_LEVEL": "WARNING",
        "PASEBAN_SLA_SWEEP_SECONDS": "3600",
        "PASEBAN_REPORTS_DIR": str(tmp_path / "laporan"),  # the server's jobs write here
        "PASEBAN_MEDIA_DIR": str(tmp_path / "media"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "paseban", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        answered: list[bytes] = []
        killed, stop = threading.Event(), threading.Event()

        def record(delivery: simulate.Delivery, status: int | None) -> None:
            if status == 200:
                answered.append(delivery.body)
            elif status is None and killed.is_set():
                stop.set()  # the server is gone
            if len(answered) == 120 and not killed.is_set():
                killed.set()
                os.kill(server.pid, signal.SIGKILL)  # no shutdown, no flush, no goodbye

        generator = simulate.Generator(SECRET, seed=99)
        report = simulate.run(base, generator, rate=400, seconds=10, stop=stop, on_delivery=record)
        assert killed.is_set() and report.errors > 0  # the server really died mid-stream
    finally:
        server.kill()
        server.wait(10)

    restarted = create_context(
        Settings(database_url=url),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        with restarted.engine.connect() as conn:
            kept = set(
                conn.execute(
                    sa.select(t.raw_events.c.body).where(t.raw_events.c.channel.like("webhook:%"))
                ).scalars()
            )
        assert all(body.decode() in kept for body in answered)  # answered 200 means stored
        assert jobs.run_job(restarted, "analyze_pending", {}) == "ok"
        with restarted.engine.connect() as conn:
            left = conn.execute(
                sa.select(sa.func.count()).where(t.messages.c.analyzed_at.is_(None))
            ).scalar_one()
            stored = conn.execute(
                sa.select(sa.func.count()).where(
                    t.messages.c.is_sample.is_(True), t.messages.c.external_id.not_like("sample-%")
                )
            ).scalar_one()
        assert left == 0 and stored >= 100
    finally:
        restarted.close()


def test_serve_with_a_demo_stream_fills_the_inbox(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    db.write_bytes(sqlite_template.read_bytes())
    url = f"sqlite:///{db}"
    setup = create_context(
        Settings(database_url=url),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    accounts.import_csv(setup, SAMPLE, sample=True)
    setup.close()
    env = os.environ | {
        "PASEBAN_DATABASE_URL": url,
        "PASEBAN_LOG_LEVEL": "WARNING",
        "PASEBAN_REPORTS_DIR": str(tmp_path / "laporan"),
        "PASEBAN_MEDIA_DIR": str(tmp_path / "media"),
    }
    env.pop("PASEBAN_META_APP_SECRET", None)  # the demo makes its own
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "paseban",
            "serve",
            "--port",
            str(free_port()),
            "--demo-stream",
            "40",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    engine = sa.create_engine(url)
    try:
        stored = 0
        for _ in range(100):
            time.sleep(0.2)
            with engine.connect() as conn:
                stored = conn.execute(
                    sa.select(sa.func.count()).where(t.messages.c.external_id.not_like("sample-%"))
                ).scalar_one()
            if stored >= 20:
                break
        assert stored >= 20
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=20)
        engine.dispose()
    assert b"aliran contoh: 40 kiriman/detik" in out
