"""WhatsApp Cloud API template messages (issue 19): what Paseban sends an officer outside the
24-hour customer-service window, where only an approved template may go (free text fails with
131047). `POST /<v>/{phone-number-id}/messages` with `type: template`; the answer's
`message_status` says `accepted`, `held_for_quality_assessment` or `paused`, and a 200 does not
mean delivered: the statuses arrive on the WhatsApp webhook (`sent`, `delivered`, `read`,
`failed`). The request and the errors are in docs/notifications.md with their sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from paseban.connectors.base import (
    Credentials,
    SendError,
    as_dict,
    as_list,
    by_code,
    http_error,
    ident,
    transport_error,
)
from paseban.connectors.meta_graph import GRAPH

RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})
# permanent for that template until someone fixes it at Meta (its text, its approval)
TEMPLATE_CODES = {
    132000: "jumlah parameter tidak cocok dengan templat",
    132001: "templat tidak ada dalam bahasa itu atau belum disetujui",
    132005: "teks templat terlalu panjang",
    132007: "templat melanggar kebijakan format",
    132012: "format parameter tidak cocok",
    132015: "templat dijeda Meta (kualitas rendah)",
    132016: "templat dinonaktifkan Meta",
    131047: "di luar jendela 24 jam: hanya templat yang disetujui",
}


@dataclass(frozen=True)
class SentTemplate:
    wamid: str
    status: str  # accepted, held_for_quality_assessment, paused


class TemplateSender:
    def __init__(self, *, version: str) -> None:
        self.base = f"{GRAPH}/{version}"

    def send(
        self,
        client: httpx.Client,
        *,
        phone_number_id: str,
        to: str,
        name: str,
        language: str,
        components: list[dict[str, Any]],
        credentials: Credentials,
    ) -> SentTemplate:
        """Send one template message. Raises SendError (retryable for throughput limits)."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": {
                "name": name,
                "language": {"policy": "deterministic", "code": language},
                "components": components,
            },
        }
        try:
            response = client.post(
                f"{self.base}/{phone_number_id}/messages",
                json=body,
                headers={"Authorization": f"Bearer {credentials.token}"},
            )
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform="whatsapp") from None
        if response.status_code >= 400:
            raise template_error(response)
        first = as_dict((as_list(as_dict(response.json()).get("messages")) or [{}])[0])
        wamid = ident(first.get("id"))
        if wamid is None:
            raise SendError("whatsapp: jawaban tanpa id pesan", retryable=False)
        return SentTemplate(wamid, str(first.get("message_status") or "accepted"))


def template_error(response: httpx.Response) -> SendError:
    error = http_error(response, platform="whatsapp")
    try:
        code = as_dict(as_dict(response.json()).get("error")).get("code")
    except ValueError:
        code = None
    if code in TEMPLATE_CODES:
        return SendError(f"whatsapp {code}: {TEMPLATE_CODES[code]}", retryable=False)
    return by_code(error, code, rate_limit=RATE_LIMIT_CODES, transient=TRANSIENT_CODES)
