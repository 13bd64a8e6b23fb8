"""Headless Chromium against a live server on 127.0.0.1. Debian's chromium and chromium-driver
only (scripts/test installs them in CI or with PASEBAN_TEST_BROWSER=1); nothing is downloaded.
Without them the browser tests skip, except in CI, where they fail."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.ingest import files
from paseban.services.people import accounts, auth
from paseban.web.app import create_app
from tests.conftest import IN_CI, T0, _sqlite_url, make_ctx
from tests.factories import message, with_accounts, write_jsonl
from tests.fakes.server import serve_asgi

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# screenshots of the journeys, to look at after a run; docs/ui/ is scripts/ui_screenshots.py's
SHOTS = Path(tempfile.gettempdir()) / "paseban-browser-shots"
PASSWORD = "sandi-uji-browser"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PHONE = (360, 740)
DESKTOP = (1280, 800)

USERS = {
    "lurah.batutulis": ("kelurahan_admin", "32.71.01.1001"),
    "lurah.tegalgundil": ("kelurahan_admin", "32.71.05.1002"),
    "operator": ("diskominfo", None),
    "petugas.dlh": ("opd_officer", "DLH"),
}

MESSAGES = [
    message(1, "min lampu jalan di jl. batutulis mati udah seminggu, gelap bgt kalau malam"),
    message(
        2,
        "sampah di TPS kel. tegal gundil numpuk 4 hari ga diangkut",
        account="kelurahan.tegalgundil",
    ),
    message(
        3,
        "jalan berlubang di dekat prasasti batutulis bahaya buat motor",
        time="2026-11-26T16:20:00+07:00",
    ),
    message(4, "kapan ya posyandu bulan ini min?", time="2026-11-27T07:10:00+07:00"),
    message(5, "got mampet di rt 03 empang, air meluber ke jalan", account="kelurahan.tegalgundil"),
]


def _require_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    if missing:
        reason = (
            f"browser tests need {', '.join(missing)} "
            "(scripts/test installs them when CI=true or PASEBAN_TEST_BROWSER=1)"
        )
        if IN_CI or os.environ.get("PASEBAN_TEST_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Context]]:
    """A served Paseban with sample accounts, users (password PASSWORD) and messages."""
    _require_chromium()
    ctx = make_ctx(_sqlite_url(sqlite_template, tmp_path), clock=FixedClock(T0))
    with_accounts(ctx, tmp_path)
    for name, (role, scope) in USERS.items():
        accounts.add_user(ctx, name, role=role, scope=scope, full_name=name.title())
        auth.set_password(ctx, name, PASSWORD, actor="cli")
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", MESSAGES))
    try:
        with serve(ctx) as base:
            yield base, ctx
    finally:
        ctx.close()


@contextmanager
def serve(ctx: Context, port: int | None = None) -> Iterator[str]:
    """Serve the app for `ctx` on a free port of 127.0.0.1 (or `port`, when the settings
    already name it as PASEBAN_BASE_URL); yields its base URL."""
    with serve_asgi(create_app(ctx, start_jobs=False), port=port) as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Any]:
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="paseban-chromium-")
    options = webdriver.ChromeOptions()
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--lang=id", "--hide-scrollbars"):
        options.add_argument(flag)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: Any, name: str) -> None:
    """Save a screenshot in SHOTS, a temporary folder (never the checkout's docs/ui/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
