"""What every connector shares: two inbound protocols (a platform pushes to us, or we pull from
it), one outbound protocol, and the values they exchange. Connectors parse and build requests;
they store nothing and serve no HTTP. Credentials are passed in, never read here."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from paseban.domain.messages import AuthorRekey, Message, MessageChange
from paseban.measurement.metrics import AccountMetrics

MAX_TEXT = 100_000
MAX_METRIC_PAGES = 5  # pages of recent posts read per account and day


class PayloadError(ValueError):
    """A payload that is not in the platform's shape (after its signature was checked)."""


@dataclass(frozen=True)
class DeliveryStatus:
    """What a platform says about something we sent (WhatsApp `statuses[]`)."""

    external_id: str
    status: str  # sent, delivered, read, failed
    error: str | None = None
    platform: str = ""  # whose message id it is (WhatsApp's statuses[] today)
    at: datetime | None = None  # when the platform says it happened (issue 19: officer latency)


@dataclass(frozen=True)
class TemplateStatus:
    """What Meta says of one of the business's message templates (WhatsApp's
    `message_template_status_update` webhook field): APPROVED, REJECTED, PAUSED, DISABLED..."""

    name: str
    language: str
    status: str  # the webhook's `event`
    reason: str | None = None
    template_id: str | None = None


@dataclass(frozen=True)
class Hydration:
    """An item the webhook only points at: one more API call fetches its text (Instagram
    mentions carry ids, not text)."""

    platform: str
    account: str  # platform account id that received it
    kind: str  # "ig_mention_comment" or "ig_mention_media"
    external_id: str
    parent_external_id: str | None
    received_at: datetime


@dataclass
class Batch:
    """One delivery (a webhook POST) or one page of a poll, parsed."""

    messages: list[Message] = field(default_factory=list)
    own: list[Message] = field(default_factory=list)  # written by the official account itself
    statuses: list[DeliveryStatus] = field(default_factory=list)
    hydrate: list[Hydration] = field(default_factory=list)
    changes: list[MessageChange] = field(default_factory=list)  # edits and removals
    rekeys: list[AuthorRekey] = field(default_factory=list)  # a citizen's id changed
    templates: list[TemplateStatus] = field(default_factory=list)  # WhatsApp template reviews
    ignored: int = 0  # reactions, read receipts, handovers: nothing to store

    def extend(self, other: Batch) -> None:
        self.messages += other.messages
        self.own += other.own
        self.statuses += other.statuses
        self.hydrate += other.hydrate
        self.changes += other.changes
        self.rekeys += other.rekeys
        self.templates += other.templates
        self.ignored += other.ignored


@dataclass(frozen=True)
class Page:
    """One page of a poll, and the cursor to save once the page is stored."""

    batch: Batch
    cursor: dict[str, Any]
    more: bool  # fetch the next page now (the cursor says where it starts)
    raw: str = ""  # the response body, kept with the stored messages


@dataclass(frozen=True)
class AccountRef:
    """The official account a connector acts for."""

    platform: str
    platform_account_id: str
    handle: str = ""


@dataclass(frozen=True)
class Credentials:
    """A token for one account (from account_credentials) or for the app (from settings).
    Never logged: `repr` hides the token."""

    token: str = field(repr=False)
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Outgoing:
    """One reply or post to send, with what the platform needs to thread it."""

    platform: str
    kind: str  # "reply" or "post"
    text: str
    account: AccountRef
    target_external_id: str | None = None  # the message we answer
    target_kind: str | None = None  # comment, reply, mention, direct, post
    target_parent_external_id: str | None = None  # its post / video / thread
    target_author_id: str | None = None  # for direct messages: who to write to
    # the citizen's latest message in that conversation (messaging windows), when known
    last_inbound_at: datetime | None = None
    human: bool = False  # typed by a person in the inbox (not an automatic answer)
    now: datetime | None = None  # the sender's clock, for the messaging windows
    reference: str | None = None  # ours (the outbox row): echoed back by Messenger as metadata


