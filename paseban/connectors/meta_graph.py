"""Meta's Graph API, outbound: replies and posts, the one look-up a mention needs, the Page
subscription, the versions and their end dates, and reading Meta's error codes and usage headers.

Instagram is served through **Instagram API with Facebook Login for Business** (the flow Meta
calls "the preferred" one for tech providers building messaging tools; docs/connectors/meta.md):
the Page token acts for the Instagram account linked to the Page. An account on **Instagram API
with Business Login for Instagram** (no Page) is served too: its credentials say
`flow: instagram_login`, its calls go to graph.instagram.com with its Instagram user token.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import httpx

from paseban.connectors.base import (
    Credentials,
    Hydration,
    Outgoing,
    PayloadError,
    SendError,
    as_dict,
    as_list,
    by_code,
    clean_text,
    http_error,
    ident,
    iso_time,
    transport_error,
)
from paseban.connectors.limits import LimitScope, RateSignal, ReplyWindow, WindowVerdict
from paseban.domain.messages import Message, MessageKind

GRAPH = "https://graph.facebook.com"
INSTAGRAM_GRAPH = "https://graph.instagram.com"
INSTAGRAM_LOGIN = "instagram_login"  # credentials.extra["flow"] of an account without a Page
# Graph API error codes that mean "slow down" or "try again later"
RATE_LIMIT_CODES = frozenset(
    {4, 17, 32, 613, *range(80001, 80015)}  # app, user, page, custom, business use cases
)
APP_THROTTLE_CODES = frozenset({4})
TRANSIENT_CODES = frozenset({1, 2})
OUTSIDE_WINDOW = (10, 2018278)
EXPIRED_TOKEN = 190
# the fields a Page subscribes the app to (docs/connectors/meta.md): Business Suite's replies
# arrive as `message_echoes`, conversations another app owns on `standby`
PAGE_FIELDS: tuple[str, ...] = ("feed", "messages", "message_echoes", "message_edits", "standby")
PAGE_FIELDS += ("messaging_handovers",)

# Graph API versions: released, available until (None: not announced). Meta's changelog
# (graph-api/changelog/versions), read 2026-11; v26.0 has no end date yet.
GRAPH_VERSIONS: dict[str, tuple[date, date | None]] = {
    "v20.0": (date(2024, 5, 21), date(2026, 9, 24)),
    "v21.0": (date(2024, 10, 2), date(2027, 1, 21)),
    "v22.0": (date(2025, 1, 21), date(2027, 5, 20)),
    "v23.0": (date(2025, 5, 29), date(2027, 10, 8)),
    "v24.0": (date(2025, 10, 8), date(2028, 2, 18)),
    "v25.0": (date(2026, 2, 18), date(2028, 7, 29)),
    "v26.0": (date(2026, 7, 29), None),
}
DEFAULT_GRAPH_VERSION = "v25.0"  # the newest with a published end date
WARN_DAYS = 90

# Instagram DMs: 24 hours; a person may answer up to 7 days with the HUMAN_AGENT tag
DM_WINDOW_HOURS = (24, 7 * 24)


def version_expiry(version: str) -> date | None:
    """The day a Graph API version stops working; None when Meta has not said (or we do not
    know the version: a newer one than our table). A version older than the table is gone."""
    if version in GRAPH_VERSIONS:
        return GRAPH_VERSIONS[version][1]
    oldest = min(GRAPH_VERSIONS, key=_version_number)
    if _version_number(version) < _version_number(oldest):
        return GRAPH_VERSIONS[oldest][0]  # older than the oldest we list: long gone
    return None


def _version_number(version: str) -> float:
    try:
        return float(version.removeprefix("v"))
    except ValueError:
        return 0.0


def version_notice(version: str, today: date) -> str | None:
    """What an operator should know about the configured version: expired, or ending soon."""
    expiry = version_expiry(version)
    if expiry is None:
        return None
    days = (expiry - today).days
    if days < 0:
        return (
            f"Graph API {version} sudah berakhir {expiry:%d-%m-%Y}; ubah "
            f"PASEBAN_META_GRAPH_VERSION ke {DEFAULT_GRAPH_VERSION} atau yang lebih baru"
        )
    if days <= WARN_DAYS:
        return (
            f"Graph API {version} berakhir {expiry:%d-%m-%Y} ({days} hari lagi); ubah "
            f"PASEBAN_META_GRAPH_VERSION ke {DEFAULT_GRAPH_VERSION} atau yang lebih baru"
        )
    return None


def auth(credentials: Credentials) -> dict[str, str]:
    return {"Authorization": f"Bearer {credentials.token}"}


def host_for(credentials: Credentials) -> str:
    return INSTAGRAM_GRAPH if credentials.extra.get("flow") == INSTAGRAM_LOGIN else GRAPH


def graph_code(response: httpx.Response) -> tuple[int | None, int | None]:
    """Meta's error `code` and `error_subcode`."""
    try:
        error = as_dict(as_dict(response.json()).get("error"))
    except ValueError:
        return None, None
    code, sub = error.get("code"), error.get("error_subcode")
    return (code if isinstance(code, int) else None, sub if isinstance(sub, int) else None)


