"""WhatsApp Cloud API: messages in through the webhook (text, media with a caption, locations,
button replies), replies out through `POST /{phone-number-id}/messages`.

Shapes: shared reference notes §4.7 and Meta's WhatsApp webhook reference. The account is the
business phone number (`metadata.phone_number_id`), registered as the account's
platform_account_id. A location message keeps its coordinates on the message; the nearest
kelurahan centre (`paseban.domain.geo.nearest_kelurahan`) turns them into a place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import httpx

from paseban.connectors.base import (
    Batch,
    Credentials,
    DeliveryStatus,
    HubSignedWebhook,
    Outgoing,
    PayloadError,
    SendError,
    as_dict,
    as_list,
    by_code,
    clean_text,
    http_error,
    ident,
    load_body,
    transport_error,
    unix_time,
)
from paseban.connectors.connector import Connector, NotConfigured, hub_handshake
from paseban.connectors.meta import GRAPH
from paseban.domain.messages import Message, MessageKind
from paseban.hookspecs import hookimpl

if TYPE_CHECKING:
    from paseban.settings import Settings

MEDIA_TYPES = ("image", "video", "document", "audio")
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})
OUTSIDE_WINDOW = 131047


class WhatsAppWebhook(HubSignedWebhook):
    """`/webhooks/whatsapp`: `object: "whatsapp_business_account"`, field `messages`."""

    channel = "whatsapp"

    def parse(self, body: bytes, *, received_at: datetime) -> Batch:
        payload = load_body(body)
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            raise PayloadError("object harus whatsapp_business_account")
        batch = Batch()
        for entry in as_list(payload.get("entry")):
            for change in as_list(as_dict(entry).get("changes")):
                change = as_dict(change)
                if change.get("field") != "messages":
                    batch.ignored += 1
                    continue
                batch.extend(_value(as_dict(change.get("value"))))
        return batch


def _value(value: dict[str, Any]) -> Batch:
    batch = Batch()
    account = ident(as_dict(value.get("metadata")).get("phone_number_id"))
    names = {
        ident(c.get("wa_id")): str(as_dict(c.get("profile")).get("name") or "")
        for c in map(as_dict, as_list(value.get("contacts")))
    }
    for raw in as_list(value.get("messages")):
        message = _message(account, as_dict(raw), names)
        if message is None:
            batch.ignored += 1
        else:
            batch.messages.append(message)
    for raw in as_list(value.get("statuses")):
        status = as_dict(raw)
        wamid = ident(status.get("id"))
        if wamid is None:
            batch.ignored += 1
            continue
        errors = [as_dict(e) for e in as_list(status.get("errors"))]
        error = None
        if errors:
            error = " ".join(str(errors[0].get(k)) for k in ("code", "title") if errors[0].get(k))
        batch.statuses.append(
            DeliveryStatus(wamid, str(status.get("status") or ""), error, platform="whatsapp")
        )
    return batch


def _message(
    account: str | None, raw: dict[str, Any], names: dict[str | None, str]
) -> Message | None:
    wamid, sender, kind = ident(raw.get("id")), ident(raw.get("from")), raw.get("type")
    if account is None or wamid is None:
        return None
    lat = lon = None
    if kind == "text":
        text = as_dict(raw.get("text")).get("body")
    elif kind in MEDIA_TYPES:
        text = as_dict(raw.get(kind)).get("caption")
    elif kind == "location":
        where = as_dict(raw.get("location"))
        lat, lon = _coordinate(where.get("latitude"), 90), _coordinate(where.get("longitude"), 180)
        if lat is None or lon is None:
            lat = lon = None
        text = ", ".join(str(where[k]) for k in ("name", "address") if where.get(k))
    elif kind == "button":
        text = as_dict(raw.get("button")).get("text")
    elif kind == "interactive":
        inter = as_dict(raw.get("interactive"))
        reply = as_dict(inter.get("button_reply")) or as_dict(inter.get("list_reply"))
        text = reply.get("title")
    else:
        return None  # reactions, stickers, contacts, orders, system notices
    try:
        posted_at = unix_time(raw.get("timestamp"))
    except PayloadError:
        return None
    return Message(
        platform="whatsapp",
        external_id=wamid,
        account=account,
        author=names.get(sender, "")[:200],
        text=clean_text(text),
        posted_at=posted_at,
        kind=MessageKind.DIRECT,
        author_id=sender,
        parent_external_id=ident(as_dict(raw.get("context")).get("id")),
        lat=lat,
        lon=lon,
    )


def _coordinate(value: Any, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


class WhatsAppPublisher:
    """Text replies within the 24-hour customer-service window."""

    platform = "whatsapp"
    rate_limit = (600, 60)

    def __init__(self, *, version: str) -> None:
        self.base = f"{GRAPH}/{version}"

    def request_for(self, item: Outgoing) -> tuple[str, dict[str, Any]]:
        if item.kind != "reply" or not item.target_author_id:
            raise SendError(
                "whatsapp: hanya balasan ke warga yang menulis lebih dulu yang bisa dikirim",
                retryable=False,
            )
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": item.target_author_id,
            "type": "text",
            "text": {"preview_url": False, "body": item.text},
        }
        if item.target_external_id:
            body["context"] = {"message_id": item.target_external_id}
        return f"{self.base}/{item.account.platform_account_id}/messages", body

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        url, body = self.request_for(item)
        try:
            response = client.post(
                url, json=body, headers={"Authorization": f"Bearer {credentials.token}"}
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform=self.platform) from None
        if response.status_code >= 400:
            raise _error(response)
        messages = as_list(as_dict(response.json()).get("messages"))
        created = ident(as_dict(messages[0]).get("id")) if messages else None
        if created is None:
            raise SendError("whatsapp: jawaban tanpa id pesan", retryable=False)
        return created


def _error(response: httpx.Response) -> SendError:
    error = http_error(response, platform="whatsapp")
    try:
        code = as_dict(as_dict(response.json()).get("error")).get("code")
    except ValueError:
        code = None
    if code == OUTSIDE_WINDOW:
        return SendError(
            "whatsapp: di luar jendela 24 jam sejak pesan terakhir warga; hanya templat yang "
            "disetujui yang bisa dikirim (131047)",
            retryable=False,
        )
    return by_code(error, code, rate_limit=RATE_LIMIT_CODES, transient=TRANSIENT_CODES)


# --- the connector ---------------------------------------------------------------------------


class WhatsAppConnector(Connector):
    """WhatsApp Cloud API: its own webhook (`/webhooks/whatsapp`), replies within the window;
    the app secret and verify token fall back to Meta's, the send token may be the business's."""

    name = "whatsapp"
    platforms = ("whatsapp",)
    channel = "whatsapp"
    signature_header = "x-hub-signature-256"
    handshake = "hub"
    handshake_summary = "WhatsApp subscribe handshake (hub.challenge)"
    delivery_summary = "WhatsApp Cloud API deliveries"
    text_limits: ClassVar[Mapping[str, int]] = {"whatsapp": 4096}

    def webhook(self) -> WhatsAppWebhook:
        secret = self.settings.whatsapp_app_secret or self.settings.meta_app_secret
        if not secret:
            raise NotConfigured("PASEBAN_WHATSAPP_APP_SECRET belum diisi")
        return WhatsAppWebhook(secret)

    def confirm_subscription(
        self, *, mode: str | None, token: str | None, challenge: str | None
    ) -> str:
        expected = self.settings.whatsapp_verify_token or self.settings.meta_verify_token
        return hub_handshake(expected, "whatsapp", mode=mode, token=token, challenge=challenge)

    def publisher(self, platform: str) -> WhatsAppPublisher:
        return WhatsAppPublisher(version=self.settings.meta_graph_version)

    def app_sending_credentials(self, platform: str) -> Credentials | None:
        token = self.settings.whatsapp_token
        return Credentials(token) if token else None


@hookimpl
def register_connectors(settings: Settings) -> list[Connector]:
    return [WhatsAppConnector(settings)]
