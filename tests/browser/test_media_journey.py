"""Issue 18 in a real browser at 360 px: a kelurahan admin uploads three photos (several files
at once, each with its progress bar), writes an Instagram carousel from a campaign kit, sees the
preview, sends it for approval; the kecamatan and then Diskominfo approve. (Phase 2 adds the
publishing to a fake Graph API.)"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from paseban.content.approvals import Person
from paseban.content.campaigns import CampaignKit
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.services.content import kits, programs
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.people import accounts, auth
from tests import mediafiles
from tests.browser.conftest import PASSWORD, PHONE
from tests.browser.test_journeys import by_css, no_console_errors, sign_in, wait_until

pytestmark = pytest.mark.browser
OPERATOR = Person("operator", Role.DISKOMINFO, Scope())
CAPTION = (
    "Yuk pilah sampah dari rumah! Bank Sampah Kelurahan Batu Tulis buka setiap Sabtu pukul "
    "08.00 WIB di Balai RW 03. Warga cukup datang dan bawa sampah anorganik yang sudah "
    "dipilah. #PilahSampah #KotaBogor"
)


def kit(ctx: Context) -> None:
    bt = next(a for a in accounts.list_accounts(ctx) if a["handle"] == "kelurahan.batutulis")
    programs.create_campaign(
        ctx,
        OPERATOR,
        CampaignKit(
            "pilah-sampah",
            "Pekan Pilah Sampah",
            "Mari pilah sampah dari rumah: organik, anorganik, residu.",
            date(2026, 11, 20),
            date(2026, 12, 10),
            hashtags=("PilahSampah",),
        ),
        account_ids=[bt["id"]],
    )
    data = mediafiles.photo(1080, 1350, seed=40)
    poster = library.add_media(
        ctx,
        OPERATOR,
        library.Upload("poster-feed.jpg", io.BytesIO(data), len(data)),
        library.Details(alt_text="Poster Pekan Pilah Sampah: tiga tong sampah berwarna"),
    )
    kits.add_asset(ctx, OPERATOR, "pilah-sampah", poster, "feed")
    kits.set_caption(ctx, OPERATOR, "pilah-sampah", "instagram", CAPTION)


def sign_out(driver: Any) -> None:
    driver.delete_all_cookies()


def test_admin_uploads_writes_a_carousel_from_a_kit_and_it_is_approved(
    live: tuple[str, Context], browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    base, ctx = live
    accounts.add_user(
        ctx, "camat.bogorselatan", role="kecamatan_admin", scope="32.71.01", full_name="Camat"
    )
    auth.set_password(ctx, "camat.bogorselatan", PASSWORD, actor="cli")
    kit(ctx)
    photos = []
    for n, size in enumerate(((1080, 1350), (1080, 1350), (1440, 1080))):
        path = tmp_path / f"kerja-bakti-{n + 1}.jpg"
        path.write_bytes(mediafiles.photo(*size, seed=41 + n, gps=True, device=True))
        photos.append(str(path))

    # 1. the admin uploads three photos at once, on a phone
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    browser.get(f"{base}/konten/media")
    by_css(browser, "form[data-upload] details summary").click()
    by_css(browser, "form[data-upload] textarea[name=alt_text]").send_keys(
        "Warga RW 03 memilah sampah di depan Balai RW"
    )
    by_css(browser, "form[data-upload] input[type=file]").send_keys("\n".join(photos))
    by_css(browser, "form[data-upload] button[type=submit]").click()
    wait_until(browser, lambda d: "ok=uploaded" in d.current_url, 30)
    cards = browser.find_elements(By.CSS_SELECTOR, ".mediacard")
    assert len(cards) == 3 and "kerja-bakti-1.jpg" in browser.page_source
    no_console_errors(browser)

    # 2. a draft from the campaign kit: the kit's caption and feed poster are in place
    browser.get(f"{base}/konten/kampanye/pilah-sampah")
    by_css(browser, "form[action$='/adaptasi'] button").click()
    wait_until(browser, lambda d: "/konten/draf/" in d.current_url)
    post_id = int(browser.current_url.split("/konten/draf/")[1].split("?")[0].split("#")[0])
    assert len(browser.find_elements(By.CSS_SELECTOR, ".media-row")) == 1
    assert "Pekan Pilah Sampah" in browser.page_source

    # 3. add the three photos from the library: a carousel of four
    by_css(browser, f"a[href='/konten/media?pilih={post_id}']").click()
    for box in browser.find_elements(By.CSS_SELECTOR, ".mediacard input[name=media]"):
        box.click()
    by_css(browser, f"form[action='/konten/draf/{post_id}/media'] button[type=submit]").click()
    wait_until(browser, lambda d: "ok=attached" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, ".media-row")
    assert len(rows) == 4
    by_css(browser, ".media-row input[name=cover_media_id]").click()  # the poster opens it
    by_css(browser, "form.postform button[type=submit]:not([name])").click()
    wait_until(browser, lambda d: "ok=saved" in d.current_url)

    # 4. the preview shows the carousel as Instagram will: every item cut to the first's 4:5
    preview = by_css(browser, "section.preview")
    assert "Pratinjau Instagram" in preview.text and "Carousel" in preview.text
    pictures = preview.find_elements(By.CSS_SELECTOR, "figure.frame img")
    assert len(pictures) == 4
    wait_until(
        browser,
        lambda d: all(
            d.execute_script("return arguments[0].naturalWidth", p) > 0 for p in pictures
        ),
    )
    assert "terpotong" in preview.text  # the 4:3 photo loses its sides
    assert "… selengkapnya" in preview.text
    no_console_errors(browser)

    # 5. sent for approval
    by_css(browser, "button[value=submit]").click()
    wait_until(browser, lambda d: "ok=acted" in d.current_url)
    assert content.get_post(ctx, OPERATOR, post_id)["status"] == "review_kecamatan"

    # 6. the kecamatan approves, then Diskominfo (a campaign post passes both)
    for reviewer, status in (("camat.bogorselatan", "review_diskominfo"), ("operator", "approved")):
        sign_out(browser)
        sign_in(browser, base, reviewer, size=PHONE)
        browser.get(f"{base}/konten/draf/{post_id}")
        by_css(browser, "button[value=approve]").click()
        wait_until(browser, lambda d: "ok=acted" in d.current_url)
        assert content.get_post(ctx, OPERATOR, post_id)["status"] == status
    post = content.get_post(ctx, OPERATOR, post_id)
    assert post["media"][0]["original_name"] == "poster-feed.jpg"
    assert post["quality"]["blockers"] == []
