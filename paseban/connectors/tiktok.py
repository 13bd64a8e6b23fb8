"""TikTok: comments and replies on the account's own videos by polling the TikTok API for
Business (`/business/video/list/`, `/business/comment/list/`, `/business/comment/reply/list/`),
replies with `/business/comment/reply/create/`. Authenticated with the `Access-Token` header of
the business account; the body carries its own `code` (0 = ok), and an error can come with HTTP
200. Business access tokens live 24 hours and are renewed with the refresh token (a year).

TikTok pushes no organic comments. Each poll reads the newest videos (PASEBAN_TIKTOK_VIDEOS);
a video whose comment count has not moved is not read again. On the others it reads the newest
comments down to what it saw last time, with the (at most 3) replies nested in each; a comment
with more replies than that, or more than last time, has its replies read from the reply list.
Shapes: TikTok's Business API as quoted by sns-sdks/python-tiktok (the contract fixtures under
tests/fixtures/connectors/contract/tiktok/ name each source).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from paseban.connectors import tiktok_display
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
from paseban.connectors.limits import TextRule
from paseban.connectors.oauth import Refreshed
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.oauth_others import TikTokLogin
from paseban.connectors.publish_tiktok import API as PUBLISH_API
from paseban.connectors.publish_tiktok import TikTokMediaPublisher
from paseban.connectors.tiktok_settings import TikTokPostSettings
from paseban.connectors.writing import PlatformLimits
from paseban.domain.messages import Message, MessageKind
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics, PostMetrics

if TYPE_CHECKING:
    from paseban.settings import Settings

API = "https://business-api.tiktok.com/open_api/v1.3"
VIDEO_PAGE = 20  # the most `video/list` returns at once
MAX_PAGES_PER_VIDEO = 5
MAX_REPLY_PAGES = 5
RATE_LIMIT_CODES = frozenset({40100, 40133, 50002})
TOKEN_REVOKED = 40105
TEXT_LIMIT = 150  # "Max length of 150 characters" (comment and reply create)


def parse_comments(account: str, video_id: str, comments: list[Any]) -> Batch:
    """Top-level comments and the replies nested in them (`reply_list`, at most 3 each)."""
    batch = Batch()
    for raw in map(as_dict, comments):
        batch.extend(_comment(account, video_id, raw))
        for reply in map(as_dict, as_list(raw.get("reply_list"))):
            batch.extend(_comment(account, video_id, reply, parent=ident(raw.get("comment_id"))))
    return batch


def _comment(
    account: str, video_id: str, raw: dict[str, Any], *, parent: str | None = None
) -> Batch:
    """One comment, or a reply to the comment `parent` (TikTok's `parent_comment_id`)."""
    comment_id = ident(raw.get("comment_id"))
    try:
        posted_at = unix_time(raw.get("create_time"))
    except PayloadError:
        return Batch(ignored=1)
    if comment_id is None:
        return Batch(ignored=1)
    parent = ident(raw.get("parent_comment_id")) or parent
    own = raw.get("owner") is True
    message = Message(
        platform="tiktok",
        external_id=comment_id,
        account=account,
        author=str(raw.get("username") or raw.get("display_name") or "")[:200],
        text=clean_text(raw.get("text")),
        posted_at=posted_at,
        kind=MessageKind.REPLY if parent else MessageKind.COMMENT,
        # `user_id` is to be deprecated: `unique_identifier` names the commenter
        author_id=ident(raw.get("unique_identifier")) or ident(raw.get("user_id")),
        # a citizen's comment or reply is answered on its video (the reply call needs it); our
        # own reply points at the comment it answers, so its response time is counted
        parent_external_id=(parent if own and parent else None)
        or ident(raw.get("video_id"))
        or video_id,
    )
    return Batch(own=[message]) if own else Batch(messages=[message])


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
    return envelope(read_json(response, platform="tiktok"))


def envelope(body: dict[str, Any]) -> dict[str, Any]:
    """`data` of TikTok's `{code, message, request_id, data}` when `code` is 0; SendError
    otherwise (TikTok answers HTTP 200 to errors too)."""
    code = body.get("code")
    if code != 0:
        message = f"tiktok: kode {code}: {str(body.get('message') or '')[:200]}"
        if code == TOKEN_REVOKED:
            message += " (token salah, kedaluwarsa atau dicabut: perbarui token akun)"
        if code in RATE_LIMIT_CODES:
            raise SendError(message, retryable=True, rate_limited=True)
        raise SendError(message, retryable=False)
    return as_dict(body.get("data"))


class TikTokPoller:
    """The cursor is `{"videos": {video id: newest comment time seen (unix s)}, "counts":
    {video id: its comment count}, "replies": {comment id: its reply count}}`."""

    platform = "tiktok"

    def __init__(self, *, videos: int = VIDEO_PAGE) -> None:
        self.videos = videos

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        cursor: Mapping[str, Any],
        credentials: Credentials,
    ) -> Page:
        if credentials.extra.get("flow") == TikTokLogin.flow:  # no Business token yet
            return tiktok_display.fetch(client, account, cursor, credentials, videos=self.videos)
        if cursor.get("mode") == tiktok_display.MODE:
            cursor = {}  # the Business token is set: its comments are read from the start
        business = account.platform_account_id
        state = _State.load(cursor)
        batch = Batch()
        raws: list[dict[str, Any]] = []
        for video_id, comment_count in self._videos(client, business, credentials):
            if video_id in state.counts and comment_count == state.counts[video_id]:
                continue  # nothing new on this video since the last poll
            grew = comment_count - state.counts.get(video_id, 0) if comment_count else 0
            batch.extend(self._video(client, business, video_id, credentials, state, grew, raws))
            if comment_count is not None:
                state.counts[video_id] = comment_count
        raw = json.dumps({"business_id": business, "pages": raws}, ensure_ascii=False)
        return Page(batch, state.dump(), more=False, raw=raw)

    def _videos(
        self, client: httpx.Client, business: str, credentials: Credentials
    ) -> list[tuple[str, int | None]]:
        """(video id, comment count) of the newest videos, up to `self.videos`."""
        found: list[tuple[str, int | None]] = []
        params: dict[str, Any] = {
            "business_id": business,
            "fields": json.dumps(["item_id", "create_time", "comments"]),
            "max_count": min(VIDEO_PAGE, self.videos),
        }
        while len(found) < self.videos:
            data = _call(client, "GET", "/business/video/list/", credentials, params=params)
            for video in map(as_dict, as_list(data.get("videos"))):
                video_id = ident(video.get("item_id"))
                if video_id is not None and len(found) < self.videos:
                    found.append((video_id, count(video.get("comments"))))
            if not data.get("has_more") or data.get("cursor") is None:
                break
            params["cursor"] = data["cursor"]
        return found

    def _video(
        self,
        client: httpx.Client,
        business: str,
        video_id: str,
        credentials: Credentials,
        state: _State,
        grew: int,
        raws: list[dict[str, Any]],
    ) -> Batch:
        """New comments of one video down to the watermark, their replies, and, while the
        video's count grew by more than what was found, older comments with new replies."""
        batch = Batch()
        watermark = state.videos.get(video_id, 0)
        newest, found, page_cursor = watermark, 0, 0
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
            comments = [as_dict(c) for c in as_list(data.get("comments"))]
            raws.append({"video_id": video_id, "comments": comments})
            fresh = [c for c in comments if _int(c.get("create_time")) >= watermark]
            batch.extend(parse_comments(business, video_id, fresh))
            found += len(fresh)
            for comment in comments:
                is_new = comment in fresh  # its nested replies are in the batch already
                found += self._replies(
                    client, business, video_id, comment, credentials, state, batch, is_new
                )
            newest = max([newest, *(_int(c.get("create_time")) for c in fresh)])
            reached = len(fresh) < len(comments)
            explained = grew <= 0 or found >= grew
            if (reached and explained) or not data.get("has_more") or data.get("cursor") is None:
                break
            page_cursor = data["cursor"]
        state.videos[video_id] = newest
        return batch

    def _replies(
        self,
        client: httpx.Client,
        business: str,
        video_id: str,
        comment: dict[str, Any],
        credentials: Credentials,
        state: _State,
        batch: Batch,
        is_new: bool,
    ) -> int:
        """A comment's new replies: the nested ones when they are all of them, else the reply
        list, read only when the count moved since last time; returns how many are new."""
        comment_id = ident(comment.get("comment_id"))
        total = count(comment.get("replies")) or 0
        if comment_id is None:
            return 0
        known = state.replies.get(comment_id, 0)
        state.replies[comment_id] = total
        nested = [as_dict(r) for r in as_list(comment.get("reply_list"))]
        if total <= known:
            return 0
        if total <= len(nested):
            if not is_new:  # an older comment with a new reply: it is among the nested ones
                for reply in nested:
                    batch.extend(
                        _comment(business, video_id, reply | {"parent_comment_id": comment_id})
                    )
            return total - known
        page_cursor: Any = 0
        for _ in range(MAX_REPLY_PAGES):
            data = _call(
                client,
                "GET",
                "/business/comment/reply/list/",
                credentials,
                params={
                    "business_id": business,
                    "video_id": video_id,
                    "comment_id": comment_id,
                    "status": "PUBLIC",
                    "sort_field": "create_time",
                    "sort_order": "desc",
                    "cursor": page_cursor,
                    "max_count": 30,
                },
            )
            for reply in map(as_dict, as_list(data.get("comments"))):
                batch.extend(
                    _comment(business, video_id, reply | {"parent_comment_id": comment_id})
                )
            if not data.get("has_more") or data.get("cursor") is None:
                break
            page_cursor = data["cursor"]
        return total - known


