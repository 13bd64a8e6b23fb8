"""What every connector produces: one citizen message, platform-neutral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MessageKind(StrEnum):
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    DIRECT = "direct"  # direct message / chat
    POST = "post"  # a post by a citizen on a public page
    REPORT = "report"  # a complaint entered by staff or sent through Open311


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

    def __post_init__(self) -> None:
        if self.posted_at.tzinfo is None:
            raise ValueError("posted_at harus memiliki zona waktu")
        if not self.external_id:
            raise ValueError("external_id kosong")
