"""Meta: Instagram (comments, replies, mentions, direct messages) and Facebook Pages (feed
comments and posts, Page messages), in through one webhook, out through the Graph API.

Payload shapes: shared reference notes §4.1-4.6 and the Graph API webhook references. Every
delivery is signed with X-Hub-Signature-256 over the raw body; `entry[].id` is *our* account
(the Instagram professional account or the Page), which is how a delivery finds its account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from paseban.connectors.base import (
    MAX_METRIC_PAGES,
    AccountRef,
    Batch,
    Credentials,
    HubSignedWebhook,
    Hydration,
    Outgoing,
    PayloadError,
    SendError,
    as_dict,
    as_list,
    by_code,
    clean_text,
    count,
    get_json,
    http_error,
    ident,
    iso_time,
    load_body,
    transport_error,
    unix_time,
)
from paseban.connectors.connector import Connector, NotConfigured, hub_handshake
from paseban.domain.messages import Message, MessageKind
from paseban.hookspecs import hookimpl
from paseban.measurement.metrics import AccountMetrics, PostMetrics

if TYPE_CHECKING:
    from paseban.settings import Settings

GRAPH = "https://graph.facebook.com"
OBJECTS = {"instagram": "instagram", "page": "facebook"}
# Graph API error codes that mean "slow down" or "try again later"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008})
TRANSIENT_CODES = frozenset({1, 2})


class MetaWebhook(HubSignedWebhook):
    """`/webhooks/meta`: deliveries for `object: "instagram"` and `object: "page"`."""

    channel = "meta"

    def parse(self, body: bytes, *, received_at: datetime) -> Batch:
        payload = load_body(body)
        if not isinstance(payload, dict) or payload.get("object") not in OBJECTS:
            raise PayloadError("object harus instagram atau page")
        platform = OBJECTS[payload["object"]]
        batch = Batch()
        for raw_entry in as_list(payload.get("entry")):
            entry = as_dict(raw_entry)
            account = ident(entry.get("id"))
            if account is None:
                batch.ignored += 1
                continue
            changes = as_list(entry.get("changes"))
            if "field" in entry and "value" in entry:  # the layout of Meta's examples page
                changes = [*changes, {"field": entry["field"], "value": entry["value"]}]
            for change in changes:
                batch.extend(_change(platform, account, entry, as_dict(change), received_at))
            for event in as_list(entry.get("messaging")):
                batch.extend(_messaging(platform, account, as_dict(event)))
        return batch


def _entry_time(entry: dict[str, Any], fallback: datetime) -> datetime:
    try:
        return unix_time(entry["time"]) if "time" in entry else fallback
    except PayloadError:
        return fallback


def _change(
    platform: str, account: str, entry: dict[str, Any], change: dict[str, Any], at: datetime
) -> Batch:
    field, value = change.get("field"), as_dict(change.get("value"))
    if platform == "instagram" and field in ("comments", "live_comments"):
        return _ig_comment(account, value, _entry_time(entry, at))
    if platform == "instagram" and field == "mentions":
        return _ig_mention(account, value, at)
    if platform == "facebook" and field == "feed":
        return _page_feed(account, value, _entry_time(entry, at))
    return Batch(ignored=1)


def _ig_comment(account: str, value: dict[str, Any], posted_at: datetime) -> Batch:
    comment_id = ident(value.get("id"))
    if comment_id is None:
        return Batch(ignored=1)
    sender = as_dict(value.get("from"))
    parent = ident(value.get("parent_id"))
    media = ident(as_dict(value.get("media")).get("id"))
    message = Message(
        platform="instagram",
        external_id=comment_id,
        account=account,
        author=str(sender.get("username") or "")[:200],
        text=clean_text(value.get("text")),
        posted_at=posted_at,
        kind=MessageKind.REPLY if parent else MessageKind.COMMENT,
        author_id=ident(sender.get("id")),
        parent_external_id=parent or media,
    )
    # replies written by the account itself echo back: they are ours, not a citizen's
    if message.author_id == account:
        return Batch(own=[message])
    return Batch(messages=[message])


def _ig_mention(account: str, value: dict[str, Any], at: datetime) -> Batch:
    media_id, comment_id = ident(value.get("media_id")), ident(value.get("comment_id"))
    if comment_id:
        kind, external, parent = "ig_mention_comment", comment_id, media_id
    elif media_id:
        kind, external, parent = "ig_mention_media", media_id, None
    else:
        return Batch(ignored=1)
    return Batch(hydrate=[Hydration("instagram", account, kind, external, parent, at)])


def _page_feed(account: str, value: dict[str, Any], fallback: datetime) -> Batch:
    item, verb = value.get("item"), value.get("verb")
    if verb != "add" or item not in ("comment", "post", "status", "photo", "video"):
        return Batch(ignored=1)  # edits, removals, reactions, likes, shares
    sender = as_dict(value.get("from"))
    post_id = ident(value.get("post_id"))
    if item == "comment":
        external = ident(value.get("comment_id"))
        parent = ident(value.get("parent_id"))
        kind = MessageKind.COMMENT if parent in (None, post_id) else MessageKind.REPLY
        parent = parent or post_id
    else:
        external, parent, kind = post_id, None, MessageKind.POST
    if external is None:
        return Batch(ignored=1)
    try:
        posted_at = unix_time(value["created_time"]) if "created_time" in value else fallback
    except PayloadError:
        posted_at = fallback
    message = Message(
        platform="facebook",
        external_id=external,
        account=account,
        author=str(sender.get("name") or "")[:200],
        text=clean_text(value.get("message")),
        posted_at=posted_at,
        kind=kind,
        author_id=ident(sender.get("id")),
        parent_external_id=parent,
    )
    if message.author_id == account:  # the Page itself wrote it
        return Batch(own=[message])
    return Batch(messages=[message])


def _messaging(platform: str, account: str, event: dict[str, Any]) -> Batch:
    body = event.get("message")
    if not isinstance(body, dict):
        return Batch(ignored=1)  # delivery and read receipts, postbacks, reactions
    mid = ident(body.get("mid"))
    if mid is None or body.get("is_deleted"):
        return Batch(ignored=1)
    sender = ident(as_dict(event.get("sender")).get("id"))
    try:
        posted_at = unix_time(event.get("timestamp"))
    except PayloadError:
        return Batch(ignored=1)
    message = Message(
        platform=platform,
        external_id=mid,
        account=account,
        author="",
        text=clean_text(body.get("text")),
        posted_at=posted_at,
        kind=MessageKind.DIRECT,
        author_id=sender,
        parent_external_id=ident(as_dict(body.get("reply_to")).get("mid")),
    )
    if body.get("is_echo") or sender == account:
        return Batch(own=[message])
    return Batch(messages=[message])


# --- one more call: Instagram mentions -----------------------------------------------------------


def fetch_mention(
    client: httpx.Client, item: Hydration, credentials: Credentials, *, version: str
) -> Message | None:
    """The text of a mention, which the webhook does not carry. None when it is gone."""
    base = f"{GRAPH}/{version}/{item.account}"
    if item.kind == "ig_mention_comment":
        fields = (
            f"mentioned_comment.comment_id({item.external_id})"
            "{id,text,timestamp,username,from,media{id}}"
        )
        key = "mentioned_comment"
    else:
        fields = f"mentioned_media.media_id({item.external_id}){{id,caption,timestamp,username}}"
        key = "mentioned_media"
    try:
        response = client.get(base, params={"fields": fields}, headers=_auth(credentials))
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="instagram") from None
    if response.status_code == 400 and _graph_code(response) == 100:
        return None  # deleted, or no longer visible to us
    if response.status_code >= 400:
        raise _graph_error(response)
    data = as_dict(as_dict(response.json()).get(key))
    if not data:
        return None
    sender = as_dict(data.get("from"))
    try:
        posted_at = iso_time(data.get("timestamp"))
    except PayloadError:
        posted_at = item.received_at
    return Message(
        platform="instagram",
        external_id=item.external_id,
        account=item.account,
        author=str(data.get("username") or sender.get("username") or "")[:200],
        text=clean_text(data.get("text") or data.get("caption")),
        posted_at=posted_at,
        kind=MessageKind.MENTION,
        author_id=ident(sender.get("id")),
        parent_external_id=item.parent_external_id,
    )


# --- out: replies and posts ----------------------------------------------------------------------


class MetaPublisher:
    """Replies on Instagram and Facebook, and Page posts, through the Graph API. The access
    token is the Page's (it also acts for the Instagram account linked to the Page)."""

    rate_limit = (100, 3600)

    def __init__(self, platform: str, *, version: str) -> None:
        if platform not in ("instagram", "facebook"):
            raise ValueError(platform)
        self.platform = platform
        self.base = f"{GRAPH}/{version}"

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        method, path, kwargs = self.request_for(item)
        try:
            response = client.request(
                method, f"{self.base}/{path}", headers=_auth(credentials), **kwargs
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform=self.platform) from None
        if response.status_code >= 400:
            raise _graph_error(response)
        data = as_dict(response.json())
        created = ident(data.get("id")) or ident(data.get("message_id"))
        if created is None:
            raise SendError(f"{self.platform}: jawaban tanpa id", retryable=False)
        return created

    def request_for(self, item: Outgoing) -> tuple[str, str, dict[str, Any]]:
        account = item.account.platform_account_id
        if item.kind == "post":
            if self.platform == "instagram":
                raise SendError(
                    "instagram: unggahan Instagram wajib bergambar; terbitkan lewat Meta Business "
                    "Suite",
                    retryable=False,
                )
            return "POST", f"{account}/feed", {"data": {"message": item.text}}
        target = item.target_external_id
        if not target:
            raise SendError(f"{self.platform}: balasan tanpa pesan tujuan", retryable=False)
        if item.target_kind == MessageKind.DIRECT:
            body: dict[str, Any] = {
                "recipient": {"id": item.target_author_id},
                "message": {"text": item.text},
            }
            if self.platform == "facebook":
                body["messaging_type"] = "RESPONSE"
            return "POST", f"{account}/messages", {"json": body}
        if self.platform == "instagram":
            if item.target_kind == MessageKind.MENTION:
                params = {"message": item.text}
                if item.target_parent_external_id:
                    params |= {"media_id": item.target_parent_external_id, "comment_id": target}
                else:
                    params["media_id"] = target
                return "POST", f"{account}/mentions", {"data": params}
            # Instagram threads one level deep: a reply to a reply goes to the top comment
            if item.target_kind == MessageKind.REPLY and item.target_parent_external_id:
                target = item.target_parent_external_id
            return "POST", f"{target}/replies", {"data": {"message": item.text}}
        return "POST", f"{target}/comments", {"data": {"message": item.text}}


