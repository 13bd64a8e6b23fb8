"""WhatsApp Cloud API: messages in through the webhook (text, photos, videos, voice notes,
documents, stickers, locations, contacts, button replies; edits and deletions on Coexistence
numbers), replies out through `POST /{phone-number-id}/messages`.

Shapes: Meta's WhatsApp webhook reference (the contract fixtures under
tests/fixtures/connectors/contract/whatsapp/ name the page of each). The account is the business
phone number (`metadata.phone_number_id`), registered as the account's platform_account_id. A
location message keeps its coordinates on the message; the nearest kelurahan centre
(`paseban.domain.geo.nearest_kelurahan`) turns them into a place.

Citizens who use a WhatsApp username may have no phone number in the webhook (`from` and `wa_id`
empty or left out): they are known by their business-scoped user id (BSUID, `from_user_id`),
which becomes the author id, and are answered with `recipient: <BSUID>`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
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
    TemplateStatus,
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
from paseban.connectors.limits import Limit, LimitScope, RateSignal, ReplyWindow, TextRule
from paseban.connectors.meta_graph import GRAPH, usage_signals
from paseban.connectors.whatsapp_templates import TemplateSender
from paseban.connectors.writing import PlatformLimits
from paseban.domain.messages import (
    AuthorRekey,
    ChangeKind,
    MediaRef,
    MediaType,
    Message,
    MessageChange,
    MessageKind,
    text_with_media,
)
from paseban.hookspecs import hookimpl

if TYPE_CHECKING:
    from paseban.settings import Settings

MEDIA_TYPES: dict[str, MediaType] = {
    "image": MediaType.IMAGE,
    "video": MediaType.VIDEO,
    "document": MediaType.FILE,
    "audio": MediaType.AUDIO,
    "sticker": MediaType.STICKER,
}
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})
OUTSIDE_WINDOW = 131047
PHONE = re.compile(r"\+?\d{6,20}")


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
                if change.get("field") == TEMPLATE_FIELD:
                    batch.extend(_template_status(as_dict(change.get("value"))))
                    continue
                if change.get("field") != "messages":
                    batch.ignored += 1
                    continue
                batch.extend(_value(as_dict(change.get("value"))))
        return batch


# the WhatsApp Business Account's webhook field for template reviews (Meta's
# "message_template_status_update webhook reference": event, message_template_id,
# message_template_name, message_template_language, reason)
TEMPLATE_FIELD = "message_template_status_update"


def _template_status(value: dict[str, Any]) -> Batch:
    name = value.get("message_template_name")
    language = value.get("message_template_language")
    event = value.get("event")
    if not (isinstance(name, str) and isinstance(language, str) and isinstance(event, str)):
        return Batch(ignored=1)
    reason = value.get("reason")
    return Batch(
        templates=[
            TemplateStatus(
                name[:60],
                language[:10],
                event.upper()[:20],
                str(reason)[:200] if reason else None,
                ident(value.get("message_template_id")),
            )
        ]
    )


def _value(value: dict[str, Any]) -> Batch:
    batch = Batch()
    account = ident(as_dict(value.get("metadata")).get("phone_number_id"))
    contacts = [as_dict(c) for c in as_list(value.get("contacts"))]
    names: dict[str | None, str] = {}
    for contact in contacts:
        profile = as_dict(contact.get("profile"))
        name = str(profile.get("name") or profile.get("username") or "")
        for key in (ident(contact.get("wa_id")), ident(contact.get("user_id"))):
            if key:
                names[key] = name
    for raw in map(as_dict, as_list(value.get("messages"))):
        batch.extend(_message(account, raw, names))
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
            DeliveryStatus(
                wamid,
                str(status.get("status") or ""),
                error,
                platform="whatsapp",
                at=_status_time(status.get("timestamp")),
            )
        )
    batch.ignored += len(as_list(value.get("errors")))  # account-level errors: in the raw event
    return batch


def _status_time(value: Any) -> datetime | None:
    """A status's time, when it has a readable one (a bad one loses the time, not the status)."""
    try:
        return unix_time(value)
    except PayloadError:
        return None