@dataclass
class _State:
    videos: dict[str, int]
    counts: dict[str, int]
    replies: dict[str, int]

    @classmethod
    def load(cls, cursor: Mapping[str, Any]) -> _State:
        def numbers(key: str) -> dict[str, int]:
            return {str(k): _int(v) for k, v in as_dict(cursor.get(key)).items()}

        return cls(numbers("videos"), numbers("counts"), numbers("replies"))

    def dump(self) -> dict[str, Any]:
        # keep the newest 2,000 reply counts: comments older than that no longer move
        replies = dict(sorted(self.replies.items(), key=lambda kv: kv[0])[-2000:])
        return {"videos": self.videos, "counts": self.counts, "replies": replies}


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


def refresh(
    client: httpx.Client, *, client_id: str, client_secret: str, refresh_token: str
) -> Refreshed:
    """`POST tt_user/oauth2/refresh_token/` with a JSON body: a new 24-hour access token and a
    new refresh token (kept every time) with its own lifetime (about a year)."""
    body = {
        "client_id": client_id,
        "client_secret": client_secret,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
    }
    try:
        response = client.post(f"{API}/tt_user/oauth2/refresh_token/", json=body)
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="tiktok") from None
    if response.status_code >= 400:
        raise http_error(response, platform="tiktok")
    data = envelope(read_json(response, platform="tiktok"))
    token, rotated = data.get("access_token"), data.get("refresh_token")
    if not isinstance(token, str) or not token:
        raise SendError("tiktok: jawaban refresh tanpa access_token", retryable=False)
    return Refreshed(
        token,
        rotated if isinstance(rotated, str) and rotated else None,
        count(data.get("expires_in")),
        count(data.get("refresh_token_expires_in")),
    )


