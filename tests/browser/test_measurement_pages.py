"""Measurement in a real browser: a kelurahan admin logs a field visit on a phone with a photo and
the location from the browser (static/lapangan.js under the CSP), and Diskominfo reads the
leaderboards and the report of three months of sample data on a desktop. Screenshots land in
docs/ui/."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.people import auth
from paseban.storage import tables as t
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, _require_chromium, serve, shot
from tests.browser.test_journeys import (
    by_css,
    no_console_errors,
    scroll_to,
    sign_in,
    wait_until,
)
from tests.conftest import T0, _sqlite_url, make_ctx

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("sample")]  # shares the sample
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def sample_live(sqlite_sample_template: Path, tmp_path: Path) -> Iterator[tuple[str, Context]]:
    """A served Paseban with the three months of sample measurement data."""
    _require_chromium()
    ctx = make_ctx(_sqlite_url(sqlite_sample_template, tmp_path), clock=FixedClock(T0))
    ctx.settings = dataclasses.replace(ctx.settings, media_dir=str(tmp_path / "media"))
    for name in ("operator", "lurah.batutulis"):
        auth.set_password(ctx, name, PASSWORD, actor="cli")
    try:
        with serve(ctx) as base:
            yield base, ctx
    finally:
        ctx.close()


def test_a_field_visit_from_a_phone_with_the_browsers_location(
    sample_live: tuple[str, Context], browser: Any, tmp_path: Path
) -> None:
    base, ctx = sample_live
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    # the phone says where it is (as a real phone would, once the user allows it)
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": base, "permissions": ["geolocation"]}
    )
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride",
        {"latitude": -6.62161, "longitude": 106.80873, "accuracy": 9},
    )
    browser.get(f"{base}/kunjungan")
    wait_until(browser, lambda d: "Lokasi: -6.62161" in by_css(d, "[data-geo-status]").text)
    by_css(browser, "#purpose").send_keys("sapa warga dan cek saluran di gang mawar")
    photo = tmp_path / "saluran.jpg"
    photo.write_bytes(JPEG)
    by_css(browser, "#photo").send_keys(str(photo))
    shot(browser, "phone-visit")
    by_css(browser, "form[action='/kunjungan'] button.primary").click()
    assert "Data baru disimpan" in by_css(browser, ".notice").text
    with ctx.engine.connect() as conn:
        visit = (
            conn.execute(
                sa.select(t.field_visits).where(t.field_visits.c.purpose.contains("gang mawar"))
            )
            .mappings()
            .one()
        )
    assert (visit["lat"], visit["lon"], visit["accuracy_m"]) == (-6.62161, 106.80873, 9.0)
    assert visit["unit_code"] == "32.71.01.1001" and visit["photo"]
    no_console_errors(browser)


def test_diskominfo_reads_the_leaderboards_and_the_report(
    sample_live: tuple[str, Context], browser: Any
) -> None:
    base, _ = sample_live
    sign_in(browser, base, "operator", size=DESKTOP)
    browser.get(f"{base}/peringkat?kind=monthly&period=2026-10")
    ranked = browser.find_elements("css selector", "#responsiveness-kelurahan tbody tr")
    assert len(ranked) > 40
    shot(browser, "desktop-leaderboards")
    browser.get(f"{base}/perlu-didorong")
    assert "Saran tindakan" in browser.page_source
    browser.get(f"{base}/peringatan")
    assert "Tanggapi" in browser.page_source  # the sample's flood burst
    shot(browser, "desktop-alerts")
    browser.get(f"{base}/laporan?kind=monthly&period=2026-10")
    assert len(browser.find_elements("css selector", ".report svg")) >= 3
    shot(browser, "desktop-report")
    no_console_errors(browser)


def test_a_lurah_reads_her_own_scorecard_on_a_phone(
    sample_live: tuple[str, Context], browser: Any
) -> None:
    base, _ = sample_live
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    browser.get(f"{base}/peringkat?kind=monthly&period=2026-10")
    # her kelurahan is marked on the leaderboard and leads to its scorecard
    mine = by_css(browser, "#responsiveness-kelurahan tr.mine a")
    assert mine.text == "Batu Tulis"
    mine.click()
    wait_until(browser, lambda d: "Semua ukuran" in d.page_source)
    assert browser.current_url.endswith(
        "/peringkat/kelurahan/32.71.01.1001?kind=monthly&period=2026-10"
    )
    assert "Pesan warga dijawab" in browser.page_source
    assert "Instagram @kelurahan.batutulis" in browser.page_source
    width = browser.execute_script("return document.documentElement.scrollWidth")
    # the account table scrolls inside its box, and the menu (with the alert badge: the flood
    # in Batu Tulis) inside its own, not the page
    assert "belum ditanggapi" in by_css(browser, "header nav").get_attribute("innerHTML")
    assert width <= PHONE[0], width
    scroll_to(browser, by_css(browser, "table.scorecard"))
    shot(browser, "phone-scorecard")
    no_console_errors(browser)