def _message(account: str | None, raw: dict[str, Any], names: dict[str | None, str]) -> Batch:
    wamid, kind = ident(raw.get("id")), raw.get("type")
    phone, bsuid = ident(raw.get("from")), ident(raw.get("from_user_id"))
    if account is None or wamid is None:
        return Batch(ignored=1)
    try:
        posted_at = unix_time(raw.get("timestamp"))
    except PayloadError:
        return Batch(ignored=1)
    if kind == "system":
        return _system(raw, bsuid or phone)
    if kind in ("edit", "revoke"):
        return _change(raw, str(kind), posted_at)
    content = _content(raw)
    if content is None:
        return Batch(ignored=1)  # reactions, orders: nothing a citizen wrote
    text, media, lat, lon = content
    sender = phone or bsuid  # the phone when WhatsApp still gives it, else the username's id
    return Batch(
        messages=[
            Message(
                platform="whatsapp",
                external_id=wamid,
                account=account,
                author=(names.get(phone) or names.get(bsuid) or "")[:200],
                text=text,
                posted_at=posted_at,
                kind=MessageKind.DIRECT,
                author_id=sender,
                parent_external_id=ident(as_dict(raw.get("context")).get("id")),
                lat=lat,
                lon=lon,
                media=media,
                author_alt_id=bsuid if bsuid != sender else None,
            )
        ]
    )


def _content(
    raw: dict[str, Any],
) -> tuple[str, tuple[MediaRef, ...], float | None, float | None] | None:
    """What a message says (text, attachments, a point), or None when it says nothing."""
    kind = raw.get("type")
    lat = lon = None
    media: tuple[MediaRef, ...] = ()
    text: Any = ""
    if kind == "text":
        text = as_dict(raw.get("text")).get("body")
    elif kind in MEDIA_TYPES:
        body = as_dict(raw.get(kind))
        media_type = MEDIA_TYPES[str(kind)]
        if media_type is MediaType.AUDIO and body.get("voice") is True:
            media_type = MediaType.VOICE
        media = (
            MediaRef(
                media_type,
                ident(body.get("id")),
                _https(body.get("url")),
                mime_type=_short(body.get("mime_type")),
                caption=_short(body.get("caption"), 3000),
                filename=_short(body.get("filename")),
            ),
        )
    elif kind == "location":
        where = as_dict(raw.get("location"))
        lat, lon = _coordinate(where.get("latitude"), 90), _coordinate(where.get("longitude"), 180)
        if lat is None or lon is None:
            lat = lon = None
        named = ", ".join(str(where[k]) for k in ("name", "address") if where.get(k))
        title = named or (f"{lat:.5f}, {lon:.5f}" if lat is not None and lon is not None else "")
        media = (MediaRef(MediaType.LOCATION, url=_https(where.get("url")), title=title),)
    elif kind == "contacts":
        people = [as_dict(as_dict(c).get("name")) for c in as_list(raw.get("contacts"))]
        title = ", ".join(str(p.get("formatted_name")) for p in people if p.get("formatted_name"))
        media = (MediaRef(MediaType.CONTACT, title=title[:200] or None),)
    elif kind == "button":
        text = as_dict(raw.get("button")).get("text")
    elif kind == "interactive":
        inter = as_dict(raw.get("interactive"))
        reply = as_dict(inter.get("button_reply")) or as_dict(inter.get("list_reply"))
        text = reply.get("title")
    elif kind == "unsupported":  # WhatsApp could not show it to us; the citizen is still there
        media = (MediaRef(MediaType.UNSUPPORTED),)
    else:
        return None
    return clean_text(text_with_media(clean_text(text), media)), media, lat, lon


