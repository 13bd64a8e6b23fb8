"""X, YouTube and TikTok against their documented shapes (issue 15: defects 1, 7, 9, 10, 12,
14)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from paseban.connectors.base import AccountRef, Credentials, Outgoing, Page, SendError
from paseban.connectors.limits import LimitScope, Operation
from paseban.connectors.tiktok import TikTokConnector, TikTokPoller, TikTokPublisher, refresh
from paseban.connectors.x import XConnector, XPoller, XPublisher, XWebhook, parse_v2
from paseban.connectors.x_text import weighted_length
from paseban.connectors.youtube import YouTubeConnector, YouTubePoller, YouTubePublisher
from paseban.domain.messages import ChangeKind, MessageKind
from paseban.settings import Settings
from tests.connectors.contract.helpers import (
    AT,
    TIKTOK_BUSINESS,
    X_SECRET,
    X_USER,
    answer,
    body,
    load,
    request,
)

SETTINGS = Settings()


def routed(routes: dict[str, list[httpx.Response]]) -> tuple[httpx.Client, list[httpx.Request]]:
    """A fake platform answering by URL path, in order; it records what it was sent."""
    sent: list[httpx.Request] = []

    def platform(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        answers = routes[req.url.path]
        return answers.pop(0) if len(answers) > 1 else answers[0]

    return httpx.Client(transport=httpx.MockTransport(platform)), sent


# --- X -----------------------------------------------------------------------------------------


def test_x_mentions_page_and_its_budget_headers() -> None:
    documented = answer("x", "mentions__page")
    batch = parse_v2(X_USER, documented.json())
    assert batch.messages and all(
        m.kind in (MessageKind.MENTION, MessageKind.REPLY) for m in batch.messages
    )
    client, sent = routed({f"/2/users/{X_USER}/mentions": [documented]})
    page = XPoller().fetch(
        client, AccountRef("x", X_USER), {"since_id": "1939999999999999999"}, Credentials("t")
    )
    assert isinstance(page, Page) and sent[0].url.params["since_id"] == "1939999999999999999"
    response = client.get(f"https://api.x.com/2/users/{X_USER}/mentions")
    (signal,) = XConnector(SETTINGS).rate_signals("x", response, now=AT)
    assert (signal.bucket, signal.remaining, signal.capacity) == ("mentions", 449, 450)
    assert signal.reset_at == datetime.fromtimestamp(1782869400, UTC) and signal.wait is None


def test_defect_10_a_429_says_until_when_to_wait() -> None:
    client, _ = routed({f"/2/users/{X_USER}/mentions": [answer("x", "mentions__rate_limited")]})
    with pytest.raises(SendError) as info:
        XPoller().fetch(client, AccountRef("x", X_USER), {}, Credentials("t"))
    assert info.value.rate_limited
    response = client.get(f"https://api.x.com/2/users/{X_USER}/mentions")
    (signal,) = XConnector(SETTINGS).rate_signals("x", response, now=AT)
    assert signal.remaining == 0 and signal.wait == 1782869400 - 1782868500


def test_defect_10_x_limits_are_data_per_app_and_per_user() -> None:
    """Before: one poll interval for every account, whatever token, and (100, 1 day) for
    replies labelled "Basic"."""
    limits = {(lim.bucket, lim.scope): lim for lim in XConnector(SETTINGS).limits("x")}
    app, user = limits["mentions", LimitScope.APP_TOKEN], limits["mentions", LimitScope.USER]
    assert (app.capacity, user.capacity) == (450, 300) and app.window == timedelta(minutes=15)
    assert limits["tweets", LimitScope.USER].capacity == 100
    assert limits["tweets", LimitScope.APP].window == timedelta(hours=24)
    # 1,000 accounts on the shared bearer: each may be polled every 2,000 s, not every 300 s
    assert app.poll_interval(1000) == 2000
    basic = XConnector(Settings(x_mentions_app_limit=15, x_mentions_user_limit=10))
    shared = next(lim for lim in basic.limits("x") if lim.scope is LimitScope.APP_TOKEN)
    assert shared.poll_interval(5) == 300  # the "about 5 accounts at 300 s"


def test_x_reply_request() -> None:
    documented = request("x", "post_tweet__reply")
    item = Outgoing(
        "x",
        "reply",
        documented["json"]["text"],
        AccountRef("x", X_USER),
        documented["json"]["reply"]["in_reply_to_tweet_id"],
        "mention",
    )
    assert XPublisher().request_for(item) == documented["json"]
    client, sent = routed({"/2/tweets": [answer("x", "post_tweet__reply")]})
    assert (
        XPublisher().send(client, item, Credentials("t"))
        == answer("x", "post_tweet__reply").json()["data"]["id"]
    )
    assert str(sent[0].url) == documented["url"]


def test_defect_12_x_deletions_reach_the_stored_post() -> None:
    """Before: `tweet_delete_events` were counted as ignored."""
    source = XWebhook(X_SECRET)
    created = source.parse(body("x", "account_activity__tweet_create_mention"), received_at=AT)
    assert created.messages
    deleted = source.parse(body("x", "account_activity__tweet_delete"), received_at=AT)
    (change,) = deleted.changes
    assert change.kind is ChangeKind.DELETED and change.external_id == "1940000000000000001"
    assert change.at == datetime.fromtimestamp(1782869100, UTC)
    # the compliance stream is Enterprise only and not consumed: its shape is kept for the day
    assert load("x", "compliance__post_delete")["data"]["delete"]["tweet"]["id"]
    assert load("x", "oauth2__refresh")["response"]["body"]["expires_in"] == 7200


@pytest.mark.parametrize("case", load("x", "counting__weighted_rules")["cases"])
def test_defect_9_x_counts_weighted_not_len(case: dict[str, object]) -> None:
    """Before: len(text) <= 280, which lets a 281-weight text through (and stops a long URL)."""
    text = str(case["text"])
    assert weighted_length(text) == case["weighted_length"]
    rule = XConnector(SETTINGS).text_rule("x", "mention")
    assert (rule.problem(text) is None) == case["valid"]


# --- YouTube -------------------------------------------------------------------------------------


def test_youtube_threads_and_all_their_replies() -> None:
    threads, replies = (
        answer("youtube", "comment_threads__page"),
        answer("youtube", "comments_list__all_replies"),
    )
    client, sent = routed(
        {"/youtube/v3/commentThreads": [threads], "/youtube/v3/comments": [replies]}
    )
    page = YouTubePoller().fetch(
        client, AccountRef("youtube", "UCAbCdEfGhIjKlMnOpQrStUv"), {}, Credentials("t")
    )
    ids = {m.external_id for m in page.batch.messages + page.batch.own}
    assert {r["id"] for r in replies.json()["items"]} <= ids  # all three, not the one embedded
    assert (
        sent[1].url.params["parentId"]
        == request("youtube", "comments_list__all_replies")["query"]["parentId"]
    )
    assert page.cursor["replies"] == {"UgzAbCdEfGhIjKlMnOp4AaABAg": 3}


def test_youtube_reply_request_and_its_errors() -> None:
    documented = request("youtube", "comments_insert__reply")
    item = Outgoing(
        "youtube",
        "reply",
        documented["json"]["snippet"]["textOriginal"],
        AccountRef("youtube", "UC"),
        documented["json"]["snippet"]["parentId"],
        "comment",
    )
    assert YouTubePublisher().request_for(item) == documented["json"]
    client, _ = routed(
        {"/youtube/v3/comments": [answer("youtube", "error__comment_text_too_long")]}
    )
    with pytest.raises(SendError, match="commentTextTooLong") as info:
        YouTubePublisher().send(client, item, Credentials("t"))
    assert not info.value.retryable  # defect 9: explained, final


def test_defect_14_youtube_quota_is_the_projects_until_midnight_pacific() -> None:
    """Before: 150 replies per day per channel, polls not counted, and quotaExceeded retried
    with back-off all day."""
    (units,) = YouTubeConnector(SETTINGS).limits("youtube")
    assert units.scope is LimitScope.APP and units.capacity == 10_000
    assert (units.cost(Operation.POLL), units.cost(Operation.SEND)) == (1, 50)
    costs = load("youtube", "quota__units_per_call")
    assert "10,000" in json.dumps(costs) or "10000" in json.dumps(costs)
    # 288 polls a day per channel: one project serves 27 channels with 20 % kept for replies
    assert units.poll_interval(27) <= 300 < units.poll_interval(28)
    client, _ = routed({"/x": [answer("youtube", "error__quota_exceeded")]})
    response = client.get("https://www.googleapis.com/x")
    (signal,) = YouTubeConnector(SETTINGS).rate_signals("youtube", response, now=AT)
    midnight_pt = datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # 00:00 PDT
    assert signal.scope is LimitScope.APP and signal.reset_at == midnight_pt
    assert signal.wait == (midnight_pt - AT).total_seconds()
    assert load("youtube", "oauth__google_refresh")["response"]["body"]["token_type"] == "Bearer"


# --- TikTok ------------------------------------------------------------------------------------


def test_defect_1_tiktok_tokens_are_renewed_with_json() -> None:
    """Before: "tidak ada alur refresh token": every TikTok account stopped within a day."""
    documented = request("tiktok", "token__refresh")
    client, sent = routed(
        {"/open_api/v1.3/tt_user/oauth2/refresh_token/": [answer("tiktok", "token__refresh")]}
    )
    fresh = refresh(
        client,
        client_id=documented["json"]["client_id"],
        client_secret=documented["json"]["client_secret"],
        refresh_token=documented["json"]["refresh_token"],
    )
    assert (
        json.loads(sent[0].content) == documented["json"] and str(sent[0].url) == documented["url"]
    )
    assert (fresh.token, fresh.refresh_token) == (
        "act.TEST-NEW-ACCESS-TOKEN",
        "rft.TEST-NEW-REFRESH-TOKEN",
    )
    assert (fresh.expires_in, fresh.refresh_expires_in) == (86400, 31527314)
    connector = TikTokConnector(Settings(tiktok_client_id="id", tiktok_client_secret="s"))
    assert connector.renews_tokens and connector.refresh_ahead < timedelta(hours=24)
    assert connector.oauth_client("tiktok") == ("id", "s")
    revoked, _ = routed(
        {
            "/open_api/v1.3/tt_user/oauth2/refresh_token/": [
                answer("tiktok", "error__access_token_revoked_40105")
            ]
        }
    )
    with pytest.raises(SendError, match="40105") as info:
        refresh(revoked, client_id="a", client_secret="b", refresh_token="c")
    assert not info.value.retryable


def test_defect_7_tiktok_replies_nested_and_from_the_reply_list() -> None:
    """Before: only top-level comments were read; `reply_list` and the reply endpoint never."""
    client, sent = routed(
        {
            "/open_api/v1.3/business/video/list/": [answer("tiktok", "video_list__page")],
            "/open_api/v1.3/business/comment/list/": [
                answer("tiktok", "comment_list__nested_reply_list")
            ],
            "/open_api/v1.3/business/comment/reply/list/": [
                answer("tiktok", "comment_reply_list__page")
            ],
        }
    )
    page = TikTokPoller(videos=1).fetch(
        client, AccountRef("tiktok", TIKTOK_BUSINESS), {}, Credentials("t")
    )
    top, *replies = page.batch.messages
    assert top.kind is MessageKind.COMMENT and top.author_id == "TEST-UID-TOP"  # unique_identifier
    assert {r.kind for r in replies} == {MessageKind.REPLY} and len(replies) >= 3
    (own,) = {m.external_id: m for m in page.batch.own}.values()  # nested and listed: stored once
    assert own.parent_external_id == top.external_id  # our reply answers that comment
    reply_call = next(r for r in sent if r.url.path.endswith("/reply/list/"))
    assert reply_call.url.params["comment_id"] == top.external_id
    assert page.cursor["replies"][top.external_id] == 4
    # a video whose comment count has not moved is not read again (saves TikTok calls)
    listed = answer("tiktok", "video_list__page").json()
    listed["data"]["videos"][0]["comments"] = 4
    again, asked = routed(
        {"/open_api/v1.3/business/video/list/": [httpx.Response(200, json=listed)]}
    )
    video_id = listed["data"]["videos"][0]["item_id"]
    cursor = page.cursor | {"counts": {video_id: 4}}
    TikTokPoller(videos=1).fetch(
        again, AccountRef("tiktok", TIKTOK_BUSINESS), cursor, Credentials("t")
    )
    assert [r.url.path for r in asked] == ["/open_api/v1.3/business/video/list/"]


def test_defect_9_tiktok_replies_are_150_characters() -> None:
    """Before: 5,000 characters were accepted; TikTok refuses more than 150."""
    rule = TikTokConnector(SETTINGS).text_rule("tiktok", "comment")
    assert rule.problem("a" * 150) is None
    assert rule.problem("a" * 151) == "TikTok: 151 / 150 karakter"
    documented = request("tiktok", "reply_create__request_response")
    item = Outgoing(
        "tiktok",
        "reply",
        documented["json"]["text"],
        AccountRef("tiktok", TIKTOK_BUSINESS),
        documented["json"]["comment_id"],
        "comment",
        documented["json"]["video_id"],
    )
    assert TikTokPublisher().request_for(item) == documented["json"]
