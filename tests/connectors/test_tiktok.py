from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from paseban.connectors import tiktok_display
from paseban.connectors.base import AccountRef, Credentials, Outgoing, SendError
from paseban.connectors.tiktok import TikTokPoller, TikTokPublisher
from paseban.domain.messages import MessageKind
from tests.connectors.helpers import Recorder, json_response

BUSINESS = AccountRef("tiktok", "biz-pemkotbogor", "pemkotbogor.tt")


def api() -> Recorder:
    return Recorder(
        {
            ("GET", "/open_api/v1.3/business/video/list/"): json_response("tiktok", "videos__list"),
            ("GET", "/open_api/v1.3/business/comment/list/"): [
                json_response("tiktok", "comments__video2"),
                json_response("tiktok", "comments__video1"),
            ],
            # comment ...0003 says it has one reply and carries none nested: its reply list
            ("GET", "/open_api/v1.3/business/comment/reply/list/"): json_response(
                "tiktok", "replies__comment3"
            ),
        }
    )


def test_poll_reads_recent_videos_and_their_new_comments() -> None:
    fake = api()
    cursor = {"videos": {"7440000000000000002": 1795741200, "7440000000000000001": 1795650000}}
    page = TikTokPoller().fetch(fake.client(), BUSINESS, cursor, Credentials("tt-token"))
    assert [m.external_id for m in page.batch.messages] == [
        "7441000000000000003",
        "7441000000000000001",
    ]
    comment = page.batch.messages[0]
    assert (
        comment.kind is MessageKind.COMMENT and comment.parent_external_id == "7440000000000000002"
    )
    assert comment.author == "mamah.rafa"
    # our own reply, read from the reply list, points at the comment it answers
    (own,) = page.batch.own
    assert own.kind is MessageKind.REPLY and own.parent_external_id == "7441000000000000003"
    assert page.cursor["videos"] == {
        "7440000000000000002": 1795741500,
        "7440000000000000001": 1795650000,
    }
    assert page.cursor["replies"]["7441000000000000003"] == 1
    videos, first, replies, second = fake.requests
    assert videos.headers["access-token"] == "tt-token"
    assert videos.url.params["business_id"] == "biz-pemkotbogor"
    assert json.loads(videos.url.params["fields"]) == ["item_id", "create_time", "comments"]
    assert first.url.params["video_id"] == "7440000000000000002"
    assert (
        first.url.params["sort_field"] == "create_time" and first.url.params["sort_order"] == "desc"
    )
    assert replies.url.params["comment_id"] == "7441000000000000003"
    assert second.url.params["video_id"] == "7440000000000000001"


def test_body_errors_with_http_200_are_errors() -> None:
    fake = Recorder(
        {
            ("GET", "/open_api/v1.3/business/video/list/"): json_response(
                "tiktok", "error__rate_limited"
            )
        }
    )
    with pytest.raises(SendError) as info:
        TikTokPoller().fetch(fake.client(), BUSINESS, {}, Credentials("t"))
    assert info.value.rate_limited and "40100" in str(info.value)


def test_reply_request() -> None:
    fake = Recorder(
        {
            ("POST", "/open_api/v1.3/business/comment/reply/create/"): json_response(
                "tiktok", "reply__created"
            )
        }
    )
    item = Outgoing(
        "tiktok",
        "reply",
        "Siap, kami cek",
        BUSINESS,
        "7441000000000000003",
        "comment",
        "7440000000000000002",
    )
    assert TikTokPublisher().send(fake.client(), item, Credentials("tt")) == "7441000000000000009"
    (request,) = fake.requests
    assert request.headers["access-token"] == "tt"
    assert json.loads(request.content) == {
        "business_id": "biz-pemkotbogor",
        "video_id": "7440000000000000002",
        "comment_id": "7441000000000000003",
        "text": "Siap, kami cek",
    }


def test_login_kit_reads_the_video_list_and_maps_its_errors() -> None:
    """Display API `POST /v2/video/list/` (tests/fixtures/oauth/tiktok__video_list.json): comment
    counts kept, their growth counted as waiting; TikTok's v2 error codes in words."""
    fixture = Path(__file__).parents[1] / "fixtures" / "oauth" / "tiktok__video_list.json"
    answer = json.loads(fixture.read_text())["response"]
    replies: list[httpx.Response] = [httpx.Response(200, json=answer["body"])]

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v2/video/list/" and request.headers["authorization"]
        assert json.loads(request.content) == {"max_count": 20}
        return replies.pop(0)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    account = AccountRef("tiktok", "open-id-1", "kel.babakan")
    login_kit = Credentials("act.x", {"flow": "tiktok_login_kit"})
    page = TikTokPoller().fetch(client, account, {}, login_kit)
    assert page.batch.messages == [] and page.cursor["waiting"] == 0
    assert page.cursor["counts"] == {"7080217258529732882": 12, "7080213458555737282": 3}
    grown = json.loads(json.dumps(answer["body"]))
    grown["data"]["videos"][0]["comment_count"] = 15
    replies.append(httpx.Response(200, json=grown))
    assert TikTokPoller().fetch(client, account, page.cursor, login_kit).cursor["waiting"] == 3
    for status, code, retryable in (
        (429, "rate_limit_exceeded", True),
        (401, "scope_not_authorized", False),
    ):
        error = {"error": {"code": code, "message": "", "log_id": "1"}}
        replies.append(httpx.Response(status, json=error))
        with pytest.raises(SendError) as refused:
            tiktok_display.fetch(client, account, page.cursor, login_kit)
        assert refused.value.retryable is retryable and code in str(refused.value)
    assert tiktok_display.mode_text(None).startswith("Login Kit: hanya daftar video")
