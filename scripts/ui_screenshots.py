"""Screenshots of every page of the dashboard for docs/ui/, at a phone's 360 x 800 and a desktop's
1366 x 900, from the sample city (what `paseban init --sample` loads, clock fixed at 27 Nov 2026
09:00 WIB). The pages are found the way the browser tests find them (tests/browser/site.py):
by signing in as one user of every role and following the links, so a new page gets its
screenshots on the next run. Needs Debian's chromium and chromedriver (scripts/test installs
them with CI=true or PASEBAN_TEST_BROWSER=1).

    .venv/bin/python scripts/ui_screenshots.py [--out docs/ui] [--doc docs/ui.md]

Replaces every PNG in --out and the gallery between the markers in --doc. The browser tests never
write here: their own screenshots go to a temporary folder."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = {"phone": (360, 800), "desktop": (1366, 900)}
# whose view of a page each size shows: a kelurahan admin or an OPD officer on a phone,
# Diskominfo at a desk; a page the first cannot open is shown as the next one sees it
PREFERRED = {
    "phone": ("kelurahan_admin", "opd_officer", "kecamatan_admin", "viewer", "diskominfo", ""),
    "desktop": ("diskominfo", "viewer", "kecamatan_admin", "opd_officer", "kelurahan_admin", ""),
}
ROLE_NAMES = {
    "": "tanpa masuk",
    "diskominfo": "Diskominfo",
    "kecamatan_admin": "admin kecamatan",
    "kelurahan_admin": "admin kelurahan",
    "opd_officer": "petugas OPD",
    "viewer": "pimpinan",
}
BEGIN = "<!-- screenshots: begin (scripts/ui_screenshots.py writes this part) -->"
END = "<!-- screenshots: end -->"


def shot_key(key: str) -> str:
    """One screenshot per page and view: filters and pages of a list are the same page."""
    path, _, query = key.partition("?")
    views = [part for part in query.split("&") if "=" in part]
    return path + (f"?{'&'.join(views)}" if views else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/ui")
    parser.add_argument("--doc", default="docs/ui.md")
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from paseban.clock import FixedClock
    from paseban.web.app import create_app
    from paseban.web.deps import SESSION_COOKIE
    from tests.browser import site
    from tests.browser.conftest import FLAGS, serve
    from tests.conftest import make_ctx

    work = Path(tempfile.mkdtemp(prefix="paseban-ui-shots-"))
    ctx = make_ctx(
        f"sqlite:///{work / 'sample.db'}",
        clock=FixedClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)),
    )
    site.sample_city(ctx)
    tokens = site.sessions(ctx)
    options = webdriver.ChromeOptions()
    for flag in (*FLAGS, f"--user-data-dir={work / 'profile'}", "--lang=id", "--hide-scrollbars"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    gallery: list[tuple[str, str, str, str]] = []  # (page, size, role, file)
    try:
        with serve(ctx) as base:
            found = site.every_page(base, create_app(ctx, start_jobs=False), tokens, {})
            by_key: dict[str, dict[str, site.Page]] = {}
            for page in found.pages:
                by_key.setdefault(shot_key(page.key), {}).setdefault(page.role, page)
            for key in sorted(by_key):
                for size, (width, height) in SIZES.items():
                    role = next(r for r in PREFERRED[size] if r in by_key[key])
                    page = by_key[key][role]
                    driver.get(f"{base}/healthz")
                    driver.delete_all_cookies()
                    token = tokens[role][1]
                    if token:
                        driver.add_cookie({"name": SESSION_COOKIE, "value": token, "path": "/"})
                    driver.set_window_size(width, height)
                    driver.get(base + page.url)
                    name = f"{size}-{site.Page(role, '', '', key).name}.png"
                    driver.save_screenshot(str(out / name))
                    gallery.append((key, size, role, name))
                    print(out / name)
    finally:
        driver.quit()
        ctx.close()
        shutil.rmtree(work, ignore_errors=True)
    write_gallery(Path(args.doc), out, gallery)


def write_gallery(doc: Path, out: Path, gallery: list[tuple[str, str, str, str]]) -> None:
    """The table of screenshots in docs/ui.md, between the markers (the rest is left alone)."""
    folder = out.relative_to(doc.parent) if out.is_relative_to(doc.parent) else out
    rows = ["| page | phone (360 × 800) | desktop (1366 × 900) |", "| --- | --- | --- |"]
    pages: dict[str, dict[str, tuple[str, str]]] = {}
    for key, size, role, name in gallery:
        pages.setdefault(key, {})[size] = (role, name)
    for key, shots in pages.items():
        cells = [
            f"[![{key}, {ROLE_NAMES[role]}]({folder}/{name})]({folder}/{name}) {ROLE_NAMES[role]}"
            for role, name in (shots["phone"], shots["desktop"])
        ]
        rows.append(f"| `{key}` | {cells[0]} | {cells[1]} |")
    text = doc.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{chr(10).join(rows)}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{doc}: the markers {BEGIN!r} and {END!r} are missing")
    doc.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


if __name__ == "__main__":
    main()
