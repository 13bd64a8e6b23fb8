"""Every page, as every role sees it, on a 360 px phone (issue 14): nothing wider than the screen,
no internal code where a person reads words, and no critical or serious WCAG 2.1 A/AA violation
that axe-core finds. The pages are found by crawling the sample city (tests/browser/site.py), so
a page added tomorrow is checked as soon as a link leads to it."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.security import tracking_key
from paseban.storage import tables as t
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE
from tests.browser import site
from tests.browser.conftest import _require_chromium, serve
from tests.conftest import IN_CI, T0, make_ctx

# one test process builds the crawl (a sample city, every page as every role: 90 s or more);
# spread over both, each process built it again
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("every-page")]

PHONE = (360, 800)
ROLES = [site.ANONYMOUS, *(role.value for role in Role)]


@dataclass(frozen=True)
class Site:
    base: str
    ctx: Context
    crawl: site.Crawl
    vocabulary: frozenset[str]
    tokens: dict[str, tuple[str, str | None]]


def seeds(ctx: Context) -> list[str]:
    """Pages a link reaches only in some states: the most escalated open case, the photos of a
    resolved case, and what a citizen opens without signing in."""
    with ctx.engine.connect() as conn:
        escalated = conn.execute(
            sa.select(t.cases.c.ticket)
            .join(t.case_stages, t.case_stages.c.case_id == t.cases.c.id)
            .where(t.case_stages.c.finished_at.is_(None))
            .order_by(t.case_stages.c.escalation_level.desc(), t.cases.c.id)
            .limit(1)
        ).scalar_one()
        resolved = conn.execute(
            sa.select(t.cases.c.ticket).where(t.cases.c.status == "resolved").limit(1)
        ).scalar_one()
    return [
        f"/kasus/{escalated}",
        f"/kasus/{resolved}/foto",
        f"/lacak/{escalated}?kunci={tracking_key(ctx.settings.secret_key, escalated)}",
        "/papan",
        "/lacak",
        "/kasus?view=board",
        "/pengalihan",  # linked from a case page only while a request to re-route is open
        f"/konten/media/{media_item(ctx)}",
    ]


def media_item(ctx: Context) -> int:
    """One photo in the media library (the sample city has none), so its page is checked too."""
    from paseban.content.approvals import Person
    from paseban.services.content import media
    from tests import mediafiles

    data = mediafiles.photo(1080, 1350, seed=5)
    operator = Person("operator", Role.DISKOMINFO, Scope())
    upload = media.Upload("kerja-bakti.jpg", io.BytesIO(data), len(data))
    return media.add_media(ctx, operator, upload, media.Details(alt_text="Kerja bakti warga"))


def vocabulary_codes(ctx: Context) -> frozenset[str]:
    """Codes whose word is not Indonesian, so that seeing one means a label is missing: statuses,
    actions, stages, roles, permissions, and the codes of OPDs (EXT_PLN, DLH alone)."""
    from paseban.content import approvals
    from paseban.domain import cases, sla
    from paseban.domain.auth import Permission

    vocabularies = (cases.Status, cases.Action, Role, Permission, approvals.Action)
    english = {m.value for enum in vocabularies for m in enum}
    english |= {stage.value for stage in sla.Stage}
    with ctx.engine.connect() as conn:
        opds = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())
    # an OPD's code that is also the short name in its official name is a name: RSUD, DLH
    opd_codes = {code for code, name in opds.items() if code not in name.split()}
    # ... or one of the short names in its brackets: "(DPKP/Damkar)"
    opd_codes -= {code for code, name in opds.items() if code in short_names(name)}
    indonesian = {"diskominfo", "konfirmasi", "verifikasi"}  # words a sentence may hold
    return frozenset((english | opd_codes) - indonesian)


def short_names(name: str) -> set[str]:
    return {
        part.strip() for found in re.findall(r"\(([^()]*)\)", name) for part in found.split("/")
    }


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    _require_chromium()
    folder = tmp_path_factory.mktemp("every-page")
    ctx = make_ctx(f"sqlite:///{folder / 'sample.db'}", clock=FixedClock(T0))
    site.sample_city(ctx)
    tokens = site.sessions(ctx)
    try:
        with serve(ctx) as base:
            extra = seeds(ctx)
            found = site.every_page(
                base, create_app(ctx, start_jobs=False), tokens, dict.fromkeys(tokens, extra)
            )
            yield Site(base, ctx, found, vocabulary_codes(ctx), tokens)
    finally:
        ctx.close()


def test_every_page_is_reached(city: Site) -> None:
    """Each page route answers some role through a link (or a seed above): none goes unchecked.
    Files (CSV, SVG, JSON, photos) are not pages and need no link here."""
    files = {"/foto/{name:path}", "/konten/sesi/{session_id}/qr.svg", "/lacak/{ticket}.json"}
    files |= {"/laporan/arsip/{name}"}
    # what the inbox's script polls (JSON and card fragments), and a media item's file and images
    files |= {"/kotak-masuk/baru", "/kotak-masuk/baru/kartu"}
    # the new-draft page's script fetches the chosen account's platform section (a fragment;
    # tests/browser/test_tiktok_new_draft.py walks it)
    files |= {"/konten/draf/baru/pengaturan"}
    files |= {f"/konten/media/{{media_id}}/{part}" for part in ("berkas", "kecil", "pratinjau")}
    # issue 19: a sign-in's start sends the browser to the platform, its return comes from the
    # platform, the pick page follows that return (tests/browser/test_onboarding.py walks them)
    files |= {"/pengaturan/akun/sambung/{key}/mulai", "/oauth/callback/{key}"}
    files |= {"/pengaturan/akun/sambung/pilih/{attempt}"}
    files |= {"/publik/media/{name}"}  # signed files for the platforms to fetch (issue 18)
    assert not city.crawl.errors, city.crawl.errors
    assert city.crawl.unreached <= files, sorted(city.crawl.unreached - files)
    assert len({p.key for p in city.crawl.pages}) > 40


def signed_in(driver: Any, city: Site, role: str) -> None:
    driver.set_window_size(*PHONE)
    driver.get(f"{city.base}/healthz")
    driver.delete_all_cookies()
    token = city.tokens[role][1]
    if token:
        driver.add_cookie({"name": SESSION_COOKIE, "value": token, "path": "/"})


def axe_ready() -> None:
    if site.AXE_JS.exists():
        return
    reason = f"axe-core is missing ({site.AXE_JS}): scripts/test installs it with npm ci"
    if IN_CI or os.environ.get("PASEBAN_TEST_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_fits_a_phone_and_speaks_words(city: Site, browser: Any, role: str) -> None:
    """At 360 px, as loaded and with every <details> opened: no horizontal scrolling, and no
    snake_case code, OPD code, scope, permission or UTC/ISO time in the visible text."""
    signed_in(browser, city, role)
    problems: list[str] = []
    pages = [p for p in city.crawl.pages if p.role == role]
    assert pages, f"no page found for {role or 'anonymous'}"
    for page in pages:
        browser.get(city.base + page.url)
        wide = site.overflow(browser)
        browser.execute_script(site.OPEN_DETAILS_JS)
        wide = wide or site.overflow(browser)
        if wide:
            problems.append(f"{page.url} overflows: {wide}")
        for column in browser.execute_script(site.UNLABELLED_JS):
            problems.append(f"{page.url}: cells of the column {column!r} have no data-label")
        for kind, code, text in site.visible_codes(browser, city.vocabulary):
            problems.append(f"{page.url} shows {kind} {code!r} in {text!r}")
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_a_table_is_still_a_table_for_screen_readers_on_a_phone(city: Site, browser: Any) -> None:
    """The phone's cards are made with CSS only: the accessibility tree still holds a table with
    its column headers and cells, so a screen reader reads "Status: Diteruskan ke OPD"."""
    signed_in(browser, city, Role.DISKOMINFO.value)
    browser.get(f"{city.base}/kasus")
    assert (
        browser.execute_script(
            "return getComputedStyle(document.querySelector('tbody tr')).display"
        )
        == "block"
    )
    nodes = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    roles = {node.get("role", {}).get("value") for node in nodes}
    assert {"table", "row", "columnheader", "cell"} <= roles, roles


def test_every_page_passes_axe(city: Site, browser: Any) -> None:
    """axe-core's WCAG 2.1 A and AA rules at 360 px, once per page (as the first role that
    reaches it, Diskominfo before the others, so every form is on the page)."""
    axe_ready()
    problems: list[str] = []
    checked: set[str] = set()
    current = None
    for page in sorted(city.crawl.pages, key=lambda p: p.role != Role.DISKOMINFO.value):
        if page.key in checked:
            continue
        checked.add(page.key)
        if page.role != current:
            signed_in(browser, city, page.role)
            current = page.role
        browser.get(city.base + page.url)
        browser.execute_script(site.OPEN_DETAILS_JS)
        problems += [f"{page.url}: {v}" for v in site.describe(site.axe_violations(browser))]
    assert not problems, "\n".join(problems)


def test_the_code_patterns_catch_what_issue_14_saw() -> None:
    """The examples of issue 14 are caught; words, tickets, numbers and local times are not."""
    vocabulary = frozenset({"verify", "EXT_PLN", "forwarded", "approve", "confirm"})
    for seen in (
        "default:jalan",
        "EXT_PLN",
        "verify",
        "camat:32.71.01",
        "create/submit/approve",
        "confirm/follow_up/verify",
        "messages:write",
        "2026-11-27T02:00:00+00:00",
        "27 Nov 2026 02:00 UTC",
        "banjir_longsor",
        "32.71.01.1001",
    ):
        assert site.codes_in(f"Rute: {seen}.", vocabulary), seen
    for fine in (
        "Tiket BGR-2612-C03808 diteruskan ke Dinas Lingkungan Hidup",
        "27 Nov 2026 09:00 WIB",
        "1.234 kasus, 45,5% tepat waktu",
        "sebelum/sesudah",
        "dan/atau",
        "air PDAM mati/kecil/keruh",
        "https://kotabogor.go.id/lacak",
        "Verifikasi oleh Diskominfo",
    ):
        assert not site.codes_in(fine, vocabulary), fine


def test_screenshots_are_not_written_into_the_docs() -> None:
    """The browser tests keep their screenshots in a temporary folder; docs/ui/ is written by
    scripts/ui_screenshots.py only."""
    from tests.browser import conftest

    assert not Path(conftest.SHOTS).resolve().is_relative_to(site.ROOT / "docs")
