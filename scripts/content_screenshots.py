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
    # the media library and the editor (issue 18)
    ("phone-media-library", "lurah.batutulis", "/konten/media", "phone-full"),
    ("phone-media-editor", "lurah.batutulis", "/konten/draf/{carousel}#media", "phone"),
    ("phone-media-preview", "lurah.batutulis", "/konten/draf/{carousel}#pv-title", "phone"),
    ("desktop-media-library", "operator", "/konten/media", "desktop-full"),
    ("desktop-media-item", "lurah.batutulis", "/konten/media/{photo}", "desktop"),
    ("desktop-media-editor", "lurah.batutulis", "/konten/draf/{carousel}", "desktop-full"),
    # publishing (issue 18, phase 2): a carousel published through the fake Graph API
    ("phone-published", "lurah.batutulis", "/konten/draf/{published}#pub-title", "phone"),
    ("desktop-published", "lurah.batutulis", "/konten/draf/{published}", "desktop-full"),
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
        Settings(
            database_url=f"sqlite:///{work / 'shots.db'}",
            secret_key="x",
            port=8765,
            media_dir=str(work / "media"),
        ),
        clock=FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    migrate.upgrade(ctx.engine)
    reference.load(ctx, "32.71")
    load_sample(ctx)
    made = media_sample(ctx)
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
        **made,
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
    values["published"] = publish_sample(ctx, "http://127.0.0.1:8765")
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
            width, height = SIZES[size.removesuffix("-full")]
            driver.set_window_size(width, height)
            driver.get("http://127.0.0.1:8765" + path.format(**values))
            time.sleep(0.8)  # let the quality panel's first check arrive
            if size.endswith("-full"):  # the whole page, not only the first screen
                full = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, min(int(full) + 20, 4000))
                time.sleep(0.5)
            driver.save_screenshot(str(out / f"{name}.png"))
            print(f"{out / name}.png")
    finally:
        driver.quit()
        server.should_exit = True
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def picture(kind: str, seed: int, size: tuple[int, int] = (1080, 1350)) -> bytes:
    """A drawn stand-in for a photo or a poster (nothing is downloaded)."""
    import io
    import random

    from PIL import Image, ImageDraw, ImageFont

    rnd = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, (135, 190, 230))
    draw = ImageDraw.Draw(image)
    if kind == "poster":
        image.paste((18, 110, 100), (0, 0, width, height))
        big = ImageFont.load_default(size=96)
        small = ImageFont.load_default(size=44)
        draw.text((70, 120), "PEKAN", fill="white", font=big)
        draw.text((70, 230), "PILAH SAMPAH", fill="white", font=big)
        draw.text((70, 370), "Sabtu, 08.00 WIB · Bank Sampah RW", fill=(255, 230, 150), font=small)
        for i, colour in enumerate(((46, 160, 67), (240, 180, 30), (200, 60, 50))):
            x = 120 + i * 300
            draw.rounded_rectangle((x, 700, x + 220, 1100), 30, fill=colour)
            draw.rectangle((x - 10, 670, x + 230, 710), fill=(30, 30, 30))
    else:
        horizon = height * rnd.randint(40, 55) // 100
        draw.rectangle((0, horizon, width, height), fill=(86, 150, 70))
        draw.ellipse((width - 260, 80, width - 110, 230), fill=(255, 220, 120))
        for _ in range(5):
            x = rnd.randint(0, width - 200)
            h = rnd.randint(120, 260)
            draw.rectangle((x, horizon - h, x + 180, horizon), fill=(rnd.randint(150, 230),) * 3)
            draw.polygon(
                [(x - 20, horizon - h), (x + 90, horizon - h - 90), (x + 200, horizon - h)],
                fill=(170, 70, 50),
            )
        for _ in range(6):
            x, y = rnd.randint(40, width - 40), rnd.randint(horizon + 40, height - 120)
            draw.ellipse((x - 18, y - 90, x + 18, y - 54), fill=(90, 60, 40))
            draw.rounded_rectangle((x - 26, y - 54, x + 26, y + 30), 10, fill=(30, 80, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def media_sample(ctx: object) -> dict[str, int]:
    """A kit poster, three photos of a kelurahan and a carousel draft from the kit."""
    import io

    from paseban.services.content import access, kits, media_files, programs
    from paseban.services.content import media as library
    from paseban.services.people import accounts

    operator = access.person(ctx, "operator")  # type: ignore[arg-type]
    lurah = access.person(ctx, "lurah.batutulis")  # type: ignore[arg-type]

    def add(who: object, name: str, data: bytes, **details: object) -> int:
        return library.add_media(
            ctx,  # type: ignore[arg-type]
            who,  # type: ignore[arg-type]
            library.Upload(name, io.BytesIO(data), len(data)),
            library.Details(**details),  # type: ignore[arg-type]
        )

    poster = add(
        operator,
        "poster-pilah-sampah-feed.jpg",
        picture("poster", 1),
        alt_text="Poster Pekan Pilah Sampah: tiga tong sampah hijau, kuning dan merah",
        source="Diskominfo Kota Bogor",
    )
    kits.add_asset(ctx, operator, "pilah-sampah-contoh", poster, "feed")  # type: ignore[arg-type]
    photos = [
        add(
            lurah,
            f"kerja-bakti-rw03-{n}.jpg",
            picture("photo", 10 + n, size),
            alt_text=alt,
            credit="Dok. Kelurahan Batu Tulis",
            kelurahan="32.71.01.1001",
        )
        for n, (size, alt) in enumerate(
            (
                ((1080, 1350), "Warga RW 03 memilah sampah di depan balai RW"),
                ((1080, 1350), ""),
                ((1440, 1080), "Petugas DLH mengangkut sampah residu"),
            ),
            start=1,
        )
    ]
    account = next(
        a["id"]
        for a in accounts.list_accounts(ctx)
        if a["handle"] == "kelurahan.batutulis"  # type: ignore[arg-type]
    )
    post_id = programs.adapt_for_account(ctx, lurah, "pilah-sampah-contoh", account)  # type: ignore[arg-type]
    media_files.attach(ctx, lurah, post_id, photos)  # type: ignore[arg-type]
    return {"carousel": post_id, "photo": photos[0]}


def publish_sample(ctx: object, base: str) -> int:
    """A carousel of Batu Tulis approved by the camat and published by the outbox through the
    fake Graph API the tests use (tests/fakes/graph.py), which fetches every photo from the
    signed links of the server this script runs; returns the post's id."""
    import dataclasses
    import io
    from datetime import timedelta

    from paseban.services.content import access, post_media, publishing
    from paseban.services.content import media as library
    from paseban.services.content import posts as content
    from paseban.services.ingest import outbox
    from paseban.services.people import accounts
    from paseban.services.people import credentials as creds
    from tests.fakes.graph import FakeGraph
    from tests.fakes.server import client_to, serve_asgi

    lurah = access.person(ctx, "lurah.batutulis")  # type: ignore[arg-type]
    camat = access.person(ctx, "camat.bogorselatan")  # type: ignore[arg-type]
    ids = [
        library.add_media(
            ctx,  # type: ignore[arg-type]
            lurah,
            library.Upload(f"posyandu-{n}.jpg", io.BytesIO(data), len(data)),
            library.Details(alt_text=alt, kelurahan="32.71.01.1001"),
        )
        for n, (data, alt) in enumerate(
            (
                (picture("photo", 30), "Kader posyandu menimbang bayi di Balai RW 05"),
                (picture("photo", 31), "Ibu-ibu antre dengan buku KIA di Balai RW 05"),
            )
        )
    ]
    account = next(
        a["id"]
        for a in accounts.list_accounts(ctx)  # type: ignore[arg-type]
        if a["handle"] == "kelurahan.batutulis" and a["platform"] == "instagram"
    )
    creds.set_token(ctx, "instagram", "kelurahan.batutulis", "EAAGpageTokenMadeUp", actor="x")  # type: ignore[arg-type]
    ctx.settings = dataclasses.replace(ctx.settings, public_url=base)  # type: ignore[attr-defined]
    post_id = content.create_post(
        ctx,  # type: ignore[arg-type]
        lurah,
        content.PostInput(
            account,
            "Posyandu Balai RW 05 buka lagi Sabtu ini pukul 08.00. Bawa buku KIA, ya! "
            "#KotaBogor #PosyanduBatuTulis",
            title="Posyandu RW 05",
            scheduled_at=ctx.now() + timedelta(minutes=30),  # type: ignore[attr-defined]
            media=post_media.MediaChoice(post_media.attach_refs(ids, [])),
        ),
    )
    content.act(ctx, lurah, post_id, "submit")  # type: ignore[arg-type]
    content.act(ctx, camat, post_id, "approve")  # type: ignore[arg-type]
    ctx.clock.advance(timedelta(minutes=31))  # type: ignore[attr-defined]
    graph = FakeGraph()
    with serve_asgi(graph.app()) as fake, client_to({"graph.facebook.com": fake}) as client:
        for _ in range(5):
            publishing.publish_due(ctx)  # type: ignore[arg-type]
            outbox.send_due(ctx, client=client)  # type: ignore[arg-type]
            ctx.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
        publishing.publish_due(ctx)  # type: ignore[arg-type]
    return post_id


if __name__ == "__main__":
    main()
