"""The main journeys in a real browser: phone-sized for a kelurahan admin, desktop for
Diskominfo. Screenshots land in docs/ui/."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.cases import Actor
from paseban.services.cases import actions
from paseban.services.ingest import files
from paseban.services.people import audit
from paseban.storage import tables as t
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, shot
from tests.factories import message, write_jsonl

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
    lamp.find_element("css selector", "details.reply > summary").click()
    # the one-tap replies come first; this admin writes their own, starting from a template
    lamp.find_element("css selector", "details.own > summary").click()
    Select(lamp.find_element("css selector", "select[name=template]")).select_by_value("received")
    text = lamp.find_element("css selector", "textarea[name=text]")
    assert "{tiket}" in text.get_attribute("value")  # filled by paseban.js, edited by the admin
    text.send_keys(" Terima kasih.")
    shot(browser, "phone-reply")
    lamp.find_element("css selector", "details.own button.primary").click()
    # sent without leaving the page: the card says so where it stands
    wait_until(browser, lambda d: lamp.find_elements("css selector", ".done-line"))
    assert "Balasan dicatat" in lamp.find_element("css selector", ".done-line").text
    reply = audit.list_events(ctx, action="message.reply")[0]
    assert reply["actor"] == "lurah.batutulis" and "BGR-2611-" in reply["detail"]["text"]
    assert reply["detail"]["text"].endswith("Terima kasih.")
    # correct an analysis on the message page
    browser.get(f"{base}/kotak-masuk")
    question = next(
        a for a in browser.find_elements("css selector", "article.msg") if "posyandu" in a.text
    )
    question.find_element("css selector", "a.open").click()  # "Buka": details and correction
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
    assert denied["actor"] == "lurah.batutulis" and ticket in (denied["target_id"] or "")


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


def open_form(driver: Any, selector: str) -> Any:
    """Open the <details> that holds a form (by its summary, as a person would) and return the
    form."""
    wait_until(driver, lambda d: d.find_elements("css selector", selector))
    form = by_css(driver, selector)
    details = form.find_element("xpath", "./ancestor::details[1]")
    if details.get_attribute("open") is None:
        details.find_element("css selector", "summary").click()
    wait_until(driver, lambda d: form.is_displayed())
    return form


def scroll_to(driver: Any, element: Any) -> None:
    """Bring an element into view for a screenshot (WebDriver's own call, not page script)."""
    assert element.location_once_scrolled_into_view is not None


def test_opd_officer_resolves_a_case_on_a_phone(live: tuple[str, Context], browser: Any) -> None:
    base, ctx = live
    with ctx.engine.connect() as conn:
        ticket = str(
            conn.execute(sa.select(t.cases.c.ticket).where(t.cases.c.opd == "DLH")).scalar()
        )
    actions.act(ctx, ticket, "forward", actor=Actor("operator"))  # Diskominfo forwarded it
    sign_in(browser, base, "petugas.dlh", size=PHONE)
    browser.get(f"{base}/")
    assert browser.current_url.endswith("/opd")
    assert "Antrean Dinas Lingkungan Hidup" in by_css(browser, "h1").text
    assert "sisa" in by_css(browser, "table.cases").text  # the deadline, earliest first
    shot(browser, "phone-opd")
    browser.find_element("link text", ticket).click()
    wait_until(browser, lambda d: d.title.startswith(f"Kasus {ticket}"))
    assert "Tindak lanjut OPD" in by_css(browser, "table.clocks").text
    shot(browser, "phone-case-opd")
    # accept: the case is now in progress
    open_form(browser, "form[action$='/aksi/start']").find_element("css selector", "button").click()
    wait_until(browser, lambda d: "ok=kasus_start" in d.current_url)
    assert "Kasus diterima dan sedang ditangani" in by_css(browser, ".notice").text
    # resolve with what was done and a photo link
    resolve = open_form(browser, "form[action$='/aksi/resolve']")
    by_css(browser, "#a-resolve-public").send_keys("Sampah sudah diangkut truk DLH pagi ini.")
    by_css(browser, "#a-resolve-photo").send_keys("https://foto.example/tps-tegalgundil.jpg")
    scroll_to(browser, resolve)
    shot(browser, "phone-resolve")
    by_css(browser, "form[action$='/aksi/resolve'] button").click()
    wait_until(browser, lambda d: "ok=kasus_resolve" in d.current_url)
    assert "warga ditanya apakah sudah beres" in by_css(browser, ".notice").text
    assert "Selesai ditangani" in by_css(browser, "h1 .status").text
    note = by_css(browser, "article.note")
    assert "Sampah sudah diangkut" in note.text
    assert (
        note.find_element("link text", "Lihat foto")
        .get_attribute("href")
        .endswith("tps-tegalgundil.jpg")
    )
    scroll_to(browser, note)
    shot(browser, "phone-case-resolved")
    with ctx.engine.connect() as conn:
        status = conn.execute(sa.select(t.cases.c.status).where(t.cases.c.ticket == ticket))
        assert status.scalar() == "resolved"
        asked = conn.execute(sa.select(t.outbox.c.text).order_by(t.outbox.c.id.desc())).scalar()
    assert asked is not None and "Balas SUDAH atau BELUM" in asked
    # nothing more for the officer to do; another OPD's queue stays closed
    assert not browser.find_elements("css selector", "form[action*='/aksi/']")
    no_console_errors(browser)
    browser.get(f"{base}/opd?opd=DPUPR")
    assert browser.title.startswith("Akses ditolak")


def test_diskominfo_changes_a_routing_rule_and_the_next_complaint_follows_it(
    live: tuple[str, Context], browser: Any, tmp_path: Any
) -> None:
    from selenium.webdriver.support.select import Select

    base, ctx = live
    sign_in(browser, base, "operator", size=DESKTOP)
    browser.get(f"{base}/pengaturan/aturan")
    assert "jalan-nasional" in browser.page_source
    shot(browser, "desktop-settings-rules")
    form = open_form(browser, "form[action='/pengaturan/aturan']")
    by_css(browser, "#rule-name").send_keys("sampah-batutulis")
    rows = form.find_elements("css selector", "fieldset.rule-row")
    for row, (attr, op, value) in zip(
        rows,
        [("topic", "eq", "Sampah dan kebersihan"), ("kelurahan", "eq", "Batu Tulis")],
        strict=False,
    ):
        Select(row.find_element("css selector", "select[name=attr]")).select_by_value(attr)
        Select(row.find_element("css selector", "select[name=op]")).select_by_value(op)
        row.find_element("css selector", "input[name=value]").send_keys(value)
    Select(by_css(browser, "#rule-opd")).select_by_value("DISPERUMKIM")
    priority = by_css(browser, "#rule-priority")
    priority.clear()
    priority.send_keys("50")
    scroll_to(browser, rows[0])
    shot(browser, "desktop-rule-form")
    form.find_element("css selector", "button.primary").click()
    wait_until(browser, lambda d: d.current_url.endswith("/aturan/sampah-batutulis?ok=saved"))
    assert "Perubahan disimpan" in by_css(browser, ".notice").text
    shot(browser, "desktop-rule-edit")
    # a new complaint is routed by the rule
    files.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / "baru.jsonl",
            [message(9, "sampah numpuk di pinggir jalan dekat masjid, bau banget", author="w9")],
        ),
    )
    with ctx.engine.connect() as conn:
        case = conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.opd, t.cases.c.route_rule)
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .where(t.messages.c.external_id == "m9")
        ).one()
    assert (case.opd, case.route_rule) == ("DISPERUMKIM", "sampah-batutulis")
    browser.get(f"{base}/kasus/{case.ticket}")
    assert "aturan sampah batutulis" in by_css(browser, "dl.facts").text  # the rule in words
    browser.get(f"{base}/pengaturan/riwayat")
    assert "aturan rute disimpan" in browser.page_source
    # the other policy pages
    browser.get(f"{base}/pengaturan/tenggat")
    shot(browser, "desktop-settings-sla")
    browser.get(f"{base}/pengaturan/templat")
    shot(browser, "desktop-settings-templates")
    browser.set_window_size(*PHONE)
    browser.get(f"{base}/pengaturan/aturan/sampah-batutulis")
    scroll_to(browser, by_css(browser, "fieldset.rule-row"))
    shot(browser, "phone-settings-rule")
    no_console_errors(browser)