class SendError(Exception):
    """A send that did not succeed.

    - `retryable`: worth another try later (5xx, rate limits, network).
    - `ambiguous`: the request may have reached the platform (a read timeout): sending again
      could post twice, so the outbox does not resend blindly.
    - `retry_after`: seconds the platform asked us to wait (rate limits)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        ambiguous: bool = False,
        retry_after: float | None = None,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.ambiguous = ambiguous
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class WebhookSource(Protocol):
    """A platform that pushes to us (Meta, WhatsApp Cloud API, X Account Activity)."""

    channel: str

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool: ...

    def parse(self, body: bytes, *, received_at: datetime) -> Batch: ...


class Poller(Protocol):
    """A platform we pull from (X mentions, YouTube comment threads, TikTok comments)."""

    platform: str

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        cursor: Mapping[str, Any],
        credentials: Credentials,
    ) -> Page: ...


class MetricsReader(Protocol):
    """A platform whose figures we read once a day: followers and the counts of recent posts."""

    platform: str

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        """`day` is the local day the figures are for; posts published before `since` are
        not read. Raises SendError (HTTP and network trouble) or PayloadError."""
        ...


class Publisher(Protocol):
    """A platform we write to: reply to a comment or message, publish a post."""

    platform: str

    def send(self, client: httpx.Client, item: Outgoing, credentials: Credentials) -> str:
        """Send and return the platform's id for what was created; raise SendError."""
        ...


# --- helpers shared by the connectors ------------------------------------------------------------


def header(headers: Mapping[str, str], name: str) -> str:
    """A header value whatever the case of its name (Starlette headers or a plain dict)."""
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value or ""


def hub_signature_ok(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Meta's X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>, compared in
    constant time over the exact bytes received."""
    given = header(headers, "x-hub-signature-256")
    if not secret or not given.startswith("sha256="):
        return False
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={digest}", given.strip().lower())


def load_body(body: bytes) -> Any:
    """A delivery's JSON body; PayloadError when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("badan bukan JSON") from None


class HubSignedWebhook:
    """What Meta's webhooks share (Instagram, Facebook, WhatsApp): the app secret, and the
    X-Hub-Signature-256 check over the raw body. Each subclass parses its own objects."""

    channel = ""

    def __init__(self, app_secret: str) -> None:
        self._secret = app_secret

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        return hub_signature_ok(self._secret, headers, body)


def hub_signature(secret: str, body: bytes) -> str:
    """The header value a Meta delivery of `body` carries (used by the simulator and tests)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def unix_time(value: Any) -> datetime:
    """Seconds or milliseconds since the epoch (int, float or digit string) -> aware UTC."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PayloadError(f"waktu tidak sah: {value!r}") from None
    if number > 1e11:  # milliseconds (Messenger timestamps, entry.time of messaging events)
        number /= 1000
    if not 0 < number < 32503680000:
        raise PayloadError(f"waktu di luar rentang: {value!r}")
    return datetime.fromtimestamp(number, UTC)


def iso_time(value: Any) -> datetime:
    if not isinstance(value, str) or not value:
        raise PayloadError(f"waktu tidak sah: {value!r}")
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 -> +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"waktu tidak sah: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def clean_text(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    return text.replace("\x00", "")[:MAX_TEXT]


def ident(value: Any) -> str | None:
    """An id as a string (platform ids may arrive as numbers), or None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        return str(value)[:200]
    return None


def count(value: Any) -> int | None:
    """A platform's counter (a number, or a digit string as YouTube sends them) as an int >= 0;
    None when it is absent or not a count (a hidden like count, a withheld metric)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def backoff(
    attempts: int, *, base: float = 30.0, cap: float = 3600.0, jitter: float = 0.2
) -> float:
    """Seconds to wait before try number `attempts + 1`: exponential, capped, with jitter so that
    many failed sends do not all come back at the same second."""
    delay = min(cap, base * 2.0 ** max(0, attempts - 1))
    return float(delay * (1 + random.uniform(-jitter, jitter)))


def http_error(response: httpx.Response, *, platform: str) -> SendError:
    """Classify an HTTP error response. 429 and 5xx are retryable; other 4xx are not."""
    status = response.status_code
    retry_after = _retry_after(response)
    detail = _error_detail(response)
    if status == 429:
        return SendError(
            f"{platform}: dibatasi (HTTP 429){detail}",
            retryable=True,
            retry_after=retry_after,
            rate_limited=True,
        )
    if status >= 500:
        return SendError(f"{platform}: galat server (HTTP {status}){detail}", retryable=True)
    return SendError(f"{platform}: ditolak (HTTP {status}){detail}", retryable=False)


def by_code(
    error: SendError, code: Any, *, rate_limit: frozenset[int], transient: frozenset[int]
) -> SendError:
    """An HTTP error refined by the platform's error code: slow down (rate limited), try again
    later (transient), or as it was."""
    if code in rate_limit:
        return SendError(
            str(error), retryable=True, rate_limited=True, retry_after=error.retry_after
        )
    if code in transient:
        return SendError(str(error), retryable=True)
    return error


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after")
    if raw and raw.strip().isdigit():
        return float(raw)
    reset = response.headers.get("x-rate-limit-reset")  # X: epoch seconds
    if reset and reset.strip().isdigit():
        date = response.headers.get("date")
        now = None
        if date:
            try:
                now = parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError):
                now = None
        if now is not None:
            return max(1.0, float(reset) - now)
    return None


