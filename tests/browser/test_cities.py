"""A province in a real browser (issue 17, item 5): on a 360 px phone the province operator
opens /kasus with Kota Bogor's and Kabupaten Bogor's cases, chooses Kabupaten Bogor in the
header's selector, sees that city's cases alone on this page and the next, and goes back to
every city; the page never scrolls sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from paseban.context import Context
from paseban.services.ingest import files
from paseban.services.people import accounts, auth
from paseban.services.reference import store as reference
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, shot
from tests.browser.site import overflow
from tests.browser.test_journeys import by_css, no_console_errors, sign_in, wait_until
from tests.factories import message, write_jsonl

pytestmark = pytest.mark.browser
KAB_ACCOUNTS = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,kel.pondokrajeg,3001,kelurahan,32.01.01.1001,Kelurahan Pondok Rajeg
"""


def _tickets(driver: Any) -> set[str]:
    text = by_css(driver, "main").text
    return {word for word in text.split() if word.startswith(("BGR-", "KBG-"))}


def test_the_province_operator_switches_city_on_a_phone(
    live: tuple[str, Context], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import Select

    base, ctx = live
    reference.load(ctx, "32.01")
    csv = tmp_path / "kab.csv"
    csv.write_text(KAB_ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, csv)
    kab_text = "sampah numpuk di pondok rajeg, bau banget"
    files.ingest_file(
        ctx, write_jsonl(tmp_path / "kab.jsonl", [message(90, kab_text, account="kel.pondokrajeg")])
    )
    accounts.add_user(
        ctx, "operator.provinsi", role="province_operator", full_name="Operator Jawa Barat"
    )
    auth.set_password(ctx, "operator.provinsi", PASSWORD, actor="cli")

    sign_in(browser, base, "operator.provinsi", size=PHONE)
    wait_until(browser, lambda d: "/kasus" in d.current_url)
    every = _tickets(browser)
    assert any(t.startswith("BGR-") for t in every) and any(t.startswith("KBG-") for t in every)
    # every city's list says whose each case is, by name, in the phone's cards
    cities = {e.text for e in browser.find_elements("css selector", "td.city-of")}
    assert cities == {"Kota Bogor", "Kabupaten Bogor"}
    shot(browser, "province-kasus-semua-360")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    chooser = Select(by_css(browser, "#kota-pilihan"))
    assert [o.text for o in chooser.options] == [
        "Semua kota/kabupaten",
        "Kota Bogor",
        "Kabupaten Bogor",
    ]
    chooser.select_by_visible_text("Kabupaten Bogor")
    by_css(browser, ".city-choice button").click()
    wait_until(browser, lambda d: "kota=32.01" in d.current_url)
    shot(browser, "province-kasus-kabupaten-bogor-360")
    one = _tickets(browser)
    assert one and all(t.startswith("KBG-") for t in one)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], width
    # the choice holds on the next page the operator opens
    browser.get(f"{base}/kasus?open=1")
    assert all(t.startswith("KBG-") for t in _tickets(browser))
    assert Select(by_css(browser, "#kota-pilihan")).first_selected_option.text == "Kabupaten Bogor"
    Select(by_css(browser, "#kota-pilihan")).select_by_visible_text("Semua kota/kabupaten")
    by_css(browser, ".city-choice button").click()
    wait_until(browser, lambda d: "kota=semua" in d.current_url)
    assert _tickets(browser) == every
    no_console_errors(browser)
    # at a desk (1366 px) the list of every city keeps its city column within the page
    browser.set_window_size(1366, 800)
    browser.get(f"{base}/kasus")
    shot(browser, "province-kasus-semua-1366")
    assert overflow(browser) is None, overflow(browser)
    # on a small laptop (1024 px) the table is wider than the window: it scrolls in its own
    # box, the page does not (the page scrolled sideways before)
    browser.set_window_size(1024, 768)
    browser.get(f"{base}/kasus")
    shot(browser, "province-kasus-semua-1024")
    assert overflow(browser) is None, overflow(browser)
    # at a desk, the report of every city puts a dozen measures side by side, within the page
    browser.set_window_size(*DESKTOP)
    browser.get(f"{base}/laporan?kota=semua")
    assert "Setiap kota/kabupaten" in by_css(browser, "main").text
    assert "Laporan untuk pimpinan daerah" in by_css(browser, "main").text
    shot(browser, "province-laporan-semua-1366")
    assert overflow(browser) is None, overflow(browser)


def test_a_citizen_opens_a_citys_board_on_a_phone(
    live: tuple[str, Context], browser: Any, tmp_path: Path
) -> None:
    """/papan of a province lists its cities; a citizen taps Kabupaten Bogor and reads that
    city's board (its name in the title and heading, its kelurahan), without sideways scroll."""
    base, ctx = live
    reference.load(ctx, "32.01")
    csv = tmp_path / "kab.csv"
    csv.write_text(KAB_ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, csv)
    browser.set_window_size(*PHONE)
    browser.get(f"{base}/papan")
    links = [a.text for a in browser.find_elements("css selector", ".city-list a")]
    assert links == ["Kota Bogor", "Kabupaten Bogor"]
    shot(browser, "papan-kota-kabupaten-360")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    by_css(browser, ".city-list li:nth-child(2) a").click()
    wait_until(browser, lambda d: "kota=32.01" in d.current_url)
    assert browser.title == "Papan responsivitas · Kabupaten Bogor"
    assert "Kabupaten Bogor" in by_css(browser, "h1").text
    assert "Pondok Rajeg" in by_css(browser, "main").text
    shot(browser, "papan-kabupaten-bogor-360")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], width
    no_console_errors(browser)