FIELDS = """
const fields = Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"));
return [fields.length, fields
  .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute("aria-label"))
  .map((e) => e.name || e.id || e.outerHTML.slice(0, 60))];
"""


def test_every_page_fits_a_360_px_phone(live: tuple[str, Context], browser: Any) -> None:
    """Nothing scrolls sideways at 360 px except what is meant to (the board, the menu), and
    every field has a label."""
    base, ctx = live
    with ctx.engine.connect() as conn:
        ticket = conn.execute(sa.select(t.cases.c.ticket).order_by(t.cases.c.id)).scalar()
    sign_in(browser, base, "operator", size=PHONE)
    pages = [
        "/kotak-masuk?state=all",
        "/tinjauan",
        "/kasus",
        "/kasus?view=board",
        f"/kasus/{ticket}",
        "/peta?period=semua",
        "/opd",
        "/opd?opd=DLH&stage=belum",
        *[f"/pengaturan/{s}" for s in ("", "akun", "pengguna", "opd", "topik", "token")],
        "/pengaturan/aturan",
        "/pengaturan/aturan/jalan-nasional",
        "/pengaturan/tenggat",
        "/pengaturan/templat",
        "/pengaturan/riwayat",
        f"/lacak/{ticket}",
        "/papan",
        "/peringkat",
        "/peringkat/kelurahan/32.71.01.1001",
        "/perlu-didorong",
        "/peringatan",  # /kunjungan asks for the location: see test_measurement_pages
    ]
    too_wide = {}
    fields = 0
    for path in pages:
        browser.get(f"{base}{path.rstrip('/')}")
        assert not browser.title.startswith(("Akses ditolak", "Tidak ditemukan")), path
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert isinstance(width, int) and width >= PHONE[0] - 20, (path, width)  # measured
        if width > PHONE[0]:
            too_wide[path] = width
        count, unlabelled = browser.execute_script(FIELDS)
        assert unlabelled == [], (path, unlabelled)
        fields += count
    assert not too_wide, too_wide
    assert fields > 200, fields  # the forms were there to check
    no_console_errors(browser)
