"""Meta's messaging events (Instagram `messages` and Messenger, in `messaging[]` or, when another
app owns the conversation, in `standby[]`): citizens' direct messages with their attachments, the
account's own messages echoing back, edits and unsends.

Shapes: Meta's Messenger Platform webhook reference (messages, message_echoes, message_edits,
standby) and Instagram messaging webhooks; the contract fixtures under
tests/fixtures/connectors/contract/meta-*/ name the page of each.
"""

from __future__ import annotations

from typing import Any

from paseban.connectors.base import (
    Batch,
    PayloadError,
    as_dict,
    as_list,
    clean_text,
    ident,
    unix_time,
)
from paseban.domain.messages import (
    ChangeKind,
    MediaRef,
    MediaType,
    Message,
    MessageChange,
    MessageKind,
    text_with_media,
)

# Meta's attachment types -> ours. `share` carried shared posts until 2026-02-01, `ig_post` since
# 2025-11-03; `fallback` is a shared link Meta could not preview.
ATTACHMENT_TYPES: dict[str, MediaType] = {
    "image": MediaType.IMAGE,
    "video": MediaType.VIDEO,
    "audio": MediaType.AUDIO,
    "file": MediaType.FILE,
    "sticker": MediaType.STICKER,
    "story_mention": MediaType.STORY_MENTION,
    "share": MediaType.SHARE,
    "post": MediaType.SHARE,
    "ig_post": MediaType.SHARE,
    "reel": MediaType.REEL,
    "ig_reel": MediaType.REEL,
    "fallback": MediaType.LINK,
}
# events on the messaging channel that are no message of anyone's: nothing to store
RECEIPTS = ("read", "delivery", "reaction", "postback", "referral", "optin")


def messaging_event(
    platform: str, account: str, event: dict[str, Any], *, standby: bool = False
) -> Batch:
    """One entry of `messaging[]` or `standby[]`."""
    edit = event.get("message_edit")
    if isinstance(edit, dict):
        return _edit(platform, event, edit)
    body = event.get("message")
    if not isinstance(body, dict):
        return Batch(ignored=1)  # receipts, reactions, postbacks, handovers
    mid = ident(body.get("mid"))
    try:
        posted_at = unix_time(event.get("timestamp"))
    except PayloadError:
        return Batch(ignored=1)
    if mid is None:
        return Batch(ignored=1)
    if body.get("is_deleted"):  # an Instagram unsend: the citizen took the message back
        return Batch(changes=[MessageChange(platform, mid, ChangeKind.DELETED, posted_at)])
    sender = ident(as_dict(event.get("sender")).get("id"))
    recipient = ident(as_dict(event.get("recipient")).get("id"))
    media = _attachments(body)
    reply_to = as_dict(body.get("reply_to"))
    story = as_dict(reply_to.get("story"))
    if story:  # a DM answering one of the account's stories
        media = (*media, MediaRef(MediaType.STORY_REPLY, ident(story.get("id")), _url(story)))
    echo = bool(body.get("is_echo")) or sender == account
    metadata = body.get("metadata")
    message = Message(
        platform=platform,
        external_id=mid,
        account=account,
        author="",
        text=clean_text(text_with_media(clean_text(body.get("text")), media)),
        posted_at=posted_at,
        kind=MessageKind.DIRECT,
        author_id=sender,
        parent_external_id=ident(reply_to.get("mid")),
        media=media,
        standby=standby,
        # an echo is written by the account *to* the citizen: the recipient is who it answers
        peer_id=recipient if echo else None,
        sent_ref=metadata[:200] if echo and isinstance(metadata, str) and metadata else None,
    )
    return Batch(own=[message]) if echo else Batch(messages=[message])


def _edit(platform: str, event: dict[str, Any], edit: dict[str, Any]) -> Batch:
    """Messenger's `message_edit{mid, text, num_edit}` (at most five edits; Messenger only)."""
    mid = ident(edit.get("mid"))
    try:
        at = unix_time(event.get("timestamp"))
    except PayloadError:
        return Batch(ignored=1)
    if mid is None or not isinstance(edit.get("text"), str):
        return Batch(ignored=1)
    change = MessageChange(platform, mid, ChangeKind.EDITED, at, text=clean_text(edit["text"]))
    return Batch(changes=[change])


def _attachments(body: dict[str, Any]) -> tuple[MediaRef, ...]:
    found: list[MediaRef] = []
    for raw in map(as_dict, as_list(body.get("attachments"))):
        kind = ATTACHMENT_TYPES.get(str(raw.get("type")))
        if kind is None:
            continue  # a template, a product, a booking: nothing a citizen wrote
        payload = as_dict(raw.get("payload"))
        media_id = (
            ident(payload.get("ig_post_media_id"))
            or ident(payload.get("reel_video_id"))
            or ident(payload.get("sticker_id"))
        )
        title = payload.get("title") if isinstance(payload.get("title"), str) else None
        found.append(MediaRef(kind, media_id, _url(payload), title=title))
    # until 2026-08-30 Messenger sends a sticker twice, as `image` and as `sticker`; a sticker
    # message holds nothing else, so its image is that same sticker
    if any(m.type is MediaType.STICKER for m in found):
        found = [m for m in found if m.type is not MediaType.IMAGE]
    return tuple(found)


def _url(payload: dict[str, Any]) -> str | None:
    url = payload.get("url")
    return url[:2000] if isinstance(url, str) and url.startswith("https://") else None
