"""The new-draft page on a 360 px phone: choosing a TikTok account shows TikTok's required
section at once (the creator, a privacy dropdown with nothing chosen, the interactions, the
disclosure), before the first save; the admin's choices go in with the first save of the real
form, and the draft page shows them kept (issue 18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from paseban.content.approvals import Person
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.services.content import platform_settings
from paseban.services.content import posts as content
from tests.browser.conftest import PHONE, shot
from tests.browser.test_journeys import by_css, no_console_errors, sign_in, wait_until
from tests.browser.test_media_journey import publishing_setup
from tests.fakes.server import client_to, serve_asgi
from tests.fakes.tiktok import FakeTikTok

pytestmark = pytest.mark.browser
OPERATOR = Person("operator", Role.DISKOMINFO, Scope())


def test_choosing_a_tiktok_account_on_the_new_draft_page_shows_its_section(
    live: tuple[str, Context], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selenium.webdriver.support.ui import Select

    base, ctx = live
    publishing_setup(ctx, base, tmp_path)
    tiktok = FakeTikTok(offers_public=True)
    with serve_asgi(tiktok.app()) as fake:
        routes = {"open.tiktokapis.com": fake, "p16-sign.tiktokcdn-us.com": fake}
        monkeypatch.setattr(platform_settings, "client_factory", lambda: client_to(routes))
        sign_in(browser, base, "lurah.batutulis", size=PHONE)
        browser.get(f"{base}/konten/draf/baru")
        assert not browser.find_elements("css selector", "fieldset.platform-settings")
        account = Select(by_css(browser, "select[name=account_id]"))
        account.select_by_visible_text("Kelurahan Batu Tulis (TikTok)")
        wait_until(browser, lambda d: d.find_elements("css selector", "fieldset.platform-settings"))
        fieldset = by_css(browser, "fieldset.platform-settings")
        assert "Diunggah ke akun Kelurahan Batu Tulis (@kelurahanbatutulis)" in fieldset.text
        privacy = Select(by_css(browser, "select[name=tt_privacy]"))
        assert privacy.first_selected_option.get_attribute("value") == ""
        assert not by_css(browser, "input[name=tt_allow_comment]").is_selected()
        assert "Konfirmasi Penggunaan Musik TikTok" in fieldset.text
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= PHONE[0], width
        browser.execute_script("arguments[0].scrollIntoView()", fieldset)
        shot(browser, "new-draft-tiktok-settings")

        # another platform's account: the section goes away; back to TikTok: it returns
        account.select_by_visible_text("Kelurahan Batu Tulis (Facebook)")
        wait_until(
            browser, lambda d: not d.find_elements("css selector", "fieldset.platform-settings")
        )
        account.select_by_visible_text("Kelurahan Batu Tulis (TikTok)")
        wait_until(browser, lambda d: d.find_elements("css selector", "select[name=tt_privacy]"))

        by_css(browser, "textarea[name=body]").send_keys(
            "Senam pagi bareng warga RW 03 setiap Minggu pukul 06.30! #KotaBogor"
        )
        Select(by_css(browser, "select[name=tt_privacy]")).select_by_visible_text("Semua orang")
        by_css(browser, "input[name=tt_allow_comment]").click()
        by_css(browser, "form.postform button[type=submit]").click()
        wait_until(
            browser, lambda d: "/konten/draf/" in d.current_url and "baru" not in d.current_url
        )
        post_id = int(browser.current_url.split("/konten/draf/")[1].split("?")[0].split("#")[0])
        privacy = Select(by_css(browser, "select[name=tt_privacy]"))
        assert privacy.first_selected_option.text == "Semua orang"
        assert by_css(browser, "input[name=tt_allow_comment]").is_selected()
        no_console_errors(browser)
    stored = content.get_post(ctx, OPERATOR, post_id)["platform_options"]
    assert stored is not None
    assert stored["privacy_level"] == "PUBLIC_TO_EVERYONE" and stored["allow_comment"] is True
