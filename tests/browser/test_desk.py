"""The desk in a real browser: the operator reads the command centre and follows a number to its
list, filters and searches the inbox, sees new messages announced without losing the place,
triages by keyboard; a lurah triages three new complaints on a phone, counting the taps."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import files
from paseban.storage import tables as t
from paseban.web.desk import home
from paseban.web.inbox import pages as inbox_pages
from tests.browser.conftest import DESKTOP, PASSWORD
from tests.browser.test_journeys import FIELDS, by_css, no_console_errors, wait_until
from tests.factories import message, write_jsonl

pytestmark = pytest.mark.browser
PHONE_TALL = (360, 800)
WIDE = (1366, 900)
TAPS_PER_COMPLAINT = 3  # the target: opening the inbox to a routed, answered complaint


class Taps:
    """Counts what a person taps: each `tap` is one touch of one element."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.count = 0

    def tap(self, element: Any) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        self.count += 1


def first_page_after_sign_in(driver: Any, base: str, username: str, size: tuple[int, int]) -> None:
    """Sign in from /masuk itself, as a person opening Paseban does: the first page is `/`."""
    driver.set_window_size(*size)
    driver.get(f"{base}/masuk")
    by_css(driver, "#username").send_keys(username)
    by_css(driver, "#password").send_keys(PASSWORD)
    by_css(driver, "button.primary").click()
    wait_until(driver, lambda d: "/masuk" not in d.current_url)


def figure(driver: Any, label: str) -> Any:
    return next(
        f
        for f in driver.find_elements("css selector", "li.figure")
        if f.find_element("css selector", ".figure-label").text == label
    )


FIGURES = """return Array.from(document.querySelectorAll("li.figure")).map((f) => [
  f.querySelector(".figure-label").textContent, f.querySelector(".figure-value").textContent]);"""


def figures(driver: Any) -> dict[str, int]:
    """Every figure's label and number, read in one go (the page may refresh meanwhile)."""
    return {label: number(value) for label, value in driver.execute_script(FIGURES)}


def number(text: str) -> int:
    found = re.search(r"[\d.]+", text)
    assert found, text
    return int(found.group(0).replace(".", ""))


def ingest(ctx: Context, tmp_path: Path, name: str, *records: dict[str, Any]) -> None:
    files.ingest_file(ctx, write_jsonl(tmp_path / f"{name}.jsonl", list(records)))


