"""The stepwise publishers against the platforms' documented requests and answers
(tests/fixtures/connectors/contract/{instagram,facebook,tiktok}-publish/, youtube-upload/):
every call is the documented one, in the documented order, and every documented answer (the
errors too) is read as the platform means it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from paseban.connectors.base import SendError
from paseban.connectors.media_post import IMAGE, VIDEO, StepError
from paseban.connectors.publish_meta import FacebookMediaPublisher, InstagramMediaPublisher
from paseban.connectors.publish_tiktok import DIRECT, INBOX, TikTokMediaPublisher
from paseban.connectors.publish_youtube import YouTubeMediaPublisher
from tests.connectors.contract.publish_script import TOKEN as TOKEN_
from tests.connectors.contract.publish_script import Script, fixture, media, post, run

IG = "17841400000000001"
PAGE = "104000000000001"
VERSION = "v25.0"


def ig_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = fixture("instagram-publish", name)["request"]["body"]
    return body


# --- Instagram ---------------------------------------------------------------------------------


def test_instagram_single_image_limit_container_status_publish_permalink() -> None:
    sent = ig_body("create_image_container__single")
    item = post(
        "instagram",
        IG,
        sent["caption"],
        (media(IMAGE, sent["image_url"], alt=sent["alt_text"]),),
    )
    script = Script(
        "instagram-publish",
        "content_publishing_limit__usage",
        "create_image_container__single",
        "container_status__finished",
        "media_publish__single",
        "permalink__lookup",
    )
    step = run(InstagramMediaPublisher(VERSION), script, item)
    script.done()
    assert step.done is not None
    assert step.done.external_id == "17920238422030506"  # what media_publish answered
    assert step.done.permalink == "https://www.instagram.com/p/DAbCdEfGhIj/"


def test_instagram_carousel_children_then_the_carousel() -> None:
    images = [ig_body("create_image_container__carousel_item")]
    video = ig_body("create_video_container__carousel_item")
    caption = ig_body("create_carousel_container__children")["caption"]
    items = (
        media(IMAGE, images[0]["image_url"], alt=images[0]["alt_text"]),
        media(IMAGE, images[0]["image_url"], alt=images[0]["alt_text"]),
        media(IMAGE, images[0]["image_url"], alt=images[0]["alt_text"]),
        media(VIDEO, video["video_url"], duration_ms=15000),
    )
    script = Script(
        "instagram-publish",
        "content_publishing_limit__usage",
        "create_image_container__carousel_item",
        "create_image_container__carousel_item",
        "create_image_container__carousel_item",
        "create_video_container__carousel_item",
        "container_status__finished",
        "container_status__finished",
        "container_status__finished",
        "container_status__in_progress",  # the video child is still being processed
        "container_status__finished",
        "container_status__finished",
        "container_status__finished",
        "container_status__finished",
        "create_carousel_container__children",
        "container_status__finished",
        "media_publish__carousel",
        "permalink__lookup",
    )
    publisher = InstagramMediaPublisher(VERSION)
    waits: list[float] = []

    def stop(step: Any) -> bool:
        waits.append(step.wait)
        return step.done is not None

    step = run(publisher, script, post("instagram", IG, caption, items), until=stop)
    script.done()
    assert step.done is not None and waits.count(60.0) == 1
    assert len(step.state["children"]) == 4


@pytest.mark.parametrize(
    ("cover", "name"),
    [(True, "create_reels_container__cover_url"), (False, "create_reels_container__thumb_offset")],
)
def test_instagram_reel_with_a_cover_or_a_moment(cover: bool, name: str) -> None:
    sent = ig_body(name)
    video = media(VIDEO, sent["video_url"], duration_ms=30000)
    extra: dict[str, Any] = {}
    if cover:
        extra["cover"] = media(IMAGE, sent["cover_url"])
    else:
        extra["cover_offset_ms"] = sent["thumb_offset"]
    item = post("instagram", IG, sent["caption"], (video,), **extra)
    script = Script(
        "instagram-publish",
        "content_publishing_limit__usage",
        name,
        "container_status__in_progress",
        "container_status__finished",
        "media_publish__single",
        "permalink__reel",
    )
    step = run(InstagramMediaPublisher(VERSION), script, item)
    script.done()
    assert step.done is not None and "/reel/" in str(step.done.permalink)


def test_a_published_container_is_found_not_published_again() -> None:
    """After a lost answer to media_publish the container reads PUBLISHED: the retry does
    not call media_publish again."""
    item = post("instagram", IG, "Kerja bakti", (media(IMAGE, "https://p.example/a.jpg"),))
    script = Script("instagram-publish", "container_status__published")
    seen: list[str] = []

    def graph(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith(f"{IG}/media"):  # the account's newest posts (ours: no
            # fixture; the shape is the IG User Media edge's `data` list)
            rows = [{"id": "1790", "caption": "lain"}, {"id": "1789", "caption": "Kerja bakti"}]
            return httpx.Response(200, json={"data": rows})
        return script.handle(request)

    state = {"phase": "container", "container": "17889455560051444"}
    with httpx.Client(transport=httpx.MockTransport(graph)) as client:
        step = InstagramMediaPublisher(VERSION).step(client, item, state, TOKEN_)
    assert step.state["phase"] == "permalink" and step.state["media_id"] == "1789"
    assert not any(path.endswith("media_publish") for path in seen)
    script.done()


def test_container_errors_and_expiry() -> None:
    item = post("instagram", IG, "x", (media(IMAGE, "https://p.example/a.jpg"),))
    publisher = InstagramMediaPublisher(VERSION)
    state = {"phase": "container", "container": "17920000000000301"}
    script = Script("instagram-publish", "container_status__error", "container_status__expired")
    with script.client() as client:
        with pytest.raises(StepError, match="format video") as refused:
            publisher.step(client, item, state, TOKEN_)
        assert not refused.value.retryable and refused.value.state == {"phase": "items"}
        with pytest.raises(StepError, match="kedaluwarsa") as expired:
            publisher.step(client, item, state, TOKEN_)
        assert expired.value.retryable and "container" not in expired.value.state


@pytest.mark.parametrize(
    ("name", "phase", "retryable", "words"),
    [
        ("error__publish_limit_reached_9", "container", False, "batas unggahan harian"),
        ("error__caption_too_long_36004", "items", False, "36004"),
        ("error__media_fetch_failed_9004", "items", False, "9004"),
    ],
)
def test_instagram_refusals(name: str, phase: str, retryable: bool, words: str) -> None:
    item = post("instagram", IG, "x", (media(IMAGE, "https://p.example/a.jpg"),))
    names = ["container_status__finished", name] if phase == "container" else [name]
    script = Script("instagram-publish", *names)
    state = {"phase": phase, "container": "17920000000000301"}
    with script.client() as client, pytest.raises(SendError, match=words) as refused:
        InstagramMediaPublisher(VERSION).step(client, item, state, TOKEN_)
    assert refused.value.retryable is retryable


def test_the_daily_limit_is_read_first() -> None:
    script = Script("instagram-publish", "content_publishing_limit__usage")
    item = post("instagram", IG, "x", (media(IMAGE, "https://p.example/a.jpg"),))
    with script.client() as client:
        step = InstagramMediaPublisher(VERSION).step(client, item, {}, TOKEN_)
    assert step.state["phase"] == "items"  # 2 of 50 used: go on


def test_publishing_before_finished_is_not_a_blind_resend() -> None:
    """9007 (not ready) on media_publish: worth another try, after the status poll."""
    item = post("instagram", IG, "x", (media(IMAGE, "https://p.example/a.jpg"),))
    script = Script(
        "instagram-publish", "container_status__finished", "error__media_not_ready_9007"
    )
    state = {"phase": "container", "container": "17920000000000301"}
    with script.client() as client, pytest.raises(SendError) as refused:
        InstagramMediaPublisher(VERSION).step(client, item, state, TOKEN_)
    assert not refused.value.ambiguous


# --- Facebook Page -----------------------------------------------------------------------------


def fb_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = fixture("facebook-publish", name)["request"]["body"]
    return body


def test_facebook_photo_post() -> None:
    sent = fb_body("photo_post__url")
    item = post(
        "facebook", PAGE, sent["caption"], (media(IMAGE, sent["url"], alt=sent["alt_text_custom"]),)
    )
    script = Script("facebook-publish", "photo_post__url", "permalink__post")
    step = run(FacebookMediaPublisher(VERSION), script, item)
    script.done()
    assert step.done is not None and step.done.external_id == "104000000000001_1002088841000"
    assert step.done.permalink == "https://www.facebook.com/kelurahanbabakan/posts/1002088841000"


def test_facebook_album_unpublished_photos_then_attached_media() -> None:
    url = fb_body("photo_upload__unpublished")["url"]
    caption = fb_body("multi_photo_post__attached_media")["message"]
    item = post("facebook", PAGE, caption, tuple(media(IMAGE, url) for _ in range(3)))
    script = Script(
        "facebook-publish",
        "photo_upload__unpublished",
        "photo_upload__unpublished",
        "photo_upload__unpublished",
        "multi_photo_post__attached_media",
        "permalink__post",
    )
    step = run(FacebookMediaPublisher(VERSION), script, item)
    script.done()
    assert step.done is not None and len(step.state["photos"]) == 3


def test_facebook_video_from_the_signed_link() -> None:
    sent = fb_body("video_publish__file_url_nonresumable")
    item = post(
        "facebook",
        PAGE,
        sent["description"],
        (media(VIDEO, sent["file_url"], duration_ms=60000),),
        title=sent["title"],
    )
    script = Script("facebook-publish", "video_publish__file_url_nonresumable", "permalink__post")
    assert run(FacebookMediaPublisher(VERSION), script, item).done is not None
    script.done()


def test_a_large_facebook_video_resumes_its_upload_then_publishes_the_handle() -> None:
    """A session for the app, Meta's `file_offset` read before the piece is sent from there,
    the handle published on the video host; never `file_url`."""
    start = fixture("facebook-publish", "video_upload__resumable_start")["request"]["query"]
    sent = fb_body("video_publish__file_handle")
    video = media(VIDEO, "https://p.example/v", size=int(start["file_length"]), duration_ms=9000)
    item = post("facebook", PAGE, sent["description"], (video,), title=sent["title"])
    script = Script(
        "facebook-publish",
        "video_upload__resumable_start",
        "video_upload__resumable_status",
        "video_upload__resumable_resume",
        "video_publish__file_handle",
        "permalink__post",
    )
    publisher = FacebookMediaPublisher(VERSION, app_id="1234500000000001")
    assert run(publisher, script, item).done is not None
    script.done()


@pytest.mark.parametrize(
    ("name", "retryable"),
    [
        ("error__video_upload_6001", False),  # Meta: "try again": the admin sends again
        ("error__invalid_image_324", False),
        ("error__page_rate_limited_80001", True),
        ("error__video_fetch_389", False),
    ],
)
def test_facebook_refusals(name: str, retryable: bool) -> None:
    kind = VIDEO if "video" in name else IMAGE
    item = post("facebook", PAGE, "x", (media(kind, "https://p.example/a", duration_ms=1000),))
    script = Script("facebook-publish", name)
    with script.client() as client, pytest.raises(SendError) as refused:
        FacebookMediaPublisher(VERSION).step(client, item, {}, TOKEN_)
    assert refused.value.retryable is retryable


# --- TikTok ------------------------------------------------------------------------------------


# what the admin chose in the editor (TikTok's required UX); the creator turned Stitch off
CHOSEN = {"privacy_level": "PUBLIC_TO_EVERYONE", "allow_comment": True, "allow_duet": True}
POST_INFO = {
    "privacy_level": "PUBLIC_TO_EVERYONE",
    "disable_comment": False,
    "disable_duet": False,
    "disable_stitch": True,
    "brand_content_toggle": False,
    "brand_organic_toggle": False,
}


def tt_body(name: str) -> dict[str, Any]:
    body: dict[str, Any] = fixture("tiktok-publish", name)["request"]["body"]
    return body


def test_tiktok_direct_post_from_url_until_the_post_id_appears() -> None:
    sent = tt_body("video_init__direct_pull_from_url")
    video = media(VIDEO, sent["source_info"]["video_url"], duration_ms=60000)
    item = post(
        "tiktok",
        "open-id",
        sent["post_info"]["title"],
        (video,),
        cover_offset_ms=sent["post_info"]["video_cover_timestamp_ms"],
        options=CHOSEN,
    )
    script = Script(
        "tiktok-publish",
        "creator_info__query",
        "video_init__direct_pull_from_url",
        "status_fetch__processing_download",
        "status_fetch__publish_complete_public",
    )
    step = run(TikTokMediaPublisher(), script, item)
    script.done()
    assert step.state["mode"] == DIRECT and step.done is not None
    assert step.done.permalink == (
        "https://www.tiktok.com/@kelurahanbabakan/video/7380000000000000501"
    )


def test_tiktok_unaudited_goes_to_the_inbox_with_a_whole_file_upload() -> None:
    sent = tt_body("video_init__direct_pull_from_url")
    size = tt_body("video_init__inbox_file_upload")["source_info"]["video_size"]
    video = media(VIDEO, sent["source_info"]["video_url"], size=size, duration_ms=20000)
    item = post(
        "tiktok",
        "open-id",
        sent["post_info"]["title"],
        (video,),
        cover_offset_ms=1000,
        options=CHOSEN,
    )
    script = Script(
        "tiktok-publish",
        "creator_info__query",
        "error__unaudited_client_private_only",
        "video_init__inbox_file_upload",
        "upload_chunk__whole_file_201",
        "status_fetch__send_to_user_inbox",
    )
    step = run(TikTokMediaPublisher(), script, item)
    script.done()
    assert step.state["mode"] == INBOX and step.done is not None
    assert step.done.permalink is None and "kotak masuk" in step.done.note


def test_tiktok_photos_direct_post() -> None:
    sent = tt_body("photo_init__direct_post")
    urls = sent["source_info"]["photo_images"]
    item = post(
        "tiktok",
        "open-id",
        sent["post_info"]["description"],
        tuple(media(IMAGE, u) for u in urls),
        title=sent["post_info"]["title"],
        options=CHOSEN,
    )
    script = Script("tiktok-publish", "creator_info__query", "photo_init__direct_post")
    step = run(TikTokMediaPublisher(), script, item, until=lambda s: s.state["phase"] == "status")
    script.done()
    assert step.state["publish_id"] == "p_pub_url~v2.123456789"


def test_tiktok_moderation_then_a_failed_pull() -> None:
    item = post("tiktok", "open-id", "x", (media(VIDEO, "https://p.example/v.mp4"),))
    state = {"phase": "status", "publish_id": "v_pub_file~v2-1.1", "mode": DIRECT, "username": "u"}
    script = Script(
        "tiktok-publish",
        "status_fetch__publish_complete_moderation_pending",
        "status_fetch__failed_video_pull",
    )
    publisher = TikTokMediaPublisher()
    with script.client() as client:
        waiting = publisher.step(client, item, state, TOKEN_)
        assert waiting.wait == 300.0 and waiting.done is None
        with pytest.raises(StepError, match="gagal mengambil video") as failed:
            publisher.step(client, item, waiting.state, TOKEN_)
    assert failed.value.retryable and failed.value.state["phase"] == "creator"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("error__spam_risk_too_many_posts", "batas unggahan harian"),
        ("error__url_ownership_unverified", "diverifikasi"),
    ],
)
def test_tiktok_refusals(name: str, words: str) -> None:
    item = post("tiktok", "open-id", "x", (media(VIDEO, "https://p.example/v.mp4"),))
    state = {"phase": "init", "mode": DIRECT, "post_info": POST_INFO}
    script = Script("tiktok-publish", name)
    with script.client() as client, pytest.raises(SendError, match=words) as refused:
        TikTokMediaPublisher().step(client, item, state, TOKEN_)
    assert not refused.value.retryable


def test_tiktok_privacy_mismatch_turns_to_the_inbox() -> None:
    item = post("tiktok", "open-id", "x", (media(VIDEO, "https://p.example/v.mp4", size=10),))
    script = Script("tiktok-publish", "error__privacy_level_option_mismatch")
    state = {"phase": "init", "mode": DIRECT, "post_info": POST_INFO}
    with script.client() as client:
        step = TikTokMediaPublisher().step(client, item, state, TOKEN_)
    assert step.state["mode"] == INBOX and step.state["phase"] == "init"
    assert "kotak masuk" in step.state["mode_label"]


# --- YouTube -----------------------------------------------------------------------------------


def yt_video() -> Any:
    start = fixture("youtube-upload", "videos_insert__start_resumable_session")["request"]
    size = int(start["headers"]["X-Upload-Content-Length"])
    snippet = start["body"]["snippet"]
    video = media(VIDEO, "https://p.example/v.mp4", size=size, duration_ms=90000)
    return post("youtube", "UC", snippet["description"], (video,), title=snippet["title"])


def test_youtube_resumable_upload_in_chunks_resumed_after_an_interruption() -> None:
    item = yt_video()
    script = Script(
        "youtube-upload",
        "videos_insert__start_resumable_session",
        "videos_insert__chunk_308",
        "videos_insert__status_check_308_range",
    )
    publisher = YouTubeMediaPublisher(audited=False)
    with script.client() as client:
        started = publisher.step(client, item, {}, TOKEN_)
        assert started.state["session"].endswith(
            "upload_id=xa298sd_f&part=snippet,status,contentDetails"
        )
        first = publisher.step(client, item, started.state, TOKEN_)
        assert first.state["offset"] == 8388608
        asked = publisher.step(client, item, {**first.state, "check": True}, TOKEN_)
    assert asked.state["offset"] == 20971520 and "check" not in asked.state
    script.done()


def test_youtube_final_answer_nothing_received_and_an_expired_session() -> None:
    item = yt_video()
    state = {
        "phase": "upload",
        "session": "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=xa298sd_f&part=snippet,status,contentDetails",
        "offset": 0,
        "privacy": "private",
    }
    script = Script(
        "youtube-upload",
        "videos_insert__status_check_308_nothing_received",
        "videos_insert__upload_put_complete",
        "videos_insert__session_expired_404",
    )
    publisher = YouTubeMediaPublisher(audited=False)
    with script.client() as client:
        nothing = publisher.step(client, item, {**state, "check": True}, TOKEN_)
        assert nothing.state["offset"] == 0
        done = publisher.step(client, item, {**state, "check": True}, TOKEN_)
        assert done.done is not None and done.done.external_id == "aBcDeFgHiJk"
        assert "privat" in done.done.note
        with pytest.raises(StepError, match="kedaluwarsa") as expired:
            publisher.step(client, item, {**state, "check": True}, TOKEN_)
    assert expired.value.state == {"phase": "start"}


@pytest.mark.parametrize(
    ("name", "retryable"),
    [("error__quota_exceeded", True), ("error__upload_limit_exceeded", False)],
)
def test_youtube_refusals(name: str, retryable: bool) -> None:
    script = Script("youtube-upload", name)
    with script.client() as client, pytest.raises(SendError) as refused:
        YouTubeMediaPublisher(audited=False).step(client, yt_video(), {}, TOKEN_)
    assert refused.value.retryable is retryable
