from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from paseban.connectors.base import AccountRef, Credentials, Outgoing, SendError
from paseban.connectors.youtube import YouTubePoller, YouTubePublisher, parse_threads
from paseban.domain.messages import MessageKind
from tests.connectors.helpers import Recorder, json_response, load

CHANNEL = AccountRef("youtube", "UCpemkotbogor0000000000", "pemkotbogor.yt")


def test_threads_replies_and_our_own_reply() -> None:
    batch, newest, oldest = parse_threads(
        CHANNEL.platform_account_id, load("youtube", "comment_threads__page")
    )
    assert [(m.external_id, m.kind, m.parent_external_id) for m in batch.messages] == [
        ("UgxThread0002", MessageKind.COMMENT, "vidBogor01"),
        ("UgxThread0001", MessageKind.COMMENT, "vidBogor01"),
    ]
    assert (
        batch.messages[0].author == "@asep.mulyaharja"
        and batch.messages[0].author_id == "UCasep000000000000000000"
    )
    assert [(m.external_id, m.parent_external_id) for m in batch.own] == [
        ("UgxThread0002.9xReply01", "UgxThread0002")
    ]
    assert newest == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)
    assert oldest == datetime(2026, 11, 26, 23, 0, tzinfo=UTC)


def test_poller_walks_pages_until_it_meets_the_watermark() -> None:
    api = Recorder(
        {
            ("GET", "/youtube/v3/commentThreads"): [
                json_response("youtube", "comment_threads__page"),
                json_response("youtube", "comment_threads__old"),
            ]
        }
    )
    client, poller = api.client(), YouTubePoller()
    cursor = {"watermark": "2026-11-25T00:00:00+00:00"}
    first = poller.fetch(client, CHANNEL, cursor, Credentials("key", {"api_key": True}))
    assert first.more and first.cursor["page_token"] == "QURTSl9pMlRfQ2dvN2hYYlFyZw=="
    second = poller.fetch(client, CHANNEL, first.cursor, Credentials("key", {"api_key": True}))
    assert not second.more  # the old page reached the watermark
    assert second.cursor == {"watermark": "2026-11-27T01:30:00+00:00"}
    one, two = api.requests
    assert dict(one.url.params) == {
        "part": "snippet,replies",
        "allThreadsRelatedToChannelId": "UCpemkotbogor0000000000",
        "order": "time",
        "maxResults": "100",
        "textFormat": "plainText",
    }
    assert one.headers["x-goog-api-key"] == "key" and "key=" not in str(one.url)
    assert two.url.params["pageToken"] == "QURTSl9pMlRfQ2dvN2hYYlFyZw=="


def test_first_poll_reads_one_page() -> None:
    api = Recorder(
        {("GET", "/youtube/v3/commentThreads"): json_response("youtube", "comment_threads__page")}
    )
    page = YouTubePoller().fetch(api.client(), CHANNEL, {}, Credentials("oauth"))
    assert not page.more and page.cursor == {"watermark": "2026-11-27T01:30:00+00:00"}
    assert api.requests[0].headers["authorization"] == "Bearer oauth"


def test_quota_errors_are_rate_limits() -> None:
    api = Recorder(
        {("GET", "/youtube/v3/commentThreads"): json_response("youtube", "error__quota", 403)}
    )
    with pytest.raises(SendError) as info:
        YouTubePoller().fetch(api.client(), CHANNEL, {}, Credentials("k", {"api_key": True}))
    assert info.value.rate_limited


def test_reply_request() -> None:
    api = Recorder(
        {("POST", "/youtube/v3/comments"): json_response("youtube", "comments__inserted")}
    )
    item = Outgoing(
        "youtube",
        "reply",
        "Terima kasih",
        CHANNEL,
        "UgxThread0002.9xReply01",
        "reply",
        "UgxThread0002",
    )
    assert (
        YouTubePublisher().send(api.client(), item, Credentials("oauth"))
        == "UgxThread0002.9xReply02"
    )
    (request,) = api.requests
    assert request.url == "https://www.googleapis.com/youtube/v3/comments?part=snippet"
    assert request.headers["authorization"] == "Bearer oauth"
    assert json.loads(request.content) == {
        "snippet": {"parentId": "UgxThread0002", "textOriginal": "Terima kasih"}
    }
    with pytest.raises(SendError):
        YouTubePublisher().request_for(Outgoing("youtube", "post", "x", CHANNEL))