# --- metrics: followers and recent posts ---------------------------------------------------------

# Only metrics Meta still serves: `post_total_media_view_unique` and `post_media_view` replaced
# `post_impressions_unique`/`post_impressions` (retired 2025); Instagram `views` replaced
# `impressions`. A retired name fails the whole request, so none is ever asked for.
PAGE_POST_FIELDS = (
    "id,created_time,shares,reactions.summary(total_count).limit(0),"
    "comments.summary(total_count).limit(0),"
    "insights.metric(post_total_media_view_unique,post_media_view)"
)
IG_MEDIA_FIELDS = "id,timestamp,like_count,comments_count"
IG_MEDIA_METRICS = "reach,views,saved,shares"
PAGE_SIZE = 50


class MetaMetrics:
    """Followers and recent posts of a Facebook Page or an Instagram professional account, with
    the Page token. Account-wide reach and views stay None: Meta counts them per Pacific-time day
    and up to 48 hours late, so they cannot be a figure of our local day (docs/connectors/meta.md).
    """

    def __init__(self, platform: str, *, version: str) -> None:
        if platform not in ("instagram", "facebook"):
            raise ValueError(platform)
        self.platform = platform
        self.base = f"{GRAPH}/{version}"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        if self.platform == "facebook":
            return self._page(client, account.platform_account_id, credentials, day, since)
        return self._instagram(client, account.platform_account_id, credentials, day, since)

    def _get(
        self,
        client: httpx.Client,
        path: str,
        credentials: Credentials,
        *,
        empty_when: Callable[[httpx.Response], bool] | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        return get_json(
            client,
            f"{self.base}/{path}",
            platform=self.platform,
            params=params,
            headers=_auth(credentials),
            error=_graph_error,
            empty_when=empty_when,
        )

    def _page(
        self, client: httpx.Client, page: str, credentials: Credentials, day: date, since: datetime
    ) -> AccountMetrics:
        profile = self._get(client, page, credentials, fields="followers_count")
        _check_id(profile, self.platform)
        posts: list[PostMetrics] = []
        params: dict[str, Any] = {
            "fields": PAGE_POST_FIELDS,
            "since": int(since.timestamp()),
            "limit": PAGE_SIZE,
        }
        for _ in range(MAX_METRIC_PAGES):
            body = self._get(client, f"{page}/published_posts", credentials, **params)
            read = [p for p in map(_page_post, as_list(body.get("data"))) if p]
            posts += [p for p in read if p.posted_at >= since]
            after = _next_after(body)
            if after is None or any(p.posted_at < since for p in read):
                break
            params["after"] = after
        followers = count(profile.get("followers_count"))
        return AccountMetrics(day, followers=followers, posts=tuple(posts))

    def _instagram(
        self, client: httpx.Client, user: str, credentials: Credentials, day: date, since: datetime
    ) -> AccountMetrics:
        profile = self._get(client, user, credentials, fields="followers_count,media_count")
        _check_id(profile, self.platform)
        media: list[tuple[str, datetime, dict[str, Any]]] = []
        params: dict[str, Any] = {"fields": IG_MEDIA_FIELDS, "limit": PAGE_SIZE}
        reached = False
        for _ in range(MAX_METRIC_PAGES):
            body = self._get(client, f"{user}/media", credentials, **params)
            for raw in map(as_dict, as_list(body.get("data"))):
                media_id = ident(raw.get("id"))
                if media_id is None:
                    continue
                posted_at = iso_time(raw.get("timestamp"))
                if posted_at < since:  # newest first: the rest is older still
                    reached = True
                    break
                media.append((media_id, posted_at, raw))
            after = _next_after(body)
            if reached or after is None:
                break
            params["after"] = after
        posts = tuple(
            self._media(client, media_id, posted_at, raw, credentials)
            for media_id, posted_at, raw in media
        )
        return AccountMetrics(
            day,
            followers=count(profile.get("followers_count")),
            posts_count=count(profile.get("media_count")),
            posts=posts,
        )

    def _media(
        self,
        client: httpx.Client,
        media_id: str,
        posted_at: datetime,
        raw: dict[str, Any],
        credentials: Credentials,
    ) -> PostMetrics:
        body = self._get(
            client,
            f"{media_id}/insights",
            credentials,
            metric=IG_MEDIA_METRICS,
            empty_when=_too_few_viewers,
        )
        values = _insight_values(body)
        return PostMetrics(
            media_id,
            posted_at,
            likes=count(raw.get("like_count")) or 0,
            comments=count(raw.get("comments_count")) or 0,
            shares=values.get("shares") or 0,
            saves=values.get("saved") or 0,
            reach=values.get("reach"),
            views=values.get("views"),
        )


def _too_few_viewers(response: httpx.Response) -> bool:
    """`(#10) Not enough viewers for the media to show insights`: the post's counts are kept,
    its reach and views stay None. Any other error (a retired metric name among them) fails."""
    return response.status_code == 400 and _graph_code(response) == 10


def _check_id(profile: dict[str, Any], platform: str) -> None:
    if ident(profile.get("id")) is None:
        raise PayloadError(f"{platform}: profil akun tanpa id")


def _next_after(body: dict[str, Any]) -> str | None:
    """The cursor of the next page; Graph sends `paging.next` only when there is one."""
    paging = as_dict(body.get("paging"))
    if not paging.get("next"):
        return None
    return ident(as_dict(paging.get("cursors")).get("after"))


def _insight_values(body: dict[str, Any]) -> dict[str, int | None]:
    """{metric name: value} of an insights answer (`data[].values[0].value`; the newest value
    when a metric carries several)."""
    out: dict[str, int | None] = {}
    for metric in map(as_dict, as_list(body.get("data"))):
        values = as_list(metric.get("values"))
        name = metric.get("name")
        if isinstance(name, str) and values:
            out[name] = count(as_dict(values[-1]).get("value"))
    return out


def _page_post(raw: Any) -> PostMetrics | None:
    post = as_dict(raw)
    post_id = ident(post.get("id"))
    if post_id is None:
        return None
    values = _insight_values(as_dict(post.get("insights")))

    def total(key: str) -> int:
        return count(as_dict(as_dict(post.get(key)).get("summary")).get("total_count")) or 0

    return PostMetrics(
        post_id,
        iso_time(post.get("created_time")),
        likes=total("reactions"),
        comments=total("comments"),
        shares=count(as_dict(post.get("shares")).get("count")) or 0,  # absent when none
        reach=values.get("post_total_media_view_unique"),
        views=values.get("post_media_view"),
    )


def _auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.token}"}


