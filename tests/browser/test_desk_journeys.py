"""The desk people trust (issue 14) in a real browser: the lurah corrects a complaint's topic on
a phone and sees it re-routed; the operator re-assigns a case; the OPD officer sees every
running deadline and the overdue filter matches the case pages; a citizen follows the link from
a reply and confirms the fix, another says "belum beres" and the case reopens."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.accounts import Role
from paseban.domain.cases import Actor
from paseban.services.cases import actions
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.browser.conftest import DESKTOP, PHONE, shot
from tests.browser.test_journeys import by_css, no_console_errors, sign_in
from tests.factories import message, write_jsonl

pytestmark = pytest.mark.browser
OPERATOR = Actor("operator", Role.DISKOMINFO)


def case_of(ctx: Context, text: str) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.cases, t.messages.c.id.label("message_id"))
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .where(t.messages.c.text.like(f"%{text}%"))
        ).mappings()
        return dict(next(iter(found)))


def test_the_lurah_corrects_a_topic_on_a_phone_and_sees_it_rerouted(
    live: tuple[str, Context], browser: Any
) -> None:
    from selenium.webdriver.support.select import Select

    base, ctx = live
    road = case_of(ctx, "prasasti batutulis")
    assert road["opd"] == "DPUPR"
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    browser.get(f"{base}/kotak-masuk/{road['message_id']}")
    panel = by_css(browser, ".case-panel")
    assert road["ticket"] in panel.text and "Pekerjaan Umum" in panel.text  # the case's OPD
    Select(by_css(browser, "#fix-topic")).select_by_value("sampah")
    by_css(browser, "form[action$='/koreksi'] button.primary").click()
    assert "Koreksi analisis disimpan" in by_css(browser, ".notice").text
    browser.get(f"{base}/kotak-masuk/{road['message_id']}")
    assert "Lingkungan Hidup" in by_css(browser, ".case-panel").text
    shot(browser, "phone-message-rerouted")
    browser.get(f"{base}/kasus/{road['ticket']}")
    timeline = by_css(browser, "body").text
    assert "merutekan ulang setelah koreksi" in timeline and "default:sampah" in timeline
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    no_console_errors(browser)


def test_the_operator_reassigns_a_case_directly(live: tuple[str, Context], browser: Any) -> None:
    from selenium.webdriver.support.select import Select

    base, ctx = live
    drain = case_of(ctx, "got mampet")
    actions.act(ctx, drain["id"], "forward", actor=OPERATOR, opd=drain["opd"])
    sign_in(browser, base, "operator", size=DESKTOP)
    browser.get(f"{base}/kasus/{drain['ticket']}")
    by_css(browser, "#pengalihan ~ details.action > summary").click()
    picker = Select(by_css(browser, "#alih-opd"))
    assert picker.first_selected_option.get_attribute("value") == ""  # no default, never BPBD
    picker.select_by_value("DLH")
    by_css(browser, "#alih-note").send_keys("saluran di lahan DLH, bukan PUPR")
    shot(browser, "desktop-case-reassign")
    by_css(browser, "form[action$='/alihkan'] button.primary").click()
    assert "dialihkan" in by_css(browser, ".notice").text
    facts = by_css(browser, ".case-facts").text
    assert "Lingkungan Hidup" in facts and "dikembalikan" not in facts
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(t.cases).where(t.cases.c.id == drain["id"])).mappings().one()
    assert (row["opd"], row["status"], row["returned_by"]) == ("DLH", "forwarded", [])
    no_console_errors(browser)


def test_the_opd_officer_sees_every_deadline_and_the_overdue_filter_matches_the_case_pages(
    live: tuple[str, Context], browser: Any, tmp_path: Any
) -> None:
    base, ctx = live
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    texts = [
        "sampah numpuk di pasar bogor, bau sekali",
        "sampah di sungai ciliwung sempur belum diangkut",
        "tumpukan sampah di jalan pajajaran baranangsiang",
    ]
    batch = [message(20 + i, text, account="pemkotbogor") for i, text in enumerate(texts)]
    files.ingest_file(ctx, write_jsonl(tmp_path / "dlh.jsonl", batch))
    early = [case_of(ctx, "tegal gundil"), case_of(ctx, "pasar bogor")]
    for case in early:
        actions.act(ctx, case["id"], "forward", actor=OPERATOR, opd="DLH")
    actions.act(ctx, early[0]["id"], "start", actor=Actor("petugas.dlh", Role.OPD_OFFICER))
    clock.advance(timedelta(days=9))  # past five working days
    late = [case_of(ctx, "sempur"), case_of(ctx, "pajajaran")]
    for case in late:
        actions.act(ctx, case["id"], "forward", actor=OPERATOR, opd="DLH")
    sign_in(browser, base, "petugas.dlh", size=PHONE)
    browser.get(f"{base}/opd")
    rows = browser.find_elements("css selector", "table.cases tbody tr")
    assert len(rows) == 4
    for row in rows:  # every running deadline is shown: no "-"
        cell = row.find_element("css selector", "td.deadline").text
        assert re.search(r"\d{2}:\d{2}", cell) and ("lewat" in cell or "sisa" in cell), cell
    tagged = {
        r.find_element("css selector", "td.ticket a").text
        for r in rows
        if "lewat tenggat" in r.text
    }
    assert tagged == {c["ticket"] for c in early}
    shot(browser, "phone-opd-queue")
    browser.get(f"{base}/opd?overdue=1")
    filtered = {a.text for a in browser.find_elements("css selector", "table.cases td.ticket a")}
    assert filtered == tagged
    for case in early + late:
        browser.get(f"{base}/kasus/{case['ticket']}")
        deadline = by_css(browser, ".case-facts dd.deadline").text
        assert ("lewat" in deadline) == (case["ticket"] in filtered), deadline
    no_console_errors(browser)


def reply_link(ctx: Context, base: str, case_id: int) -> str:
    """The tracking link of the "sudah beres?" reply, pointed at the live server."""
    with ctx.engine.connect() as conn:
        texts = conn.execute(
            sa.select(t.outbox.c.text)
            .join(t.messages, t.messages.c.id == t.outbox.c.in_reply_to_message_id)
            .where(t.messages.c.case_id == case_id)
            .order_by(t.outbox.c.id.desc())
        ).scalars()
        text = next(iter(texts))
    found = re.search(r"https?://\S+/lacak/\S+", text)
    assert found, text
    return re.sub(r"^https?://[^/]+", base, found.group(0).rstrip(".,"))


def test_citizens_follow_the_reply_link_and_confirm_or_reopen(
    live: tuple[str, Context], browser: Any
) -> None:
    base, ctx = live
    lamp, trash = case_of(ctx, "lampu jalan"), case_of(ctx, "tegal gundil")
    for case in (lamp, trash):
        for action in ("forward", "start", "resolve"):
            actions.act(ctx, case["id"], action, actor=OPERATOR, opd=case["opd"], note="beres")
    browser.set_window_size(*PHONE)
    browser.get(reply_link(ctx, base, lamp["id"]))
    assert "Sudah beres?" in by_css(browser, "section.confirm").text
    shot(browser, "phone-lacak-confirm")
    by_css(browser, "button[value=sudah]").click()
    assert "sudah beres menurut Anda" in by_css(browser, ".notice").text
    assert "Ditutup" in by_css(browser, ".case-public h2").text
    browser.get(reply_link(ctx, base, trash["id"]))
    by_css(browser, "#catatan").send_keys("masih numpuk di pojok")
    by_css(browser, "button[value=belum]").click()
    assert "dibuka kembali" in by_css(browser, ".notice").text
    with ctx.engine.connect() as conn:
        status = conn.execute(
            sa.select(t.cases.c.status).where(t.cases.c.id == trash["id"])
        ).scalar_one()
    assert status == "in_progress"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    no_console_errors(browser)
