"""A video above TikTok's one-chunk size goes to the inbox in several FILE_UPLOAD chunks, as the
Media Transfer Guide documents (chunks of 5-64 MB, `total_chunk_count = floor(size / chunk)`,
the last chunk taking the rest, each PUT with its Content-Range), against the fake that
enforces those rules."""

from __future__ import annotations

from typing import Any

import httpx

from paseban.connectors.base import AccountRef, Credentials
from paseban.connectors.media_post import VIDEO, MediaFile, MediaPost, Step
from paseban.connectors.publish_tiktok import CHUNK, TikTokMediaPublisher, chunks
from tests.fakes.server import ToFakes, serve_asgi
from tests.fakes.tiktok import FakeTikTok

MB = 1024 * 1024


def test_chunk_sizes_follow_the_media_transfer_guide() -> None:
    assert chunks(10 * MB) == (10 * MB, 1)  # whole up to 64 MB
    assert chunks(64 * MB) == (64 * MB, 1)
    assert chunks(70 * MB) == (CHUNK, 2)  # the last one takes the rest (38 MB)
    assert chunks(150 * MB) == (CHUNK, 4)


def test_a_large_video_goes_up_in_several_chunks_with_content_range() -> None:
    size = 70 * MB
    pattern = bytes(range(256)) * 4096  # 1 MiB

    def read(offset: int, length: int) -> bytes:
        return (pattern * (length // MB + 2))[offset % MB : offset % MB + length]

    video = MediaFile(1, VIDEO, "video/mp4", size, 1080, 1920, 30_000, "", "https://x/", read)
    post = MediaPost(
        "tiktok",
        AccountRef("tiktok", "6900000000000000001", "kelurahanbatutulis"),
        "Senam pagi #KotaBogor",
        "",
        (video,),
        options={"privacy_level": "PUBLIC_TO_EVERYONE"},
    )
    fake = FakeTikTok(audited=False)  # only SELF_ONLY offered: the video goes to the inbox
    publisher = TikTokMediaPublisher()
    credentials = Credentials(fake.token)
    puts: list[int] = []
    with serve_asgi(fake.app()) as base:
        routes = {"open.tiktokapis.com": base, "open-upload.tiktokapis.com": base}
        # 70 MB through a local server: a generous timeout for a loaded CI machine
        with httpx.Client(transport=ToFakes(routes), timeout=180) as client:
            state: dict[str, Any] = {}
            for _ in range(12):
                step: Step = publisher.step(client, post, state, credentials)
                if state.get("phase") == "upload":
                    puts.append(int(step.state["offset"]))
                state = step.state
                if step.done is not None:
                    break
    assert step.done is not None and step.done.in_inbox
    upload = next(iter(fake.publishes.values()))
    assert (upload.size, upload.chunk_size) == (size, CHUNK)
    assert upload.received == size
    assert puts == [CHUNK, size]  # two PUTs: 32 MB, then the last 38 MB
    assert fake.calls[:2] == ["creator_info", "inbox/video/init"]