def _change(raw: dict[str, Any], kind: str, at: datetime) -> Batch:
    """`edit` (within 15 minutes) and `revoke` (within two days): WhatsApp Business app numbers
    on the Cloud API (Coexistence) only; a plain Cloud API number receives neither."""
    body = as_dict(raw.get(kind))
    original = ident(body.get("original_message_id"))
    if original is None:
        return Batch(ignored=1)
    if kind == "revoke":
        return Batch(changes=[MessageChange("whatsapp", original, ChangeKind.DELETED, at)])
    content = _content(as_dict(body.get("message")))
    if content is None:
        return Batch(ignored=1)
    text, media, _, _ = content
    change = MessageChange("whatsapp", original, ChangeKind.EDITED, at, text=text, media=media)
    return Batch(changes=[change])


CHANGED_ID = re.compile(r"changed from (\S+) to (\S+)")


def _system(raw: dict[str, Any], sender: str | None) -> Batch:
    """`user_changed_user_id`: the citizen changed phone number and got a new BSUID."""
    system = as_dict(raw.get("system"))
    if system.get("type") != "user_changed_user_id":
        return Batch(ignored=1)
    new = ident(system.get("user_id"))
    old = sender
    found = CHANGED_ID.search(str(system.get("body") or ""))
    if found:
        old = old or found.group(1)
        new = new or found.group(2)
    if not old or not new or old == new:
        return Batch(ignored=1)
    return Batch(rekeys=[AuthorRekey("whatsapp", old, new)])


def _https(value: Any) -> str | None:
    return value[:2000] if isinstance(value, str) and value.startswith("https://") else None


def _short(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def _coordinate(value: Any, limit: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -limit <= number <= limit else None


class WhatsAppPublisher:
    """Text replies within the 24-hour customer-service window."""

    platform = "whatsapp"

    def __init__(self, *, version: str) -> None:
        self.base = f"{GRAPH}/{version}"

    def request_for(self, item: Outgoing) -> tuple[str, dict[str, Any]]:
        if item.kind != "reply" or not item.target_author_id:
            raise SendError(
                "whatsapp: hanya balasan ke warga yang menulis lebih dulu yang bisa dikirim",
                retryable=False,
            )
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        # a phone number goes in `to`; a username's business-scoped user id in `recipient`
        if PHONE.fullmatch(item.target_author_id):
            body["to"] = item.target_author_id
        else:
            body["recipient"] = item.target_author_id
        body |= {"type": "text", "text": {"preview_url": False, "body": item.text}}
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
    labels: ClassVar[Mapping[str, str]] = {"whatsapp": "WhatsApp"}
    writing: ClassVar[Mapping[str, PlatformLimits]] = {
        "whatsapp": PlatformLimits(4096, (50, 700), None, 3)
    }
    channel = "whatsapp"
    signature_header = "x-hub-signature-256"
    handshake = "hub"
    handshake_summary = "WhatsApp subscribe handshake (hub.challenge)"
    delivery_summary = "WhatsApp Cloud API deliveries"
    text_limits: ClassVar[Mapping[str, int]] = {"whatsapp": 4096}

    def template_sender(self) -> TemplateSender:
        """Template messages to officers (issue 19: connectors/whatsapp_templates.py)."""
        return TemplateSender(version=self.settings.meta_graph_version)

    def text_rule(self, platform: str, target_kind: str | None) -> TextRule:
        # 4,096 characters: the text message body (WhatsApp Cloud API send reference)
        return TextRule("WhatsApp", 4096)

    def reply_window(self, platform: str, target_kind: str | None) -> ReplyWindow:
        # the customer service window: free-form replies within 24 hours of the citizen's last
        # message; afterwards only approved templates (error 131047)
        return ReplyWindow("WhatsApp", timedelta(hours=24))

    def limits(self, platform: str) -> tuple[Limit, ...]:
        """80 messages a second per business number (inbound and outbound both count), and
        about one message every 6 s to the same citizen (pair limit, error 131056)."""
        return (
            Limit(
                "throughput",
                LimitScope.ACCOUNT,
                80,
                timedelta(seconds=1),
                {"send": 1},
                source="whatsapp/throughput",
                label="pesan per detik",
            ),
        )

    def rate_signals(
        self, platform: str, response: httpx.Response, *, now: datetime
    ) -> list[RateSignal]:
        return usage_signals(response)

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
