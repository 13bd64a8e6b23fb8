"""Daily account metrics: each platform's requests and parsing against recorded answers, and the
`record_account_metrics` job storing them through the `collect_account_metrics` hook."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.base import AccountRef, Credentials, PayloadError, SendError
from paseban.connectors.meta_metrics import MetaMetrics
from paseban.connectors.tiktok import TikTokMetrics
from paseban.connectors.x import XMetrics
from paseban.connectors.youtube import YouTubeMetrics
from paseban.context import Context
from paseban.measurement.metrics import PostMetrics
from paseban.services.ingest import account_metrics
from paseban.services.measurement import recording as service
from paseban.services.people import credentials
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.people import AccountRow
from tests.conftest import T0
from tests.connectors.helpers import (
    Recorder,
    connector_settings,
    json_response,
    with_connector_accounts,
)

DAY = date(2026, 11, 27)
SINCE = T0 - timedelta(days=30)
TOKEN = Credentials("page-token")
FB = AccountRef("facebook", "104000000000001", "pemkotbogor.fb")
IG = AccountRef("instagram", "17841400000000000", "pemkotbogor")
# Meta retired these (IG impressions/engagement, FB page_impressions*, post_impressions*,
# page_fans): a request must never name them
RETIRED = re.compile(
    r"^(impressions|engagement|page_fans.*|page_impressions.*|post_impressions.*)$"
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def named_metrics(request: httpx.Request) -> set[str]:
    """Every word in the `metric` and `fields` parameters of a request."""
    words: set[str] = set()
    for key in ("metric", "fields"):
        words |= set(re.findall(r"[a-z_]+", request.url.params.get(key, "")))
    return words


def assert_no_retired_metric(api: Recorder) -> None:
    for request in api.requests:
        retired = {w for w in named_metrics(request) if RETIRED.match(w)}
        assert not retired, f"{request.url.path} asks for {sorted(retired)}"


# --- Facebook Page -------------------------------------------------------------------------------


def test_facebook_page_followers_and_posts_over_two_pages() -> None:
    api = Recorder(
        {
            ("GET", "/v25.0/104000000000001"): json_response("meta", "metrics_page__followers"),
            ("GET", "/v25.0/104000000000001/published_posts"): [
                json_response("meta", "metrics_published_posts__first_page"),
                json_response("meta", "metrics_published_posts__last_page"),
            ],
        }
    )
    metrics = MetaMetrics("facebook", version="v25.0").fetch(
        api.client(), FB, TOKEN, day=DAY, since=SINCE
    )
    assert (metrics.day, metrics.followers, metrics.posts_count) == (DAY, 48210, None)
    assert (metrics.reach, metrics.views) == (None, None)  # Meta's daily figures are not ours
    assert metrics.posts == (
        PostMetrics(
            "104000000000001_122100000000000031",
            utc(2026, 11, 26, 3, 15),
            likes=342,
            comments=27,
            shares=12,
            reach=9120,
            views=15004,
        ),
        PostMetrics(  # no shares yet, no insights (too young): zero and None
            "104000000000001_122100000000000027", utc(2026, 11, 20, 9), likes=58, comments=4
        ),
        PostMetrics(
            "104000000000001_122100000000000011",
            utc(2026, 11, 2, 1, 30),
            likes=120,
            comments=9,
            shares=3,
            reach=2300,
            views=4100,
        ),
    )
    profile, first, second = api.requests
    assert profile.url.params["fields"] == "followers_count"
    assert first.url.params["since"] == str(int(SINCE.timestamp()))
    assert "after" not in first.url.params
    assert second.url.params["after"] == "QVFIUnNfcGFnZTFhZnRlcg"
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer page-token"}
    assert (
        "insights.metric(post_total_media_view_unique,post_media_view)"
        in (first.url.params["fields"])
    )
    assert_no_retired_metric(api)


# --- Instagram -----------------------------------------------------------------------------------


def instagram_api(**overrides: httpx.Response) -> Recorder:
    routes: dict[tuple[str, str], Any] = {
        ("GET", "/v25.0/17841400000000000"): json_response("meta", "metrics_ig_user__counts"),
        ("GET", "/v25.0/17841400000000000/media"): json_response("meta", "metrics_ig_media__page"),
        ("GET", "/v25.0/18060000000000003/insights"): json_response(
            "meta", "metrics_ig_media_insights__reel"
        ),
        ("GET", "/v25.0/18060000000000002/insights"): json_response(
            "meta", "metrics_ig_media_insights__not_enough_viewers", 400
        ),
    }
    routes.update({("GET", f"/v25.0/{k}/insights"): v for k, v in overrides.items()})
    return Recorder(routes)


def test_instagram_counts_media_of_the_window_with_their_insights() -> None:
    api = instagram_api()
    metrics = MetaMetrics("instagram", version="v25.0").fetch(
        api.client(), IG, TOKEN, day=DAY, since=SINCE
    )
    assert (metrics.followers, metrics.posts_count, metrics.reach, metrics.views) == (
        12873,
        412,
        None,
        None,
    )
    assert metrics.posts == (
        PostMetrics(
            "18060000000000003",
            utc(2026, 11, 26, 10, 2, 11),
            likes=805,
            comments=41,
            shares=58,
            saves=96,
            reach=6402,
            views=11250,
        ),
        # likes hidden by the account, too few viewers for insights: counts kept, reach None
        PostMetrics("18060000000000002", utc(2026, 11, 21, 4, 30), comments=7),
    )
    # the third media is older than the window: no insights asked, no next page read
    paths = [r.url.path for r in api.requests]
    assert paths == [
        "/v25.0/17841400000000000",
        "/v25.0/17841400000000000/media",
        "/v25.0/18060000000000003/insights",
        "/v25.0/18060000000000002/insights",
    ]
    assert api.requests[0].url.params["fields"] == "followers_count,media_count"
    assert api.requests[2].url.params["metric"] == "reach,views,saved,shares"
    assert_no_retired_metric(api)


def test_instagram_other_insight_errors_fail_the_account() -> None:
    api = instagram_api(
        **{"18060000000000003": json_response("meta", "metrics_error__invalid_metric", 400)}
    )
    with pytest.raises(SendError) as info:
        MetaMetrics("instagram", version="v25.0").fetch(
            api.client(), IG, TOKEN, day=DAY, since=SINCE
        )
    assert not info.value.retryable
    assert "HTTP 400" in str(info.value) and "100" in str(info.value)


def test_meta_rate_limit_and_expired_token() -> None:
    limited = Recorder(
        {("GET", "/v25.0/104000000000001"): json_response("meta", "graph_error__rate_limited", 403)}
    )
    with pytest.raises(SendError) as info:
        MetaMetrics("facebook", version="v25.0").fetch(
            limited.client(), FB, TOKEN, day=DAY, since=SINCE
        )
    assert info.value.rate_limited and info.value.retryable
    expired = Recorder(
        {
            ("GET", "/v25.0/104000000000001"): json_response(
                "meta", "graph_error__token_expired", 401
            )
        }
    )
    with pytest.raises(SendError) as info:
        MetaMetrics("facebook", version="v25.0").fetch(
            expired.client(), FB, TOKEN, day=DAY, since=SINCE
        )
    assert not info.value.retryable and "190" in str(info.value)


# --- X -------------------------------------------------------------------------------------------

X = AccountRef("x", "123456789", "pemkotbogor")


def test_x_followers_and_own_posts_over_two_pages() -> None:
    api = Recorder(
        {
            ("GET", "/2/users/123456789"): json_response("x", "metrics_user__public_metrics"),
            ("GET", "/2/users/123456789/tweets"): [
                json_response("x", "metrics_tweets__first_page"),
                json_response("x", "metrics_tweets__last_page"),
            ],
        }
    )
    metrics = XMetrics().fetch(api.client(), X, Credentials("x-app-bearer"), day=DAY, since=SINCE)
    assert (metrics.followers, metrics.posts_count) == (96120, 18450)
    first = metrics.posts[0]
    assert first == PostMetrics(
        "1994000000000000201",
        utc(2026, 11, 26, 23, 10),
        likes=230,
        comments=18,
        shares=47,  # retweets + quotes
        saves=12,  # bookmarks
        views=15873,  # impression_count
    )
    assert [p.external_id for p in metrics.posts] == [
        "1994000000000000201",
        "1994000000000000180",
        "1993000000000000150",
    ]
    user, page1, page2 = api.requests
    assert user.url.params["user.fields"] == "public_metrics"
    assert page1.url.params["exclude"] == "retweets,replies"
    assert page1.url.params["tweet.fields"] == "public_metrics,created_at"
    assert page1.url.params["start_time"] == "2026-10-28T02:00:00Z"
    assert page2.url.params["pagination_token"] == "7140dibdnow9c7btw4b0s8s6q2zqfvelxarp3p1cjoi2s"
    assert {r.headers["authorization"] for r in api.requests} == {"Bearer x-app-bearer"}


@pytest.mark.parametrize(
    ("status", "name", "retryable"),
    [(401, "metrics_error__unauthorized", False), (429, "error__rate_limited", True)],
)
def test_x_refusals(status: int, name: str, retryable: bool) -> None:
    api = Recorder(
        {("GET", "/2/users/123456789"): json_response("x", name, status, **{"retry-after": "60"})}
    )
    with pytest.raises(SendError) as info:
        XMetrics().fetch(api.client(), X, Credentials("x"), day=DAY, since=SINCE)
    assert info.value.retryable is retryable and f"HTTP {status}" in str(info.value)
    assert info.value.rate_limited is (status == 429)
    assert len(api.requests) == 1  # nothing more is asked once refused


def test_x_answers_not_in_shape() -> None:
    garbled = Recorder({("GET", "/2/users/123456789"): httpx.Response(200, content=b"{tidak json")})
    with pytest.raises(PayloadError, match="bukan JSON"):
        XMetrics().fetch(garbled.client(), X, Credentials("x"), day=DAY, since=SINCE)
    empty = Recorder({("GET", "/2/users/123456789"): httpx.Response(200, json={"errors": []})})
    with pytest.raises(PayloadError, match="tanpa data pengguna"):
        XMetrics().fetch(empty.client(), X, Credentials("x"), day=DAY, since=SINCE)


# --- YouTube -------------------------------------------------------------------------------------

YT = AccountRef("youtube", "UCpemkotbogor0000000000", "pemkotbogor.yt")


def youtube_api() -> Recorder:
    return Recorder(
        {
            ("GET", "/youtube/v3/channels"): json_response(
                "youtube", "metrics_channel__statistics"
            ),
            ("GET", "/youtube/v3/playlistItems"): json_response("youtube", "metrics_uploads__page"),
            ("GET", "/youtube/v3/videos"): json_response("youtube", "metrics_videos__statistics"),
        }
    )


def test_youtube_subscribers_and_recent_uploads() -> None:
    api = youtube_api()
    key = Credentials("yt-api-key", {"api_key": True})
    metrics = YouTubeMetrics().fetch(api.client(), YT, key, day=DAY, since=SINCE)
    assert (metrics.followers, metrics.posts_count, metrics.views) == (24500, 618, None)
    assert metrics.posts == (
        PostMetrics("vidBaru00001", utc(2026, 11, 25, 8), likes=402, comments=57, views=8812),
        # likes hidden on this video: 0, its views still count
        PostMetrics("vidBaru00002", utc(2026, 11, 10, 3), comments=6, views=1290),
    )
    channels, uploads, videos = api.requests  # an upload older than the window ends the paging
    assert channels.url.params["part"] == "statistics,contentDetails"
    assert channels.url.params["id"] == "UCpemkotbogor0000000000"
    assert uploads.url.params["playlistId"] == "UUpemkotbogor0000000000"
    assert videos.url.params["id"] == "vidBaru00001,vidBaru00002"  # the private one is skipped
    assert videos.url.params["part"] == "statistics"
    assert {r.headers["x-goog-api-key"] for r in api.requests} == {"yt-api-key"}


def test_youtube_unknown_channel_and_quota() -> None:
    api = Recorder({("GET", "/youtube/v3/channels"): httpx.Response(200, json={"items": []})})
    with pytest.raises(PayloadError, match="kanal tidak ditemukan"):
        YouTubeMetrics().fetch(api.client(), YT, Credentials("t"), day=DAY, since=SINCE)
    quota = Recorder(
        {("GET", "/youtube/v3/channels"): json_response("youtube", "error__quota", 403)}
    )
    with pytest.raises(SendError) as info:
        YouTubeMetrics().fetch(quota.client(), YT, Credentials("t"), day=DAY, since=SINCE)
    assert info.value.rate_limited


# --- TikTok --------------------------------------------------------------------------------------

TT = AccountRef("tiktok", "biz-pemkotbogor", "pemkotbogor.tt")
BUSINESS = ("GET", "/open_api/v1.3/business/get/")
VIDEOS = ("GET", "/open_api/v1.3/business/video/list/")


def test_tiktok_followers_and_videos_of_the_window() -> None:
    api = Recorder(
        {
            BUSINESS: json_response("tiktok", "metrics_business__followers"),
            VIDEOS: json_response("tiktok", "metrics_videos__page"),
        }
    )
    metrics = TikTokMetrics().fetch(api.client(), TT, Credentials("tt"), day=DAY, since=SINCE)
    assert (metrics.followers, metrics.posts_count) == (30214, None)
    assert metrics.posts == (
        PostMetrics(
            "7440000000000000002",
            utc(2026, 11, 26, 13, 33, 20),
            likes=2210,
            comments=96,
            shares=140,
            reach=28770,
            views=40211,
        ),
        PostMetrics(
            "7440000000000000001",
            utc(2026, 11, 25, 9, 46, 40),
            likes=530,
            comments=21,
            shares=12,
            reach=7002,
            views=9120,
        ),
    )
    business, videos = api.requests  # has_more, but the window is passed: no second page
    assert business.url.params["business_id"] == "biz-pemkotbogor"
    assert json.loads(business.url.params["fields"]) == ["followers_count"]
    assert json.loads(videos.url.params["fields"]) == [
        "item_id",
        "create_time",
        "video_views",
        "likes",
        "comments",
        "shares",
        "reach",
    ]
    assert {r.headers["access-token"] for r in api.requests} == {"tt"}


def test_tiktok_errors_in_the_body_and_broken_json() -> None:
    limited = Recorder({BUSINESS: json_response("tiktok", "error__rate_limited")})
    with pytest.raises(SendError) as info:
        TikTokMetrics().fetch(limited.client(), TT, Credentials("tt"), day=DAY, since=SINCE)
    assert info.value.rate_limited and "40100" in str(info.value)
    broken = Recorder({BUSINESS: httpx.Response(200, content=b"<html>bad gateway</html>")})
    with pytest.raises(PayloadError, match="tiktok: jawaban bukan JSON"):
        TikTokMetrics().fetch(broken.client(), TT, Credentials("tt"), day=DAY, since=SINCE)


# --- the hook and the daily job ------------------------------------------------------------------


def all_platforms_api() -> Recorder:
    return Recorder(
        {
            ("GET", "/v25.0/104000000000001"): json_response("meta", "metrics_page__followers"),
            ("GET", "/v25.0/104000000000001/published_posts"): [
                json_response("meta", "metrics_published_posts__first_page"),
                json_response("meta", "metrics_published_posts__last_page"),
            ],
            **instagram_api().routes,
            ("GET", "/2/users/123456789"): json_response("x", "metrics_user__public_metrics"),
            ("GET", "/2/users/123456789/tweets"): json_response("x", "metrics_tweets__last_page"),
            **youtube_api().routes,
            BUSINESS: json_response("tiktok", "metrics_business__followers"),
            VIDEOS: json_response("tiktok", "metrics_videos__page"),
        }
    )


@pytest.fixture
def mctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    ctx = create_context(connector_settings(db_url), clock=FixedClock(T0), load_entrypoints=False)
    with_connector_accounts(ctx, tmp_path)
    for platform, handle in (
        ("facebook", "pemkotbogor.fb"),
        ("instagram", "pemkotbogor"),
        ("tiktok", "pemkotbogor.tt"),
    ):
        credentials.set_token(ctx, platform, handle, f"{platform}-token", actor="test")
    yield ctx
    ctx.close()


def fake_api(monkeypatch: pytest.MonkeyPatch, api: Recorder) -> None:
    monkeypatch.setattr(account_metrics, "http_client", api.client)


def stored(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]]:
    a = t.accounts.c
    with ctx.engine.connect() as conn:
        snaps = {
            f"{r.platform}:{r.handle}": r
            for r in conn.execute(
                sa.select(a.platform, a.handle, t.account_snapshots).join(
                    t.accounts, a.id == t.account_snapshots.c.account_id
                )
            )
        }
        posts = {
            r.external_id: r
            for r in conn.execute(
                sa.select(t.post_metrics, a.platform).join(
                    t.accounts, a.id == t.post_metrics.c.account_id
                )
            )
        }
    return snaps, posts


def test_daily_job_stores_every_platform_and_a_rerun_updates(
    mctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = all_platforms_api()
    fake_api(monkeypatch, api)
    counts = service.record_account_metrics(mctx)
    # WhatsApp, and the two accounts without a token, answer None
    assert counts == {"accounts": 8, "snapshots": 5, "posts": 10, "unsupported": 3, "failed": 0}
    snaps, posts = stored(mctx)
    assert {k: (s.day, s.followers, s.posts_count, s.source) for k, s in snaps.items()} == {
        "facebook:pemkotbogor.fb": (DAY, 48210, None, "api"),
        "instagram:pemkotbogor": (DAY, 12873, 412, "api"),
        "x:pemkotbogor": (DAY, 96120, 18450, "api"),
        "youtube:pemkotbogor.yt": (DAY, 24500, 618, "api"),
        "tiktok:pemkotbogor.tt": (DAY, 30214, None, "api"),
    }
    reel = posts["18060000000000003"]
    assert (reel.platform, reel.likes, reel.saves, reel.reach, reel.views) == (
        "instagram",
        805,
        96,
        6402,
        11250,
    )
    assert reel.posted_on == date(2026, 11, 26) and reel.measured_on == DAY
    assert {r.headers["authorization"] for r in api.requests if "graph" in r.url.host} == {
        "Bearer facebook-token",
        "Bearer instagram-token",
    }
    assert_no_retired_metric(api)

    # the same day again, X's followers grew: rows replaced, not added
    api = all_platforms_api()
    fake_api(monkeypatch, api)
    api.routes["GET", "/2/users/123456789"] = [
        httpx.Response(
            200,
            json={
                "data": {
                    "id": "123456789",
                    "username": "pemkotbogor",
                    "name": "Pemerintah Kota Bogor",
                    "public_metrics": {"followers_count": 96200, "tweet_count": 18451},
                }
            },
        )
    ]
    again = service.record_account_metrics(mctx)
    assert again == counts
    snaps, posts = stored(mctx)
    assert len(snaps) == 5 and len(posts) == 10
    assert (snaps["x:pemkotbogor"].followers, snaps["x:pemkotbogor"].posts_count) == (
        96200,
        18451,
    )


def test_a_failing_platform_does_not_stop_the_others(
    mctx: Context, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api = all_platforms_api()
    api.routes["GET", "/2/users/123456789"] = [
        json_response("x", "error__rate_limited", 429, **{"retry-after": "900"})
    ]
    fake_api(monkeypatch, api)
    counts = service.record_account_metrics(mctx)
    assert (counts["snapshots"], counts["failed"], counts["unsupported"]) == (4, 1, 3)
    snaps, _ = stored(mctx)
    assert "x:pemkotbogor" not in snaps and "tiktok:pemkotbogor.tt" in snaps
    failure = next(r for r in caplog.records if r.getMessage() == "metrics collection failed")
    assert failure.exc_info is not None
    assert str(failure.exc_info[1]) == (
        "metrik x:pemkotbogor tidak terbaca: "
        "x: dibatasi (HTTP 429): Too Many Requests Too Many Requests"
    )
    assert "x-app-bearer" not in caplog.text


def account_row(ctx: Context, platform: str, handle: str) -> AccountRow:
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.accounts).where(
                t.accounts.c.platform == platform, t.accounts.c.handle == handle
            )
        ).one()
    return row(AccountRow, found._mapping)


def test_accounts_that_cannot_be_read_answer_none_without_a_request(
    mctx: Context, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api = Recorder({})
    caplog.set_level("DEBUG", logger="paseban.account_metrics")  # sample accounts: debug
    whatsapp = account_row(mctx, "whatsapp", "pemkotbogor.wa")
    no_token = account_row(mctx, "instagram", "kelurahan.batutulis")
    sample = account_row(mctx, "x", "pemkotbogor") | {"is_sample": True}
    no_id = account_row(mctx, "tiktok", "pemkotbogor.tt") | {"platform_account_id": None}
    for account in (whatsapp, no_token, sample, no_id):
        assert account_metrics.collect(mctx, account, client=api.client()) is None
    assert api.requests == []
    reasons = [getattr(r, "reason", None) for r in caplog.records]
    assert reasons == [
        account_metrics.NO_METRICS,
        "belum ada token untuk membaca",
        "akun contoh",
        "platform_account_id akun belum diisi",
    ]
    # a sample account never has a token: a debug line, not one info line each every day
    assert [r.levelname for r in caplog.records] == ["INFO", "INFO", "DEBUG", "INFO"]

    def locked(*args: Any) -> None:
        raise credentials.CredentialsLocked("PASEBAN_SECRET_KEY belum diisi")

    monkeypatch.setattr(credentials, "for_reading", locked)
    assert account_metrics.collect(mctx, no_token, client=api.client()) is None
    assert caplog.records[-1].reason == "PASEBAN_SECRET_KEY belum diisi"  # type: ignore[attr-defined]
