"""X (Twitter): mentions and replies to the official accounts.

- In by polling `GET /2/users/{id}/mentions` with a since_id cursor (API v2 tweet objects), and,
  where the city has the Account Activity API, through `/webhooks/x` (CRC handshake, signed
  deliveries, v1.1-shaped tweets). Both shapes are parsed here.
- Out with `POST /2/tweets` (a reply carries `reply.in_reply_to_tweet_id`), using the account's
  OAuth 2.0 user access token.

Shapes: shared reference notes §4.8 and docs.x.com.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
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
    header,
    http_error,
    ident,
    iso_time,
    load_body,
    transport_error,
    unix_time,
)
from paseban.connectors.connector import Connector, NotConfigured
from paseban.connectors.limits import Limit, LimitScope, RateSignal, TextRule
from paseban.connectors.oauth_login import LoginProvider
from paseban.connectors.oauth_others import XLogin
from paseban.connectors.writing import PlatformLimits
from paseban.connectors.x_text import MAX_WEIGHTED, weighted_length
from paseban.domain.messages import ChangeKind, Message, MessageChange, MessageKind
from paseban.errors import InvalidInput
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics, PostMetrics

if TYPE_CHECKING:
    from paseban.settings import Settings

API = "https://api.x.com/2"
TWEET_FIELDS = (
    "author_id,created_at,conversation_id,in_reply_to_user_id,referenced_tweets,geo,lang,note_tweet"
)
V1_TIME = "%a %b %d %H:%M:%S %z %Y"
MENTIONS, POSTS = "permintaan mention", "kiriman balasan"


def _sign(secret: str, data: bytes) -> str:
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """The answer to X's challenge-response check: {"response_token": "sha256=<base64>"}."""
    return {"response_token": _sign(consumer_secret, crc_token.encode())}


def webhook_signature(consumer_secret: str, body: bytes) -> str:
    return _sign(consumer_secret, body)


class XWebhook:
    """`/webhooks/x`: Account Activity API deliveries, signed with
    `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, body)>`."""

    channel = "x"

    def __init__(self, consumer_secret: str) -> None:
        self._secret = consumer_secret

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        given = header(headers, "x-twitter-webhooks-signature").strip()
        if not self._secret or not given.startswith("sha256="):
            return False
        return hmac.compare_digest(webhook_signature(self._secret, body), given)

    def parse(self, body: bytes, *, received_at: datetime) -> Batch:
        payload = load_body(body)
        if not isinstance(payload, dict):
            raise PayloadError("badan harus objek JSON")
        account = ident(payload.get("for_user_id"))
        if account is None:
            raise PayloadError("for_user_id tidak ada")
        batch = Batch()
        for key, events in payload.items():
            if key == "tweet_create_events":
                for tweet in as_list(events):
                    batch.extend(parse_v1_tweet(account, as_dict(tweet)))
            elif key == "tweet_delete_events":
                for event in as_list(events):
                    batch.extend(_deletion(as_dict(event), received_at))
            elif isinstance(events, list):
                batch.ignored += len(events)  # likes, follows, direct messages
        return batch


def _deletion(event: dict[str, Any], received_at: datetime) -> Batch:
    """`tweet_delete_events[{status{id, user_id}, timestamp_ms}]`: a post was deleted (X asks
    that stored copies follow)."""
    tweet_id = ident(as_dict(event.get("status")).get("id"))
    if tweet_id is None:
        return Batch(ignored=1)
    try:
        at = unix_time(event.get("timestamp_ms"))
    except PayloadError:
        at = received_at
    return Batch(changes=[MessageChange("x", tweet_id, ChangeKind.DELETED, at)])


