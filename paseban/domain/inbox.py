"""The inbox: where a citizen message stands for the people who answer it, and reply templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from paseban.domain.replies import ReplyEvent


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
    """A reply template as the inbox offers it: `code` is its event (domain.replies.ReplyEvent),
    the text is the one staff edited (for the message's topic when there is one)."""

    code: str
    name: str
    text: str


# the names the inbox gives the templates it offers (domain.replies.INBOX_EVENTS)
TEMPLATE_NAMES: dict[ReplyEvent, str] = {
    ReplyEvent.RECEIVED: "Aduan diterima (dengan tiket)",
    ReplyEvent.STATUS: "Status aduan sekarang",
    ReplyEvent.ASK_PLACE: "Minta lokasi lebih jelas",
    ReplyEvent.EMERGENCY: "Darurat: hubungi 112",
    ReplyEvent.QUESTION: "Menjawab pertanyaan",
    ReplyEvent.THANKS: "Terima kasih atas apresiasi",
    ReplyEvent.JOINED: "Sudah dilaporkan warga lain",
}


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace {name} placeholders that have a value; leave the others as they are."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unfilled(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


# --- quick replies: what a card offers in one tap -------------------------------------------------

# what a case's placeholders need; a message without a case fills only {wilayah} and {topik}
CASE_FIELDS = frozenset({"tiket", "tautan", "status", "opd", "topik", "jumlah", "wilayah"})
QUICK_REPLIES = 3  # buttons on a card; the others are one more tap away


def fillable(*, has_case: bool, has_topic: bool, has_deadline: bool) -> frozenset[str]:
    """The placeholders a reply to this message can fill (services.inbox.messages.reply_values
    fills them): a template needing more cannot be sent in one tap."""
    if has_case:
        return CASE_FIELDS | ({"tenggat"} if has_deadline else set())
    return frozenset({"wilayah", "topik"} if has_topic else {"wilayah"})


def suggested_replies(
    *,
    intent: str | None,
    urgency: str | None,
    has_case: bool,
    reports: int,
    has_place: bool,
) -> list[ReplyEvent]:
    """The answers that fit a message, the likeliest first: an emergency points to 112, a
    complaint gets its ticket (or "others reported it too"), one without a place is asked where,
    a question about a reported case gets its status, praise gets thanks. A question in general
    needs a written answer, so it is not offered as one tap."""
    out: list[ReplyEvent] = []
    if urgency == "darurat":
        out.append(ReplyEvent.EMERGENCY)
    if intent == "aduan":
        if not has_place:
            out.append(ReplyEvent.ASK_PLACE)
        if has_case:
            out.append(ReplyEvent.JOINED if reports > 1 else ReplyEvent.RECEIVED)
    elif intent == "pertanyaan" and has_case:
        out.append(ReplyEvent.STATUS)
    elif intent == "apresiasi":
        out.append(ReplyEvent.THANKS)
    if has_case and ReplyEvent.STATUS not in out:
        out.append(ReplyEvent.STATUS)
    return out


def spam_likely(intent: str | None) -> bool:
    """Whether a card offers "hide as spam" at once: only when the analysis says spam or abuse
    (a thank-you never shows a red button; the message page and the bulk form still can)."""
    return intent in HIDE_INTENTS
