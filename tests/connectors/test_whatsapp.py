from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paseban.connectors.base import AccountRef, Credentials, Outgoing, SendError
from paseban.connectors.whatsapp import WhatsAppPublisher, WhatsAppWebhook
from paseban.domain.messages import MessageKind
from tests.connectors.helpers import META_SECRET, Recorder, json_response, meta_signed, raw

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SOURCE = WhatsAppWebhook(META_SECRET)
NUMBER = AccountRef("whatsapp", "106540352242922", "pemkotbogor.wa")


def test_signature() -> None:
    headers, body = meta_signed("whatsapp", "messages__text")
    assert SOURCE.verify(headers, body)
    assert not SOURCE.verify(headers, body.replace(b"Pajajaran", b"Pajajaran!"))
    assert not SOURCE.verify({}, body)


def test_text_message_from_the_reference() -> None:
    (message,) = SOURCE.parse(raw("whatsapp", "messages__text"), received_at=AT).messages
    assert message.account == "106540352242922" and message.kind is MessageKind.DIRECT
    assert message.external_id.startswith("wamid.") and message.author == "Siti"
    assert (
        message.author_id == "6281234567890" and message.text == "Lampu PJU mati di Jl. Pajajaran"
    )
    assert message.posted_at == datetime(2025, 1, 1, tzinfo=UTC)  # a unix-seconds string


def test_image_caption_is_the_text() -> None:
    (message,) = SOURCE.parse(raw("whatsapp", "messages__image_caption"), received_at=AT).messages
    assert (
        message.text.startswith("ini pohon tumbang di jl. juanda") and message.author == "Pak Asep"
    )


def test_location_keeps_coordinates_and_reply_context() -> None:
    (message,) = SOURCE.parse(raw("whatsapp", "messages__location"), received_at=AT).messages
    assert (message.lat, message.lon) == (-6.6214, 106.8089)
    # the place a citizen named is read by the analyzer, as a placeholder (issue 15, defect 11)
    assert message.text == "[lokasi: Gang Mawar, Batutulis, Bogor Selatan]"
    assert message.media[0].type.value == "location"
    assert (
        message.parent_external_id
        == "wamid.HBgNNjI4MTEwMDAwMDAwMBUCABEYEjBBQ0U2MDk1OUQ3QjRCMzE1AA=="
    )


def test_location_with_impossible_coordinates_keeps_none() -> None:
    payload = json.loads(raw("whatsapp", "messages__location"))
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["location"]["latitude"] = 123.0
    (message,) = SOURCE.parse(json.dumps(payload).encode(), received_at=AT).messages
    assert message.lat is None and message.lon is None


def test_statuses_and_types_without_text() -> None:
    batch = SOURCE.parse(raw("whatsapp", "messages__statuses"), received_at=AT)
    assert batch.messages == []
    assert [(s.status, s.error) for s in batch.statuses] == [
        ("delivered", None),
        ("failed", "131047 Re-engagement message"),
    ]
    mixed = SOURCE.parse(raw("whatsapp", "messages__mixed"), received_at=AT)
    # nothing a citizen sends is blank any more: a sticker, a voice note and what WhatsApp
    # cannot show us are kept with a placeholder and their media reference (defect 11)
    assert [(m.external_id, m.text) for m in mixed.messages] == [
        ("wamid.MIXED0002", "[stiker]"),
        ("wamid.MIXED0003", "Belum beres"),
        ("wamid.MIXED0004", "[pesan suara]"),
        ("wamid.MIXED0005", "[pesan tidak didukung]"),
    ]
    assert mixed.ignored == 2  # reaction, account_update


def test_reply_request_is_exact() -> None:
    api = Recorder(
        {("POST", "/v25.0/106540352242922/messages"): json_response("whatsapp", "send__ok")}
    )
    item = Outgoing(
        platform="whatsapp",
        kind="reply",
        text="Terima kasih Bu Siti, laporan diteruskan (BGR-2611-0002).",
        account=NUMBER,
        target_external_id="wamid.IN1",
        target_kind="direct",
        target_author_id="6281234567890",
    )
    created = WhatsAppPublisher(version="v25.0").send(api.client(), item, Credentials("wa-token"))
    assert created == "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjk2QUJDMDEyMzQ1Njc4OTAA"
    (request,) = api.requests
    assert request.headers["authorization"] == "Bearer wa-token"
    assert json.loads(request.content) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "text",
        "text": {
            "preview_url": False,
            "body": "Terima kasih Bu Siti, laporan diteruskan (BGR-2611-0002).",
        },
        "context": {"message_id": "wamid.IN1"},
    }


def test_outside_the_24_hour_window_is_final_and_explained() -> None:
    api = Recorder(
        {
            ("POST", "/v25.0/106540352242922/messages"): json_response(
                "whatsapp", "send__outside_window", 400
            )
        }
    )
    item = Outgoing(
        "whatsapp", "reply", "Halo", NUMBER, "wamid.IN1", "direct", None, "6281234567890"
    )
    with pytest.raises(SendError, match="24 jam") as info:
        WhatsAppPublisher(version="v25.0").send(api.client(), item, Credentials("t"))
    assert not info.value.retryable


def test_whatsapp_has_no_posts() -> None:
    with pytest.raises(SendError):
        WhatsAppPublisher(version="v25.0").request_for(Outgoing("whatsapp", "post", "x", NUMBER))


def test_template_reviews_are_read_from_the_documented_webhook_field() -> None:
    """Meta's message_template_status_update reference: event, message_template_id,
    message_template_name, message_template_language, reason."""
    folder = Path(__file__).parents[1] / "fixtures" / "whatsapp_templates"
    at = datetime(2026, 12, 7, tzinfo=UTC)
    for name, template, event in (
        ("paused", "kasus_baru_opd", "PAUSED"),
        ("approved", "ringkasan_pagi", "APPROVED"),
    ):
        body = (folder / f"message_template_status_update__{name}.json").read_bytes()
        batch = WhatsAppWebhook(META_SECRET).parse(body, received_at=at)
        [status] = batch.templates
        assert (status.name, status.language, status.status) == (template, "id", event)
        assert status.template_id and batch.messages == []
    broken = json.loads((folder / "message_template_status_update__paused.json").read_text())
    del broken["entry"][0]["changes"][0]["value"]["event"]
    batch = WhatsAppWebhook(META_SECRET).parse(json.dumps(broken).encode(), received_at=at)
    assert batch.templates == [] and batch.ignored == 1