def _error_detail(response: httpx.Response) -> str:
    """A short, token-free description of a platform's error body."""
    try:
        body = response.json()
    except ValueError:
        return ""
    err = as_dict(as_dict(body).get("error"))
    parts = [str(err[k]) for k in ("code", "error_subcode", "message") if k in err]
    if not parts:
        errors = as_list(as_dict(body).get("errors"))
        if errors:
            first = as_dict(errors[0])
            parts = [
                str(first.get(k)) for k in ("code", "title", "message", "detail") if first.get(k)
            ]
        elif "title" in as_dict(body) or "detail" in as_dict(body):
            parts = [str(body.get(k)) for k in ("title", "detail") if body.get(k)]
        elif "message" in as_dict(body):
            parts = [str(body.get("code", "")), str(body["message"])]
    text = " ".join(p for p in parts if p)[:300]
    return f": {text}" if text else ""


def transport_error(exc: httpx.HTTPError, *, platform: str) -> SendError:
    """Network trouble. A failure to connect never reached the platform: safe to retry. A timeout
    or a broken connection after the request was written may have been processed: ambiguous."""
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return SendError(f"{platform}: tidak tersambung ({name})", retryable=True)
    return SendError(f"{platform}: hasil tidak pasti ({name})", retryable=True, ambiguous=True)


def read_json(response: httpx.Response, *, platform: str) -> dict[str, Any]:
    """The body of a successful answer as a JSON object, or PayloadError."""
    try:
        body = response.json()
    except ValueError:
        raise PayloadError(f"{platform}: jawaban bukan JSON") from None
    if not isinstance(body, dict):
        raise PayloadError(f"{platform}: jawaban bukan objek JSON")
    return body


def get_json(
    client: httpx.Client,
    url: str,
    *,
    platform: str,
    headers: Mapping[str, str],
    params: Mapping[str, Any] | None = None,
    error: Callable[[httpx.Response], SendError] | None = None,
    empty_when: Callable[[httpx.Response], bool] | None = None,
) -> dict[str, Any]:
    """One GET of a read API: network trouble and HTTP errors as SendError (through the
    platform's own `error` classifier when it has one), a body that is not JSON as PayloadError.
    An error answer for which `empty_when` is true means "nothing to read here": {}."""
    try:
        response = client.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform=platform) from None
    if response.status_code >= 400 and empty_when is not None and empty_when(response):
        return {}
    if response.status_code >= 400:
        raise error(response) if error else http_error(response, platform=platform)
    return read_json(response, platform=platform)