def parse_v1_tweet(account: str, tweet: dict[str, Any]) -> Batch:
    """A v1.1-shaped tweet, as the Account Activity API delivers it."""
    tweet_id = ident(tweet.get("id_str")) or ident(tweet.get("id"))
    if tweet_id is None or "retweeted_status" in tweet:
        return Batch(ignored=1)
    user = as_dict(tweet.get("user"))
    if tweet.get("truncated") and isinstance(tweet.get("extended_tweet"), dict):
        text = tweet["extended_tweet"].get("full_text")
    else:
        text = tweet.get("full_text") or tweet.get("text")
    try:
        posted_at = datetime.strptime(str(tweet.get("created_at")), V1_TIME).astimezone(UTC)
    except ValueError:
        return Batch(ignored=1)
    parent = ident(tweet.get("in_reply_to_status_id_str"))
    lat = lon = None
    point = as_list(as_dict(tweet.get("coordinates")).get("coordinates"))
    if len(point) == 2 and all(isinstance(v, int | float) for v in point):
        lon, lat = float(point[0]), float(point[1])
    message = Message(
        platform="x",
        external_id=tweet_id,
        account=account,
        author=str(user.get("screen_name") or "")[:200],
        text=clean_text(text),
        posted_at=posted_at,
        kind=MessageKind.REPLY if parent else MessageKind.MENTION,
        author_id=ident(user.get("id_str")) or ident(user.get("id")),
        parent_external_id=parent,
        lat=lat,
        lon=lon,
    )
    return Batch(own=[message]) if message.author_id == account else Batch(messages=[message])


def parse_v2(account: str, body: Mapping[str, Any]) -> Batch:
    """A v2 response (`data` is one tweet or a list) with `includes.users` for usernames."""
    data = body.get("data")
    tweets = [data] if isinstance(data, dict) else as_list(data)
    users = {
        ident(u.get("id")): str(u.get("username") or "")
        for u in map(as_dict, as_list(as_dict(body.get("includes")).get("users")))
    }
    batch = Batch()
    for raw in map(as_dict, tweets):
        tweet_id = ident(raw.get("id"))
        refs = {
            as_dict(r).get("type"): ident(as_dict(r).get("id"))
            for r in as_list(raw.get("referenced_tweets"))
        }
        if tweet_id is None or "retweeted" in refs:
            batch.ignored += 1
            continue
        try:
            posted_at = iso_time(raw.get("created_at"))
        except PayloadError:
            batch.ignored += 1
            continue
        note = as_dict(raw.get("note_tweet")).get("text")  # long posts carry their full text here
        point = as_list(as_dict(as_dict(raw.get("geo")).get("coordinates")).get("coordinates"))
        lat = lon = None
        if len(point) == 2 and all(isinstance(v, int | float) for v in point):
            lon, lat = float(point[0]), float(point[1])
        author_id = ident(raw.get("author_id"))
        parent = refs.get("replied_to")
        message = Message(
            platform="x",
            external_id=tweet_id,
            account=account,
            author=users.get(author_id, "")[:200],
            text=clean_text(note or raw.get("text")),
            posted_at=posted_at,
            kind=MessageKind.REPLY if parent else MessageKind.MENTION,
            author_id=author_id,
            parent_external_id=parent,
            lat=lat,
            lon=lon,
        )
        (batch.own if author_id == account else batch.messages).append(message)
    return batch


class XPoller:
    """Mentions of the account, newest first, from `since_id` on.

    The cursor is `{"since_id": ...}` between polls. While a backlog is paged through it also
    holds `next_token` and the `newest_id` seen on the first page, so a poll that stops half-way
    resumes where it was; since_id moves to newest_id only after the last page is stored. The
    very first poll takes the latest page only (no years of backfill)."""

    platform = "x"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        cursor: Mapping[str, Any],
        credentials: Credentials,
    ) -> Page:
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": "username,name",
        }
        since = cursor.get("since_id")
        if since:
            params["since_id"] = since
        if cursor.get("next_token"):
            params["pagination_token"] = cursor["next_token"]
        url = f"{API}/users/{account.platform_account_id}/mentions"
        try:
            response = client.get(
                url, params=params, headers={"Authorization": f"Bearer {credentials.token}"}
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform="x") from None
        if response.status_code >= 400:
            raise http_error(response, platform="x")
        body = as_dict(response.json())
        meta = as_dict(body.get("meta"))
        batch = parse_v2(account.platform_account_id, body)
        newest = _max_id(cursor.get("newest_id"), ident(meta.get("newest_id")))
        next_token = ident(meta.get("next_token"))
        if since and next_token:
            new_cursor = {"since_id": since, "newest_id": newest, "next_token": next_token}
            return Page(batch, new_cursor, more=True, raw=response.text)
        return Page(batch, {"since_id": _max_id(since, newest)}, more=False, raw=response.text)


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    return int(raw) if raw and raw.strip().isdigit() else None


