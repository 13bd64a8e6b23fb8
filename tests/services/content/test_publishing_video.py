"""Video and photos published to TikTok (Content Posting API) and YouTube (resumable upload)
through the outbox, against fakes on 127.0.0.1 that enforce the documented flows
(tests/fakes/tiktok.py, tests/fakes/youtube.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.errors import InvalidInput
from paseban.services.content import post_media, publishing_media
from paseban.services.content import posts as content
from paseban.storage import tables as t
from tests.fakes.server import client_to, serve_asgi
from tests.fakes.tiktok import FakeTikTok
from tests.fakes.youtube import FakeYouTube
from tests.services.content.publish_helpers import (
    CAMAT,
    CAPTION,
    LURAH,
    approved_post,
    clip,
    outbox_row,
    photos,
    run_outbox,
    served,
    with_publishing_accounts,
)

Fakes = tuple[FakeTikTok, FakeYouTube, httpx.Client, dict[str, int]]


@pytest.fixture
def fakes(ctx: Context, tmp_path: Path) -> Iterator[Fakes]:
    found = with_publishing_accounts(ctx, tmp_path)
    tiktok, youtube = FakeTikTok(), FakeYouTube()
    with served(ctx) as paseban, serve_asgi(tiktok.app()) as tt, serve_asgi(youtube.app()) as yt:
        tiktok.verified_prefix = f"{paseban}/publik/media/"
        routes = {
            "open.tiktokapis.com": tt,
            "open-upload.tiktokapis.com": tt,
            "www.googleapis.com": yt,
        }
        with client_to(routes) as client:
            yield tiktok, youtube, client, found


def test_a_tiktok_video_is_posted_directly_and_found_after_moderation(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    tiktok, _, client, found = fakes
    post_id = approved_post(ctx, found["tiktok"], [clip(ctx, tmp_path)], cover_offset_ms=1000)
    counts = run_outbox(ctx, clock, client)
    assert counts["sent"] == 1 and counts["failed"] == 0
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "published"
    assert post["permalink"] == (
        f"https://www.tiktok.com/@kelurahanbatutulis/video/{post['external_id']}"
    )
    assert tiktok.calls[:2] == ["creator_info", "video/init"]
    # the admin's choices exactly; the stitch the creator turned off stays off
    info = tiktok.post_infos[-1]
    assert {k: v for k, v in info.items() if k not in ("title", "video_cover_timestamp_ms")} == {
        "privacy_level": "PUBLIC_TO_EVERYONE",
        "disable_comment": False,
        "disable_duet": True,
        "disable_stitch": True,
        "brand_content_toggle": False,
        "brand_organic_toggle": False,
    }
    assert len(tiktok.fetched) == 1  # TikTok pulled the signed link once
    progress = publishing_media.progress(ctx, post["outbox_id"])
    assert progress is not None and "langsung" in progress["mode"]


def test_a_tiktok_post_without_the_required_choices_is_refused(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    """TikTok's required UX: the admin picks the privacy (no default), the interactions and the
    disclosure; without them the post cannot be submitted, nor sent if they went missing."""
    tiktok, _, client, found = fakes
    media = post_media.MediaChoice(post_media.attach_refs([clip(ctx, tmp_path)], []))
    when = ctx.now() + timedelta(hours=1)
    item = content.PostInput(found["tiktok"], CAPTION, scheduled_at=when, media=media)
    post_id = content.create_post(ctx, LURAH, item)
    with pytest.raises(InvalidInput, match="Pilih siapa yang dapat melihat"):
        content.act(ctx, LURAH, post_id, "submit")
    branded_private = {"privacy_level": "SELF_ONLY", "disclose": True, "branded_content": True}
    content.update_post(
        ctx, LURAH, post_id, dataclasses.replace(item, platform_options=branded_private)
    )
    with pytest.raises(InvalidInput, match="Konten bermerek tidak dapat"):
        content.act(ctx, LURAH, post_id, "submit")
    chosen = {"privacy_level": "MUTUAL_FOLLOW_FRIENDS", "allow_comment": True}
    content.update_post(ctx, LURAH, post_id, dataclasses.replace(item, platform_options=chosen))
    content.act(ctx, LURAH, post_id, "submit")
    assert content.act(ctx, CAMAT, post_id, "approve")["status"] == "scheduled"
    with ctx.engine.begin() as conn:  # the choices lost behind the editor's back
        conn.execute(sa.update(t.content_posts).values(platform_options=None))
    assert run_outbox(ctx, clock, client)["failed"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "failed" and "Pilih siapa" in post["events"][-1]["note"]
    assert tiktok.calls == ["creator_info"]  # nothing was posted


def test_an_unaudited_app_sends_the_video_to_the_inbox_as_a_draft(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    tiktok, _, client, found = fakes
    tiktok.audited = False  # creator_info offers only SELF_ONLY
    post_id = approved_post(ctx, found["tiktok"], [clip(ctx, tmp_path)])
    assert run_outbox(ctx, clock, client)["sent"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    # a draft in the creator's inbox is not public: never "Terbit" (issue 18)
    assert post["status"] == "inbox" and post["status_label"] == "Menunggu di kotak masuk TikTok"
    assert post["published_at"] is None and post["permalink"] is None
    assert post["events"][-1]["action"] == "to_inbox"
    assert "kotak masuk TikTok" in post["events"][-1]["note"]
    listed, _ = content.list_posts(ctx, LURAH, status="inbox")
    assert [(r["id"], r["status_label"]) for r in listed] == [
        (post_id, "Menunggu di kotak masuk TikTok")
    ]
    assert "video/init" not in tiktok.calls and "inbox/video/init" in tiktok.calls
    inbox = next(iter(tiktok.publishes.values()))
    assert inbox.received == inbox.size > 0  # the file went up in FILE_UPLOAD chunks
    progress = publishing_media.progress(ctx, post["outbox_id"])
    assert progress is not None and "draf" in progress["mode"]
    # the admin finishes it in the TikTok app, then marks it published with its link
    link = "https://www.tiktok.com/@kelurahanbatutulis/video/7380000000000000099"
    done = content.act(ctx, LURAH, post_id, "published", permalink=link)
    assert done["status"] == "published" and done["permalink"] == link


def test_a_refused_direct_post_falls_back_to_the_inbox(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    tiktok, _, client, found = fakes
    tiktok.audited, tiktok.offers_public = False, True
    post_id = approved_post(ctx, found["tiktok"], [clip(ctx, tmp_path)])
    assert run_outbox(ctx, clock, client)["sent"] == 1
    assert tiktok.calls[:3] == ["creator_info", "video/init", "inbox/video/init"]
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "inbox" and "kotak masuk" in post["events"][-1]["note"]


def test_tiktok_photos_are_one_photo_post(ctx: Context, clock: FixedClock, fakes: Fakes) -> None:
    tiktok, _, client, found = fakes
    post_id = approved_post(ctx, found["tiktok"], photos(ctx, [(1080, 1350)] * 2))
    assert run_outbox(ctx, clock, client)["sent"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["permalink"] is not None and "/photo/" in post["permalink"]
    assert "content/init" in tiktok.calls and len(tiktok.fetched) == 2


def test_a_youtube_upload_is_private_until_the_project_is_audited(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    _, youtube, client, found = fakes
    post_id = approved_post(ctx, found["youtube"], [clip(ctx, tmp_path)], title="Festival Budaya")
    assert run_outbox(ctx, clock, client)["sent"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["permalink"] == f"https://www.youtube.com/watch?v={post['external_id']}"
    assert post["external_id"] is not None
    video = youtube.videos[post["external_id"]]
    assert video["status"]["privacyStatus"] == "private"
    assert video["snippet"]["title"] == "Festival Budaya"
    assert "privat" in post["events"][-1]["note"]
    assert youtube.starts == 1


def test_an_interrupted_youtube_upload_asks_and_resumes_instead_of_sending_again(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    _, youtube, client, found = fakes
    youtube.fail_next_put = True  # the bytes arrive, the answer is a 503
    post_id = approved_post(ctx, found["youtube"], [clip(ctx, tmp_path)])
    counts = run_outbox(ctx, clock, client)
    assert counts["retry"] == 1 and counts["sent"] == 1
    assert youtube.starts == 1 and youtube.puts == 2  # the file once, then "what do you have?"
    assert len(youtube.videos) == 1
    assert outbox_row(ctx, post_id)["status"] == "sent"


def test_an_expired_youtube_session_starts_a_new_one(
    ctx: Context, clock: FixedClock, fakes: Fakes, tmp_path: Path
) -> None:
    _, youtube, client, found = fakes
    youtube.fail_next_put = True
    approved_post(ctx, found["youtube"], [clip(ctx, tmp_path)])
    first = run_outbox(ctx, clock, client, rounds=1)
    assert first["retry"] == 1
    youtube.expire()
    run_outbox(ctx, clock, client)
    assert youtube.starts == 2 and len(youtube.videos) == 1
