"""YouTube Data API v3: comment threads on the channel's videos by polling
(`commentThreads.list?allThreadsRelatedToChannelId=`), replies with `comments.insert`.

YouTube pushes no comments, so the poller walks the newest threads page by page until it meets
what it saw last time. Reading needs an API key (PASEBAN_YOUTUBE_API_KEY) or the channel's OAuth
token; replying needs the channel owner's OAuth token (scope youtube.force-ssl).
Shapes: shared reference notes §4.10 and developers.google.com/youtube/v3/docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

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
    get_json,
    http_error,
    ident,
    iso_time,
    transport_error,
)
from paseban.connectors.connector import Connector
from paseban.connectors.limits import (
    Limit,
    LimitScope,
    RateSignal,
    Reset,
    next_pacific_midnight,
)
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.oauth_others import GoogleLogin
from paseban.connectors.publish_youtube import YouTubeMediaPublisher
from paseban.connectors.writing import PlatformLimits
from paseban.domain.messages import Message, MessageKind
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics, PostMetrics

if TYPE_CHECKING:
    from paseban.settings import Settings

API = "https://www.googleapis.com/youtube/v3"
OVERLAP = timedelta(minutes=10)  # re-read a little before the watermark: late-indexed comments
RATE_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded"})


def parse_threads(
    account: str, body: Mapping[str, Any]
) -> tuple[Batch, datetime | None, datetime | None]:
    """Messages of a commentThreads page, and the newest and oldest top-level comment times."""
    batch = Batch()
    newest: datetime | None = None
    oldest: datetime | None = None
    for thread in map(as_dict, as_list(body.get("items"))):
        snippet = as_dict(thread.get("snippet"))
        thread_id = ident(thread.get("id"))
        top = as_dict(snippet.get("topLevelComment"))
        video = ident(snippet.get("videoId")) or ident(as_dict(top.get("snippet")).get("videoId"))
        message = _comment(account, top, parent=video, kind=MessageKind.COMMENT)
        if message is None or thread_id is None:
            batch.ignored += 1
            continue
        newest = max(newest or message.posted_at, message.posted_at)
        oldest = min(oldest or message.posted_at, message.posted_at)
        (batch.own if message.author_id == account else batch.messages).append(message)
        for reply in map(as_dict, as_list(as_dict(thread.get("replies")).get("comments"))):
            answer = _comment(account, reply, parent=thread_id, kind=MessageKind.REPLY)
            if answer is None:
                batch.ignored += 1
                continue
            (batch.own if answer.author_id == account else batch.messages).append(answer)
    return batch, newest, oldest


def _comment(
    account: str, comment: dict[str, Any], *, parent: str | None, kind: MessageKind
) -> Message | None:
    comment_id = ident(comment.get("id"))
    snippet = as_dict(comment.get("snippet"))
    if comment_id is None:
        return None
    try:
        posted_at = iso_time(snippet.get("publishedAt"))
    except PayloadError:
        return None
    return Message(
        platform="youtube",
        external_id=comment_id,
        account=account,
        author=str(snippet.get("authorDisplayName") or "")[:200],
        text=clean_text(snippet.get("textOriginal") or snippet.get("textDisplay")),
        posted_at=posted_at,
        kind=kind,
        author_id=ident(as_dict(snippet.get("authorChannelId")).get("value")),
        parent_external_id=ident(snippet.get("parentId")) or parent,
    )


def auth_headers(credentials: Credentials) -> dict[str, str]:
    if credentials.extra.get("api_key"):
        return {"X-Goog-Api-Key": credentials.token}
    return {"Authorization": f"Bearer {credentials.token}"}


class YouTubePoller:
    """The cursor between polls is `{"watermark": <ISO time of the newest comment seen>}`; while
    paging it also holds `page_token` and `newest`. The first poll reads one page."""

    platform = "youtube"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        cursor: Mapping[str, Any],
        credentials: Credentials,
    ) -> Page:
        params: dict[str, Any] = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": account.platform_account_id,
            "order": "time",
            "maxResults": 100,
            "textFormat": "plainText",
        }
        if cursor.get("page_token"):
            params["pageToken"] = cursor["page_token"]
        try:
            response = client.get(
                f"{API}/commentThreads", params=params, headers=auth_headers(credentials)
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform="youtube") from None
        if response.status_code >= 400:
            raise _error(response)
        body = as_dict(response.json())
        batch, newest, oldest = parse_threads(account.platform_account_id, body)
        replies = {str(k): int(v) for k, v in as_dict(cursor.get("replies")).items()}
        batch.extend(self._all_replies(client, account, body, replies, credentials))
        watermark = _time(cursor.get("watermark"))
        best = max((t for t in (_time(cursor.get("newest")), newest) if t), default=None)
        token = ident(body.get("nextPageToken"))
        reached = watermark is None or oldest is None or oldest <= watermark - OVERLAP
        if token and not reached:
            state = {
                "watermark": cursor.get("watermark"),
                "newest": _iso(best),
                "page_token": token,
                "replies": replies,
            }
            return Page(batch, state, more=True, raw=response.text)
        final = max((t for t in (watermark, best) if t), default=None)
        state = {"watermark": _iso(final)} if final else {}
        if replies:  # the newest 1,000 threads' reply counts: older threads rarely move
            state["replies"] = dict(list(replies.items())[-1000:])
        return Page(batch, state, more=False, raw=response.text)

    def _all_replies(
        self,
        client: httpx.Client,
        account: AccountRef,
        body: Mapping[str, Any],
        known: dict[str, int],
        credentials: Credentials,
    ) -> Batch:
        """`replies.comments` "does not necessarily contain all replies": a thread with more
        replies than it carries, and more than last time, is read with `comments.list`
        (1 unit a page)."""
        batch = Batch()
        for thread in map(as_dict, as_list(body.get("items"))):
            thread_id = ident(thread.get("id"))
            total = count(as_dict(thread.get("snippet")).get("totalReplyCount")) or 0
            embedded = len(as_list(as_dict(thread.get("replies")).get("comments")))
            if thread_id is None or total <= embedded:
                continue  # every reply came with the thread
            before, known[thread_id] = known.get(thread_id, 0), total
            if total <= before:
                continue
            params = {
                "part": "snippet",
                "parentId": thread_id,
                "maxResults": 100,
                "textFormat": "plainText",
            }
            page = get_json(
                client,
                f"{API}/comments",
                platform="youtube",
                headers=auth_headers(credentials),
                params=params,
                error=_error,
            )
            for reply in map(as_dict, as_list(page.get("items"))):
                answer = _comment(
                    account.platform_account_id, reply, parent=thread_id, kind=MessageKind.REPLY
                )
                if answer is None:
                    continue
                own = answer.author_id == account.platform_account_id
                (batch.own if own else batch.messages).append(answer)
        return batch


def _time(value: Any) -> datetime | None:
    try:
        return iso_time(value) if value else None
    except PayloadError:
        return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class YouTubeMetrics:
    """Subscribers and videos of the channel, and the counts of the videos uploaded since
    `since`: the channel's uploads playlist (1 quota unit a page; `search` would cost 100), then
    `videos.list` in batches of 50. YouTube has no reach, shares or saves in the Data API."""

    platform = "youtube"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        headers = auth_headers(credentials)
        body = self._get(
            client,
            "channels",
            headers,
            part="statistics,contentDetails",
            id=account.platform_account_id,
        )
        channel = as_dict(next(iter(as_list(body.get("items"))), None))
        if not channel:
            raise PayloadError("youtube: kanal tidak ditemukan")
        stats = as_dict(channel.get("statistics"))
        uploads = ident(
            as_dict(as_dict(channel.get("contentDetails")).get("relatedPlaylists")).get("uploads")
        )
        videos = self._uploads(client, uploads, headers, since) if uploads else {}
        posts: list[PostMetrics] = []
        ids = list(videos)
        for start in range(0, len(ids), 50):
            batch = ids[start : start + 50]
            body = self._get(client, "videos", headers, part="statistics", id=",".join(batch))
            for item in map(as_dict, as_list(body.get("items"))):
                video_id = ident(item.get("id"))
                if video_id is None or video_id not in videos:
                    continue
                numbers = as_dict(item.get("statistics"))
                posts.append(
                    PostMetrics(
                        video_id,
                        videos[video_id],
                        likes=count(numbers.get("likeCount")) or 0,  # absent when hidden
                        comments=count(numbers.get("commentCount")) or 0,
                        views=count(numbers.get("viewCount")),
                    )
                )
        hidden = stats.get("hiddenSubscriberCount") is True
        return AccountMetrics(
            day,
            followers=None if hidden else count(stats.get("subscriberCount")),
            posts_count=count(stats.get("videoCount")),
            posts=tuple(posts),
        )

    def _uploads(
        self, client: httpx.Client, playlist: str, headers: dict[str, str], since: datetime
    ) -> dict[str, datetime]:
        """{video id: published at} of the uploads since `since`, newest first."""
        found: dict[str, datetime] = {}
        params: dict[str, Any] = {
            "part": "contentDetails",
            "playlistId": playlist,
            "maxResults": 50,
        }
        for _ in range(MAX_METRIC_PAGES):
            body = self._get(client, "playlistItems", headers, **params)
            older = False
            for item in map(as_dict, as_list(body.get("items"))):
                details = as_dict(item.get("contentDetails"))
                video_id = ident(details.get("videoId"))
                if video_id is None or not details.get("videoPublishedAt"):
                    continue  # a private or deleted video in the playlist
                published = iso_time(details["videoPublishedAt"])
                if published < since:
                    older = True
                    continue
                found[video_id] = published
            token = ident(body.get("nextPageToken"))
            if older or token is None:
                break
            params["pageToken"] = token
        return found

    def _get(
        self, client: httpx.Client, path: str, headers: dict[str, str], **params: Any
    ) -> dict[str, Any]:
        return get_json(
            client,
            f"{API}/{path}",
            platform="youtube",
            headers=headers,
            params=params,
            error=_error,
        )


class YouTubePublisher:
    platform = "youtube"

    def request_for(self, item: Outgoing) -> dict[str, Any]:
        if item.kind != "reply" or not item.target_external_id:
            raise SendError(
                "youtube: API YouTube hanya bisa membalas komentar, bukan membuat unggahan",
                retryable=False,
            )
        # replies thread one level deep: answer the top-level comment of the thread
        parent = item.target_external_id
        if item.target_kind == MessageKind.REPLY and item.target_parent_external_id:
            parent = item.target_parent_external_id
        return {"snippet": {"parentId": parent, "textOriginal": item.text}}

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        body = self.request_for(item)
        try:
            response = client.post(
                f"{API}/comments",
                params={"part": "snippet"},
                json=body,
                headers={"Authorization": f"Bearer {credentials.token}"},
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform="youtube") from None
        if response.status_code >= 400:
            raise _error(response)
        created = ident(as_dict(response.json()).get("id"))
        if created is None:
            raise SendError("youtube: jawaban tanpa id komentar", retryable=False)
        return created


def _reasons(response: httpx.Response) -> set[Any]:
    try:
        errors = as_list(as_dict(as_dict(response.json()).get("error")).get("errors"))
    except ValueError:
        return set()
    return {as_dict(e).get("reason") for e in errors}


def _error(response: httpx.Response) -> SendError:
    error = http_error(response, platform="youtube")
    reasons = _reasons(response)
    if "commentTextTooLong" in reasons:
        return SendError(
            "youtube: teks balasan terlalu panjang menurut YouTube (commentTextTooLong); "
            "persingkat balasannya",
            retryable=False,
        )
    if reasons & RATE_REASONS:
        return SendError(
            str(error), retryable=True, rate_limited=True, retry_after=error.retry_after
        )
    return error


# --- the connector ---------------------------------------------------------------------------


class YouTubeConnector(Connector):
    """YouTube: comment threads polled, replies out; Google user tokens expire after an hour and
    are renewed; an API key reads public comments when an account has no token."""

    name = "youtube"
    platforms = ("youtube",)
    labels: ClassVar[Mapping[str, str]] = {"youtube": "YouTube"}
    publishes = ("youtube",)  # we post there, not only listen
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "youtube": PlatformLimits(5000, (100, 1500), 15, 5)
    }
    text_limits: ClassVar[Mapping[str, int]] = {"youtube": 10000}  # ours: Google gives none
    renews_tokens = True

    def limits(self, platform: str) -> tuple[Limit, ...]:
        """One budget for the whole Google Cloud project, whatever channel or token: 10,000
        units a day (or what Google granted), back at midnight Pacific time. A page of comment
        threads costs 1, a reply 50, a metrics read 1 per call; polls keep off the share kept
        for replies (developers.google.com/youtube/v3/determine_quota_cost)."""
        settings = self.settings
        return (
            Limit(
                "units",
                LimitScope.APP,
                settings.youtube_daily_units,
                timedelta(days=1),
                {"poll": 1, "send": 50, "read": 1},
                reset=Reset.PACIFIC_MIDNIGHT,
                poll_share=1.0 - settings.youtube_reply_share,
                source="youtube/v3/determine_quota_cost",
                label="unit kuota harian proyek Google",
            ),
        )

    def rate_signals(
        self, platform: str, response: httpx.Response, *, now: datetime
    ) -> list[RateSignal]:
        """Google sends no wait header: `quotaExceeded` means the project's units are gone
        until the next midnight in California, for every channel."""
        if response.status_code < 400:
            return []
        reasons = _reasons(response)
        if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
            until = next_pacific_midnight(now)
            return [
                RateSignal(
                    "units",
                    LimitScope.APP,
                    remaining=0,
                    reset_at=until,
                    wait=(until - now).total_seconds(),
                )
            ]
        if reasons & RATE_REASONS:
            return [RateSignal("units", LimitScope.APP, wait=60.0)]
        return []

    def poller(self, platform: str) -> YouTubePoller:
        return YouTubePoller()

    def publisher(self, platform: str) -> YouTubePublisher:
        return YouTubePublisher()

    def media_publisher(self, platform: str) -> YouTubeMediaPublisher:
        """Resumable video upload (connectors/publish_youtube.py): private until the Google
        project passes the YouTube API audit (PASEBAN_YOUTUBE_AUDITED)."""
        return YouTubeMediaPublisher(audited=self.settings.youtube_audited)

    def metrics(self, platform: str) -> YouTubeMetrics:
        return YouTubeMetrics()

    def app_reading_credentials(self, platform: str) -> Credentials | None:
        key = self.settings.youtube_api_key
        return Credentials(key, {"api_key": True}) if key else None

    def login_providers(self) -> tuple[LoginProvider, ...]:
        settings = self.settings
        return (
            GoogleLogin(settings.youtube_client_id, settings.youtube_client_secret, self.hosts()),
        )

    def oauth_client(self, platform: str) -> tuple[str, str] | None:
        settings = self.settings
        if not (settings.youtube_client_id and settings.youtube_client_secret):
            return None
        return settings.youtube_client_id, settings.youtube_client_secret


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [YouTubeConnector(settings)]