def _max_id(a: Any, b: Any) -> str | None:
    """Tweet ids are 64-bit numbers sent as strings: compare them as numbers."""
    ids = [str(v) for v in (a, b) if v and str(v).isdigit()]
    return max(ids, key=int) if ids else None


class XMetrics:
    """Followers and posts of the account (`public_metrics`), and the counts of its own posts
    since `since`: retweets and replies are not posts of the account. X has no reach."""

    platform = "x"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        headers = {"Authorization": f"Bearer {credentials.token}"}
        url = f"{API}/users/{account.platform_account_id}"
        user = as_dict(
            get_json(
                client,
                url,
                platform="x",
                headers=headers,
                params={"user.fields": "public_metrics"},
            ).get("data")
        )
        if ident(user.get("id")) is None:
            raise PayloadError("x: jawaban tanpa data pengguna")
        public = as_dict(user.get("public_metrics"))
        params: dict[str, Any] = {
            "tweet.fields": "public_metrics,created_at",
            "exclude": "retweets,replies",
            "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "max_results": 100,
        }
        posts: list[PostMetrics] = []
        for _ in range(MAX_METRIC_PAGES):
            body = get_json(client, f"{url}/tweets", platform="x", headers=headers, params=params)
            posts += [p for p in map(_tweet_metrics, as_list(body.get("data"))) if p]
            next_token = ident(as_dict(body.get("meta")).get("next_token"))
            if next_token is None:
                break
            params["pagination_token"] = next_token
        return AccountMetrics(
            day,
            followers=count(public.get("followers_count")),
            posts_count=count(public.get("tweet_count")),
            posts=tuple(posts),
        )


def _tweet_metrics(raw: Any) -> PostMetrics | None:
    tweet = as_dict(raw)
    tweet_id = ident(tweet.get("id"))
    if tweet_id is None:
        return None
    public = as_dict(tweet.get("public_metrics"))

    def n(key: str) -> int:
        return count(public.get(key)) or 0

    return PostMetrics(
        tweet_id,
        iso_time(tweet.get("created_at")),
        likes=n("like_count"),
        comments=n("reply_count"),
        shares=n("retweet_count") + n("quote_count"),
        saves=n("bookmark_count"),
        views=count(public.get("impression_count")),
    )


class XPublisher:
    platform = "x"

    def request_for(self, item: Outgoing) -> dict[str, Any]:
        body: dict[str, Any] = {"text": item.text}
        if item.kind == "reply":
            if not item.target_external_id:
                raise SendError("x: balasan tanpa tweet tujuan", retryable=False)
            body["reply"] = {"in_reply_to_tweet_id": item.target_external_id}
        return body

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        body = self.request_for(item)
        try:
            response = client.post(
                f"{API}/tweets", json=body, headers={"Authorization": f"Bearer {credentials.token}"}
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform="x") from None
        if response.status_code >= 400:
            raise http_error(response, platform="x")
        created = ident(as_dict(as_dict(response.json()).get("data")).get("id"))
        if created is None:
            raise SendError("x: jawaban tanpa id tweet", retryable=False)
        return created


# --- the connector ---------------------------------------------------------------------------