def graph_error(response: httpx.Response, platform: str = "meta") -> SendError:
    """Graph API errors come as HTTP 400/403 with an error code in the body."""
    error = http_error(response, platform=platform)
    code, sub = graph_code(response)
    if (code, sub) == OUTSIDE_WINDOW:
        return SendError(
            f"{platform}: di luar jendela balasan (pesan terakhir warga lebih dari 24 jam lalu; "
            "balasan petugas sampai 7 hari butuh tag HUMAN_AGENT) (#10/2018278)",
            retryable=False,
        )
    if code == EXPIRED_TOKEN:
        return SendError(
            f"{platform}: token akun tidak berlaku lagi (#190); simpan token baru dengan "
            "`paseban accounts token`",
            retryable=False,
        )
    wait = _regain_seconds(response)
    refined = by_code(error, code, rate_limit=RATE_LIMIT_CODES, transient=TRANSIENT_CODES)
    if refined.rate_limited and wait is not None:
        return SendError(str(refined), retryable=True, rate_limited=True, retry_after=wait)
    return refined


def _regain_seconds(response: httpx.Response) -> float | None:
    waits = [s.wait for s in usage_signals(response) if s.wait]
    return max(waits) if waits else None


def usage_signals(response: httpx.Response) -> list[RateSignal]:
    """Meta's usage headers, on every answer: `X-Business-Use-Case-Usage` (per business object:
    the Page or Instagram account; `estimated_time_to_regain_access` in minutes) and
    `X-App-Usage` (the app; percentages of its hourly budget)."""
    signals: list[RateSignal] = []
    buc = _json_header(response, "x-business-use-case-usage")
    for entries in buc.values():
        for item in map(as_dict, as_list(entries)):
            minutes = _number(item.get("estimated_time_to_regain_access")) or 0
            signals.append(
                RateSignal(
                    bucket="usage",
                    scope=LimitScope.ACCOUNT,
                    usage_pct=_worst(item),
                    wait=minutes * 60 if minutes > 0 else None,
                )
            )
    app = _json_header(response, "x-app-usage")
    if app:
        usage = _worst(app)
        code, _ = graph_code(response) if response.status_code >= 400 else (None, None)
        # Meta gives no time for the app's budget: it is an hour's rolling window
        wait = 600.0 if code in APP_THROTTLE_CODES or (usage or 0) >= 100 else None
        signals.append(RateSignal(bucket="usage", scope=LimitScope.APP, usage_pct=usage, wait=wait))
    return signals


def _json_header(response: httpx.Response, name: str) -> dict[str, Any]:
    raw = response.headers.get(name)
    if not raw:
        return {}
    try:
        return as_dict(json.loads(raw))
    except ValueError:
        return {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _worst(item: dict[str, Any]) -> float | None:
    values = [_number(item.get(k)) for k in ("call_count", "total_cputime", "total_time")]
    found = [v for v in values if v is not None]
    return max(found) if found else None


# --- one more call: Instagram mentions -----------------------------------------------------------

# the fields of `mentioned_comment` are exactly id, like_count, media, text, timestamp: asking
# for another (username, from) fails the whole request with #100
MENTIONED_COMMENT = "{id,text,timestamp,like_count,media{id}}"
MENTIONED_MEDIA = "{id,caption}"


def fetch_mention(
    client: httpx.Client, item: Hydration, credentials: Credentials, *, version: str
) -> Message | None:
    """The text of a mention, which the webhook does not carry. The author is not on this edge
    (Meta gives no commenter for a mention): it stays unknown. An error is an error, never
    "deleted": the item waits and is tried again."""
    base = f"{GRAPH}/{version}/{item.account}"
    if item.kind == "ig_mention_comment":
        fields = f"mentioned_comment.comment_id({item.external_id}){MENTIONED_COMMENT}"
        key = "mentioned_comment"
    else:
        fields = f"mentioned_media.media_id({item.external_id}){MENTIONED_MEDIA}"
        key = "mentioned_media"
    try:
        response = client.get(base, params={"fields": fields}, headers=auth(credentials))
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="instagram") from None
    if response.status_code >= 400:
        raise graph_error(response, "instagram")
    data = as_dict(as_dict(response.json()).get(key))
    if not data:
        return None  # Meta answered, without the item: nothing to store
    try:
        posted_at = iso_time(data.get("timestamp"))
    except PayloadError:
        posted_at = item.received_at
    return Message(
        platform="instagram",
        external_id=item.external_id,
        account=item.account,
        author="",
        text=clean_text(data.get("text") or data.get("caption")),
        posted_at=posted_at,
        kind=MessageKind.MENTION,
        author_id=None,
        parent_external_id=item.parent_external_id or ident(as_dict(data.get("media")).get("id")),
    )


# --- out: replies and posts ----------------------------------------------------------------------


def dm_window(platform: str) -> ReplyWindow:
    label = "Instagram DM" if platform == "instagram" else "Pesan Facebook"
    free, human = DM_WINDOW_HOURS
    return ReplyWindow(label, timedelta(hours=free), timedelta(hours=human))


