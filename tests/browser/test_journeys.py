"""The main journeys in a real browser: phone-sized for a kelurahan admin, desktop for
Diskominfo. Screenshots land in docs/ui/."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.services import audit
from paseban.storage import tables as t
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, shot

pytestmark = pytest.mark.browser


def by_css(driver: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def sign_in(
    driver: Any, base: str, username: str, *, size: tuple[int, int], name: str = ""
) -> None:
    driver.set_window_size(*size)
    driver.get(f"{base}/kasus")  # not signed in: sent to /masuk, and back after
    assert "/masuk" in driver.current_url
    by_css(driver, "#username").send_keys(username)
    by_css(driver, "#password").send_keys(PASSWORD)
    if name:
        shot(driver, name)
    by_css(driver, "button.primary").click()
    wait_until(driver, lambda d: "/masuk" not in d.current_url)
    assert driver.current_url.endswith("/kasus"), driver.current_url


def wait_until(driver: Any, condition: Any, seconds: float = 10) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, seconds).until(condition)


def no_console_errors(driver: Any) -> None:
    """The CSP allows no inline script or style: a violation would show up here."""
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_kelurahan_admin_answers_and_corrects_on_a_phone(
    live: tuple[str, Context], browser: Any
) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.select import Select

    base, ctx = live
    sign_in(browser, base, "lurah.batutulis", size=PHONE, name="phone-login")
    # keyboard: the first Tab reaches the skip link
    browser.get(f"{base}/kotak-masuk")
    by_css(browser, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Lewati ke isi halaman"
    shot(browser, "phone-inbox")
    assert "sampah di TPS" not in browser.page_source  # another kelurahan's account
    card = by_css(browser, "article.msg.urgency-normal, article.msg")
    assert "menunggu" in card.text
    # answer the lamp complaint with a template
    lamp = next(
        a for a in browser.find_elements("css selector", "article.msg") if "lampu jalan" in a.text
    )
    lamp.find_element("css selector", "details.act > summary").click()
    Select(lamp.find_element("css selector", "select[name=template]")).select_by_value(
        "aduan_diterima"
    )
    text = lamp.find_element("css selector", "textarea[name=text]")
    assert "{tiket}" in text.get_attribute("value")  # filled by paseban.js, edited by the admin
    text.send_keys(" Terima kasih.")
    shot(browser, "phone-reply")
    lamp.find_element("css selector", "form[action$='/balas'] button.primary").click()
    assert "Balasan dicatat" in by_css(browser, ".notice").text
    reply = audit.list_events(ctx, action="message.reply")[0]
    assert reply["actor"] == "lurah.batutulis" and "BGR-2611-" in reply["detail"]["text"]
    assert reply["detail"]["text"].endswith("Terima kasih.")
    # correct an analysis on the message page
    browser.get(f"{base}/kotak-masuk")
    question = next(
        a for a in browser.find_elements("css selector", "article.msg") if "posyandu" in a.text
    )
    question.find_element("link text", "Rincian & koreksi").click()
    # a value the model surely did not choose, so that the correction changes something
    Select(by_css(browser, "#fix-intent")).select_by_value("aspirasi")
    Select(by_css(browser, "#fix-topic")).select_by_value("sosial")
    shot(browser, "phone-message")
    by_css(browser, "form[action$='/koreksi'] button.primary").click()
    assert "Koreksi analisis disimpan" in by_css(browser, ".notice").text
    with ctx.engine.connect() as conn:
        fields = set(conn.execute(sa.select(t.analysis_corrections.c.field)).scalars())
    assert "topic" in fields
    browser.get(f"{base}/kasus")
    shot(browser, "phone-cases")
    no_console_errors(browser)


def test_kelurahan_admin_gets_403_for_another_kelurahan(
    live: tuple[str, Context], browser: Any
) -> None:
    base, ctx = live
    with ctx.engine.connect() as conn:
        ticket = conn.execute(
            sa.select(t.cases.c.ticket).where(
                t.cases.c.kelurahan == "32.71.05.1002", t.cases.c.topic == "sampah"
            )
        ).scalar_one()
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    browser.get(f"{base}/kasus/{ticket}")
    assert browser.title.startswith("Akses ditolak")
    assert "sampah" not in browser.page_source.lower()
    shot(browser, "phone-forbidden")
    denied = audit.list_events(ctx, action="access.denied")[0]
    assert denied["actor"] == "lurah.batutulis" and ticket in denied["target_id"]


def test_diskominfo_changes_a_setting_on_a_desktop(live: tuple[str, Context], browser: Any) -> None:
    from selenium.webdriver.support.select import Select

    base, ctx = live
    sign_in(browser, base, "operator", size=DESKTOP)
    shot(browser, "desktop-cases")
    browser.get(f"{base}/kasus?view=board")
    shot(browser, "desktop-board")
    browser.get(f"{base}/peta?period=semua")
    assert len(browser.find_elements("css selector", "svg.city-map circle")) == 68
    shot(browser, "desktop-map")
    browser.get(f"{base}/kotak-masuk?state=all")
    shot(browser, "desktop-inbox")
    case_url = browser.find_element("css selector", "a[href^='/kasus/BGR-']").get_attribute("href")
    browser.get(case_url)
    assert browser.title.startswith("Kasus BGR-")
    shot(browser, "desktop-case")
    # settings: move the topic "pju" to another OPD
    browser.get(f"{base}/pengaturan/topik")
    Select(by_css(browser, "#t-pju-opd")).select_by_value("DPUPR")
    shot(browser, "desktop-settings-topics")
    by_css(browser, "form[action='/pengaturan/topik/pju'] button.primary").click()
    assert "Perubahan disimpan" in by_css(browser, ".notice").text
    with ctx.engine.connect() as conn:
        assert (
            conn.execute(sa.select(t.topics.c.default_opd).where(t.topics.c.code == "pju")).scalar()
            == "DPUPR"
        )
    browser.get(f"{base}/pengaturan/riwayat")
    assert "topik diubah" in browser.page_source
    shot(browser, "desktop-audit")
    no_console_errors(browser)


def test_opd_officer_works_the_queue(live: tuple[str, Context], browser: Any) -> None:
    base, _ctx = live
    sign_in(browser, base, "petugas.dlh", size=PHONE)
    browser.get(f"{base}/")
    assert browser.current_url.endswith("/opd")
    assert "Antrean Dinas Lingkungan Hidup" in by_css(browser, "h1").text
    assert "sampah" in browser.page_source
    shot(browser, "phone-opd")
    browser.get(f"{base}/opd?opd=DPUPR")
    assert browser.title.startswith("Akses ditolak")
