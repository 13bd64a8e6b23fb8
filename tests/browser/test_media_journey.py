"""Issue 18 in a real browser at 360 px: a kelurahan admin uploads three photos (several files
at once, each with its progress bar), writes an Instagram carousel from a campaign kit, sees the
preview, sends it for approval; the kecamatan and then Diskominfo approve; the admin schedules
it, the outbox publishes it through the documented Instagram calls against a fake Graph API on
127.0.0.1 (which fetches every photo from Paseban's signed link), and the post shows its
permalink. The same for a Facebook photo post and a TikTok video (phase 2)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from paseban.clock import FixedClock
from paseban.content.approvals import Person
from paseban.content.campaigns import CampaignKit
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.services.content import kits, platform_settings, programs
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.people import accounts, auth
from paseban.services.people import credentials as creds
from tests import mediafiles
from tests.browser.conftest import PASSWORD, PHONE, shot
from tests.browser.test_journeys import by_css, no_console_errors, sign_in, wait_until
from tests.fakes.graph import FakeGraph
from tests.fakes.server import client_to, serve_asgi
from tests.fakes.tiktok import FakeTikTok
from tests.services.content.publish_helpers import ACCOUNTS, TOKEN, run_outbox

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
    """Leave the page first (its checker would call the API without a session), then forget
    the session; what the page logged before is read and dropped."""
    origin = "/".join(driver.current_url.split("/")[:3])
    driver.get(f"{origin}/masuk")
    driver.delete_all_cookies()
    driver.get_log("browser")


def publishing_setup(ctx: Context, base: str, tmp_path: Path) -> None:
    """Batu Tulis on Facebook and TikTok too, every account with a token, and
    PASEBAN_BASE_URL at the live server (the fakes fetch the signed links there)."""
    csv = tmp_path / "publishing_accounts.csv"
    csv.write_text("\n".join(ACCOUNTS.splitlines()[:1] + ACCOUNTS.splitlines()[2:4]) + "\n")
    accounts.import_csv(ctx, csv)
    for platform, handle in (
        ("instagram", "kelurahan.batutulis"),
        ("facebook", "kelurahan.batutulis.fb"),
        ("tiktok", "kelurahan.batutulis.tt"),
    ):
        creds.set_token(ctx, platform, handle, TOKEN, actor="test")
    ctx.settings = dataclasses.replace(ctx.settings, public_url=base)


def schedule(browser: Any, base: str, post_id: int, when: str) -> None:
    """The admin picks the time to publish (datetime-local, in WIB) and schedules."""
    from selenium.webdriver.common.by import By

    browser.get(f"{base}/konten/draf/{post_id}")
    form = "//button[@value='schedule']/ancestor::form"
    field = browser.find_element(By.XPATH, f"{form}//input[@name='scheduled_at']")
    browser.execute_script("arguments[0].value = arguments[1]", field, when)
    by_css(browser, "button[value=schedule]").click()
    wait_until(browser, lambda d: "ok=acted" in d.current_url)


def shows_permalink(browser: Any, base: str, post_id: int, link: str) -> None:
    browser.get(f"{base}/konten/draf/{post_id}")
    found = by_css(browser, "section.publishing a.permalink")
    assert found.get_attribute("href") == link
    assert "Terbit" in browser.page_source
    no_console_errors(browser)


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
    assert (post["quality"] or {})["blockers"] == []

    # 7. the admin schedules it; the outbox publishes it through the documented Instagram calls
    publishing_setup(ctx, base, tmp_path)
    sign_out(browser)
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    schedule(browser, base, post_id, "2026-11-27T10:00")
    assert content.get_post(ctx, OPERATOR, post_id)["status"] == "scheduled"
    graph = FakeGraph()
    assert isinstance(ctx.clock, FixedClock)
    with serve_asgi(graph.app()) as fake, client_to({"graph.facebook.com": fake}) as client:
        counts = run_outbox(ctx, ctx.clock, client)
    assert counts["sent"] == 1  # (the sample's automatic replies to citizens fail: no token)
    assert len(graph.fetched) == 4  # Meta fetched the poster and the three photos
    post = content.get_post(ctx, OPERATOR, post_id)
    assert post["status"] == "published"
    assert post["external_id"] is not None and post["permalink"] is not None
    assert graph.media[post["external_id"]]["media_type"] == "CAROUSEL_ALBUM"

    # 8. the post shows its permalink
    shows_permalink(browser, base, post_id, post["permalink"])
    shot(browser, "media-journey-published")


def draft_with(
    browser: Any,
    base: str,
    account_label: str,
    caption: str,
    when: str,
    *,
    before_save: Callable[[], None] | None = None,
    before_submit: Callable[[int], None] | None = None,
) -> int:
    """A new draft for one account, from the editor (with its time), then media from the
    library (all that the "pilih" list shows), saved; `before_submit` fills in what the
    platform asks (TikTok's choices) before it is submitted."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{base}/konten/draf/baru")
    Select(by_css(browser, "select[name=account_id]")).select_by_visible_text(account_label)
    by_css(browser, "textarea[name=body]").send_keys(caption)
    field = by_css(browser, "input[name=scheduled_at]")
    browser.execute_script("arguments[0].value = arguments[1]", field, when)
    if before_save is not None:
        before_save()
    by_css(browser, "form.postform button[type=submit]").click()
    wait_until(browser, lambda d: "/konten/draf/" in d.current_url and "baru" not in d.current_url)
    post_id = int(browser.current_url.split("/konten/draf/")[1].split("?")[0].split("#")[0])
    by_css(browser, f"a[href='/konten/media?pilih={post_id}']").click()
    for box in browser.find_elements(By.CSS_SELECTOR, ".mediacard input[name=media]"):
        box.click()
    by_css(browser, f"form[action='/konten/draf/{post_id}/media'] button[type=submit]").click()
    wait_until(browser, lambda d: "ok=attached" in d.current_url)
    if before_submit is not None:
        before_submit(post_id)
    by_css(browser, "button[value=submit]").click()
    wait_until(browser, lambda d: "ok=acted" in d.current_url)
    return post_id


def tiktok_choices(browser: Any) -> None:
    """TikTok's required UX on a 360 px phone, on the new-draft page as soon as the TikTok
    account is chosen (no video attached yet): the creator's name and avatar, a privacy
    dropdown with nothing chosen, Comment off, the disclosure off and the music declaration;
    the admin picks (saved with the first save)."""
    from selenium.webdriver.support.ui import Select

    wait_until(browser, lambda d: d.find_elements("css selector", "select[name=tt_privacy]"))
    fieldset = by_css(browser, "fieldset.platform-settings")
    assert "Diunggah ke akun Kelurahan Batu Tulis (@kelurahanbatutulis)" in fieldset.text
    assert (
        by_css(browser, "fieldset.platform-settings img.avatar")
        .get_attribute("src")
        .startswith("data:image/png;base64,")
    )
    privacy = Select(by_css(browser, "select[name=tt_privacy]"))
    assert privacy.first_selected_option.get_attribute("value") == ""
    assert [o.text for o in privacy.options] == [
        "Pilih privasi",
        "Semua orang",
        "Teman (saling mengikuti)",
        "Hanya saya",
    ]
    for name in ("allow_comment", "disclose"):
        assert not by_css(browser, f"input[name=tt_{name}]").is_selected()
    assert "Konfirmasi Penggunaan Musik TikTok" in fieldset.text
    assert "Pilih siapa yang dapat melihat" in fieldset.text
    privacy.select_by_visible_text("Semua orang")
    by_css(browser, "input[name=tt_allow_comment]").click()


def tiktok_choices_kept(browser: Any) -> None:
    """On the draft page once the video is attached: the choices made on the new-draft page
    held, and the video's own rules appear (the longest video for this creator, Duet off,
    Stitch greyed: the creator turned it off)."""
    from selenium.webdriver.support.ui import Select

    fieldset = by_css(browser, "fieldset.platform-settings")
    assert "Video paling lama 600 detik" in fieldset.text
    for name in ("allow_duet", "allow_stitch"):
        assert not by_css(browser, f"input[name=tt_{name}]").is_selected()
    assert by_css(browser, "input[name=tt_allow_stitch]").get_attribute("disabled") is not None
    privacy = Select(by_css(browser, "select[name=tt_privacy]"))
    assert privacy.first_selected_option.text == "Semua orang"
    assert by_css(browser, "input[name=scheduled_at]").get_attribute("value") == "2026-11-27T11:00"
    assert by_css(browser, "input[name=tt_allow_comment]").is_selected()
    assert "Pilih siapa" not in by_css(browser, "fieldset.platform-settings").text
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], width  # nothing sticks out of a 360 px screen
    browser.execute_script(
        "arguments[0].scrollIntoView()", by_css(browser, "fieldset.platform-settings")
    )
    shot(browser, "media-journey-tiktok-settings")