def test_operator_reads_the_command_centre_and_follows_a_number(
    live: tuple[str, Context], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, ctx = live
    monkeypatch.setattr(home, "REFRESH_SECONDS", 2)
    first_page_after_sign_in(browser, base, "operator", WIDE)
    assert browser.current_url == f"{base}/"
    assert by_css(browser, "h1").text.startswith("Pusat komando")
    for label in ("Kasus terbuka", "Kasus baru", "Lewat tenggat", "Dieskalasi", "Aduan menunggu"):
        figure(browser, label)
    assert by_css(browser, "svg.desk-map circle")  # complaints per kecamatan on the map
    assert "Disperumkim" in by_css(browser, "table.opd-load").text
    new_before = figures(browser)["Kasus baru"]
    # the page refreshes itself: a new complaint shows up without a reload
    browser.execute_script("window.stillHere = true")
    ingest(ctx, tmp_path, "baru", message(8, "sampah numpuk di pinggir jalan batutulis bau"))

    wait_until(browser, lambda d: figures(d)["Kasus baru"] == new_before + 1, seconds=15)
    assert browser.execute_script("return window.stillHere") is True
    # follow "Kasus terbuka" to its list: the list counts the same
    monkeypatch.setattr(home, "REFRESH_SECONDS", 600)
    browser.refresh()
    opened = figure(browser, "Kasus terbuka")
    shown = number(opened.find_element("css selector", "strong").text)
    opened.find_element("css selector", "a").click()
    wait_until(browser, lambda d: "/kasus?open=1" in d.current_url)
    assert number(by_css(browser, "h1 small").text) == shown
    assert by_css(browser, "input[name=open]").is_selected()  # the filter says what it shows
    # and a kecamatan of the map's table (found and followed in one step: the page may be
    # refreshing its numbers meanwhile)
    browser.back()
    shown = number(
        browser.execute_script(
            """const row = Array.from(document.querySelectorAll("table.desk-table tbody tr"))
                 .find((r) => r.querySelector("th").textContent === "Bogor Selatan");
               const link = row.querySelector("td a");
               link.click();
               return link.textContent;"""
        )
    )
    wait_until(browser, lambda d: "kecamatan=32.71.01" in d.current_url)
    assert number(by_css(browser, "h1 small").text) == shown
    no_console_errors(browser)


def test_operator_filters_and_searches_the_inbox(live: tuple[str, Context], browser: Any) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.select import Select

    base, _ = live
    first_page_after_sign_in(browser, base, "operator", DESKTOP)
    browser.get(f"{base}/kotak-masuk")
    assert len(browser.find_elements("css selector", "article.msg")) == 5

    def choose(name: str, value: str) -> None:
        box = by_css(browser, "details.filter-box")
        if box.get_attribute("open") is None:
            box.find_element("css selector", "summary").click()
        Select(by_css(browser, f"select[name={name}]")).select_by_value(value)  # submits itself
        wait_until(browser, lambda d: f"{name}={value}" in d.current_url)

    choose("intent", "aduan")
    choose("topic", "sampah")
    texts = [a.text for a in browser.find_elements("css selector", "article.msg .text")]
    assert texts == ["sampah di TPS kel. tegal gundil numpuk 4 hari ga diangkut"]
    assert "1 pesan cocok" in by_css(browser, "#hasil").text
    # the search keeps the filters
    by_css(browser, "#cari").send_keys("TPS", Keys.ENTER)
    wait_until(browser, lambda d: "q=TPS" in d.current_url and "intent=aduan" in d.current_url)
    assert len(browser.find_elements("css selector", "article.msg")) == 1
    # the filters are remembered for this person: the bare inbox opens as they left it
    browser.get(f"{base}/kotak-masuk")
    assert Select(by_css(browser, "select[name=intent]")).first_selected_option.text.startswith(
        "Aduan"
    )
    assert by_css(browser, "#cari").get_attribute("value") == ""  # not the search
    assert len(browser.find_elements("css selector", "article.msg")) == 1
    # a search across every state
    browser.get(f"{base}/kotak-masuk?state=all&q=jalan")
    found = [a.text for a in browser.find_elements("css selector", "article.msg .text")]
    assert len(found) == 3 and all("jalan" in t for t in found)
    no_console_errors(browser)


def test_a_new_message_shows_a_notice_and_the_page_stays_put(
    live: tuple[str, Context], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, ctx = live
    monkeypatch.setattr(inbox_pages, "POLL_SECONDS", 2)
    first_page_after_sign_in(browser, base, "operator", (1280, 600))
    browser.get(f"{base}/kotak-masuk?state=new&order=newest")
    assert by_css(browser, ".arrivals").is_displayed() is False
    browser.execute_script("window.scrollTo(0, 400)")
    scrolled = browser.execute_script("return window.scrollY")
    assert scrolled > 0
    place = "return document.querySelectorAll('article.msg')[3].getBoundingClientRect().top"
    card_top = browser.execute_script(place)
    ingest(
        ctx,
        tmp_path,
        "baru",
        message(20, "pohon tumbang menutup jalan di batutulis"),
        message(21, "air pdam mati dari pagi di empang"),
    )
    notice = by_css(browser, ".arrivals")
    wait_until(browser, lambda d: notice.is_displayed(), seconds=15)
    assert notice.text.startswith("2 pesan baru")
    assert "2 pesan baru masuk" in by_css(browser, "#arrivals-status").get_attribute("textContent")
    # nothing moved under the reader
    assert browser.execute_script("return window.scrollY") == scrolled
    assert browser.execute_script(place) == card_top
    notice.find_element("css selector", "button").click()
    wait_until(browser, lambda d: len(d.find_elements("css selector", "article.msg")) == 7)
    first = browser.find_elements("css selector", "article.msg")[0]
    assert "air pdam" in first.text
    assert browser.switch_to.active_element == first  # the reader is taken to the new ones
    assert not notice.is_displayed()
    no_console_errors(browser)


def test_a_lurah_triages_three_new_complaints_on_a_phone(
    live: tuple[str, Context], browser: Any, tmp_path: Path
) -> None:
    base, ctx = live
    ingest(
        ctx,
        tmp_path,
        "tiga",
        message(30, "got mampet di rt 02 batutulis bau", time="2026-11-27T08:30:00+07:00"),
        message(31, "trotoar rusak depan sd batutulis", time="2026-11-27T08:40:00+07:00"),
        message(32, "sampah liar di pinggir kali batutulis", time="2026-11-27T08:50:00+07:00"),
    )
    first_page_after_sign_in(browser, base, "lurah.batutulis", PHONE_TALL)
    assert by_css(browser, "h1").text.startswith("Kelurahan Batu Tulis")
    browser.get(f"{base}/kotak-masuk")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE_TALL[0]
    heights = browser.execute_script(
        "return Array.from(document.querySelectorAll('article.msg')).map(a => a.offsetHeight)"
    )
    assert max(heights) < 300, heights  # compact cards: several on one screen
    for external_id, words in (("m30", "got mampet"), ("m31", "trotoar"), ("m32", "sampah liar")):
        taps = Taps(browser)
        card = next(
            c for c in browser.find_elements("css selector", "article.msg") if words in c.text
        )
        assert "Sembunyikan" not in card.text  # no spam button on a real complaint
        taps.tap(card.find_element("css selector", "details.reply > summary"))
        taps.tap(card.find_element("css selector", "button[name=template].primary"))
        wait_until(browser, lambda d, c=card: c.find_elements("css selector", ".done-line"))
        assert taps.count <= TAPS_PER_COMPLAINT, (external_id, taps.count)
        with ctx.engine.connect() as conn:
            done = conn.execute(
                sa.select(
                    t.messages.c.inbox_state, t.cases.c.status, t.cases.c.opd, t.cases.c.ticket
                )
                .join(t.cases, t.cases.c.id == t.messages.c.case_id)
                .where(t.messages.c.external_id == external_id)
            ).one()
            reply = conn.execute(
                sa.select(t.outbox.c.text)
                .join(t.messages, t.messages.c.id == t.outbox.c.in_reply_to_message_id)
                .where(t.messages.c.external_id == external_id)
                .order_by(t.outbox.c.id.desc())
            ).scalar()
        # answered, verified and routed to its OPD, with the ticket in the reply
        assert done.inbox_state == "answered" and done.status == "verified" and done.opd
        assert reply is not None and done.ticket in reply
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_TALL[0]
    no_console_errors(browser)


def test_keyboard_triage_on_the_desktop(live: tuple[str, Context], browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    base, ctx = live
    first_page_after_sign_in(browser, base, "operator", DESKTOP)
    browser.get(f"{base}/kotak-masuk?state=new&order=oldest")

    def press(*keys: str) -> None:
        ActionChains(browser).send_keys(*keys).perform()

    press("?")
    help_box = by_css(browser, "dialog#pintasan")
    wait_until(browser, lambda d: help_box.get_attribute("open") is not None)
    assert "pesan berikutnya" in help_box.text
    press(Keys.ESCAPE)
    wait_until(browser, lambda d: help_box.get_attribute("open") is None)
    press("j")
    cards = browser.find_elements("css selector", "article.msg")
    assert browser.switch_to.active_element == cards[0]
    press("j", "j")
    assert browser.switch_to.active_element == cards[2]
    press("k", "k")
    oldest = cards[0]  # the pothole near the prasasti: a complaint with its case
    assert browser.switch_to.active_element == oldest and "current" in oldest.get_attribute("class")
    # r: the reply panel opens with its first template button in hand; Enter sends it
    press("r")
    focused = browser.switch_to.active_element
    assert focused.get_attribute("name") == "template"
    press(Keys.ENTER)
    wait_until(browser, lambda d: oldest.find_elements("css selector", ".done-line"))
    # x: choose two for one action together
    press("j", "x", "j", "x")
    assert "(2 dipilih)" in by_css(browser, "details.bulk-box > summary").text
    # b: mark the current one as not a complaint, from the keyboard
    press("b")
    assert browser.switch_to.active_element.get_attribute("name") == "intent"
    press(Keys.TAB, Keys.ENTER)  # to "Tandai"
    current = cards[2]
    wait_until(browser, lambda d: current.find_elements("css selector", ".done-line"))
    # /: the search; o: open the current message
    press("/")
    assert browser.switch_to.active_element.get_attribute("id") == "cari"
    press(Keys.ESCAPE, "k", "o")
    wait_until(browser, lambda d: re.search(r"/kotak-masuk/\d+$", d.current_url))
    with ctx.engine.connect() as conn:
        states: dict[str, int] = dict(
            conn.execute(
                sa.select(t.messages.c.inbox_state, sa.func.count()).group_by(
                    t.messages.c.inbox_state
                )
            ).all()
        )
    assert states.get("answered") == 1 and states.get("not_complaint") == 1
    no_console_errors(browser)


def test_the_desk_pages_fit_a_phone_and_label_every_field(
    live: tuple[str, Context], browser: Any
) -> None:
    """At 360 px nothing scrolls sideways on the command centre, a kelurahan's home and the
    inbox with its panels open, and every field has a label."""
    base, _ = live
    for user, paths in (
        ("operator", ["/", "/kotak-masuk?state=all"]),
        ("lurah.batutulis", ["/", "/kotak-masuk"]),
    ):
        browser.delete_all_cookies()
        first_page_after_sign_in(browser, base, user, PHONE_TALL)
        for path in paths:
            browser.get(f"{base}{path}")
            for summary in browser.find_elements("css selector", "article.msg details > summary"):
                browser.execute_script("arguments[0].parentElement.open = true", summary)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE_TALL[0], (user, path, width)
            _, unlabelled = browser.execute_script(FIELDS)
            assert unlabelled == [], (user, path, unlabelled)
    no_console_errors(browser)
