"""The editor's TikTok fieldset (TikTok's required UX before a post): the creator's info read
from `creator_info/query` when the page is shown, a privacy dropdown with no default, the
interaction toggles off (greyed where the creator turned them off), the commercial-content
disclosure and the music-usage declaration; the post cannot be submitted without them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services.content import platform_settings, post_media
from paseban.services.content import posts as service
from paseban.services.people import credentials as creds
from tests import mediafiles
from tests.fakes.server import client_to, serve_asgi
from tests.fakes.tiktok import FakeTikTok
from tests.web.content.conftest import As
from tests.web.content.test_content_pages import OPERATOR
from tests.web.content.test_media_pages import upload

AVATAR_HOST = "p16-sign.tiktokcdn-us.com"


@pytest.fixture
def tiktok(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTikTok]:
    fake = FakeTikTok(comment_disabled=True)
    with serve_asgi(fake.app()) as base:
        routes = {"open.tiktokapis.com": base, AVATAR_HOST: base}
        monkeypatch.setattr(platform_settings, "client_factory", lambda: client_to(routes))
        yield fake


def tiktok_account(client: TestClient) -> int:
    page = client.get("/konten/draf/baru").text
    return int(page.split('data-platform="tiktok"')[0].rsplit('value="', 1)[1].split('"')[0])


def test_the_editor_asks_what_tiktok_requires_and_refuses_without_it(
    ctx: Context, signed: tuple[TestClient, As], tiktok: FakeTikTok
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    account = tiktok_account(client)
    photo = upload(client, "senam.jpg", mediafiles.photo(1080, 1920, seed=9))
    body = (
        "Senam pagi bersama warga Kota Bogor setiap Minggu pukul 06.30 di Taman Sempur! #KotaBogor"
    )
    created = client.post(
        "/konten/draf",
        data={
            "account_id": str(account),
            "content_type": "acara",
            "title": "Senam pagi",
            "body": body,
            "media_form": "1",
            "media_id": [str(photo)],
            "media_alt": ["Warga senam pagi di taman"],
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    pid = int(created.headers["location"].split("/")[3].split("?")[0])

    # not connected yet: the page says so, and still asks
    page = client.get(f"/konten/draf/{pid}").text
    assert "Pengaturan TikTok" in page and "belum terhubung" in page
    assert tiktok.calls == []

    creds.set_token(ctx, "tiktok", "pemkotbogor", tiktok.token, actor="test")
    page = client.get(f"/konten/draf/{pid}").text
    assert tiktok.calls == ["creator_info"]  # read when the editor is shown
    assert "Diunggah ke akun <strong>Kelurahan Batu Tulis</strong> (@kelurahanbatutulis)" in page
    assert 'src="data:image/png;base64,' in page  # the avatar, through the page's own origin
    # the privacy dropdown has no default: the placeholder is selected and cannot be chosen
    assert '<option value="" selected disabled>Pilih privasi</option>' in page
    for label in ("Semua orang", "Teman (saling mengikuti)", "Hanya saya"):
        assert f">{label}</option>" in page
    # a photo post asks only Comment, which this creator turned off: unticked and greyed out
    assert 'name="tt_allow_comment" value="1"  disabled> Izinkan komentar' in page
    assert "tt_allow_duet" not in page and "tt_allow_stitch" not in page
    assert 'name="tt_disclose" value="1" >' in page  # off by default
    assert "Merek Anda" in page and "Konten bermerek" in page
    assert "Konfirmasi Penggunaan Musik TikTok" in page
    assert "Pilih siapa yang dapat melihat unggahan TikTok ini" in page

    refused = client.post(
        f"/konten/draf/{pid}/tindakan", data={"action": "submit"}, follow_redirects=False
    )
    assert refused.status_code == 422 and "Pilih siapa yang dapat melihat" in refused.text
    assert service.get_post(ctx, OPERATOR, pid)["status"] == "draft"

    form = {
        "account_id": str(account),
        "content_type": "acara",
        "title": "Senam pagi",
        "body": body,
        "version": str(service.get_post(ctx, OPERATOR, pid)["version"]),
        "platform_form": "tiktok",
        "tt_privacy": "PUBLIC_TO_EVERYONE",
        "tt_disclose": "1",
    }
    saved = client.post(f"/konten/draf/{pid}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get(f"/konten/draf/{pid}").text
    assert "pilih “Merek Anda” dan/atau “Konten bermerek”" in page
    form |= {"tt_your_brand": "1", "version": str(service.get_post(ctx, OPERATOR, pid)["version"])}
    assert client.post(f"/konten/draf/{pid}", data=form, follow_redirects=False).status_code == 303
    stored = service.get_post(ctx, OPERATOR, pid)["platform_options"]
    assert stored == {
        "privacy_level": "PUBLIC_TO_EVERYONE",
        "allow_comment": False,
        "allow_duet": False,
        "allow_stitch": False,
        "disclose": True,
        "your_brand": True,
        "branded_content": False,
    }
    page = client.get(f"/konten/draf/{pid}").text
    assert '<option value="PUBLIC_TO_EVERYONE" selected' in page and "tt-problems" not in page
    client.post(f"/konten/draf/{pid}/tindakan", data={"action": "submit"})
    assert service.get_post(ctx, OPERATOR, pid)["status"] == "review_diskominfo"


def test_the_api_refuses_a_tiktok_post_without_the_choices(
    ctx: Context, signed: tuple[TestClient, As]
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    account = tiktok_account(client)
    photo = upload(client, "senam.jpg", mediafiles.photo(1080, 1920, seed=10))
    created = client.post(
        "/api/v1/content/posts",
        json={"account_id": account, "body": "Senam pagi warga Kota Bogor. #KotaBogor"},
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    service.update_post(
        ctx,
        OPERATOR,
        pid,
        service.PostInput(
            account,
            "Senam pagi warga Kota Bogor setiap Minggu pukul 06.30 di Taman Sempur. #KotaBogor",
            media=post_media.MediaChoice((post_media.MediaRef(photo),)),
        ),
    )
    refused = client.post(f"/api/v1/content/posts/{pid}/actions", json={"action": "submit"})
    assert refused.status_code == 422
    assert refused.json()["error"] == "InvalidInput"
    assert "Pilih siapa yang dapat melihat" in refused.json()["detail"]
    chosen = {"privacy_level": "SELF_ONLY", "allow_comment": True}
    updated = client.put(
        f"/api/v1/content/posts/{pid}",
        json={
            "account_id": account,
            "body": "Senam pagi warga Kota Bogor setiap Minggu pukul 06.30 di Taman Sempur.",
            "platform_options": chosen,
        },
    )
    assert updated.status_code == 200, updated.text
    ok = client.post(f"/api/v1/content/posts/{pid}/actions", json={"action": "submit"})
    assert ok.status_code == 200 and ok.json()["status"] == "review_diskominfo"


def test_the_new_draft_page_asks_what_tiktok_requires_before_the_first_save(
    ctx: Context, signed: tuple[TestClient, As], tiktok: FakeTikTok
) -> None:
    """Choosing a TikTok account on the new-draft page shows TikTok's section at once (with
    `?akun=`, and as the fragment content.js fetches when the account changes); the choices
    made there are saved with the first save; another platform's account shows nothing."""
    client, holder = signed
    holder.who = OPERATOR
    account = tiktok_account(client)
    creds.set_token(ctx, "tiktok", "pemkotbogor", tiktok.token, actor="test")
    page = client.get(f"/konten/draf/baru?akun={account}").text
    assert "Pengaturan TikTok" in page and 'name="tt_privacy"' in page
    assert "Diunggah ke akun <strong>Kelurahan Batu Tulis</strong>" in page
    assert '<option value="" selected disabled>Pilih privasi</option>' in page
    fragment = client.get(f"/konten/draf/baru/pengaturan?akun={account}")
    assert fragment.status_code == 200 and 'name="tt_privacy"' in fragment.text
    assert 'name="platform_form" value="tiktok"' in fragment.text
    other = client.get("/konten/draf/baru").text.split('data-platform="instagram"')[0]
    instagram = int(other.rsplit('value="', 1)[1].split('"')[0])
    assert "Pengaturan TikTok" not in client.get(f"/konten/draf/baru?akun={instagram}").text
    assert client.get(f"/konten/draf/baru/pengaturan?akun={instagram}").text.strip() == ""
    assert client.get("/konten/draf/baru/pengaturan?akun=999999").text.strip() == ""

    created = client.post(
        "/konten/draf",
        data={
            "account_id": str(account),
            "content_type": "acara",
            "title": "Senam pagi",
            "body": "Senam pagi bersama warga setiap Minggu pukul 06.30 di Taman Sempur.",
            "platform_form": "tiktok",
            "tt_privacy": "PUBLIC_TO_EVERYONE",
            "tt_allow_comment": "1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    pid = int(created.headers["location"].split("/")[3].split("?")[0])
    stored = service.get_post(ctx, OPERATOR, pid)["platform_options"]
    assert stored is not None
    assert stored["privacy_level"] == "PUBLIC_TO_EVERYONE" and stored["allow_comment"] is True


def test_a_refused_new_draft_keeps_tiktoks_section_and_choices(
    ctx: Context, signed: tuple[TestClient, As], tiktok: FakeTikTok
) -> None:
    client, holder = signed
    holder.who = OPERATOR
    account = tiktok_account(client)
    refused = client.post(
        "/konten/draf",
        data={
            "account_id": str(account),
            "body": "",
            "platform_form": "tiktok",
            "tt_privacy": "SELF_ONLY",
        },
    )
    assert refused.status_code == 422
    assert "Pengaturan TikTok" in refused.text
    assert '<option value="SELF_ONLY" selected' in refused.text
