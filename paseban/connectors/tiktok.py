"""TikTok: comments on the account's own videos by polling the TikTok API for Business
(`/business/video/list/`, `/business/comment/list/`), replies with
`/business/comment/reply/create/`. Authenticated with the `Access-Token` header of the business
account; the body carries its own `code` (0 = ok), and an error can come with HTTP 200.

TikTok pushes no organic comments. Each poll reads the most recent videos and, for each, the
newest comments down to what it saw last time. Shapes: shared reference notes §4.9.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import httpx

from paseban.connectors.base import (
    MAX_METRIC_PAGES,
    AccountRef,
    Batch,
    Credentials,
    Outgoing,
    Page,
    PayloadError,
    SendError,
    as_dict,
    as_list,
    clean_text,
    count,
    http_error,
    ident,
    read_json,
    transport_error,
    unix_time,
)
from paseban.connectors.connector import Connector
from paseban.domain.messages import Message, MessageKind
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics, PostMetrics

if TYPE_CHECKING:
    from paseban.settings import Settings

API = "https://business-api.tiktok.com/open_api/v1.3"
VIDEOS_PER_POLL = 10
MAX_PAGES_PER_VIDEO = 5
RATE_LIMIT_CODES = frozenset({40100, 40133, 50002})


def parse_comments(account: str, video_id: str, comments: list[Any]) -> Batch:
    batch = Batch()
    for raw in map(as_dict, comments):
        comment_id = ident(raw.get("comment_id"))
        try:
            posted_at = unix_time(raw.get("create_time"))
        except PayloadError:
            batch.ignored += 1
            continue
        if comment_id is None:
            batch.ignored += 1
            continue
        parent = ident(raw.get("parent_comment_id"))
        message = Message(
            platform="tiktok",
            external_id=comment_id,
            account=account,
            author=str(raw.get("username") or raw.get("display_name") or "")[:200],
            text=clean_text(raw.get("text")),
            posted_at=posted_at,
            kind=MessageKind.REPLY if parent else MessageKind.COMMENT,
            author_id=ident(raw.get("user_id")),
            # the thread is the video: a reply is answered on the same video
            parent_external_id=ident(raw.get("video_id")) or video_id,
        )
        (batch.own if raw.get("owner") is True else batch.messages).append(message)
    return batch


def _call(
    client: httpx.Client, method: str, path: str, credentials: Credentials, **kwargs: Any
) -> dict[str, Any]:
    try:
        response = client.request(
            method, f"{API}{path}", headers={"Access-Token": credentials.token}, **kwargs
        )
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="tiktok") from None
    if response.status_code >= 400:
        raise http_error(response, platform="tiktok")
    body = read_json(response, platform="tiktok")
    code = body.get("code")
    if code != 0:
        message = f"tiktok: kode {code}: {str(body.get('message') or '')[:200]}"
        if code in RATE_LIMIT_CODES:
            raise SendError(message, retryable=True, rate_limited=True)
        raise SendError(message, retryable=False)
    return as_dict(body.get("data"))


class TikTokPoller:
    """The cursor is `{"videos": {video_id: newest comment time seen (unix s)}}`."""

    platform = "tiktok"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        cursor: Mapping[str, Any],
        credentials: Credentials,
    ) -> Page:
        business = account.platform_account_id
        seen: dict[str, int] = {str(k): int(v) for k, v in as_dict(cursor.get("videos")).items()}
        videos = _call(
            client,
            "GET",
            "/business/video/list/",
            credentials,
            params={
                "business_id": business,
                "fields": json.dumps(["item_id", "create_time"]),
                "max_count": VIDEOS_PER_POLL,
            },
        )
        batch = Batch()
        raws: list[dict[str, Any]] = []
        updated: dict[str, int] = {}
        for video in map(as_dict, as_list(videos.get("videos"))[:VIDEOS_PER_POLL]):
            video_id = ident(video.get("item_id"))
            if video_id is None:
                continue
            watermark = seen.get(video_id, 0)
            newest = watermark
            page_cursor: Any = 0
            for _ in range(MAX_PAGES_PER_VIDEO):
                data = _call(
                    client,
                    "GET",
                    "/business/comment/list/",
                    credentials,
                    params={
                        "business_id": business,
                        "video_id": video_id,
                        "include_replies": "true",
                        "status": "PUBLIC",
                        "sort_field": "create_time",
                        "sort_order": "desc",
                        "cursor": page_cursor,
                        "max_count": 30,
                    },
                )
                comments = as_list(data.get("comments"))
                raws.append({"video_id": video_id, "comments": comments})
                fresh = [
                    c for c in map(as_dict, comments) if _int(c.get("create_time")) >= watermark
                ]
                batch.extend(parse_comments(business, video_id, fresh))
                batch.ignored += len(comments) - len(fresh)
                newest = max([newest, *(_int(c.get("create_time")) for c in fresh)])
                reached = len(fresh) < len(comments)
                if reached or not data.get("has_more") or data.get("cursor") is None:
                    break
                page_cursor = data["cursor"]
            updated[video_id] = newest
        # keep watermarks of videos no longer in the latest list: their old comments stay old
        merged = {**seen, **updated}
        raw = json.dumps({"business_id": business, "pages": raws}, ensure_ascii=False)
        return Page(batch, {"videos": merged}, more=False, raw=raw)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


VIDEO_METRIC_FIELDS = (
    "item_id",
    "create_time",
    "video_views",
    "likes",
    "comments",
    "shares",
    "reach",
)


class TikTokMetrics:
    """Followers of the business account (`/business/get/`) and the counts of its videos posted
    since `since` (`/business/video/list/` with metric fields), with the same `Access-Token` as
    the poll. The API for Business gives no video total and no saves: those stay None and 0."""

    platform = "tiktok"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        business = account.platform_account_id
        profile = _call(
            client,
            "GET",
            "/business/get/",
            credentials,
            params={"business_id": business, "fields": json.dumps(["followers_count"])},
        )
        posts: list[PostMetrics] = []
        params: dict[str, Any] = {
            "business_id": business,
            "fields": json.dumps(VIDEO_METRIC_FIELDS),
            "max_count": 20,
        }
        for _ in range(MAX_METRIC_PAGES):
            data = _call(client, "GET", "/business/video/list/", credentials, params=params)
            read = [v for v in map(_video_metrics, as_list(data.get("videos"))) if v]
            posts += [v for v in read if v.posted_at >= since]
            older = any(v.posted_at < since for v in read)
            if older or not data.get("has_more") or data.get("cursor") is None:
                break
            params["cursor"] = data["cursor"]
        return AccountMetrics(
            day, followers=count(profile.get("followers_count")), posts=tuple(posts)
        )


def _video_metrics(raw: Any) -> PostMetrics | None:
    video = as_dict(raw)
    video_id = ident(video.get("item_id"))
    if video_id is None:
        return None
    return PostMetrics(
        video_id,
        unix_time(video.get("create_time")),
        likes=count(video.get("likes")) or 0,
        comments=count(video.get("comments")) or 0,
        shares=count(video.get("shares")) or 0,
        reach=count(video.get("reach")),
        views=count(video.get("video_views")),
    )


class TikTokPublisher:
    platform = "tiktok"
    rate_limit = (100, 3600)

    def request_for(self, item: Outgoing) -> dict[str, Any]:
        if item.kind != "reply" or not item.target_external_id:
            raise SendError(
                "tiktok: hanya balasan komentar yang bisa dikirim lewat API", retryable=False
            )
        video = item.target_parent_external_id
        return {
            "business_id": item.account.platform_account_id,
            "video_id": video,
            "comment_id": item.target_external_id,
            "text": item.text,
        }

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        body = self.request_for(item)
        data = _call(client, "POST", "/business/comment/reply/create/", credentials, json=body)
        created = ident(data.get("comment_id"))
        if created is None:
            raise SendError("tiktok: jawaban tanpa id komentar", retryable=False)
        return created


# --- the connector ---------------------------------------------------------------------------


class TikTokConnector(Connector):
    """TikTok: comments on the account's videos polled, replies out (no webhook)."""

    name = "tiktok"
    platforms = ("tiktok",)

    def poller(self, platform: str) -> TikTokPoller:
        return TikTokPoller()

    def publisher(self, platform: str) -> TikTokPublisher:
        return TikTokPublisher()

    def metrics(self, platform: str) -> TikTokMetrics:
        return TikTokMetrics()


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [TikTokConnector(settings)]