class XConnector(Connector):
    """X: mentions polled (and pushed by the Account Activity webhook, `/webhooks/x`), replies
    and posts out; user tokens expire after two hours and are renewed."""

    name = "x"
    platforms = ("x",)
    labels: ClassVar[Mapping[str, str]] = {"x": "X"}
    publishes = ("x",)  # we post there, not only listen
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "x": PlatformLimits(280, (70, 260), None, 2, url_length=23)
    }
    channel = "x"
    signature_header = "x-twitter-webhooks-signature"
    handshake = "crc"
    handshake_summary = "X challenge-response check (crc_token)"
    delivery_summary = "X Account Activity API deliveries"
    renews_tokens = True

    def webhook(self) -> XWebhook:
        if not self.settings.x_consumer_secret:
            raise NotConfigured("PASEBAN_X_CONSUMER_SECRET belum diisi")
        return XWebhook(self.settings.x_consumer_secret)

    def crc(self, crc_token: str | None) -> dict[str, str]:
        if not self.settings.x_consumer_secret:
            raise NotConfigured("PASEBAN_X_CONSUMER_SECRET belum diisi")
        if not crc_token or len(crc_token) > 500:
            raise InvalidInput("crc_token wajib ada")
        return crc_response(self.settings.x_consumer_secret, crc_token)

    def poller(self, platform: str) -> XPoller:
        return XPoller()

    def text_rule(self, platform: str, target_kind: str | None) -> TextRule:
        return TextRule("X", MAX_WEIGHTED, "karakter berbobot", weighted_length)

    def limits(self, platform: str) -> tuple[Limit, ...]:
        """docs.x.com/x-api/fundamentals/rate-limits: mentions per 15 minutes per app (the app's
        bearer token) and per user (the account's own token), figures of the city's plan;
        POST /2/tweets 100 per 15 minutes per user and 10,000 per 24 hours per app."""
        quarter = timedelta(minutes=15)
        poll, send = {"poll": 1}, {"send": 1}
        app, user = self.settings.x_mentions_app_limit, self.settings.x_mentions_user_limit
        source = "x-api/fundamentals/rate-limits"
        return (
            Limit(
                "mentions", LimitScope.APP_TOKEN, app, quarter, poll, source=source, label=MENTIONS
            ),
            Limit("mentions", LimitScope.USER, user, quarter, poll, source=source, label=MENTIONS),
            Limit("tweets", LimitScope.USER, 100, quarter, send, source=source, label=POSTS),
            Limit(
                "tweets",
                LimitScope.APP,
                10_000,
                timedelta(hours=24),
                send,
                source=source,
                label=POSTS,
            ),
        )

    def rate_signals(
        self, platform: str, response: httpx.Response, *, now: datetime
    ) -> list[RateSignal]:
        """`x-rate-limit-limit`, `-remaining` and `-reset` (Unix seconds) on every answer; the
        budget they describe is the endpoint's, for the token that was used."""
        headers = response.headers
        remaining, limit = _int_header(headers, "x-rate-limit-remaining"), None
        reset = _int_header(headers, "x-rate-limit-reset")
        if remaining is None and reset is None:
            return []
        limit = _int_header(headers, "x-rate-limit-limit")
        path = response.request.url.path if response.request else ""
        bucket = (
            "tweets" if path.endswith("/tweets") and response.request.method == "POST" else None
        )
        if bucket is None and path.endswith("/mentions"):
            bucket = "mentions"
        if bucket is None:
            return []
        reset_at = datetime.fromtimestamp(reset, UTC) if reset else None
        wait = None
        if response.status_code == 429:
            wait = max(1.0, (reset_at - now).total_seconds()) if reset_at else 900.0
        return [RateSignal(bucket, None, remaining, limit, reset_at, wait)]

    def publisher(self, platform: str) -> XPublisher:
        return XPublisher()

    def metrics(self, platform: str) -> XMetrics:
        return XMetrics()

    def app_reading_credentials(self, platform: str) -> Credentials | None:
        token = self.settings.x_bearer_token
        return Credentials(token) if token else None

    def login_providers(self) -> tuple[LoginProvider, ...]:
        settings = self.settings
        return (XLogin(settings.x_client_id, settings.x_client_secret, self.hosts()),)

    def oauth_client(self, platform: str) -> tuple[str, str] | None:
        if not self.settings.x_client_id:
            return None
        return self.settings.x_client_id, self.settings.x_client_secret


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [XConnector(settings)]
