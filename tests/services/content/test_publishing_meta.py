"""Posts with pictures and video published to Instagram and a Facebook Page through the outbox,
against the fake Graph API on 127.0.0.1 that enforces the documented container flow
(tests/fakes/graph.py). Meta fetches every file from Paseban's signed link, served live."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.ingest import outbox
from tests.fakes.graph import FakeGraph
from tests.fakes.server import client_to, serve_asgi
from tests.services.content.publish_helpers import (
    IG_ID,
    LURAH,
    PAGE_ID,
    approved_post,
    clip,
    outbox_row,
    photos,
    run_outbox,
    served,
    with_publishing_accounts,
)

PORTRAIT = (1080, 1350)


@pytest.fixture
def graph(ctx: Context, tmp_path: Path) -> Iterator[tuple[FakeGraph, httpx.Client, dict[str, int]]]:
    found = with_publishing_accounts(ctx, tmp_path)
    fake = FakeGraph()
    with served(ctx), serve_asgi(fake.app()) as base:
        client = client_to({"graph.facebook.com": base, "graph-video.facebook.com": base})
        with client:
            yield fake, client, found


def test_a_carousel_goes_out_through_containers_and_shows_its_permalink(
    ctx: Context, clock: FixedClock, graph: tuple[FakeGraph, httpx.Client, dict[str, int]]
) -> None:
    fake, client, found = graph
    post_id = approved_post(ctx, found["instagram"], photos(ctx, [PORTRAIT] * 3))
    counts = run_outbox(ctx, clock, client)
    assert counts["sent"] == 1 and counts["failed"] == 0
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "published"
    assert post["permalink"] is not None and post["external_id"] is not None
    assert post["permalink"].startswith("https://www.instagram.com/p/")
    assert fake.media[post["external_id"]]["media_type"] == "CAROUSEL_ALBUM"
    # the documented order: limit, three children, their statuses, the carousel, its status,
    # media_publish, the permalink; every file fetched by "Meta" from the signed link
    edges = [path for method, path in fake.calls if method == "POST"]
    assert edges == [f"{IG_ID}/media"] * 4 + [f"{IG_ID}/media_publish"]
    assert fake.calls[0] == ("GET", f"{IG_ID}/content_publishing_limit")
    assert len(fake.fetched) == 3 and all("/publik/media/" in u for u in fake.fetched)
    assert fake.published[IG_ID] == 1


def test_a_reel_waits_for_its_container_without_using_up_tries(
    ctx: Context,
    clock: FixedClock,
    graph: tuple[FakeGraph, httpx.Client, dict[str, int]],
    tmp_path: Path,
) -> None:
    fake, client, found = graph
    fake.video_polls = 3  # Meta is still processing for two minutes
    post_id = approved_post(ctx, found["instagram"], [clip(ctx, tmp_path)], cover_offset_ms=1000)
    start = clock.at
    counts = run_outbox(ctx, clock, client)
    assert counts["sent"] == 1 and counts["postponed"] == 2
    row = outbox_row(ctx, post_id)
    assert row["attempts"] == 1  # the waits used no try
    assert clock.at - start >= timedelta(hours=1, minutes=3)  # a minute per poll
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "published" and "/reel/" in (post["permalink"] or "")
    container = next(c for c in fake.containers.values() if c.kind == "REELS")
    assert container.status == "PUBLISHED"


def test_publishing_is_refused_clearly_when_the_daily_limit_is_used_up(
    ctx: Context, clock: FixedClock, graph: tuple[FakeGraph, httpx.Client, dict[str, int]]
) -> None:
    fake, client, found = graph
    fake.published[IG_ID] = fake.quota_total = 50
    post_id = approved_post(ctx, found["instagram"], photos(ctx, [PORTRAIT]))
    counts = run_outbox(ctx, clock, client)
    assert counts["failed"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "failed"
    assert "batas 50 unggahan per 24 jam" in post["events"][-1]["note"]
    assert not [c for c in fake.calls if c[0] == "POST"]  # no container was made


def test_an_interrupted_publish_resumes_from_the_stored_container(
    ctx: Context, clock: FixedClock, graph: tuple[FakeGraph, httpx.Client, dict[str, int]]
) -> None:
    """media_publish went through but the answer was lost (a read timeout): the retry reads
    the container (PUBLISHED), finds the post, and publishes nothing twice."""
    fake, client, found = graph
    post_id = approved_post(ctx, found["instagram"], photos(ctx, [PORTRAIT]))
    lose_answer = LoseAnswer(client, f"{IG_ID}/media_publish")
    counts = run_outbox(ctx, clock, lose_answer.client)
    assert counts["sent"] == 1 and counts["retry"] == 1
    assert fake.published[IG_ID] == 1
    assert len([c for c in fake.calls if c == ("POST", f"{IG_ID}/media")]) == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "published" and post["permalink"]


class LoseAnswer:
    """A client whose first request to `path` reaches the platform, but whose answer is lost."""

    def __init__(self, inner: httpx.Client, path: str) -> None:
        self.path = path
        self.lost = False
        transport = inner._transport

        def handle(request: httpx.Request) -> httpx.Response:
            response = transport.handle_request(request)
            if request.url.path.endswith(self.path) and not self.lost:
                self.lost = True
                response.read()
                raise httpx.ReadTimeout("answer lost", request=request)
            return response

        self.client = httpx.Client(transport=httpx.MockTransport(handle))


def test_a_facebook_photo_post_and_an_album(
    ctx: Context, clock: FixedClock, graph: tuple[FakeGraph, httpx.Client, dict[str, int]]
) -> None:
    fake, client, found = graph
    one = approved_post(ctx, found["facebook"], photos(ctx, [(1440, 1080)]))
    album = approved_post(ctx, found["facebook"], photos(ctx, [PORTRAIT] * 3, seed=80))
    counts = run_outbox(ctx, clock, client)
    assert counts["sent"] == 2
    for post_id in (one, album):
        post = content.get_post(ctx, LURAH, post_id)
        assert post["status"] == "published"
        assert (post["permalink"] or "").startswith(f"https://www.facebook.com/{PAGE_ID}/posts/")
    posted = [path for method, path in fake.calls if method == "POST"]
    assert posted.count(f"{PAGE_ID}/photos") == 4 and posted.count(f"{PAGE_ID}/feed") == 1
    attached = [p for p in fake.photos.values() if p["attached"]]
    assert len(attached) == 3 and not any(p["published"] for p in attached)


def test_a_facebook_video_goes_to_the_video_host(
    ctx: Context,
    clock: FixedClock,
    graph: tuple[FakeGraph, httpx.Client, dict[str, int]],
    tmp_path: Path,
) -> None:
    _, client, found = graph
    post_id = approved_post(ctx, found["facebook"], [clip(ctx, tmp_path)])
    assert run_outbox(ctx, clock, client)["sent"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["permalink"] == f"https://www.facebook.com/{PAGE_ID}/videos/{post['external_id']}/"


def test_without_a_base_url_nothing_with_media_is_sent(
    ctx: Context, clock: FixedClock, graph: tuple[FakeGraph, httpx.Client, dict[str, int]]
) -> None:
    import dataclasses

    fake, client, found = graph
    post_id = approved_post(ctx, found["instagram"], photos(ctx, [PORTRAIT]))
    ctx.settings = dataclasses.replace(ctx.settings, public_url="")
    assert run_outbox(ctx, clock, client)["failed"] == 1
    assert "PASEBAN_BASE_URL" in content.get_post(ctx, LURAH, post_id)["events"][-1]["note"]
    assert fake.calls == []
    assert outbox.list_outbox(ctx)[0]["status"] == "failed"


@pytest.fixture
def resumable(
    ctx: Context, monkeypatch: pytest.MonkeyPatch, graph: tuple[FakeGraph, httpx.Client, Any]
) -> int:
    """Facebook videos above 64 KB go by the Resumable Upload API in pieces of 48 KB (the real
    figures, 20 MB and 8 MB, would need a clip too big for a test)."""
    import dataclasses

    from paseban.connectors import upload_meta

    monkeypatch.setattr(upload_meta, "FILE_URL_MAX_BYTES", 64 * 1024)
    monkeypatch.setattr(upload_meta, "CHUNK_BYTES", 48 * 1024)
    ctx.settings = dataclasses.replace(ctx.settings, meta_app_id=graph[0].app_id)
    for connector in ctx.connectors.connectors:
        if hasattr(connector, "settings"):
            monkeypatch.setattr(connector, "settings", ctx.settings)
    return 48 * 1024


def test_a_large_facebook_video_goes_in_pieces_and_resumes_from_metas_offset(
    ctx: Context,
    clock: FixedClock,
    graph: tuple[FakeGraph, httpx.Client, dict[str, int]],
    resumable: int,
    tmp_path: Path,
) -> None:
    """Meta's Resumable Upload API: a session for the app, the file in pieces each sent from
    the `file_offset` Meta reports; the second piece is cut off after 1000 bytes, and the retry
    continues from there (not from the piece's start, not from zero); then the Page video is
    published with the handle, never by `file_url`."""
    fake, client, found = graph
    media_id = clip(ctx, tmp_path, seconds=8)
    post_id = approved_post(ctx, found["facebook"], [media_id])
    stored = library.get_media(ctx, LURAH, media_id)
    size = int(stored["bytes"])
    assert size > 3 * resumable  # several pieces
    fake.cut = (2, 1000)
    counts = run_outbox(ctx, clock, client)
    assert counts["sent"] == 1 and counts["retry"] == 1
    (upload,) = fake.uploads.values()
    assert upload.length == size and upload.file_type == "video/mp4" and upload.used
    assert hashlib.sha256(upload.received).hexdigest() == stored["sha256"]  # every byte, once
    assert upload.pieces == -(-size // resumable) + 1  # one more: the piece cut off
    assert not fake.fetched  # Meta fetched nothing: no file_url
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "published"
    assert post["permalink"] == f"https://www.facebook.com/{PAGE_ID}/videos/{post['external_id']}/"
    posted = [path for method, path in fake.calls if method == "POST"]
    assert posted[0] == f"{fake.app_id}/uploads" and posted[-1] == f"{PAGE_ID}/videos"
    assert posted.count(f"{fake.app_id}/uploads") == 1  # the session is never opened twice


def test_a_large_facebook_video_without_the_app_id_is_refused_clearly(
    ctx: Context,
    clock: FixedClock,
    graph: tuple[FakeGraph, httpx.Client, dict[str, int]],
    resumable: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    fake, client, found = graph
    ctx.settings = dataclasses.replace(ctx.settings, meta_app_id="")
    for connector in ctx.connectors.connectors:
        if hasattr(connector, "settings"):
            monkeypatch.setattr(connector, "settings", ctx.settings)
    post_id = approved_post(ctx, found["facebook"], [clip(ctx, tmp_path, seconds=8)])
    assert run_outbox(ctx, clock, client)["failed"] == 1
    post = content.get_post(ctx, LURAH, post_id)
    assert post["status"] == "failed" and "META_APP_ID" in post["events"][-1]["note"]
    assert fake.calls == []  # nothing half-sent, and no file_url fallback behind the back
