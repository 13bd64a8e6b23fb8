"""Meta: Instagram (comments, replies, mentions, direct messages) and Facebook Pages (feed
comments and posts, Page messages), in through one webhook, out through the Graph API.

Payload shapes: shared reference notes §4.1-4.6 and the Graph API webhook references. Every
delivery is signed with X-Hub-Signature-256 over the raw body; `entry[].id` is *our* account
(the Instagram professional account or the Page), which is how a delivery finds its account.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import httpx

from paseban.connectors.base import (
    Batch,
    Credentials,
    Hydration,
    Outgoing,
    PayloadError,
    SendError,
    as_dict,
    as_list,
    clean_text,
    http_error,
    hub_signature_ok,
    ident,
    iso_time,
    transport_error,
    unix_time,
)
from paseban.domain.messages import Message, MessageKind

GRAPH = "https://graph.facebook.com"
OBJECTS = {"instagram": "instagram", "page": "facebook"}
# Graph API error codes that mean "slow down" or "try again later"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008})
TRANSIENT_CODES = frozenset({1, 2})


class MetaWebhook:
    """`/webhooks/meta`: deliveries for `object: "instagram"` and `object: "page"`."""

    channel = "meta"

    def __init__(self, app_secret: str) -> None:
        self._secret = app_secret

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        return hub_signature_ok(self._secret, headers, body)

    def parse(self, body: bytes, *, received_at: datetime) -> Batch:
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise PayloadError("badan bukan JSON") from None
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
    if code in RATE_LIMIT_CODES:
        return SendError(
            str(error), retryable=True, rate_limited=True, retry_after=error.retry_after
        )
    if code in TRANSIENT_CODES:
        return SendError(str(error), retryable=True)
    return error