class TikTokConnector(Connector):
    """TikTok: comments and replies on the account's videos polled, replies out (no webhook);
    business access tokens last 24 hours and are renewed six hours ahead."""

    name = "tiktok"
    platforms = ("tiktok",)
    labels: ClassVar[Mapping[str, str]] = {"tiktok": "TikTok"}
    publishes = ("tiktok",)  # we post there, not only listen
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "tiktok": PlatformLimits(2200, (50, 300), None, 6)
    }
    renews_tokens = True
    refresh_ahead = timedelta(hours=6)

    def poller(self, platform: str) -> TikTokPoller:
        return TikTokPoller(videos=self.settings.tiktok_videos)

    def text_rule(self, platform: str, target_kind: str | None) -> TextRule:
        # "Max length of 150 characters" (comment/reply create); TikTok does not say in which
        # unit: code points, the stricter reading for emoji-free Indonesian text
        return TextRule("TikTok", TEXT_LIMIT)

    def login_providers(self) -> tuple[LoginProvider, ...]:
        settings = self.settings
        return (
            TikTokLogin(settings.tiktok_client_id, settings.tiktok_client_secret, self.hosts()),
        )

    def oauth_client(self, platform: str) -> tuple[str, str] | None:
        settings = self.settings
        if not (settings.tiktok_client_id and settings.tiktok_client_secret):
            return None
        return settings.tiktok_client_id, settings.tiktok_client_secret

    def renew(
        self, client: httpx.Client, platform: str, *, client_id: str, client_secret: str, token: str
    ) -> Refreshed:
        return refresh(
            client, client_id=client_id, client_secret=client_secret, refresh_token=token
        )

    def publisher(self, platform: str) -> TikTokPublisher:
        return TikTokPublisher()

    def media_publisher(self, platform: str) -> TikTokMediaPublisher:
        """Video and photos through the Content Posting API (connectors/publish_tiktok.py)."""
        return TikTokMediaPublisher()

    def post_settings(self, platform: str) -> TikTokPostSettings:
        """TikTok's required choices before every post (connectors/tiktok_settings.py)."""
        return TikTokPostSettings(PUBLISH_API)

    def metrics(self, platform: str) -> TikTokMetrics:
        return TikTokMetrics()


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [TikTokConnector(settings)]
