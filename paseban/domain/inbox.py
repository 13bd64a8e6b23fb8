"""The inbox: where a citizen message stands for the people who answer it, and reply templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class InboxState(StrEnum):
    NEW = "new"  # waiting for someone
    ANSWERED = "answered"
    NOT_COMPLAINT = "not_complaint"  # looked at; nothing to do
    HIDDEN = "hidden"  # spam or abuse, hidden from the inbox


INBOX_LABELS: dict[InboxState, str] = {
    InboxState.NEW: "Menunggu",
    InboxState.ANSWERED: "Sudah dibalas",
    InboxState.NOT_COMPLAINT: "Bukan aduan",
    InboxState.HIDDEN: "Disembunyikan",
}

# intents a message can be corrected to when someone marks it "not a complaint"
NOT_COMPLAINT_INTENTS = ("pertanyaan", "aspirasi", "apresiasi", "informasi")
HIDE_INTENTS = ("spam", "kasar")
REPLY_MAX = 2000  # Instagram allows 2,200 characters in a comment; WhatsApp far more


@dataclass(frozen=True)
class ReplyTemplate:
    code: str
    name: str
    text: str

    @property
    def needs_case(self) -> bool:
        return "{tiket}" in self.text or "{tautan}" in self.text


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} placeholders that have a value; leave the others as they are."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unfilled(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)
