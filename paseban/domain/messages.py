"""What every connector produces: one citizen message, platform-neutral, with what it carries
(photos, videos, a location) and what later happens to it on the platform (edited, removed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class MessageKind(StrEnum):
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    DIRECT = "direct"  # direct message / chat
    POST = "post"  # a post by a citizen on a public page
    REPORT = "report"  # a complaint entered by staff or sent through Open311


class MediaType(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    VOICE = "voice"  # a voice note (WhatsApp audio with `voice: true`)
    FILE = "file"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    STORY_MENTION = "story_mention"  # the citizen mentioned the account in a story
    STORY_REPLY = "story_reply"  # a DM answering one of the account's stories
    SHARE = "share"  # a shared post
    REEL = "reel"  # a shared reel
    LINK = "link"  # a shared URL without a preview (Messenger `fallback`)
    UNSUPPORTED = "unsupported"  # something the platform itself cannot show us


@dataclass(frozen=True)
class MediaRef:
    """What an attachment is and where the platform keeps it; the media itself is never
    downloaded (a story's CDN link expires with the story, and Meta forbids keeping it)."""

    type: MediaType
    id: str | None = None  # the platform's media id (WhatsApp), when it has one
    url: str | None = None  # the platform's link (Meta CDN, shared post), when given
    mime_type: str | None = None
    caption: str | None = None
    filename: str | None = None
    title: str | None = None  # a location's name or address, a shared post's title

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaRef:
        return cls(
            MediaType(data["type"]),
            **{k: data.get(k) for k in ("id", "url", "mime_type", "caption", "filename", "title")},
        )


# what the inbox and the analyzer read for a message that is only an attachment
PLACEHOLDERS: dict[MediaType, str] = {
    MediaType.IMAGE: "[foto]",
    MediaType.VIDEO: "[video]",
    MediaType.AUDIO: "[audio]",
    MediaType.VOICE: "[pesan suara]",
    MediaType.FILE: "[dokumen]",
    MediaType.STICKER: "[stiker]",
    MediaType.LOCATION: "[lokasi]",
    MediaType.CONTACT: "[kontak]",
    MediaType.STORY_MENTION: "[mention di story]",
    MediaType.STORY_REPLY: "[balasan story]",
    MediaType.SHARE: "[bagikan postingan]",
    MediaType.REEL: "[reel]",
    MediaType.LINK: "[tautan]",
    MediaType.UNSUPPORTED: "[pesan tidak didukung]",
}


def placeholder(media: MediaRef) -> str:
    """ "[foto]", "[dokumen: rab.pdf]", "[lokasi: Jl. Pajajaran 5]": the words a person and the
    analyzer read for an attachment (a named place is a place the analyzer can find)."""
    base = PLACEHOLDERS[media.type]
    detail = media.filename if media.type is MediaType.FILE else None
    if media.type in (MediaType.LOCATION, MediaType.CONTACT, MediaType.SHARE, MediaType.REEL):
        detail = media.title
    detail = " ".join((detail or "").split())[:200]
    return f"{base[:-1]}: {detail}]" if detail else base


def text_with_media(text: str, media: tuple[MediaRef, ...]) -> str:
    """The citizen's words first, then one placeholder per attachment; a caption counts as
    words (it is what the citizen wrote)."""
    words = [text.strip()] if text.strip() else []
    for item in media:
        if item.caption and item.caption.strip() and item.caption.strip() not in words:
            words.append(item.caption.strip())
    seen: list[str] = []
    for item in media:
        mark = placeholder(item)
        if mark not in seen:
            seen.append(mark)
    return " ".join([*words, *seen])


@dataclass(frozen=True)
class Message:
    platform: str
    external_id: str
    account: str  # handle or platform account id of the official account that received it
    author: str
    text: str
    posted_at: datetime
    kind: MessageKind = MessageKind.COMMENT
    author_id: str | None = None
    parent_external_id: str | None = None  # the post or comment this one answers
    lat: float | None = None
    lon: float | None = None
    media: tuple[MediaRef, ...] = ()
    # a second id of the author the platform gives (WhatsApp's business-scoped user id beside
    # the phone number): kept so the citizen is still found when the first one changes
    author_alt_id: str | None = None
    # a direct message that reached us on the standby channel: another app (Meta Business
    # Suite's inbox, a bot) owns the conversation
    standby: bool = False
    # for our own direct messages (echoes): the citizen they were written to
    peer_id: str | None = None
    # for our own items: the reference we attached when we sent it (Messenger `metadata`)
    sent_ref: str | None = None

    def __post_init__(self) -> None:
        if self.posted_at.tzinfo is None:
            raise ValueError("posted_at harus memiliki zona waktu")
        if not self.external_id:
            raise ValueError("external_id kosong")


class ChangeKind(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"


@dataclass(frozen=True)
class MessageChange:
    """The citizen edited or removed a message we may have stored (Instagram unsend, Messenger
    `message_edit`, Facebook comment `edited`/`remove`, WhatsApp `edit`/`revoke`, X
    `tweet_delete_events`). Applied to the stored message, never stored as a new one."""

    platform: str
    external_id: str  # the message that changed
    kind: ChangeKind
    at: datetime
    text: str | None = None  # the new text of an edit
    media: tuple[MediaRef, ...] | None = None  # the new attachments of an edit, when given

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("at harus memiliki zona waktu")
        if self.kind is ChangeKind.EDITED and self.text is None:
            raise ValueError("suntingan tanpa teks baru")


@dataclass(frozen=True)
class AuthorRekey:
    """A platform gave a citizen a new id (WhatsApp `user_changed_user_id` after a change of
    phone number): their stored messages follow, so follow-ups still find their case."""

    platform: str
    old_id: str
    new_id: str
