"""Screenshots of the content pages for docs/content.md, in headless Chromium (Debian's chromium
and chromedriver, selenium). Needs the dashboard's sign-in (paseban.services.people.auth).

    .venv/bin/python scripts/content_screenshots.py [--out docs/content]

Builds a throwaway SQLite database with Kota Bogor's data and the sample (clock fixed at
27 Nov 2026 09:00 WIB), serves it on 127.0.0.1, signs in through a session cookie and saves one
PNG per page at phone (360 x 740) or desktop (1280 x 800) size."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = [
    # (file name, user, path, size)
    ("phone-draft", "lurah.batutulis", "/konten/draf/{posyandu}", "phone"),
    ("desktop-returned-draft", "lurah.tegalgundil", "/konten/draf/{walikota}", "desktop"),
    ("phone-checkin", "lurah.tegalgundil", "/konten/hadir?kode={code}", "phone"),
    ("phone-profile", "lurah.batutulis", "/konten/profil/32.71.01.1001", "phone"),
    ("desktop-home", "camat.bogorselatan", "/konten", "desktop"),
    ("desktop-calendar", "operator", "/konten/kalender", "desktop"),
    ("desktop-campaign", "operator", "/konten/kampanye/pilah-sampah-contoh", "desktop"),
    ("desktop-program", "operator", "/konten/program/cegah-stunting", "desktop"),
    ("desktop-ideas", "operator", "/konten/ide", "desktop"),
    ("desktop-session", "operator", "/konten/sesi/{kopdar}", "desktop"),
    ("desktop-training", "operator", "/konten/sesi/{training}", "desktop"),
    ("desktop-rules", "operator", "/konten/aturan", "desktop"),
]
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/content")
    args = parser.parse_args()
    import sqlalchemy as sa
    import uvicorn
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from paseban.boot import create_context
    from paseban.cli.init import load_sample
    from paseban.clock import FixedClock
    from paseban.services.people import auth
    from paseban.services.reference import store as reference
    from paseban.settings import Settings
    from paseban.storage import migrate
    from paseban.storage import tables as t
    from paseban.web.app import create_app
    from paseban.web.deps import SESSION_COOKIE

    work = Path(tempfile.mkdtemp(prefix="paseban-shots-"))
    ctx = create_context(
        Settings(database_url=f"sqlite:///{work / 'shots.db'}", secret_key="x", port=8765),
        clock=FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    load_sample(ctx)
    with ctx.engine.connect() as conn:
        ids = dict(conn.execute(sa.select(t.content_posts.c.title, t.content_posts.c.id)).all())
        sessions = conn.execute(
            sa.select(
                t.training_sessions.c.kind,
                t.training_sessions.c.id,
                t.training_sessions.c.checkin_code,
            )
        ).all()
    values = {
        "posyandu": ids["Posyandu Remaja"],
        "walikota": ids["Kunjungan walikota"],
        "kopdar": next(s.id for s in sessions if s.kind == "kopdar"),
        "training": next(s.id for s in sessions if s.kind == "pelatihan"),
        "code": next(s.checkin_code for s in sessions if s.kind == "kopdar"),
    }
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ctx, start_jobs=False),
            host="127.0.0.1",
            port=8765,
            log_level="warning",
            log_config=None,
            access_log=False,
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    profile = tempfile.mkdtemp(prefix="paseban-chromium-")
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--hide-scrollbars",
        "--lang=id",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        driver.get("http://127.0.0.1:8765/healthz")
        for name, user, path, size in PAGES:
            token = auth.open_session(ctx, user).token
            driver.delete_all_cookies()
            driver.add_cookie({"name": SESSION_COOKIE, "value": token, "path": "/"})
            driver.set_window_size(*SIZES[size])
            driver.get("http://127.0.0.1:8765" + path.format(**values))
            time.sleep(0.8)  # let the quality panel's first check arrive
            driver.save_screenshot(str(out / f"{name}.png"))
            print(f"{out / name}.png")
    finally:
        driver.quit()
        server.should_exit = True
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