def approve(browser: Any, base: str, post_id: int, reviewer: str) -> None:
    sign_out(browser)
    sign_in(browser, base, reviewer, size=PHONE)
    browser.get(f"{base}/konten/draf/{post_id}")
    by_css(browser, "button[value=approve]").click()
    wait_until(browser, lambda d: "ok=acted" in d.current_url)


def test_a_facebook_photo_post_and_a_tiktok_video_are_published_from_a_phone(
    live: tuple[str, Context], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, ctx = live
    mediafiles.require_ffmpeg()
    accounts.add_user(
        ctx, "camat.bogorselatan", role="kecamatan_admin", scope="32.71.01", full_name="Camat"
    )
    auth.set_password(ctx, "camat.bogorselatan", PASSWORD, actor="cli")
    publishing_setup(ctx, base, tmp_path)
    lurah = Person("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
    photo = mediafiles.photo(1440, 1080, seed=70)
    library.add_media(
        ctx,
        lurah,
        library.Upload("posyandu.jpg", io.BytesIO(photo), len(photo)),
        library.Details(alt_text="Kader posyandu menimbang bayi di Balai RW 05"),
    )

    # a Facebook photo post: drafted, approved by the camat, published, its permalink shown
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    fb_post = draft_with(
        browser,
        base,
        "Kelurahan Batu Tulis (Facebook)",
        "Posyandu Balai RW 05 buka lagi Sabtu ini pukul 08.00. Bawa buku KIA, ya! #KotaBogor",
        "2026-11-27T10:00",
    )
    assert "Cara terbit" in by_css(browser, "section.preview").text
    approve(browser, base, fb_post, "camat.bogorselatan")
    assert content.get_post(ctx, OPERATOR, fb_post)["status"] == "scheduled"
    graph = FakeGraph()
    assert isinstance(ctx.clock, FixedClock)
    with serve_asgi(graph.app()) as fake, client_to({"graph.facebook.com": fake}) as client:
        assert run_outbox(ctx, ctx.clock, client)["sent"] == 1
    post = content.get_post(ctx, OPERATOR, fb_post)
    assert post["permalink"] is not None
    assert post["permalink"].startswith("https://www.facebook.com/")
    sign_out(browser)
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    shows_permalink(browser, base, fb_post, post["permalink"])

    # a TikTok video: the app is not audited, so it goes to the account's inbox as a draft, and
    # the page says so in words
    library.update_media(ctx, lurah, post["media"][0]["id"], library.Details(), archived=True)
    clip = mediafiles.video(tmp_path, seconds=4).read_bytes()
    library.add_media(
        ctx,
        lurah,
        library.Upload("senam-pagi.mp4", io.BytesIO(clip), len(clip)),
        library.Details(alt_text="Senam pagi warga RW 03", captions_burned_in=True),
    )
    # the creator offers every privacy level, but TikTok refuses a public post from an app not
    # audited yet: the post goes to the account's inbox as a draft
    tiktok = FakeTikTok(audited=False, offers_public=True, verified_prefix=f"{base}/publik/media/")
    with serve_asgi(tiktok.app()) as fake:
        routes = {
            "open.tiktokapis.com": fake,
            "open-upload.tiktokapis.com": fake,
            "p16-sign.tiktokcdn-us.com": fake,
        }
        monkeypatch.setattr(platform_settings, "client_factory", lambda: client_to(routes))
        tt_post = draft_with(
            browser,
            base,
            "Kelurahan Batu Tulis (TikTok)",
            "Senam pagi bareng warga RW 03 setiap Minggu pukul 06.30! #KotaBogor #SehatBersama",
            "2026-11-27T11:00",
            before_save=lambda: tiktok_choices(browser),
            before_submit=lambda _: tiktok_choices_kept(browser),
        )
        assert "kotak masuk TikTok" in by_css(browser, "section.preview").text
        approve(browser, base, tt_post, "camat.bogorselatan")
        with client_to(routes) as client:
            counted = run_outbox(ctx, ctx.clock, client)
            assert counted["sent"] == 1
    # the public post was asked with exactly the admin's choices, then refused: to the inbox
    assert tiktok.post_infos[0]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert tiktok.post_infos[0]["disable_comment"] is False
    assert tiktok.post_infos[0]["disable_stitch"] is True
    assert "inbox/video/init" in tiktok.calls
    sign_out(browser)
    sign_in(browser, base, "lurah.batutulis", size=PHONE)
    browser.get(f"{base}/konten/draf/{tt_post}")
    section = by_css(browser, "section.publishing")
    assert "draf ke kotak masuk TikTok" in section.text
    assert "terkirim" in section.text
    # not public yet: the badge says it waits in the inbox, never "Terbit"
    badge = by_css(browser, "h1 .pstatus").text
    assert badge == "Menunggu di kotak masuk TikTok", badge
    browser.get(f"{base}/konten/draf?status=inbox")
    assert "Menunggu di kotak masuk TikTok" in by_css(browser, "table.list").text
    no_console_errors(browser)
    shot(browser, "media-journey-tiktok-inbox")