def _graph_code(response: httpx.Response) -> int | None:
    try:
        code = as_dict(as_dict(response.json()).get("error")).get("code")
    except ValueError:
        return None
    return code if isinstance(code, int) else None


def _graph_error(response: httpx.Response) -> SendError:
    """Graph API errors come as HTTP 400/403 with an error code in the body."""
    error = http_error(response, platform="meta")
    code = _graph_code(response)
    return by_code(error, code, rate_limit=RATE_LIMIT_CODES, transient=TRANSIENT_CODES)


# --- the connector ---------------------------------------------------------------------------


class MetaConnector(Connector):
    """Instagram and Facebook Pages: one webhook (`/webhooks/meta`), the Graph API out."""

    name = "meta"
    platforms = ("instagram", "facebook")
    channel = "meta"
    signature_header = "x-hub-signature-256"
    handshake = "hub"
    handshake_summary = "Meta subscribe handshake (hub.challenge)"
    delivery_summary = "Instagram and Facebook Page deliveries"
    text_limits: ClassVar[Mapping[str, int]] = {"instagram": 2200, "facebook": 8000}

    def webhook(self) -> MetaWebhook:
        if not self.settings.meta_app_secret:
            raise NotConfigured("PASEBAN_META_APP_SECRET belum diisi")
        return MetaWebhook(self.settings.meta_app_secret)

    def confirm_subscription(
        self, *, mode: str | None, token: str | None, challenge: str | None
    ) -> str:
        expected = self.settings.meta_verify_token
        return hub_handshake(expected, "meta", mode=mode, token=token, challenge=challenge)

    def hydrate(
        self, client: httpx.Client, item: Hydration, credentials: Credentials
    ) -> Message | None:
        return fetch_mention(client, item, credentials, version=self.settings.meta_graph_version)

    def publisher(self, platform: str) -> MetaPublisher:
        return MetaPublisher(platform, version=self.settings.meta_graph_version)

    def metrics(self, platform: str) -> MetaMetrics:
        return MetaMetrics(platform, version=self.settings.meta_graph_version)


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [MetaConnector(settings)]