class MetaPublisher:
    """Replies on Instagram and Facebook, and Page posts, through the Graph API. The access
    token is the Page's (it also acts for the Instagram account linked to the Page), or, for an
    Instagram account on Instagram Login, its own Instagram user token."""

    def __init__(self, platform: str, *, version: str, human_agent: bool = False) -> None:
        if platform not in ("instagram", "facebook"):
            raise ValueError(platform)
        self.platform = platform
        self.version = version
        self.human_agent = human_agent

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        method, path, kwargs = self.request_for(item, credentials)
        url = f"{host_for(credentials)}/{self.version}/{path}"
        try:
            response = client.request(method, url, headers=auth(credentials), **kwargs)
        except httpx.HTTPError as exc:
            raise transport_error(exc, platform=self.platform) from None
        if response.status_code >= 400:
            raise graph_error(response, self.platform)
        data = as_dict(response.json())
        created = ident(data.get("id")) or ident(data.get("message_id"))
        if created is None:
            raise SendError(f"{self.platform}: jawaban tanpa id", retryable=False)
        return created

    def request_for(
        self, item: Outgoing, credentials: Credentials | None = None
    ) -> tuple[str, str, dict[str, Any]]:
        """Method, path (after the host and version) and body of the call for `item`."""
        credentials = credentials or Credentials("")
        account = item.account.platform_account_id
        if item.kind == "post":
            if self.platform == "instagram":
                raise SendError(
                    "instagram: unggahan Instagram wajib bergambar; terbitkan lewat Meta Business "
                    "Suite",
                    retryable=False,
                )
            return "POST", f"{account}/feed", {"data": {"message": item.text}}
        target = item.target_external_id
        if not target:
            raise SendError(f"{self.platform}: balasan tanpa pesan tujuan", retryable=False)
        if item.target_kind == MessageKind.DIRECT:
            path = self._messages_path(item, credentials)
            return "POST", path, {"json": self._direct_body(item)}
        if self.platform == "instagram":
            if item.target_kind == MessageKind.MENTION:
                params = {"message": item.text}
                if item.target_parent_external_id:
                    params |= {"media_id": item.target_parent_external_id, "comment_id": target}
                else:
                    params["media_id"] = target
                return "POST", f"{account}/mentions", {"data": params}
            # Instagram threads one level deep: a reply to a reply goes to the top comment
            if item.target_kind == MessageKind.REPLY and item.target_parent_external_id:
                target = item.target_parent_external_id
            return "POST", f"{target}/replies", {"data": {"message": item.text}}
        return "POST", f"{target}/comments", {"data": {"message": item.text}}

    def _messages_path(self, item: Outgoing, credentials: Credentials) -> str:
        """Facebook: the Page's own messages edge. Instagram with Facebook Login: the linked
        Page's edge (`page_id` stored with the token), else `me` (the Page token's own Page);
        with Instagram Login: the Instagram account's edge on graph.instagram.com."""
        account = item.account.platform_account_id
        if self.platform == "facebook" or credentials.extra.get("flow") == INSTAGRAM_LOGIN:
            return f"{account}/messages"
        page = ident(credentials.extra.get("page_id"))
        return f"{page or 'me'}/messages"

    def _direct_body(self, item: Outgoing) -> dict[str, Any]:
        if not item.target_author_id:
            raise SendError(f"{self.platform}: pesan langsung tanpa penerima", retryable=False)
        window = dm_window(self.platform)
        now = item.now
        verdict = WindowVerdict.OPEN  # without a clock or a last message the platform decides
        if now is not None:
            verdict = window.verdict(
                item.last_inbound_at, now, human=item.human, tag=self.human_agent
            )
        if verdict is WindowVerdict.CLOSED and now is not None:
            problem = window.problem(
                item.last_inbound_at, now, human=item.human, tag=self.human_agent
            )
            raise SendError(str(problem), retryable=False)
        message: dict[str, Any] = {"text": item.text}
        if self.platform == "facebook" and item.reference:
            message["metadata"] = f"paseban:{item.reference}"  # comes back on the echo
        body: dict[str, Any] = {"recipient": {"id": item.target_author_id}}
        if verdict is WindowVerdict.TAGGED:
            body |= {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        else:
            body["messaging_type"] = "RESPONSE"
        body["message"] = message
        return body


def subscribe_page(
    client: httpx.Client, page_id: str, credentials: Credentials, *, version: str
) -> list[str]:
    """Subscribe the app to a Page's webhook fields (`POST /{page-id}/subscribed_apps`) and
    return the fields. Meta answers `{"success": true}` or `{"success": "true"}`."""
    url = f"{GRAPH}/{version}/{page_id}/subscribed_apps"
    try:
        response = client.post(
            url, params={"subscribed_fields": ",".join(PAGE_FIELDS)}, headers=auth(credentials)
        )
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="facebook") from None
    if response.status_code >= 400:
        raise graph_error(response, "facebook")
    if as_dict(response.json()).get("success") not in (True, "true"):
        raise SendError("facebook: langganan webhook tidak dikonfirmasi Meta", retryable=False)
    return list(PAGE_FIELDS)
