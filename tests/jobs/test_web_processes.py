"""Several web processes (`paseban serve --workers N`): sessions and login limits live in the
database, so they hold whichever process answers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.context import Context
from paseban.services.people import accounts, auth
from paseban.settings import Settings
from paseban.web.app import create_app
from tests.conftest import MEDIA_DIR, REPORTS_DIR, make_ctx
from tests.jobs.cluster import ROOT, wait_for

PASSWORD = "Kata-Sandi-Panjang-2026"


def with_operator(ctx: Context) -> None:
    accounts.add_user(ctx, "operator", role="diskominfo", scope=None, full_name="Operator")
    auth.set_password(ctx, "operator", PASSWORD, actor="cli")


def form_login(client: TestClient | httpx.Client, password: str) -> Any:
    page = client.get("/masuk")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, page.text
    return client.post(
        "/masuk",
        data={"username": "operator", "password": password, "csrf": csrf.group(1)},
        follow_redirects=False,
    )


@pytest.fixture
def two_processes(db_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps with two contexts on one database: what two processes share is the database."""
    first, second = make_ctx(db_url), make_ctx(db_url)
    with_operator(first)
    with (
        TestClient(create_app(first, start_jobs=False), base_url="http://localhost") as a,
        TestClient(create_app(second, start_jobs=False), base_url="http://localhost") as b,
    ):
        yield a, b
    first.close()
    second.close()


def test_a_session_opened_in_one_process_holds_in_another(
    two_processes: tuple[TestClient, TestClient],
) -> None:
    a, b = two_processes
    assert form_login(a, PASSWORD).status_code == 303
    b.cookies = a.cookies
    signed_in = b.get("/masuk", follow_redirects=False)  # a signed-in user is sent on
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"


def test_wrong_passwords_count_across_processes(
    two_processes: tuple[TestClient, TestClient],
) -> None:
    a, b = two_processes
    for n in range(auth.POLICY.max_failures - 1):  # half in each process
        assert form_login((a, b)[n % 2], "tebakan-salah").status_code == 401
    assert form_login(a, "tebakan-salah").status_code == 429  # the one too many locks the name
    refused = form_login(b, PASSWORD)  # even the right password, until the lock ends
    assert refused.status_code == 429 and "dikunci" in refused.text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.postgres
def test_serve_with_two_workers_answers_from_two_processes(pg_url: str, tmp_path: Path) -> None:
    setup = create_context(
        Settings(database_url=pg_url, reports_dir=REPORTS_DIR, media_dir=MEDIA_DIR),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    with_operator(setup)
    setup.close()
    port = free_port()
    env = os.environ | {
        "PASEBAN_DATABASE_URL": pg_url,
        "PASEBAN_LOG_LEVEL": "WARNING",
        "PASEBAN_REPORTS_DIR": str(tmp_path / "laporan"),
        "PASEBAN_MEDIA_DIR": str(tmp_path / "media"),
    }
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "paseban", "serve", "--workers", "2", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"

    def processes() -> list[str]:
        path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        return path.read_text().split() if path.exists() else []

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(lambda: healthy() and len(processes()) >= 2, 90, lambda: log.read_text())
        with httpx.Client(base_url=base) as client:
            assert form_login(client, PASSWORD).status_code == 303
            cookies = client.cookies
        for _ in range(12):  # a new connection each time: any process may answer
            with httpx.Client(base_url=base, cookies=cookies) as fresh:
                response = fresh.get("/masuk", follow_redirects=False)
                assert response.status_code == 303, response.text
    finally:
        server.terminate()
        server.wait(30)


def test_several_web_processes_need_postgresql(sqlite_ctx: Context) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "paseban", "serve", "--workers", "2", "--port", str(free_port())],
        env=os.environ | {"PASEBAN_DATABASE_URL": sqlite_ctx.settings.database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "--workers lebih dari 1 butuh PostgreSQL" in result.stderr
