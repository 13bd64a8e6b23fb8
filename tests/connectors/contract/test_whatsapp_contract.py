"""WhatsApp Cloud API against the shapes Meta documents (issue 15: defects 5, 11, 12)."""

from __future__ import annotations

import json

import httpx
import pytest

from paseban.connectors.base import AccountRef, Credentials, Outgoing, SendError
from paseban.connectors.whatsapp import WhatsAppPublisher, WhatsAppWebhook
from paseban.domain.messages import ChangeKind, MediaType, MessageKind
from tests.connectors.contract.helpers import AT, SECRET, WA_NUMBER, answer, body, request

WA = "whatsapp"
SOURCE = WhatsAppWebhook(SECRET)
NUMBER = AccountRef("whatsapp", WA_NUMBER, "pemkot.contoh.wa")
BSUID = "ID.1502576394655843"


def parse(name: str):  # type: ignore[no-untyped-def]
    return SOURCE.parse(body(WA, name), received_at=AT)


def test_text_message() -> None:
    (message,) = parse("messages__text").messages
    assert message.kind is MessageKind.DIRECT and message.account == WA_NUMBER and message.text


@pytest.mark.parametrize(
    "name", ["messages__username_user_fields_omitted", "messages__username_user_empty_strings"]
)
def test_defect_5_username_users_are_known_by_their_bsuid(name: str) -> None:
    """Before: no `from` meant no author, and the reply had nobody to go to."""
    (message,) = parse(name).messages
    assert message.author_id == BSUID and message.author == "Budi"
    assert message.author_alt_id is None


def test_defect_5_a_phone_and_a_bsuid_are_both_kept() -> None:
    (message,) = parse("messages__bsuid_with_phone").messages
    assert message.author_id and message.author_id.isdigit()
    assert message.author_alt_id and message.author_alt_id != message.author_id


def reply_to(author: str) -> Outgoing:
    return Outgoing(
        "whatsapp",
        "reply",
        "Pendaftaran BPJS PBI melalui kelurahan dengan membawa KK dan KTP.",
        NUMBER,
        None,
        "direct",
        None,
        author,
    )


def test_defect_5_a_username_user_is_answered_with_recipient() -> None:
    documented = request(WA, "send__text_to_bsuid_recipient")
    sent: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        return answer(WA, "send__text_to_bsuid_recipient")

    client = httpx.Client(transport=httpx.MockTransport(graph))
    created = WhatsAppPublisher(version="v25.0").send(client, reply_to(BSUID), Credentials("t"))
    assert created.startswith("wamid.")
    assert str(sent[0].url) == documented["url"]
    assert json.loads(sent[0].content) == documented["json"]
    phone = request(WA, "send__text_to_phone")["json"]
    to_phone = WhatsAppPublisher(version="v25.0").request_for(reply_to(phone["to"]))[1]
    assert to_phone["to"] == phone["to"] and "recipient" not in to_phone


@pytest.mark.parametrize(
    ("name", "kind", "text"),
    [
        ("messages__image_no_caption", MediaType.IMAGE, "[foto]"),
        ("messages__video_no_caption", MediaType.VIDEO, "[video]"),
        ("messages__audio_voice", MediaType.VOICE, "[pesan suara]"),
        ("messages__document", MediaType.FILE, "[dokumen: surat-pengantar-rt.pdf]"),
        ("messages__sticker", MediaType.STICKER, "[stiker]"),
        ("messages__location_pin_only", MediaType.LOCATION, "[lokasi: -6.59504, 106.81664]"),
        ("messages__unsupported", MediaType.UNSUPPORTED, "[pesan tidak didukung]"),
    ],
)
def test_defect_11_media_without_caption_is_not_blank(
    name: str, kind: MediaType, text: str
) -> None:
    """Before: stored with empty text (or not at all: stickers), no media reference."""
    (message,) = parse(name).messages
    assert message.text == text and message.media[0].type is kind
    if kind not in (MediaType.LOCATION, MediaType.UNSUPPORTED):
        assert message.media[0].id and message.media[0].mime_type


def test_captions_and_named_places_are_words() -> None:
    (photo,) = parse("messages__image_with_caption").messages
    assert photo.text.endswith("[foto]") and photo.media[0].caption
    assert photo.text.startswith(photo.media[0].caption or "-")
    (place,) = parse("messages__location_named").messages
    assert place.text.startswith("[lokasi: ") and place.lat is not None


def test_defect_12_edits_and_revokes_of_coexistence_numbers() -> None:
    """Before: `edit` and `revoke` fell through to None and were counted as ignored."""
    (edit,) = parse("messages__edit_coexistence").changes
    assert edit.kind is ChangeKind.EDITED and edit.external_id.startswith("wamid.")
    assert edit.text and "jembatan RT 04" in edit.text and edit.text.endswith("[foto]")
    assert edit.media and edit.media[0].type is MediaType.IMAGE
    (revoke,) = parse("messages__revoke_coexistence").changes
    assert revoke.kind is ChangeKind.DELETED and revoke.external_id == edit.external_id


def test_statuses_in_every_documented_shape() -> None:
    for name in (
        "statuses__sent",
        "statuses__delivered",
        "statuses__read",
        "statuses__delivered_legacy_no_contacts",
        "statuses__delivered_username_user_bsuid",
    ):
        (status,) = parse(name).statuses
        assert status.external_id.startswith("wamid.") and status.status in (
            "sent",
            "delivered",
            "read",
        )
    (failed,) = parse("statuses__failed_131047").statuses
    assert failed.status == "failed" and failed.error and "131047" in failed.error
    system = parse("errors__webhook_system")
    assert system.messages == [] and system.ignored == 1


@pytest.mark.parametrize(
    ("name", "retryable", "rate_limited"),
    [
        ("error__expired_token_190", False, False),
        ("error__invalid_parameter_100", False, False),
        ("error__rate_limit_130429", True, True),
        ("error__pair_rate_limit_131056", True, True),
        ("error__bsuid_not_supported_131062", False, False),
    ],
)
def test_send_errors_are_classified(name: str, retryable: bool, rate_limited: bool) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: answer(WA, name)))
    with pytest.raises(SendError) as info:
        WhatsAppPublisher(version="v25.0").send(client, reply_to("6280000000001"), Credentials("t"))
    assert (info.value.retryable, info.value.rate_limited) == (retryable, rate_limited)
